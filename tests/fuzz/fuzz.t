#!/bin/bash
# Builds every libFuzzer target (tests/fuzz/fuzz_*.c) with clang against the
# libcore sources, under ASan+UBSan, and runs each for a short bounded time
# on a copy of its seed corpus.  FUZZ_SECONDS sets the time per target.
. "$(dirname "$0")/../lib.sh"
need_cmd clang
TOP=$(cd "$TESTS_DIR/.." && pwd)
OUTDIR=$TOP/build-fuzz
SECONDS_PER_TARGET=${FUZZ_SECONDS:-5}
mkdir -p "$OUTDIR"
FUZZ_CFLAGS="-g -O1 -std=gnu11 -D_GNU_SOURCE -DSONDE_VERSION=\"fuzz\" -fsanitize=fuzzer-no-link,address,undefined
	-fno-sanitize-recover=undefined -I$TOP/include -I/usr/include/libnl3"

# libcore once, as an archive, so each target pulls only what it uses.
build_core() {
	mkdir -p "$OUTDIR/obj"
	rm -f "$OUTDIR"/obj/*.o
	# The Makefile's list of libcore sources; both cores: libcore is most of
	# the build time.  Object names keep the subdirectory (nf/x.c -> nf_x.o).
	export FUZZ_CFLAGS OUTDIR TOP
	make -s --no-print-directory -C "$TOP" print-core-src | xargs -P "$(nproc)" -I{} sh -c \
		'o=$(echo "${1#libcore/}" | tr / _); clang $FUZZ_CFLAGS -c "$TOP/$1" -o "$OUTDIR/obj/${o%.c}.o"' _ {} || return 1
	rm -f "$OUTDIR/libcore-fuzz.a"
	ar rcs "$OUTDIR/libcore-fuzz.a" "$OUTDIR"/obj/*.o
}
# A target that copies its input into a larger fixed buffer hides reads
# past the input's end from ASan: each copies into an exact-size allocation.
oversized=$(grep -lE 'static [a-z0-9_ ]+\[[0-9]{3,}\]' "$TESTS_DIR"/fuzz/fuzz_*.c)
is "$oversized" "" "no fuzz target copies its input into a fixed-size static buffer"

if build_core 2>"$OUTDIR/core.build.log"; then pass "libcore builds for fuzzing"; else
	fail "libcore builds for fuzzing" "$(tail -20 "$OUTDIR/core.build.log")"; done_testing; fi

# fuzz_one NAME: builds one target and runs it on a copy of its corpus;
# "built" and then "ok" or "crash" in $OUTDIR/NAME.verdict.
fuzz_one() {
	local name=$1 target=${1#fuzz_} bin=$OUTDIR/$1 corpus=$LAB_TMP/corpus-${1#fuzz_}
	if ! clang $FUZZ_CFLAGS -fsanitize=fuzzer "$TESTS_DIR/fuzz/$name.c" -o "$bin" "$OUTDIR/libcore-fuzz.a" \
		-lnl-nf-3 -lnl-genl-3 -lnl-3 -lcares -lssl -lcrypto -lpcap 2>"$OUTDIR/$name.build.log"; then
		echo unbuilt >"$OUTDIR/$name.verdict"
		return
	fi
	mkdir -p "$corpus"
	cp "$TESTS_DIR/fuzz/corpus/$target"/* "$corpus"/ 2>/dev/null
	if "$bin" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		"$corpus" >"$OUTDIR/$name.log" 2>&1; then
		echo ok >"$OUTDIR/$name.verdict"
	else
		echo crash >"$OUTDIR/$name.verdict"
	fi
}

# One target per core at a time: each still fuzzes SECONDS_PER_TARGET on a
# core of its own, and the pass takes half the time on two cores.
names=$(for src in "$TESTS_DIR"/fuzz/fuzz_*.c; do basename "$src" .c; done)
running=0
for name in $names; do
	rm -f "$OUTDIR/$name.verdict"
	fuzz_one "$name" &
	running=$((running + 1))
	if [ "$running" -ge "$(nproc)" ]; then wait -n; running=$((running - 1)); fi
done
wait
for name in $names; do
	case $(cat "$OUTDIR/$name.verdict" 2>/dev/null) in
	unbuilt | "")
		fail "$name builds" "$(tail -20 "$OUTDIR/$name.build.log")"
		continue ;;
	esac
	pass "$name builds"
	if [ "$(cat "$OUTDIR/$name.verdict")" = ok ]; then
		pass "$name: no crash in ${SECONDS_PER_TARGET}s ($(awk '/stat::number_of_executed_units/{print $2}' "$OUTDIR/$name.log") runs)"
	else
		fail "$name: crash found" "$(grep -A20 -E 'ERROR|runtime error|deadly' "$OUTDIR/$name.log" | head -30)"
	fi
done
done_testing
