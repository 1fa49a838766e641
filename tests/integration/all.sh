#!/bin/sh
# Every integration test script, each with its own private Postfix; one
# closing "N passed, N failed" line over all of them.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir/build}"
export top_srcdir top_builddir
p=0 f=0 skipped=0
for t in run workflow fault; do
	echo "== tests/integration/$t.sh"
	out=$(sh "$top_srcdir/tests/integration/$t.sh" 2>&1); st=$?
	printf '%s\n' "$out"
	[ $st = 77 ] && { skipped=$((skipped + 1)); continue; }
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -1)
	if [ -z "$line" ]; then f=$((f + 1)); continue; fi
	p=$((p + ${line%% passed*})); x=${line#*passed, }; f=$((f + ${x%% failed*}))
	[ $st = 0 ] || [ "${x%% failed*}" != 0 ] || f=$((f + 1))
done
[ $skipped = 3 ] && { echo "SKIP: integration tests need root and postfix"; exit 77; }
echo "$p passed, $f failed"
[ $f = 0 ]
