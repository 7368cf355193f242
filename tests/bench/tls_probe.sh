#!/bin/bash
# One cold `sonde tls` probe against `openssl s_client -connect ... </dev/null`
# on the same loopback s_server (a self-signed EC certificate made here),
# with hyperfine (warm-up excluded; medians of TLS_BENCH_RUNS runs, 50 by
# default).  Both sides trust the same CA file and both verify the chain and
# the address (s_client with -verify_return_error -verify_ip, as sonde does
# by default).  s_client runs without a shell: hyperfine -N gives every
# command /dev/null as stdin (1.15 has no --input; it needs none), which is
# s_client's `</dev/null`.  The s_server listens on the loopback of a lab
# namespace, where the tools run (no other program's port in the way).
# Then the same across a routed lab path of three hops (c - r1 - r2 - s,
# namespaces of tests/lab/lab.sh, an ECDSA P-256 leaf under a lab root): TLS_BENCH_PAIRS (31) alternating pairs, each command a
# fresh process, timed inside the client namespace (so `ip netns exec` is not
# counted), with /bin/true timed the same way as the cost of a process here.
# The issue's target: sonde at most 0.5x s_client's wall time.
# Not part of `make test`; needs root (namespaces).
PORT=${TLS_BENCH_PORT:-47443}
RUNS=${TLS_BENCH_RUNS:-50}
PAIRS=${TLS_BENCH_PAIRS:-31}
. "$(dirname "$0")/lab.sh"
bench_need_root
bench_need hyperfine openssl python3
dir=$LAB_TMP
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/key.pem" \
	-out "$dir/cert.pem" -days 30 -subj /CN=bench.test -addext subjectAltName=IP:127.0.0.1 2>/dev/null
lab_ns lo
lab_bg lo openssl s_server -quiet -www -accept "127.0.0.1:$PORT" -cert "$dir/cert.pem" -key "$dir/key.pem"
lab_wait_listen lo "$PORT" || exit 1
# Both must succeed (verified) before they are timed.
lab_exec lo "$SONDE" tls --cafile "$dir/cert.pem" "127.0.0.1:$PORT" >/dev/null ||
	{ echo "sonde tls did not verify the bench server" >&2; exit 1; }
lab_exec lo openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$dir/cert.pem" -verify_return_error -verify_ip 127.0.0.1 \
	</dev/null >/dev/null 2>&1 || { echo "openssl s_client did not verify the bench server" >&2; exit 1; }
lab_exec lo hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$dir/result.json" \
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

# --- across three routed hops ---------------------------------------------------------
for n in c r1 r2 s; do lab_ns "$n"; done
lab_link c 10.94.1.1/24 r1 10.94.1.2/24
lab_link r1 10.94.2.1/24 r2 10.94.2.2/24
lab_link r2 10.94.3.1/24 s 10.94.3.2/24
for n in r1 r2; do ip netns exec "$(ns $n)" sysctl -qw net.ipv4.ip_forward=1; done
ip -n "$(ns c)" route add 10.94.0.0/16 via 10.94.1.2
ip -n "$(ns r1)" route add 10.94.3.0/24 via 10.94.2.2
ip -n "$(ns r2)" route add 10.94.1.0/24 via 10.94.2.1
ip -n "$(ns s)" route add 10.94.0.0/16 via 10.94.3.1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/root.key" \
	-out "$dir/root.pem" -days 30 -subj "/CN=Bench Root" -addext basicConstraints=critical,CA:TRUE \
	-addext keyUsage=critical,keyCertSign 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/leaf.key" \
	-out "$dir/leaf.csr" -subj /CN=bench.lab.test 2>/dev/null
printf 'subjectAltName=DNS:bench.lab.test,IP:10.94.3.2\nextendedKeyUsage=serverAuth\n' >"$dir/leaf.ext"
openssl x509 -req -in "$dir/leaf.csr" -CA "$dir/root.pem" -CAkey "$dir/root.key" -CAcreateserial \
	-days 30 -extfile "$dir/leaf.ext" -out "$dir/leaf.pem" 2>/dev/null
lab_bg s openssl s_server -quiet -www -accept 10.94.3.2:443 -cert "$dir/leaf.pem" -key "$dir/leaf.key"
lab_wait_listen s 443
lab_exec c "$SONDE" tls --cafile "$dir/root.pem" 10.94.3.2 >/dev/null ||
	{ echo "sonde tls did not verify the lab server" >&2; exit 1; }
lab_exec c openssl s_client -connect 10.94.3.2:443 -CAfile "$dir/root.pem" -verify_return_error \
	-verify_ip 10.94.3.2 </dev/null >/dev/null 2>&1 || { echo "openssl s_client did not verify the lab server" >&2; exit 1; }
ip netns exec "$(ns c)" python3 - "$PAIRS" "$SONDE" "$dir/root.pem" <<'PY'
import os, shutil, statistics, sys, time
pairs, sonde, ca = int(sys.argv[1]), sys.argv[2], sys.argv[3]
commands = {
    "sonde tls": [sonde, "tls", "--cafile", ca, "10.94.3.2"],
    "openssl s_client": ["openssl", "s_client", "-connect", "10.94.3.2:443", "-CAfile", ca,
                         "-verify_return_error", "-verify_ip", "10.94.3.2"],
    "/bin/true": ["/bin/true"],   # what starting and waiting for a process costs here
}
# posix_spawn and waitpid: the least a timer can add to each command.
null = os.open("/dev/null", os.O_RDWR)
streams = [(os.POSIX_SPAWN_DUP2, null, fd) for fd in (0, 1, 2)]
times = {name: [] for name in commands}
for i in range(pairs + 1):                    # the first round warms the page cache, untimed
    for name, argv in commands.items():
        start = time.perf_counter()
        pid = os.posix_spawn(shutil.which(argv[0]), argv, os.environ, file_actions=streams)
        status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        elapsed = (time.perf_counter() - start) * 1000
        if status != 0:
            sys.exit("%s failed (exit %d)" % (name, status))
        if i:
            times[name].append(elapsed)
print("tls probe, cold, across 3 routed lab hops, %d alternating rounds (ms):" % pairs)
print("                     median    mean     min")
for name, t in times.items():
    print("  %-17s %7.2f %7.2f %7.2f" % (name, statistics.median(t), statistics.mean(t), min(t)))
ratio = statistics.median(times["sonde tls"]) / statistics.median(times["openssl s_client"])
print("  ratio of medians   %.2f (sonde / s_client; target <= 0.5)" % ratio)
PY
