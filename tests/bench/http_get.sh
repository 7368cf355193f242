#!/bin/bash
# A cold `sonde http` GET of a small page against `curl -s -o /dev/null` on
# the same python http.server, on the loopback of a lab namespace (so no
# other program's port is in the way), with hyperfine run inside it.  The
# issue's target: sonde at most 1.0x curl's wall time.  Not part of `make
# test`; needs root (the namespace).
PORT=${HTTP_BENCH_PORT:-47080}
. "$(dirname "$0")/lab.sh"
bench_need_root
bench_need hyperfine curl python3
dir=$LAB_TMP
echo "small page" >"$dir/index.html"
lab_ns web
lab_bg web python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$dir"
lab_wait_listen web "$PORT" || exit 1
lab_exec web hyperfine -N --warmup 3 --runs 50 --export-json "$dir/result.json" \
	-n "sonde http" "$SONDE http -o /dev/null http://127.0.0.1:$PORT/index.html" \
	-n "curl" "curl -s -o /dev/null http://127.0.0.1:$PORT/index.html" >/dev/null
python3 - "$dir/result.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] * 1000 for x in json.load(open(sys.argv[1]))["results"]}
s, c = r["sonde http"], r["curl"]
print("http GET of a small page, cold, loopback python http.server, mean of 50 runs:")
print("  sonde http   %.2f ms" % s)
print("  curl         %.2f ms" % c)
print("  ratio        %.2f (sonde / curl; target <= 1.0)" % (s / c))
PY
