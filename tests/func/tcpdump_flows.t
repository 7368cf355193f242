#!/bin/bash
# sonde tcpdump --flows: the connection table.  A capture written with known
# values (tests/func/lab/tcpdump_synth.py: RTTs, a retransmission, a reset,
# a zero window, a SYN sent twice) read with -r; then lab traffic recorded
# by the real tcpdump: every flow's packets and bytes as tcpdump counts them
# with a filter for that flow, the handshake RTT as tcpdump's timestamps
# give it.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd tcpdump python3 socat nc

python3 "$TESTS_DIR/func/lab/tcpdump_synth.py" flows "$LAB_TMP/flows.pcap"

# --- a capture with known values ------------------------------------------------
run "$SONDE" tcpdump --flows -r "$LAB_TMP/flows.pcap"
ok_rc "$RC" 0 "--flows -r exits 0"
want='PROTO CLIENT           SERVER         PACKETS       BYTES  DURATION_S     RTT_MS RETRANS RESETS ZERO_WIN
tcp   10.0.0.1.50000 > 10.0.0.2.80          9        2460    0.300000     11.000       1      1        1
tcp   10.0.0.1.50002 > 10.0.0.2.82          4         160    1.003000      3.000       1      0        0
udp   10.0.0.1.40000 > 10.0.0.3.9999        3         114    0.500000          -       -      -        -
tcp   10.0.0.1.50001 > 10.0.0.2.81          2          80    0.001000          -       0      1        0
4 flows, 18 packets, 2814 bytes'
is "$OUT" "$want" "the table: largest first, packets, bytes, duration, handshake RTT, retransmissions, resets, zero windows"

run "$SONDE" tcpdump --json --flows -r "$LAB_TMP/flows.pcap"
like "$(head -n1 <<<"$OUT")" '^\{"type":"flow","protocol":"tcp","client":\{"address":"10\.0\.0\.1","port":50000\},"server":\{"address":"10\.0\.0\.2","port":80\},"packets":9,"bytes":2460,"duration_s":0\.3,"handshake_rtt_ms":11,"retransmissions":1,"resets":1,"zero_windows":1\}$' \
	"--json --flows: a flow record"
like "$OUT" '"protocol":"udp",.*"handshake_rtt_ms":null,"retransmissions":null,"resets":null,"zero_windows":null\}' \
	"--json --flows: what UDP has not is null"
is "$(tail -n1 <<<"$OUT")" '{"type":"summary","flows":4,"packets":18,"bytes":2814,"other_packets":0,"complete":true}' \
	"--json --flows: the summary record last"

run "$SONDE" tcpdump --flows -r "$LAB_TMP/flows.pcap" tcp port 81
like "$(sed -n 2p <<<"$OUT")" '^tcp   10\.0\.0\.1\.50001 > 10\.0\.0\.2\.81 +2 +80 +0\.001000 +- +0 +1 +0$' \
	"--flows with a filter: the flows of the packets that pass"
run "$SONDE" tcpdump --flows -t -r "$LAB_TMP/flows.pcap"
ok_rc "$RC" 2 "--flows with -t is refused"

# --- recorded in the lab ------------------------------------------------------------
lab_ns a
lab_ns b
A=$(ns a)
lab_link a 10.70.0.1/24 b 10.70.0.2/24
head -c 200000 /dev/zero >"$LAB_TMP/blob"
lab_bg b socat TCP-LISTEN:7070,reuseaddr,fork OPEN:"$LAB_TMP/blob"
lab_wait_listen b 7070
ip netns exec "$A" tcpdump --immediate-mode -i veth0 -U -w "$LAB_TMP/lab.pcap" 2>"$LAB_TMP/td.err" &
td=$!
for i in $(seq 1 100); do
	grep -q "listening on" "$LAB_TMP/td.err" 2>/dev/null && break
	sleep 0.05
done
lab_exec a sh -c 'nc -w2 10.70.0.2 7070 >/dev/null </dev/null'
lab_exec a sh -c 'echo hi | nc -w1 10.70.0.2 7071' >/dev/null 2>&1
lab_exec a sh -c 'echo hi | nc -u -w1 10.70.0.2 9999' >/dev/null 2>&1
sleep 0.3
kill -INT $td
wait $td 2>/dev/null

run "$SONDE" tcpdump --flows -r "$LAB_TMP/lab.pcap"
ok_rc "$RC" 0 "--flows of tcpdump's recording exits 0"
table=$OUT
# Each flow's packets and bytes against tcpdump's own reading of the file.
# tcpdump -v prints each IP header's total length: "length N)".
flow_counts() { # FILTER
	tcpdump -nn -v -r "$LAB_TMP/lab.pcap" "$1" 2>/dev/null |
		sed -nE 's/.* length ([0-9]+)\)$/\1/p; s/.*, length ([0-9]+)\)$/\1/p' |
		awk '{n++; b+=$1} END {printf "%d %d\n", n, b}'
}
check_flow() { # LINE_REGEX FILTER NAME
	local line want got
	line=$(grep -E "$1" <<<"$table")
	want=$(flow_counts "$2")
	got=$(awk '{print $5, $6}' <<<"$line")
	[ -n "$line" ] && [ "$got" = "$want" ] && pass "$3: packets and bytes as tcpdump counts them ($got)" ||
		fail "$3: packets and bytes as tcpdump counts them" "want: $want" "got: $got" "$table"
}
check_flow '^tcp +10\.70\.0\.1\.[0-9]+ +> 10\.70\.0\.2\.7070 ' 'tcp port 7070' "a 200 KB download"
check_flow '^tcp +10\.70\.0\.1\.[0-9]+ +> 10\.70\.0\.2\.7071 ' 'tcp port 7071' "a refused connection"
check_flow '^udp +10\.70\.0\.1\.[0-9]+ +> 10\.70\.0\.2\.9999 ' 'udp port 9999' "a UDP exchange"
like "$(sed -n 2p <<<"$table")" '10\.70\.0\.2\.7070 ' "the largest flow first"
like "$(grep 7071 <<<"$table")" ' 1 +0$' "the refused connection's reset"
# The handshake RTT from tcpdump's timestamps: the client's SYN to its
# first packet after the SYN-ACK.
want_rtt=$(tcpdump -tt -nn -r "$LAB_TMP/lab.pcap" 'tcp port 7070' 2>/dev/null | awk '
	/ > 10\.70\.0\.2\.7070: Flags \[S\]/ { syn = $1; next }
	/ 10\.70\.0\.2\.7070 > .*Flags \[S\.\]/ { synack = 1; next }
	synack && / > 10\.70\.0\.2\.7070: / { printf "%.3f\n", ($1 - syn) * 1000; exit }')
got_rtt=$(grep ' 10\.70\.0\.2\.7070 ' <<<"$table" | awk '{print $8}')
[ -n "$want_rtt" ] && [ "$got_rtt" = "$want_rtt" ] && pass "the handshake RTT from tcpdump's timestamps ($got_rtt ms)" ||
	fail "the handshake RTT from tcpdump's timestamps" "want: $want_rtt" "got: $got_rtt"

done_testing
