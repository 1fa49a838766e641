#!/bin/sh
# End to end: triagectl quarantine (import, list, show, export, release,
# delete, purge, audit, init-key) and triagectl stats, against a private
# policy and database, with a fake sendmail that records its argv and
# stdin.  Exit: 0 pass, 1 fail, 77 skip (no python3 for JSON and SQL).
: "${top_srcdir:=.}" "${top_builddir:=.}"
ctl="$top_builddir/triagectl"
[ -x "$ctl" ] || { echo "SKIP: no $ctl"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
tmp=$(mktemp -d) || exit 99
trap '[ -n "$KEEP" ] || rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok: $1"; }
ko() { fail=$((fail + 1)); echo "FAIL: $1"; }
check() { # name expected-status command...
	name=$1 want=$2; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"; got=$?
	if [ "$got" = "$want" ]; then ok "$name"; else
		ko "$name (exit $got, want $want)"; cat "$tmp/out" "$tmp/err"; fi
}
has() { # name file fixed-string
	if grep -qF -- "$3" "$2"; then ok "$1"; else
		ko "$1: no '$3' in"; cat "$2"; fi
}
hasnt() {
	if grep -qF -- "$3" "$2"; then ko "$1: '$3' in"; cat "$2"; else
		ok "$1"; fi
}
py() { python3 -c "$@"; }

# ---- a private policy, database and sendmail ------------------------
cp -R "$top_srcdir/policy" "$tmp/pol" && chmod -R u+w "$tmp/pol" || exit 99
sed -i -E '/^(quarantine_dir|sendmail_path|release_key_file)[[:space:]]*=/d' \
	"$tmp/pol/triage.conf"
cat >>"$tmp/pol/triage.conf" <<EOF
quarantine_dir = $tmp/q
sendmail_path = $tmp/sendmail
release_key_file = $tmp/release.key
EOF
cat >"$tmp/sendmail" <<EOF
#!/bin/sh
printf '%s\n' "\$@" >"$tmp/sm.argv"
cat >"$tmp/sm.in"
exit \$(cat "$tmp/sm.exit" 2>/dev/null || echo 0)
EOF
chmod 755 "$tmp/sendmail"
Q="$ctl quarantine --policy $tmp/pol"

crlf() { sed 's/$/\r/'; }
# m1 and m3: the same executable attachment from the same domain (a
# campaign); a link to an IP address; a subject in ISO-2022-JP.
mk_exe() { # file to
	crlf >"$1" <<EOF
From: "Billing" <billing@evil.example>
To: $2
Subject: =?ISO-2022-JP?B?GyRCQEE1YT1xGyhC?=
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=us-ascii

Please see http://203.0.113.9/invoice now.
--b1
Content-Type: application/pdf; name="invoice.pdf.exe"
Content-Transfer-Encoding: base64

TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
AAAAAAAAgAAAAA==
--b1--
EOF
}
mk_exe "$tmp/m1.eml" "a@hospital.example.jp"
mk_exe "$tmp/m3.eml" "c@hospital.example.jp"
# m2: LF line ends, an escape sequence in the subject.
printf 'From: x@other.example\nSubject: hi \033[31mred\nTo: b@hospital.example.jp\n\nbody http://phish.example/login\n' >"$tmp/m2.eml"

# ---- init-key, import ------------------------------------------------
check "init-key creates" 0 $Q init-key
[ "$(stat -c %a "$tmp/release.key")" = 600 ] && ok "key is 0600" || ko "key is 0600"
check "init-key again keeps it" 0 $Q init-key
has "init-key says so" "$tmp/out" "exists"
check "list before any database" 2 $Q list
has "no database message" "$tmp/err" "no such database"
check "import m1" 0 $Q import "$tmp/m1.eml" --to a@hospital.example.jp,b@hospital.example.jp --reason "test import"
[ "$(cat "$tmp/out")" = 1 ] && ok "import prints id 1" || ko "import prints id 1"
check "import m2" 0 $Q import "$tmp/m2.eml" --from "" --to b@hospital.example.jp --verdict quarantine
check "import m3" 0 $Q import "$tmp/m3.eml" --to c@hospital.example.jp
check "import bad verdict" 2 $Q import "$tmp/m3.eml" --verdict maybe

# ---- list ------------------------------------------------------------
check "list" 0 env COLUMNS=100 $Q list
has "list header" "$tmp/out" "SUBJECT"
has "list count" "$tmp/out" "3 messages"
has "subject decoded to UTF-8" "$tmp/out" "請求書"
has "escape escaped" "$tmp/out" '\x1b[31mred'
if grep -q "$(printf '\033')" "$tmp/out"; then ko "no raw ESC"; else ok "no raw ESC"; fi
py '
import sys, unicodedata
w = max(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l.rstrip("\n"))
        for l in open(sys.argv[1], encoding="utf-8"))
assert w <= 100, w
' "$tmp/out" && ok "rows fit 100 columns" || ko "rows fit 100 columns"
check "list --json" 0 $Q list --json
py 'import json,sys; l=[json.loads(x) for x in open(sys.argv[1])]; assert [d["id"] for d in l]==[3,2,1], l; assert l[2]["rcpts"]==["a@hospital.example.jp","b@hospital.example.jp"]; assert l[2]["subject"]=="請求書"; assert l[1]["from"]=="" and l[0]["status"]=="held"' "$tmp/out" \
	&& ok "list JSON lines, newest first" || ko "list JSON lines"
check "list --sender glob" 0 $Q list --json --sender '*@EVIL.example'
[ "$(wc -l <"$tmp/out")" = 2 ] && ok "sender glob matches 2" || ko "sender glob matches 2"
check "list --rcpt substring" 0 $Q list --json --rcpt c@hospital
py 'import json,sys; l=[json.loads(x) for x in open(sys.argv[1])]; assert [d["id"] for d in l]==[3]' "$tmp/out" \
	&& ok "rcpt substring" || ko "rcpt substring"
rule=$(py 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["rules"][0])' "$tmp/out")
check "list --rule" 0 $Q list --json --rule "$rule"
py 'import json,sys; l=[json.loads(x) for x in open(sys.argv[1])]; assert len(l)>=1 and all(sys.argv[2] in d["rules"] for d in l)' "$tmp/out" "$rule" \
	&& ok "rule filter" || ko "rule filter"
check "list --limit 1 --since 1h" 0 $Q list --json --limit 1 --since 1h
[ "$(wc -l <"$tmp/out")" = 1 ] && ok "limit" || ko "limit"
check "list --since junk" 2 $Q list --since 2days
has "duration error" "$tmp/err" "not a duration"
check "list unknown option" 2 $Q list --frobnicate

# ---- show ------------------------------------------------------------
check "show 1" 0 $Q show 1
has "show defangs URL" "$tmp/out" "hxxp://203[.]0[.]113[.]9/invoice"
hasnt "show no live URL" "$tmp/out" "http://203.0.113.9"
has "show part name" "$tmp/out" "invoice.pdf.exe"
has "show sha256" "$tmp/out" "sha256 "
has "show envelope" "$tmp/out" "billing@evil.example"
has "show audit" "$tmp/out" "import"
check "show --json" 0 $Q show 1 --json
py 'import json,sys; d=json.loads(open(sys.argv[1]).read()); assert d["id"]==1 and d["urls"][0]["url"].startswith("hxxp://203[.]0"), d["urls"]; assert d["urls"][0]["original"]=="http://203.0.113.9/invoice."[:len(d["urls"][0]["original"])]; assert any(p.get("name")=="invoice.pdf.exe" and len(p["sha256"])==64 for p in d["parts"]); assert d["findings"] and d["audit"][0]["action"]=="import"' "$tmp/out" \
	&& ok "show JSON" || { ko "show JSON"; cat "$tmp/out"; }
check "show unknown" 1 $Q show 999
has "unknown id message" "$tmp/err" "no quarantined message 999"
check "show bad id" 2 $Q show 12abc

# ---- export ----------------------------------------------------------
check "export -o" 0 $Q export 1 -o "$tmp/x1.eml"
cmp -s "$tmp/m1.eml" "$tmp/x1.eml" && ok "export byte for byte" || ko "export byte for byte"
check "export to a pipe" 0 sh -c "$Q export 2 --reason 'for CSIRT' | cat >'$tmp/x2.eml'"
cmp -s "$tmp/m2.eml" "$tmp/x2.eml" && ok "export LF message" || ko "export LF message"
check "export never overwrites" 2 $Q export 1 -o "$tmp/x1.eml"
check "export unknown" 1 $Q export 77 -o "$tmp/x77.eml"

# ---- release ---------------------------------------------------------
check "release needs a reason" 2 $Q release 1
check "release rejects control chars" 2 $Q release 1 --reason "$(printf 'a\tb')"
check "release 1" 0 env SUDO_USER=dr.sato $Q release 1 --reason "confirmed by phone"
has "release says to whom" "$tmp/out" "a@hospital.example.jp, b@hospital.example.jp"
[ "$(tr '\n' ' ' <"$tmp/sm.argv")" = "-i -f billing@evil.example -- a@hospital.example.jp b@hospital.example.jp " ] \
	&& ok "sendmail argv: original envelope" || { ko "sendmail argv"; cat "$tmp/sm.argv"; }
py '
import hashlib, hmac, sys
key = open(sys.argv[1], "rb").read()
data = open(sys.argv[2], "rb").read()
first, rest = data.split(b"\n", 1)
assert rest == open(sys.argv[3], "rb").read(), "message changed"
assert first.endswith(b"\r"), "header line ending differs"
name, value = first.rstrip(b"\r").decode().split(": ", 1)
assert name == "X-Triage-Release", name
mid, tok = value.split("; t=")
body = rest.replace(b"\r", b"")
body = body[body.index(b"\n\n") + 2:]
want = hmac.new(key, ("release:%s:%s" % (mid, hashlib.sha256(body).hexdigest())).encode(), hashlib.sha256).hexdigest()
assert mid == "1" and tok == want, (mid, tok, want)
' "$tmp/release.key" "$tmp/sm.in" "$tmp/m1.eml" && ok "X-Triage-Release token verifies" || ko "X-Triage-Release token"
check "release twice" 1 $Q release 1 --reason again
has "already released" "$tmp/err" "already released"
check "release --force" 0 $Q release 1 --reason again --force
echo 75 >"$tmp/sm.exit"
check "release with failing sendmail" 1 $Q release 2 --reason "looks fine"
has "failure is explained" "$tmp/err" "exit status 75"
has "nothing lost" "$tmp/err" "stays quarantined"
check "still held" 0 $Q list --json --status held
py 'import json,sys; l=[json.loads(x) for x in open(sys.argv[1])]; assert 2 in [d["id"] for d in l]' "$tmp/out" \
	&& ok "failed release stays held" || ko "failed release stays held"
echo 0 >"$tmp/sm.exit"
check "release --to" 0 $Q release 2 --reason "to the admin" --to postmaster@hospital.example.jp
[ "$(tr '\n' ' ' <"$tmp/sm.argv")" = "-i -f <> -- postmaster@hospital.example.jp " ] \
	&& ok "null sender and --to" || { ko "null sender and --to"; cat "$tmp/sm.argv"; }
head -1 "$tmp/sm.in" | grep -q "^X-Triage-Release: 2; t=[0-9a-f]\{64\}$" \
	&& ok "LF message gets an LF header" || ko "LF header"
check "release unknown" 1 $Q release 99 --reason x
check "release --to one address" 2 $Q release 2 --reason x --to "a@b,c@d" --force
chmod 644 "$tmp/release.key"
check "world-readable key refused" 2 $Q release 3 --reason x
has "key error" "$tmp/err" "release key"
chmod 600 "$tmp/release.key"

# ---- delete, purge ---------------------------------------------------
check "delete needs a reason" 2 $Q delete 3
check "delete 3" 0 $Q delete 3 --reason "phishing, reported"
check "show deleted" 0 $Q show 3
has "status deleted" "$tmp/out" "deleted"
has "findings kept" "$tmp/out" "invoice.pdf.exe"
check "export deleted" 1 $Q export 3 -o "$tmp/x3.eml"
check "delete twice" 1 $Q delete 3 --reason again
check "release deleted" 1 $Q release 3 --reason x --force

# ---- audit -----------------------------------------------------------
check "audit" 0 $Q audit
for a in import export release release-failed delete; do
	has "audit has $a" "$tmp/out" " $a "
done
has "audit has SUDO_USER" "$tmp/out" "(sudo: dr.sato)"
has "audit has the reason" "$tmp/out" "confirmed by phone"
check "audit --json --id 2" 0 $Q audit --json --id 2
py 'import json,sys; l=[json.loads(x) for x in open(sys.argv[1])]; a=[d["action"] for d in l]; assert a[0]=="import" and "release-failed" in a and a[-1]=="release", a; assert all(d["message"]==2 and isinstance(d["uid"],int) and d["user"] for d in l)' "$tmp/out" \
	&& ok "audit JSON" || { ko "audit JSON"; cat "$tmp/out"; }

# ---- stats -----------------------------------------------------------
py 'import sqlite3,sys,time; db=sqlite3.connect(sys.argv[1]); d=time.strftime("%Y-%m-%d"); db.executemany("INSERT INTO counters VALUES (?,?,?)", [(d,"verdict:accept",120),(d,"verdict:quarantine",3),(d,"rule:attachment.executable",2),(d,"sender_domain:evil.example",2)]); db.commit()' "$tmp/q/quarantine.db" \
	|| ko "insert counters"
check "stats" 0 $ctl stats --policy "$tmp/pol" --since 1d
has "stats counters" "$tmp/out" "accept"
has "stats quarantine" "$tmp/out" "Quarantine: 3 messages"
has "stats campaign" "$tmp/out" "evil.example  attachment sha256"
check "stats --json" 0 $ctl stats --dir "$tmp/q" --json --since 2d
py 'import json,sys; d=json.loads(open(sys.argv[1]).read()); assert d["counters"]["verdicts"]["accept"]==120; assert d["quarantine"]["total"]==3 and d["quarantine"]["status"]=={"released":2,"deleted":1}, d["quarantine"]; c=d["campaigns"]; assert len(c)==1 and c[0]["n"]==2 and c[0]["sender_domain"]=="evil.example" and c[0]["kind"]=="sha256", c' "$tmp/out" \
	&& ok "stats JSON" || { ko "stats JSON"; cat "$tmp/out"; }
check "stats bad since" 2 $ctl stats --dir "$tmp/q" --since x

# ---- purge -----------------------------------------------------------
check "purge needs --older-than" 2 $Q purge
check "purge nothing" 0 $Q purge --older-than 30d
has "purged 0" "$tmp/out" "purged 0 messages"
py 'import sqlite3,sys; db=sqlite3.connect(sys.argv[1]); db.execute("UPDATE messages SET created = created - 40*86400 WHERE id = 2"); db.commit()' "$tmp/q/quarantine.db"
check "purge old" 0 $Q purge --older-than 30d --reason retention
has "purged 1" "$tmp/out" "purged 1 message "
check "purged is gone" 1 $Q show 2
check "audit keeps purge" 0 $Q audit --json --limit 1
py 'import json,sys; d=json.loads(open(sys.argv[1]).read()); assert d["action"]=="purge" and "1 message" in d["detail"], d' "$tmp/out" \
	&& ok "purge audited" || ko "purge audited"

# ---- errors: locked, permission, old schema --------------------------
py '
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(9)
' "$tmp/q/quarantine.db" "$tmp/locked" &
lockpid=$!
n=0; while [ ! -f "$tmp/locked" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
t0=$(date +%s)
check "locked database" 2 $Q delete 1 --reason x
t1=$(date +%s)
has "locked message" "$tmp/err" "database is locked"
[ $((t1 - t0)) -ge 4 ] && [ $((t1 - t0)) -le 8 ] && ok "waited about 5 s" || ko "waited about 5 s ($((t1 - t0)))"
kill "$lockpid" 2>/dev/null; wait "$lockpid" 2>/dev/null

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	chmod 711 "$tmp"
	chmod 750 "$tmp/q"
	check "permission denied" 2 setpriv --reuid=65534 --regid=65534 \
	    --clear-groups "$ctl" quarantine --dir "$tmp/q" list
	has "permission message" "$tmp/err" "permission denied (run as root or a member of the quarantine group)"
	# A member of the group may read, not change.
	chgrp -R 65534 "$tmp/q" && chmod 640 "$tmp/q"/quarantine.db*
	asgroup() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	check "group member lists" 0 asgroup "$ctl" quarantine --dir "$tmp/q" list --json
	check "group member shows" 0 asgroup "$ctl" quarantine --dir "$tmp/q" show 1
	check "group member cannot delete" 2 asgroup "$ctl" quarantine --dir "$tmp/q" delete 1 --reason x
	has "read-only explained" "$tmp/err" "read-only for this user"
	chgrp -R 0 "$tmp/q"
else
	echo "skip: permission test needs root and setpriv"
fi

mkdir "$tmp/old"
cat >"$tmp/v1.py" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("""
CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT,
 created INTEGER NOT NULL, msgid TEXT NOT NULL, qid TEXT, client_addr TEXT,
 client_name TEXT, helo TEXT, env_from TEXT, rcpts TEXT, hdr_from TEXT,
 subject TEXT, verdict TEXT NOT NULL, score INTEGER NOT NULL, rules TEXT,
 report TEXT, size INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'held');
CREATE TABLE bodies (id INTEGER PRIMARY KEY REFERENCES messages(id),
 raw BLOB NOT NULL);
CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL,
 action TEXT NOT NULL, message INTEGER, uid INTEGER, user TEXT,
 sudo_user TEXT, reason TEXT);
PRAGMA user_version = 1;
INSERT INTO messages (created, msgid, env_from, rcpts, verdict, score,
 report, size) VALUES (strftime('%s', 'now'), 'v1', '<a@b.example>',
 '<c@d.example>', 'quarantine', 50, '{}', 9);
INSERT INTO bodies VALUES (1, CAST('A: b' || char(10) || char(10) || 'xyz'
 AS BLOB));
""")
db.commit()
EOF
python3 "$tmp/v1.py" "$tmp/old/quarantine.db"
check "old schema upgraded" 0 $ctl quarantine --dir "$tmp/old" list --json
py 'import json,sys; d=json.loads(open(sys.argv[1]).read()); assert d["msgid"]=="v1"' "$tmp/out" \
	&& ok "old rows kept" || ko "old rows kept"
[ "$(py 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version").fetchone()[0])' "$tmp/old/quarantine.db")" = 3 ] \
	&& ok "schema version 3" || ko "schema version 3"
check "unknown command" 2 $Q frobnicate

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
