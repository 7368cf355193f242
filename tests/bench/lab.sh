# tests/bench/lab.sh — the set-up every benchmark in tests/bench/ starts
# with, sourced as `. "$(dirname "$0")/lab.sh"`.  It gives:
#
#   TOP, SONDE                   the source tree; build/sonde unless SONDE is set
#                                (the script stops with exit 2 when it is missing)
#   the lab of tests/lab/lab.sh  lab_ns, lab_link, lab_exec, lab_bg,
#                                lab_wait_listen, ns NAME (through tests/lib.sh);
#                                namespaces sonde-bench-NAME-PID-*, so two runs
#                                never share one
#   LAB_TMP                      scratch directory, removed at exit
#   bench_need CMD...            exit 2 naming the first command missing
#   bench_need_root              exit 2 unless root (namespaces)
#   bench_at_exit CMD            run CMD (a shell string) at exit, before the
#                                lab goes down (a process started outside it)
#   bench_lab_restart            lab_down, then an empty lab: a second set-up
#                                in the same run
#
# At exit the lab goes down whatever the script did: servers stopped,
# namespaces deleted, LAB_TMP removed.  A bench prints figures, never TAP:
# what it lacks is a message on stderr and exit 2, not a skip.
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export SONDE=${SONDE:-$TOP/build/sonde}
. "$TOP/tests/lib.sh" >/dev/null
LAB_ID="sonde-bench-$(basename "$0" .sh)-$$"
# A bench's servers and tools run for minutes, not a test's seconds.
CMD_TIMEOUT=${BENCH_CMD_TIMEOUT:-3600}

bench_need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || { echo "needs $c" >&2; exit 2; }
	done
}

bench_need_root() {
	[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 2; }
}

BENCH_AT_EXIT=()
bench_at_exit() { BENCH_AT_EXIT+=("$1"); }

_bench_exit() {
	local cmd
	# A bench under set -e must still clean up all of its lab: a server
	# already gone (kill fails) would otherwise end the trap early and leave
	# its namespaces behind.
	set +e
	for cmd in "${BENCH_AT_EXIT[@]+"${BENCH_AT_EXIT[@]}"}"; do
		eval "$cmd"
	done
	lab_down
}

bench_lab_restart() {
	lab_down
	LAB_NAMESPACES=() LAB_PIDS=()
	LAB_TMP=$(mktemp -d /tmp/sonde-bench.XXXXXX)
}

trap _bench_exit EXIT
trap 'exit 130' INT TERM

[ -x "$SONDE" ] || { echo "no sonde binary at $SONDE (make first, or set SONDE)" >&2; exit 2; }
