#!/bin/bash
# How soon a waiter notices a port that opens: `sonde wait tcp://` against
# the shell loop CI scripts write (`until nc -z HOST PORT; do sleep 1; done`),
# both waiting on the same port from namespace cli while namespace srv
# opens it after a random delay (0.2-2.2 s).  The latency is the time from
# the listen() to the waiter's exit, each taken on the wall clock in ns.
# Debian's wait-for-it (a /dev/tcp loop with sleep 1) is measured too when
# installed; wait4x is not in Debian, so it is not.
ROUNDS=${ROUNDS:-10}
. "$(dirname "$0")/lab.sh"
set -e
bench_need_root
bench_need nc python3 ip
S=10.83.0.2
lab_ns cli
lab_ns srv
lab_link cli 10.83.0.1/24 srv "$S/24"

# waiter NAME CMD...: runs CMD in cli, then writes its end time to NAME.end.
waiter() {
	local name=$1
	shift
	ip netns exec "$(ns cli)" bash -c '"$@"; date +%s%N >"$0"' "$LAB_TMP/$name.end" "$@" >/dev/null 2>&1 &
}

for round in $(seq 1 "$ROUNDS"); do
	port=$((9000 + round))
	rm -f "$LAB_TMP"/*.end "$LAB_TMP/open"
	waiter sonde "$SONDE" wait --timeout 30s "tcp://$S:$port"
	waiter sonde1s "$SONDE" wait --timeout 30s --interval 1s "tcp://$S:$port"
	waiter nc sh -c "until nc -z -w 1 $S $port; do sleep 1; done"
	if command -v wait-for-it >/dev/null; then
		waiter wfi wait-for-it -q -t 30 "$S:$port"
	else
		echo 0 >"$LAB_TMP/wfi.end"
	fi
	delay=$(python3 -c 'import random; print("%.2f" % random.uniform(0.2, 2.2))')
	sleep "$delay"
	# The listener writes the time it listens, then holds the port a while.
	lab_bg srv python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(64)
open(sys.argv[3], "w").write("%d\n" % time.time_ns())
time.sleep(3)' "$S" "$port" "$LAB_TMP/open"
	for i in $(seq 1 100); do
		[ -s "$LAB_TMP/sonde.end" ] && [ -s "$LAB_TMP/sonde1s.end" ] && [ -s "$LAB_TMP/nc.end" ] && [ -s "$LAB_TMP/wfi.end" ] && break
		sleep 0.05
	done
	open=$(cat "$LAB_TMP/open")
	echo "$round $delay $(( ($(cat "$LAB_TMP/sonde.end") - open) / 1000000 )) $(( ($(cat "$LAB_TMP/nc.end") - open) / 1000000 ))" \
		"$(( ($(cat "$LAB_TMP/sonde1s.end") - open) / 1000000 ))" \
		"$(( ($(cat "$LAB_TMP/wfi.end") - open) / 1000000 ))" \
		>>"$LAB_TMP/rounds"
done

python3 - "$LAB_TMP/rounds" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
sonde = [int(r[2]) for r in rows]
nc = [int(r[3]) for r in rows]
sonde1s = [int(r[4]) for r in rows]
wfi = [int(r[5]) for r in rows]
print("port opened after a random 0.2-2.2 s; time from listen() to the waiter's exit, %d rounds:" % len(rows))
print("  %-55s median %5d ms  max %5d ms" % ("sonde wait tcp:// (default: 50 ms doubling to 250 ms)", statistics.median(sonde), max(sonde)))
print("  %-55s median %5d ms  max %5d ms" % ("sonde wait --interval 1s tcp://", statistics.median(sonde1s), max(sonde1s)))
print("  %-55s median %5d ms  max %5d ms" % ("until nc -z; do sleep 1; done", statistics.median(nc), max(nc)))
if min(wfi) >= 0:
    print("  %-55s median %5d ms  max %5d ms" % ("wait-for-it -t 30 (Debian)", statistics.median(wfi), max(wfi)))
PY
