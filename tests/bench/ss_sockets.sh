#!/bin/bash
# sonde ss / netstat against iproute2's ss and net-tools' netstat with about
# 50,000 TCP sockets in one lab namespace (25,000 loopback connections held
# open by three helper processes: both ends count).  Wall time with hyperfine,
# peak RSS with /usr/bin/time, side by side in one run, and a check that the
# outputs are the same bytes.  Not part of `make test`.  Needs root.
#
#   tests/bench/ss_sockets.sh [CONNECTIONS]      (default 25000)
CONNS=${1:-25000}
. "$(dirname "$0")/lab.sh"
bench_need ss netstat hyperfine python3 /usr/bin/time
bench_need_root
TMP=$LAB_TMP

lab_ns ss
NS=$(ns ss)
# Ports for 25,000 connections to one listener from one address.
ip netns exec "$NS" sysctl -qw net.ipv4.ip_local_port_range="10000 65000"

# Each helper process keeps its descriptors under the usual 20,000 limit:
# 8,334 connections (both ends) and a listener per process, three processes.
cat >"$TMP/hold.py" <<'EOF'
import os, signal, socket, sys
total = int(sys.argv[1])
per = 8334
kids = []
for w in range((total + per - 1) // per):
    pid = os.fork()
    if pid:
        kids.append(pid)
        continue
    lst = socket.socket()
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind(('127.0.0.1', 9000 + w))
    lst.listen(4096)
    held = [lst]
    for i in range(min(per, total - w * per)):
        c = socket.create_connection(('127.0.0.1', 9000 + w))
        a, _ = lst.accept()
        held += [c, a]
    print('ready', flush=True)
    signal.pause()
    os._exit(0)
signal.signal(signal.SIGTERM, lambda *a: [os.kill(k, signal.SIGTERM) for k in kids] and os._exit(0))
for k in kids:
    os.waitpid(k, 0)
EOF
lab_bg ss python3 "$TMP/hold.py" "$CONNS" # each holder says "ready" in bg.log
holder=$LAST_BG_PID
for i in $(seq 1 600); do
	[ "$(grep -c ready "$LAB_TMP/bg.log")" -ge $(((CONNS + 8333) / 8334)) ] && break
	kill -0 "$holder" 2>/dev/null || { cat "$LAB_TMP/bg.log"; exit 1; }
	sleep 0.1
done
[ "$(grep -c ready "$LAB_TMP/bg.log")" -ge $(((CONNS + 8333) / 8334)) ] ||
	{ echo "the socket holders did not get ready" >&2; exit 1; }

inns() { ip netns exec "$NS" "$@"; }
echo "sockets in the namespace: $(inns ss -tanH | wc -l)"

for args in "-tan" "-tanp"; do
	inns ss $args >"$TMP/a" 2>/dev/null
	inns "$SONDE" ss $args >"$TMP/b" 2>/dev/null
	cmp -s "$TMP/a" "$TMP/b" && echo "ss $args: same bytes as iproute2 ($(wc -l <"$TMP/a") lines)" \
		|| echo "ss $args: OUTPUT DIFFERS from iproute2"
done
inns netstat -tan >"$TMP/a" 2>/dev/null
inns "$SONDE" netstat -tan >"$TMP/b" 2>/dev/null
cmp -s "$TMP/a" "$TMP/b" && echo "netstat -tan: same bytes as net-tools" || echo "netstat -tan: OUTPUT DIFFERS"

bench() { # NAME PEER-COMMAND SONDE-COMMAND
	inns hyperfine -N --style basic --warmup 1 --runs 10 --export-json "$TMP/$1.json" \
		-n "$2" "$2" -n "sonde $2" "$SONDE $2" >/dev/null 2>&1
	python3 - "$TMP/$1.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
peer, sonde = r[0], r[1]
print("%-16s peer %7.1f ms +- %5.1f   sonde %7.1f ms +- %5.1f   ratio %.2f" % (
    peer["command"], peer["mean"] * 1e3, peer["stddev"] * 1e3, sonde["mean"] * 1e3, sonde["stddev"] * 1e3,
    sonde["mean"] / peer["mean"]))
EOF
}
echo "wall time (hyperfine, 10 runs, output to /dev/null):"
bench ss_tan "ss -tan"
bench netstat_tan "netstat -tan"
bench ss_tanp "ss -tanp"

rss() { inns /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
echo "peak RSS (KiB):"
for args in "-tan" "-tanp"; do
	echo "  ss $args: peer $(rss ss $args)  sonde $(rss "$SONDE" ss $args)"
done
echo "  netstat -tan: peer $(rss netstat -tan)  sonde $(rss "$SONDE" netstat -tan)"
