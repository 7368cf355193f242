#!/bin/bash
# sonde dig against bind9's dig on a misbehaving server (lab/dig_badserver.py): replies
# without a question or with three, records bind refuses or cuts short, a wrong id, a wrong question or opcode
# before the right reply, a short datagram, a UDP reply over 4096 bytes, and
# TCP servers that close at once, send a message shorter than a header,
# cut a message short or accept and say nothing; servers out of reach.  Both digs run in the same namespace; their outputs
# and exit codes must match (banner version, id, time, date masked).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/lab/dig_same.bash"
need_root
need_cmd ip dig python3

BAD=10.53.0.4
badserver_up $BAD

S=@$BAD
T="+tries=1 +timeout=2"
dig_same "FORMERR without a question" $S noquestion.test $T
dig_same "three questions" $S qd3.test $T
dig_same "another question first" $S otherq.test $T
dig_same "a wrong id first" $S wrongid.test $T
dig_same "a short datagram first" $S short.test $T
dig_same "opcode UPDATE first" $S update.test $T
dig_same "QR not set" $S noqr.test $T
dig_same "bad compression pointer" $S badptr.test $T
dig_same "bad label type" $S badlabel.test $T
dig_same "a 7 KB UDP reply with +bufsize=65535" $S big.test $T +bufsize=65535
dig_same "RRSIG times modulo 2^32 shown nearest now" $S rrsigwrap.test RRSIG $T
# Replies bind's parser refuses or only partly reads (its best-effort parse,
# dig's default): a record cut short inside its rdata, a DS digest of the
# wrong length, a bad NSEC type bitmap, an A record of class CH, a
# question without its type and class, a reply of opcode UPDATE alone.
dig_same "a record cut short inside its rdata" $S cutrdata.test $T
dig_same "a record cut short, +short" $S cutrdata.test $T +short
dig_same "DS SHA-256 digest too short" $S dsshort.test DS $T
dig_same "DS SHA-1 digest too long" $S dslong.test DS $T
dig_same "NSEC window of length 0" $S nsecwin0.test NSEC $T
dig_same "NSEC without a type bitmap" $S nsecnobitmap.test NSEC $T
dig_same "HINFO of one string" $S hinfo1.test HINFO $T
dig_same "A of class CH in an IN reply" $S cha.test $T
dig_same "A of class CH asked in CH" $S cha.test -c CH $T
dig_same "a question without type and class" $S cutq.test $T
dig_same "opcode UPDATE alone" $S updateonly.test $T
# Servers that cannot be reached: the namespace has no route to 10.99.0.1
# or fd99::1, and nothing listens on port 5999.  dig says why per try
# ("UDP setup with ... failed: network unreachable.", "Connection to ...
# failed: ..."), each followed by "no servers could be reached", on stdout.
dig_same "UDP: network unreachable, tried twice" @10.99.0.1 unreachable.test +tries=2 +timeout=1
dig_same "UDP: IPv6 network unreachable" @fd99::1 unreachable.test +tries=1 +timeout=1
dig_same "UDP: unreachable first server, then the next" @10.99.0.1 $S unreachable.test $T
dig_same "TCP: network unreachable" @10.99.0.1 unreachable.test +tcp +tries=2 +timeout=1
dig_same "TCP: connection refused, tried twice" $S -p 5999 refused.test +tcp +tries=2 +timeout=1
dig_same "AXFR: connection refused" $S -p 5999 refused.test AXFR +tries=2 +timeout=1
# +qr prints each query as sent; +subnet sends a client subnet option,
# which the server here sends back (dig prints it as CLIENT-SUBNET).
dig_same "+qr" $S x.test +qr $T
dig_same "+qr over TCP" $S x.test +qr +tcp $T
dig_same "+qr, each try of a silent server" $S silent.test +qr +tries=2 +timeout=1
dig_same "+qr +nocomments +nostats" $S x.test +qr +nocomments +nostats $T
dig_same "+qr +short" $S x.test +qr +short $T
dig_same "+subnet IPv4, +qr" $S echoopt.test +subnet=192.0.2.77/20 +qr $T
dig_same "+subnet IPv6" $S echoopt.test +subnet=2001:db8::/48 $T
dig_same "+subnet 10/8" $S echoopt.test +subnet=10/8 $T
dig_same "+subnet of an address alone" $S echoopt.test +subnet=192.0.2.77 $T
dig_same "+subnet=0" $S echoopt.test +subnet=0 $T
dig_same "+subnet, a bad address" $S echoopt.test +subnet=bogus $T
dig_same "+subnet, a bad prefix length" $S echoopt.test +subnet=1.2.3.4/x $T
dig_same "TCP: closed at once" $S tcpclose.test $T +tcp
dig_same "TCP: a message shorter than a header" $S tcpshort.test $T +tcp
dig_same "TCP: a message cut short" $S tcpcut.test $T +tcp
dig_same "TCP: accepted, then silent" $S tcpsilent.test $T +tcp
done_testing
