#!/bin/bash
# sonde dig +trace against bind9's dig on a lab server written here that
# misbehaves mid-trace: a referral that never gets closer (dig's "BAD
# (HORIZONTAL) REFERRAL" and "too many lookups", exit 1) and a reply with a
# bad compression pointer (dig's "Got bad packet" dump, exit 0), a referral
# whose glue points elsewhere (dig looks the name up instead).  The server
# is the root (". NS ns.lab."), the resolver that gives ns.lab's address
# and the referring server.  Output, stderr and exit codes must match.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lab/dig_same.bash"
need_root
need_cmd ip dig python3
BAD=10.53.0.5
lab_dns_ns dns $BAD
cat >"$LAB_TMP/traceserver.py" <<'PY'
import socket, struct, sys
ADDR = sys.argv[1]
def name(labels):
    return b"".join(bytes([len(l)]) + l.encode() for l in labels) + b"\0"
def rr(owner, rtype, rdata):
    return owner + struct.pack(">HHIH", rtype, 1, 300, len(rdata)) + rdata
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((ADDR, 53))
while True:
    q, peer = s.recvfrom(65535)
    pos, labels = 12, []
    while q[pos]:
        labels.append(q[pos + 1:pos + 1 + q[pos]].decode().lower()); pos += q[pos] + 1
    qtype = struct.unpack(">H", q[pos + 1:pos + 3])[0]
    question = q[12:pos + 5]
    hdr = lambda an, ns: q[:2] + struct.pack(">HHHHH", 0x8400, 1, an, ns, 0)
    ns_lab = name(["ns", "lab"])
    if labels == [] and qtype == 2:
        r = hdr(1, 0) + question + rr(b"\0", 2, ns_lab)
    elif labels == ["ns", "lab"]:
        if qtype == 1:
            r = hdr(1, 0) + question + rr(b"\xc0\x0c", 1, socket.inet_aton(ADDR))
        else:
            r = hdr(0, 0) + question
    elif labels and labels[0] == "glue":
        # A referral whose glue names an address nothing answers on: dig
        # asks the resolver for ns.lab (this server), never the glue.
        r = q[:2] + struct.pack(">HHHHH", 0x8400, 1, 0, 1, 1) + question + rr(name(["test"]), 2, ns_lab) + \
            rr(ns_lab, 1, socket.inet_aton("10.53.0.99"))
    elif labels and labels[0] == "bad":
        r = hdr(1, 0) + question + b"\xc0\xff" + struct.pack(">HHIH", 1, 1, 300, 4) + b"\1\2\3\4"
    else:
        r = hdr(0, 1) + question + rr(name(["test"]), 2, ns_lab)
    s.sendto(r, peer)
PY
lab_bg dns python3 "$LAB_TMP/traceserver.py" $BAD
lab_wait_listen dns 53 udp
mask() {
	sed -E -e 's/^; <<>> .* <<>>( |$)/; <<>> VERSION <<>>\1/' -e 's/ in [0-9]+ ms/ in N ms/' \
		-e '/^[0-9]+ bytes$/{n;s/^[0-9a-f]{2} [0-9a-f]{2} (.{42}         )..(.*)$/XX XX \1..\2/;}'
}

# same ARGS...: dig_same (tests/func/lab/dig_same.bash), named by its arguments
same() { dig_same "$*" "$@"; }

same +trace @$BAD loop.test
same +trace +short @$BAD loop.test
same +trace +tries=1 +timeout=1 @$BAD glue.test
same +trace @$BAD bad.test
same +trace +short @$BAD bad.test
done_testing
