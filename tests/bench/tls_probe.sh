#!/bin/bash
# One cold `sonde tls` probe against `openssl s_client -connect ... </dev/null`
# on the same loopback s_server (a self-signed EC certificate made here),
# with hyperfine (alternating, warm-up excluded).  The issue's target:
# sonde at most 0.5x s_client's wall time.  Not part of `make test`.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SONDE=${SONDE:-$TOP/build/sonde}
PORT=${TLS_BENCH_PORT:-47443}
command -v hyperfine >/dev/null || { echo "needs hyperfine" >&2; exit 2; }
[ -x "$SONDE" ] || { echo "no sonde binary at $SONDE (make first, or set SONDE)" >&2; exit 2; }
dir=$(mktemp -d)
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/key.pem" \
	-out "$dir/cert.pem" -days 30 -subj /CN=bench.test -addext subjectAltName=IP:127.0.0.1 2>/dev/null
openssl s_server -quiet -www -accept "127.0.0.1:$PORT" -cert "$dir/cert.pem" -key "$dir/key.pem" \
	</dev/null >/dev/null 2>&1 &
server=$!
for i in $(seq 1 100); do ss -ltnH "sport = :$PORT" | grep -q . && break; sleep 0.02; done
hyperfine -N --warmup 3 --runs 50 --export-json "$dir/result.json" \
	-n "sonde tls" "$SONDE tls --cafile $dir/cert.pem 127.0.0.1:$PORT" \
	-n "openssl s_client" "sh -c 'openssl s_client -connect 127.0.0.1:$PORT -CAfile $dir/cert.pem </dev/null'" \
	>/dev/null
python3 - "$dir/result.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] * 1000 for x in json.load(open(sys.argv[1]))["results"]}
s, o = r["sonde tls"], r["openssl s_client"]
print("tls probe, cold, loopback s_server, mean of 50 runs:")
print("  sonde tls          %.2f ms" % s)
print("  openssl s_client   %.2f ms" % o)
print("  ratio              %.2f (sonde / s_client; target <= 0.5)" % (s / o))
PY
