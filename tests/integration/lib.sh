# Shared helpers of the integration tests: a private Postfix on loopback
# with triage-milter and a capture sink.  Source it; then call it_start.
# Everything lives under $IT (a temporary directory in the build tree) and
# is stopped by it_stop, which the caller runs from an EXIT trap.
#
# Needs: root (Postfix's master runs as root), Debian's postfix package,
# swaks, python3.  Uses only 127.0.0.1 and free ports it picks itself.

: "${top_srcdir:?}" "${top_builddir:?}"
MILTER="$top_builddir/triage-milter"
CTL="$top_builddir/triagectl"
PASS=0
FAIL=0

ok() { PASS=$((PASS + 1)); echo "ok: $*"; }
ko() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok "$1"; else ko "$1"; fi; }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

it_skip_unless_ready() {
	if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root"; exit 77; fi
	for c in postfix swaks python3; do
		command -v $c >/dev/null 2>&1 || { echo "SKIP: no $c"; exit 77; }
	done
	[ -x /usr/lib/postfix/sbin/master ] || { echo "SKIP: no postfix master"; exit 77; }
}

it_conf() {
	cat >"$IT/etc/main.cf" <<EOF2
compatibility_level = 3.6
queue_directory = $IT/queue
data_directory = $IT/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.triage.test
mydomain = triage.test
myorigin = triage.test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
relay_domains =
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
relayhost = [127.0.0.1]:$SINK_PORT
smtp_dns_support_level = disabled
smtpd_peername_lookup = no
disable_dns_lookups = yes
in_flow_delay = 0
smtp_tls_security_level = none
smtpd_tls_security_level = none
maillog_file = $IT/log/maillog
maillog_file_prefixes = $IT/log
smtpd_milters = inet:127.0.0.1:$MILTER_PORT
non_smtpd_milters = \$smtpd_milters
milter_default_action = tempfail
milter_protocol = 6
milter_connect_timeout = 5s
queue_run_delay = 2s
minimal_backoff_time = 2s
maximal_backoff_time = 4s
biff = no
message_size_limit = 104857600
EOF2
	cat >"$IT/etc/master.cf" <<EOF2
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF2
}

# The policy under test: the shipped one plus the daemon's directories.
it_policy() {
	mkdir -p "$IT/policy"
	cp "$top_srcdir"/policy/*.txt "$IT/policy/"
	sed -e '/^milter_socket =/d' -e '/^#\{0,1\}spool_dir =/d' \
	    -e '/^#\{0,1\}quarantine_dir =/d' \
	    "$top_srcdir/policy/triage.conf" >"$IT/policy/triage.conf"
	cat >>"$IT/policy/triage.conf" <<EOF2

# integration test
milter_socket = inet:$MILTER_PORT@127.0.0.1
spool_dir = $IT/spool
quarantine_dir = $IT/quar
EOF2
}

# policy_set NAME VALUE: set one setting of the test policy (no duplicates).
policy_set() {
	sed -i "/^#\{0,1\}$1 =/d" "$IT/policy/triage.conf"
	echo "$1 = $2" >>"$IT/policy/triage.conf"
}

milter_start() { # extra args
	"$MILTER" -f -c "$IT/policy/triage.conf" -P "$IT/milter.pid" "$@" \
	    >>"$IT/log/milter.log" 2>&1 &
	MILTER_PID=$!
	for _ in $(seq 50); do
		python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$MILTER_PORT),1)" 2>/dev/null && return 0
		kill -0 $MILTER_PID 2>/dev/null || break
		sleep 0.1
	done
	echo "milter did not start:"; tail -20 "$IT/log/milter.log"
	return 1
}

milter_stop() { # signal
	[ -n "${MILTER_PID:-}" ] || return 0
	kill -"${1:-TERM}" $MILTER_PID 2>/dev/null
	# libmilter notices a stop within about 5 s (its listener's poll).
	for _ in $(seq 150); do kill -0 $MILTER_PID 2>/dev/null || break; sleep 0.1; done
	kill -9 $MILTER_PID 2>/dev/null
	wait $MILTER_PID 2>/dev/null
	MILTER_PID=
}

it_start() {
	it_skip_unless_ready
	mkdir -p "$top_builddir/tests/integration"
	IT=$(mktemp -d "$top_builddir/tests/integration/run.XXXXXX")
	chmod 755 "$IT"
	mkdir -p "$IT/etc" "$IT/queue" "$IT/data" "$IT/log" "$IT/sink"
	chown postfix "$IT/data"
	chmod 777 "$IT/log"
	SMTP_PORT=$(free_port); SINK_PORT=$(free_port); MILTER_PORT=$(free_port)
	it_conf
	it_policy
	if [ -n "${BENCH_SINK:-}" ]; then
		# Postfix's own sink: fast, counts only (benchmarks).
		smtp-sink -u postfix 127.0.0.1:"$SINK_PORT" 256 \
		    >"$IT/log/sink.log" 2>&1 &
	else
		python3 "$top_srcdir/tests/integration/sink.py" --port \
		    "$SINK_PORT" --dir "$IT/sink" --lifetime 1700 \
		    >"$IT/log/sink.log" 2>&1 &
	fi
	SINK_PID=$!
	milter_start || return 1
	postfix -c "$IT/etc" check >"$IT/log/postfix-check.log" 2>&1 || true
	if ! postfix -c "$IT/etc" start >"$IT/log/postfix-start.log" 2>&1; then
		echo "postfix did not start:"; cat "$IT/log/postfix-start.log" "$IT/log/maillog" 2>/dev/null
		return 1
	fi
	for _ in $(seq 50); do
		python3 -c "import socket; socket.create_connection(('127.0.0.1',$SMTP_PORT),1)" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "postfix smtpd not listening"; cat "$IT/log/maillog"
	return 1
}

it_stop() {
	[ -n "${IT:-}" ] || return 0
	postfix -c "$IT/etc" stop >/dev/null 2>&1
	milter_stop TERM
	[ -n "${SINK_PID:-}" ] && kill $SINK_PID 2>/dev/null
	if [ "$FAIL" != 0 ]; then
		echo "--- maillog (tail)"; tail -40 "$IT/log/maillog" 2>/dev/null
		echo "--- milter log (tail)"; tail -40 "$IT/log/milter.log" 2>/dev/null
	fi
	[ -n "${KEEP:-}" ] || rm -rf "$IT"
}

# send FILE [from] [to]: submit over SMTP; prints swaks' last reply code.
send() {
	swaks --server 127.0.0.1 --port "$SMTP_PORT" --from "${2:-sender@supplier.example}" \
	    --to "${3:-staff@hospital.example}" --data "$1" --timeout 60 \
	    >"$IT/log/swaks.last" 2>&1
	# The reply to the end of DATA: the last one before QUIT's 221.
	sed -n 's/^<[-~*]* *\([2-5][0-9][0-9]\)[ -].*/\1/p' "$IT/log/swaks.last" |
	    grep -v '^221$' | tail -1
}

# Number of messages in the sink / in the quarantine / in Postfix's queue.
sink_count() { find "$IT/sink" -name '*.eml' | wc -l; }
quar_count() { "$CTL" quarantine --dir "$IT/quar" list --json 2>/dev/null | wc -l; }
queue_count() { find "$IT/queue/incoming" "$IT/queue/active" "$IT/queue/deferred" -type f 2>/dev/null | wc -l; }
flush_queue() { postqueue -c "$IT/etc" -f >/dev/null 2>&1 || postfix -c "$IT/etc" flush >/dev/null 2>&1; }

# wait_for EXPR SECONDS: poll until the shell expression is true.
wait_for() {
	i=0
	while [ $i -lt $(( $2 * 10 )) ]; do
		eval "$1" && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

# same_body A B: the bodies of two messages are equal, line endings and the
# trailing empty line that SMTP clients add aside.
same_body() {
	python3 - "$1" "$2" <<'PY'
import sys
def body(p):
    d = open(p, "rb").read().replace(b"\r\n", b"\n")
    return d.split(b"\n\n", 1)[1].rstrip(b"\n")
sys.exit(0 if body(sys.argv[1]) == body(sys.argv[2]) else 1)
PY
}
