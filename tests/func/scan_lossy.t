#!/bin/bash
# A lossy path must not cost open ports: a target three hops away behind a
# router that drops 10% of what it forwards; scan must find every open
# port, and at least as many as nmap finds on the same path.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd nmap socat iptables
. "$(dirname "$0")/lab/scan_lab.bash"
scan_far_up 10

open_ports() { grep -E '^[0-9]+/tcp +open ' | cut -d/ -f1 | tr '\n' ' '; }
want="$(printf '%s ' $FAR_OPEN)"

lab_run sc "$SONDE" scan -n -Pn -sS -p 1-3000,5432,6443,9100 $FAR_V4
ours_syn=$(printf '%s\n' "$OUT" | open_ports)
is "$ours_syn" "$want" "-sS through 10% loss: every open port"
lab_run sc "$SONDE" scan -n -Pn -sT -p 1-3000,5432,6443,9100 $FAR_V4
is "$(printf '%s\n' "$OUT" | open_ports)" "$want" "-sT through 10% loss: every open port"
# nmap slows down a lot on a lossy path: the comparison takes fewer ports.
SMALL=1-1000,2379,5432,6443,9100
lab_run sc "$SONDE" scan -n -Pn -sS -p $SMALL $FAR_V4
ours=$(printf '%s\n' "$OUT" | open_ports)
CMD_TIMEOUT=120 lab_run sc nmap -n -Pn -sS -p $SMALL $FAR_V4
theirs=$(printf '%s\n' "$OUT" | open_ports)
is "$ours" "$want" "-sS on the shorter list through 10% loss: every open port (all are in it)"
if [ "$(wc -w <<<"$ours")" -ge "$(wc -w <<<"$theirs")" ]; then
	pass "-sS finds no fewer open ports than nmap (ours: $ours; nmap: $theirs)"
else
	fail "-sS finds no fewer open ports than nmap" "ours: $ours" "nmap: $theirs"
fi
# Enough ports that the loss shows (answers that come only on a retry), so
# silent ports are asked again: two ports alone could both go unanswered.
lab_run sc "$SONDE" scan -n -sS -p 1-200 --reason 10.78.3.2
like "$OUT" "22/tcp +open +ssh +syn-ack ttl 62" "three hops: the reply's TTL shows the path"

done_testing
