"""Golden samples of the unpack module: archives and disk images.

samples() returns [(name, eml_bytes)]; gen.py writes them next to its own
and expected/NAME.expect holds each verdict and rule ids.  Python 3
standard library only, deterministic.  What Python cannot make (7z with
encrypted headers, AES zips, ISO 9660, CAB) comes from the committed
fixtures in tests/data/unpack/ (made by make.sh there).  Every executable
is a harmless PE header stub without code.

Benign (accept, no rule):
  arc-zip-pdf-ok         検査結果.zip: two PDFs, UTF-8 names (flag set)
  arc-zip-cp932-pdf-ok   Explorer-style zip, CP932 names without the
                         UTF-8 flag, deflated PDFs
  arc-7z-pdf-ok          7z holding a PDF
Executables inside archives (quarantine):
  arc-zip-exe            請求書.zip holding invoice.exe
  arc-zip-cp932-exe      zip holding 請求書.exe named in CP932, no flag
  arc-zip-nested-exe     zip -> zip -> setup.exe
  arc-zip-name-mismatch  central directory says invoice.pdf, the local
                         header says invoice.exe (name confusion)
  arc-lzh-exe            LZH (level 0, -lh0-) holding 請求書.exe in CP932
  arc-cab-exe            CAB holding invoice.exe
  arc-tgz-exe            tar.gz holding invoice.exe
  arc-gz-exe             invoice.exe.gz, one gzip stream
Encrypted (PPAP; quarantine as archive.encrypted, not as malicious):
  arc-ppap-zipcrypto     見積書.zip, ZipCrypto, holding 見積書.pdf
  arc-ppap-aes           AES-256 zip holding report.pdf
  arc-zipcrypto-exe      ZipCrypto zip holding invoice.exe (the name
                         is still checked)
  arc-7z-data-enc        7z, data encrypted, holding invoice.exe
  arc-7z-header-enc      7z with encrypted headers (names hidden)
  arc-rar5-encrypted     RAR5, file encryption record, invoice.exe
  arc-rar5-header-enc    RAR5 with an archive encryption header
Disk images (quarantine):
  arc-iso-as-img         ISO 9660 image named invoice.img holding a PDF
                         and invoice.exe
  arc-vhd                fixed VHD (footer "conectix") named disk.vhd
Limits and damage (quarantine):
  arc-zip-bomb           40 MiB of zeros deflated to ~40 KB
  arc-zip-deep           zips nested 8 deep around an executable
  arc-zip-truncated      a zip cut in the middle of its member
"""

import base64
import gzip
import io
import os
import struct
import tarfile
import zipfile
import zlib

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                    "unpack")
DATE = "Mon, 01 Apr 2024 09:00:00 +0900"
ZIP_TIME = (2024, 4, 1, 9, 0, 0)
DOS_TIME = 0x4800        # 09:00:00
DOS_DATE = 0x5881        # 2024-04-01


def _fixture(name):
    with open(os.path.join(DATA, name), "rb") as f:
        return f.read()


def _b64(data):
    s = base64.b64encode(data).decode("ascii")
    return "".join(s[i:i + 76] + "\n" for i in range(0, len(s), 76))


def _ew(text):
    raw = text.encode("utf-8")
    return "=?UTF-8?B?%s?=" % base64.b64encode(raw).decode("ascii")


def _mail(mid, subject, fname, data, ctype="application/octet-stream"):
    """One text part and one base64 attachment (RFC 2047 name)."""
    body = "添付ファイルをご確認ください。\n".encode("iso2022_jp").decode("ascii")
    name = _ew(fname)
    text = ("From: =?UTF-8?B?5bGx55Sw5YaF56eR?= <info@yamada-clinic.example>\n"
            "To: renkei@hospital.example\n"
            "Subject: %s\nDate: %s\n"
            "Message-ID: <%s.unpack@golden.example>\nMIME-Version: 1.0\n"
            "Content-Type: multipart/mixed; boundary=\"==arc==\"\n\n"
            "--==arc==\nContent-Type: text/plain; charset=ISO-2022-JP\n"
            "Content-Transfer-Encoding: 7bit\n\n%s\n"
            "--==arc==\nContent-Type: %s; name=\"%s\"\n"
            "Content-Transfer-Encoding: base64\n"
            "Content-Disposition: attachment; filename=\"%s\"\n\n%s"
            "--==arc==--\n"
            % (_ew(subject), DATE, mid, body, ctype, name, name, _b64(data)))
    return text.encode("ascii")


def _pe():
    """DOS header + PE signature + COFF + empty PE32 optional header."""
    img = bytearray(512)
    img[0:2] = b"MZ"
    struct.pack_into("<I", img, 0x3c, 0x80)
    img[0x80:0x84] = b"PE\0\0"
    struct.pack_into("<HHIIIHH", img, 0x84, 0x14c, 0, 0x66000000, 0, 0,
                     0xe0, 0x0102)
    struct.pack_into("<H", img, 0x98, 0x10b)
    struct.pack_into("<H", img, 0x98 + 68, 2)        # GUI subsystem
    return bytes(img)


def _pdf(line):
    content = ("BT /F1 12 Tf 72 770 Td (%s) Tj ET" % line).encode("ascii")
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content
            + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
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


# ---- zip by hand: any name bytes, flags, encryption ------------------

_CRC = [0] * 256
for _i in range(256):
    _c = _i
    for _k in range(8):
        _c = (_c >> 1) ^ (0xedb88320 if _c & 1 else 0)
    _CRC[_i] = _c


def _zipcrypto(data, password, crc):
    """Traditional PKWARE encryption (APPNOTE 6.3.10 section 6.1)."""
    keys = [0x12345678, 0x23456789, 0x34567890]

    def upd(ch):
        keys[0] = (keys[0] >> 8) ^ _CRC[(keys[0] ^ ch) & 0xff]
        keys[1] = (keys[1] + (keys[0] & 0xff)) & 0xffffffff
        keys[1] = (keys[1] * 134775813 + 1) & 0xffffffff
        keys[2] = (keys[2] >> 8) ^ _CRC[(keys[2] ^ (keys[1] >> 24)) & 0xff]

    for ch in password:
        upd(ch)
    out = bytearray()
    # fixed "random" header bytes: the output is deterministic
    for p in bytes(range(0x41, 0x4c)) + bytes([crc >> 24]):
        t = (keys[2] | 2) & 0xffff
        out.append(p ^ (((t * (t ^ 1)) >> 8) & 0xff))
        upd(p)
    for p in data:
        t = (keys[2] | 2) & 0xffff
        out.append(p ^ (((t * (t ^ 1)) >> 8) & 0xff))
        upd(p)
    return bytes(out)


def _zip(members):
    """members: dicts with name (bytes), data, and optional lname (local
    name bytes), flags, deflate, password."""
    out, cd = bytearray(), bytearray()
    for m in members:
        name, data = m["name"], m["data"]
        lname = m.get("lname", name)
        flags = m.get("flags", 0)
        crc = zlib.crc32(data) & 0xffffffff
        method, body = 0, data
        if m.get("deflate"):
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            method, body = 8, c.compress(data) + c.flush()
        if m.get("password"):
            flags |= 1
            body = _zipcrypto(body, m["password"], crc)
        off = len(out)
        out += struct.pack("<4sHHHHHIIIHH", b"PK\3\4", 20, flags, method,
                           DOS_TIME, DOS_DATE, crc, len(body), len(data),
                           len(lname), 0) + lname + body
        cd += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\1\2", 20, 20, flags,
                          method, DOS_TIME, DOS_DATE, crc, len(body),
                          len(data), len(name), 0, 0, 0, 0, 0, off) + name
    return bytes(out + cd + struct.pack("<4sHHHHIIH", b"PK\5\6", 0, 0,
                                        len(members), len(members), len(cd),
                                        len(out), 0))


def _zipfile(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name, ZIP_TIME), data,
                       compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


# ---- other formats ---------------------------------------------------

def _vint(v):
    out = bytearray()
    while True:
        b = v & 0x7f
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


def _rar5_block(body):
    h = _vint(len(body)) + body
    return struct.pack("<I", zlib.crc32(h) & 0xffffffff) + h


def _rar5(name, header_enc=False):
    """RAR 5.0 format (RARLAB): main header, one stored file with a file
    encryption record, end header; or an archive encryption header."""
    junk = bytes(range(0xa0, 0xc0))
    out = b"Rar!\x1a\x07\x01\x00"
    if header_enc:
        body = _vint(4) + _vint(0) + _vint(0) + _vint(0) + b"\x0f" + junk[:16]
        return out + _rar5_block(body) + junk
    out += _rar5_block(_vint(1) + _vint(0) + _vint(0))
    rec = _vint(1) + _vint(0) + _vint(0) + b"\x0f" + junk[:16] + junk[16:]
    extra = _vint(len(rec)) + rec
    body = (_vint(2) + _vint(0x03) + _vint(len(extra)) + _vint(len(junk))
            + _vint(0) + _vint(len(junk)) + _vint(0x20) + _vint(0)
            + _vint(0) + _vint(len(name)) + name + extra)
    out += _rar5_block(body) + junk
    return out + _rar5_block(_vint(5) + _vint(0) + _vint(0))


def _lzh0(name, data):
    """LHA level-0 header, -lh0- (stored), as old Japanese LHA wrote."""
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0xa001 if crc & 1 else 0)
    h = (b"-lh0-" + struct.pack("<III", len(data), len(data),
                                DOS_DATE << 16 | DOS_TIME)
         + bytes([0x20, 0, len(name)]) + name + struct.pack("<H", crc))
    return bytes([len(h), sum(h) & 0xff]) + h + data + b"\0"


def _tgz(name, data):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as t:
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        ti.mtime = 1711929600
        t.addfile(ti, io.BytesIO(data))
    return _gz(raw.getvalue(), None)


def _gz(data, fname):
    buf = io.BytesIO()
    with gzip.GzipFile(filename=fname or "", mode="wb", fileobj=buf,
                       mtime=0) as g:
        g.write(data)
    return buf.getvalue()


def _vhd():
    """An 8 KiB fixed VHD: zero sectors and a footer (cookie conectix)."""
    foot = bytearray(512)
    foot[0:8] = b"conectix"
    struct.pack_into(">III", foot, 8, 2, 0x10000, 0xffffffff)
    foot[28:32] = b"win "
    struct.pack_into(">QQ", foot, 40, 8192, 8192)
    struct.pack_into(">I", foot, 60, 2)                 # fixed disk
    s = sum(foot) & 0xffffffff
    struct.pack_into(">I", foot, 64, (~s) & 0xffffffff)
    return bytes(8192) + bytes(foot)


def _nest(depth):
    data, name = _pe(), b"deep.exe"
    for i in range(depth, 0, -1):
        data = _zip([{"name": name, "data": data}])
        name = b"level%d.zip" % i
    return data


# ---- samples ---------------------------------------------------------

def _cp(s):
    return s.encode("cp932")


def samples():
    pdf1, pdf2 = _pdf("Lab results"), _pdf("Referral")
    pe = _pe()
    s = []
    s.append(("arc-zip-pdf-ok", _mail(
        "zpdf", "検査結果の送付", "検査結果.zip",
        _zipfile([("検査結果.pdf", pdf1), ("紹介状.pdf", pdf2)]),
        "application/zip")))
    s.append(("arc-zip-cp932-pdf-ok", _mail(
        "zcp", "見積書", "見積書.zip",
        _zip([{"name": _cp("見積書.pdf"), "data": pdf1, "deflate": 1},
              {"name": _cp("資料/添付資料.pdf"), "data": pdf2,
               "deflate": 1}]),
        "application/x-zip-compressed")))
    s.append(("arc-7z-pdf-ok", _mail(
        "7zok", "報告書", "report.7z", _fixture("plain.7z"),
        "application/x-7z-compressed")))
    s.append(("arc-zip-exe", _mail(
        "zexe", "請求書の送付", "請求書.zip",
        _zipfile([("invoice.exe", pe)]), "application/zip")))
    s.append(("arc-zip-cp932-exe", _mail(
        "zcpexe", "請求書", "請求書.zip",
        _zip([{"name": _cp("請求書.exe"), "data": pe, "deflate": 1}]))))
    s.append(("arc-zip-nested-exe", _mail(
        "znest", "書類", "documents.zip",
        _zipfile([("inner.zip", _zipfile([("setup.exe", pe)]))]))))
    s.append(("arc-zip-name-mismatch", _mail(
        "zmis", "請求書", "invoice.zip",
        _zip([{"name": b"invoice.pdf", "lname": b"invoice.exe",
               "data": pe}]))))
    s.append(("arc-lzh-exe", _mail(
        "lzh", "請求書", "請求書.lzh", _lzh0(_cp("請求書.exe"), pe))))
    s.append(("arc-cab-exe", _mail(
        "cab", "Invoice", "invoice.cab", _fixture("invoice.cab"))))
    s.append(("arc-tgz-exe", _mail(
        "tgz", "Invoice", "invoice.tar.gz", _tgz("invoice.exe", pe))))
    s.append(("arc-gz-exe", _mail(
        "gz", "Invoice", "invoice.exe.gz", _gz(pe, "invoice.exe"))))
    s.append(("arc-ppap-zipcrypto", _mail(
        "ppap", "見積書の送付", "見積書.zip",
        _zip([{"name": _cp("見積書.pdf"), "data": pdf1, "deflate": 1,
               "password": b"secret"}]))))
    s.append(("arc-ppap-aes", _mail(
        "ppapaes", "報告書", "report.zip", _fixture("aes.zip"))))
    s.append(("arc-zipcrypto-exe", _mail(
        "zcexe", "Invoice", "invoice.zip", _fixture("zipcrypto.zip"))))
    s.append(("arc-7z-data-enc", _mail(
        "7zd", "Invoice", "invoice.7z", _fixture("data-enc.7z"))))
    s.append(("arc-7z-header-enc", _mail(
        "7zh", "Invoice", "invoice.7z", _fixture("header-enc.7z"))))
    s.append(("arc-rar5-encrypted", _mail(
        "rar5", "Invoice", "invoice.rar", _rar5(b"invoice.exe"))))
    s.append(("arc-rar5-header-enc", _mail(
        "rar5h", "Invoice", "invoice.rar", _rar5(b"", header_enc=True))))
    s.append(("arc-iso-as-img", _mail(
        "img", "Invoice", "invoice.img", _fixture("docs.iso"))))
    s.append(("arc-vhd", _mail("vhd", "Disk", "disk.vhd", _vhd())))
    s.append(("arc-zip-bomb", _mail(
        "bomb", "Report", "report.zip",
        _zip([{"name": b"report.txt", "data": bytes(40 << 20),
               "deflate": 1}]))))
    s.append(("arc-zip-deep", _mail("deep", "Files", "files.zip", _nest(8))))
    s.append(("arc-zip-truncated", _mail(
        "trunc", "Invoice", "invoice.zip",
        _zipfile([("invoice.pdf", pdf1)])[:300])))
    return s


if __name__ == "__main__":
    import sys
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    for n, b in samples():
        with open(os.path.join(out, n + ".eml"), "wb") as f:
            f.write(b)
