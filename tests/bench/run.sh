#!/bin/bash
# Runs every benchmark in tests/bench/ (each compares sonde with its peer tool
# side by side in one run; each sources tests/bench/lab.sh, the set-up they
# share).  Not part of `make test`: speed never fails CI.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
for b in "$dir"/*.sh; do
	case $(basename "$b") in
	run.sh | lab.sh | kube_rules.sh) continue ;; # this loop, the set-up, a rule generator
	esac
	echo "== $(basename "$b" .sh)"
	bash "$b" || echo "(benchmark $(basename "$b") failed: $?)"
done
