#!/bin/bash
# sonde dig --explain and +search in a pod-like lab: knotd serves
# cluster.local; a small test server written here answers SERVFAIL,
# malformed replies and silence on purpose.
source "$(dirname "$0")/../lib.sh"
need_root
need_cmd ip knotd dig python3
source "$TESTS_DIR/func/lab/dig_lab.bash"

BAD_V4=10.53.0.3
ip -n "$(ns dns)" addr add $BAD_V4/24 dev lo

# The misbehaving server: names decide what it does.
#   *.servfail.test     SERVFAIL          *.refused.test   REFUSED
#   *.silent.test       no reply at all   *.truncated.test a record cut short
#   *.loop.test         an answer whose name points at itself
#   web.shop.svc.cluster.local A 10.96.0.20; nodata.shop.svc.cluster.local
#   no data, nodata.cluster.local A 10.96.0.30; anything else NXDOMAIN
cat >"$LAB_TMP/badns.py" <<'PY'
import socket, struct, sys
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind((sys.argv[1], 53))
def qname_end(data):
    pos = 12
    while data[pos]:
        pos += data[pos] + 1
    return pos + 1
while True:
    data, peer = sock.recvfrom(4096)
    if len(data) < 17:
        continue
    end = qname_end(data)
    labels, pos = [], 12
    while data[pos]:
        labels.append(data[pos + 1:pos + 1 + data[pos]].decode("ascii", "replace").lower())
        pos += data[pos] + 1
    name = ".".join(labels)
    question = data[12:end + 4]
    qid = data[:2]
    flags, an, body = 0x8180, 0, b""
    if name.endswith("silent.test"):
        continue
    if name.endswith("servfail.test"):
        flags = 0x8182
    elif name.endswith("refused.test"):
        flags = 0x8185
    elif name.endswith("truncated.test"):
        an, body = 1, b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x0a"
    elif name.endswith("loop.test"):
        an, body = 1, b"\xc0" + bytes([12 + len(question)]) + b"\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x0a\x00\x00\x01"
    elif name == "nodata.shop.svc.cluster.local":
        pass  # NOERROR without an answer: no data
    elif name == "nodata.cluster.local":
        an, body = 1, b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x0a\x60\x00\x1e"
    elif name == "web.shop.svc.cluster.local":
        an, body = 1, b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x0a\x60\x00\x14"
    else:
        flags = 0x8183
    sock.sendto(qid + struct.pack(">HHHHH", flags, 1, an, 0, 0) + question + body, peer)
PY
lab_bg dns python3 "$LAB_TMP/badns.py" $BAD_V4
lab_wait_listen dns 53 udp
for _i in $(seq 1 50); do
	lab_exec dns dig +tries=1 +timeout=1 @$BAD_V4 x.servfail.test >/dev/null 2>&1 && break
	sleep 0.1
done

# --- failure replies against bind9's dig ----------------------------------------
same_as_dig "SERVFAIL" @$BAD_V4 x.servfail.test
same_as_dig "REFUSED" @$BAD_V4 x.refused.test
lab_run dns "$SONDE" dig @$BAD_V4 x.servfail.test
ok_rc "$RC" 0 "SERVFAIL is a reply: exit 0"
lab_run dns "$SONDE" dig @$BAD_V4 x.silent.test +tries=2 +timeout=1
ok_rc "$RC" 9 "a server that never answers: exit 9"
is "$(printf '%s\n' "$OUT" | dig_mask)" \
	"$(lab_exec dns dig @$BAD_V4 x.silent.test +tries=2 +timeout=1 | dig_mask)" "silence: same lines as dig"
# A record cut short: bind's best-effort parse keeps what came before it.
same_as_dig "a record cut short" @$BAD_V4 x.truncated.test
for bad in truncated loop; do
	lab_run dns "$SONDE" dig @$BAD_V4 x.$bad.test
	ok_rc "$RC" 0 "$bad record: a reply came, exit 0"
	unlike "$ERR" "runtime error|AddressSanitizer" "$bad record: no memory error"
done
like "$OUT" "^;; Got bad packet: " "a looping name: reported as a bad packet"

# --- the search-list walk ----------------------------------------------------------
lab_run dns "$SONDE" dig --explain kubernetes.default
ok_rc "$RC" 0 "--explain: exit 0"
like "$OUT" "^;; resolv.conf: /etc/resolv.conf" "--explain: names the resolv.conf"
like "$OUT" "^;;   search shop.svc.cluster.local svc.cluster.local cluster.local" "--explain: the search list"
like "$OUT" "^;; kubernetes.default has 1 dot, ndots is 5: the search list first" "--explain: why the search list comes first"
like "$OUT" "^;;  1\. kubernetes\.default\.shop\.svc\.cluster\.local\. +NXDOMAIN +0 answers" "--explain: first candidate NXDOMAIN"
like "$OUT" "^;;  2\. kubernetes\.default\.svc\.cluster\.local\. +NOERROR +1 answer .*UDP  <- answered" "--explain: second answered"
like "$OUT" "^;;  3\. kubernetes\.default\.cluster\.local\. +not asked" "--explain: the rest not asked"
like "$OUT" "^;; verdict: resolved via search domain svc.cluster.local after 1 NXDOMAIN$" "--explain: verdict"
like "$OUT" "^;; musl: same walk$" "--explain: musl agrees here"

lab_run dns "$SONDE" dig --explain web.shop.svc.cluster.local.
like "$OUT" "^;; verdict: absolute name skipped the search list; answered directly$" "--explain: absolute name"

lab_run dns "$SONDE" dig --explain nosuch
ok_rc "$RC" 0 "--explain of a missing name: replies came, exit 0"
like "$OUT" "^;;  4\. nosuch\. +" "--explain: the bare name is tried last"
like "$OUT" "^;; verdict: REFUSED for nosuch. ended the walk$" "--explain: the root's REFUSED ends the walk"

lab_run dns "$SONDE" dig +ndots=1 +search +explain a.b
like "$OUT" "^;; a.b has 1 dot, ndots is 1: the name as is first" "+ndots overrides resolv.conf"
like "$OUT" "^;;  1\. a\.b\. " "+ndots=1: the name as is first"

# A SERVFAIL in the middle: glibc goes on, musl stops.
lab_resolv_conf dns "nameserver $BAD_V4
search servfail.test shop.svc.cluster.local cluster.local
options ndots:5"
lab_run dns "$SONDE" dig --explain web
like "$OUT" "^;;  1\. web\.servfail\.test\. +SERVFAIL" "SERVFAIL candidate"
like "$OUT" "^;; verdict: resolved via search domain shop.svc.cluster.local after 1 SERVFAIL$" "glibc walks past SERVFAIL"
like "$OUT" "^;; musl differs: it stops at the SERVFAIL for web.servfail.test. and fails the lookup$" "musl stops at SERVFAIL"
lab_run dns "$SONDE" dig --explain web.shop.svc.cluster.local +ndots=3
like "$OUT" "^;; musl: same answer \(at 4 dots it tries only the name as is" "musl: no search list at ndots dots"
lab_run dns "$SONDE" dig --explain web.shop.svc +ndots=1
like "$OUT" "^;; verdict: resolved via search domain cluster.local after 2 NXDOMAIN, 1 SERVFAIL$" \
	"glibc: name as is, then the search list"
like "$OUT" "^;; musl differs: with 2 dots \(ndots 1\) it tries only web.shop.svc. and stops there$" "musl: no search list"

lab_run dns "$SONDE" dig --json --explain web
is "$(printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin)["lookups"][0]; print(d["answered_by"], [c["rcode"] for c in d["candidates"] if c["asked"]], d["resolv_conf"]["ndots"])')" \
	"web.shop.svc.cluster.local. ['SERVFAIL', 'NOERROR'] 5" "--explain --json: the walk as data"

# The walk waits as the libc would: resolv.conf's timeout:1 attempts:1 for a
# silent candidate, not dig's 5 s x 3 (it said "timeout 1 s, attempts 1" and
# waited 15 s).
lab_resolv_conf dns "nameserver $BAD_V4
search silent.test shop.svc.cluster.local
options ndots:5 timeout:1 attempts:1"
started=$(date +%s%N)
lab_run dns "$SONDE" dig --explain web
waited_ms=$(( ($(date +%s%N) - started) / 1000000 ))
like "$OUT" "^;;   ndots 5, timeout 1 s, attempts 1$" "--explain: resolv.conf's timeout and attempts"
like "$OUT" "^;;  1\. web\.silent\.test\. +no reply .* UDP$" "--explain: the silent candidate got no reply"
[ "$waited_ms" -lt 4000 ] && pass "--explain waits as resolv.conf says (${waited_ms} ms for one silent candidate)" \
	|| fail "--explain waits as resolv.conf says" "waited ${waited_ms} ms"
lab_run dns "$SONDE" dig --explain web +timeout=2 +tries=1
like "$OUT" "^;;   ndots 5, timeout 2 s, attempts 1$" "--explain: +timeout and +tries win over resolv.conf"
lab_resolv_conf dns "nameserver $BAD_V4
search servfail.test shop.svc.cluster.local cluster.local
options ndots:5"

# +search without +explain walks the search list as bind's dig does, not
# as glibc: only an NXDOMAIN goes on, a SERVFAIL or a NODATA answer ends it.
same_as_dig "+search stops at a SERVFAIL" +search web
lab_resolv_conf dns "nameserver $BAD_V4
search shop.svc.cluster.local svc.cluster.local cluster.local
options ndots:5"
same_as_dig "+search stops at a NODATA answer" +search nodata
same_as_dig "+search goes on after NXDOMAIN" +search web.shop +short
same_as_dig "+search, a name of ndots dots asked as is alone" +search +ndots=1 web.shop
same_as_dig "+search, an absolute name" +search web.
same_as_dig "+search, an absolute name of ndots dots" +search +ndots=1 web.
same_as_dig "+search, a SERVFAIL as is" +search +ndots=1 x.servfail.test
lab_run dns "$SONDE" dig +search nodata +short
is "$OUT" "" "+search: the NODATA answer ends the walk (glibc would go on to nodata.cluster.local)"
# --- musl itself -----------------------------------------------------------------
# What --explain says musl does, checked against musl: a getaddrinfo() call
# built with musl-gcc runs in the same lab, with the same resolv.conf.  Where
# --explain says musl differs it must fail; where it says musl agrees it must
# give the address sonde's +search walk gives (in these cases dig's walk and
# glibc's end at the same name).
cat >"$LAB_TMP/musl_gai.c" <<'C'
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
	struct addrinfo hints, *res, *ai;
	int rc;

	if (argc != 2)
		return 2;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(argv[1], NULL, &hints, &res);
	if (rc) {
		printf("fail: %s\n", gai_strerror(rc));
		return 1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		char text[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, text, sizeof(text));
		printf("%s%s", ai == res ? "" : " ", text);
	}
	printf("\n");
	freeaddrinfo(res);
	return 0;
}
C
# musl_check NAME WANT-REGEX RESOLV-CONF: --explain's musl line, and musl.
musl_check() {
	local name=$1 want=$2 musl_line glibc_answer
	lab_resolv_conf dns "$3"
	lab_run dns "$SONDE" dig --explain "$name"
	musl_line=$(printf '%s\n' "$OUT" | grep '^;; musl')
	like "$musl_line" "$want" "musl model for $name: $want"
	glibc_answer=$(lab_exec dns "$SONDE" dig +search "$name" +short)
	lab_run dns "$LAB_TMP/musl_gai" "$name"
	case $musl_line in
	";; musl differs"*) like "$OUT" "^fail: " "real musl fails $name as --explain says (musl: $OUT)" ;;
	*) is "$OUT" "$glibc_answer" "real musl resolves $name as --explain says (the same address)" ;;
	esac
}
if command -v musl-gcc >/dev/null 2>&1 && musl-gcc -static -o "$LAB_TMP/musl_gai" "$LAB_TMP/musl_gai.c"; then
	musl_check web "musl differs: it stops at the SERVFAIL" "nameserver $BAD_V4
search servfail.test shop.svc.cluster.local cluster.local
options ndots:5"
	musl_check web.shop.svc "musl differs: with 2 dots \(ndots 1\) it tries only web.shop.svc. and stops there" \
		"nameserver $BAD_V4
search shop.svc.cluster.local cluster.local
options ndots:1"
	musl_check web "musl: same walk" "nameserver $BAD_V4
search nosuch.test shop.svc.cluster.local cluster.local
options ndots:5"
	musl_check web.shop.svc.cluster.local "musl: same answer" "nameserver $BAD_V4
search shop.svc.cluster.local cluster.local
options ndots:3"
else
	for _i in 1 2 3 4 5 6 7 8; do pass "real musl # skip musl-gcc (Debian's musl-tools) not installed"; done
fi
done_testing
