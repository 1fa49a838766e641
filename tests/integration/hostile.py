#!/usr/bin/env python3
"""Hostile messages for the fault tests, and a timed SMTP sender.

usage: hostile.py gen DIR
           writes into DIR (LF line endings):
             zipbomb.eml     a zip of 200 MiB of zeros (deflated: ~200 KiB)
             nested.eml      10,000 nested multipart/mixed parts
             garbage.eml     64 MiB of random bytes after a short header
             longheader.eml  one 1 MiB header line without a line break
       hostile.py send --port N FILE
           submits FILE over SMTP and prints "CODE TOTAL_S AFTER_DOT_S"
           (the reply to the final dot; the seconds of the whole session
           and from the final dot to the reply).
       hostile.py milter --port N --header-bytes N
           speaks the milter protocol (version 6, as an MTA) to the filter
           on 127.0.0.1:N: one message whose single header line has N bytes
           and no line break; prints the filter's final answer (accept,
           continue, discard, reject, tempfail, reply CODE) or "closed"
           when it drops the connection, and the seconds taken.
All of it is generated here: no third-party content.
"""
import base64
import io
import os
import re
import smtplib
import socket
import struct
import sys
import time
import zipfile

HEAD = (b"From: Stranger <x@attacker.example>\n"
        b"To: staff@hospital.example\n"
        b"Subject: %s\n"
        b"Message-ID: <%s@attacker.example>\n")


def head(subject):
    return HEAD % (subject.encode(), os.urandom(8).hex().encode())


def zipbomb():
    buf = io.BytesIO()
    zero = bytes(1 << 20)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("report.txt", "w", force_zip64=True) as f:
            for _ in range(200):
                f.write(zero)
    data = base64.encodebytes(buf.getvalue())
    return (head("Quarterly report") +
            b"MIME-Version: 1.0\n"
            b'Content-Type: multipart/mixed; boundary="zb"\n\n'
            b"--zb\nContent-Type: text/plain\n\nSee attached.\n"
            b'--zb\nContent-Type: application/zip; name="report.zip"\n'
            b"Content-Transfer-Encoding: base64\n"
            b'Content-Disposition: attachment; filename="report.zip"\n\n'
            + data + b"--zb--\n")


def nested(depth=10000):
    out = [head("Nested"), b"MIME-Version: 1.0\n",
           b'Content-Type: multipart/mixed; boundary="n0"\n\n']
    for i in range(1, depth):
        out.append(b'--n%d\nContent-Type: multipart/mixed; '
                   b'boundary="n%d"\n\n' % (i - 1, i))
    out.append(b"--n%d\nContent-Type: text/plain\n\ndeep\n" % (depth - 1))
    for i in range(depth - 1, -1, -1):
        out.append(b"--n%d--\n" % i)
    return b"".join(out)


def garbage(size=64 << 20):
    return (head("Garbage") + b"\n" + os.urandom(size))


def longheader(size=1 << 20):
    return (head("Long header") + b"X-Long: " + b"a" * size +
            b"\n\nA message with a very long header line.\n")


def gen(d):
    os.makedirs(d, exist_ok=True)
    for name, fn in (("zipbomb", zipbomb), ("nested", nested),
                     ("garbage", garbage), ("longheader", longheader)):
        with open(os.path.join(d, name + ".eml"), "wb") as f:
            f.write(fn())


def send(port, path):
    with open(path, "rb") as f:
        data = f.read()
    # Bare CR and LF become CRLF, as smtplib's sendmail() does.
    data = re.sub(rb"(?:\r\n|\n|\r(?!\n))", b"\r\n", data)
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    t0 = time.time()
    code, t_dot = 0, 0.0
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=300) as s:
            s.ehlo("hostile.test")
            s.mail("x@attacker.example")
            s.rcpt("staff@hospital.example")
            c, _ = s.docmd("DATA")
            if c != 354:
                code = c
            else:
                s.send(data)
                t1 = time.time()
                s.send(b".\r\n")
                code, _ = s.getreply()
                t_dot = time.time() - t1
    except (smtplib.SMTPException, OSError) as e:
        code = getattr(e, "smtp_code", 0)
    print("%d %.2f %.2f" % (code, time.time() - t0, t_dot))
    return 0


def pkt(cmd, data=b""):
    return struct.pack(">I", len(data) + 1) + cmd + data


def read_pkt(sock):
    def exact(n):
        b = b""
        while len(b) < n:
            c = sock.recv(n - len(b))
            if not c:
                raise EOFError
            b += c
        return b
    (n,) = struct.unpack(">I", exact(4))
    if n < 1 or n > (1 << 20):
        raise EOFError
    body = exact(n)
    return body[:1], body[1:]


FINAL = {b"a": "accept", b"c": "continue", b"d": "discard",
         b"r": "reject", b"t": "tempfail"}


def reply(sock):
    """The next final answer, skipping progress and modifications."""
    while True:
        cmd, data = read_pkt(sock)
        if cmd in FINAL:
            return FINAL[cmd]
        if cmd == b"y":
            return "reply " + data[:3].decode("ascii", "replace")
        if cmd == b"O":
            return "optneg"


def milter(port, nbytes):
    t0 = time.time()
    try:
        r = milter_session(port, nbytes)
    except (EOFError, OSError):
        r = "closed"
    return r, time.time() - t0


def milter_session(port, nbytes):
    s = socket.create_connection(("127.0.0.1", port), 30)
    s.settimeout(120)
    try:
        # Every action, no protocol flags: every step gets a reply.
        s.sendall(pkt(b"O", struct.pack(">III", 6, 0x1FF, 0)))
        if reply(s) != "optneg":
            return "bad negotiation"
        steps = [
            pkt(b"C", b"attacker.example\0" + b"4" +
                struct.pack(">H", 25) + b"192.0.2.66\0"),
            pkt(b"H", b"hostile.test\0"),
            pkt(b"M", b"<x@attacker.example>\0"),
            pkt(b"R", b"<staff@hospital.example>\0"),
            pkt(b"T"),
            pkt(b"L", b"From\0<x@attacker.example>\0"),
            pkt(b"L", b"Subject\0Long header (milter)\0"),
            pkt(b"L", b"X-Long\0" + b"a" * nbytes + b"\0"),
            pkt(b"N"),
            pkt(b"B", b"A message with a very long header line.\r\n"),
        ]
        for p in steps:
            s.sendall(p)
            r = reply(s)
            if r != "continue":
                return r
        s.sendall(pkt(b"D", b"E" + b"i\0HOSTILE1\0"))
        s.sendall(pkt(b"E"))
        r = reply(s)
        s.sendall(pkt(b"Q"))
        return r
    finally:
        s.close()


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "gen":
        return gen(sys.argv[2])
    if len(sys.argv) == 5 and sys.argv[1] == "send" and \
            sys.argv[2] == "--port":
        return send(int(sys.argv[3]), sys.argv[4])
    if len(sys.argv) == 6 and sys.argv[1] == "milter" and \
            sys.argv[2] == "--port" and sys.argv[4] == "--header-bytes":
        r, secs = milter(int(sys.argv[3]), int(sys.argv[5]))
        print("%s %.2f" % (r, secs))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
