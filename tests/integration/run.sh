#!/bin/sh
# Integration tests: triage-milter in front of a real, private Postfix on
# loopback, relaying to a capture sink (issue 5).  An automake test: 0 pass,
# 1 fail, 77 skip (not root, no postfix).  Ends with "N passed, N failed".
# KEEP=1 keeps the temporary directory for inspection.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir/build}"
export top_srcdir top_builddir
. "$top_srcdir/tests/integration/lib.sh"

trap 'it_stop' EXIT
it_start || { echo "setup failed"; exit 99; }
S="$IT/samples"
python3 "$top_srcdir/tests/integration/gen.py" "$S"

# 1. A clean message arrives, its content unchanged.
code=$(send "$S/clean.eml")
check "clean: 250 from Postfix" '[ "$code" = 250 ]'
check "clean: delivered" 'wait_for "[ \$(sink_count) -ge 1 ]" 30'
f=$(ls "$IT"/sink/*.eml | tail -1)
check "clean: body byte for byte" 'same_body "$S/clean.eml" "$f"'
check "clean: Subject untouched" 'grep -q "^Subject: =?UTF-8?B?5qSc5p+757WQ5p6c44Gu44GK55+l44KJ44Gb?=" "$f"'
check "clean: no X-Triage headers" '! grep -qi "^X-Triage" "$f"'
check "clean: envelope kept" 'grep -qx "<sender@supplier.example>" "${f%.eml}.env"'

# 2. A suspicious message arrives tagged, Subject prefixed (RFC 2047).
n0=$(sink_count)
code=$(send "$S/suspicious.eml")
check "suspicious: 250" '[ "$code" = 250 ]'
check "suspicious: delivered" 'wait_for "[ \$(sink_count) -gt $n0 ]" 30'
f=$(ls "$IT"/sink/*.eml | tail -1)
check "suspicious: X-Triage-Verdict" 'grep -q "^X-Triage-Verdict: tag; score=5" "$f"'
check "suspicious: X-Triage-Findings" 'grep -q "^X-Triage-Findings: attachment.type_mismatch" "$f"'
check "suspicious: subject prefix" 'grep -q "^Subject: =?UTF-8?B?W+imgeazqOaEj10g?= Photo" "$f"'

# 3. A malicious message does not arrive and is quarantined with findings.
n0=$(sink_count)
code=$(send "$S/malicious.eml")
check "malicious: accepted by SMTP (then discarded)" '[ "$code" = 250 ]'
check "malicious: in quarantine" 'wait_for "[ \$(quar_count) = 1 ]" 10'
sleep 2
check "malicious: not delivered" '[ $(sink_count) = $n0 ]'
"$CTL" quarantine --dir "$IT/quar" list --json >"$IT/q.json"
check "malicious: findings stored" 'grep -q "attachment.blocked_extension" "$IT/q.json"'
check "malicious: envelope and queue id stored" 'python3 -c "import json,sys; d=json.loads(open(sys.argv[1]).readline()); assert d[\"from\"]==\"sender@supplier.example\" and d[\"rcpts\"]==[\"staff@hospital.example\"] and d[\"qid\"] not in (\"\",\"unknown\"), d" "$IT/q.json"'
"$CTL" quarantine --dir "$IT/quar" export 1 >"$IT/exported.eml"
check "malicious: stored byte for byte" 'same_body "$S/malicious.eml" "$IT/exported.eml"'
check "malicious: summary log line" 'grep -q "verdict=quarantine .*answer=discard quarantine_id=1" "$IT/log/milter.log"'

# 4. Milter down: Postfix answers 4xx; after restart the message gets in.
milter_stop TERM
check "SIGTERM: a clean stop, not a kill" \
    'grep -q "stopping; .* parts waited in files" "$IT/log/milter.log"'
n0=$(sink_count)
code=$(send "$S/clean.eml")
check "milter down: 4xx" 'case "$code" in 4*) true;; *) false;; esac'
milter_start
code=$(send "$S/clean.eml")
check "milter back: 250" '[ "$code" = 250 ]'
check "milter back: delivered once" 'wait_for "[ \$(sink_count) = $((n0 + 1)) ]" 30'

# 5. Killed in the middle of a message: 4xx, then delivered after restart.
n0=$(sink_count)
python3 - "$SMTP_PORT" "$S/big.eml" "$MILTER_PID" >"$IT/log/midkill.log" 2>&1 <<'PY'
import os, signal, smtplib, socket, sys, time
port, path, pid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
data = open(path, "rb").read().replace(b"\n", b"\r\n")
s = smtplib.SMTP("127.0.0.1", port, timeout=60)
s.ehlo("client.test")
s.mail("sender@supplier.example"); s.rcpt("staff@hospital.example")
code, _ = s.docmd("DATA")
assert code == 354, code
half = len(data) // 2
s.sock.sendall(data[:half])
time.sleep(1)
os.kill(pid, signal.SIGKILL)
time.sleep(0.5)
s.sock.sendall(data[half:] + b"\r\n.\r\n")
code, msg = s.getreply()
print("reply", code, msg)
sys.exit(0 if 400 <= code < 500 else 1)
PY
check "killed mid-message: 4xx" '[ $? = 0 ]'
wait $MILTER_PID 2>/dev/null; MILTER_PID=
milter_start
code=$(send "$S/big.eml")
check "after restart: 250" '[ "$code" = 250 ]'
check "after restart: delivered once" 'wait_for "[ \$(sink_count) = $((n0 + 1)) ]" 60'

# 6. Quarantine database read-only for the daemon: tempfail, not loss.
milter_stop TERM
chown -R nobody "$IT/quar" "$IT/spool"
milter_start -u nobody
chmod 0440 "$IT/quar/quarantine.db"; chmod 0550 "$IT/quar"
code=$(send "$S/malicious.eml")
check "read-only quarantine: 4xx" 'case "$code" in 4*) true;; *) false;; esac'
chmod 0750 "$IT/quar"; chmod 0640 "$IT/quar/quarantine.db"
# SQLite keeps what it learnt of the file within the process: after such
# a repair the daemon is restarted (see glue.h).
milter_stop TERM
milter_start -u nobody
code=$(send "$S/malicious.eml")
check "writable again after restart: stored" '[ "$code" = 250 ] && [ $(quar_count) = 2 ]'

# 7. SIGUSR1 with a broken policy keeps the old one; a good one is taken.
cp "$IT/policy/triage.conf" "$IT/policy/triage.conf.good"
echo "max_mime_depth = 100000" >>"$IT/policy/triage.conf"
kill -USR1 $MILTER_PID
check "broken reload: error logged" 'wait_for "grep -q \"keeping the old policy\" \"$IT/log/milter.log\"" 10'
n0=$(sink_count)
code=$(send "$S/clean.eml")
check "broken reload: still serving" '[ "$code" = 250 ] && wait_for "[ \$(sink_count) -gt $n0 ]" 30'
cp "$IT/policy/triage.conf.good" "$IT/policy/triage.conf"
echo "attachment.type_mismatch = 0 none" >>"$IT/policy/triage.conf"
kill -USR1 $MILTER_PID
check "good reload: logged" 'wait_for "grep -q \"reloaded\" \"$IT/log/milter.log\"" 10'
n0=$(sink_count)
code=$(send "$S/suspicious.eml")
wait_for "[ \$(sink_count) -gt $n0 ]" 30
f=$(ls "$IT"/sink/*.eml | tail -1)
check "good reload: new policy in force" '! grep -q "^X-Triage-Verdict" "$f"'
cp "$IT/policy/triage.conf.good" "$IT/policy/triage.conf"
kill -USR1 $MILTER_PID

# 8. 200 messages over 20 concurrent sessions: all delivered or quarantined.
n0=$(sink_count); q0=$(quar_count)
python3 - "$SMTP_PORT" "$S" >"$IT/log/load.log" 2>&1 <<'PY'
import smtplib, sys, threading
port, d = int(sys.argv[1]), sys.argv[2]
msgs = [open("%s/%s.eml" % (d, n), "rb").read().replace(b"\n", b"\r\n")
        for n in ("clean", "suspicious", "malicious", "clean")]
codes, lock = [], threading.Lock()
def worker(k):
    s = smtplib.SMTP("127.0.0.1", port, timeout=120)
    for i in range(10):
        m = msgs[(k + i) % 4]
        s.mail("sender@supplier.example"); s.rcpt("staff@hospital.example")
        code, _ = s.data(m)
        with lock: codes.append(code)
    s.quit()
ts = [threading.Thread(target=worker, args=(k,)) for k in range(20)]
[t.start() for t in ts]; [t.join() for t in ts]
print("sent", len(codes), "ok", codes.count(250))
sys.exit(0 if codes.count(250) == 200 else 1)
PY
check "load: 200 accepted by SMTP" '[ $? = 0 ]'
# 20 sessions x 10 messages, every 4th malicious: 50 quarantined, 150 delivered.
check "load: 150 delivered" 'wait_for "[ \$(sink_count) = $((n0 + 150)) ]" 120'
check "load: 50 quarantined" '[ $(quar_count) = $((q0 + 50)) ]'
check "load: queue empty" 'wait_for "[ \$(queue_count) = 0 ]" 30'

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
