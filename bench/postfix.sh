#!/bin/sh
# bench/postfix.sh: triage-milter against the protocol floor, through the
# same private Postfix, in one invocation (bench/README.md).
#
#   sh bench/postfix.sh [N] [C] [R]  (as root; default N=600 messages,
#                                     C=20 concurrent sessions, R=2 rounds)
#
# Four runs of the same mix: no milter; bench/nullmilter, the do-nothing
# milter, twice: with libmilter's default negotiation (an answer to every
# header and body chunk) and with -n (no answers but at end of message,
# the cheapest the protocol allows and what triage-milter negotiates);
# and triage-milter with the default policy.  Postfix's smtp-source
# sends, its smtp-sink receives.  Prints messages/s of each, the ratios
# triage/floor, the milters' CPU per message, triage-milter's peak RSS,
# and checks that every message was delivered or quarantined.  The milter
# runs are repeated R times in turn (floor, floor -n, triage, floor, ...)
# and each figure is summed over its rounds: on a shared machine one run
# moves by +-10%, and taking turns spreads what the neighbours do evenly.
set -u
N=${1:-600}
C=${2:-20}
R=${3:-2}
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
top_builddir=${top_builddir:-$top_srcdir/build}
export top_srcdir top_builddir BENCH_SINK=1
. "$top_srcdir/tests/integration/lib.sh"
[ -x "$top_builddir/bench/nullmilter" ] || { echo "run: make bench"; exit 2; }
command -v smtp-source >/dev/null || { echo "no smtp-source (postfix)"; exit 2; }

trap 'it_stop; kill ${NULL_PID:-} ${NR_PID:-} 2>/dev/null' EXIT
it_start || exit 1
postconf -c "$IT/etc" -e "default_process_limit = 200" \
    "smtpd_client_connection_count_limit = 0" "smtp_destination_concurrency_limit = 50"

# C messages of the mix, one per session (LF files: smtp-source adds CR).
python3 "$top_srcdir/bench/corpus.py" "$IT/corpus" "$C" >"$IT/log/corpus.txt"
PER=$(( (N + C - 1) / C )); N=$(( PER * C ))

# grep -c prints 0 (and fails) when nothing matches: keep its count only.
sent_lines() { n=$(grep -c 'status=sent' "$IT/log/maillog" 2>/dev/null); echo "${n:-0}"; }
discarded() { n=$(grep -c 'answer=discard' "$IT/log/milter.log" 2>/dev/null); echo "${n:-0}"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# The machine's busy and iowait ticks and all ticks, from /proc/stat.
sys_ticks() { awk '/^cpu / {print $2+$3+$4+$7+$8, $6, $2+$3+$4+$5+$6+$7+$8}' /proc/stat; }

run() { # name: send N messages, wait until all delivered or quarantined
	s0=$(sent_lines); d0=$(discarded)
	set -- "$1" "$2" $(sys_ticks)
	t0=$(date +%s.%N)
	pids=
	for f in "$IT"/corpus/*.eml; do
		smtp-source -s 1 -m "$PER" -F "$f" -f bench@supplier.example \
		    -t staff@hospital.example 127.0.0.1:"$SMTP_PORT" 2>>"$IT/log/source.log" &
		pids="$pids $!"
	done
	wait $pids	# not the sink and milters, which are children too
	i=0
	while [ $(( $(sent_lines) - s0 + $(discarded) - d0 )) -lt "$N" ] && [ $i -lt 6000 ]; do
		sleep 0.1; i=$((i + 1))
	done
	t1=$(date +%s.%N)
	set -- "$@" $(sys_ticks)
	busy=$(awk "BEGIN { printf \"%.0f%% busy, %.0f%% iowait, %.1f ms per message\", 100 * ($6 - $3) / ($8 - $5), 100 * ($7 - $4) / ($8 - $5), ($6 - $3) / $(getconf CLK_TCK) / $N * 1000 }")
	got=$(( $(sent_lines) - s0 + $(discarded) - d0 ))
	rate=$(awk "BEGIN { print $N / ($t1 - $t0) }")
	printf '%-14s %5d messages in %6.2f s: %7.1f msg/s (delivered+quarantined %d; CPUs %s)\n' \
	    "$1" "$N" "$(awk "BEGIN { print $t1 - $t0 }")" "$rate" "$got" "$busy"
	[ "$got" = "$N" ] || echo "  MISSING $(( N - got )) messages"
	eval "sec_$2=\$(awk \"BEGIN { print \${sec_$2:-0} + $t1 - $t0 }\")"
	eval "msgs_$2=\$(( \${msgs_$2:-0} + N ))"
}

# mrun NAME VAR PID: a run through milter PID; its CPU ticks add to cpu_VAR.
mrun() {
	k0=$(cpu_ticks "$3")
	run "$1" "$2"
	eval "cpu_$2=\$(( \${cpu_$2:-0} + $(cpu_ticks "$3") - k0 ))"
}

rate() { eval "awk \"BEGIN { print \$msgs_$1 / \$sec_$1 }\""; }
ms_per_msg() { eval "awk \"BEGIN { printf \\\"%.2f\\\", \$cpu_$1 / $(getconf CLK_TCK) / \$msgs_$1 * 1000 }\""; }

set_milter() { # port or ""
	if [ -n "$1" ]; then
		postconf -c "$IT/etc" -e "smtpd_milters = inet:127.0.0.1:$1"
	else
		postconf -c "$IT/etc" -e "smtpd_milters ="
	fi
	postfix -c "$IT/etc" reload >/dev/null 2>&1; sleep 2
}

echo "bench/postfix: $N messages of the mix over $C sessions ($(cat "$IT/log/corpus.txt"))"
set_milter ""
run "no milter" none
NULL_PORT=$(free_port); NR_PORT=$(free_port)
"$top_builddir/bench/nullmilter" "inet:$NULL_PORT@127.0.0.1" >/dev/null 2>&1 &
NULL_PID=$!
"$top_builddir/bench/nullmilter" -n "inet:$NR_PORT@127.0.0.1" >/dev/null 2>&1 &
NR_PID=$!; sleep 0.5
r=0
while [ $r -lt "$R" ]; do
	r=$((r + 1))
	set_milter "$NULL_PORT"; mrun "nullmilter" null "$NULL_PID"
	set_milter "$NR_PORT"; mrun "nullmilter -n" nr "$NR_PID"
	set_milter "$MILTER_PORT"; mrun "triage-milter" triage "$MILTER_PID"
done
echo "sums over $R rounds: nullmilter $(rate null) msg/s, nullmilter -n $(rate nr) msg/s, triage-milter $(rate triage) msg/s"
awk "BEGIN { printf \"ratio triage/nullmilter: %.3f; triage/nullmilter -n: %.3f (no milter/nullmilter: %.3f)\\n\", $(rate triage) / $(rate null), $(rate triage) / $(rate nr), $(rate none) / $(rate null) }"
echo "CPU per message: triage-milter $(ms_per_msg triage) ms, nullmilter $(ms_per_msg null) ms, nullmilter -n $(ms_per_msg nr) ms"
echo "triage-milter peak RSS: $(awk '/VmHWM/ {print $2 / 1024 " MiB"}' /proc/$MILTER_PID/status)"
