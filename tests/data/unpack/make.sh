#!/bin/sh
# Regenerate the unpack fixtures in this directory (they are committed;
# run this only to change them).  Needs python3, zip, 7z (p7zip-full),
# genisoimage and gcab.  Every "executable" is a harmless stub: a DOS/PE
# header with no sections and no code.  The password is "secret".
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

python3 - <<'PY'
import struct
pe = bytearray(512)
pe[0:2] = b"MZ"
struct.pack_into("<I", pe, 0x3c, 0x80)
pe[0x80:0x84] = b"PE\0\0"
struct.pack_into("<HHIIIHH", pe, 0x84, 0x14c, 0, 0, 0, 0, 0xe0, 0x0102)
struct.pack_into("<H", pe, 0x98, 0x10b)
open("invoice.exe", "wb").write(bytes(pe))
open("report.pdf", "wb").write(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
PY
touch -t 202404010900 invoice.exe report.pdf

# ZipCrypto and AES-256 zips, names in the clear.
zip -q -X -P secret "$here/zipcrypto.zip" invoice.exe
7z a -bd -tzip -mem=AES256 -psecret "$here/aes.zip" report.pdf >/dev/null
# 7z: data encrypted (names visible), headers encrypted (names hidden),
# and a plain one holding a PDF.
rm -f "$here"/*.7z
7z a -bd -psecret "$here/data-enc.7z" invoice.exe >/dev/null
7z a -bd -psecret -mhe=on "$here/header-enc.7z" invoice.exe >/dev/null
7z a -bd "$here/plain.7z" report.pdf >/dev/null
# ISO 9660 with Joliet and Rock Ridge: a PDF and a PE stub.
genisoimage -quiet -no-pad -J -r -V DOCS -o "$here/docs.iso" report.pdf invoice.exe
# Cabinet with a PE stub.
rm -f "$here/invoice.cab"
gcab -c "$here/invoice.cab" invoice.exe
# tar.gz, single gzip, bzip2 and xz streams of the PE stub.
tar --mtime=2024-04-01 --owner=0 --group=0 -czf "$here/invoice.tar.gz" \
    invoice.exe
gzip -9 -c invoice.exe >"$here/invoice.exe.gz"
bzip2 -9 -c invoice.exe >"$here/invoice.exe.bz2"
xz -c invoice.exe >"$here/invoice.exe.xz"
