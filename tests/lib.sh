# tests/lib.sh — TAP helpers and the network-namespace lab for functional
# tests.  A test file sources it, uses the helpers, and ends with done_testing.
#
#   testing NAME CMD EXPECTED    run CMD (a shell string), compare its stdout
#   run CMD...                   run with a timeout; sets OUT, ERR, RC
#   is GOT WANT NAME / like GOT REGEX NAME / ok_rc RC WANT NAME
#   contains_block GOT BLOCK NAME  BLOCK's lines appear in GOT, consecutive
#                                whole lines, compared as fixed strings
#   same_as_classic [-f FILTER] NAME NS TOOL ARGS...
#                                sonde TOOL and the classic TOOL print the same
#                                in lab namespace NS (read twice if they differ once)
#   need_root, need_cmd CMD...   skip the whole file when missing
#   skip NAME REASON             one test skipped (TAP "# skip")
#   (the lab helpers below live in tests/lab/lab.sh)
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
# The binary itself, for tests that copy, strip or inspect the file.
SONDE_BIN=$SONDE
# Under `make check`, $SONDE is a stand-in that records every JSON output
# for tests/json.t (tests/lab/json_record.sh).
if [ -n "${SONDE_JSON_RECORD:-}" ]; then
	export SONDE_REAL=$SONDE_BIN SONDE_JSON_RECORD SONDE_JSON_TEST="${0##*/}"
	SONDE=$TESTS_DIR/lab/json_record.sh
fi
LAB_ID="sonde$$"
LAB_TMP=$(mktemp -d "/tmp/sonde-test.XXXXXX")
LAB_NAMESPACES=()
LAB_PIDS=()
CMD_TIMEOUT=${CMD_TIMEOUT:-30}
# The tests start python3 hundreds of times: the distribution's, as
# packaging/install-deps.sh installs it, with the modules they import.  A
# version manager's shim first on PATH (pyenv's runs several shell scripts
# before the interpreter) costs about a second and half a CPU second a
# start on a loaded machine.  $LAB_TMP is private (mode 700): a command run
# as another uid looks further along PATH, where the shim still answers.
if [ -x /usr/bin/python3 ] && [ "$(command -v python3)" != /usr/bin/python3 ]; then
	mkdir "$LAB_TMP/pybin" && ln -s /usr/bin/python3 "$LAB_TMP/pybin/python3" && PATH=$LAB_TMP/pybin:$PATH
fi
_tap_count=0
_tap_failed=0

# iptables-legacy takes /run/xtables.lock, one for the whole machine, and
# waits while another holds it: with tests run side by side (prove -j), one
# test's restore of a large ruleset would hold up another test's iptables.
# The lock guards the tables of one namespace, and a test's namespaces are
# its own: so is its lock.
export XTABLES_LOCKFILE=$LAB_TMP/xtables.lock

# Sanitizer reports must not pass for an applet's own exit code 1.
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:exitcode=86:print_stacktrace=1}

_tap_result() { # PASS(0/1) NAME
	_tap_count=$((_tap_count + 1))
	_tap_last_failed=$1
	if [ "$1" = 0 ]; then
		echo "ok $_tap_count - $2"
	else
		echo "not ok $_tap_count - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
}

# A failure's diagnostics go to stderr, as Test::More's do: prove shows
# them without -v, so a CI log says why a test failed, not only which.
diag() {
	if [ "${_tap_last_failed:-0}" = 1 ]; then
		printf '%s\n' "$@" | sed 's/^/# /' >&2
	else
		printf '%s\n' "$@" | sed 's/^/# /'
	fi
}

pass() { _tap_result 0 "$1"; }
fail() { _tap_result 1 "$1"; [ $# -gt 1 ] && diag "${@:2}"; return 0; }

is() { # GOT WANT NAME
	if [ "$1" = "$2" ]; then pass "$3"; else
		fail "$3"; diag "got:" "$1" "want:" "$2"
		if [ "$(printf '%s' "$1" | wc -l)" -gt 1 ]; then
			diff <(printf '%s\n' "$2") <(printf '%s\n' "$1") | head -40 | sed 's/^/# /' >&2
		fi
	fi
}

# grep -E reads each line of a multi-line pattern as one alternative (an
# empty line matches anything), so like and unlike refuse such patterns:
# a block of lines is checked with contains_block.
_one_line_pattern() { # REGEX NAME
	case $1 in
	*$'\n'*)
		fail "$2" "like/unlike: multi-line pattern (grep -E would match any one of its lines): use contains_block"
		return 1 ;;
	esac
}

like() { # GOT REGEX NAME
	_one_line_pattern "$2" "$3" || return 0
	if printf '%s' "$1" | grep -qE -- "$2"; then pass "$3"; else
		fail "$3"; diag "got:" "$1" "want (regex): $2"; fi
}

unlike() { # GOT REGEX NAME
	_one_line_pattern "$2" "$3" || return 0
	if printf '%s' "$1" | grep -qE -- "$2"; then
		fail "$3"; diag "got:" "$1" "must not match: $2"; else pass "$3"; fi
}

contains_block() { # GOT BLOCK NAME
	# Whole lines only: each side gets a newline at both ends, and the quoted
	# block is matched literally by [[ ]] (no glob, no regex).
	if [ -n "$2" ] && [[ $'\n'"$1"$'\n' == *$'\n'"$2"$'\n'* ]]; then pass "$3"; else
		fail "$3"; diag "got:" "$1" "want these consecutive lines:" "$2"; fi
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

# same_as_classic [-f FILTER] NAME NS TOOL ARGS...: `sonde TOOL ARGS` prints
# on stdout what the classic TOOL ARGS prints, both run in lab namespace NS
# (and both piped through the shell function FILTER when given: one that
# masks timers, say).  The two tools read the kernel one after the other,
# and state that moves between the reads (a quiet link's carrier settling
# on a loaded machine, a retransmitted SYN counted) can part them once: then
# both read again 0.5 s later and that pair decides, since a wrong rendering
# differs both times.  OUT, ERR and RC are sonde's last run, unfiltered.
same_as_classic() {
	local filter=cat name ns tool want got try
	if [ "$1" = -f ]; then filter=$2; shift 2; fi
	name=$1 ns=$2 tool=$3
	shift 3
	for try in 1 2; do
		[ "$try" = 1 ] || sleep 0.5
		want=$(lab_exec "$ns" "$tool" "$@" 2>/dev/null | "$filter")
		lab_run "$ns" "$SONDE" "$tool" "$@"
		got=$(printf '%s\n' "$OUT" | "$filter")
		[ "$got" = "$want" ] && break
	done
	is "$got" "$want" "$name"
}

# testing NAME CMD EXPECTED: toybox's helper; CMD is a shell string.
testing() {
	run bash -c "$2"
	is "$OUT" "$3" "$1"
}

skip_all() { echo "1..0 # SKIP $*"; exit 0; }

skip() { # NAME REASON: one test skipped, as TAP says it
	_tap_count=$((_tap_count + 1))
	echo "ok $_tap_count - $1 # skip $2"
}

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

# The lab: namespaces, veth links, servers (tests/lab/lab.sh).
. "$TESTS_DIR/lab/lab.sh"

trap lab_down EXIT
trap 'exit 130' INT TERM
