#!/bin/bash
# sonde conntrack against conntrack-tools on the same table: a router
# namespace with forwarding, masquerade and a DNAT rule between a client and
# a server namespace; flows made by real traffic (TCP in several states, UDP
# replied and unreplied, ICMP, IPv6) and by `conntrack -I`.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd conntrack nft socat ping setpriv python3

lab_ns r
lab_ns c
lab_ns s
lab_link c 10.77.1.2/24 r 10.77.1.1/24 fd77:1::2/64 fd77:1::1/64
lab_link s 10.77.2.2/24 r 10.77.2.1/24 fd77:2::2/64 fd77:2::1/64
ip -n "$(ns c)" route add default via 10.77.1.1
ip -n "$(ns c)" -6 route add default via fd77:1::1
ip -n "$(ns s)" route add default via 10.77.2.1
ip -n "$(ns s)" -6 route add default via fd77:2::1
ip netns exec "$(ns r)" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
# NAT and ct rules load nf_conntrack for this namespace.
ip netns exec "$(ns r)" nft -f - <<'EOF'
table inet lab {
	chain forward_c { type filter hook forward priority 0; ct state established,related accept; }
	chain post_c { type nat hook postrouting priority 100; oifname "veth1" masquerade; }
	chain pre_c { type nat hook prerouting priority -100; iifname "veth0" ip daddr 10.77.1.1 udp dport 5353 dnat to 10.77.2.2:53; }
}
EOF
ip netns exec "$(ns r)" sysctl -qw net.netfilter.nf_conntrack_acct=1
# The server drops port 82: a connection to it stays in SYN_SENT.
ip netns exec "$(ns s)" nft add table ip drop82
ip netns exec "$(ns s)" nft add chain ip drop82 in '{ type filter hook input priority 0; }'
ip netns exec "$(ns s)" nft add rule ip drop82 in tcp dport 82 drop
max=$(ip netns exec "$(ns r)" cat /proc/sys/net/netfilter/nf_conntrack_max 2>/dev/null)
[ -n "$max" ] && pass "nf_conntrack is loaded in the router namespace (max $max)" || fail "nf_conntrack loaded"

# --- flows ------------------------------------------------------------------
lab_bg s socat TCP-LISTEN:80,reuseaddr,fork SYSTEM:'echo hello'
lab_bg s socat TCP6-LISTEN:80,ipv6only=1,reuseaddr,fork SYSTEM:'echo hello6'
lab_bg s socat TCP-LISTEN:81,reuseaddr,fork SYSTEM:'sleep 30'
lab_bg s socat UDP-RECVFROM:53,fork SYSTEM:'echo pong'
lab_wait_listen s 80
lab_wait_listen s 81
lab_wait_listen s 53 udp
C=$(ns c)
ip netns exec "$C" ping -c1 -W2 10.77.2.2 >/dev/null
ip netns exec "$C" ping -6 -c1 -W2 fd77:2::2 >/dev/null
ip netns exec "$C" socat -t1 - TCP:10.77.2.2:80 </dev/null >/dev/null     # closed: TIME_WAIT
ip netns exec "$C" socat -t1 - TCP6:[fd77:2::2]:80 </dev/null >/dev/null  # IPv6, closed
lab_bg c socat TCP:10.77.2.2:81 SYSTEM:'sleep 30'                        # ESTABLISHED
lab_bg c socat TCP:10.77.2.2:82,connect-timeout=30 SYSTEM:'sleep 30'     # SYN_SENT
echo ping | ip netns exec "$C" socat -t3 - UDP:10.77.1.1:5353 >/dev/null # DNAT, replied
echo ping | ip netns exec "$C" socat -u - UDP:10.77.2.2:9999             # unreplied
R=$(ns r)
ip netns exec "$R" conntrack -I -p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 1000 --dport 443 \
	--state ESTABLISHED -t 300 -u ASSURED -m 7 2>/dev/null
ip netns exec "$R" conntrack -I -p udp -s 192.0.2.2 -d 198.51.100.2 --sport 2000 --dport 53 -t 300 -w 5 2>/dev/null
ip netns exec "$R" conntrack -I -p udp -s 2001:db8::1 -d 2001:db8::2 --sport 3000 --dport 53 -t 300 2>/dev/null
sleep 0.5

# --- listings, byte for byte ---------------------------------------------
# Sorted (the kernel's hash order may differ between dumps), with the
# timeout column and delta-time masked: they tick between the two runs.
norm() {
	sed -E 's/^((ipv[46] +[0-9]+ )?[a-z0-9]+ +[0-9]+ )[0-9]+/\1T/; s/-t [0-9]+ /-t T /; s/delta-time=[0-9]+/delta-time=D/' |
		LC_ALL=C sort
}
# The table keeps moving between the two reads (a SYN_SENT entry's packet
# count grows with each retransmitted SYN): same_as_classic reads a
# mismatch once more.
compare() { # NAME ARGS...: sonde conntrack ARGS vs conntrack ARGS in the router
	local name=$1
	shift
	same_as_classic -f norm "$name" r conntrack "$@"
}

lab_run r "$SONDE" conntrack -L
ok_rc "$RC" 0 "-L exits 0"
like "$ERR" "^sonde conntrack: [0-9]+ flow entries have been shown\.$" "-L: the count goes to stderr in sonde's words"
for want in ' TIME_WAIT ' ' ESTABLISHED ' ' SYN_SENT ' '^icmp ' '^icmpv6 ' 'dport=5353 .*src=10.77.2.2 ' \
	'dport=5353 packets=[0-9]+ bytes=[0-9]+ (\[UNREPLIED\] )?src=10.77.2.2 ' 'dport=9999 .*\[UNREPLIED\]' 'src=fd77:1::2 dst=fd77:2::2 sport=[0-9]+ dport=80' 'zone=5' 'mark=7'; do
	like "$OUT" "$want" "-L lists an entry matching /$want/"
done
compare "-L equals conntrack -L (v4 and v6 together)" -L
compare "-L -o extended" -L -o extended
compare "-L -o id" -L -o id
compare "-L -o save" -L -o save
compare "-L -o extended,id" -L -o extended,id
compare "-L conntrack (table name)" -L conntrack
compare "-L -p tcp" -L -p tcp
compare "-L -p udp" -L -p udp
compare "-L -p icmp" -L -p icmp
compare "-L -f ipv6" -L -f ipv6
compare "-L -f ipv4" -L -f ipv4
compare "-L -s 10.77.1.2" -L -s 10.77.1.2
compare "-L -d 10.77.2.2" -L -d 10.77.2.2
compare "-L -r 10.77.2.2" -L -r 10.77.2.2
compare "-L -q 10.77.2.1" -L -q 10.77.2.1
compare "-L -s 10.77.0.0/16 (CIDR)" -L -s 10.77.0.0/16
compare "-L -p tcp --dport 80" -L -p tcp --dport 80
compare "-L -p udp --sport 2000" -L -p udp --sport 2000
compare "-L -p udp --reply-port-src 53" -L -p udp --reply-port-src 53
compare "-L -p udp --reply-port-dst 3000" -L -p udp --reply-port-dst 3000
compare "-L -p tcp --state ESTABLISHED" -L -p tcp --state ESTABLISHED
compare "-L -p tcp --state SYN_SENT" -L -p tcp --state SYN_SENT
compare "-L -u ASSURED" -L -u ASSURED
compare "-L -u SEEN_REPLY" -L -u SEEN_REPLY
compare "-L -u UNREPLIED" -L -u UNREPLIED
compare "-L -m 7" -L -m 7
compare "-L -m 0/0xff" -L -m 0/0xff
compare "-L -w 5" -L -w 5
compare "-L -n (src-nat)" -L -n
compare "-L -g (dst-nat)" -L -g
compare "-L -p icmp -d 10.77.2.2" -L -p icmp -d 10.77.2.2
compare "-C" -C
compare "-S (per-CPU statistics)" -S
compare "-G by original tuple" -G -p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 1000 --dport 443
compare "-G -o extended" -G -o extended -p udp -s 2001:db8::1 -d 2001:db8::2 --sport 3000 --dport 53
lab_run r "$SONDE" conntrack -G -p udp -s 192.0.2.2 -d 198.51.100.2 --sport 2000 --dport 53 -w 5
like "$OUT" "zone=5 use=" "-G -w ZONE finds the entry in that zone"
lab_run r "$SONDE" conntrack -G -p udp -s 192.0.2.2 -d 198.51.100.2 --sport 2000 --dport 53
ok_rc "$RC" 1 "-G without the zone does not find an entry of zone 5"

lab_run r "$SONDE" conntrack -L -p udp --sport 2000
is "$(printf '%s\n' "$OUT" | grep -c .)" "1" "-L with a port filter shows the one entry"
lab_run r "$SONDE" conntrack -C -p udp
ok_rc "$RC" 0 "-C with a filter"
is "$OUT" "$(ip netns exec "$R" conntrack -L -p udp 2>/dev/null | grep -c .)" "-C -p udp counts the UDP entries"
run "$SONDE" conntrack --netns "$R" -L
is "$(printf '%s\n' "$OUT" | norm)" "$(ip netns exec "$R" conntrack -L 2>/dev/null | norm)" "--netns NAME lists that namespace's table"
lab_run r "$SONDE" conntrack -G -p tcp -s 192.0.2.1 -d 198.51.100.1 --sport 1000 --dport 444
ok_rc "$RC" 1 "-G of an entry that does not exist exits 1"
like "$ERR" "no such entry" "-G says there is no such entry"
lab_run r "$SONDE" conntrack -G -p tcp -s 192.0.2.1
ok_rc "$RC" 2 "-G without a whole tuple is a usage error"

# --- JSON -------------------------------------------------------------------
lab_run r "$SONDE" conntrack -L --json
python3 - "$OUT" <<'EOF' && pass "-L --json: one document, typed tuples" || fail "-L --json"
import json, sys
d = json.loads(sys.argv[1])
e = [x for x in d["entries"] if x["proto"] == "tcp" and x["original"].get("dport") == 443][0]
assert d["count"] == len(d["entries"])
assert e["original"]["src"] == "192.0.2.1" and e["original"]["sport"] == 1000 and e["mark"] == 7
assert e["state"] == "ESTABLISHED" and e["assured"] is True and isinstance(e["timeout_s"], int)
assert any(x["family"] == "ipv6" for x in d["entries"])
EOF
lab_run r "$SONDE" conntrack -S --json
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert "insert_failed" in d["cpus"][0]' "$OUT" \
	&& pass "-S --json" || fail "-S --json" "$OUT"
lab_run r "$SONDE" conntrack -C --json
like "$OUT" '^\{"count":[0-9]+,"max":[0-9]+\}$' "-C --json"

# --- --summary --------------------------------------------------------------
lab_run r "$SONDE" conntrack --summary
ok_rc "$RC" 0 "--summary exits 0"
like "$OUT" "^table +[0-9]+ of $max entries" "--summary: table usage against nf_conntrack_max"
like "$OUT" "top dst ports .*udp/53" "--summary: top destination ports"
like "$OUT" "unreplied +[0-9]+ of [0-9]+ entries" "--summary: the unreplied share"
like "$OUT" "insert_failed +[0-9]+ .*5-second DNS" "--summary explains insert_failed"
like "$OUT" "early_drop" "--summary lists early_drop"
# Three TCP entries that outlive any slow run (the flows above expire after
# 30 s and TIME_WAIT after 120 s; an ASan run two tests at a time took longer).
for port in 1001 1002 1003; do
	ip netns exec "$R" conntrack -I -p tcp -s 192.0.2.3 -d 198.51.100.3 --sport "$port" --dport 443 \
		--state ESTABLISHED -t 600 2>/dev/null
done
lab_run r "$SONDE" conntrack --summary --json
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["table"]["max"] > 0 and "drop" in d["counters"] and d["protocols"]["tcp"] >= 3' "$OUT" \
	&& pass "--summary --json" || fail "--summary --json" "$OUT"

# --- delete -----------------------------------------------------------------
lab_run r "$SONDE" conntrack -D
ok_rc "$RC" 2 "-D without a filter is refused"
like "$ERR" "--all" "the refusal names --all"
# The same entry deleted by each tool: the printed lines must agree.
mk() { ip netns exec "$R" conntrack -I -p udp -s 192.0.2.9 -d 198.51.100.9 --sport 53 --dport 5353 -t 300 -m 3 2>/dev/null; }
mk
want=$(ip netns exec "$R" conntrack -D -p udp -s 192.0.2.9 2>/dev/null | norm)
mk
lab_run r "$SONDE" conntrack -D -p udp -s 192.0.2.9
ok_rc "$RC" 0 "-D with a filter exits 0"
is "$(printf '%s\n' "$OUT" | norm)" "$want" "-D prints the deleted entry as conntrack -D does"
is "$ERR" "sonde conntrack: 1 flow entries have been deleted." "-D says how many it deleted"
is "$(ip netns exec "$R" conntrack -L -s 192.0.2.9 2>/dev/null)" "" "the entry is gone"
lab_run r "$SONDE" conntrack -D -p udp -s 192.0.2.9
ok_rc "$RC" 1 "-D that matches nothing exits 1"
# Stale DNAT entries: clearing the UDP entries translated to the old server.
# A replied UDP entry lives 30 s: on a loaded machine the one made at the
# start may be gone by now, so make a fresh one.
echo ping | ip netns exec "$C" socat -t3 - UDP:10.77.1.1:5353 >/dev/null
lab_run r "$SONDE" conntrack -D -p udp -g 10.77.2.2:53
ok_rc "$RC" 0 "-D -g with its value as a separate word (conntrack-tools' syntax)"
like "$ERR" "^sonde conntrack: [1-9][0-9]* flow entries have been deleted\.$" "-D -p udp -g ADDR:PORT deletes the DNAT entries"
is "$(ip netns exec "$R" conntrack -L -p udp --dport 5353 2>/dev/null)" "" "no DNAT entry is left"

# --- events -----------------------------------------------------------------
evnorm() { sed -E 's/ progname=[^ ]*$//' | LC_ALL=C sort; }
ip netns exec "$R" timeout -s INT 4 conntrack -E >"$LAB_TMP/ev.want" 2>/dev/null &
want_pid=$!
ip netns exec "$R" timeout -s INT 4 "$SONDE" conntrack -E >"$LAB_TMP/ev.got" 2>"$LAB_TMP/ev.err" &
got_pid=$!
sleep 0.7
ip netns exec "$C" socat -t1 - TCP:10.77.2.2:80 </dev/null >/dev/null
echo ping | ip netns exec "$C" socat -u - UDP:10.77.2.2:9997
ip netns exec "$R" conntrack -I -p udp -s 192.0.2.7 -d 198.51.100.7 --sport 7 --dport 7 -t 300 2>/dev/null
ip netns exec "$R" conntrack -D -p udp -s 192.0.2.7 >/dev/null 2>&1
wait "$want_pid" "$got_pid"
like "$(cat "$LAB_TMP/ev.err")" "^sonde conntrack: [0-9]+ flow events have been shown\.$" "-E ends with its count on SIGINT"
is "$(evnorm <"$LAB_TMP/ev.got")" "$(evnorm <"$LAB_TMP/ev.want")" "-E lines equal conntrack -E's"
is "$(grep -c '^    \[NEW\] udp .*sport=7 dport=7' "$LAB_TMP/ev.got")" "1" "a created entry is reported once as NEW"
is "$(grep -c '^\[DESTROY\] udp .*sport=7 dport=7' "$LAB_TMP/ev.got")" "1" "a deleted entry is reported once as DESTROY"
is "$(grep -c '^    \[NEW\] tcp .*dport=80 ' "$LAB_TMP/ev.got")" "1" "a TCP connection is reported once as NEW"
like "$(cat "$LAB_TMP/ev.got")" 'TIME_WAIT' "its close is reported as updates"

ip netns exec "$R" timeout 10 "$SONDE" conntrack -E -e NEW --max-events 1 -p udp --json >"$LAB_TMP/ev.json" 2>/dev/null &
got_pid=$!
sleep 0.5
echo ping | ip netns exec "$C" socat -u - UDP:10.77.2.2:9996
wait "$got_pid"
ok_rc "$?" 0 "-E --max-events 1 stops by itself"
python3 - "$LAB_TMP/ev.json" <<'EOF' && pass "-E --json is NDJSON ending with a summary" || fail "-E --json" "$(cat "$LAB_TMP/ev.json")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 2 and lines[0]["type"] == "new" and lines[0]["proto"] == "udp"
assert "event" not in lines[0] and "summary" not in lines[1]
assert lines[0]["original"]["dport"] == 9996
assert lines[1]["type"] == "summary" and lines[1]["events"] == 1 and lines[1]["overruns"] == 0
EOF
lab_run r timeout 10 "$SONDE" conntrack -E --duration 0.3
ok_rc "$RC" 0 "-E --duration ends on time"

# --- doctor -----------------------------------------------------------------
lab_run r "$SONDE" doctor --json
python3 - "$OUT" "$max" <<'EOF' && pass "doctor reports the table's fill and counters" || fail "doctor conntrack checks" "$OUT"
import json, sys
checks = [c for c in json.loads(sys.argv[1])["checks"] if c["section"] == "conntrack"]
table = [c for c in checks if c["name"] == "table"][0]
counters = [c for c in checks if c["name"] == "counters"][0]
assert table["status"] == "pass" and table["max"] == int(sys.argv[2]) and table["entries"] > 0
assert "insert_failed" in counters and counters["status"] in ("pass", "warn")
EOF

# --- privilege and usage ----------------------------------------------------
noroot() { lab_run r setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all --bounding-set=-all "$SONDE" conntrack "$@"; }
noroot -L
ok_rc "$RC" 3 "-L without CAP_NET_ADMIN exits 3"
like "$ERR" "needs CAP_NET_ADMIN" "it names the capability"
like "$ERR" "NET_ADMIN to the container's securityContext" "and the Kubernetes way to grant it"
noroot -E --duration 1
ok_rc "$RC" 3 "-E without CAP_NET_ADMIN exits 3"
noroot -C
ok_rc "$RC" 0 "-C without CAP_NET_ADMIN falls back to the sysctl count"
run "$SONDE" conntrack
ok_rc "$RC" 2 "no command is a usage error"
run "$SONDE" conntrack -L -C
ok_rc "$RC" 2 "two commands are a usage error"
run "$SONDE" conntrack -L --sport 80
ok_rc "$RC" 2 "--sport without -p is a usage error"
run "$SONDE" conntrack -L -o xml
ok_rc "$RC" 2 "an unknown -o format is a usage error"
run "$SONDE" conntrack -L -o save,extended
ok_rc "$RC" 2 "-o save does not combine"
run "$SONDE" conntrack -L expect
ok_rc "$RC" 2 "only the conntrack table"
done_testing
