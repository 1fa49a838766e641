#!/bin/sh
# triagectl's command-line contract: exit statuses, JSON lines, errors.
: "${top_srcdir:=.}" "${top_builddir:=.}"
ctl="$top_builddir/triagectl"
pol="$top_srcdir/policy"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok: $1"; }
ko() { fail=$((fail + 1)); echo "FAIL: $1"; }
check() { # name expected-status command...
	name=$1 want=$2; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"; got=$?
	if [ "$got" = "$want" ]; then ok "$name"; else
		ko "$name (exit $got, want $want)"; cat "$tmp/out" "$tmp/err"; fi
}

printf 'From: a@example.jp\nSubject: hi\n\nhello\n' >"$tmp/clean.eml"
printf 'From: a@example.jp\nSubject: x\nContent-Type: application/octet-stream; name="a.exe"\n\nMZ\n' >"$tmp/bad.eml"

check "policy check OK" 0 "$ctl" policy check "$pol"
grep -qx 'policy OK' "$tmp/out" && ok "prints policy OK" || ko "prints policy OK"

mkdir "$tmp/badpol"
printf 'max_mime_depth = 9999\nno_such_setting = 1\ntag_threshold = x\n' >"$tmp/badpol/triage.conf"
check "policy check broken" 1 "$ctl" policy check "$tmp/badpol"
n=$(grep -c "triage.conf:[0-9]*: " "$tmp/err")
[ "$n" = 3 ] && ok "all three errors with file:line" || { ko "all three errors ($n)"; cat "$tmp/err"; }
grep -q "triage.conf:2: " "$tmp/err" && ok "line number" || ko "line number"

check "scan clean exits 0" 0 "$ctl" scan --policy "$pol" --json "$tmp/clean.eml"
python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read()); assert d["verdict"]=="accept" and d["file"].endswith("clean.eml") and d["findings"]==[] and len(d["parts"])==1, d' "$tmp/out" \
	&& ok "clean JSON" || ko "clean JSON"

check "scan bad exits 1" 1 "$ctl" scan --policy "$pol" --json "$tmp/clean.eml" "$tmp/bad.eml"
[ "$(wc -l <"$tmp/out")" = 2 ] && ok "one JSON line per message" || ko "one JSON line per message"
python3 -c 'import json,sys; l=[json.loads(x) for x in open(sys.argv[1])]; assert l[1]["verdict"]=="quarantine"; assert "attachment.blocked_extension" in [f["rule"] for f in l[1]["findings"]]' "$tmp/out" \
	&& ok "bad JSON" || ko "bad JSON"

check "scan stdin" 0 sh -c "\"$ctl\" scan --policy \"$pol\" - <\"$tmp/clean.eml\""
grep -q '^-: accept' "$tmp/out" && ok "text output" || ko "text output"

check "unreadable input exits 2" 2 "$ctl" scan --policy "$pol" "$tmp/missing.eml"
grep -q "missing.eml: cannot open" "$tmp/err" && ok "clear message" || ko "clear message"
check "bad policy exits 2" 2 "$ctl" scan --policy "$tmp/badpol" "$tmp/clean.eml"
check "no file exits 2" 2 "$ctl" scan --policy "$pol"
check "unknown command exits 2" 2 "$ctl" frobnicate

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
