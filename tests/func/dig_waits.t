#!/bin/bash
# sonde dig waits as Debian 12's dig on a server that never answers: 3
# tries of 5 s, or resolv.conf's "options timeout:" and "attempts:" when
# it sets them (and +timeout/+tries do not).  Output, exit code and the
# time waited (within 1 s of dig's, whose waits are whole seconds) compared.
source "$(dirname "$0")/../lib.sh"
need_root
need_cmd ip dig python3 bc

Q=10.53.0.6
lab_ns dns
ip -n "$(ns dns)" addr add $Q/24 dev lo
cat >"$LAB_TMP/silent.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
while True:
    s.recvfrom(65535)
PY
lab_bg dns python3 "$LAB_TMP/silent.py" $Q
lab_wait_listen dns 53 udp

mask() { sed -E -e 's/^; <<>> .* <<>>( |$)/; <<>> VERSION <<>>\1/'; }

# waits "OPTIONS" ARGS...: both digs against the silent server.
waits() {
	local options=$1 start theirs want dig_s mine_s
	shift
	lab_resolv_conf dns "nameserver $Q${options:+
options $options}"
	start=$(date +%s.%N)
	theirs=$(lab_exec dns dig "$@" 2>&1)
	want=$?
	dig_s=$(echo "$(date +%s.%N) - $start" | bc)
	start=$(date +%s.%N)
	lab_run dns "$SONDE" dig "$@"
	mine_s=$(echo "$(date +%s.%N) - $start" | bc)
	is "$(printf '%s\n' "$OUT${ERR:+
$ERR}" | sed 's/^sonde dig: /dig: /' | mask)" "$(printf '%s\n' "$theirs" | mask)" "[$options] $*: same output as dig"
	ok_rc "$RC" "$want" "[$options] $*: exit $want as dig"
	if [ "$(echo "$mine_s - $dig_s < 1 && $dig_s - $mine_s < 1" | bc)" = 1 ]; then
		pass "[$options] $*: waited ${mine_s%??????} s, dig ${dig_s%??????} s"
	else
		fail "[$options] $*: waited $mine_s s, dig $dig_s s"
	fi
}

waits "timeout:1 attempts:1" x.test
waits "timeout:1 attempts:3" x.test
waits "timeout:2" x.test
waits "timeout:2 attempts:1" x.test +tries=2
waits "timeout:1 attempts:1" x.test +timeout=2
done_testing
