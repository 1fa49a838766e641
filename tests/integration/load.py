#!/usr/bin/env python3
"""Load generator for the fault tests: N messages over S concurrent SMTP
sessions, each retried after a 4xx like a real MTA would.

Every message carries its number twice: an "X-Load-Id: N" header and
"load N" in the Subject (the quarantine lists subjects), so that the
caller can account for each message exactly once.  Message kinds are
taken in turn from the samples: number % 10 == 0 malicious (quarantined),
== 5 suspicious (tagged, delivered), else clean.

A message is retried after any 4xx reply or a lost connection (back-off
--backoff seconds, at most --attempts tries); after --deadline seconds no
message is tried any more (the rest count as failed), so that a dead
filter cannot hang the caller.  A 4xx means Postfix did not
take the message; a connection lost after the final dot is ambiguous (the
message may have been queued) and is counted apart: a duplicate then is
not the milter's fault.  Everything is bounded: threads, attempts,
timeouts.

usage: load.py --port N --samples DIR --count N --sessions S
               [--first N] [--attempts A] [--backoff SEC] [--deadline SEC]
               [--progress FILE] [--out FILE.json]
Writes a JSON summary (--out, else stdout); exits 0 when every message
got a 2xx reply, else 1.

usage: load.py account --first N --count N --sink DIR --quar FILE
Accounts for messages FIRST..FIRST+COUNT-1: each malicious one must be in
the quarantine listing (triagectl quarantine list --json, in FILE) exactly
once and not in the sink; every other one in the sink (N.eml files)
exactly once and not in the quarantine.  Prints one summary line; exits 0
when delivered + quarantined = sent with no duplicate, else 1.
"""
import argparse
import json
import os
import re
import smtplib
import socket
import sys
import threading
import time


def load_samples(d):
    def body(name):
        with open("%s/%s.eml" % (d, name), "rb") as f:
            raw = f.read().replace(b"\r\n", b"\n")
        head, rest = raw.split(b"\n\n", 1)
        keep = [ln for ln in head.split(b"\n")
                if not ln.lower().startswith((b"subject:", b"message-id:"))]
        return b"\n".join(keep), rest
    return {k: body(k) for k in ("clean", "suspicious", "malicious")}


def kind_of(n):
    return "malicious" if n % 10 == 0 else \
        "suspicious" if n % 10 == 5 else "clean"


def message(samples, n):
    head, rest = samples[kind_of(n)]
    top = b"X-Load-Id: %d\nMessage-ID: <load-%d@load.test>\n" \
        b"Subject: load %d %s\n" % (n, n, n, kind_of(n).encode())
    return (top + head + b"\n\n" + rest).replace(b"\n", b"\r\n")


class Load:
    def __init__(self, a):
        self.a = a
        self.samples = load_samples(a.samples)
        self.next = a.first
        self.end = a.first + a.count
        self.lock = threading.Lock()
        self.done = 0
        self.results = {}   # n -> [final code, attempts, 4xx count]
        self.tempfails = 0
        self.ambiguous = []
        self.errors = []
        self.deadline = time.time() + a.deadline

    def late(self):
        return time.time() > self.deadline

    def take(self):
        with self.lock:
            if self.next >= self.end or self.late():
                return None
            n = self.next
            self.next += 1
            return n

    def finish(self, n, code, attempts, t4):
        with self.lock:
            self.results[n] = [code, attempts, t4]
            self.done += 1
            if self.a.progress and self.done % 20 == 0:
                with open(self.a.progress + ".tmp", "w") as f:
                    f.write("%d\n" % self.done)
                os.replace(self.a.progress + ".tmp", self.a.progress)

    def connect(self):
        s = smtplib.SMTP("127.0.0.1", self.a.port, timeout=self.a.timeout)
        s.ehlo("load.test")
        return s

    def try_once(self, s, n, data):
        """One attempt: (code, after_dot_lost)."""
        code, _ = s.mail("sender@supplier.example")
        if code != 250:
            return code, False
        code, _ = s.rcpt("staff%d@hospital.example" % (n % 50))
        if code not in (250, 251):
            s.rset()
            return code, False
        code, _ = s.docmd("DATA")
        if code != 354:
            return code, False
        # What smtplib's data() does, so that a reply lost after the
        # final dot can be told from one lost before it.
        q = re.sub(rb"(?m)^\.", b"..", data)
        if q[-2:] != b"\r\n":
            q += b"\r\n"
        s.send(q + b".\r\n")
        try:
            code, _ = s.getreply()
        except (smtplib.SMTPException, OSError):
            return None, True
        return code, False

    def send(self, s, n):
        data = message(self.samples, n)
        t4 = 0
        for attempt in range(1, self.a.attempts + 1):
            try:
                if s is None:
                    s = self.connect()
                code, lost = self.try_once(s, n, data)
            except (smtplib.SMTPException, OSError) as e:
                code, lost = getattr(e, "smtp_code", None), False
            except Exception as e:  # a bug here: show it, keep the message
                with self.lock:
                    self.errors.append(repr(e))
                code, lost = None, False
            if lost:
                with self.lock:
                    self.ambiguous.append(n)
            if code is not None and 200 <= code < 300:
                self.finish(n, code, attempt, t4)
                return s
            if code is not None and code >= 500:
                self.finish(n, code, attempt, t4)
                return self.drop(s)
            # 4xx or a lost connection: reconnect after the back-off.
            t4 += 1
            with self.lock:
                self.tempfails += 1
            s = self.drop(s)
            if self.late():
                break
            time.sleep(self.a.backoff)
        self.finish(n, code, attempt, t4)
        return s

    @staticmethod
    def drop(s):
        if s is not None:
            try:
                s.close()
            except OSError:
                pass
        return None

    def worker(self):
        s = None
        try:
            while True:
                n = self.take()
                if n is None:
                    break
                s = self.send(s, n)
        except Exception as e:     # a bug here must show, not hang
            with self.lock:
                self.errors.append(repr(e))
        if s is not None:
            try:
                s.quit()
            except (smtplib.SMTPException, OSError):
                pass

    def run(self):
        t0 = time.time()
        ts = [threading.Thread(target=self.worker, daemon=True)
              for _ in range(self.a.sessions)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        ok = [n for n, r in self.results.items()
              if r[0] is not None and 200 <= r[0] < 300]
        bad = {n: r for n, r in self.results.items() if n not in ok}
        return {
            "sent": self.a.count,
            "tried": len(self.results),
            "accepted": len(ok),
            "accepted_malicious": sorted(n for n in ok
                                         if kind_of(n) == "malicious"),
            "accepted_other": len([n for n in ok
                                   if kind_of(n) != "malicious"]),
            "failed": {str(n): r for n, r in sorted(bad.items())},
            "retried": len([1 for r in self.results.values() if r[2]]),
            "tempfails": self.tempfails,
            "ambiguous": sorted(self.ambiguous),
            "errors": self.errors,
            "seconds": round(time.time() - t0, 1),
        }


def sink_ids(d, lo, hi):
    ids = {}
    for name in os.listdir(d):
        if not name.endswith(".eml"):
            continue
        with open(os.path.join(d, name), "rb") as f:
            for line in f:
                if line in (b"\r\n", b"\n") or len(line) > 4096:
                    break
                m = re.match(rb"X-Load-Id: (\d+)", line)
                if m and lo <= int(m.group(1)) < hi:
                    n = int(m.group(1))
                    ids[n] = ids.get(n, 0) + 1
                    break
    return ids


def quar_ids(path, lo, hi):
    ids = {}
    with open(path) as f:
        for line in f:
            m = re.search(r"load (\d+) ", json.loads(line).get("subject", ""))
            if m and lo <= int(m.group(1)) < hi:
                n = int(m.group(1))
                ids[n] = ids.get(n, 0) + 1
    return ids


def account(argv):
    ap = argparse.ArgumentParser(prog="load.py account")
    ap.add_argument("--first", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--sink", required=True)
    ap.add_argument("--quar", required=True)
    a = ap.parse_args(argv)
    lo, hi = a.first, a.first + a.count
    sink, quar = sink_ids(a.sink, lo, hi), quar_ids(a.quar, lo, hi)
    missing, dup, misplaced = [], [], []
    for n in range(lo, hi):
        want, other = (quar, sink) if kind_of(n) == "malicious" \
            else (sink, quar)
        if other.get(n):
            misplaced.append(n)
        if want.get(n, 0) == 0:
            missing.append(n)
        elif want[n] > 1:
            dup.append(n)
    delivered, quarantined = sum(sink.values()), sum(quar.values())
    print("sent %d delivered %d quarantined %d missing %s duplicates %s "
          "misplaced %s" % (a.count, delivered, quarantined, missing[:20],
                            dup[:20], misplaced[:20]))
    return 0 if delivered + quarantined == a.count and \
        not (missing or dup or misplaced) else 1


def main():
    if sys.argv[1:2] == ["account"]:
        return account(sys.argv[2:])
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--samples", required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--first", type=int, default=1)
    ap.add_argument("--attempts", type=int, default=60)
    ap.add_argument("--backoff", type=float, default=1.0)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--deadline", type=float, default=240.0)
    ap.add_argument("--progress")
    ap.add_argument("--out")
    a = ap.parse_args()
    a.sessions = max(1, min(a.sessions, 200))
    a.attempts = max(1, min(a.attempts, 600))
    socket.setdefaulttimeout(a.timeout)
    r = Load(a).run()
    text = json.dumps(r)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")
    else:
        print(text)
    return 0 if r["accepted"] == a.count and not r["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
