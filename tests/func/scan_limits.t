#!/bin/bash
# scan when the host, not the network, limits it: a low descriptor limit
# (ulimit -n) must slow a connect scan, never change its port states; and
# Ctrl-C stops a scan at once with the report of what was found, exit 130
# as nmap.  Only lab addresses are ever scanned.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd nmap socat knotd nft setpriv python3
. "$(dirname "$0")/lab/scan_lab.bash"
scan_lab_up
# More open ports, spread over the whole range, than the lab's three.
EXTRA_OPEN="443 5432 9100 40000 65000"
for p in $EXTRA_OPEN; do lab_bg tg socat TCP6-LISTEN:$p,ipv6only=0,reuseaddr,fork SYSTEM:true; done
for p in $EXTRA_OPEN; do lab_wait_listen tg "$p" || { echo "Bail out! tg: nothing on $p"; exit 1; }; done

open_ports() { grep -E '^[0-9]+/tcp +open ' | awk '{print $1}' | tr '\n' ' '; }

# --- a low descriptor limit --------------------------------------------------
# ulimit -n 64 sets both limits: 64 descriptors in all, a few already open.
limited() { lab_run sc bash -c 'ulimit -n 64 && exec "$@"' limited "$@"; }

limited "$SONDE" scan -n -sT -p- $TG_V4
ok_rc "$RC" 0 "ulimit -n 64, -sT -p-: exit 0"
ours=$(printf '%s\n' "$OUT" | port_states)
like "$(printf '%s\n' "$OUT" | open_ports)" "^22/tcp 53/tcp 80/tcp 443/tcp 5432/tcp 8080/tcp 9100/tcp 40000/tcp 65000/tcp $" \
	"ulimit -n 64, -sT -p-: every open port found"
unlike "$OUT" "\(error\)" "ulimit -n 64: no port in an error state"
like "$ERR" "note: [0-9]+ file descriptors free \(limit 64\): at most [0-9]+ connect probes at once" \
	"ulimit -n 64: the slow scan is said on stderr"
limited nmap -n -sT -p- $TG_V4
is "$ours" "$(printf '%s\n' "$OUT" | port_states)" "ulimit -n 64: the port states nmap finds under the same limit"
lab_run sc "$SONDE" scan -n -sT -p- $TG_V4
is "$(printf '%s\n' "$OUT" | port_states)" "$ours" "ulimit -n 64: the port states found without the limit"
unlike "$ERR" "file descriptors free" "no note without a limit"
limited "$SONDE" scan -n -sT -p 22,80 $TG_V4
unlike "$ERR" "file descriptors free" "ulimit -n 64: no note when the scan fits the descriptors"

# Tighter still: three probes at once, the states still nmap's.
lab_run sc bash -c 'ulimit -n 12 && exec "$@"' limited "$SONDE" scan -n -sT -p 1-1100,8080 $TG_V4
ok_rc "$RC" 0 "ulimit -n 12: exit 0"
ours=$(printf '%s\n' "$OUT" | port_states)
lab_run sc bash -c 'ulimit -n 12 && exec "$@"' limited nmap -n -sT -p 1-1100,8080 $TG_V4
is "$ours" "$(printf '%s\n' "$OUT" | port_states)" "ulimit -n 12: the port states nmap finds under the same limit"
like "$ours" "443/tcp open" "ulimit -n 12: open ports found"

# --- Ctrl-C ----------------------------------------------------------------
# A slow scan: the open ports answer first, then dropped ports that each
# wait out their timeouts.  SIGINT after a second: exit 130 promptly, the
# ports found so far reported, the rest said to be unscanned.
SLOW_PORTS=22,80,3000-3039
interrupt_after() { # SECS CMD...: SIGINT after SECS; sets OUT ERR RC and MS (from the signal to exit)
	local secs=$1; shift
	ip netns exec "$(ns sc)" timeout -k 5 60 "$@" >"$LAB_TMP/out" 2>"$LAB_TMP/err" &
	local pid=$! start
	sleep "$secs"
	start=$(date +%s%N)
	# timeout(1) passes the signal on to the scan.
	kill -INT "$pid"
	wait "$pid"
	RC=$?
	MS=$(( ($(date +%s%N) - start) / 1000000 ))
	OUT=$(cat "$LAB_TMP/out")
	ERR=$(cat "$LAB_TMP/err")
}

interrupted() { # NAME: the checks every interrupted scan must pass
	ok_rc "$RC" 130 "$1: exit 130"
	[ "$MS" -lt 1500 ] && pass "$1: stops within 1.5 s of SIGINT (${MS} ms)" || fail "$1: stops late" "${MS} ms"
	like "$ERR" "interrupted" "$1: says it was interrupted"
}

interrupt_after 1 "$SONDE" scan -n -sT --max-retries 10 --scan-delay 20ms -p $SLOW_PORTS $TG_V4
interrupted "-sT"
is "$(printf '%s\n' "$OUT" | open_ports)" "22/tcp 80/tcp " "-sT: the open ports found before the interrupt are reported"
like "$OUT" "^Not scanned \(interrupted\): [0-9]+ tcp ports$" "-sT: the ports without a state are counted, not guessed"
like "$OUT" "^Scan done \(interrupted\): 1 IP address \(1 host up\)" "-sT: the summary line says the scan was cut short"

interrupt_after 1 "$SONDE" scan -n -sS --max-retries 10 --scan-delay 20ms -p $SLOW_PORTS $TG_V4
interrupted "-sS"
is "$(printf '%s\n' "$OUT" | open_ports)" "22/tcp 80/tcp " "-sS: the open ports found are reported"

# UDP against the kernel's ICMP rate limit (as shipped) is slow by nature.
lab_exec tg sysctl -qw net.ipv4.icmp_ratelimit=1000
interrupt_after 1.5 "$SONDE" scan -n -sU -p 7,1-2000 $TG_V4
interrupted "-sU"
like "$OUT" "^7/udp +open " "-sU: the open port found is reported"
like "$OUT" "^Not scanned \(interrupted\): [0-9]+ udp ports$" "-sU: the unscanned ports are counted"

interrupt_after 1 "$SONDE" nmap -n -sT --max-retries 10 --scan-delay 20ms -p $SLOW_PORTS $TG_V4
interrupted "as nmap"
like "$OUT" "^Nmap done \(interrupted\): " "as nmap: nmap's summary word"

interrupt_after 1 "$SONDE" scan -n -sT --max-retries 10 --scan-delay 20ms -p $SLOW_PORTS --json $TG_V4
interrupted "--json"
run python3 -c 'import json, sys
d = json.loads(sys.argv[1])
h = d["hosts"][0]
print(" ".join(str(p["port"]) for p in h["ports"] if p["state"] == "open"), h["not_scanned"] > 0, d["summary"]["interrupted"])' "$OUT"
is "$OUT" "22 80 True True" "--json: a whole document with the ports found, the count not scanned, interrupted"

done_testing
