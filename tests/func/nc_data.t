#!/bin/bash
# nc moving data: connect and listen in both directions between two lab
# namespaces (IPv4 and IPv6), -k, UDP, unix sockets, -N, -q, -d, and 100 MB
# each way arriving byte-identical.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd nc.openbsd socat ss sha256sum

lab_ns cli
lab_ns srv
lab_link cli 10.78.0.1/24 srv 10.78.0.2/24 fd78::1/64 fd78::2/64
SERVER_OUT=$LAB_TMP/server.out

# serve NS PORT[/udp] CMD...: a server whose stdout lands in $SERVER_OUT;
# waits until it listens.
serve() {
	local ns=$1 port=${2%/udp} proto=tcp
	[ "$2" != "$port" ] && proto=udp
	shift 2
	: >"$SERVER_OUT"
	lab_bg "$ns" sh -c '"$@" >"$0"' "$SERVER_OUT" "$@"
	SERVER_PID=$LAST_BG_PID
	lab_wait_listen "$ns" "$port" "$proto"
}

server_done() { # waits (bounded) for the server to exit
	local i
	for i in $(seq 1 100); do
		kill -0 "$SERVER_PID" 2>/dev/null || { wait "$SERVER_PID" 2>/dev/null; return 0; }
		sleep 0.05
	done
	return 1
}

# --- connect and listen, both directions, IPv4 and IPv6 ----------------------
# Clients half-close (-N) so that the server sees the end, answers what it
# has and closes: each side then ends on its own.
base=7000
for dst in 10.78.0.2 fd78::2; do
	six=$( [ "$dst" = fd78::2 ] && echo -6)
	serve srv $((base + 1)) sh -c "echo from-server | '$SONDE' nc -l $six $((base + 1))"
	lab_run cli sh -c "echo from-client | '$SONDE' nc -N $dst $((base + 1))"
	server_done
	is "$OUT" "from-server" "sonde to sonde over $dst: the client reads the server's line"
	is "$(cat "$SERVER_OUT")" "from-client" "sonde to sonde over $dst: the server reads the client's line"

	serve srv $((base + 2)) sh -c "echo from-openbsd | nc.openbsd -l $dst $((base + 2))"
	lab_run cli sh -c "echo from-sonde | '$SONDE' nc -N $dst $((base + 2))"
	server_done
	is "$OUT" "from-openbsd" "sonde client, netcat-openbsd server over $dst: reply arrives"
	is "$(cat "$SERVER_OUT")" "from-sonde" "sonde client, netcat-openbsd server over $dst: data arrives"

	serve srv $((base + 3)) sh -c "echo from-sonde-server | '$SONDE' nc -l -p $((base + 3)) $dst"
	lab_run cli sh -c "echo from-openbsd-client | nc.openbsd -N $dst $((base + 3))"
	server_done
	is "$OUT" "from-sonde-server" "netcat-openbsd client, sonde server (-l -p) over $dst: reply arrives"
	is "$(cat "$SERVER_OUT")" "from-openbsd-client" "netcat-openbsd client, sonde server over $dst: data arrives"
	base=$((base + 100))
done

# --- listen -v lines, as netcat-openbsd prints them --------------------------
listen_lines() { # TOOL: the -v lines of a listener with -n, client from 10.78.0.1 port 40555
	serve srv 7010 sh -c "$1 -l -v -n 7010 </dev/null 2>&1"
	lab_run cli "$SONDE" nc -N -p 40555 10.78.0.2 7010
	server_done
	cat "$SERVER_OUT"
}
is "$(listen_lines "'$SONDE' nc")" "$(listen_lines nc.openbsd)" "listen -v: the same lines as netcat-openbsd"
is "$(listen_lines "'$SONDE' nc")" "Listening on 0.0.0.0 7010
Connection received on 10.78.0.1 40555" "listen -v: Listening on ... / Connection received on ..."

# --- -k: two clients one after the other --------------------------------------
serve srv 7020 "$SONDE" nc -l -k 7020
lab_run cli sh -c "echo first | '$SONDE' nc -N 10.78.0.2 7020"
ok_rc "$RC" 0 "-k: first client"
lab_run cli sh -c "echo second | '$SONDE' nc -N 10.78.0.2 7020"
ok_rc "$RC" 0 "-k: second client"
sleep 0.2
is "$(cat "$SERVER_OUT")" "first
second" "-k: the listener served both clients in turn"
kill -0 "$SERVER_PID" 2>/dev/null && pass "-k: still listening after two clients" || fail "-k: still listening"

# --- UDP --------------------------------------------------------------------------
lab_bg srv socat UDP-LISTEN:7030,bind=10.78.0.2,fork PIPE
lab_wait_listen srv 7030 udp
lab_run cli sh -c "echo udp-echo | '$SONDE' nc -u -w 1 10.78.0.2 7030"
is "$OUT" "udp-echo" "-u: a datagram to a socat echo server comes back"
serve srv 7031/udp sh -c "'$SONDE' nc -l -u -q 1 7031"
lab_run cli sh -c "(echo to-udp-listener; sleep 2) | nc.openbsd -u -q 0 10.78.0.2 7031"
server_done
is "$(cat "$SERVER_OUT")" "to-udp-listener" "-l -u: the listener prints the first peer's datagram"
serve srv 7032/udp sh -c "echo reply | '$SONDE' nc -l -u 7032"
lab_run cli sh -c "(echo hello; sleep 1) | nc.openbsd -u -q 1 10.78.0.2 7032"
is "$OUT" "reply" "-l -u: the listener answers the first peer"

# Input longer than a datagram: each read of up to 16 KiB goes as one datagram,
# as netcat-openbsd sends it (a 64 KiB read failed whole with EMSGSIZE).
cat >"$LAB_TMP/dgram_sizes.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.bind(("10.78.0.2", int(sys.argv[1])))
sizes = []
s.settimeout(10)
try:
    while True:
        sizes.append(len(s.recv(70000)))
        s.settimeout(1.5)
except socket.timeout:
    pass
print(" ".join(map(str, sizes)))
EOF
head -c 100000 /dev/urandom >"$LAB_TMP/dgram_input"
# datagram_sizes PORT SHELL-CMD: sizes of the datagrams CMD sends to PORT.
datagram_sizes() {
	serve srv "$1/udp" python3 "$LAB_TMP/dgram_sizes.py" "$1"
	lab_run cli sh -c "$2"
	SENT_RC=$RC
	server_done
	SIZES=$(cat "$SERVER_OUT")
}
datagram_sizes 7033 "nc.openbsd -u -q 0 10.78.0.2 7033 <'$LAB_TMP/dgram_input'"
want_sizes=$SIZES
datagram_sizes 7034 "'$SONDE' nc -u -q 0 10.78.0.2 7034 <'$LAB_TMP/dgram_input'"
ok_rc "$SENT_RC" 0 "-u with a 100000-byte file on stdin: exit 0"
is "$SIZES" "$want_sizes" "-u, stdin a file: the same datagrams as netcat-openbsd (16384-byte reads)"
datagram_sizes 7035 "cat '$LAB_TMP/dgram_input' | '$SONDE' nc -u -q 0 10.78.0.2 7035"
ok_rc "$SENT_RC" 0 "-u with a pipe on stdin: exit 0"
is "$(echo $SIZES | tr ' ' '\n' | awk '{ t += $1; if ($1 > m) m = $1 } END { print t, m }')" "100000 16384" \
	"-u, stdin a pipe: all 100000 bytes arrive, no datagram over 16384"

# --- unix sockets -------------------------------------------------------------
sock=$LAB_TMP/nc.sock
lab_bg srv sh -c "echo from-unix-server | '$SONDE' nc -l -U '$sock' >'$SERVER_OUT'"
SERVER_PID=$LAST_BG_PID
for i in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.05; done
run sh -c "echo from-unix-client | '$SONDE' nc -N -U '$sock'"
server_done
is "$OUT" "from-unix-server" "-U: the client reads the server"
is "$(cat "$SERVER_OUT")" "from-unix-client" "-U: the server reads the client"
[ -e "$sock" ] && fail "-U -l removes its socket file" || pass "-U -l removes its socket file"
run "$SONDE" nc -U "$LAB_TMP/nothing.sock"
ok_rc "$RC" 1 "-U: a missing socket exits 1"
is "$ERR" "sonde nc: $LAB_TMP/nothing.sock: No such file or directory" "-U: netcat's message shape"
dsock=$LAB_TMP/nc-dgram.sock
lab_bg srv sh -c "echo dgram-reply | '$SONDE' nc -l -U -u '$dsock' >'$SERVER_OUT'"
SERVER_PID=$LAST_BG_PID
for i in $(seq 1 100); do [ -S "$dsock" ] && break; sleep 0.05; done
# Same namespace: the client's autobound address is abstract, and abstract
# names belong to a network namespace.
lab_run srv sh -c "(echo dgram-hello; sleep 0.5) | '$SONDE' nc -U -u -q 1 '$dsock'"
is "$OUT" "dgram-reply" "-U -u: the datagram server answers an (autobound) client"
is "$(cat "$SERVER_OUT")" "dgram-hello" "-U -u: the datagram arrives"

# --- -N, -q, -d against a server that answers only after end of input ---------------
counter() { serve srv "$1" socat "TCP-LISTEN:$1,bind=10.78.0.2,reuseaddr" SYSTEM:'wc -c'; }
counter 7040
lab_run cli sh -c "printf abc | '$SONDE' nc -N 10.78.0.2 7040"
is "$OUT" "3" "-N: the server sees end of input and answers"
counter 7041
start=$(date +%s%N)
lab_run cli sh -c "printf abc | '$SONDE' nc -q 1 10.78.0.2 7041"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
is "$OUT" "" "without -N the server never sees the end of input"
ok_rc "$RC" 0 "-q 1: quits (exit 0) after end of input"
[ "$elapsed_ms" -ge 900 ] && [ "$elapsed_ms" -lt 4000 ] && pass "-q 1 quits about a second after end of input" \
	|| fail "-q 1 quits about a second after end of input" "took $elapsed_ms ms"
lab_exec srv pkill -f "TCP-LISTEN:7041" 2>/dev/null
counter 7042
run timeout 2 ip netns exec "$(ns cli)" sh -c "printf abc | '$SONDE' nc -q -1 10.78.0.2 7042"
is "$RC" 124 "-q -1: waits for the network however long it takes"
counter 7043
lab_run cli sh -c "printf abc | '$SONDE' nc -d -N 10.78.0.2 7043"
is "$OUT" "0" "-d: standard input is not read"

# --- -w as an idle timeout ------------------------------------------------------
lab_bg srv sh -c "sleep 20 | nc.openbsd -l 10.78.0.2 7050"
lab_wait_listen srv 7050
start=$(date +%s%N)
# Input that stays open but silent; exec so that only nc is waited for.
run timeout 10 ip netns exec "$(ns cli)" bash -c "exec '$SONDE' nc -w 1 10.78.0.2 7050 < <(sleep 20)"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
ok_rc "$RC" 0 "-w 1: an idle connection ends (exit 0, as netcat)"
[ "$elapsed_ms" -lt 4000 ] && pass "-w 1: ends after about a second idle" || fail "-w 1 idle" "took $elapsed_ms ms"

# --- 100 MB each way, byte-identical -------------------------------------------
big=$LAB_TMP/big.bin
head -c 100000000 /dev/urandom >"$big"
want=$(sha256sum <"$big" | cut -d' ' -f1)
serve srv 7060 sh -c "'$SONDE' nc -l 7060 | sha256sum | cut -d' ' -f1"
lab_run cli sh -c "'$SONDE' nc -N 10.78.0.2 7060 <'$big'"
server_done
is "$(cat "$SERVER_OUT")" "$want" "100 MB client to server arrive byte-identical"
serve srv 7061 sh -c "'$SONDE' nc -l -N 7061 <'$big'"
lab_run cli sh -c "'$SONDE' nc 10.78.0.2 7061 </dev/null | sha256sum | cut -d' ' -f1"
server_done
is "$OUT" "$want" "100 MB server to client arrive byte-identical"
# Both directions at once through one connection: the server echoes.
lab_bg srv socat TCP-LISTEN:7062,bind=10.78.0.2,reuseaddr EXEC:cat
lab_wait_listen srv 7062
lab_run cli sh -c "'$SONDE' nc -N 10.78.0.2 7062 <'$big' | sha256sum | cut -d' ' -f1"
is "$OUT" "$want" "100 MB echoed back through one full-duplex connection arrive byte-identical"
rm -f "$big"

done_testing
