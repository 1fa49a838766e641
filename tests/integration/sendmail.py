#!/usr/bin/env python3
"""A stand-in for sendmail(1) in the integration tests: submits over SMTP
to the private Postfix, so that released mail and notices go through the
same MTA and milter as everything else.

usage: sendmail.py --port N [-t] [-i] [-oi] [-f FROM] [--] [RCPT ...]
"""
import email.parser
import email.utils
import smtplib
import sys


def main():
    args = sys.argv[1:]
    port, sender, rcpts, from_headers = None, None, [], False
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--port":
            port = int(args[i + 1])
            i += 1
        elif a == "-t":
            from_headers = True
        elif a in ("-i", "-oi"):
            pass
        elif a == "-f":
            sender = args[i + 1]
            i += 1
        elif a.startswith("-f"):
            sender = a[2:]
        elif a == "--":
            rcpts.extend(args[i + 1:])
            break
        elif a.startswith("-"):
            pass
        else:
            rcpts.append(a)
        i += 1
    data = sys.stdin.buffer.read()
    if from_headers:
        head = email.parser.BytesHeaderParser().parsebytes(data)
        for h in ("To", "Cc", "Bcc"):
            rcpts += [a for _, a in email.utils.getaddresses(head.get_all(h, []))]
    if not rcpts:
        print("sendmail.py: no recipients", file=sys.stderr)
        return 1
    data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as s:
        s.sendmail(sender if sender is not None else "triage@hospital.example",
                   rcpts, data)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (smtplib.SMTPException, OSError) as e:
        print("sendmail.py: %s" % e, file=sys.stderr)
        sys.exit(75)
