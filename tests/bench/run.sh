#!/bin/bash
# Runs every benchmark in tests/bench/ (each compares sonde with its peer tool
# side by side in one run).  Not part of `make test`: speed never fails CI.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
for b in "$dir"/*.sh; do
	[ "$(basename "$b")" = run.sh ] && continue
	echo "== $(basename "$b" .sh)"
	bash "$b" || echo "(benchmark $(basename "$b") failed: $?)"
done
