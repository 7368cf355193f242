#!/bin/bash
# sonde path: the hooks and chains a packet meets, in a lab namespace whose
# rules live in legacy iptables (raw, mangle, nat, filter) and in nf_tables
# (an iptables-nft table, which has only the base chains it uses, and a
# native inet table), for the four ways
# through: local in, local out, forwarded, and loopback re-entry.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd iptables-legacy-restore iptables-nft-restore nft python3

lab_ns host
lab_ns peer
lab_link host 10.77.0.1/24 peer 10.77.0.2/24

lab_exec host iptables-legacy-restore <<'RULES' || fail "legacy rules load"
*raw
-A PREROUTING -j CT --notrack
COMMIT
*mangle
-A FORWARD -j MARK --set-xmark 0x1/0xffffffff
COMMIT
*nat
-A POSTROUTING -s 10.77.0.0/24 -j MASQUERADE
COMMIT
*filter
-A INPUT -s 10.77.0.2/32 -p tcp -m tcp --dport 22 -j ACCEPT
-A INPUT -s 192.168.0.0/16 -j DROP
-A OUTPUT -p udp -m udp --dport 53 -j ACCEPT
COMMIT
RULES
lab_exec host iptables-nft-restore <<'RULES' || fail "iptables-nft rules load"
*filter
-A FORWARD -d 10.77.0.2/32 -j ACCEPT
COMMIT
RULES
lab_exec host nft -f - <<'RULES' || fail "nft rules load"
table inet lab {
	chain early { type filter hook prerouting priority -200; }
	chain late_in { type filter hook input priority 10; tcp dport 22 accept; }
	chain out { type route hook output priority -150; }
	chain post { type nat hook postrouting priority 110; }
}
RULES

# The chain sequence of a JSON answer: "hook:backend:table:chain" lines.
chains() {
	python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["path"])
for h in d["hooks"]:
    for c in h["chains"]:
        print("%s:%d:%s:%s:%s" % (h["hook"], c["priority"], c["backend"], c["table"], c["chain"]))'
}

lab_run host "$SONDE" path --json 10.77.0.2 10.77.0.1 tcp/22
ok_rc "$RC" 0 "local in: exit 0"
is "$(printf '%s' "$OUT" | chains)" "local-in
prerouting:-300:iptables-legacy:raw:PREROUTING
prerouting:-200:nf_tables:inet lab:early
prerouting:-150:iptables-legacy:mangle:PREROUTING
prerouting:-100:iptables-legacy:nat:PREROUTING
input:-150:iptables-legacy:mangle:INPUT
input:0:iptables-legacy:filter:INPUT
input:10:nf_tables:inet lab:late_in
input:100:iptables-legacy:nat:INPUT" "local in: PREROUTING then INPUT, each by priority, both backends"

contains_block "$(printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for h in d["hooks"]:
    for c in h["chains"]:
        for r in c["rules"]:
            print(c["table"], c["chain"], r["match"], r["rule"])')" \
	"filter INPUT possible -A INPUT -s 10.77.0.2/32 -p tcp -m tcp --dport 22 -j ACCEPT
filter INPUT no -A INPUT -s 192.168.0.0/16 -j DROP
inet lab late_in unchecked tcp dport 22 accept" "rules: the matching one, the other source, nf_tables unchecked"

lab_run host "$SONDE" path --json 10.77.0.2 10.77.0.1 tcp/80
like "$OUT" '"match":"no","rule":"-A INPUT -s 10.77.0.2/32 -p tcp -m tcp --dport 22' "another port cannot match the --dport rule"

lab_run host "$SONDE" path --json 10.77.0.1 10.77.0.2 udp/53
is "$(printf '%s' "$OUT" | chains)" "local-out
output:-300:iptables-legacy:raw:OUTPUT
output:-150:iptables-legacy:mangle:OUTPUT
output:-150:nf_tables:inet lab:out
output:-100:iptables-legacy:nat:OUTPUT
output:0:iptables-legacy:filter:OUTPUT
postrouting:-150:iptables-legacy:mangle:POSTROUTING
postrouting:100:iptables-legacy:nat:POSTROUTING
postrouting:110:nf_tables:inet lab:post" "local out: OUTPUT then POSTROUTING"

lab_run host "$SONDE" path --json 10.77.0.5 10.77.0.2
is "$(printf '%s' "$OUT" | chains)" "forward
prerouting:-300:iptables-legacy:raw:PREROUTING
prerouting:-200:nf_tables:inet lab:early
prerouting:-150:iptables-legacy:mangle:PREROUTING
prerouting:-100:iptables-legacy:nat:PREROUTING
forward:-150:iptables-legacy:mangle:FORWARD
forward:0:iptables-legacy:filter:FORWARD
forward:0:nf_tables:ip filter:FORWARD
postrouting:-150:iptables-legacy:mangle:POSTROUTING
postrouting:100:iptables-legacy:nat:POSTROUTING
postrouting:110:nf_tables:inet lab:post" "forwarded: PREROUTING, FORWARD, POSTROUTING"

lab_run host "$SONDE" path --json 127.0.0.1 127.0.0.53
is "$(printf '%s' "$OUT" | chains | cut -d: -f1 | uniq | tr '\n' ' ')" \
	"loopback output postrouting prerouting input " "loopback: out, then back in on lo"
like "$OUT" '"hook":"prerouting","device":"in lo"' "the re-entry is named on lo"

# Text form, and --netns from outside.
run "$SONDE" path --netns "$(ns host)" 10.77.0.2 10.77.0.1 tcp/22
ok_rc "$RC" 0 "--netns: exit 0"
like "$OUT" "^10\.77\.0\.2 -> 10\.77\.0\.1 tcp/22: local-in \(the destination is this host's" "text: the verdict on the way"
like "$OUT" "may match: -A INPUT -s 10\.77\.0\.2/32 -p tcp -m tcp --dport 22 -j ACCEPT" "text: a rule that may match"
like "$OUT" "\(1 rule cannot match: address, protocol or port differ\)" "text: the others counted"
like "$OUT" "unchecked: tcp dport 22 accept" "text: nf_tables rules listed unchecked"

run "$SONDE" path 10.0.0.1 ::1
ok_rc "$RC" 2 "mixed families are a usage error"
run "$SONDE" path 10.0.0.1 10.0.0.2 tcp/notaport
ok_rc "$RC" 2 "a bad PROTO/PORT is a usage error"
like "$ERR" "^sonde path: " "and says so in one line"

done_testing
