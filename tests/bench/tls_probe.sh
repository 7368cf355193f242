#!/bin/bash
# One cold `sonde tls` probe against `openssl s_client -connect ... </dev/null`
# on the same loopback s_server (a self-signed EC certificate made here),
# with hyperfine (warm-up excluded; medians of TLS_BENCH_RUNS runs, 50 by
# default).  Both sides trust the same CA file and both verify the chain and
# the address (s_client with -verify_return_error -verify_ip, as sonde does
# by default).  s_client runs without a shell: hyperfine -N gives every
# command /dev/null as stdin (1.15 has no --input; it needs none), which is
# s_client's `</dev/null`.  The issue's target: sonde at most 0.5x s_client's
# wall time.  Not part of `make test`.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SONDE=${SONDE:-$TOP/build/sonde}
PORT=${TLS_BENCH_PORT:-47443}
RUNS=${TLS_BENCH_RUNS:-50}
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
# Both must succeed (verified) before they are timed.
"$SONDE" tls --cafile "$dir/cert.pem" "127.0.0.1:$PORT" >/dev/null ||
	{ echo "sonde tls did not verify the bench server" >&2; exit 1; }
openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$dir/cert.pem" -verify_return_error -verify_ip 127.0.0.1 \
	</dev/null >/dev/null 2>&1 || { echo "openssl s_client did not verify the bench server" >&2; exit 1; }
hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$dir/result.json" \
	-n "sonde tls" "$SONDE tls --cafile $dir/cert.pem 127.0.0.1:$PORT" \
	-n "openssl s_client" "openssl s_client -connect 127.0.0.1:$PORT -CAfile $dir/cert.pem -verify_return_error -verify_ip 127.0.0.1" \
	>/dev/null
python3 - "$dir/result.json" "$RUNS" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
s, o = r["sonde tls"], r["openssl s_client"]
print("tls probe, cold, loopback s_server, %s runs each (ms):" % sys.argv[2])
print("                     median    mean   cpu (user+sys, mean)")
for name, x in (("sonde tls", s), ("openssl s_client", o)):
    print("  %-17s %7.2f %7.2f %7.2f" % (name, x["median"] * 1000, x["mean"] * 1000,
                                      (x["user"] + x["system"]) * 1000))
print("  ratio of medians   %.2f (sonde / s_client; target <= 0.5)" % (s["median"] / o["median"]))
PY
