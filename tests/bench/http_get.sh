#!/bin/bash
# A cold `sonde http` GET of a small page against `curl -s -o /dev/null` on
# the same loopback python http.server, with hyperfine.  The issue's target:
# sonde at most 1.0x curl's wall time.  Not part of `make test`.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SONDE=${SONDE:-$TOP/build/sonde}
PORT=${HTTP_BENCH_PORT:-47080}
command -v hyperfine >/dev/null || { echo "needs hyperfine" >&2; exit 2; }
command -v curl >/dev/null || { echo "needs curl" >&2; exit 2; }
[ -x "$SONDE" ] || { echo "no sonde binary at $SONDE (make first, or set SONDE)" >&2; exit 2; }
dir=$(mktemp -d)
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
echo "small page" >"$dir/index.html"
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$dir" >/dev/null 2>&1 &
server=$!
for i in $(seq 1 100); do ss -ltnH "sport = :$PORT" | grep -q . && break; sleep 0.05; done
hyperfine -N --warmup 3 --runs 50 --export-json "$dir/result.json" \
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
