#!/bin/bash
# sonde ipvsadm.  Against the kernel's IPVS in a lab namespace, compared
# with ipvsadm itself, when the kernel has IPVS; and always on the generic
# netlink messages the kernel sends, built from linux/ip_vs.h's attribute
# layout (ipvsadm_msgs.py) and replayed through SONDE_IPVS_REPLAY, against
# ipvsadm's layout: the golden files are what ipvsadm_golden.py writes for
# the same table (ipvsadm_fixture.py) from ipvsadm 1.31's printf formats and
# sort order, independently of sonde (how to regenerate: its docstring).
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd python3 setpriv

python3 "$TESTS_DIR/func/lab/ipvsadm_msgs.py" >"$LAB_TMP/ipvs.bin"
replay() { SONDE_IPVS_REPLAY="$LAB_TMP/ipvs.bin" run "$SONDE" ipvsadm "$@"; }

for view in Ln stats; do
	is "$(python3 "$TESTS_DIR/func/lab/ipvsadm_golden.py" $view)" "$(cat "$TESTS_DIR/func/data/ipvsadm_golden_$view.txt")" \
		"ipvsadm_golden_$view.txt is what ipvsadm's formats give for the fixture (ipvsadm_golden.py)"
done
replay -Ln
ok_rc "$RC" 0 "replayed table: exit 0"
is "$OUT" "$(cat "$TESTS_DIR/func/data/ipvsadm_golden_Ln.txt")" "-Ln: ipvsadm's layout, services and servers sorted as ipvsadm sorts"
replay -Ln --stats
is "$OUT" "$(cat "$TESTS_DIR/func/data/ipvsadm_golden_stats.txt")" "--stats: counters abbreviated as ipvsadm does"
replay -Ln --stats --exact
like "$OUT" "TCP  10.96.0.1:443 +12 +340 +300 123456789 2000000000" "--exact: whole numbers"
replay -Ln --rate
like "$OUT" "^Prot LocalAddress:Port +CPS +InPPS +OutPPS +InBPS +OutBPS" "--rate: the rate title"
replay -L
like "$OUT" "UDP  10.96.0.10:domain rr" "without -n: service names from /etc/services"
replay -Ln -t 10.96.0.10:9153
is "$OUT" "Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.96.0.10:9153 wlc persistent 10800
  -> 10.244.0.2:9153              Route   3      0          0         
  -> 10.244.1.3:9153              Tunnel  0      0          0         " "-t VIP:PORT: that service alone, no version line"
replay -Ln -u 10.96.0.99:53
ok_rc "$RC" 1 "an absent service exits 1"
replay -Ln -f 42
like "$OUT" "FWM  42 rr" "-f MARK: the firewall-mark service"
replay -Ln --json
printf '%s' "$OUT" >"$LAB_TMP/json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s=d["services"]; assert len(s)==5 and s[0]["destinations"][0]["address"]=="192.168.49.2"' "$LAB_TMP/json" \
	&& pass "--json: every service and its servers" || fail "--json: every service and its servers"
run "$SONDE" ipvsadm -A -t 10.0.0.1:80
ok_rc "$RC" 2 "-A is refused"
like "$ERR" "sonde is read-only" "the refusal says why"
run "$SONDE" ipvsadm --stats --rate
ok_rc "$RC" 2 "--stats with --rate is a usage error"

# The kernel's own IPVS, when it has one.
lab_ns vs
if lab_exec vs ipvsadm -Ln >/dev/null 2>&1; then
	lab_exec vs ipvsadm -A -t 10.96.0.1:443 -s rr
	lab_exec vs ipvsadm -a -t 10.96.0.1:443 -r 10.244.0.5:8443 -m -w 2
	lab_exec vs ipvsadm -A -u 10.96.0.10:53 -s wlc -p 300
	lab_exec vs ipvsadm -a -u 10.96.0.10:53 -r 10.244.0.6:53 -g
	for args in -Ln "-Ln --stats" "-Ln --rate" "-Ln -t 10.96.0.1:443"; do
		lab_run vs "$SONDE" ipvsadm $args
		is "$OUT" "$(lab_exec vs ipvsadm $args)" "ipvsadm $args: the same as ipvsadm's"
	done
	run ip netns exec "$(ns vs)" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$SONDE" ipvsadm -Ln
	ok_rc "$RC" 3 "without CAP_NET_ADMIN: exit 3"
else
	lab_run vs "$SONDE" ipvsadm -Ln
	ok_rc "$RC" 1 "no IPVS in this kernel: exit 1"
	is "$ERR" "sonde ipvsadm: this kernel has no IPVS (the ip_vs module is not loaded, or not built): no virtual services" \
		"no IPVS: said plainly"
	skip "live IPVS comparison with ipvsadm" "this kernel has no IPVS (ip_vs not built or not loadable)"
fi
done_testing
