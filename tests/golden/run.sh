#!/bin/sh
# golden: scan the generated message corpus with triagectl and compare the
# verdict and the set of rule ids of each message with its expectation.
#
#   run.sh            compare; exit 0 all pass, 1 any fail, 77 skip
#   run.sh --update   rewrite expected/*.expect from the current output,
#                     for a human after reviewing every difference (never
#                     used by make check)
#
# gen.py writes the messages into a fresh directory under
# $top_builddir/tests/golden/out (removed when everything passes, kept for
# inspection otherwise).  expected/NAME.expect holds two lines:
#   verdict: accept|tag|quarantine|reject
#   rules: sorted,distinct,rule.ids   (nothing after "rules:" if none)
# Besides the comparison, each result is checked against the scan --json
# contract: one JSON object, exit status 0 iff accepted, and the score
# equal to the sum of the distinct rule ids' scores.
#
# Environment: top_srcdir and top_builddir (set by make check; default:
# the source tree holding this script, and the current directory).

set -u

update=0
case "${1-}" in
--update)
	update=1 ;;
"")
	;;
*)
	echo "usage: $0 [--update]" >&2
	exit 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd) || exit 1
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
gold=$top_srcdir/tests/golden
ctl=$top_builddir/triagectl
policy=$top_srcdir/policy

if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: python3 not found"
	exit 77
fi
if [ ! -x "$ctl" ]; then
	echo "FAIL: $ctl is not built"
	echo "0 passed, 1 failed"
	exit 1
fi
tmo=
if command -v timeout >/dev/null 2>&1; then
	tmo="timeout 120"
fi

# A broken policy would fail every message the same way: say it once.
if ! "$ctl" policy check "$policy" >/dev/null 2>"$top_builddir/golden-policy.err"
then
	echo "FAIL policy: $policy does not load:"
	head -n 20 "$top_builddir/golden-policy.err"
	rm -f "$top_builddir/golden-policy.err"
	echo "0 passed, 1 failed"
	exit 1
fi
rm -f "$top_builddir/golden-policy.err"

outroot=$top_builddir/tests/golden/out
mkdir -p "$outroot" || exit 1
tmp=$(mktemp -d "$outroot/run.XXXXXX") || exit 1
trap 'exit 1' HUP INT TERM

if ! python3 "$gold/gen.py" "$tmp/eml"; then
	echo "FAIL: gen.py failed"
	echo "0 passed, 1 failed"
	exit 1
fi

# Reads triagectl's stdout (argv[1]) and exit status (argv[2]); prints the
# canonical two expectation lines, or one line "error: why" and exits 1.
judge='
import json, sys

def die(why):
    print("error: " + why)
    sys.exit(1)

status = int(sys.argv[2])
with open(sys.argv[1], "rb") as f:
    lines = [l for l in f.read().decode("utf-8", "replace").splitlines()
             if l.strip()]
if status == 124:
    die("timed out")
if status > 2:
    die("triagectl died (exit status %d)" % status)
if status == 2:
    die("triagectl reported an error (exit status 2)")
if len(lines) != 1:
    die("%d output lines, want one JSON object" % len(lines))
try:
    obj = json.loads(lines[0])
except ValueError as e:
    die("invalid JSON: %s" % e)
if not isinstance(obj, dict):
    die("output is not a JSON object")
verdict = obj.get("verdict")
if verdict not in ("accept", "tag", "quarantine", "reject"):
    die("bad verdict %r" % (verdict,))
rules, total = {}, 0
for f in obj.get("findings") or []:
    rid = f.get("rule") if isinstance(f, dict) else None
    if not isinstance(rid, str):
        die("finding without a rule id")
    if rid not in rules:
        rules[rid] = f.get("score")
        if isinstance(f.get("score"), int):
            total += f["score"]
ids = set(rules)
for u in obj.get("urls") or []:
    for rid in (u.get("rules") or []) if isinstance(u, dict) else []:
        ids.add(str(rid))
want_status = 0 if verdict == "accept" else 1
if status != want_status:
    die("exit status %d for verdict %s" % (status, verdict))
if isinstance(obj.get("score"), int) and obj["score"] != total:
    die("score %d is not the sum %d of the distinct rules" %
        (obj["score"], total))
print("verdict: " + verdict)
print(("rules: " + ",".join(sorted(ids))).rstrip())
'

# "verdict: X" + "rules: a,b" -> "X [a,b]" for one-line messages.
brief() {
	sed -e 's/[[:space:]]*$//' "$1" | awk '
		/^verdict:/ { v = $2 }
		/^rules:/ { r = $2 }
		END { printf "%s [%s]", v, r }'
}

pass=0
fail=0
for eml in "$tmp"/eml/*.eml; do
	name=$(basename "$eml" .eml)
	exp=$gold/expected/$name.expect
	$tmo "$ctl" scan --policy "$policy" --json "$eml" \
	    >"$tmp/$name.json" 2>"$tmp/$name.err"
	st=$?
	if ! python3 -c "$judge" "$tmp/$name.json" "$st" >"$tmp/$name.got"
	then
		fail=$((fail + 1))
		why=$(cat "$tmp/$name.got")
		err=$(head -c 300 "$tmp/$name.err" | tr '\n' ' ')
		echo "FAIL $name: ${why#error: }${err:+; stderr: $err}"
		continue
	fi
	if [ "$update" = 1 ]; then
		if [ ! -f "$exp" ] || ! cmp -s "$tmp/$name.got" "$exp"; then
			cp "$tmp/$name.got" "$exp" || exit 1
			echo "UPDATED $name: $(brief "$tmp/$name.got")"
		fi
		pass=$((pass + 1))
	elif [ ! -f "$exp" ]; then
		fail=$((fail + 1))
		echo "FAIL $name: no expected/$name.expect," \
		    "got $(brief "$tmp/$name.got")"
	elif [ "$(brief "$exp")" = "$(brief "$tmp/$name.got")" ]; then
		pass=$((pass + 1))
		echo "PASS $name"
	else
		fail=$((fail + 1))
		echo "FAIL $name: expected $(brief "$exp")," \
		    "got $(brief "$tmp/$name.got")"
	fi
done

# An expectation whose message gen.py no longer makes is a failure too.
for exp in "$gold"/expected/*.expect; do
	[ -f "$exp" ] || continue
	name=$(basename "$exp" .expect)
	if [ ! -f "$tmp/eml/$name.eml" ]; then
		fail=$((fail + 1))
		echo "FAIL $name: expected/$name.expect has no message in gen.py"
	fi
done

if [ "$fail" -eq 0 ]; then
	rm -rf "$tmp"
	rmdir "$outroot" 2>/dev/null
else
	echo "messages and outputs kept in $tmp"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
