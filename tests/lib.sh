# tests/lib.sh — TAP helpers and the network-namespace lab for functional
# tests.  A test file sources it, uses the helpers, and ends with done_testing.
#
#   testing NAME CMD EXPECTED    run CMD (a shell string), compare its stdout
#   run CMD...                   run with a timeout; sets OUT, ERR, RC
#   is GOT WANT NAME / like GOT REGEX NAME / ok_rc RC WANT NAME
#   need_root, need_cmd CMD...   skip the whole file when missing
#   lab_ns NAME                  a namespace with lo up; ns NAME prints its real name
#   lab_link NS1 ADDR1 NS2 ADDR2 a veth pair between two namespaces (CIDR addresses)
#   lab_exec NS CMD...           run inside NS (with a timeout)
#   lab_bg NS CMD...             start a server inside NS; stopped at exit
#   lab_wait_listen NS PORT [udp] wait until something listens
#   lab_down                     runs at exit: stops servers, deletes namespaces
#
# Safety: lab namespaces hold only lo and the veth links the test makes; they
# have no route out, so nothing sent inside them leaves the machine.
set -u

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SONDE=${SONDE:-$TESTS_DIR/../build/sonde}
LAB_ID="sonde$$"
LAB_TMP=$(mktemp -d "/tmp/sonde-test.XXXXXX")
LAB_NAMESPACES=()
LAB_PIDS=()
CMD_TIMEOUT=${CMD_TIMEOUT:-30}
_tap_count=0
_tap_failed=0

# Sanitizer reports must not pass for an applet's own exit code 1.
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:exitcode=86:print_stacktrace=1}

_tap_result() { # PASS(0/1) NAME
	_tap_count=$((_tap_count + 1))
	if [ "$1" = 0 ]; then
		echo "ok $_tap_count - $2"
	else
		echo "not ok $_tap_count - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
}

diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

pass() { _tap_result 0 "$1"; }
fail() { _tap_result 1 "$1"; [ $# -gt 1 ] && diag "${@:2}"; return 0; }

is() { # GOT WANT NAME
	if [ "$1" = "$2" ]; then pass "$3"; else
		fail "$3"; diag "got:" "$1" "want:" "$2"
		if [ "$(printf '%s' "$1" | wc -l)" -gt 1 ]; then
			diff <(printf '%s\n' "$2") <(printf '%s\n' "$1") | head -40 | sed 's/^/# /'
		fi
	fi
}

like() { # GOT REGEX NAME
	if printf '%s' "$1" | grep -qE -- "$2"; then pass "$3"; else
		fail "$3"; diag "got:" "$1" "want (regex): $2"; fi
}

unlike() { # GOT REGEX NAME
	if printf '%s' "$1" | grep -qE -- "$2"; then
		fail "$3"; diag "got:" "$1" "must not match: $2"; else pass "$3"; fi
}

ok_rc() { # RC WANT NAME
	if [ "$1" = "$2" ]; then pass "$3"; else fail "$3" "exit status $1, want $2" "stderr: ${ERR:-}"; fi
}

# run CMD...: runs with a timeout, captures stdout in OUT, stderr in ERR, status in RC.
run() {
	timeout -k 5 "$CMD_TIMEOUT" "$@" >"$LAB_TMP/out" 2>"$LAB_TMP/err" </dev/null
	RC=$?
	OUT=$(cat "$LAB_TMP/out")
	ERR=$(cat "$LAB_TMP/err")
	return 0
}

# testing NAME CMD EXPECTED: toybox's helper; CMD is a shell string.
testing() {
	run bash -c "$2"
	is "$OUT" "$3" "$1"
}

skip_all() { echo "1..0 # SKIP $*"; exit 0; }

need_root() { [ "$(id -u)" = 0 ] || skip_all "needs root (network namespaces)"; }

need_cmd() {
	local c
	for c in "$@"; do command -v "$c" >/dev/null 2>&1 || skip_all "needs $c (run 'make test-deps' as root)"; done
}

is_sanitized() { [ "${SANITIZE:-0}" = 1 ]; }

done_testing() {
	echo "1..$_tap_count"
	[ "$_tap_failed" = 0 ]
	exit $?
}

# --- the lab -------------------------------------------------------------

ns() { echo "$LAB_ID-$1"; }

lab_ns() {
	local full
	full=$(ns "$1")
	ip netns add "$full" || { echo "Bail out! cannot create namespace $full"; exit 1; }
	LAB_NAMESPACES+=("$full")
	ip -n "$full" link set lo up
	# Tools run with `ip netns exec` would otherwise ask the host's nameserver
	# (unreachable from the lab: each lookup waits for its timeout).  Loopback
	# answers at once with "refused"; lab_resolv_conf replaces this.
	mkdir -p "/etc/netns/$full"
	echo "nameserver 127.0.0.1" >"/etc/netns/$full/resolv.conf"
}

_lab_link_count=0
# lab_link NS1 ADDR1 NS2 ADDR2 [ADDR1b ADDR2b]: veth NS1:vethN <-> NS2:vethN,
# with the given addresses (e.g. 10.9.0.1/24 10.9.0.2/24), optional second
# addresses (IPv6) after them.
lab_link() {
	local a b ifname
	a=$(ns "$1"); b=$(ns "$3")
	ifname="veth$_lab_link_count"
	_lab_link_count=$((_lab_link_count + 1))
	ip -n "$a" link add "$ifname" type veth peer name "$ifname" netns "$b" || return 1
	ip -n "$a" addr add "$2" dev "$ifname"
	ip -n "$b" addr add "$4" dev "$ifname"
	if [ $# -ge 6 ]; then
		ip -n "$a" addr add "$5" dev "$ifname" nodad
		ip -n "$b" addr add "$6" dev "$ifname" nodad
	fi
	ip -n "$a" link set "$ifname" up
	ip -n "$b" link set "$ifname" up
}

lab_exec() {
	local n
	n=$(ns "$1"); shift
	ip netns exec "$n" timeout -k 5 "$CMD_TIMEOUT" "$@"
}

# lab_run NS CMD...: run inside NS, capturing OUT/ERR/RC like run.
lab_run() {
	local n
	n=$(ns "$1"); shift
	run ip netns exec "$n" "$@"
}

lab_bg() {
	local n
	n=$(ns "$1"); shift
	ip netns exec "$n" "$@" </dev/null >>"$LAB_TMP/bg.log" 2>&1 &
	LAB_PIDS+=($!)
	LAST_BG_PID=$!
}

lab_wait_listen() { # NS PORT [udp]
	local n flag=-ltnH i
	n=$(ns "$1")
	[ "${3:-tcp}" = udp ] && flag=-lunH
	for i in $(seq 1 100); do
		ip netns exec "$n" ss $flag "sport = :$2" 2>/dev/null | grep -q . && return 0
		sleep 0.05
	done
	diag "nothing listens on port $2 in $1"
	return 1
}

# lab_resolv_conf NS TEXT: what /etc/resolv.conf holds for `ip netns exec NS`.
lab_resolv_conf() {
	local n
	n=$(ns "$1")
	mkdir -p "/etc/netns/$n"
	printf '%s\n' "$2" >"/etc/netns/$n/resolv.conf"
}

lab_down() {
	local pid n
	for pid in "${LAB_PIDS[@]+"${LAB_PIDS[@]}"}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	sleep 0.1
	for pid in "${LAB_PIDS[@]+"${LAB_PIDS[@]}"}"; do
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	for n in "${LAB_NAMESPACES[@]+"${LAB_NAMESPACES[@]}"}"; do
		# Anything still running inside (a server's children) goes too.
		ip netns pids "$n" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$n" 2>/dev/null
		rm -rf "/etc/netns/$n"
	done
	rm -rf "$LAB_TMP"
}

trap lab_down EXIT
trap 'exit 130' INT TERM
