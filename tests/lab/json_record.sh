#!/bin/bash
# tests/lab/json_record.sh — stands in for the sonde binary while the tests
# run under `make check` (tests/lib.sh points $SONDE here when
# SONDE_JSON_RECORD names a directory).  A run with JSON output (--json, or
# -j for ip, nft and mtr, -J for iperf3) has its stdout copied into that directory, beside the
# applet's name, the test file, the arguments and the exit status, so that
# tests/json.t can validate every document against docs/json/APPLET.schema.json.
# Any other run becomes the binary itself (exec, same pid, same argv[0]).
set -u
real=$SONDE_REAL
name=${0##*/}

# Called by its own name it is `sonde`; through a link (ping6, nmap) it
# passes the link's name on, as the binary would see it.
applet=$name argv0=$0
case $name in
sonde|json_record.sh) applet=${1:-} argv0=$real ;;
esac

json=0
for arg in "$@"; do
	case $arg in
	--json) json=1 ;;
	-[!-]*j*) case $applet in ip|nft|mtr) json=1 ;; esac ;;
	-J) case $applet in iperf3) json=1 ;; esac ;;
	esac
done

case $applet in
-*|'') json=0 ;;            # sonde --list --json and the like: no applet
esac

if [ "$json" = 0 ] || [ ! -d "${SONDE_JSON_RECORD:-}" ]; then
	exec -a "$argv0" "$real" "$@"
fi

meta=$(mktemp --suffix=.meta "$SONDE_JSON_RECORD/$applet.XXXXXX")
rec=${meta%.meta}
{
	printf 'applet=%s\n' "$applet"
	printf 'test=%s\n' "${SONDE_JSON_TEST:-?}"
	printf 'args='; printf ' %q' "$@"; printf '\n'
} > "$meta"
# Foreground pipeline: stdin stays the caller's.  timeout(1) and Ctrl-C
# signal the whole process group: sonde acts on the signal as it would
# alone, while tee (ignoring it) and this script (a trap, reset for sonde)
# stay to copy and pass on what sonde writes on its way out.
trap : INT TERM HUP
(exec -a "$argv0" "$real" "$@") | (trap '' INT TERM HUP; exec tee "$rec.out")
rc=${PIPESTATUS[0]}
printf 'exit=%s\n' "$rc" >> "$meta"
exit "$rc"
