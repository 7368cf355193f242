#!/bin/bash
# Runs every C unit-test binary ($UNIT_DIR/test_*) and merges their TAP
# lines into one stream with a plan.  A binary that exits non-zero without
# a failing line (a crash, a sanitizer report) is a failure too.
set -u
UNIT_DIR=${UNIT_DIR:-$(dirname "$0")/../build/tests}
count=0
for bin in "$UNIT_DIR"/test_*; do
	case "$bin" in *.log|*.d|*.o) continue ;; esac
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	echo "# $name"
	out=$("$bin" 2>&1); rc=$?
	while IFS= read -r line; do
		case "$line" in
		"ok "*|"not ok "*) count=$((count + 1)); echo "${line%% - *} - $name: ${line#* - }" ;;
		*) echo "# $line" ;;
		esac
	done <<< "$out"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' <<< "$out"; then
		count=$((count + 1))
		echo "not ok - $name exited with status $rc"
	fi
done
if [ $count -eq 0 ]; then
	echo "1..0 # SKIP no unit-test binaries in $UNIT_DIR"
else
	echo "1..$count"
fi
