#!/usr/bin/env python3
"""Checks sonde svc's JSON answers (one per line, in service order) against
what tests/bench/kube_rules.sh generated for each service: the endpoints,
their probabilities, affinity and the no-endpoints case.  Prints one TAP
line per dataplane mode and service count checked."""
import json
import sys

mode, count, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
want_plane = {"legacy": "iptables (legacy)", "nft": "iptables (nf_tables)", "nftables": "nftables (ip kube-proxy)"}[mode]


def expected(i):
    n = 0 if i % 23 == 5 else 1 + i % 5
    eps = ["10.244.%d.%d:8080" % ((i // 50) % 250, (i % 50) * 5 + j + 1) for j in range(n)]
    return eps, i % 17 == 3 and n > 0


bad = []
with open(path) as f:
    lines = [line for line in f if line.strip()]
for i, line in enumerate(lines):
        doc = json.loads(line)
        planes = [p for p in doc["dataplanes"] if p["dataplane"] == want_plane]
        eps, affinity = expected(i)
        if len(planes) != 1:
            bad.append("svc%d: %d traces from %s" % (i, len(planes), want_plane))
            continue
        p = planes[0]
        if p["name"] != "ns%d/svc%d:http" % (i % 10, i):
            bad.append("svc%d: name %r" % (i, p["name"]))
        if not eps:
            if not p["no_endpoints"]:
                bad.append("svc%d: endpoints missing, not reported" % i)
            continue
        got = sorted((e["address"], round(e["probability"], 6)) for e in p["endpoints"])
        want = sorted((e, round(1.0 / len(eps), 6)) for e in eps)
        if got != want:
            bad.append("svc%d: endpoints %r, want %r" % (i, got, want))
        if p["affinity"] != affinity:
            bad.append("svc%d: affinity %r" % (i, p["affinity"]))
        if not p.get("masquerade", "").startswith("traffic"):
            bad.append("svc%d: no masquerade rule" % i)
if len(lines) != count:
    bad.append("%d answers for %d services" % (len(lines), count))
print("%s - %s: endpoints, probabilities, affinity, no-endpoints for %d services" % ("not ok" if bad else "ok", mode, count))
for b in bad[:10]:
    print("# " + b)
