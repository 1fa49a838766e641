#!/bin/sh
# Integration tests of the security contact's workflow (issue 6): release
# from the quarantine through the real Postfix and milter, forged and
# replayed release marks, notices (one alert and one digest for a wave of
# one campaign), audit rows.  An automake-style test: 0 pass, 1 fail,
# 77 skip.  Ends with "N passed, N failed".
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir/build}"
export top_srcdir top_builddir
. "$top_srcdir/tests/integration/lib.sh"

trap 'it_stop' EXIT
it_start || { echo "setup failed"; exit 99; }
S="$IT/samples"
python3 "$top_srcdir/tests/integration/gen.py" "$S"
P="$IT/policy"
cat >"$IT/sendmail" <<EOF2
#!/bin/sh
exec python3 "$top_srcdir/tests/integration/sendmail.py" --port $SMTP_PORT "\$@"
EOF2
chmod 755 "$IT/sendmail"
policy_set sendmail_path "$IT/sendmail"
policy_set release_key_file "$IT/release.key"
policy_set notify_to security@hospital.example
policy_set notify_from triage@hospital.example
policy_set notify_window 5s
"$CTL" policy check "$P" >/dev/null || { echo "test policy broken"; exit 99; }
"$CTL" quarantine --policy "$P" init-key >/dev/null
check "init-key: 0600 key" '[ "$(stat -c %a "$IT/release.key")" = 600 ]'
kill -USR1 $MILTER_PID
wait_for "grep -q reloaded \"$IT/log/milter.log\"" 10

to_security() { grep -l "^To: security@hospital.example" "$IT"/sink/*.eml 2>/dev/null | wc -l; }
to_staff() { grep -lx "<staff@hospital.example>" "$IT"/sink/*.env 2>/dev/null | wc -l; }

# 1. Quarantine, with an alert to the security contact.
code=$(send "$S/malicious.eml")
check "quarantined" '[ "$code" = 250 ] && wait_for "[ \$(quar_count) = 1 ]" 10'
check "alert sent to the security contact" 'wait_for "[ \$(to_security) = 1 ]" 30'
f=$(grep -l "^To: security@hospital.example" "$IT"/sink/*.eml | head -1)
check "alert has the release command" 'grep -q "triagectl quarantine release 1 --reason" "$f"'
check "alert has the sha256" 'grep -qi "$(python3 -c "import hashlib,sys,base64,email; m=email.message_from_file(open(sys.argv[1])); print(hashlib.sha256([p for p in m.walk()][-1].get_payload(decode=True)).hexdigest())" "$S/malicious.eml")" "$f"'
check "our notice was not quarantined" 'grep -q "passed=notice" "$IT/log/milter.log" && [ $(quar_count) = 1 ]'

# 2. Release: delivered exactly once with the original envelope.
n0=$(to_staff)
"$CTL" quarantine --policy "$P" release 1 --reason "confirmed with the supplier by phone" >"$IT/log/release.out" 2>&1
check "release exits 0" '[ $? = 0 ]'
check "released message delivered" 'wait_for "[ \$(to_staff) = $((n0 + 1)) ]" 30'
r=$(grep -l "^X-Triage-Release: 1; t=" "$IT"/sink/*.eml | head -1)
check "delivered copy carries the release mark" '[ -n "$r" ]'
check "original envelope sender" 'head -1 "${r%.eml}.env" | grep -qx "<sender@supplier.example>"'
check "milter passed it once" '[ $(grep -c "passed=release:1" "$IT/log/milter.log") = 1 ]'
check "not quarantined again" '[ $(quar_count) = 1 ]'
"$CTL" quarantine --policy "$P" show 1 --json >"$IT/show.json"
check "status released" 'grep -q "\"status\":\"released\"" "$IT/show.json"'
check "release twice refused" '! "$CTL" quarantine --policy "$P" release 1 --reason again >/dev/null 2>&1'

# 3. Replaying the released copy: the mark was used; quarantined.
sleep 6		# let the first campaign window close
swaks --server 127.0.0.1 --port "$SMTP_PORT" --from sender@supplier.example \
    --to staff@hospital.example --data "$r" >/dev/null 2>&1
check "replayed release mark quarantined" 'wait_for "[ \$(quar_count) = 2 ]" 10'
check "replay is a finding" '"$CTL" quarantine --policy "$P" list --json | head -1 | grep -q release.invalid_token'

# 4. A forged mark.
{ echo "X-Triage-Release: 1; t=$(printf '%064d' 0)"; cat "$S/malicious.eml"; } >"$IT/forged.eml"
code=$(send "$IT/forged.eml")
check "forged mark quarantined" 'wait_for "[ \$(quar_count) = 3 ]" 10'
check "forged mark is a finding" '"$CTL" quarantine --policy "$P" list --json | head -1 | grep -q release.invalid_token'

# 5. Audit.
"$CTL" quarantine --policy "$P" audit --json >"$IT/audit.json"
check "audit: release with reason, uid and user" 'grep "\"release\"" "$IT/audit.json" | grep -q "confirmed with the supplier" && grep "\"release\"" "$IT/audit.json" | grep -q "\"uid\":0"'

# 6. A wave of 50 messages of one campaign: one alert and one digest.
sleep 6
s0=$(to_security)
python3 - "$SMTP_PORT" "$S/malicious.eml" >"$IT/log/wave.log" 2>&1 <<'PY'
import smtplib, sys
port, path = int(sys.argv[1]), sys.argv[2]
data = open(path, "rb").read().replace(b"\n", b"\r\n")
with smtplib.SMTP("127.0.0.1", port, timeout=120) as s:
    for i in range(50):
        s.sendmail("sender@supplier.example", ["staff%d@hospital.example" % i], data)
PY
check "wave: 50 quarantined" 'wait_for "[ \$(quar_count) = 53 ]" 60'
check "wave: one alert and one digest" 'wait_for "[ \$(to_security) = $((s0 + 2)) ]" 40'
sleep 7
check "wave: no more notices" '[ $(to_security) = $((s0 + 2)) ]'
check "digest counts the other 49 to 49 recipients" 'grep -l "^To: security@hospital.example" "$IT"/sink/*.eml | xargs grep -l "さらに 49 通、49 名の宛先" | grep -q .'

# 7. Stats.
"$CTL" stats --policy "$P" --json >"$IT/stats.json" 2>"$IT/log/stats.err"
check "stats: runs and counts the quarantine" '[ $? = 0 ] && grep -q "quarantine" "$IT/stats.json"'

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
