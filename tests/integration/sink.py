#!/usr/bin/env python3
"""A capture SMTP sink for the integration tests.

Every message accepted is written as N.eml (the DATA, dot-unstuffed, line
endings as received) with N.env beside it (MAIL FROM on the first line, one
RCPT TO a line after it).  Lines are bounded; the server stops after
--lifetime seconds whatever happens, so a failed test never leaves it running.

usage: sink.py --port N --dir DIR [--lifetime SECONDS]
"""
import argparse
import itertools
import os
import socketserver
import threading

MAX_LINE = 1 << 20
counter = itertools.count(1)
lock = threading.Lock()


class Handler(socketserver.StreamRequestHandler):
    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        self.reply("220 sink.test ESMTP")
        sender, rcpts = None, []
        while True:
            line = self.rfile.readline(MAX_LINE)
            if not line:
                return
            cmd = line.strip().decode("latin-1")
            verb = cmd[:4].upper()
            if verb == "EHLO":
                # 8BITMIME, so that Postfix passes 8-bit bodies unchanged.
                self.reply("250-sink.test\r\n250 8BITMIME")
            elif verb == "HELO":
                self.reply("250 sink.test")
            elif verb == "MAIL":
                # The address only, without ESMTP parameters.
                sender, rcpts = cmd[10:].strip().split(" ")[0], []
                self.reply("250 ok")
            elif verb == "RCPT":
                rcpts.append(cmd[8:].strip().split(" ")[0])
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go")
                data = self.read_data()
                if data is None:
                    return
                self.store(sender, rcpts, data)
                self.reply("250 stored")
            elif verb == "RSET":
                sender, rcpts = None, []
                self.reply("250 ok")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")

    def read_data(self):
        chunks = []
        while True:
            line = self.rfile.readline(MAX_LINE)
            if not line:
                return None
            if line in (b".\r\n", b".\n"):
                return b"".join(chunks)
            if line.startswith(b"."):
                line = line[1:]
            chunks.append(line)

    def store(self, sender, rcpts, data):
        with lock:
            n = next(counter)
        base = os.path.join(self.server.dir, "%06d" % n)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(data)
        with open(base + ".env", "w") as f:
            f.write("\n".join([sender or ""] + rcpts) + "\n")
        os.rename(base + ".eml.tmp", base + ".eml")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--lifetime", type=int, default=1800)
    a = ap.parse_args()
    srv = Server(("127.0.0.1", a.port), Handler)
    srv.dir = a.dir
    threading.Timer(a.lifetime, srv.shutdown).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
