#!/usr/bin/env python3
"""Generate the benchmark corpus: a realistic hospital mail mix (harmless).

usage: corpus.py DIR [COUNT]   (default 300 messages, deterministic)

The mix (by message count), after what a Japanese acute-care hospital
receives (see ../shared/hospital-mail.md):
  38%  plain text, Japanese (ISO-2022-JP 7bit or UTF-8 base64), 3-30 KB
  20%  HTML newsletters/notices with 20-60 links (quoted-printable), 20-90 KB
  14%  PDF attachment (lab report, referral letter), 60 KB - 2 MB
   8%  Office attachment (docx/xlsx: a zip of XML parts), 30-600 KB
   7%  zip of PDFs (invoices from suppliers), 200 KB - 5 MB
   8%  image attachment (JPEG/PNG, scanned fax), 100 KB - 3 MB
   5%  malicious samples (PE stub as .exe, .lnk, HTML smuggling), 5-40 KB
Attachment bytes are random (incompressible), so sizes are real wire sizes.
"""
import base64
import io
import os
import random
import sys
import zipfile

R = random.Random(20261125)
JA = ("検査結果をお送りします。ご確認ください。紹介状を添付いたします。"
      "来週の会議は第二会議室で行います。請求書を送付いたします。")


def rbytes(n):
    return R.getrandbits(8 * n).to_bytes(n, "little") if n else b""


def hdr(subject, ctype, extra=""):
    return ("From: sender%d@clinic%d.example\nTo: staff@hospital.example\n"
            "Subject: %s\nMessage-ID: <%d@bench.example>\nMIME-Version: 1.0\n"
            "%sContent-Type: %s\n" % (R.randint(1, 999), R.randint(1, 50),
                                      subject, R.getrandbits(48), extra, ctype))


def b64(data):
    return base64.encodebytes(data).decode()


def text_msg():
    body = (JA * R.randint(10, 100))[: R.randint(1000, 10000)]
    if R.random() < 0.5:
        enc = body.encode("iso-2022-jp", "replace")
        return (hdr("=?ISO-2022-JP?B?%s?=" % base64.b64encode(
            "お知らせ".encode("iso-2022-jp")).decode(),
            "text/plain; charset=ISO-2022-JP",
            "Content-Transfer-Encoding: 7bit\n") + "\n").encode() + enc + b"\n"
    return (hdr("=?UTF-8?B?%s?=" % base64.b64encode("連絡".encode()).decode(),
                "text/plain; charset=UTF-8",
                "Content-Transfer-Encoding: base64\n") + "\n" +
            b64(body.encode())).encode()


def html_msg():
    links = "".join('<p><a href="https://news.example.jp/c/%d?u=%d">'
                    "記事 %d</a> %s</p>\n" % (i, R.getrandbits(32), i, JA[:40])
                    for i in range(R.randint(20, 60)))
    html = ("<html><body><h1>ニュースレター</h1>%s<img src="
            '"https://news.example.jp/t.gif" width=1 height=1></body></html>'
            % (links * R.randint(1, 3)))
    import quopri
    qp = quopri.encodestring(html.encode()).decode()
    return (hdr("Newsletter", "text/html; charset=UTF-8",
                "Content-Transfer-Encoding: quoted-printable\n") + "\n" +
            qp).encode()


def attach_msg(subject, ctype, name, data):
    return (hdr(subject, 'multipart/mixed; boundary="=_bench"') +
            "\n--=_bench\nContent-Type: text/plain; charset=UTF-8\n"
            "Content-Transfer-Encoding: base64\n\n" + b64(JA.encode()) +
            '--=_bench\nContent-Type: %s; name="%s"\n'
            "Content-Transfer-Encoding: base64\n"
            'Content-Disposition: attachment; filename="%s"\n\n%s'
            "--=_bench--\n" % (ctype, name, name, b64(data))).encode()


def pdf(n):
    return b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>stream\n" + rbytes(n) + \
        b"\nendstream endobj\ntrailer<<>>\n%%EOF\n"


def ooxml(n):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types '
                   'xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'content-types"><Override PartName="/xl/workbook.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument'
                   '.spreadsheetml.sheet.main+xml"/></Types>')
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/media/image1.png", rbytes(n))
    return buf.getvalue()


def zip_of_pdfs(n):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for i in range(R.randint(1, 5)):
            z.writestr("invoice_%02d.pdf" % i, pdf(n // 3))
    return buf.getvalue()


def image(n):
    if R.random() < 0.5:
        return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + rbytes(n)
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rbytes(n)


def pe_stub():
    b = bytearray(512)
    b[0:2] = b"MZ"
    b[0x3C] = 0x80
    b[0x80:0x84] = b"PE\0\0"
    b[0x84:0x86] = b"\x4c\x01"
    return bytes(b) + rbytes(R.randint(4000, 30000))


def malicious():
    k = R.randint(0, 2)
    if k == 0:
        return attach_msg("Invoice", "application/octet-stream", "invoice.exe",
                          pe_stub())
    if k == 1:
        lnk = bytes.fromhex("4c0000000114020000000000c000000000000046") + \
            rbytes(2000)
        return attach_msg("Scan", "application/octet-stream", "scan.lnk", lnk)
    html = ("<html><script>var b=atob('%s');var u=URL.createObjectURL(new "
            "Blob([b]));var a=document.createElement('a');a.download="
            "'doc.iso';a.href=u;a.click();</script></html>"
            % base64.b64encode(pe_stub()).decode())
    return attach_msg("Document", "text/html", "document.html", html.encode())


def one():
    x = R.random()
    if x < 0.38:
        return "text", text_msg()
    if x < 0.58:
        return "html", html_msg()
    if x < 0.72:
        return "pdf", attach_msg("Lab report", "application/pdf", "report.pdf",
                                 pdf(R.randint(60_000, 2_000_000)))
    if x < 0.80:
        return "office", attach_msg(
            "Schedule", "application/vnd.openxmlformats-officedocument."
            "spreadsheetml.sheet", "schedule.xlsx",
            ooxml(R.randint(30_000, 600_000)))
    if x < 0.87:
        return "zip", attach_msg("Invoices", "application/zip", "invoices.zip",
                                 zip_of_pdfs(R.randint(200_000, 5_000_000)))
    if x < 0.95:
        return "image", attach_msg("Fax", "image/jpeg", "fax.jpg",
                                   image(R.randint(100_000, 3_000_000)))
    return "malicious", malicious()


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    os.makedirs(out, exist_ok=True)
    kinds = {}
    total = 0
    for i in range(count):
        kind, data = one()
        kinds[kind] = kinds.get(kind, 0) + 1
        total += len(data)
        with open(os.path.join(out, "%04d-%s.eml" % (i, kind)), "wb") as f:
            f.write(data)
    print("corpus: %d messages, %.1f MB: %s" % (count, total / 1e6, ", ".join(
        "%s %d" % kv for kv in sorted(kinds.items()))))


if __name__ == "__main__":
    main()
