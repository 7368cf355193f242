#!/bin/bash
# sonde dig against bind9's dig on bind's own record-type zone: Debian's
# named serves genzone.sh's zone (every type bind knows) and two zones
# signed with dnssec-signzone (NSEC and NSEC3) in a lab namespace; both digs
# ask for every RRset in one -f batch each, and each lookup's output is
# compared after masking the banner's version, the id, the query time, the
# date and the cookie bytes.
#
# Each row of issue 16's table is one assertion: every case not listed in
# dig_known_diffs.txt must be identical.  Listed cases are known to differ
# (a TODO each, shown as a diag); one that became identical is reported so
# it leaves the list.  A tally per row is printed as diag lines.
source "$(dirname "$0")/../lib.sh"
need_root
need_cmd ip named dig dnssec-keygen dnssec-signzone python3
UPSTREAM=$TESTS_DIR/../../shared/upstream/bind9-9.18.49
[ -f "$UPSTREAM/genzone.sh" ] || skip_all "bind9's genzone.sh not beside the project ($UPSTREAM)"
KNOWN=$TESTS_DIR/conformance/dig_known_diffs.txt

S4=10.53.0.2 S6=fd53::2
lab_ns dns
ip -n "$(ns dns)" addr add $S4/24 dev lo
ip -n "$(ns dns)" addr add $S6/64 dev lo nodad
lab_resolv_conf dns "nameserver $S4"
Z=$LAB_TMP/zones
mkdir -p "$Z"

# --- the zones -----------------------------------------------------------------
sh "$UPSTREAM/genzone.sh" 2 >"$Z/example.db"
# Markers split +short batch output; a wildcard gives owner names of any length.
cat >"$Z/mark.db" <<'ZONE'
$TTL 300
@	SOA ns2.example. hostmaster.example. 1 3600 600 86400 300
@	NS ns2.example.
sep	TXT "sonde-conformance-mark"
*	A 192.0.2.1
ZONE
# A zone of 3,000 TXT records: its transfer takes many messages.
python3 -c '
print("$TTL 300\n@ SOA ns2.example. hostmaster.example. 7 3600 600 86400 300\n@ NS ns2.example.")
for i in range(3000):
    print("r%04d TXT \"%s\"" % (i, "x" * 60))' >"$Z/big.db"
signed_zone() { # NAME NSEC3-ARGS...
	local name=$1
	shift
	cat >"$Z/$name.in" <<ZONE
\$TTL 300
@	SOA ns2.example. hostmaster.example. 1 3600 600 86400 300
@	NS ns2.example.
@	MX 10 mail
www	A 192.0.2.80
www	AAAA 2001:db8::80
mail	A 192.0.2.25
txt	TXT "signed text"
*.wild	A 192.0.2.99
sub	NS ns.sub
ns.sub	A 10.53.0.9
ZONE
	(cd "$Z" && dnssec-keygen -q -a ECDSAP256SHA256 -f KSK "$name" >/dev/null &&
		dnssec-keygen -q -a ECDSAP256SHA256 "$name" >/dev/null &&
		cat K"$name".+*.key >>"$name.in" &&
		dnssec-signzone -q "$@" -o "$name" -f "$name.db" "$name.in" K"$name".+*.private >/dev/null) ||
		echo "Bail out! dnssec-signzone failed for $name"
}
signed_zone secure
signed_zone nsec3 -3 aabbccdd -H 0

cat >"$Z/named.conf" <<CONF
options {
	directory "$Z";
	pid-file "$Z/named.pid";
	listen-on port 53 { $S4; };
	listen-on-v6 port 53 { $S6; };
	recursion no;
	dnssec-validation no;
	allow-transfer { any; };
	notify no;
	rrset-order { order none; };  # the same order to both digs
};
zone "example" { type primary; file "example.db"; };
zone "mark" { type primary; file "mark.db"; };
zone "secure" { type primary; file "secure.db"; };
zone "nsec3" { type primary; file "nsec3.db"; };
zone "big" { type primary; file "big.db"; };
CONF
lab_bg dns named -g -u root -c "$Z/named.conf"
lab_wait_listen dns 53 udp || { echo "Bail out! named did not start"; cat "$LAB_TMP/bg.log"; exit 1; }
for _i in $(seq 1 100); do
	lab_exec dns dig +short +tries=1 +timeout=1 @$S4 nsec3. SOA 2>/dev/null | grep -q . && break
	sleep 0.1
done

# --- comparing -----------------------------------------------------------------
# One python process compares a whole row: each lookup's output is cut out
# (at a banner, or with +short at a marker line), masked (banner version,
# id, query time, date, cookie bytes) and compared.  It prints the tally and
# the first new differences as diag lines; its exit status says whether any
# case outside the known list differs.
cat >"$LAB_TMP/compare.py" <<'PY'
import difflib, re, sys
row, cases_file, dig_out, sonde_out, pattern, mode, known_file = sys.argv[1:8]
MASKS = [(re.compile(r"^; <<>> .* <<>>( |$)"), r"; <<>> VERSION <<>>\1"),
         (re.compile(r"(->>HEADER<<- opcode: [A-Z0-9]+, status: [A-Z0-9]+), id: [0-9]+"), r"\1, id: ID"),
         (re.compile(r"^; COOKIE: [0-9a-f]+"), "; COOKIE: HEX")]
DROP = re.compile(r"^;; (Query time|WHEN): ")
def blocks(path):
    out, cur, seen, pat = [], [], False, re.compile(pattern)
    for line in open(path, encoding="utf-8", errors="backslashreplace").read().split("\n"):
        if mode == "sep" and pat.search(line):
            out.append(cur); cur = []; continue
        if mode == "start" and pat.search(line):
            if seen:
                out.append(cur); cur = []
            seen = True
        if DROP.search(line):
            continue
        for rx, rep in MASKS:
            line = rx.sub(rep, line)
        cur.append(line)
    out.append(cur)
    return [b[:-1] if b and b[-1] == "" else b for b in out]
known = set()
for line in open(known_file):
    if line.strip() and not line.startswith("#"):
        known.add(tuple(line.rstrip("\n").split("\t", 1)))
cases = [c for c in open(cases_file).read().split("\n") if c]
d, s = blocks(dig_out), blocks(sonde_out)
same, new, fixed = 0, [], []
for i, case in enumerate(cases):
    a = d[i] if i < len(d) else ["(missing)"]
    b = s[i] if i < len(s) else ["(missing)"]
    if a == b:
        same += 1
        if (row, case) in known:
            fixed.append(case)
    elif (row, case) not in known:
        new.append(case)
        if len(new) <= 3:
            print("# %s: %s" % (row, case))
            for l in list(difflib.unified_diff(a, b, "dig", "sonde", n=1, lineterm=""))[:24]:
                print("#   " + l)
print("# tally %s: %d cases, %d identical, %d differ (%d not in the known list)"
      % (row, len(cases), same, len(cases) - same, len(new)))
for case in fixed:
    print("# %s: now identical, drop from dig_known_diffs.txt: %s" % (row, case))
for case in new:
    print("# new difference: %s\t%s" % (row, case))
sys.exit(1 if new else 0)
PY

# compare_row ROW CASES-FILE OUT-DIG OUT-SONDE PATTERN MODE: one assertion a row.
compare_row() {
	local row=$1
	if python3 "$LAB_TMP/compare.py" "$@" "$KNOWN"; then
		pass "$row: same output as bind9 dig, known differences aside"
	else
		fail "$row: same output as bind9 dig, known differences aside"
	fi
}

# batch_row ROW CASES-FILE DIG-ARGS...: one -f batch through both digs.
batch_row() {
	local row=$1 cases=$2
	shift 2
	lab_exec dns dig "$@" -f "$cases" >"$LAB_TMP/$row.dig.out" 2>&1
	lab_exec dns "$SONDE" dig "$@" -f "$cases" >"$LAB_TMP/$row.sonde.out" 2>&1
	compare_row "$row" "$cases" "$LAB_TMP/$row.dig.out" "$LAB_TMP/$row.sonde.out" '^; <<>> ' start
}

# --- every genzone RRset ----------------------------------------------------------
rrsets() { # ZONE: "owner type" per RRset, as dig prints them
	lab_exec dns dig @$S4 "$1" AXFR +noall +answer +nocookie | awk '{ print $1, $4 }' | awk '!seen[$0]++'
}
rrsets example. >"$LAB_TMP/genzone.cases"
diag "genzone.sh's zone: $(wc -l <"$LAB_TMP/genzone.cases") RRsets"

batch_row default "$LAB_TMP/genzone.cases" @$S4
batch_row nocookie "$LAB_TMP/genzone.cases" @$S4 +nocookie

# +multiline: every RRset again, records over lines with bind's comments.
batch_row multiline "$LAB_TMP/genzone.cases" @$S4 +nocookie +multiline

# +short prints no banner: a marker lookup between two lookups splits them.
awk '{ print; print "sep.mark TXT" }' "$LAB_TMP/genzone.cases" >"$LAB_TMP/short.batch"
lab_exec dns dig @$S4 +short -f "$LAB_TMP/short.batch" >"$LAB_TMP/short.dig.out" 2>&1
lab_exec dns "$SONDE" dig @$S4 +short -f "$LAB_TMP/short.batch" >"$LAB_TMP/short.sonde.out" 2>&1
compare_row short "$LAB_TMP/genzone.cases" "$LAB_TMP/short.dig.out" "$LAB_TMP/short.sonde.out" \
	'^"sonde-conformance-mark"$' sep
# +multiline leaves +short's lines alone; +split=8 and +nosplit wrap every
# type's base64 and hex as bind does, on one line and over several.
lab_exec dns dig @$S4 +short +multiline -f "$LAB_TMP/short.batch" >"$LAB_TMP/short_ml.dig.out" 2>&1
lab_exec dns "$SONDE" dig @$S4 +short +multiline -f "$LAB_TMP/short.batch" >"$LAB_TMP/short_ml.sonde.out" 2>&1
compare_row short_multiline "$LAB_TMP/genzone.cases" "$LAB_TMP/short_ml.dig.out" "$LAB_TMP/short_ml.sonde.out" \
	'^"sonde-conformance-mark"$' sep
batch_row multiline_split8 "$LAB_TMP/genzone.cases" @$S4 +nocookie +multiline +split=8
batch_row multiline_nosplit "$LAB_TMP/genzone.cases" @$S4 +nocookie +multiline +nosplit
batch_row split8 "$LAB_TMP/genzone.cases" @$S4 +nocookie +split=8

# --- signed zones, +dnssec ------------------------------------------------------------
{ rrsets secure.; rrsets nsec3.; printf '%s\n' "nosuch.secure A" "www.secure TXT" "nosuch.nsec3 A" \
	"www.nsec3 TXT" "x.wild.secure A" "x.wild.nsec3 A" "www.sub.secure A"; } >"$LAB_TMP/signed.cases"
batch_row dnssec "$LAB_TMP/signed.cases" @$S4 +dnssec +nocookie
batch_row dnssec_multiline "$LAB_TMP/signed.cases" @$S4 +dnssec +nocookie +multiline

# --- the option matrix: one batch line each (dig reads every line as a
# command line of its own, with its own banner) -------------------------------
cat >"$LAB_TMP/matrix.cases" <<CASES
big. AXFR
big. AXFR +comments +question
big. AXFR +nocookie +tcp
big. IXFR=7
big. IXFR=1
-t IXFR=3 big.
example. ANY
example. ANY +notcp
-x 10.53.0.2
a01.example. +norec
a01.example. +tcp
a01.example. +nsid
a01.example. +bufsize=512
a01.example. +noedns
a01.example. +edns=0
a01.example. @$S6
a01.example. +cookie=0102030405060708
-t MX example. A
example. MX +nocookie +nostats
a01.example. +noquestion +noadditional
nosuch.example.
example. SOA +dnssec
secure. DNSKEY +dnssec +split=8
secure. DNSKEY +dnssec +nosplit
a01.example. -c CH
version.bind TXT CH
a01.example. +nocomments
www.secure. A +dnssec +cdflag
a01.example. +noadflag
nosuch.invalid.
a01.example. a02.example. MX
a01.example. +edns=1
a01.example. +edns=3 +nocomments
CASES
batch_row matrix "$LAB_TMP/matrix.cases" @$S4

# +multiline with the options it meets.  dig's +split and +short are global
# (they hold for the batch lines after theirs): the widths come late and
# +short last.
cat >"$LAB_TMP/multiline.cases" <<CASES
example. SOA +multiline
example. SOA +multiline +norrcomments
example. SOA +multiline +nocomments
example. SOA +multiline +nomultiline
example. SOA +rrcomments
example. SOA +multiline +qr
secure. DNSKEY +multiline +dnssec
secure. DNSKEY +rrcomments
secure. DNSKEY +multiline +norrcomments
secure. AXFR +multiline
nsec3. AXFR +multiline +nocomments
nosuch.nsec3. +multiline +dnssec
-x 10.53.0.2 +multiline
example. ANY +multiline
secure. AXFR +multiline +onesoa
big. AXFR +onesoa
big. IXFR=1 +onesoa
secure. DNSKEY +multiline +split=12
secure. DNSKEY +multiline +nosplit
secure. DNSKEY +split=20
example. SOA +multiline +short
secure. DNSKEY +short +rrcomments
secure. DNSKEY +rrcomments +short
example. SOA +multiline +qr
CASES
batch_row matrix_multiline "$LAB_TMP/multiline.cases" @$S4

# --- column layout: owner names of 9 to 88 characters ------------------------------------
python3 -c '
for n in range(9, 89):
    body = "a" * (n - len(".mark."))
    if len(body) > 41:
        body = body[:40] + "." + body[41:]
    print(body + ".mark.", "A")' >"$LAB_TMP/columns.cases"
batch_row columns "$LAB_TMP/columns.cases" @$S4 +nocookie

done_testing
