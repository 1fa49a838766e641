"""Golden samples of the office and pdf modules.

samples() returns [(name, eml_bytes)]; gen.py writes them next to its own
and expected/NAME.expect holds each verdict and rule ids.  Python 3
standard library only, deterministic.  The documents come from the
builders of tests/data/office/make.py and tests/data/pdf/make.py (a small
CFB writer, OOXML zips, RTF, PDFs written by hand): "macros" are dummy
VBA storage names, executables inert PE headers, scripts one-line alerts.

Benign (accept, no rule):
  office-referral-docx   紹介状.docx with a hyperlink to mhlw.go.jp and a
                         template on the writer's own disk (file:///C:)
  office-shift-xlsx      勤務表.xlsx
  office-training-pptx   研修資料.pptx with an image
  office-minutes-doc     議事録.doc, Word 97 (OLE2) without macros
  office-duty-xls        当番表.xls, Excel 97 with two sheets
  office-letter-rtf      紹介状.rtf, Japanese text in \\'hh escapes
  office-fields-docx     PAGE and HYPERLINK fields (not DDE)
  pdf-lab-report         検査結果.pdf
  pdf-notice-link        お知らせ.pdf with an ordinary /URI link
  pdf-open-page          /OpenAction that only shows page 1
Scored or tagged:
  pdf-encrypted-result   encrypted 検査結果.pdf (score 3, accept)
  pdf-javascript         JavaScript in the name tree, escaped as
                         /J#61vaScript (tag)
  pdf-objstm-js          JavaScript inside a compressed object stream
                         (tag)
  office-equation-rtf    RTF with an auto-updating Equation Editor object
                         (tag)
Quarantined:
  office-docx-macro-ct   請求書.docx whose content types say docm (no
                         vbaProject.bin): libmagic says docx
  office-doc-vba         請求書.doc with a VBA project (Macros/VBA)
  office-xls-vba-v4      CFB version 4 (4096-byte sectors) workbook with
                         _VBA_PROJECT_CUR
  office-xls-xlm         very hidden Excel 4 macro sheet (BIFF8)
  office-xlsx-xlm        xl/macrosheets/ in an xlsx
  office-docx-dde        DDEAUTO split over two instrText runs
  office-xlsx-ddelink    Excel DDE link (cmd | /c calc)
  office-rtf-dde         DDEAUTO field in RTF, split over groups
  office-docx-template   attachedTemplate on a remote host (tag) whose
                         address is an IP literal
  office-docx-follina    external oleObject relationship to mhtml: (the
                         CVE-2022-30190 route)
  office-xls-encrypted   Excel FILEPASS (RC4): cannot be inspected
  office-docx-encrypted  password-protected docx (EncryptedPackage)
  office-doc-package     Word 97 with an OLE package carrying invoice.exe
  office-docx-embedded   docx: packaged invoice.exe in an embedded OLE
                         object, and a PE named image1.png
  office-rtf-package     RTF \\objdata Package carrying invoice.exe
  office-odt-basic       ODF text with a Basic module
  pdf-launch             /AA with a /Launch action
  pdf-embedded-exe       PDF carrying invoice.exe (FlateDecode)
  pdf-broken-xref        JavaScript run by /OpenAction, cross-reference
                         table and startxref wrong
"""

import base64
import importlib.util
import os

HERE = os.path.dirname(os.path.abspath(__file__))
DATE = "Mon, 01 Apr 2024 09:00:00 +0900"


def _load(module, sub):
    path = os.path.join(HERE, "..", "data", sub, "make.py")
    spec = importlib.util.spec_from_file_location(module, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


OFF = _load("office_make", "office")
PDF = _load("pdf_make", "pdf")


def _b64(data):
    s = base64.b64encode(data).decode("ascii")
    return "".join(s[i:i + 76] + "\n" for i in range(0, len(s), 76))


def _ew(text):
    raw = text.encode("utf-8")
    return "=?UTF-8?B?%s?=" % base64.b64encode(raw).decode("ascii")


def _mail(mid, subject, fname, data, ctype):
    """One ISO-2022-JP text part and one base64 attachment."""
    body = "資料をお送りします。\n".encode("iso2022_jp").decode("ascii")
    name = _ew(fname)
    text = ("From: =?UTF-8?B?5bGx55Sw5YaF56eR?= <info@yamada-clinic.example>\n"
            "To: renkei@hospital.example\n"
            "Subject: %s\nDate: %s\n"
            "Message-ID: <%s.office@golden.example>\nMIME-Version: 1.0\n"
            "Content-Type: multipart/mixed; boundary=\"==doc==\"\n\n"
            "--==doc==\nContent-Type: text/plain; charset=ISO-2022-JP\n"
            "Content-Transfer-Encoding: 7bit\n\n%s\n"
            "--==doc==\nContent-Type: %s; name=\"%s\"\n"
            "Content-Transfer-Encoding: base64\n"
            "Content-Disposition: attachment; filename=\"%s\"\n\n%s"
            "--==doc==--\n"
            % (_ew(subject), DATE, mid, body, ctype, name, name, _b64(data)))
    return text.encode("ascii")


DOCX = ("application/vnd.openxmlformats-officedocument."
        "wordprocessingml.document")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = ("application/vnd.openxmlformats-officedocument."
        "presentationml.presentation")
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
RTF = "application/rtf"
PDFT = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"


def _office():
    o = OFF
    fx = o.fixtures()
    return [
        ("office-referral-docx", "紹介状", "紹介状.docx", fx["clean.docx"],
         DOCX),
        ("office-shift-xlsx", "勤務表", "勤務表.xlsx", fx["clean.xlsx"],
         XLSX),
        ("office-training-pptx", "研修資料", "研修資料.pptx",
         fx["clean.pptx"], PPTX),
        ("office-minutes-doc", "議事録", "議事録.doc", fx["clean.doc"], DOC),
        ("office-duty-xls", "当番表", "当番表.xls", fx["clean.xls"], XLS),
        ("office-letter-rtf", "紹介状", "紹介状.rtf", fx["clean.rtf"], RTF),
        ("office-fields-docx", "議事録", "議事録.docx", fx["field-ok.docx"],
         DOCX),
        ("office-equation-rtf", "資料", "資料.rtf", fx["equation.rtf"], RTF),
        ("office-docx-macro-ct", "請求書", "請求書.docx",
         fx["macro-ct.docx"], DOCX),
        ("office-doc-vba", "請求書", "請求書.doc", fx["vba.doc"], DOC),
        ("office-xls-vba-v4", "請求書", "請求書.xls", fx["vba-v4.xls"], XLS),
        ("office-xls-xlm", "請求書", "請求書.xls", fx["xlm.xls"], XLS),
        ("office-xlsx-xlm", "請求書", "請求書.xlsx", fx["xlm.xlsx"], XLSX),
        ("office-docx-dde", "請求書", "請求書.docx", fx["dde.docx"], DOCX),
        ("office-xlsx-ddelink", "見積書", "見積書.xlsx", fx["ddelink.xlsx"],
         XLSX),
        ("office-rtf-dde", "請求書", "請求書.rtf", fx["dde.rtf"], RTF),
        ("office-docx-template", "請求書", "請求書.docx",
         fx["template.docx"], DOCX),
        ("office-docx-follina", "請求書", "請求書.docx", fx["follina.docx"],
         DOCX),
        ("office-xls-encrypted", "見積書", "見積書.xls", fx["filepass.xls"],
         XLS),
        ("office-docx-encrypted", "見積書", "見積書.docx",
         fx["encrypted.docx"], DOCX),
        ("office-doc-package", "請求書", "請求書.doc", fx["package.doc"], DOC),
        ("office-docx-embedded", "請求書", "請求書.docx",
         fx["embedded.docx"], DOCX),
        ("office-rtf-package", "請求書", "請求書.rtf", fx["package.rtf"], RTF),
        ("office-odt-basic", "議事録", "議事録.odt", fx["basic.odt"], ODT),
    ]


def _pdf():
    fx = PDF.fixtures()
    return [
        ("pdf-lab-report", "検査結果", "検査結果.pdf", fx["clean.pdf"]),
        ("pdf-notice-link", "お知らせ", "お知らせ.pdf", fx["uri.pdf"]),
        ("pdf-open-page", "検査結果", "検査結果.pdf",
         fx["openaction-dest.pdf"]),
        ("pdf-encrypted-result", "検査結果", "検査結果.pdf",
         fx["encrypted.pdf"]),
        ("pdf-javascript", "資料", "資料.pdf", fx["js-escaped.pdf"]),
        ("pdf-objstm-js", "資料", "資料.pdf", fx["objstm-js.pdf"]),
        ("pdf-launch", "請求書", "請求書.pdf", fx["launch.pdf"]),
        ("pdf-embedded-exe", "請求書", "請求書.pdf", fx["embedded.pdf"]),
        ("pdf-broken-xref", "請求書", "請求書.pdf", fx["broken-xref.pdf"]),
    ]


def samples():
    out = []
    for name, subject, fname, data, ctype in _office():
        out.append((name, _mail(name, subject, fname, data, ctype)))
    for name, subject, fname, data in _pdf():
        out.append((name, _mail(name, subject, fname, data, PDFT)))
    return out
