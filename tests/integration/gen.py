#!/usr/bin/env python3
"""Sample messages for the integration tests and the demo (harmless).

usage: gen.py DIR   writes clean.eml, suspicious.eml, malicious.eml,
                    big.eml (5 MiB, clean) into DIR, LF line endings.
"""
import base64
import os
import sys


def pe_stub():
    """A PE header with no code: "MZ", e_lfanew -> "PE\\0\\0", COFF header."""
    b = bytearray(512)
    b[0:2] = b"MZ"
    b[0x3C] = 0x80
    b[0x80:0x84] = b"PE\0\0"
    b[0x84:0x86] = b"\x4c\x01"
    b[0x94] = 0xE0
    b[0x96] = 0x02
    b[0x98:0x9A] = b"\x0b\x01"
    return bytes(b)


def b64(data):
    return base64.encodebytes(data).decode()


def attach(subject, ctype, name, data, text="Please see the attachment.\n"):
    return (
        "From: Supplier <billing@supplier.example>\n"
        "To: staff@hospital.example\n"
        "Subject: %s\n"
        "Message-ID: <%s@supplier.example>\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="=_b1"\n\n'
        "--=_b1\nContent-Type: text/plain; charset=utf-8\n\n%s"
        '--=_b1\nContent-Type: %s; name="%s"\n'
        "Content-Transfer-Encoding: base64\n"
        'Content-Disposition: attachment; filename="%s"\n\n%s--=_b1--\n'
        % (subject, os.urandom(8).hex(), text, ctype, name, name, b64(data))
    )


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    # Japanese subject "検査結果のお知らせ" (lab results) in UTF-8 B encoding.
    clean = (
        "From: Lab <lab@clinic.example>\nTo: staff@hospital.example\n"
        "Subject: =?UTF-8?B?5qSc5p+757WQ5p6c44Gu44GK55+l44KJ44Gb?=\n"
        "Message-ID: <clean-%s@clinic.example>\nMIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n\n"
        "\u691c\u67fb\u7d50\u679c\u3092\u9001\u308a\u307e\u3059\u3002\n"
        "Lab results are ready.\n" % os.urandom(8).hex()
    )
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    files = {
        "clean.eml": clean,
        # A PDF that calls itself a JPEG: odd, not dangerous -> tag.
        "suspicious.eml": attach("Photo", "image/jpeg", "photo.jpg", pdf),
        # An executable with a blocked extension -> quarantine.
        "malicious.eml": attach("Invoice", "application/octet-stream",
                                "invoice.exe", pe_stub()),
        "big.eml": attach("Scan", "application/pdf", "scan.pdf",
                          pdf + os.urandom(5 << 20)),
    }
    for name, text in files.items():
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
