#!/bin/sh
# The main job, live: a private Postfix on loopback with triage-milter in
# front of a capture sink; sample mail through it; what was delivered,
# tagged and quarantined.  Run by `scripts/quickstart demo` after the build.
set -u
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
top_builddir="$top_srcdir/build"
export top_srcdir top_builddir
. "$top_srcdir/tests/integration/lib.sh"

say() { printf '\n==> %s\n' "$*"; }
trap 'it_stop' EXIT
it_start || exit 1
S="$IT/samples"
python3 "$top_srcdir/tests/integration/gen.py" "$S"
python3 "$top_srcdir/tests/golden/gen.py" "$S/golden" >/dev/null 2>&1 || true

say "Postfix on 127.0.0.1:$SMTP_PORT -> triage-milter on :$MILTER_PORT -> sink on :$SINK_PORT"
say "sending sample mail with swaks"
# A day's mix: benign hospital mail and the attacks hospitals see.
picks="clean-iso2022jp lab-report-pdf referral-docx arc-zip-pdf-ok
calendar-invite html-newsletter-tracking url-newsletter-same-org
arc-ppap-zipcrypto exe-rtlo office-doc-vba html-smuggling url-userinfo
url-lookalike-rnhlw lure-lnk-as-pdf pdf-launch arc-zip-bomb"
for f in "$S"/clean.eml "$S"/suspicious.eml "$S"/malicious.eml \
    $(for p in $picks; do ls "$S/golden/$p.eml" 2>/dev/null; done); do
	printf '  %-40s SMTP %s\n' "$(basename "$f")" "$(send "$f")"
done
sleep 3

say "delivered to the sink (Subject and X-Triage-Verdict as the staff would see them)"
for f in "$IT"/sink/*.eml; do
	subj=$(grep -m1 '^Subject:' "$f" | tr -d '\r' | python3 -c 'import sys
from email.header import decode_header, make_header
print(str(make_header(decode_header(sys.stdin.read().strip())))[:70])')
	verd=$(grep -m1 '^X-Triage-Verdict:' "$f" | tr -d '\r')
	printf '  %s  %s\n' "${verd:-(accepted)}" "$subj"
done

say "the quarantine: triagectl quarantine list"
"$CTL" quarantine --dir "$IT/quar" list

say "one quarantined message: triagectl quarantine show 1"
"$CTL" quarantine --dir "$IT/quar" show 1 | python3 -m json.tool 2>/dev/null | head -40

say "the milter's log lines (one per message)"
tail -n 20 "$IT/log/milter.log"
