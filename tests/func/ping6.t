#!/bin/bash
# ping6: the ping applet with -6 preset (a link named ping6), as iputils' ping6.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lab/ping_lab.sh"
need_root
need_cmd ping nft
ping_lab_up
bindir=$LAB_TMP/bin
mkdir -p "$bindir"
ln -s "$SONDE" "$bindir/ping6"
lab_run c "$bindir/ping6" -c 2 -i 0.2 fd93:4::2
got=$(printf '%s\n' "$OUT" | normalize_ping)
lab_run c ping -6 -c 2 -i 0.2 fd93:4::2
is "$got" "$(printf '%s\n' "$OUT" | normalize_ping)" "ping6 link: the same output as iputils ping -6"
lab_run c "$SONDE" ping6 -c 1 ::1
ok_rc "$RC" 0 "sonde ping6 ::1"
lab_run c "$SONDE" ping6 -c 1 127.0.0.1
ok_rc "$RC" 2 "ping6 refuses an IPv4 address"
lab_run c "$SONDE" ping6 -4 -c 1 127.0.0.1
ok_rc "$RC" 2 "ping6 -4 is a contradiction"
done_testing
