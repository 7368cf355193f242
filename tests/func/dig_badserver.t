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
# dig writes its greeting when it reads the first name: a +short after the
# name is not among the "global options" it shows.
dig_same "connection refused, +short after the name" $S -p 5999 refused.test +short +tries=1 +timeout=1
dig_same "connection refused, +short before the name" $S -p 5999 +short refused.test +tries=1 +timeout=1
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
# The reply's OPT record (ar.HEX...: its data) and each option in it as dig
# shows it, or the message refused where bind's decoder refuses the option
# ("malformed OPT option"); an option cut short ends the message there.
# An OPT out of its place (a second one, one not owned by the root, or one
# in the answer through rr.41.HEX) is a record of its section.
edns_same() {
	dig_same "EDNS $1" $S "$2" $T
}
edns_same "without options" ar.test
edns_same "NSID" ar.00030002766d.test
edns_same "NSID of no bytes" ar.00030000.test
edns_same "client subnet" ar.0008000700011800c00002.test
edns_same "client subnet of the wrong length" ar.0008000400011800.test
edns_same "client subnet with a bit past its prefix" ar.0008000700011700c00003.test
edns_same "client subnet of an unknown family" ar.0008000400030000.test
edns_same "EXPIRE" ar.0009000400015180.test
edns_same "EXPIRE of no bytes" ar.00090000.test
edns_same "EXPIRE of 2 bytes" ar.000900020001.test
edns_same "COOKIE of 8 bytes" ar.000a00080102030405060708.test
edns_same "COOKIE of 5 bytes" ar.000a00050102030405.test
edns_same "TCP KEEPALIVE" ar.000b00020096.test
edns_same "TCP KEEPALIVE of 3 bytes" ar.000b0003616263.test
edns_same "PADDING" ar.000c000400000000.test
edns_same "PADDING of no bytes" ar.000c0000.test
edns_same "KEY-TAG" ar.000e000430393039.test
edns_same "KEY-TAG of an odd length" ar.000e0003010203.test
edns_same "EDE" ar.000f00020012.test
edns_same "EDE with text" ar.000f0007001268656c6c6f.test
edns_same "EDE with UTF-8 text" ar.000f00040012c3a9.test
edns_same "EDE of a code dig does not name" ar.000f0002001b.test
edns_same "EDE of 1 byte" ar.000f000100.test
edns_same "EDE text that is not UTF-8" ar.000f00030012ff.test
edns_same "EDE text with a byte order mark" ar.000f00050012efbbbf.test
edns_same "CLIENT-TAG and SERVER-TAG" ar.0010000200070011000200ff.test
edns_same "CLIENT-TAG of 3 bytes" ar.00100003000700.test
edns_same "LLQ" ar.0001001200010002000000000001000000020000.0e10.test
edns_same "LLQ of 4 bytes" ar.0001000400010002.test
edns_same "an unknown option" ar.fde900026162.test
edns_same "DAU and two options" ar.00050002050800030000.test
edns_same "an option cut short" ar.000300.test
edns_same "an option longer than the record" ar.0003000561.test
edns_same "MBZ flags" arflags.00008001.00030000.test
edns_same "the CO flag" arflags.0000c000.test
edns_same "a second OPT" ar2.000300026162.test
dig_same "EDNS a second OPT, +multiline" $S ar2.000a00080102030405060708.test $T +multiline
edns_same "an OPT not owned by the root" arowner.00030000.test
edns_same "an OPT in the answer" rr.41.000a0008010203040506070800030000.test
edns_same "an empty OPT in the answer" rr.41.test
dig_same "EDNS an OPT in the answer, +multiline" $S rr.41.000a0008010203040506070800030000.test $T +multiline
dig_same "EDNS an OPT in the answer, +short" $S rr.41.000a0008010203040506070800030000.test $T +short
edns_same "a malformed option in an OPT in the answer" rr.41.0008000400011800.test
done_testing
