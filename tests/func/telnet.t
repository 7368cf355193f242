#!/bin/bash
# sonde telnet against Debian's telnet (inetutils 2.4) on the same servers
# of a lab namespace: a socat banner server that prints the bytes of the
# line it got (so CRLF shows), inetutils-telnetd under socat as under
# inetd (it negotiates options and must not hang), a refused port, a name
# that does not resolve; piped stdin and a terminal (python's pty) with
# ^] status and quit.  stdout, stderr and exit code compared.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd telnet socat python3 od
[ -x /usr/sbin/telnetd ] || skip_all "needs inetutils-telnetd (run 'make test-deps' as root)"

lab_ns cli
lab_ns srv
lab_link cli 10.85.0.1/24 srv 10.85.0.2/24
lab_resolv_conf cli "nameserver 127.0.0.1"
lab_bg srv socat TCP-LISTEN:2525,reuseaddr,fork \
	SYSTEM:'echo 220 banner ready; read -r l; echo "$l" | od -An -c; sleep 0.3'
lab_bg srv socat TCP-LISTEN:23,reuseaddr,fork EXEC:"/usr/sbin/telnetd -h",nofork
lab_bg srv socat TCP-LISTEN:25,reuseaddr,fork SYSTEM:'echo 220 mail ready; read -r l; echo "$l" | od -An -c'
lab_wait_listen srv 2525
lab_wait_listen srv 25
lab_wait_listen srv 23

# same_telnet NAME STDIN_COMMAND ARGS...: both clients fed by STDIN_COMMAND.
same_telnet() {
	local name=$1 feed=$2 want_out want_err want_rc
	shift 2
	lab_run cli bash -c "$feed | telnet $*"
	want_out=$OUT want_err=$ERR want_rc=$RC
	lab_run cli bash -c "$feed | $SONDE telnet $*"
	is "$OUT" "$want_out" "telnet $name: stdout as telnet's"
	is "$ERR" "$want_err" "telnet $name: stderr as telnet's"
	ok_rc "$RC" "$want_rc" "telnet $name: exit $want_rc as telnet's"
}

same_telnet "banner, a line sent" "(echo hello; sleep 1)" 10.85.0.2 2525
like "$OUT" '\\r +\\n' "telnet: the line went out with CRLF"
same_telnet "stdin ends at once" "true" 10.85.0.2 2525
same_telnet "refused port" "true" 10.85.0.2 9
same_telnet "service name as port" "(echo hi; sleep 1)" 10.85.0.2 smtp
same_telnet "name that does not resolve" "true" nosuch.invalid 9

# telnetd negotiates (terminal type, speed, echo...): refused, it still
# asks for a login, and nothing hangs.
lab_run cli bash -c "set -o pipefail; sleep 2 | telnet 10.85.0.2 | tr -d '\\000'"
want=$OUT
lab_run cli bash -c "set -o pipefail; sleep 2 | $SONDE telnet 10.85.0.2 | tr -d '\\000'"
like "$OUT" "login: " "telnet to inetutils-telnetd: the login prompt after its negotiation"
is "$OUT" "$want" "telnet to inetutils-telnetd: as telnet's (NUL padding aside)"
ok_rc "$RC" 0 "telnet to inetutils-telnetd: exit 0 when stdin ends"

# On a terminal: ^] opens the prompt, status reports, a line goes on, the
# server's close ends the session.
cat >"$LAB_TMP/pty.py" <<'EOF'
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b""
def read_for(seconds):
    global out
    end = time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                out += os.read(fd, 4096)
            except OSError:
                return
script = sys.stdin.read().split("|")
read_for(0.6)
for step in script:
    os.write(fd, step.encode().replace(b"^]", b"\x1d").replace(b"\\r", b"\r"))
    read_for(0.5)
read_for(0.6)
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.WEXITSTATUS(status))
EOF
# same_pty NAME SCRIPT PORT
same_pty() {
	local name=$1 script=$2 port=$3 want want_rc
	lab_run cli bash -c "printf '%s' '$script' | python3 $LAB_TMP/pty.py telnet 10.85.0.2 $port"
	want=$OUT want_rc=$RC
	lab_run cli bash -c "printf '%s' '$script' | python3 $LAB_TMP/pty.py $SONDE telnet 10.85.0.2 $port"
	is "$OUT" "$want" "telnet on a terminal, $name: as telnet's"
	ok_rc "$RC" "$want_rc" "telnet on a terminal, $name: exit $want_rc as telnet's"
}
same_pty "^] status, then a line" '^]|status\r|hi there\r' 2525
same_pty "^] quit" '^]|quit\r' 2525
same_pty "^] and back" '^]|\r|back\r' 2525

run "$SONDE" telnet
ok_rc "$RC" 1 "telnet without a host: exit 1"
run "$SONDE" telnet -V
is "$(head -1 <<<"$OUT")" "$(telnet -V | head -1)" "telnet -V: telnet's version line first"
like "$OUT" "^sonde [^ ]+.*applet telnet, imitating telnet" "telnet -V: then sonde's"
run "$SONDE" telnet --json 10.85.0.2
ok_rc "$RC" 1 "telnet --json: refused, exit 1"

done_testing
