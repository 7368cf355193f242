#!/bin/bash
# sonde dig against bind9's dig on record types named no longer serves
# (SIG and NXT of RFC 2535), crafted by lab/dig_badserver.py: each in
# presentation form as dig prints it, text, +short and +multiline, and the
# rdata bind's decoder refuses.  Both digs run in the same namespace; their
# outputs and exit codes must match (banner version, id, time, date masked).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lab/dig_same.bash"
need_root
need_cmd ip dig python3

BAD=10.53.0.4
badserver_up $BAD

# rr_name TYPE HEX: the query name for which the server answers one record
# of TYPE with rdata HEX (split into labels of 31 bytes).
rr_name() {
	local hex=$2 name="rr.$1"
	while [ -n "$hex" ]; do
		name="$name.${hex:0:62}"
		hex=${hex:62}
	done
	echo "$name.test"
}

S=@$BAD
T="+tries=1 +timeout=2 +nocookie"
SIGNER=047465737400                              # test.
SIGNATURE=$(printf '%02x' $(seq 1 64))
# covered type, algorithm 5, 2 labels, TTL 3600, expiration 2027-01-01,
# inception 2026-12-01, key tag 12345
sig_rdata() { printf '%04x05020000 0e10 6b36ec80 6b0e0e00 3039%s%s' "$1" "$SIGNER" "$2" | tr -d ' '; }

SIG_A=$(rr_name 24 "$(sig_rdata 1 "$SIGNATURE")")
dig_same "SIG" $S "$SIG_A" $T
dig_same "SIG +short" $S "$SIG_A" $T +short
dig_same "SIG +multiline" $S "$SIG_A" $T +multiline
dig_same "SIG covering a type without a mnemonic" $S "$(rr_name 24 "$(sig_rdata 54 "$SIGNATURE")")" $T
dig_same "SIG covering type 0" $S "$(rr_name 24 "$(sig_rdata 0 0102)")" $T
dig_same "SIG without a signature" $S "$(rr_name 24 "$(sig_rdata 1 "")")" $T
dig_same "SIG covering type 0 in the answer, +short" $S "$(rr_name 24 "$(sig_rdata 0 0102)")" $T +short
dig_same "RRSIG covering type 0" $S "$(rr_name 46 "$(sig_rdata 0 0102)")" $T
dig_same "RRSIG covering ANY" $S "$(rr_name 46 "$(sig_rdata 255 0102)")" $T
dig_same "RRSIG covering SIG" $S "$(rr_name 46 "$(sig_rdata 24 0102)")" $T
dig_same "SIG cut short" $S "$(rr_name 24 0001050200000e10)" $T

# next name, then a bitmap: A NS SOA MX SIG KEY NXT and type 54, 127
NXT=$(rr_name 30 "${SIGNER}620100c2000002000000000000000001")
dig_same "NXT" $S "$NXT" $T
dig_same "NXT +short" $S "$NXT" $T +short
dig_same "NXT +multiline" $S "$NXT" $T +multiline
dig_same "NXT without a bitmap" $S "$(rr_name 30 "$SIGNER")" $T
dig_same "NXT with bit 0 set" $S "$(rr_name 30 "${SIGNER}c0")" $T
dig_same "NXT bitmap ending in a zero byte" $S "$(rr_name 30 "${SIGNER}4000")" $T
dig_same "NXT bitmap of 17 bytes" $S "$(rr_name 30 "${SIGNER}4000000000000000000000000000000001")" $T

# Types whose presentation in dig is RFC 3597's \# form as well.
dig_same "NULL" $S "$(rr_name 10 0a0b0c)" $T
dig_same "KEYDATA" $S "$(rr_name 65533 "$(printf '%032x' 7)0101030d01020304")" $T
# A TSIG out of its place (class IN, in the answer): \# and bind's warning.
dig_same "TSIG of class IN in the answer" $S "$(rr_name 250 "${SIGNER}0000692cdb00012c0002abcd303900000000")" $T

# TKEY, which dig presents wherever it shows up: times as numbers, the
# error by name, key and other data in base64.
TKEY=$(rr_name 249 "${SIGNER}6b0e0e006b36ec80000300000002abcd0000")
dig_same "TKEY" $S "$TKEY" $T
dig_same "TKEY +short" $S "$TKEY" $T +short
dig_same "TKEY +multiline" $S "$TKEY" $T +multiline
TKEY_OTHER=$(rr_name 249 "${SIGNER}6b0e0e006b36ec8000030017000000030102ff")
dig_same "TKEY without a key, with other data" $S "$TKEY_OTHER" $T
dig_same "TKEY without a key, with other data, +multiline" $S "$TKEY_OTHER" $T +multiline
dig_same "TKEY of BADTIME" $S "$(rr_name 249 "${SIGNER}6b0e0e006b36ec800003001200000000")" $T
dig_same "TKEY cut short in its key" $S "$(rr_name 249 "${SIGNER}6b0e0e006b36ec8000030000000500")" $T

# --json: the same fields as RRSIG's and NSEC's.
lab_run dns "$SONDE" dig --json $S "$SIG_A" $T
like "$OUT" '"type_covered": *"A".*"expiration": *"20270101000000".*"inception": *"20261201000000".*"signer": *"test\."' "SIG --json: RRSIG's fields"
lab_run dns "$SONDE" dig --json $S "$NXT" $T
like "$OUT" '"next": *"test\.", *"types": *"A NS SOA MX SIG KEY NXT 54 127"' "NXT --json: NSEC's fields"
done_testing
