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
	{ "attachment.bidi_control", 20, Q,
	    "a file name contains bidirectional control characters (RTLO trick)",
	    "ファイル名に表示順を入れ替える制御文字(RTLO)が含まれています" },
	{ "attachment.blocked_extension", 20, Q,
	    "a file name has an extension on the blocked list",
	    "ファイル名の拡張子が禁止リストに含まれています" },
	{ "attachment.double_extension", 10, N,
	    "a file name hides its real extension behind a harmless-looking one",
	    "ファイル名が二重拡張子で本当の種類を隠しています" },
	{ "attachment.executable", 20, Q,
	    "an attachment is an executable program",
	    "添付ファイルが実行形式プログラムです" },
	{ "attachment.hash_blocklisted", 100, Q,
	    "an attachment matches a known-bad hash",
	    "添付ファイルが既知の悪性ファイルのハッシュと一致しました" },
	{ "attachment.type_mismatch", 5, N,
	    "an attachment's content does not match its name or declared type",
	    "添付ファイルの中身が名前または宣言された種類と一致しません" },
	{ "attachment.zero_width", 10, N,
	    "a file name contains invisible zero-width characters",
	    "ファイル名に見えない文字(ゼロ幅文字)が含まれています" },
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
	{ "mime.ambiguous", 3, N,
	    "the message's structure can be read in more than one way",
	    "メールの構造が複数の解釈を許す不正な形式です" },
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
