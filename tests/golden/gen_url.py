"""Golden samples of the urlx and urlcheck modules (links and senders).

samples() returns [(name, eml_bytes)]; gen.py writes them next to its own
and expected/NAME.expect holds each verdict and rule ids.  Python 3
standard library only, deterministic.  All hosts are reserved example
names or documentation addresses (192.0.2.0/24, 198.51.100.0/24,
203.0.113.0/24); nothing here links to a real site except the public
authorities on the default allowlist.

Phishing (quarantine):
  url-userinfo            text: https://www.mhlw.go.jp@evil-login.example/
  url-lookalike-rnhlw     text: https://www.rnhlw.go.jp/ ("rn" for "m")
  url-lookalike-label     text: https://mhlw.go.jp.notice-center.example/
  url-ip-exe              text: http://198.51.100.23/invoice.exe
  url-ip-decimal-exe      the same address written as 3325256727, in
                          ISO-2022-JP text
  url-homograph           text: Cyrillic "аррӏе.com" (IDN homograph)
  url-text-mismatch       HTML: the text shows https://www.mhlw.go.jp/,
                          the link goes to another organisation
  url-text-mismatch-ja    HTML (ISO-2022-JP, quoted-printable): the text
                          shows 「www.pmda.go.jp」 in full-width letters
  sender-lookalike        From: info@mhlw-go.jp
  sender-display-spoof    From: "info@mhlw.go.jp" <notice@mail-service.example>
  sender-replyto-lookalike  Reply-To: help@pmda.go.jp.support-desk.example
Odd links (tag):
  url-shortener           text: https://bit.ly/3abcXYZ
  url-suspicious-tld      text: https://invoice-portal.top/login
  url-nonstandard-port    text: http://files.example.com:8080/share
  url-ip-page             text: http://198.51.100.23/login
  url-data-uri-link       HTML: <a href="data:text/html;base64,...">
Benign (accept, no rule):
  url-newsletter-same-org  HTML newsletter whose visible URLs are
                          www.example-news.co.jp while the links go
                          through click.example-news.co.jp and
                          links.example-news.com (same organisation)
  url-public-sites        mailto:, the Ministry and PMDA (allowlist),
                          Wikipedia, Google, a Japanese IDN domain
  url-intranet            private-address links to the EHR and a setup
                          program, a file:// link and a UNC path
  url-japanese-punct      URLs tight against Japanese brackets and
                          punctuation in ISO-2022-JP text
  url-calendar-teams      text/calendar invite with a folded meeting link
  url-sjis-text           Shift_JIS text with www. and https:// URLs
"""

import base64
import quopri

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
    h = ["From: " + frm, "To: " + TO, "Subject: " + ew(subject),
         "Date: " + DATE,
         "Message-ID: <%s.20240401090000@golden.example>" % mid,
         "MIME-Version: 1.0"]
    h.extend(extra)
    return "\n".join(h) + "\n"


def text_mail(mid, subject, body, frm=FROM, charset="ISO-2022-JP",
              extra=()):
    """A single-part text/plain message."""
    if charset == "ISO-2022-JP":
        enc = body.encode("iso2022_jp").decode("ascii")
        cte = "7bit"
    else:
        enc = b64(body.encode(charset.lower().replace("-", "_"))) \
            .rstrip("\n")
        cte = "base64"
    h = headers(subject, mid, frm, extra + (
        "Content-Type: text/plain; charset=%s" % charset,
        "Content-Transfer-Encoding: " + cte))
    return (h + "\n" + enc + "\n").encode("ascii")


def html_mail(mid, subject, html, charset="UTF-8", cte="base64"):
    """multipart/alternative: a short text part and the HTML."""
    raw = html.encode(charset.lower().replace("-", "_"))
    if cte == "base64":
        body = b64(raw)
    else:
        body = quopri.encodestring(raw).decode("ascii") + "\n"
    text = "HTML版をご覧ください。\n".encode("iso2022_jp").decode("ascii")
    h = headers(subject, mid, extra=(
        'Content-Type: multipart/alternative; boundary="b1"',))
    out = (h + "\n--b1\nContent-Type: text/plain; charset=ISO-2022-JP\n"
           "Content-Transfer-Encoding: 7bit\n\n" + text + "\n"
           "--b1\nContent-Type: text/html; charset=%s\n"
           "Content-Transfer-Encoding: %s\n\n%s--b1--\n"
           % (charset, cte, body))
    return out.encode("ascii")


def page(body):
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            "<title>news</title></head>\n<body>\n%s\n</body></html>\n"
            % body)


NEWSLETTER = page("""
<table width="600"><tr><td>
<h1>Example News 4月号</h1>
<p>今月の特集は<a href="https://click.example-news.co.jp/track?u=1&amp;id=a1">
https://www.example-news.co.jp/feature/</a>をご覧ください。</p>
<p><a href="https://links.example-news.com/c/2?r=top">www.example-news.co.jp</a></p>
<p><a href="https://click.example-news.co.jp/track?u=1&amp;id=a3">詳しくはこちら</a></p>
<p><a href="mailto:info@example-news.co.jp">お問い合わせ</a></p>
<p><a href="https://click.example-news.co.jp/unsub?u=1">配信停止</a></p>
</td></tr></table>
""")

MISMATCH = page("""
<p>厚生労働省からの重要なお知らせです。</p>
<p>下記のリンクから確認してください:
<a href="https://account-verify.example/mhlw/login">https://www.mhlw.go.jp/</a></p>
""")

MISMATCH_JA = page("""
<p>医薬品の安全性情報が更新されました。</p>
<p><a href="https://pmda-info.example/update">「ｗｗｗ．ｐｍｄａ．ｇｏ．ｊｐ」</a></p>
""")

DATA_LINK = page("""
<p>請求書を表示するには<a href="data:text/html;base64,%s">こちら</a>を
クリックしてください。</p>
""" % base64.b64encode(b"<h1>invoice</h1>").decode("ascii"))

CALENDAR = (
    "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nPRODID:Microsoft Exchange Server"
    " 2010\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDESCRIPTION;LANGUAGE=ja-JP:"
    "Microsoft Teams meeting\\nJoin: https://teams.microsoft.com/l/meetup-jo\r\n"
    " in/19%3ameeting_abc%40thread.v2/0?context=%7b%22Tid%22%3a%221%22%7d\\n"
    "\r\n More: https://www.example-hospital.jp/kaigi/\\n\r\n"
    "SUMMARY;LANGUAGE=ja-JP:Meeting\r\nDTSTART:20240405T010000Z\r\n"
    "DTEND:20240405T020000Z\r\nUID:golden-url-1\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n")


def calendar():
    h = headers("会議のご案内", "urlcal", extra=(
        'Content-Type: text/calendar; method=REQUEST; charset="utf-8"',
        "Content-Transfer-Encoding: 7bit"))
    return (h + "\n" + CALENDAR).encode("ascii")


def sjis_text():
    body = ("ソフト更新のお知らせ\nwww.example-vendor.co.jpをご覧ください。"
            "\n表示されない場合はhttps://support.example-vendor.co.jp/faq/"
            "へ。\n")
    h = headers("更新のお知らせ", "urlsjis", extra=(
        "Content-Type: text/plain; charset=Shift_JIS",
        "Content-Transfer-Encoding: base64"))
    return (h + "\n" + b64(body.encode("cp932"))).encode("ascii")


def samples():
    jt = text_mail
    return [
        ("url-userinfo", jt("urlui", "重要なお知らせ",
            "以下のURLからご確認ください。\n"
            "https://www.mhlw.go.jp@evil-login.example/notice\n")),
        ("url-lookalike-rnhlw", jt("urlrn", "緊急のお知らせ",
            "詳細は https://www.rnhlw.go.jp/kinkyu/ をご覧ください。\n")),
        ("url-lookalike-label", jt("urllabel", "通知",
            "こちら: https://mhlw.go.jp.notice-center.example/check\n")),
        ("url-ip-exe", jt("urlipexe", "更新プログラム",
            "更新は http://198.51.100.23/invoice.exe から。\n")),
        ("url-ip-decimal-exe", jt("urlipdec", "更新プログラム",
            "更新は「http://3325256727/update.exe」から。\n")),
        ("url-homograph", jt("urlhomo", "Account",
            "Sign in: https://аррӏе.com/jp/account\n", charset="UTF-8")),
        ("url-text-mismatch", html_mail("urlmis", "重要なお知らせ",
                                        MISMATCH)),
        ("url-text-mismatch-ja", html_mail("urlmisja", "安全性情報",
                                           MISMATCH_JA, "ISO-2022-JP",
                                           "quoted-printable")),
        ("sender-lookalike", jt("sndlook", "お知らせ", "ご確認ください。\n",
            frm=ew("厚生労働省") + " <info@mhlw-go.jp>")),
        ("sender-display-spoof", jt("snddisp", "お知らせ",
            "ご確認ください。\n",
            frm='"info@mhlw.go.jp" <notice@mail-service.example>')),
        ("sender-replyto-lookalike", jt("sndreply", "お知らせ",
            "ご返信ください。\n", extra=(
                "Reply-To: help@pmda.go.jp.support-desk.example",))),
        ("url-shortener", jt("urlshort", "資料",
            "資料はこちら https://bit.ly/3abcXYZ\n")),
        ("url-suspicious-tld", jt("urltld", "請求",
            "ポータル: https://invoice-portal.top/login\n")),
        ("url-nonstandard-port", jt("urlport", "共有",
            "共有フォルダ http://files.example.com:8080/share\n")),
        ("url-ip-page", jt("urlippage", "ログイン",
            "ログイン: http://198.51.100.23/login\n")),
        ("url-data-uri-link", html_mail("urldata", "請求書", DATA_LINK)),
        ("url-newsletter-same-org", html_mail("urlnews", "ニュース4月号",
                                              NEWSLETTER)),
        ("url-public-sites", jt("urlpub", "参考リンク",
            "お問い合わせ: mailto:renkei@hospital.example\n"
            "厚生労働省 https://www.mhlw.go.jp/stf/houdou/ 、"
            "PMDA https://www.pmda.go.jp/safety/\n"
            "https://ja.wikipedia.org/wiki/病院 (参考)\n"
            "検索: https://www.google.com/search?q=test\n"
            "日本語ドメイン: https://ドメイン名例.jp/\n")),
        ("url-intranet", jt("urlintra", "院内システム",
            "電子カルテ http://192.168.10.5/ehr/ 、更新 "
            "http://10.1.1.1/setup.exe\n"
            "共有: file://fileserver/share/manual.pdf \\\\fileserver\\share\n")),
        ("url-japanese-punct", jt("urlpunct", "セミナーのご案内",
            "「https://www.example.co.jp/seminar/」をご覧ください。"
            "申込は（www.example.co.jp/entry）まで。"
            "資料:https://www.example.co.jp/doc.pdf、以上です。\n")),
        ("url-calendar-teams", calendar()),
        ("url-sjis-text", sjis_text()),
    ]
