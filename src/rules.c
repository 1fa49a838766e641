/*
 * rules: the table of every rule id (see rules.h).
 *
 * Default scores and actions follow the hospital default policy: what
 * carries code or hides what it is gets quarantined; what is merely odd is
 * scored.  Keep the table sorted by id; triage.conf(5) documents each id
 * and tests/check_policy.c checks that the man page and the shipped
 * triage.conf name every one.
 */
#include <stddef.h>
#include <string.h>

#include "rules.h"

#define Q	VERDICT_QUARANTINE
#define N	VERDICT_ACCEPT

static const struct rule_def table[] = {
	{ "archive.corrupt", 0, Q,
	    "an archive is corrupt or cannot be read, so its contents "
	    "could not be inspected",
	    "アーカイブが壊れているか読み取れないため、中身を検査できません" },
	{ "archive.encrypted", 0, Q,
	    "an encrypted archive could not be inspected (PPAP)",
	    "パスワード付きZIPなど暗号化されたアーカイブのため中身を検査できません(PPAP)" },
	{ "archive.name_mismatch", 20, Q,
	    "an archive member has one name in its local header and "
	    "another in the central directory",
	    "ZIP内のファイル名がローカルヘッダと中央ディレクトリで異なります(名前の偽装)" },
	{ "attachment.bidi_control", 20, Q,
	    "a file name contains bidirectional control characters (RTLO trick)",
	    "ファイル名に表示順を入れ替える制御文字(RTLO)が含まれています" },
	{ "attachment.blocked_extension", 20, Q,
	    "a file name has an extension on the blocked list",
	    "ファイル名の拡張子が禁止リストに含まれています" },
	{ "attachment.disk_image", 20, Q,
	    "an attachment is a disk image (ISO, IMG, VHD), a way around "
	    "Windows' Mark-of-the-Web",
	    "添付ファイルがディスクイメージ(ISO/IMG/VHD)です。Windowsの保護(MOTW)の回避に使われます" },
	{ "attachment.double_extension", 10, N,
	    "a file name hides its real extension behind a harmless-looking one",
	    "ファイル名が二重拡張子で本当の種類を隠しています" },
	{ "attachment.executable", 20, Q,
	    "an attachment is an executable program",
	    "添付ファイルが実行形式プログラムです" },
	{ "attachment.hash_blocklisted", 100, Q,
	    "an attachment matches a known-bad hash",
	    "添付ファイルが既知の悪性ファイルのハッシュと一致しました" },
	{ "attachment.onenote", 20, Q,
	    "an attachment is a OneNote document, used to carry scripts and programs behind a fake button",
	    "添付ファイルがOneNote文書です。偽のボタンの裏にスクリプトやプログラムを隠す手口に使われます" },
	{ "attachment.script", 20, Q,
	    "an attachment is a script Windows runs (VBScript, JScript, PowerShell, batch, HTA, WSF)",
	    "添付ファイルがWindowsで実行されるスクリプト(VBScript/JScript/PowerShell/バッチ/HTA/WSF)です" },
	{ "attachment.shortcut", 20, Q,
	    "an attachment is a Windows shortcut (LNK, URL, SCF, library-ms) that runs or fetches something",
	    "添付ファイルが何かを実行または取得するWindowsショートカット(LNK/URL/SCF等)です" },
	{ "attachment.type_mismatch", 5, N,
	    "an attachment's content does not match its name or declared type",
	    "添付ファイルの中身が名前または宣言された種類と一致しません" },
	{ "attachment.zero_width", 10, N,
	    "a file name contains invisible zero-width characters",
	    "ファイル名に見えない文字(ゼロ幅文字)が含まれています" },
	{ "html.credential_form", 20, Q,
	    "an HTML attachment or body contains a form asking for a password (credential phishing)",
	    "HTMLの添付ファイルまたは本文にパスワードを入力させるフォームがあります(認証情報の詐取)" },
	{ "html.meta_refresh", 5, N,
	    "an HTML part redirects the reader to another address on opening (meta refresh)",
	    "HTMLが開いた時点で別のアドレスへ転送します(meta refresh)" },
	{ "html.obfuscated_script", 10, N,
	    "a script in an HTML attachment decodes hidden text and runs, writes or follows it",
	    "HTML添付ファイルのスクリプトが隠した文字列を復号して実行・表示・転送します" },
	{ "html.script_attachment", 5, N,
	    "an HTML attachment contains script",
	    "HTML添付ファイルにスクリプトが含まれています" },
	{ "html.smuggling", 20, Q,
	    "an HTML part builds or carries a file for download in the browser (HTML smuggling)",
	    "HTMLがブラウザ内でファイルを組み立てて保存させます(HTMLスマグリング)" },
	{ "limit.archive_depth", 0, Q,
	    "archives are nested deeper than the limit",
	    "アーカイブの入れ子が上限より深いため検査できません" },
	{ "limit.archive_entries", 0, Q,
	    "an archive has more members than the limit",
	    "アーカイブ内のファイル数が上限を超えています" },
	{ "limit.expanded_size", 0, Q,
	    "archives expand to more than the limit (possible archive bomb)",
	    "アーカイブの展開後のサイズが上限を超えました(圧縮爆弾の可能性)" },
	{ "limit.expansion_ratio", 0, Q,
	    "an archive expands far more than normal data does (archive bomb)",
	    "アーカイブの圧縮率が異常に高いです(圧縮爆弾の可能性)" },
	{ "limit.header_size", 0, Q,
	    "a header block is larger than the limit",
	    "ヘッダが上限より大きいため検査できません" },
	{ "limit.message_size", 0, Q,
	    "the message is larger than the scan limit",
	    "メールが検査上限より大きいため全体を検査できません" },
	{ "limit.mime_depth", 0, Q,
	    "MIME parts are nested deeper than the limit",
	    "MIMEの入れ子が上限より深いため検査できません" },
	{ "limit.mime_parts", 0, Q,
	    "the message has more MIME parts than the limit",
	    "MIMEパートの数が上限を超えています" },
	{ "limit.part_size", 0, Q,
	    "a part is larger than the limit and was only partly examined",
	    "パートが上限より大きいため一部しか検査できません" },
	{ "limit.scan_time", 0, Q,
	    "scanning took longer than the time limit",
	    "検査時間が上限を超えました" },
	{ "limit.url_count", 0, Q,
	    "the message has more links than the limit; the rest were not "
	    "checked",
	    "リンクの数が上限を超えたため一部を検査できません" },
	{ "limit.url_length", 0, Q,
	    "a link is longer than the limit and was only partly checked",
	    "リンクが上限より長いため一部しか検査できません" },
	{ "mime.ambiguous", 3, N,
	    "the message's structure can be read in more than one way",
	    "メールの構造が複数の解釈を許す不正な形式です" },
	{ "office.dde", 20, Q,
	    "an Office document contains a DDE field or link, which can run a command when the document is opened",
	    "Office文書にDDEフィールドまたはDDEリンクがあり、開いた時にコマンドを実行できます" },
	{ "office.encrypted", 0, Q,
	    "a password-protected (encrypted) Office document could not be inspected",
	    "パスワード付き(暗号化された)Office文書のため中身を検査できません" },
	{ "office.external_template", 10, VERDICT_TAG,
	    "an Office document fetches a template or object from another machine when it is opened (remote template injection)",
	    "Office文書が開かれた時に外部のテンプレートやオブジェクトを取得します(リモートテンプレート攻撃)" },
	{ "office.macro", 20, Q,
	    "an Office document contains macros (VBA) or is of a macro-enabled type",
	    "Office文書にマクロ(VBA)が含まれているか、マクロ有効形式です" },
	{ "office.ole_object", 10, N,
	    "a document contains an embedded OLE object (a packaged file, an Equation Editor object, an RTF object)",
	    "文書に埋め込みOLEオブジェクト(パッケージ化されたファイル、数式エディタ、RTFオブジェクト)が含まれています" },
	{ "office.xlm_macro", 20, Q,
	    "an Excel document contains an Excel 4.0 (XLM) macro sheet",
	    "Excel文書にExcel 4.0マクロシート(XLM)が含まれています" },
	{ "pdf.auto_action", 5, N,
	    "a PDF runs an action by itself when it is opened or used (/OpenAction, /AA)",
	    "PDFを開いた時や操作した時に自動でアクションを実行します(/OpenAction, /AA)" },
	{ "pdf.embedded_file", 5, N,
	    "a PDF carries an embedded file",
	    "PDFにファイルが埋め込まれています" },
	{ "pdf.encrypted", 3, N,
	    "a PDF is encrypted, so its content and links could not be inspected",
	    "PDFが暗号化されているため、中身とリンクを検査できません" },
	{ "pdf.javascript", 10, VERDICT_TAG,
	    "a PDF contains JavaScript",
	    "PDFにJavaScriptが含まれています" },
	{ "pdf.launch", 20, Q,
	    "a PDF contains a Launch action that runs a program or opens a file",
	    "PDFにプログラムの起動やファイルを開くアクション(/Launch)が含まれています" },
	{ "regex.name", 10, N,
	    "a file name matches one of the administrator's regular expressions",
	    "ファイル名が管理者の定めた正規表現に一致しました" },
	{ "regex.subject", 10, N,
	    "the subject matches one of the administrator's regular expressions",
	    "件名が管理者の定めた正規表現に一致しました" },
	{ "regex.url", 10, N,
	    "a link matches one of the administrator's regular expressions",
	    "リンクが管理者の定めた正規表現に一致しました" },
	{ "release.invalid_token", 20, Q,
	    "the message carries a release or notice mark that is forged or "
	    "already used",
	    "偽造または使用済みの解放・通知マークが付いています" },
	{ "sender.display_spoof", 15, Q,
	    "the sender's display name shows one of our protected addresses, "
	    "but the mail comes from another address",
	    "差出人の表示名は保護対象のアドレスを装っていますが、"
	    "実際の差出人は別のアドレスです" },
	{ "sender.lookalike", 20, Q,
	    "the sender's domain imitates one of our protected domains",
	    "差出人のドメインが保護対象のドメインになりすましています" },
	{ "svg.script", 20, Q,
	    "an SVG image contains script or event handlers",
	    "SVG画像にスクリプトまたはイベントハンドラが含まれています" },
	{ "url.blocklisted", 20, Q,
	    "a link points to a blocklisted site",
	    "リンク先が禁止リストのサイトです" },
	{ "url.data_uri", 10, N,
	    "a link carries its content inline as a data: URI",
	    "リンクがdata: URIで内容を直接埋め込んでいます" },
	{ "url.executable_target", 10, N,
	    "a link downloads a program or script",
	    "リンク先がプログラムやスクリプトのファイルです" },
	{ "url.homograph", 20, Q,
	    "a link's domain mixes alphabets or imitates a Latin name with "
	    "look-alike letters",
	    "リンク先のドメインが複数の文字体系を混在させるか、"
	    "似た文字で別の名前を装っています" },
	{ "url.ip_executable", 20, Q,
	    "a link downloads a program from a bare IP address",
	    "リンクがIPアドレスから直接プログラムをダウンロードさせます" },
	{ "url.ip_literal", 5, N,
	    "a link points to a bare IP address instead of a name",
	    "リンク先がドメイン名ではなくIPアドレスです" },
	{ "url.javascript", 10, N,
	    "a link runs script (javascript:)",
	    "リンクがスクリプト(javascript:)を実行します" },
	{ "url.lookalike", 20, Q,
	    "a link's domain imitates one of our protected domains",
	    "リンク先のドメインが保護対象のドメインになりすましています" },
	{ "url.nonstandard_port", 5, N,
	    "a link uses an unusual network port",
	    "リンクが通常と異なるポート番号を使っています" },
	{ "url.shortener", 5, N,
	    "a link goes through a URL shortener that hides its destination",
	    "リンクが行き先を隠す短縮URLサービスを経由しています" },
	{ "url.suspicious_tld", 5, N,
	    "a link points to a top-level domain often used for abuse",
	    "リンク先が悪用の多いトップレベルドメインです" },
	{ "url.text_mismatch", 20, Q,
	    "a link's visible text shows another site than the one it opens",
	    "リンクの表示文字列と実際のリンク先が別のサイトです" },
	{ "url.userinfo", 20, Q,
	    "a link hides its real destination behind a user@host trick",
	    "リンクが「ユーザー名@ホスト」の形で本当のリンク先を隠しています" },
};

int
rules_index(const char *id)
{
	size_t lo = 0, hi = sizeof(table) / sizeof(table[0]);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(id, table[mid].id);

		if (c == 0)
			return (int)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

const struct rule_def *
rules_table(size_t *n_r)
{
	*n_r = sizeof(table) / sizeof(table[0]);
	return table;
}
