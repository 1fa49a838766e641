#!/usr/bin/env python3
"""Generate the golden message corpus of triage-milter.

usage: gen.py OUTDIR

Writes one NAME.eml per sample into OUTDIR (created if missing); the
expected verdict and rule ids of each are in expected/NAME.expect and
tests/golden/run.sh compares them with `triagectl scan --json`.  Python 3
standard library only; the output is deterministic (fixed dates, fixed zip
timestamps) and made in well under a second.  Every "executable" here is
a harmless stub: a DOS/PE header with no sections and no code; "macros"
are names in a dummy container that is not a real VBA project.

Benign mail a Japanese hospital receives (all accept, no rule):
  clean-iso2022jp      plain Japanese text, ISO-2022-JP 7bit (referral reply)
  newsletter-html      multipart/alternative, UTF-8 base64 text + HTML
  lab-report-pdf       検査結果.pdf, Outlook style name="=?ISO-2022-JP?B?..?=",
                       CRLF line ends
  referral-docx        Word 2007+ zip named 紹介状.docx
  shift-xlsx           Excel 2007+ zip named 勤務表.xlsx
  image-png            inline 1x1 PNG with Content-ID
  dicom-image          DICOM file (128-byte preamble, "DICM") named .dcm
  calendar-invite      text/calendar method=REQUEST (Outlook invite)
  smime-signed         multipart/signed with smime.p7s
  lab-csv-sjis         Shift_JIS CSV, name as =?Shift_JIS?B?..?=
  thunderbird-rfc2231  紹介状 PDF with RFC 2047 name= and the same name as
                       RFC 2231 filename*0*/filename*1* continuations (the
                       cut falls inside a UTF-8 character: legal)
  hl7-result           HL7 v2 ORU message as a .hl7 attachment
Executables and blocked names (quarantine):
  exe-invoice          invoice.exe, PE stub, application/octet-stream
  exe-uppercase        INVOICE.EXE
  exe-double-ext       請求書.pdf.exe (double extension)
  exe-rtlo             "invoice<U+202E>fdp.exe" (shows as invoiceexe.pdf)
  exe-fullwidth        請求書．ｅｘｅ (full-width dot and letters, NFKC)
  exe-zero-width-ext   invoice.e<U+200D>xe (zero-width joiner in the ext)
  exe-trailing-dot     請求書.exe. (Windows drops the trailing dot)
  exe-split-ew         請求書.exe as two ISO-2022-JP encoded-words split
                       inside the escape sequence (must be joined)
  exe-rfc2231-order    請求書.exe from RFC 2231 continuations given in the
                       order *1*, *0*
  exe-as-pdf           PE stub named invoice.pdf declared application/pdf
  uuencode-exe         uuencoded PE "update.exe" inside a text/plain body
  yenc-exe             yEnc-encoded PE "setup.exe" inside a text/plain body
  rfc822-nested-exe    forwarded message/rfc822 carrying invoice.exe
  lnk-shortcut         Windows shortcut header named 請求書.lnk
  js-script            JScript named invoice.js
  hta-app              HTML application named update.hta
  iso-image            small empty ISO 9660 image named invoice.iso
  docm-macro           Word zip with a dummy word/vbaProject.bin, .docm
Odd but not dangerous (tag or accept with a score):
  zero-width-name      検査結果<U+200B>.pdf, a real PDF (tag)
  mismatch-jpg-pdf     a PDF named scan.jpg declared image/jpeg (tag)
MIME ambiguity (mime.ambiguous, plus whatever hides behind it):
  names-differ         name="検査結果.pdf" vs filename="結果報告.pdf" (accept)
  names-differ-exe     name="invoice.pdf" vs filename="invoice.exe", PE
  dup-boundary         two boundary= parameters, the second hides an exe
  dup-content-type     two Content-Type headers: application/pdf scan.pdf
                       and application/x-msdownload scan.exe, PE
  dup-cte              7bit and base64 CTE; base64 decodes to a PE named
                       readme.txt
  missing-final-boundary  multipart without its closing delimiter (accept)
  base64-junk          PDF attachment whose base64 has junk characters
  nul-in-header        NUL byte in the Subject header (accept)
Encodings and framings that must not hide an executable (quarantine):
  exe-noname           PE as application/octet-stream without any name
  exe-as-text          PE declared text/plain, no name (type mismatch)
  exe-qp               invoice.exe in quoted-printable, CRLF line ends
  exe-headers-upper    header names, values and boundary in upper case
  exe-sjis-rfc2231     name*=Shift_JIS''<percent-encoded 請求書>.exe
  exe-q-iso2022jp      請求書.exe as a Q encoded-word in ISO-2022-JP
  exe-eucjp            請求書.exe as an EUC-JP encoded-word
  exe-toplevel         a single-part message that is the executable
  boundary-padding     delimiter lines with transport padding (spaces, tab)
  chunk-straddle       the delimiter before the executable crosses the first
                       65,535-byte read and its name the second
  exe-split-ext        請求書.exe as two UTF-8 encoded-words cut inside the
                       extension (".e" + "xe")
  exe-filename-only    only Content-Disposition filename=, no name=
  exe-trailing-space   "invoice.exe  " (Windows drops trailing spaces)
  boundary-specials    Outlook-like boundary with space, quote, parens and
                       "=?" (all legal bchars)
  bare-cr-header       bare CR inside the Subject (mime.ambiguous, accept)
CRLF twins: NAME-crlf is NAME with CRLF line ends (what Postfix gives a
milter), for the samples listed in CRLF_TWINS; same expectations.

Other modules add samples in gen_MODULE.py beside this file (a function
samples() returning [(name, eml_bytes)]), e.g. gen_unpack.py for archives;
gen.py writes them too, and their expectations are in expected/ as well.
Limits (quarantine):
  deep-nesting         multipart nested 10,000 deep (limit.mime_depth)
  many-parts           2,500 parts (limit.mime_parts)
  huge-header          a 2 MiB Subject line with no newline at all
                       (limit.header_size; also a line over 998 bytes)
"""

import base64
import binascii
import io
import os
import struct
import sys
import zipfile
import zlib

FROM_CLINIC = ("=?ISO-2022-JP?B?GyRCOzNFREZiMkobKEI=?="    # 山田内科
               " <info@yamada-clinic.example>")
TO_HOSP = "renkei@hospital.example"
DATE = "Mon, 01 Apr 2024 09:00:00 +0900"
ZIP_TIME = (2024, 4, 1, 9, 0, 0)

SAMPLES = []


def sample(name):
    """Register a function returning one message as bytes."""
    def reg(fn):
        SAMPLES.append((name, fn))
        return fn
    return reg


# ---- encoding helpers ------------------------------------------------

def b64(data):
    """Base64, 76 columns, each line ending in LF."""
    s = base64.b64encode(data).decode("ascii")
    return "".join(s[i:i + 76] + "\n" for i in range(0, len(s), 76))


def ew(text, charset="ISO-2022-JP"):
    """One RFC 2047 B encoded-word."""
    raw = text.encode(charset.lower().replace("-", "_"))
    return "=?%s?B?%s?=" % (charset, base64.b64encode(raw).decode("ascii"))


def pct(text):
    """RFC 2231 percent encoding of UTF-8."""
    return "".join(chr(b) if b < 128 and (chr(b).isalnum() or chr(b) in "-_")
                   else "%%%02X" % b for b in text.encode("utf-8"))


def headers(subject, frm=FROM_CLINIC, to=TO_HOSP, mid="golden", extra=()):
    """Top-level header block without the trailing empty line."""
    h = ["From: " + frm, "To: " + to, "Subject: " + subject,
         "Date: " + DATE,
         "Message-ID: <%s.20240401090000@golden.example>" % mid,
         "MIME-Version: 1.0"]
    h.extend(extra)
    return "\n".join(h) + "\n"


def multipart(boundary, parts, close=True, preamble=""):
    """Body of a multipart from already formatted parts."""
    out = preamble
    for p in parts:
        out += "--%s\n%s" % (boundary, p)
        if not p.endswith("\n"):
            out += "\n"
    if close:
        out += "--%s--\n" % boundary
    return out


def text_part(body, charset="ISO-2022-JP"):
    """A text/plain part in 7bit ISO-2022-JP (or base64 otherwise)."""
    if charset == "ISO-2022-JP":
        enc = body.encode("iso2022_jp").decode("ascii")
        return ("Content-Type: text/plain; charset=ISO-2022-JP\n"
                "Content-Transfer-Encoding: 7bit\n\n" + enc)
    return ("Content-Type: text/plain; charset=%s\n"
            "Content-Transfer-Encoding: base64\n\n%s"
            % (charset, b64(body.encode(charset.lower().replace("-", "_")))))


def attach(ctype, name_hdr, data, disp_hdr=None, extra=""):
    """A base64 attachment; name_hdr/disp_hdr are raw parameter text."""
    disp = disp_hdr if disp_hdr is not None else name_hdr.replace(
        "name=", "filename=", 1)
    return ("Content-Type: %s;\n\t%s\nContent-Transfer-Encoding: base64\n"
            "Content-Disposition: attachment;\n\t%s\n%s\n%s"
            % (ctype, name_hdr, disp, extra, b64(data)))


def finish(text, crlf=False):
    data = text.encode("utf-8", "surrogateescape") \
        if isinstance(text, str) else text
    if crlf:
        data = data.replace(b"\n", b"\r\n")
    return data


def mail_with(subject, parts, mid, crlf=False, boundary="----=_Part_1"):
    """A multipart/mixed message from formatted parts."""
    h = headers(subject, mid=mid, extra=(
        'Content-Type: multipart/mixed; boundary="%s"' % boundary,))
    return finish(h + "\n" + multipart(boundary, parts), crlf)


# ---- harmless file stubs ---------------------------------------------

def pe_stub():
    """DOS header + PE signature + COFF + empty PE32 optional header.

    No sections, no code: libmagic calls it "PE32 executable (GUI)".
    """
    dos = bytearray(0x80)
    dos[0:2] = b"MZ"
    struct.pack_into("<H", dos, 0x18, 0x40)
    struct.pack_into("<I", dos, 0x3c, 0x80)
    msg = b"This program cannot be run in DOS mode.\r\r\n$"
    dos[0x4e:0x4e + len(msg)] = msg
    coff = struct.pack("<4sHHIIIHH", b"PE\0\0", 0x14c, 0, 0x66000000,
                       0, 0, 0xe0, 0x0102)
    opt = bytearray(0xe0)
    struct.pack_into("<HBB", opt, 0, 0x10b, 14, 0)
    struct.pack_into("<I", opt, 28, 0x400000)      # ImageBase
    struct.pack_into("<II", opt, 32, 0x1000, 0x200)
    struct.pack_into("<HH", opt, 40, 6, 0)         # OS version
    struct.pack_into("<HH", opt, 48, 6, 0)         # subsystem version
    struct.pack_into("<II", opt, 56, 0x1000, 0x200)  # image/headers size
    struct.pack_into("<HH", opt, 68, 2, 0x8140)    # GUI subsystem
    struct.pack_into("<I", opt, 92, 16)            # NumberOfRvaAndSizes
    img = bytes(dos) + coff + bytes(opt)
    return img + bytes(0x200 - len(img))


def pdf_stub(line="Golden test document"):
    """A small well-formed one-page PDF with a correct xref table."""
    content = ("BT /F1 12 Tf 72 770 Td (%s) Tj ET" % line).encode("ascii")
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content
            + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += (b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objs) + 1, xref))
    return bytes(out)


def zip_of(members):
    """A deterministic zip from (name, bytes) pairs, in that order."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name, ZIP_TIME), data,
                       compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


OOXML_NS = "http://schemas.openxmlformats.org"


def ooxml_types(overrides, extra_defaults=""):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="%s/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>%s%s'
            '</Types>' % (OOXML_NS, extra_defaults, overrides)).encode()


def ooxml_rels(target):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="%s/package/2006/relationships">'
            '<Relationship Id="rId1" Type="%s/officeDocument/2006/'
            'relationships/officeDocument" Target="%s"/></Relationships>'
            % (OOXML_NS, OOXML_NS, target)).encode()


def docx(text, macro=False):
    main = ("application/vnd.ms-word.document.macroEnabled.main+xml"
            if macro else "application/vnd.openxmlformats-officedocument."
            "wordprocessingml.document.main+xml")
    extra = ('<Default Extension="bin" ContentType="application/'
             'vnd.ms-office.vbaProject"/>' if macro else "")
    types = ooxml_types('<Override PartName="/word/document.xml" '
                        'ContentType="%s"/>' % main, extra)
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<w:document xmlns:w="%s/wordprocessingml/2006/main"><w:body>'
           '<w:p><w:r><w:t>%s</w:t></w:r></w:p></w:body></w:document>'
           % (OOXML_NS, text)).encode("utf-8")
    members = [("[Content_Types].xml", types),
               ("_rels/.rels", ooxml_rels("word/document.xml")),
               ("word/document.xml", doc)]
    if macro:
        # Not a real VBA project: an OLE2 signature, zeros and two
        # dummy module names, enough for a scanner to see "macro".
        vba = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
               + b"Attribute VB_Name = \"ThisDocument\"\r\n"
               b"Sub AutoOpen()\r\n' golden test dummy\r\nEnd Sub\r\n")
        members.append(("word/vbaProject.bin", vba))
    return zip_of(members)


def xlsx():
    main = ("application/vnd.openxmlformats-officedocument."
            "spreadsheetml.sheet.main+xml")
    types = ooxml_types('<Override PartName="/xl/workbook.xml" '
                        'ContentType="%s"/>' % main)
    wb = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<workbook xmlns="%s/spreadsheetml/2006/main" xmlns:r="%s/'
          'officeDocument/2006/relationships"><sheets><sheet name="4月" '
          'sheetId="1" r:id="rId1"/></sheets></workbook>'
          % (OOXML_NS, OOXML_NS)).encode("utf-8")
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="%s/spreadsheetml/2006/main"><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>日勤</t></is></c>'
             '</row></sheetData></worksheet>' % OOXML_NS).encode("utf-8")
    return zip_of([("[Content_Types].xml", types),
                   ("_rels/.rels", ooxml_rels("xl/workbook.xml")),
                   ("xl/workbook.xml", wb),
                   ("xl/worksheets/sheet1.xml", sheet)])


def png_1x1():
    def chunk(kind, data):
        crc = binascii.crc32(kind + data) & 0xffffffff
        return struct.pack(">I", len(data)) + kind + data \
            + struct.pack(">I", crc)
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\xff\xff")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def dicom_stub():
    """Preamble, DICM, and a few explicit-VR little-endian meta elements."""
    def elem(group, el, vr, value):
        if len(value) % 2:
            value += b"\0"
        return struct.pack("<HH2sH", group, el, vr, len(value)) + value
    meta = (elem(2, 0x2, b"UI", b"1.2.840.10008.5.1.4.1.1.7")
            + elem(2, 0x10, b"UI", b"1.2.840.10008.1.2.1")
            + elem(2, 0x13, b"SH", b"GOLDEN_TEST"))
    glen = struct.pack("<HH2sHI", 2, 0, b"UL", 4, len(meta))
    return bytes(128) + b"DICM" + glen + meta


def lnk_stub():
    """A 76-byte ShellLinkHeader with no target (MS-SHLLINK)."""
    clsid = bytes.fromhex("0114020000000000c000000000000046")
    return struct.pack("<I16sII24sIIIHH10s", 0x4c, clsid, 0, 0x20,
                       bytes(24), 0, 0, 1, 0, 0, bytes(10))


def iso_stub():
    """An ISO 9660 image with an empty root directory.

    32 sectors: libarchive reads 48 KiB ahead before it bids on ISO 9660,
    so a smaller image (although valid) is "Unrecognized archive format".
    """
    sec = 2048
    nsec = 32

    def both32(v):
        return struct.pack("<I", v) + struct.pack(">I", v)

    def both16(v):
        return struct.pack("<H", v) + struct.pack(">H", v)

    def dirrec(name):
        r = (struct.pack("<BB", 34, 0) + both32(20) + both32(sec)
             + bytes([124, 4, 1, 9, 0, 0, 36]) + b"\x02\0\0" + both16(1)
             + b"\x01" + name)
        return r
    pvd = bytearray(sec)
    pvd[0:8] = b"\x01CD001\x01\0"
    pvd[8:40] = b"GOLDEN".ljust(32)
    pvd[40:72] = b"INVOICE".ljust(32)
    pvd[80:88] = both32(nsec)
    pvd[120:124] = both16(1)
    pvd[124:128] = both16(1)
    pvd[128:132] = both16(sec)
    pvd[132:140] = both32(10)
    pvd[140:144] = struct.pack("<I", 18)
    pvd[148:152] = struct.pack(">I", 19)
    pvd[156:190] = dirrec(b"\0")
    pvd[190:813] = b" " * (813 - 190)
    date = b"2024040109000000\x24"
    pvd[813:830] = date
    pvd[830:847] = date
    pvd[847:864] = b"0" * 16 + b"\0"
    pvd[864:881] = b"0" * 16 + b"\0"
    pvd[881] = 1
    term = bytearray(sec)
    term[0:7] = b"\xffCD001\x01"
    lpt = bytearray(sec)
    lpt[0:10] = struct.pack("<BBIH", 1, 0, 20, 1) + b"\0\0"
    mpt = bytearray(sec)
    mpt[0:10] = struct.pack(">BBIH", 1, 0, 20, 1) + b"\0\0"
    root = bytearray(sec)
    root[0:34] = dirrec(b"\0")
    root[34:68] = dirrec(b"\1")
    img = bytes(16 * sec) + bytes(pvd + term + lpt + mpt + root)
    return img + bytes(nsec * sec - len(img))


def smime_sig():
    """DER framing of a PKCS#7 SignedData with no real signature in it."""
    oid = bytes.fromhex("06092a864886f70d010702")   # signedData
    inner = bytes.fromhex("3003020101") + bytes(48)
    body = oid + b"\xa0" + bytes([len(inner)]) + inner
    return b"\x30\x81" + bytes([len(body)]) + body


def uuencode(name, data):
    out = "begin 644 %s\n" % name
    for i in range(0, len(data), 45):
        out += binascii.b2a_uu(data[i:i + 45], backtick=True).decode("ascii")
    return out + "`\nend\n"


def yenc(name, data):
    out = bytearray(b"=ybegin line=128 size=%d name=%s\n"
                    % (len(data), name.encode()))
    col = 0
    for b in data:
        o = (b + 42) & 0xff
        if o in (0, 10, 13, 61) or (col == 0 and o in (9, 32, 46)):
            out += bytes([61, (o + 64) & 0xff])
            col += 2
        else:
            out.append(o)
            col += 1
        if col >= 128:
            out += b"\n"
            col = 0
    if col:
        out += b"\n"
    out += b"=yend size=%d crc32=%08x\n" % (
        len(data), binascii.crc32(data) & 0xffffffff)
    return bytes(out)


# ---- benign samples --------------------------------------------------

@sample("clean-iso2022jp")
def clean_iso2022jp():
    body = ("連携室　御中\n\nいつも大変お世話になっております。\n"
            "先日ご紹介いただいた患者様の件、本日受診されました。\n"
            "取り急ぎご報告申し上げます。\n\n山田クリニック　山田太郎\n")
    h = headers(ew("ご紹介患者様の受診報告"), mid="clean", extra=(
        "Content-Type: text/plain; charset=ISO-2022-JP",
        "Content-Transfer-Encoding: 7bit"))
    return finish(h + "\n" + body.encode("iso2022_jp").decode("ascii"))


@sample("newsletter-html")
def newsletter_html():
    text = ("病院だより 4月号\n\n新しい外来棟が完成しました。\n"
            "詳しくは https://www.hospital.example/news/2024-04 をご覧ください。\n")
    html = ("<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
            "<title>病院だより 4月号</title></head>\n<body>\n"
            "<h1>病院だより 4月号</h1>\n<p>新しい外来棟が完成しました。</p>\n"
            "<p><a href=\"https://www.hospital.example/news/2024-04\">"
            "詳しくはこちら</a></p>\n</body></html>\n")
    alt = multipart("alt-1", [
        "Content-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: base64\n\n" + b64(text.encode()),
        "Content-Type: text/html; charset=UTF-8\n"
        "Content-Transfer-Encoding: base64\n\n" + b64(html.encode())])
    h = headers(ew("病院だより 4月号", "UTF-8"),
                frm="news@hospital.example", mid="news", extra=(
                    'Content-Type: multipart/alternative; boundary="alt-1"',))
    return finish(h + "\n" + alt)


@sample("lab-report-pdf")
def lab_report_pdf():
    name = ew("検査結果.pdf")
    return mail_with(ew("検査結果のご送付"), [
        text_part("検査結果をお送りします。ご確認ください。\n"),
        attach("application/pdf", 'name="%s"' % name,
               pdf_stub("Lab report"))], "labpdf", crlf=True)


@sample("referral-docx")
def referral_docx():
    ct = ("application/vnd.openxmlformats-officedocument."
          "wordprocessingml.document")
    return mail_with(ew("紹介状"), [
        text_part("紹介状を添付いたします。\n"),
        attach(ct, 'name="%s"' % ew("紹介状.docx"),
               docx("紹介状 山田太郎"))], "docx")


@sample("shift-xlsx")
def shift_xlsx():
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return mail_with(ew("4月の勤務表"), [
        text_part("4月の勤務表です。\n"),
        attach(ct, 'name="%s"' % ew("勤務表.xlsx"), xlsx())], "xlsx")


@sample("image-png")
def image_png():
    return mail_with(ew("案内図"), [
        text_part("案内図を添付します。\n"),
        "Content-Type: image/png; name=\"map.png\"\n"
        "Content-Transfer-Encoding: base64\n"
        "Content-ID: <map.png@golden.example>\n"
        "Content-Disposition: inline; filename=\"map.png\"\n\n"
        + b64(png_1x1())], "png")


@sample("dicom-image")
def dicom_image():
    return mail_with(ew("画像データ"), [
        text_part("画像データをお送りします。\n"),
        attach("application/dicom", 'name="IM000001.dcm"', dicom_stub())],
        "dicom")


@sample("calendar-invite")
def calendar_invite():
    ics = ("BEGIN:VCALENDAR\r\nPRODID:-//Golden Test//EN\r\nVERSION:2.0\r\n"
           "METHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
           "UID:golden-20240410@hospital.example\r\n"
           "DTSTAMP:20240401T000000Z\r\nDTSTART:20240410T080000Z\r\n"
           "DTEND:20240410T090000Z\r\nSUMMARY:医療安全委員会\r\n"
           "ORGANIZER:mailto:anzen@hospital.example\r\n"
           "ATTENDEE;RSVP=TRUE:mailto:renkei@hospital.example\r\n"
           "END:VEVENT\r\nEND:VCALENDAR\r\n")
    alt = multipart("cal-1", [
        text_part("医療安全委員会 4月10日 17時\n", "UTF-8"),
        "Content-Type: text/calendar; charset=UTF-8; method=REQUEST\n"
        "Content-Transfer-Encoding: base64\n\n" + b64(ics.encode())])
    h = headers(ew("医療安全委員会", "UTF-8"), frm="anzen@hospital.example",
                mid="cal", extra=(
                    'Content-Type: multipart/alternative; boundary="cal-1"',))
    return finish(h + "\n" + alt)


@sample("smime-signed")
def smime_signed():
    signed = multipart("sig-1", [
        text_part("添付の資料をご確認ください。\n"),
        "Content-Type: application/pkcs7-signature; name=\"smime.p7s\"\n"
        "Content-Transfer-Encoding: base64\n"
        "Content-Disposition: attachment; filename=\"smime.p7s\"\n\n"
        + b64(smime_sig())])
    h = headers(ew("署名付きメール"), mid="smime", extra=(
        'Content-Type: multipart/signed; '
        'protocol="application/pkcs7-signature";',
        '\tmicalg=sha-256; boundary="sig-1"'))
    return finish(h + "\n" + signed)


@sample("lab-csv-sjis")
def lab_csv_sjis():
    csv = ("患者ID,検査項目,結果,単位\r\n00012345,AST,25,U/L\r\n"
           "00012345,ALT,30,U/L\r\n00012345,ＨｂＡ１ｃ,5.8,%\r\n")
    return mail_with(ew("検査結果（CSV）"), [
        text_part("検査結果のCSVです。\n"),
        attach("text/csv; charset=Shift_JIS",
               'name="%s"' % ew("検査結果.csv", "Shift_JIS"),
               csv.encode("cp932"))], "csv")


@sample("thunderbird-rfc2231")
def thunderbird_rfc2231():
    name = "紹介状_山田太郎様.pdf"
    enc = pct(name)
    cut = enc.index("%", len(enc) // 2)
    disp = ("filename*0*=UTF-8''%s;\n\tfilename*1*=%s" % (enc[:cut],
                                                         enc[cut:]))
    return mail_with(ew("紹介状", "UTF-8"), [
        text_part("紹介状をお送りします。\n", "UTF-8"),
        attach("application/pdf", 'name="%s"' % ew(name, "UTF-8"),
               pdf_stub("Referral"), disp)], "tb2231")


@sample("hl7-result")
def hl7_result():
    hl7 = ("MSH|^~\\&|LAB|GOLDENLAB|EHR|HOSPITAL|202404010900||ORU^R01|1|P|"
           "2.5\rPID|1||00012345||YAMADA^TARO\rOBX|1|NM|AST||25|U/L|||||F\r")
    return mail_with("Lab result ORU 00012345", [
        text_part("Result attached.\n", "UTF-8"),
        attach("application/octet-stream", 'name="ORU_R01.hl7"',
               hl7.encode("ascii"))], "hl7")


# ---- executables and blocked names -----------------------------------

def exe_mail(mid, name_hdr, data=None, ctype="application/octet-stream",
             disp_hdr=None, subject=None):
    return mail_with(subject or ew("請求書の送付"), [
        text_part("請求書を添付いたします。ご確認ください。\n"),
        attach(ctype, name_hdr, data if data is not None else pe_stub(),
               disp_hdr)], mid)


@sample("exe-invoice")
def exe_invoice():
    return exe_mail("exe", 'name="invoice.exe"')


@sample("exe-uppercase")
def exe_uppercase():
    return exe_mail("exeup", 'name="INVOICE.EXE"')


@sample("exe-double-ext")
def exe_double_ext():
    return exe_mail("dblext", 'name="%s"' % ew("請求書.pdf.exe"))


@sample("exe-rtlo")
def exe_rtlo():
    return exe_mail("rtlo", 'name="%s"' % ew("invoice\u202efdp.exe",
                                              "UTF-8"))


@sample("exe-fullwidth")
def exe_fullwidth():
    return exe_mail("fullwidth", 'name="%s"' % ew("請求書．ｅｘｅ"))


@sample("exe-zero-width-ext")
def exe_zero_width_ext():
    return exe_mail("zwext", 'name="%s"' % ew("invoice.e\u200dxe", "UTF-8"))


@sample("exe-trailing-dot")
def exe_trailing_dot():
    return exe_mail("trdot", 'name="%s"' % ew("請求書.exe."))


@sample("exe-split-ew")
def exe_split_ew():
    raw = "請求書.exe".encode("iso2022_jp")
    cut = raw.index(b"\x1b(B") + 2          # between ESC ( and B
    w1 = base64.b64encode(raw[:cut]).decode()
    w2 = base64.b64encode(raw[cut:]).decode()
    name = "=?ISO-2022-JP?B?%s?=\n\t=?ISO-2022-JP?B?%s?=" % (w1, w2)
    return exe_mail("splitew", 'name="%s"' % name)


@sample("exe-rfc2231-order")
def exe_rfc2231_order():
    enc = pct("請求書")
    disp = "filename*1*=%%2Eexe;\n\tfilename*0*=UTF-8''%s" % enc
    return exe_mail("2231order", disp.replace("filename", "name"),
                    disp_hdr=disp)


@sample("exe-as-pdf")
def exe_as_pdf():
    return exe_mail("exepdf", 'name="invoice.pdf"', ctype="application/pdf")


@sample("uuencode-exe")
def uuencode_exe():
    body = ("Please run the attached update.\n\n"
            + uuencode("update.exe", pe_stub()) + "\nIT support\n")
    h = headers("System update", frm="it-support@hospital-it.example",
                mid="uu", extra=("Content-Type: text/plain; charset=US-ASCII",
                                 "Content-Transfer-Encoding: 7bit"))
    return finish(h + "\n" + body)


@sample("yenc-exe")
def yenc_exe():
    h = headers("setup", frm="it-support@hospital-it.example", mid="yenc",
                extra=("Content-Type: text/plain; charset=ISO-8859-1",
                       "Content-Transfer-Encoding: 8bit"))
    return (finish(h + "\nPlease install the attached setup.\n\n")
            + yenc("setup.exe", pe_stub()) + b"\n")


@sample("rfc822-nested-exe")
def rfc822_nested_exe():
    inner = mail_with(ew("請求書の送付"), [
        text_part("請求書を添付いたします。\n"),
        attach("application/octet-stream", 'name="invoice.exe"', pe_stub())],
        "inner", boundary="inner-b").decode("ascii")
    return mail_with(ew("転送: 請求書の送付"), [
        text_part("転送します。\n"),
        "Content-Type: message/rfc822\n"
        "Content-Disposition: attachment\n\n" + inner], "fwd")


@sample("lnk-shortcut")
def lnk_shortcut():
    return exe_mail("lnk", 'name="%s"' % ew("請求書.lnk"), lnk_stub())


@sample("js-script")
def js_script():
    js = (b"// golden test dummy: does nothing\r\n"
          b"var msg = \"invoice\";\r\nWScript.Echo(msg);\r\n")
    return exe_mail("js", 'name="invoice.js"', js)


@sample("hta-app")
def hta_app():
    hta = (b"<html><head><title>update</title>\r\n"
           b"<HTA:APPLICATION ID=\"golden\" APPLICATIONNAME=\"update\">\r\n"
           b"<script language=\"VBScript\">\r\n"
           b"' golden test dummy: does nothing\r\nSub Window_OnLoad\r\n"
           b"End Sub\r\n</script></head><body></body></html>\r\n")
    return exe_mail("hta", 'name="update.hta"', hta)


@sample("iso-image")
def iso_image():
    return exe_mail("iso", 'name="invoice.iso"', iso_stub())


@sample("docm-macro")
def docm_macro():
    return exe_mail("docm", 'name="%s"' % ew("請求書.docm"),
                    docx("請求書", macro=True),
                    ctype="application/vnd.ms-word.document.macroEnabled.12")


# ---- odd names and types ---------------------------------------------

@sample("zero-width-name")
def zero_width_name():
    return mail_with(ew("検査結果のご送付"), [
        text_part("検査結果をお送りします。\n"),
        attach("application/pdf",
               'name="%s"' % ew("検査結果\u200b.pdf", "UTF-8"),
               pdf_stub("Lab report"))], "zwname")


@sample("mismatch-jpg-pdf")
def mismatch_jpg_pdf():
    return mail_with(ew("スキャン"), [
        text_part("スキャンしたものを送ります。\n"),
        attach("image/jpeg", 'name="scan.jpg"', pdf_stub("Scan"))],
        "mismatch")


# ---- MIME ambiguity --------------------------------------------------

@sample("names-differ")
def names_differ():
    return mail_with(ew("検査結果のご送付"), [
        text_part("検査結果をお送りします。\n"),
        attach("application/pdf", 'name="%s"' % ew("検査結果.pdf"),
               pdf_stub(), 'filename="%s"' % ew("結果報告.pdf"))], "ndiff")


@sample("names-differ-exe")
def names_differ_exe():
    return exe_mail("ndiffexe", 'name="invoice.pdf"',
                    disp_hdr='filename="invoice.exe"')


@sample("dup-boundary")
def dup_boundary():
    hidden = ("Content-Type: application/octet-stream; name=\"invoice.exe\"\n"
              "Content-Transfer-Encoding: base64\n"
              "Content-Disposition: attachment; filename=\"invoice.exe\"\n\n"
              + b64(pe_stub()))
    body = ("--outer-a\n" + text_part("請求書を添付いたします。\n")
            + "\n--inner-b\n" + hidden + "--outer-a--\n--inner-b--\n")
    h = headers(ew("請求書の送付"), mid="dupb", extra=(
        'Content-Type: multipart/mixed; boundary="outer-a";'
        ' boundary="inner-b"',))
    return finish(h + "\n" + body)


@sample("dup-content-type")
def dup_content_type():
    part = ("Content-Type: application/pdf; name=\"scan.pdf\"\n"
            "Content-Type: application/x-msdownload; name=\"scan.exe\"\n"
            "Content-Transfer-Encoding: base64\n"
            "Content-Disposition: attachment\n\n" + b64(pe_stub()))
    return mail_with(ew("スキャン"), [text_part("スキャンです。\n"), part],
                     "dupct")


@sample("dup-cte")
def dup_cte():
    part = ("Content-Type: text/plain; name=\"readme.txt\"\n"
            "Content-Transfer-Encoding: 7bit\n"
            "Content-Transfer-Encoding: base64\n"
            "Content-Disposition: attachment; filename=\"readme.txt\"\n\n"
            + b64(pe_stub()))
    return mail_with("readme", [text_part("See readme.\n", "UTF-8"), part],
                     "dupcte")


@sample("missing-final-boundary")
def missing_final_boundary():
    h = headers(ew("検査結果のご送付"), mid="nofinal", extra=(
        'Content-Type: multipart/mixed; boundary="nf-1"',))
    return finish(h + "\n" + multipart("nf-1", [
        text_part("検査結果をお送りします。\n"),
        attach("application/pdf", 'name="%s"' % ew("検査結果.pdf"),
               pdf_stub())], close=False))


@sample("base64-junk")
def base64_junk():
    lines = b64(pdf_stub()).splitlines()
    junk = "".join(l[:20] + "!*" + l[20:] + "\n" if i % 3 == 1 else l + "\n"
                   for i, l in enumerate(lines))
    part = attach("application/pdf", 'name="report.pdf"', b"")
    return mail_with("report", [text_part("Report.\n", "UTF-8"),
                                part + junk], "b64junk")


@sample("nul-in-header")
def nul_in_header():
    h = headers("monthly\0report", frm="info@yamada-clinic.example",
                mid="nul", extra=("Content-Type: text/plain; charset=UTF-8",))
    return finish(h + "\nPlease find the monthly report below.\n")


# ---- encodings and framings that must not hide an executable ---------

def q_word(text, charset):
    """One RFC 2047 Q encoded-word."""
    raw = text.encode(charset.lower().replace("-", "_"))
    enc = "".join(chr(b) if (chr(b).isalnum() and b < 128) or chr(b) in "!*+-/"
                  else "=%02X" % b for b in raw)
    return "=?%s?Q?%s?=" % (charset, enc)


@sample("exe-noname")
def exe_noname():
    part = ("Content-Type: application/octet-stream\n"
            "Content-Transfer-Encoding: base64\n\n" + b64(pe_stub()))
    return mail_with("update", [text_part("update\n", "UTF-8"), part],
                     "noname")


@sample("exe-as-text")
def exe_as_text():
    part = ("Content-Type: text/plain; charset=UTF-8\n"
            "Content-Transfer-Encoding: base64\n\n" + b64(pe_stub()))
    return mail_with("notes", [text_part("notes\n", "UTF-8"), part],
                     "astext")


@sample("exe-qp")
def exe_qp():
    qp = binascii.b2a_qp(pe_stub(), quotetabs=True, istext=False)
    qp = qp.replace(b"\r\n", b"\n")     # b2a_qp copies the data's CRLF
    assert b"\r" not in qp
    part = ("Content-Type: application/octet-stream; name=\"invoice.exe\"\n"
            "Content-Transfer-Encoding: quoted-printable\n"
            "Content-Disposition: attachment; filename=\"invoice.exe\"\n\n"
            + qp.decode("ascii") + "\n")
    return mail_with(ew("請求書の送付"), [text_part("請求書です。\n"), part],
                     "qp", crlf=True)


@sample("exe-headers-upper")
def exe_headers_upper():
    part = ("CONTENT-TYPE: APPLICATION/OCTET-STREAM; NAME=\"INVOICE.EXE\"\n"
            "CONTENT-TRANSFER-ENCODING: BASE64\n"
            "CONTENT-DISPOSITION: ATTACHMENT; FILENAME=\"INVOICE.EXE\"\n\n"
            + b64(pe_stub()))
    h = headers("INVOICE", mid="upper", extra=(
        'CONTENT-TYPE: MULTIPART/MIXED; BOUNDARY="UPPER-1"',))
    return finish(h + "\n" + multipart("UPPER-1", [
        text_part("INVOICE\n", "UTF-8"), part]))


@sample("exe-sjis-rfc2231")
def exe_sjis_rfc2231():
    enc = "".join("%%%02X" % b for b in "請求書".encode("cp932"))
    return exe_mail("sjis2231", "name*=Shift_JIS''%s.exe" % enc,
                    disp_hdr="filename*=Shift_JIS''%s.exe" % enc)


@sample("exe-q-iso2022jp")
def exe_q_iso2022jp():
    return exe_mail("qword", 'name="%s"' % q_word("請求書.exe",
                                                   "ISO-2022-JP"))


@sample("exe-eucjp")
def exe_eucjp():
    return exe_mail("eucjp", 'name="%s"' % ew("請求書.exe", "EUC-JP"))


@sample("exe-toplevel")
def exe_toplevel():
    h = headers(ew("請求書"), mid="toplevel", extra=(
        'Content-Type: application/octet-stream; name="invoice.exe"',
        "Content-Transfer-Encoding: base64",
        'Content-Disposition: attachment; filename="invoice.exe"'))
    return finish(h + "\n" + b64(pe_stub()))


@sample("boundary-padding")
def boundary_padding():
    body = multipart("pad-1", [
        text_part("請求書を添付いたします。\n"),
        attach("application/octet-stream", 'name="invoice.exe"',
               pe_stub())])
    body = body.replace("--pad-1\n", "--pad-1 \t \n").replace(
        "--pad-1--\n", "--pad-1--  \n")
    h = headers(ew("請求書の送付"), mid="pad", extra=(
        'Content-Type: multipart/mixed; boundary="pad-1"',))
    return finish(h + "\n" + body)


@sample("chunk-straddle")
def chunk_straddle():
    chunk = 65535               # triagectl feeds pieces of this size
    b = "straddle-boundary-1"
    h = headers(ew("請求書の送付"), mid="straddle", extra=(
        'Content-Type: multipart/mixed; boundary="%s"' % b,))
    head = h + "\n--%s\n" % b + ("Content-Type: text/plain; "
                                 "charset=US-ASCII\n\n")
    # Pad the text part so that the delimiter before the executable
    # starts 8 bytes before the first piece ends.
    line = "padding line to move the boundary over a chunk edge.\n"
    room = chunk - 8 - len(head) - 1
    pad = line * (room // len(line))
    pad += "x" * (room - len(pad) - 1) + "\n"
    # ... and the name over the second edge, after short filler headers.
    second = "\n--%s\n" % b
    ctype = "Content-Type: application/octet-stream;\n\tname=\""
    fill = 2 * chunk - 5 - len(head) - len(pad) - len(second) - len(ctype)
    full, rest = divmod(fill, 71)
    if rest < 12:
        full, rest = full - 1, rest + 71
    second += ("X-Filler: " + "f" * 60 + "\n") * full
    second += "X-Filler: " + "f" * (rest - 11) + "\n" + ctype
    tail = ("invoice.exe\"\nContent-Transfer-Encoding: base64\n\n"
            + b64(pe_stub()) + "--%s--\n" % b)
    text = head + pad + second + tail
    assert text.index("\n--%s\nX-Filler" % b) + 1 == chunk - 8
    assert text.isascii()
    assert text.index("invoice.exe") < 2 * chunk < text.index(
        "invoice.exe") + 11
    return finish(text)


@sample("exe-split-ext")
def exe_split_ext():
    w1 = base64.b64encode("請求書.e".encode()).decode()
    w2 = base64.b64encode(b"xe").decode()
    return exe_mail("splitext", 'name="=?UTF-8?B?%s?= =?UTF-8?B?%s?="'
                    % (w1, w2))


@sample("exe-filename-only")
def exe_filename_only():
    part = ("Content-Type: application/octet-stream\n"
            "Content-Transfer-Encoding: base64\n"
            "Content-Disposition: attachment; filename=\"invoice.exe\"\n\n"
            + b64(pe_stub()))
    return mail_with("invoice", [text_part("invoice\n", "UTF-8"), part],
                     "fnonly")


@sample("exe-trailing-space")
def exe_trailing_space():
    return exe_mail("trspace", 'name="invoice.exe  "')


@sample("boundary-specials")
def boundary_specials():
    b = "=_Next Part(1)+'_,-./:=?"
    body = multipart(b, [
        text_part("請求書を添付いたします。\n"),
        attach("application/octet-stream", 'name="invoice.exe"',
               pe_stub())])
    h = headers(ew("請求書の送付"), mid="bspecial", extra=(
        'Content-Type: multipart/mixed;\n\tboundary="%s"' % b,))
    return finish(h + "\n" + body)


@sample("bare-cr-header")
def bare_cr_header():
    h = headers("monthly\rreport", frm="info@yamada-clinic.example",
                mid="barecr", extra=("Content-Type: text/plain; "
                                     "charset=UTF-8",))
    return finish(h + "\nPlease find the monthly report below.\n")


# ---- limits ----------------------------------------------------------

@sample("deep-nesting")
def deep_nesting():
    depth = 10000
    h = headers("nested", frm="x@nest.example", mid="deep", extra=(
        'Content-Type: multipart/mixed; boundary="d00000x"',))
    out = [h, "\n"]
    for i in range(1, depth + 1):
        out.append("--d%05dx\nContent-Type: multipart/mixed; "
                   "boundary=\"d%05dx\"\n\n" % (i - 1, i))
    out.append("--d%05dx\nContent-Type: text/plain\n\nbottom\n" % depth)
    for i in range(depth, -1, -1):
        out.append("--d%05dx--\n" % i)
    return finish("".join(out))


@sample("many-parts")
def many_parts():
    h = headers("parts", frm="x@parts.example", mid="many", extra=(
        'Content-Type: multipart/mixed; boundary="mp"',))
    body = "".join("--mp\n\npart %d\n" % i for i in range(2500))
    return finish(h + "\n" + body + "--mp--\n")


@sample("huge-header")
def huge_header():
    h = ("From: x@huge.example\nTo: " + TO_HOSP + "\nDate: " + DATE
         + "\nSubject: ")
    return finish(h + "A" * (2 * 1024 * 1024))


def module_samples():
    """Samples of other modules' generators beside this file.

    gen_MODULE.py (e.g. gen_unpack.py) defines samples() returning
    [(name, eml_bytes)]; their expectations live in expected/ too.
    """
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    sys.dont_write_bytecode = True     # the source tree may be read-only
    out = []
    for fn in sorted(os.listdir(here)):
        if fn.startswith("gen_") and fn.endswith(".py"):
            mod = __import__(fn[:-3])
            out.extend(mod.samples())
    return out


# Postfix hands milters CRLF lines: these samples (LF above) are also made
# with CRLF line ends, as NAME-crlf.eml.
CRLF_TWINS = ("exe-split-ew", "exe-rfc2231-order", "dup-boundary", "dup-cte",
              "uuencode-exe", "yenc-exe", "rfc822-nested-exe",
              "boundary-padding", "thunderbird-rfc2231", "names-differ-exe",
              "missing-final-boundary", "base64-junk")


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: gen.py OUTDIR\n")
        return 2
    os.makedirs(argv[1], exist_ok=True)
    out = []
    for name, fn in SAMPLES:
        data = fn()
        out.append((name, data))
        if name in CRLF_TWINS:
            assert b"\r" not in data
            out.append((name + "-crlf", data.replace(b"\n", b"\r\n")))
    out.extend(module_samples())
    names = [name for name, _ in out]
    assert len(names) == len(set(names)), "duplicate sample names"
    for name, data in out:
        with open(os.path.join(argv[1], name + ".eml"), "wb") as f:
            f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
