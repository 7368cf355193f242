#!/bin/bash
# sonde's netfilter readers against their peer tools, side by side in one
# run, on kube-proxy-shaped rulesets of N services (default 5,000: about
# 50,000 iptables rules), each in its own lab namespace:
#   iptables --save vs iptables-legacy-save and iptables-nft-save (wall, RSS)
#   nft list ruleset vs nft list ruleset (kube-proxy's nftables mode), and
#   the same with -j: medians of NF_BENCH_RUNS (7) runs alternating the two
#   tools, which holds up better than a mean on a machine shared with other
#   work
#   iptables-save and iptables -L -n with the default auto backend where
#   legacy rules sit beside kube-proxy's nftables table, against
#   iptables-legacy-save / iptables-legacy, timed inside the namespace
#   svc for one service, in each mode
# hyperfine gives the wall times (mean of 5 runs after a warm-up); GNU time
# the peak RSS.  Not part of `make test`.
#
#   tests/bench/netfilter.sh [SERVICES]
SERVICES=${1:-${NF_BENCH_SERVICES:-5000}}
. "$(dirname "$0")/lab.sh"
bench_need hyperfine iptables-legacy-restore iptables-nft-restore nft /usr/bin/time
bench_need_root
tmp=$LAB_TMP

"$TOP/tests/bench/kube_rules.sh" iptables "$SERVICES" >"$tmp/rules"
"$TOP/tests/bench/kube_rules.sh" nftables "$SERVICES" >"$tmp/rules.nft"
# One namespace per mode: $NS-legacy, $NS-nft, $NS-nftables, $NS-mixed
# (ns MODE), their names spelled out in the commands hyperfine times.
for m in legacy nft nftables mixed; do lab_ns "$m"; done
NS=$LAB_ID
ip netns exec "$NS-legacy" iptables-legacy-restore <"$tmp/rules"
ip netns exec "$NS-nft" iptables-nft-restore <"$tmp/rules"
ip netns exec "$NS-nftables" nft -f "$tmp/rules.nft"
# Legacy rules beside kube-proxy's nftables table: the auto backend's case.
ip netns exec "$NS-mixed" iptables-legacy-restore <"$tmp/rules"
ip netns exec "$NS-mixed" nft -f "$tmp/rules.nft"
echo "$SERVICES services, $(grep -c '^-A' "$tmp/rules") iptables rules"

mean() { # CMD...: hyperfine's mean wall time in seconds
	hyperfine -N -w 1 -r 5 --export-json "$tmp/h.json" "$*" >/dev/null 2>&1
	python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["mean"])' "$tmp/h.json"
}
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

row() { # LABEL PEER-CMD SONDE-CMD
	local p s pr sr
	p=$(mean $2); s=$(mean $3); pr=$(rss $2); sr=$(rss $3)
	printf '%-34s peer %7ss %8s KB   sonde %7ss %8s KB   time ratio %s\n' "$1" "$p" "$pr" "$s" "$sr" \
		"$(python3 -c "print('%.2f' % ($s / $p))")"
}

row "iptables-save (legacy)" "ip netns exec $NS-legacy iptables-legacy-save" \
	"ip netns exec $NS-legacy $SONDE iptables --backend legacy --save"
row "iptables-save (nf_tables)" "ip netns exec $NS-nft iptables-nft-save" \
	"ip netns exec $NS-nft $SONDE iptables --backend nft --save"

median_pair() { # PEER-CMD SONDE-CMD: "peer-median sonde-median peer-rss sonde-rss", alternating runs
	local i runs=${NF_BENCH_RUNS:-7}
	for ((i = 0; i < runs; i++)); do
		/usr/bin/time -f '%e %M' -a -o "$tmp/peer.times" $1 >/dev/null 2>&1
		/usr/bin/time -f '%e %M' -a -o "$tmp/sonde.times" $2 >/dev/null 2>&1
	done
	python3 - "$tmp/peer.times" "$tmp/sonde.times" <<'PY'
import statistics, sys
cols = [[tuple(map(float, l.split())) for l in open(f) if l.strip() and l[0].isdigit()] for f in sys.argv[1:]]
print(" ".join(["%.3f" % statistics.median(c[0] for c in col) for col in cols] +
               ["%d" % statistics.median(c[1] for c in col) for col in cols]))
PY
	rm -f "$tmp/peer.times" "$tmp/sonde.times"
}
median_row() { # LABEL PEER-CMD SONDE-CMD
	local p s pr sr
	read -r p s pr sr <<<"$(median_pair "$2" "$3")"
	printf '%-34s peer %7ss %8s KB   sonde %7ss %8s KB   time ratio %s (medians of %s)\n' "$1" "$p" "$pr" "$s" "$sr" \
		"$(python3 -c "print('%.2f' % ($s / $p))")" "${NF_BENCH_RUNS:-7}"
}
median_row "nft list ruleset (nftables mode)" "ip netns exec $NS-nftables nft list ruleset" \
	"ip netns exec $NS-nftables $SONDE nft list ruleset"
median_row "nft -j list ruleset" "ip netns exec $NS-nftables nft -j list ruleset" \
	"ip netns exec $NS-nftables $SONDE nft -j list ruleset"
# Timed inside the namespace (ip netns exec's own start-up left out).
inside_pair() { # NS PEER-CMD SONDE-CMD: "peer-median sonde-median", alternating runs
	ip netns exec "$1" python3 - "${NF_BENCH_RUNS:-7}" "$2" "$3" <<'PY'
import shlex, statistics, subprocess, sys, time
runs, cmds = int(sys.argv[1]), [shlex.split(c) for c in sys.argv[2:]]
times = [[], []]
for _ in range(runs):
    for i, cmd in enumerate(cmds):
        t = time.monotonic()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times[i].append(time.monotonic() - t)
print(" ".join("%.3f" % statistics.median(t) for t in times))
PY
}
inside_row() { # LABEL NS PEER-CMD SONDE-CMD
	local p s
	read -r p s <<<"$(inside_pair "$2" "$3" "$4")"
	printf '%-34s peer %7ss   sonde %7ss   time ratio %s (medians of %s, inside the namespace)\n' "$1" "$p" "$s" \
		"$(python3 -c "print('%.2f' % ($s / $p))")" "${NF_BENCH_RUNS:-7}"
}
inside_row "iptables-save (auto, beside nft)" "$NS-mixed" iptables-legacy-save "$SONDE iptables-save"
inside_row "iptables -L -n (auto, beside nft)" "$NS-mixed" "iptables-legacy -L -n" "$SONDE iptables -L -n"
inside_row "iptables -t nat -L -n (auto, b. nft)" "$NS-mixed" "iptables-legacy -t nat -L -n" "$SONDE iptables -t nat -L -n"
vip="10.96.$(((SERVICES / 2) / 250)).$(((SERVICES / 2) % 250 + 1)):80"
for m in legacy nft nftables; do
	printf '%-34s sonde %7ss\n' "svc $vip ($m)" "$(mean ip netns exec $NS-$m $SONDE svc $vip)"
done
