#!/bin/bash
# sonde dig waits as Debian 12's dig on a server that never answers: 3
# tries of 5 s, or resolv.conf's "options timeout:" and "attempts:" when
# it sets them (and +timeout/+tries do not).  Output, exit code and the
# time waited (within 1 s of dig's, whose waits are whole seconds) compared.
source "$(dirname "$0")/../lib.sh"
need_root
need_cmd ip dig python3 bc

Q=10.53.0.6
cat >"$LAB_TMP/silent.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
while True:
    s.recvfrom(65535)
PY

mask() { sed -E -e 's/^; <<>> .* <<>>( |$)/; <<>> VERSION <<>>\1/'; }

# The cases: resolv.conf's options | dig's arguments (dig waits 6, 4, 2, 3
# and 1 s).  Each case has a namespace of its own (its own resolv.conf and
# silent server), and the cases wait in two lanes side by side: the even
# ones (6 + 2 + 1 s, each twice) and the odd ones (4 + 3 s).
CASES=("timeout:2|x.test"
	"timeout:2 attempts:1|x.test +tries=2"
	"timeout:1 attempts:1|x.test +timeout=2"
	"timeout:1 attempts:3|x.test"
	"timeout:1 attempts:1|x.test")
for i in "${!CASES[@]}"; do
	options=${CASES[$i]%%|*}
	lab_ns dns$i
	ip -n "$(ns dns$i)" addr add $Q/24 dev lo
	lab_resolv_conf dns$i "nameserver $Q${options:+
options $options}"
	lab_bg dns$i python3 "$LAB_TMP/silent.py" $Q
done
for i in "${!CASES[@]}"; do lab_wait_listen dns$i 53 udp; done

# timed FILE NS CMD...: CMD in NS; its stdout, stderr, exit status and the
# seconds it took in FILE.{out,err,rc,s}.
timed() {
	local f=$1 ns=$2 start rc
	shift 2
	start=$(date +%s.%N)
	lab_exec "$ns" "$@" >"$f.out" 2>"$f.err" </dev/null
	rc=$?
	echo "$(date +%s.%N) - $start" | bc >"$f.s"
	echo "$rc" >"$f.rc"
}
# lane FIRST: cases FIRST, FIRST + 2... one after the other, each dig then
# sonde's dig: no more than two runs of this test wait at a time, and
# they seldom start together (ASan's sonde starts slowly on a busy
# machine, and a start delayed by another's is counted as waiting).
lane() {
	local i args
	for ((i = $1; i < ${#CASES[@]}; i += 2)); do
		read -r -a args <<<"${CASES[$i]#*|}"
		# dig's stderr joins its stdout, as a terminal shows them.
		timed "$LAB_TMP/dig$i" dns$i sh -c 'exec "$@" 2>&1' _ dig "${args[@]}"
		timed "$LAB_TMP/sonde$i" dns$i "$SONDE" dig "${args[@]}"
	done
}
lane 0 &
pids=($!)
sleep 0.5
lane 1 &
pids+=($!)
wait "${pids[@]}"

for i in "${!CASES[@]}"; do
	options=${CASES[$i]%%|*} args=${CASES[$i]#*|}
	theirs=$(cat "$LAB_TMP/dig$i.out") want=$(cat "$LAB_TMP/dig$i.rc") dig_s=$(cat "$LAB_TMP/dig$i.s")
	OUT=$(cat "$LAB_TMP/sonde$i.out") ERR=$(cat "$LAB_TMP/sonde$i.err") RC=$(cat "$LAB_TMP/sonde$i.rc")
	mine_s=$(cat "$LAB_TMP/sonde$i.s")
	is "$(printf '%s\n' "$OUT${ERR:+
$ERR}" | sed 's/^sonde dig: /dig: /' | mask)" "$(printf '%s\n' "$theirs" | mask)" "[$options] $args: same output as dig"
	ok_rc "$RC" "$want" "[$options] $args: exit $want as dig"
	if [ "$(echo "$mine_s - $dig_s < 1 && $dig_s - $mine_s < 1" | bc)" = 1 ]; then
		pass "[$options] $args: waited ${mine_s%??????} s, dig ${dig_s%??????} s"
	else
		fail "[$options] $args: waited $mine_s s, dig $dig_s s"
	fi
done
done_testing
