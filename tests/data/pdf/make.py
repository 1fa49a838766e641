#!/usr/bin/env python3
"""Make the PDF fixtures of tests/check_pdf.c (and builders that
tests/golden/gen_office.py imports).

usage: make.py [OUTDIR]     (default: the directory of this script)

Every PDF is written here from nothing (Python 3 standard library only)
with a correct cross-reference table unless the fixture is about a broken
one.  Scripts are harmless one-liners; the embedded "executable" is an
inert PE header without code.  Output is deterministic.
"""

import os
import struct
import sys
import zlib


def pe_stub():
    dos = bytearray(0x80)
    dos[0:2] = b"MZ"
    struct.pack_into("<I", dos, 0x3c, 0x80)
    coff = struct.pack("<4sHHIIIHH", b"PE\0\0", 0x14c, 0, 0x66000000,
                       0, 0, 0xe0, 0x0102)
    opt = bytearray(0xe0)
    struct.pack_into("<HBB", opt, 0, 0x10b, 14, 0)
    struct.pack_into("<HH", opt, 68, 2, 0)
    img = bytes(dos) + coff + bytes(opt)
    return img + bytes(0x200 - len(img))


def stream(dict_body, data, flate=True):
    """An object body: a stream dictionary (without << >>) and data."""
    if flate:
        data = zlib.compress(data)
        dict_body += b" /Filter /FlateDecode"
    return (b"<< " + dict_body + b" /Length %d >>\nstream\n" % len(data)
            + data + b"\nendstream")


def pdf(objs, trailer=b"", xref=True, version=b"1.7"):
    """objs: list of object bodies (numbered from 1); object 1 is the
    catalog.  Returns the file."""
    out = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    start = len(out)
    if xref:
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
        for o in offs:
            out += b"%010d 00000 n \n" % o
    else:               # a table that lies about every offset
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
        for o in offs:
            out += b"%010d 00000 n \n" % (o * 7 + 13)
        start += 99999
    out += (b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n"
            b"%%%%EOF\n" % (len(objs) + 1, trailer, start))
    return bytes(out)


def page(content_ref=4, extra=b""):
    return (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Contents %d 0 R /Resources << /Font << /F1 5 0 R >> >>"
            % content_ref + extra + b" >>")


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def simple(catalog_extra=b"", page_extra=b"", more=(), trailer=b"",
           xref=True, text=b"Laboratory results"):
    objs = [b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            page(4, page_extra),
            stream(b"", b"BT /F1 12 Tf 72 770 Td (" + text + b") Tj ET"),
            FONT]
    objs.extend(more)
    return pdf(objs, trailer, xref)


def objstm(objects, filters=(b"FlateDecode",)):
    """An object stream holding (number, body) pairs."""
    head, body = b"", b""
    for num, o in objects:
        head += b"%d %d " % (num, len(body))
        body += o + b"\n"
    data = head + body
    first = len(head)
    for f in reversed(filters):
        if f == b"FlateDecode":
            data = zlib.compress(data)
        elif f == b"ASCIIHexDecode":
            data = data.hex().encode() + b">"
    flt = b"[" + b" ".join(b"/" + f for f in filters) + b"]"
    return (b"<< /Type /ObjStm /N %d /First %d /Filter %s /Length %d >>\n"
            b"stream\n" % (len(objects), first, flt, len(data))
            + data + b"\nendstream")


def embedded(name=b"invoice.exe", data=None, uf=None):
    data = pe_stub() if data is None else data
    uf = uf if uf is not None else b"(" + name + b")"
    return simple(catalog_extra=b"/Names << /EmbeddedFiles << /Names "
                  b"[(" + name + b") 6 0 R] >> >> ",
                  more=[b"<< /Type /Filespec /F (" + name + b") /UF "
                        + uf + b" /EF << /F 7 0 R >> >>",
                        stream(b"/Type /EmbeddedFile /Params << /Size %d "
                               b">>" % len(data), data)])


# 20 MiB of zeros in 20 KiB: past the expansion ratio limit (200:1).
BOMB = zlib.compress(b"7 0 " + bytes(20 << 20), 9)


def fixtures():
    js = b"<< /S /JavaScript /JS (app.alert\\('test'\\);) >>"
    link = (b"<< /Type /Annot /Subtype /Link /Rect [72 700 300 720] "
            b"/A << /S /URI /URI (https://www.mhlw.go.jp/stf/kenkou.html)"
            b" >> >>")
    return {
        "clean.pdf": simple(),
        "uri.pdf": simple(page_extra=b" /Annots [6 0 R]", more=[link]),
        "openaction-dest.pdf": simple(
            catalog_extra=b"/OpenAction [3 0 R /Fit] "),
        "js-openaction.pdf": simple(catalog_extra=b"/OpenAction " + js
                                    + b" "),
        "js-escaped.pdf": simple(
            catalog_extra=b"/Names << /J#61vaScript 6 0 R >> ",
            more=[b"<< /Names [(x) 7 0 R] >>",
                  b"<< /S /J#61v#61Script /J#53 (this.print\\(\\)) >>"]),
        "openaction-ref.pdf": simple(
            catalog_extra=b"/OpenAction 6 0 R ",
            more=[b"<< /S /URI /URI (http://203.0.113.9/a) >>"]),
        "launch.pdf": simple(
            page_extra=b" /AA << /O << /S /Launch /Win << /F (cmd.exe) "
            b"/P (/c calc) >> >> >>"),
        "embedded.pdf": embedded(),
        "embedded-utf16.pdf": embedded(
            name=b"report.pdf",
            uf=b"<FEFF8ACB6C4266F8002E006500780065>"),  # 請求書.exe
        "objstm-js.pdf": simple(more=[objstm([(7, js)])]),
        "objstm-hex.pdf": simple(more=[objstm(
            [(7, b"<< /Type /Action /S /JavaScript /JS 8 0 R >>"),
             (8, b"(app.launchURL\\(1\\))")],
            filters=(b"ASCIIHexDecode", b"FlateDecode"))]),
        "encrypted.pdf": simple(
            trailer=b"/Encrypt 6 0 R /ID [<00112233> <00112233>] ",
            more=[b"<< /Filter /Standard /V 2 /R 3 /Length 128 /P -1044 "
                  b"/O <%s> /U <%s> >>" % (b"00" * 32, b"11" * 32)]),
        "broken-xref.pdf": simple(catalog_extra=b"/OpenAction 6 0 R ",
                                  more=[js], xref=False),
        "unbalanced.pdf": simple(more=[
            b"<< /Title (never closed \\) >>",
            b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"]),
        "bomb.pdf": simple(more=[
            b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode "
            b"/Length %d >>\nstream\n" % len(BOMB) + BOMB
            + b"\nendstream"]),
    }


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.dirname(os.path.abspath(__file__))
    os.makedirs(out, exist_ok=True)
    for name, data in sorted(fixtures().items()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
