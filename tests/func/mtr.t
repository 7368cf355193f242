#!/bin/bash
# mtr beside mtr-tiny 0.95 in the routed lab of traceroute.t (c - r1 - r2 -
# r3 - s; r2 sends no time-exceeded, so hop 2 is '???'; r3 rejects or drops
# some addresses): the report's layout (-r, -w), mtr's JSON and CSV, the
# probe methods, loss made deterministic by a drop rule, the options, exit
# codes and refusals.  Times differ by nature: compared are the hops, Loss%
# and Snt, and the layout with the times masked.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/lab/ping_lab.sh"
need_root
need_cmd mtr nft jq setpriv
ping_lab_up
ip -n "$(ns s)" addr add 10.93.4.3/24 dev veth3
ip -n "$(ns s)" addr add 10.93.4.4/24 dev veth3
# Deterministic loss: s drops every other echo request that arrives with TTL
# 1 (sent with TTL 4: the probes of hop 4), to 10.93.4.3 (sonde's run) and
# to 10.93.4.4 (mtr's), each address with its own counter.
ip netns exec "$(ns s)" nft -f - <<'NFT'
table ip lossy {
	chain in {
		type filter hook input priority 0;
		ip daddr 10.93.4.3 ip ttl 1 icmp type echo-request numgen inc mod 2 == 0 drop
		ip daddr 10.93.4.4 ip ttl 1 icmp type echo-request numgen inc mod 2 == 0 drop
	}
}
NFT

# The real mtr runs ~6 s at least (its 5 s grace at the end): the runs whose
# probes do not meet the loss rule go side by side in the background.
mtr_bg() { # NAME ARGS...
	local name=$1; shift
	lab_exec c mtr "$@" >"$LAB_TMP/mtr.$name" 2>"$LAB_TMP/mtr.$name.err" &
}
mtr_out() { cat "$LAB_TMP/mtr.$1"; }
mtr_bg plain -r -n -c 2 10.93.4.2
mtr_bg wide -r -w -n -c 2 10.93.4.2
mtr_bg show_ips -r -b -c 1 10.93.4.2
mtr_bg names -r -c 1 10.93.4.2
mtr_bg csv -C -n -c 2 10.93.4.2
mtr_bg json -j -n -c 2 10.93.4.2
mtr_bg udp -r -n -u -c 1 10.93.4.2
mtr_bg tcp -r -n -T -P 22 -c 1 10.93.4.2
mtr_bg v6 -r -n -c 1 fd93:4::2
mtr_bg unreach -r -n -c 1 10.93.4.20
mtr_bg dropped -r -n -c 1 -G 1 10.93.4.23
mtr_bg maxttl -r -n -c 1 -G 1 -m 2 10.93.4.2
mtr_bg firstttl -r -n -c 1 -f 3 10.93.4.2
mtr_bg loss -r -n -c 4 10.93.4.4

# Hop, host, Loss% and Snt of each row.
rows() { awk '/\|--/ {print $1, $2, $3, $4}'; }
# The text with the times masked: the five timing columns end each row.
mask_times() { sed -E 's/( +[0-9]+\.[0-9]){5}$/ TIMES/'; }

# --- the report ------------------------------------------------------------
lab_run c "$SONDE" mtr -r -n -c 2 -i 0.2 10.93.4.2
ok_rc "$RC" 0 "-r: exit 0"
wait # the real mtr's runs
want=$(mtr_out plain)
like "$OUT" "^Start: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{4}$" "-r: mtr's Start line"
is "$(printf '%s\n' "$OUT" | sed -n 2p)" "$(printf '%s\n' "$want" | sed -n 2p)" "-r: the HOST header byte for byte"
is "$(printf '%s\n' "$OUT" | tail -n +2 | mask_times)" "$(printf '%s\n' "$want" | tail -n +2 | mask_times)" \
	"-r: rows as mtr's, times masked"
is "$(printf '%s\n' "$OUT" | rows)" "1.|-- 10.93.1.2 0.0% 2
2.|-- ??? 100.0 2
3.|-- 10.93.3.2 0.0% 2
4.|-- 10.93.4.2 0.0% 2" "-r: the lab's hops, the silent one '???' at 100%"

lab_run c "$SONDE" mtr -r -w -n -c 2 -i 0.2 10.93.4.2
is "$(printf '%s\n' "$OUT" | tail -n +2 | mask_times)" "$(mtr_out wide | tail -n +2 | mask_times)" \
	"-w: the wide layout as mtr's, times masked"
lab_run c "$SONDE" mtr -r -b -c 1 10.93.4.2
is "$(printf '%s\n' "$OUT" | tail -n +2 | mask_times)" "$(mtr_out show_ips | tail -n +2 | mask_times)" \
	"-b (no name resolves in the lab): as mtr's"
lab_run c "$SONDE" mtr -r -c 1 10.93.4.2
is "$(printf '%s\n' "$OUT" | rows)" "$(mtr_out names | rows)" "without -n: as mtr's"

# --- the probe methods and the shapes of a path ----------------------------
# A loaded machine can part the two once (a reply later than mtr's grace):
# then both run again, and that pair decides, as same_as_classic does.
cmp_rows() { # NAME SONDE-ARGS...
	local name=$1 want; shift
	want=$(mtr_out "$name" | rows)
	lab_run c "$SONDE" mtr -i 0.2 "$@"
	if [ "$(printf '%s\n' "$OUT" | rows)" != "$want" ]; then
		diag "$name: differed once:" "$OUT" "mtr:" "$(mtr_out "$name")"
		want=$(lab_exec c mtr "$@" | rows)
		lab_run c "$SONDE" mtr -i 0.2 "$@"
	fi
	is "$(printf '%s\n' "$OUT" | rows)" "$want" "$name: mtr's hops, Loss% and Snt ($*)"
}
cmp_rows udp -r -n -u -c 1 10.93.4.2
cmp_rows tcp -r -n -T -P 22 -c 1 10.93.4.2
cmp_rows v6 -r -n -c 1 fd93:4::2
cmp_rows unreach -r -n -c 1 10.93.4.20
like "$OUT" "  4\.\|-- 10\.93\.3\.2 " "an unreachable ends the report at the router that sent it"
cmp_rows dropped -r -n -c 1 -G 1 10.93.4.23
like "$(printf '%s\n' "$OUT" | tail -1)" "^  4\.\|-- \?\?\? " "a silent destination: one '???' row past the last hop that answered"
cmp_rows maxttl -r -n -c 1 -G 1 -m 2 10.93.4.2
cmp_rows firstttl -r -n -c 1 -f 3 10.93.4.2
lab_run c "$SONDE" mtr -r -n -u -P 53 -c 2 -i 0.2 10.93.4.2
is "$(printf '%s\n' "$OUT" | rows | tail -1)" "4.|-- 10.93.4.2 0.0% 2" "-u -P 53: UDP to one port reaches the destination"

# --- JSON and CSV ------------------------------------------------------------
json_masked() { sed -E 's/("(Last|Avg|Best|Wrst|StDev)": )[0-9.e-]+/\1T/'; }
lab_run c "$SONDE" mtr -j -n -c 2 -i 0.2 10.93.4.2
want=$(mtr_out json)
is "$(printf '%s\n' "$OUT" | json_masked)" "$(printf '%s\n' "$want" | json_masked)" \
	"-j: mtr's JSON document, byte for byte but the times"
like "$(printf '%s\n' "$OUT" | jq -r '.report.hubs[0].Last')" "^0\.[0-9]+$" "-j: times in milliseconds"
lab_run c "$SONDE" mtr --json -n -c 2 -i 0.2 10.93.4.2
is "$(printf '%s\n' "$OUT" | json_masked)" "$(printf '%s\n' "$want" | json_masked)" "--json: the same document"
lab_run c "$SONDE" mtr -C -n -c 2 -i 0.2 10.93.4.2
want=$(mtr_out csv)
is "$(printf '%s\n' "$OUT" | head -1)" "$(printf '%s\n' "$want" | head -1)" "-C: mtr's CSV header"
csv_cols() { cut -d, -f1,3-9; }
is "$(printf '%s\n' "$OUT" | tail -n +2 | csv_cols)" "$(printf '%s\n' "$want" | tail -n +2 | csv_cols)" \
	"-C: version, host, hop, address, Loss%, Snt and Drop as mtr's"
like "$(printf '%s\n' "$OUT" | sed -n 2p)" "^MTR\.0\.95,[0-9]+,OK,10\.93\.4\.2,1,10\.93\.1\.2,0\.00,2,0(,[0-9]+\.[0-9]{2}){5}$" \
	"-C: a row's shape"

# --- deterministic loss ---------------------------------------------------------
lab_run c "$SONDE" mtr -r -n -c 4 -i 0.2 10.93.4.3
is "$(printf '%s\n' "$OUT" | rows | sed 's/10\.93\.4\.3/DST/')" "$(mtr_out loss | rows | sed 's/10\.93\.4\.4/DST/')" \
	"every other probe of hop 4 dropped: mtr's Loss% and Snt"
is "$(printf '%s\n' "$OUT" | rows | tail -1)" "4.|-- 10.93.4.3 50.0% 4" "... 50% at hop 4"

# --- pacing -------------------------------------------------------------------
start=$(date +%s%N)
lab_run c "$SONDE" mtr -r -n -c 3 10.93.4.2
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$ms" -ge 1900 ] && [ "$ms" -lt 6000 ] && pass "-c 3: rounds a second apart, as mtr's -i 1 (${ms} ms)" ||
	fail "-c 3 paced by -i 1" "${ms} ms"

# --- options, exit codes, refusals ------------------------------------------------
lab_run c mtr -r -n --bogus 10.93.4.2
mtr_rc=$RC
run "$SONDE" mtr -r -n --bogus 10.93.4.2
ok_rc "$RC" "$mtr_rc" "an unknown option: mtr's exit code ($mtr_rc)"
lab_run c mtr -r -n -c x 10.93.4.2
mtr_rc=$RC
run "$SONDE" mtr -r -n -c x 10.93.4.2
ok_rc "$RC" "$mtr_rc" "-c x: mtr's exit code ($mtr_rc)"
# mtr 0.95 exits 0 after "Failed to resolve host"; sonde exits 1 (docs/mtr.md).
lab_run c mtr -r -n nosuch.invalid
like "$ERR" "Failed to resolve host: nosuch.invalid" "mtr itself: a name that does not resolve"
lab_run c "$SONDE" mtr -r -n nosuch.invalid
ok_rc "$RC" 1 "a name that does not resolve: exit 1"
is "$(printf '%s\n' "$ERR" | wc -l)" 1 "... one line"
like "$ERR" "^sonde mtr: failed to resolve host: nosuch.invalid: " "... saying which host"
lab_run c "$SONDE" mtr -j -n nosuch.invalid
is "$(printf '%s\n' "$OUT" | jq -c '{exit_code, e: (.error | startswith("failed to resolve host"))}')" \
	'{"exit_code":1,"e":true}' "-j: the failure as JSON's error document"
for args in "-z" "-t" "-p" "-x" "-y 1" ""; do
	run "$SONDE" mtr $args -c 1 10.93.4.2
	ok_rc "$RC" 1 "'mtr $args' refused: exit 1"
	is "$(printf '%s\n' "$ERR" | wc -l)" 1 "'mtr $args' refused in one line"
done
run "$SONDE" mtr -c 1 10.93.4.2
like "$ERR" "needs a terminal on standard output: use -r" "no output option, no terminal: refused, -r pointed to"

# --- the live table on a terminal (a pty) ------------------------------------------
# pty_run SECONDS_TO_q CMD: CMD on a pseudo-terminal (q, or $PTY_KEY, typed
# after that long, never when 0), its screen on stdout, "rc=N" last; 15 s at most.
pty_run() {
	python3 -c '
import os, pty, select, sys, time
q_after, argv = float(sys.argv[1]), sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
start, screen, typed = time.time(), b"", False
while time.time() - start < 15:
    if q_after and not typed and time.time() - start >= q_after:
        os.write(fd, os.environ.get("PTY_KEY", "q").encode()); typed = True
    if select.select([fd], [], [], 0.1)[0]:
        try: data = os.read(fd, 65536)
        except OSError: data = b""
        if not data: break
        screen += data
_, status = os.waitpid(pid, 0)
sys.stdout.write(screen.decode(errors="replace").replace("\r", ""))
print("rc=%d seconds=%d" % (os.waitstatus_to_exitcode(status), time.time() - start))
' "$@"
}
screen=$(lab_exec c bash -c "$(declare -f pty_run); pty_run 0 '$SONDE_BIN' mtr -n -c 2 -i 0.2 10.93.4.2")
last=$(printf '%s\n' "$screen" | awk '/My traceroute/ {s = ""} {s = s $0 "\n"} END {printf "%s", s}' | tr -d '\033' | sed 's/^\[H\[2J//')
like "$(printf '%s\n' "$screen" | tail -1)" "^rc=0 " "live -c 2: exits 0 after its rounds"
is "$(printf '%s\n' "$screen" | grep -c 'My traceroute  \[v0.95\]')" 2 "live -c 2: the screen drawn after each of the 2 rounds"
like "$last" "^ +My traceroute  \[v0.95\]$" "live: mtr 0.95's title, centred"
like "$last" "^[^ ]+ \(10\.93\.1\.1\) -> 10\.93\.4\.2 \(10\.93\.4\.2\) +[0-9]{4}-[0-9]{2}-[0-9]{2}T" "live: the route line with the date"
like "$last" "^Keys:  Help   Display mode   Restart statistics   Order of fields   quit$" "live: the keys line"
like "$last" "^ {36}   Packets               Pings$" "live: the Packets/Pings titles over the fields (80 columns)"
like "$last" "^ Host {32}Loss%   Snt   Last   Avg  Best  Wrst StDev$" "live: the field titles as mtr's"
is "$(printf '%s\n' "$last" | awk '/^ *[0-9]+\. / {print $1, $2, $3, $4}')" "1. 10.93.1.2 0.0% 2
2. (waiting for reply)
3. 10.93.3.2 0.0% 2
4. 10.93.4.2 0.0% 2" "live: the hops with Snt 2, the silent one as mtr shows it" 
lab_exec c bash -c "$(declare -f pty_run); pty_run 1.5 bash -c 'stty -g >$LAB_TMP/tty.before; $SONDE_BIN mtr -n 10.93.4.2; echo sonde_rc=\$?; stty -g >$LAB_TMP/tty.after'" >"$LAB_TMP/q.out"
like "$(grep -a sonde_rc "$LAB_TMP/q.out")" "^sonde_rc=0" "live without -c: q quits, exit 0"
like "$(tail -1 "$LAB_TMP/q.out")" "^rc=0 seconds=[0-6]$" "... promptly"
is "$(cat "$LAB_TMP/tty.after")" "$(cat "$LAB_TMP/tty.before")" "... and the terminal's mode is restored"
rm -f "$LAB_TMP/tty.after"
# Ctrl-C: the shell ignores SIGINT to go on; sonde mtr sets its own handler.
PTY_KEY=$'\x03' lab_exec c bash -c "$(declare -f pty_run); pty_run 1.5 bash -c 'trap \"\" INT; stty -g >$LAB_TMP/tty.before; $SONDE_BIN mtr -n 10.93.4.2; echo sonde_rc=\$?; stty -g >$LAB_TMP/tty.after'" >"$LAB_TMP/intr.out"
like "$(grep -a sonde_rc "$LAB_TMP/intr.out")" "^sonde_rc=130" "live: Ctrl-C ends it by SIGINT"
is "$(cat "$LAB_TMP/tty.after")" "$(cat "$LAB_TMP/tty.before")" "... with the terminal's mode restored"
run "$SONDE" mtr -r -z 10.93.4.2
like "$ERR" "AS lookups" "-z: says why (AS lookups need the internet)"
run "$SONDE" mtr -r -j 10.93.4.2
ok_rc "$RC" 1 "-r with -j: one output, usage error"
run "$SONDE" mtr -r -u -T 10.93.4.2
ok_rc "$RC" 1 "-u with -T: usage error"
run "$SONDE" mtr -r 10.93.4.2 10.93.4.3
ok_rc "$RC" 1 "two hosts: usage error"

# --- version and the busybox-style name ---------------------------------------------
run "$SONDE" mtr -v
is "$(printf '%s\n' "$OUT" | head -1)" "$(mtr -v | head -1)" "-v: mtr's version line first"
run "$SONDE" mtr --version
is "$(printf '%s\n' "$OUT" | head -1)" "mtr 0.95" "--version: mtr's version line first"
ln -s "$SONDE_BIN" "$LAB_TMP/mtr"
lab_run c "$LAB_TMP/mtr" -r -n -c 1 -i 0.2 10.93.4.2
is "$(printf '%s\n' "$OUT" | rows | tail -1)" "4.|-- 10.93.4.2 0.0% 1" "run as 'mtr': the report"

# --- privilege ---------------------------------------------------------------------
pub=$LAB_TMP/pub
mkdir -p "$pub"; cp "$SONDE_BIN" "$pub/sonde"; chmod 755 "$LAB_TMP" "$pub" "$pub/sonde"
lab_run c $UNPRIV "$pub/sonde" mtr -r -n -u -c 1 10.93.4.2
is "$(printf '%s\n' "$OUT" | rows)" "1.|-- 10.93.1.2 0.0% 1
2.|-- ??? 100.0 1
3.|-- 10.93.3.2 0.0% 1
4.|-- 10.93.4.2 0.0% 1" "unprivileged -u: the same hops (IP_RECVERR)"
lab_exec c sysctl -qw net.ipv4.ping_group_range="1 0"
lab_run c $UNPRIV "$pub/sonde" mtr -r -n -c 1 10.93.4.2
ok_rc "$RC" 3 "unprivileged ICMP without ping_group_range: exit 3"
like "$ERR" "-u: UDP probes need no capability" "... and -u is pointed to"
done_testing
