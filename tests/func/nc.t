#!/bin/bash
# nc: command-line handling, and -z port checks compared line by line with
# netcat-openbsd run in the same lab namespace with the same arguments.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd nc.openbsd socat ss

# --- usage ------------------------------------------------------------------
run "$SONDE" nc --help
ok_rc "$RC" 0 "--help exits 0"
for opt in -l -k -u -U -z -w -q -N -n -s -p -d -4 -6 -v --ssl --ssl-verify --ssl-ca --json --netns; do
	like "$OUT" "^ *(-[a-zA-Z46], )?$opt( |$|\[)" "--help lists $opt"
done
like "$OUT" "No -e/-c" "--help says there is no command execution"

usage_case() { # NAME WANT_ERR_REGEX ARGS...
	local name=$1 want=$2
	shift 2
	run "$SONDE" nc "$@"
	ok_rc "$RC" 2 "$name: exit 2"
	like "$ERR" "^sonde nc: $want" "$name: message"
	is "$(printf '%s\n' "$ERR" | wc -l)" 1 "$name: one line"
}
usage_case "unknown option" "unknown option -X" -X 127.0.0.1 80
usage_case "port 99999" "invalid port '99999': port number too large" 127.0.0.1 99999
usage_case "port 99999 with -z" "invalid port '99999': port number too large" -z 127.0.0.1 99999
usage_case "port 0" "invalid port '0': port number too small" -z 127.0.0.1 0
usage_case "bad item in a list" "invalid port '80,x1': unknown service name in x1" -z 127.0.0.1 80,x1
usage_case "missing operand" "missing operand" 127.0.0.1
usage_case "no operand" "missing operand" 
usage_case "-p 99999" "-p: not a port number" -l -p 99999
usage_case "-k without -l" "-k needs -l" -k 127.0.0.1 80
usage_case "-l with -z" "-l and -z exclude each other" -l -z 80
usage_case "--ssl with -l" "--ssl only connects: sonde nc is a TLS client, not a TLS server" --ssl -l 8443
usage_case "--json in data mode" "--json needs -z" --json 127.0.0.1 80
usage_case "range in data mode" "'80-81' names several ports" 127.0.0.1 80-81
usage_case "-w garbage" "-w: not a number" -w soon 127.0.0.1 80

# --- lab: a client namespace and a server namespace -------------------------
lab_ns cli
lab_ns srv
lab_link cli 10.77.0.1/24 srv 10.77.0.2/24 fd77::1/64 fd77::2/64
lab_resolv_conf cli "nameserver 127.0.0.1"
# UDP checks read ICMP refusals: the kernel's per-peer rate limit would
# make a refusal go missing depending on what ran just before.
lab_exec srv sysctl -qw net.ipv4.icmp_ratelimit=0
lab_bg srv nc.openbsd -lk 10.77.0.2 8001
lab_bg srv nc.openbsd -lk 10.77.0.2 8003
lab_bg srv nc.openbsd -lk -6 fd77::2 8001
lab_wait_listen srv 8001
lab_wait_listen srv 8003

# compare_z NAME ARGS...: same exit status and same -v lines as nc.openbsd.
compare_z() {
	local name=$1 want_rc want_err
	shift
	lab_run cli nc.openbsd "$@"
	want_rc=$RC
	want_err=$(printf '%s\n' "$ERR" | sed 's/^nc\.openbsd: /nc: /')
	lab_run cli "$SONDE" nc "$@"
	ok_rc "$RC" "$want_rc" "$name: exit status as netcat-openbsd ($want_rc)"
	is "$(printf '%s\n' "$ERR" | sed 's/^sonde nc: /nc: /')" "$want_err" "$name: -v lines as netcat-openbsd"
}
compare_z "range with open and closed" -zv 10.77.0.2 8000-8004
compare_z "two port operands" -zv 10.77.0.2 8001 8002
compare_z "one closed port" -zv 10.77.0.2 8002
compare_z "all closed" -zv 10.77.0.2 8004 8005
compare_z "-n" -zvn 10.77.0.2 8003
compare_z "quiet -z, open" -z 10.77.0.2 8001
compare_z "quiet -z, closed" -z 10.77.0.2 8000
compare_z "reversed range" -zv 10.77.0.2 8003-8001
compare_z "IPv6" -zv fd77::2 8000-8001
compare_z "-6" -zv6 fd77::2 8001
lab_run cli nc.openbsd -zv4 fd77::2 8001
want_rc=$RC
lab_run cli "$SONDE" nc -zv4 fd77::2 8001
ok_rc "$RC" "$want_rc" "-4 with an IPv6 address: exit status as netcat-openbsd"
is "$ERR" "sonde nc: cannot resolve fd77::2: no address of the requested family" \
	"-4 with an IPv6 address: sonde's own wording (netcat prints getaddrinfo's)"

# Lists are sonde's own (netcat-openbsd 1.219 refuses "8000-8001,8003").
lab_run cli "$SONDE" nc -zv 10.77.0.2 8000-8001,8003
ok_rc "$RC" 0 "a list: exit 0 when a port is open"
is "$ERR" "sonde nc: connect to 10.77.0.2 port 8000 (tcp) failed: Connection refused
Connection to 10.77.0.2 8001 port [tcp/*] succeeded!
Connection to 10.77.0.2 8003 port [tcp/*] succeeded!" "a list: one line per port"
is "$OUT" "" "-z prints nothing on stdout without --json"

# --- --json -------------------------------------------------------------------
lab_run cli "$SONDE" nc -z --json 10.77.0.2 8000-8001 ssh
ok_rc "$RC" 0 "--json: exit 0 when a port is open"
json_states=$(python3 -c '
import json, sys
doc = json.loads(sys.argv[1])
for p in doc["ports"]:
    print(p["host"], p["address"], p["port"], p["protocol"], p["service"], p["state"], p["error"],
          type(p["connect_ms"]).__name__)
print("checked", doc["checked"], "open", doc["open"])
' "$OUT")
is "$json_states" "10.77.0.2 10.77.0.2 8000 tcp None closed Connection refused float
10.77.0.2 10.77.0.2 8001 tcp None open None float
10.77.0.2 10.77.0.2 22 tcp ssh closed Connection refused float
checked 3 open 1" "--json: every port with its state"

# --- UDP -z ------------------------------------------------------------------
lab_bg srv socat -u UDP-RECV:9001,bind=10.77.0.2 /dev/null
lab_wait_listen srv 9001 udp
compare_z "UDP range" -zvu -w1 10.77.0.2 9000-9002
compare_z "UDP open last" -zvu -w1 10.77.0.2 9002 9001
compare_z "UDP closed" -zvu -w1 10.77.0.2 9003
# netcat-openbsd 1.219 probes UDP ports only with -v (without it every UDP
# port "succeeds"); sonde always probes (docs/nc.md, differences).
lab_run cli "$SONDE" nc -zu -w1 10.77.0.2 9003
ok_rc "$RC" 1 "UDP closed without -v: still probed, exit 1"
lab_run cli "$SONDE" nc -zu -w1 --json 10.77.0.2 9000-9001
is "$(python3 -c 'import json,sys; print(" ".join(p["state"] for p in json.loads(sys.argv[1])["ports"]))' "$OUT")" \
	"closed open" "UDP --json: refused is closed, silence is open"

# --- -w against a port that drops SYNs --------------------------------------
if command -v nft >/dev/null 2>&1 &&
	lab_exec srv nft 'add table inet sondetest; add chain inet sondetest input { type filter hook input priority 0; }; add rule inet sondetest input tcp dport 8009 drop' 2>/dev/null; then
	compare_z "-w on a dropping port" -zv -w1 10.77.0.2 8009
	start=$(date +%s%N)
	lab_run cli "$SONDE" nc -w 1 10.77.0.2 8009
	elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
	ok_rc "$RC" 1 "-w in data mode: a connect timeout exits 1"
	[ "$elapsed_ms" -ge 900 ] && [ "$elapsed_ms" -lt 5000 ] && pass "-w 1 gives up after about a second" \
		|| fail "-w 1 gives up after about a second" "took ${elapsed_ms} ms"
	lab_run cli "$SONDE" nc -z -w 0.5 --json 10.77.0.2 8009
	like "$OUT" '"state":"timeout"' "--json: a dropped SYN is a timeout"
else
	skip "-w against a dropped SYN" "nft is not available for a DROP rule"
fi

# --- --netns from the root namespace ----------------------------------------
lab_bg srv nc.openbsd -lk 127.0.0.1 8101
lab_wait_listen srv 8101
run "$SONDE" nc --netns "$(ns srv)" -zv 127.0.0.1 8101
ok_rc "$RC" 0 "--netns: the port inside the namespace is open"
is "$ERR" "Connection to 127.0.0.1 8101 port [tcp/*] succeeded!" "--netns: netcat's success line"
run "$SONDE" nc --netns "$(ns srv)" -zv 127.0.0.1 8102
ok_rc "$RC" 1 "--netns: a closed port inside the namespace exits 1"

# --- -s and -p for the source ------------------------------------------------
lab_bg srv sh -c "'$SONDE' nc -l -v -n 10.77.0.2 8200 >/dev/null 2>'$LAB_TMP/src.err'"
srv_pid=$LAST_BG_PID
lab_wait_listen srv 8200
lab_run cli "$SONDE" nc -N -s 10.77.0.1 -p 40123 10.77.0.2 8200
ok_rc "$RC" 0 "-s/-p: connects"
wait "$srv_pid"
is "$(cat "$LAB_TMP/src.err")" "Listening on 10.77.0.2 8200
Connection received on 10.77.0.1 40123" "-s/-p: the server sees the chosen source address and port"

done_testing
