#!/bin/sh
# Replay every fuzz corpus through its target (built without libFuzzer).
# A crash, a sanitizer report or an invariant abort fails the test.
: "${top_srcdir:=.}" "${top_builddir:=.}"
fail=0
for t in mime decode policy html unpack urlx office pdf; do
	bin="$top_builddir/tests/fuzz/replay_$t"
	dir="$top_srcdir/tests/fuzz/corpus/$t"
	if [ ! -x "$bin" ]; then
		echo "missing $bin"; fail=1; continue
	fi
	printf '%s: ' "$t"
	"$bin" "$dir" || fail=1
done
exit $fail
