/* libcore dns: names, queries, parsing that cannot loop, and dig's
 * presentation of handcrafted records. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sonde/dns.h"
#include "tap.h"

/* A reply for "a." with one answer record of type and rdata. */
static size_t make_reply(uint8_t *buf, uint16_t type, const uint8_t *rdata, uint16_t rdlength)
{
	static const uint8_t head[] = { 0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0, 1,
					0xc0, 12 };
	size_t n = sizeof(head);

	memcpy(buf, head, n);
	buf[n++] = (uint8_t)(type >> 8);
	buf[n++] = (uint8_t)type;
	buf[n++] = 0;
	buf[n++] = 1;
	memcpy(buf + n, "\0\0\x01\x2c", 4);
	n += 4;
	buf[n++] = (uint8_t)(rdlength >> 8);
	buf[n++] = (uint8_t)rdlength;
	memcpy(buf + n, rdata, rdlength);
	return n + rdlength;
}

static void check_rdata(uint16_t type, const uint8_t *rdata, uint16_t len, const char *want, const char *name)
{
	uint8_t buf[1024];
	size_t n = make_reply(buf, type, rdata, len), count;
	struct dns_msg msg;
	struct dns_rdata rd = { 0 };
	const struct dns_rr *rr;
	char title[128];

	ok(dns_parse(buf, n, &msg) == 0, "%s: parses", name);
	rr = dns_section_rrs(&msg, DNS_SECTION_ANSWER, &count);
	snprintf(title, sizeof(title), "%s: presented as dig does", name);
	if (count == 1 && dns_rdata_present(&msg, rr, 56, &rd) == 0)
		is_str(rd.text.data, want, title);
	else
		ok(0, "%s", title);
	dns_rdata_free(&rd);
	dns_msg_free(&msg);
}

/* The same in a style (+multiline, +rrcomments, +split). */
static void check_styled(uint16_t type, const uint8_t *rdata, uint16_t len, bool multiline, bool comments,
			 const char *want, const char *name)
{
	uint8_t buf[1024];
	size_t n = make_reply(buf, type, rdata, len), count;
	struct dns_rdata_style style = { multiline ? 44 : 56, multiline, comments };
	struct dns_msg msg;
	struct dns_rdata rd = { 0 };
	const struct dns_rr *rr;

	dns_parse(buf, n, &msg);
	rr = dns_section_rrs(&msg, DNS_SECTION_ANSWER, &count);
	if (count == 1 && dns_rdata_present_styled(&msg, rr, &style, &rd) == 0)
		is_str(rd.text.data, want, name);
	else
		ok(0, "%s", name);
	dns_rdata_free(&rd);
	dns_msg_free(&msg);
}

/* A reply whose one answer bind's best-effort parser does not keep:
 * cut short (recovered, parsing stops before its rdata) or refused
 * (-EBADMSG, fault in bind's words). */
static void check_refused(uint16_t type, uint16_t rclass, const uint8_t *rdata, uint16_t len, const char *want_fault,
			  const char *name)
{
	uint8_t buf[1024];
	size_t n = make_reply(buf, type, rdata, len), count;
	struct dns_msg msg;
	int rc;

	buf[23] = (uint8_t)(rclass >> 8);
	buf[24] = (uint8_t)rclass;
	rc = dns_parse(buf, n, &msg);
	dns_section_rrs(&msg, DNS_SECTION_ANSWER, &count);
	if (!want_fault)
		ok(rc == 0 && msg.recovered && count == 0 && msg.parsed_len == n - len,
		   "%s: cut short, the parse recovers before it", name);
	else
		ok(rc == -EBADMSG && msg.fault && strcmp(msg.fault, want_fault) == 0, "%s: %s", name, want_fault);
	dns_msg_free(&msg);
}

static void test_names(void)
{
	uint8_t wire[300];
	char text[DNS_NAME_TEXT];
	/* A pointer at offset 12 to itself, and two names pointing at each other. */
	static const uint8_t self_loop[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc0, 12 };
	static const uint8_t forward[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc0, 14, 1, 'x', 0 };
	static const uint8_t escaped[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 'a', '.', 0x01, 1, '"', 0 };

	is_int(dns_name_to_wire("www.example.test", wire, sizeof(wire)), 18, "name to wire adds the root");
	is_int(dns_name_to_wire("www.example.test.", wire, sizeof(wire)), 18, "absolute name to wire");
	is_int(dns_name_to_wire(".", wire, sizeof(wire)), 1, "root to wire");
	is_int(dns_name_to_wire("a..b", wire, sizeof(wire)), -EINVAL, "empty label refused");
	is_int(dns_name_to_wire("a\\.b.c", wire, sizeof(wire)), 7, "escaped dot stays in its label");
	is_int(dns_read_name(self_loop, sizeof(self_loop), 12, text, sizeof(text)), -EBADMSG, "a self pointer is refused");
	is_int(dns_read_name(forward, sizeof(forward), 12, text, sizeof(text)), -EBADMSG, "a forward pointer is refused");
	is_int(dns_read_name(escaped, sizeof(escaped), 12, text, sizeof(text)), 7, "escaped name: wire length");
	is_str(text, "a\\.\\001.\\\".", "special bytes escaped as dig does");
	is_int(dns_name_label_count("a.b.c."), 3, "label count");
}

static void test_tables(void)
{
	uint16_t v = 0;
	char buf[16];

	ok(dns_type_parse("mx", &v) == 0 && v == DNS_TYPE_MX, "type names are case-insensitive");
	ok(dns_type_parse("TYPE65400", &v) == 0 && v == 65400, "TYPEnnn");
	ok(dns_type_parse("TYPE70000", &v) < 0, "TYPEnnn out of range");
	is_str(dns_type_name(65400, buf, sizeof(buf)), "TYPE65400", "unknown type name");
	ok(dns_class_parse("ch", &v) == 0 && v == DNS_CLASS_CH, "class CH");
	is_str(dns_rcode_name(3, buf, sizeof(buf)), "NXDOMAIN", "rcode name");
	ok(dns_reverse_name("192.0.2.1", buf, sizeof(buf)) < 0, "reverse name needs room");
}

static void test_reverse(void)
{
	char name[128];

	ok(dns_reverse_name("192.0.2.1", name, sizeof(name)) == 0, "IPv4 reverse");
	is_str(name, "1.2.0.192.in-addr.arpa.", "IPv4 reverse name");
	ok(dns_reverse_name("2001:db8::1", name, sizeof(name)) == 0, "IPv6 reverse");
	is_str(name, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.", "IPv6 reverse name");
	ok(dns_reverse_name("nope", name, sizeof(name)) == -EINVAL, "not an address");
}

static void test_query(void)
{
	struct dns_query_spec spec = { .qname = "example.test", .qtype = DNS_TYPE_SOA, .qclass = DNS_CLASS_IN,
				       .id = 0xbeef, .rd = true, .ad = true, .edns = true, .udp_size = 1232,
				       .dnssec_ok = true, .nsid = true };
	uint8_t buf[512];
	struct dns_msg msg;
	int len = dns_build_query(&spec, buf, sizeof(buf));

	is_int(len, 12 + 14 + 4 + 11 + 4, "query length with OPT and NSID");
	ok(buf[0] == 0xbe && buf[1] == 0xef && buf[2] == 0x01 && buf[3] == 0x20, "id, RD and AD");
	ok(dns_parse(buf, (size_t)len, &msg) == 0, "the query parses back");
	ok(msg.edns.present && msg.edns.udp_size == 1232 && (msg.edns.flags & 0x8000), "OPT with size and DO");
	dns_msg_free(&msg);
	is_int(dns_build_query(&spec, buf, 20), -ENOSPC, "no room");
}

static void test_presentation(void)
{
	static const uint8_t txt[] = { 5, 'h', 'i', ' ', '"', '\\', 2, 0x01, 0xff, 0 };
	static const uint8_t mx[] = { 0, 10, 4, 'm', 'a', 'i', 'l', 0xc0, 12 };
	static const uint8_t caa[] = { 0, 5, 'i', 's', 's', 'u', 'e', 'c', 'a', '.', 't' };
	static const uint8_t svcb[] = { 0, 1, 0, 0, 1, 0, 6, 2, 'h', '2', 2, 'h', '3', 0, 3, 0, 2, 0x20, 0xfb };
	static const uint8_t bad_a[] = { 1, 2, 3 };
	static const uint8_t unknown[] = { 0x0a, 0x0b };
	static const uint8_t ds[] = { 0x30, 0x39, 13, 250, 0xde, 0xad, 0xbe, 0xef };
	static const uint8_t long_a[] = { 1, 2, 3, 4, 5 };
	static const uint8_t ds_sha256_short[] = { 0x30, 0x39, 13, 2, 0xde, 0xad, 0xbe, 0xef };
	static const uint8_t ds_sha1_long[] = { 0x30, 0x39, 13, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
						11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21 };
	static const uint8_t nsec_window0[] = { 1, 'n', 0, 0, 0 };
	static const uint8_t nsec_zero_last[] = { 1, 'n', 0, 0, 2, 0x40, 0 };

	check_rdata(DNS_TYPE_TXT, txt, sizeof(txt), "\"hi \\\"\\\\\" \"\\001\\255\" \"\"", "TXT escapes");
	check_rdata(DNS_TYPE_MX, mx, sizeof(mx), "10 mail.a.", "MX with a compressed name");
	check_rdata(DNS_TYPE_CAA, caa, sizeof(caa), "0 issue \"ca.t\"", "CAA");
	check_rdata(DNS_TYPE_SVCB, svcb, sizeof(svcb), "1 . alpn=\"h2,h3\" port=8443", "SVCB");
	check_refused(DNS_TYPE_A, DNS_CLASS_IN, bad_a, sizeof(bad_a), NULL, "an A of 3 bytes");
	check_refused(DNS_TYPE_A, DNS_CLASS_IN, long_a, sizeof(long_a), DNS_FAULT_EXTRA, "an A of 5 bytes");
	check_rdata(65400, unknown, sizeof(unknown), "\\# 2 0A0B", "unknown type");
	check_rdata(DNS_TYPE_DS, ds, sizeof(ds), "12345 13 250 DEADBEEF", "DS of a digest type bind does not know");
	check_refused(DNS_TYPE_DS, DNS_CLASS_IN, ds_sha256_short, sizeof(ds_sha256_short), NULL,
		      "DS SHA-256 of 4 bytes");
	check_refused(DNS_TYPE_DS, DNS_CLASS_IN, ds_sha1_long, sizeof(ds_sha1_long), DNS_FAULT_EXTRA,
		      "DS SHA-1 of 21 bytes");
	check_refused(DNS_TYPE_NSEC, DNS_CLASS_IN, nsec_window0, sizeof(nsec_window0), DNS_FAULT_FORMERR,
		      "NSEC window of length 0");
	check_refused(DNS_TYPE_NSEC, DNS_CLASS_IN, nsec_window0 + 2, 1, DNS_FAULT_FORMERR, "NSEC without a bitmap");
	check_refused(DNS_TYPE_NSEC, DNS_CLASS_IN, nsec_zero_last, sizeof(nsec_zero_last), DNS_FAULT_FORMERR,
		      "NSEC bitmap ending in a zero byte");
}

/* An A record of class CH is a Chaosnet address (a name and an octal
 * number); in a message asking in class IN bind keeps it and says the
 * message is malformed. */
static void test_chaos_address(void)
{
	static const uint8_t chaos[] = { 5, 'c', 'h', 'a', 'o', 's', 0, 0x01, 0x7f };
	uint8_t buf[256];
	size_t n = make_reply(buf, DNS_TYPE_A, chaos, sizeof(chaos)), count;
	struct dns_msg msg;
	struct dns_rdata rd = { 0 };
	const struct dns_rr *rr;

	buf[24] = DNS_CLASS_CH;
	ok(dns_parse(buf, n, &msg) == 0 && msg.recovered, "CH record in an IN message: kept, recovered");
	rr = dns_section_rrs(&msg, DNS_SECTION_ANSWER, &count);
	ok(count == 1 && dns_rdata_present(&msg, rr, 56, &rd) == 0 && strcmp(rd.text.data, "chaos. 577") == 0,
	   "CH A presented as bind: name and octal address");
	dns_rdata_free(&rd);
	dns_msg_free(&msg);
	buf[18] = DNS_CLASS_CH; /* the question too */
	ok(dns_parse(buf, n, &msg) == 0 && !msg.recovered, "CH record in a CH message: no fault");
	dns_msg_free(&msg);
}

/* Types dig presents that sonde showed as \# (bind 9.18's formats). */
static void test_presentation_more(void)
{
	static const uint8_t loc[] = { 0x00, 0x23, 0x25, 0x23, 0x8c, 0xe8, 0x23, 0x60,
				       0x85, 0x4a, 0x10, 0xa0, 0x00, 0x98, 0x9a, 0x68 };
	static const uint8_t a6_full[] = { 128, 0 };
	static const uint8_t eui48[] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab };
	static const uint8_t amtrelay_bad[] = { 0, 4 };
	static const uint8_t amtrelay_v4[] = { 0, 0x81, 192, 0, 2, 1 };
	static const uint8_t apl[] = { 0, 1, 32, 0x84, 10, 0, 0, 1, 0, 1, 24, 1, 10 };
	static const uint8_t wks[] = { 10, 0, 0, 1, 6, 0xe0, 0, 0x05 };
	static const uint8_t cert[] = { 0xff, 0xfe, 0xff, 0xff, 254, 'a', 'b', 'c' };
	static const uint8_t l64[] = { 0, 10, 0, 0x14, 0x4f, 0xff, 0xff, 0x20, 0xee, 0x64 };
	static const uint8_t hinfo_one[] = { 2, 'P', 'C' };

	check_rdata(29, loc, sizeof(loc), "60 9 0.000 N 24 39 0.000 E 10.00m 20m 2000m 20m", "LOC");
	check_rdata(38, a6_full, sizeof(a6_full), "128  .", "A6 of prefix 128: an empty address");
	check_rdata(108, eui48, sizeof(eui48), "01-23-45-67-89-ab", "EUI48");
	check_rdata(260, amtrelay_bad, sizeof(amtrelay_bad), "\\# 2 0004", "AMTRELAY of relay type 4 as dig: \\#");
	check_rdata(260, amtrelay_v4, sizeof(amtrelay_v4), "0 1 1 192.0.2.1", "AMTRELAY with the D bit");
	check_rdata(42, apl, sizeof(apl), "!1:10.0.0.1/32 1:10.0.0.0/24", "APL");
	check_rdata(11, wks, sizeof(wks), "10.0.0.1 6 0 1 2 21 23", "WKS");
	check_rdata(37, cert, sizeof(cert), "65534 65535 PRIVATEOID YWJj", "CERT");
	check_rdata(106, l64, sizeof(l64), "10 14:4fff:ff20:ee64", "L64");
	check_refused(13, DNS_CLASS_IN, hinfo_one, sizeof(hinfo_one), NULL, "HINFO of one string");
}

static void test_line(void)
{
	struct strbuf line = { 0 };

	dns_format_rr_line(&line, "example.test.", 300, DNS_CLASS_IN, DNS_TYPE_A, "192.0.2.1", false);
	is_str(line.data, "example.test.\t\t300\tIN\tA\t192.0.2.1", "tabs to dig's columns");
	strbuf_free(&line);
	dns_format_rr_line(&line, "_443._tcp.www.example.test.", 300, DNS_CLASS_IN, DNS_TYPE_TLSA, "3 1 1 AB", false);
	is_str(line.data, "_443._tcp.www.example.test. 300\tIN\tTLSA\t3 1 1 AB", "a space past the column");
	strbuf_free(&line);
	/* 31 characters end at column 31, one short of a tab stop: bind's
	 * indent() then writes a tab, not a space. */
	dns_format_rr_line(&line, "aaaaaaaaaaaaaaaaaaaaaaaaa.mark.", 300, DNS_CLASS_IN, DNS_TYPE_A, "192.0.2.1", false);
	is_str(line.data, "aaaaaaaaaaaaaaaaaaaaaaaaa.mark.\t300 IN\tA\t192.0.2.1", "a tab at 7 mod 8 past the column");
	strbuf_free(&line);
	dns_format_rr_line(&line, "x.test.", 0, DNS_CLASS_IN, DNS_TYPE_A, "", true);
	is_str(line.data, ";x.test.\t\t\t\tIN\tA", "question line");
	strbuf_free(&line);
}

/* +multiline as bind 9.18's dig lays it out: parentheses, line breaks to
 * column 32, comments (SOA field names and times, a key's role and id). */
static void test_multiline(void)
{
	static const uint8_t soa[] = { 0, 0, 0, 0, 0, 1, 0, 0, 0x0e, 0x10, 0, 0, 0, 5, 0, 0x1b, 0xaf, 0x80,
				       0, 0x0a, 0x9a, 0x0d };
	static const uint8_t dnskey[] = { 1, 1, 3, 13, 0xaa, 0xbb, 0xcc, 0xdd };
	static const uint8_t nsec3[] = { 1, 0, 0, 0, 0, 1, 0, 0, 1, 0x40, 1, 1, 0x80 };
	static const uint8_t unknown[] = { 0x0a, 0x0b };
	struct strbuf line = { 0 };
	char ttl[64];

	dns_ttl_text_long(0, ttl, sizeof(ttl));
	is_str(ttl, "0 seconds", "long TTL form: 0");
	dns_ttl_text_long(3600, ttl, sizeof(ttl));
	is_str(ttl, "1 hour", "long TTL form: an hour");
	dns_ttl_text_long(694861, ttl, sizeof(ttl));
	is_str(ttl, "1 week 1 day 1 hour 1 minute 1 second", "long TTL form: every unit, singular");
	dns_ttl_text_long(1814400 + 120, ttl, sizeof(ttl));
	is_str(ttl, "3 weeks 2 minutes", "long TTL form: units that are 0 left out");
	check_styled(DNS_TYPE_SOA, soa, sizeof(soa), true, true,
		     ". . (\n\t\t\t\t1          ; serial\n\t\t\t\t3600       ; refresh (1 hour)\n"
		     "\t\t\t\t5          ; retry (5 seconds)\n\t\t\t\t1814400    ; expire (3 weeks)\n"
		     "\t\t\t\t694797     ; minimum (1 week 1 day 59 minutes 57 seconds)\n\t\t\t\t)",
		     "SOA +multiline: each field and its comment on a line");
	check_styled(DNS_TYPE_SOA, soa, sizeof(soa), true, false,
		     ". . (\n\t\t\t\t1\n\t\t\t\t3600\n\t\t\t\t5\n\t\t\t\t1814400\n\t\t\t\t694797)",
		     "SOA +multiline +norrcomments: the parenthesis after the last number");
	check_styled(DNS_TYPE_SOA, soa, sizeof(soa), false, true, ". . 1 3600 5 1814400 694797",
		     "SOA +rrcomments on one line: no comments");
	check_styled(DNS_TYPE_DNSKEY, dnskey, sizeof(dnskey), true, true,
		     "257 3 13 (\n\t\t\t\tqrvM3Q==\n\t\t\t\t) ; KSK; alg = ECDSAP256SHA256 ; key id = 31655",
		     "DNSKEY +multiline: role, algorithm and key id");
	check_styled(DNS_TYPE_DNSKEY, dnskey, sizeof(dnskey), false, true,
		     "257 3 13 qrvM3Q==  ; KSK; alg = ECDSAP256SHA256 ; key id = 31655", "DNSKEY +rrcomments");
	check_styled(DNS_TYPE_DNSKEY, dnskey, sizeof(dnskey), true, false, "257 3 13 (\n\t\t\t\tqrvM3Q== )",
		     "DNSKEY +multiline +norrcomments");
	check_styled(DNS_TYPE_NSEC3, nsec3, sizeof(nsec3), true, false, "1 0 0 - (\n\t\t\t\t00\n\t\t\t\tA\n\t\t\t\tURI )",
		     "NSEC3 +multiline: a line per bitmap window");
	check_styled(65400, unknown, sizeof(unknown), true, false, "\\# 2 ( 0A0B )", "unknown type +multiline");
	dns_format_rr_line_multiline(&line, "example.test.", 3600, DNS_CLASS_IN, DNS_TYPE_SOA, "x", false);
	is_str(line.data, "example.test.\t\t3600 IN\tSOA x", "+multiline columns: TTL 24, class and type after, data 32");
	strbuf_free(&line);
}

/* RFC 2535's SIG and NXT, which bind 9.18's dig still presents: SIG as
 * RRSIG but opening its parenthesis after the expiration, NXT a name and
 * a bitmap of types 1 to 127. */
static void test_obsolete_types(void)
{
	static const uint8_t sig[] = { 0, 1, 5, 2, 0, 0, 0x0e, 0x10, 0x6b, 0x36, 0xec, 0x80, 0x6b, 0x0e, 0x0e, 0,
				       0x30, 0x39, 4, 't', 'e', 's', 't', 0, 1, 2, 3 };
	static const uint8_t sig_unnamed[] = { 0, 54, 5, 2, 0, 0, 0x0e, 0x10, 0x6b, 0x36, 0xec, 0x80, 0x6b, 0x0e,
					       0x0e, 0, 0x30, 0x39, 0, 0xff };
	static const uint8_t sig_empty[] = { 0, 1, 5, 2, 0, 0, 0x0e, 0x10, 0x6b, 0x36, 0xec, 0x80, 0x6b, 0x0e,
					     0x0e, 0, 0x30, 0x39, 0 };
	static const uint8_t nxt[] = { 4, 't', 'e', 's', 't', 0, 0x62, 0x01, 0, 0xc2, 0, 0, 0x02 };
	static const uint8_t nxt_bit0[] = { 0, 0xc0 };
	static const uint8_t nxt_zero_end[] = { 0, 0x40, 0 };
	static const uint8_t tkey[] = { 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 3, 0, 18, 0, 2, 0xab, 0xcd, 0, 0 };
	static const uint8_t tkey_other[] = { 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 3, 0, 23, 0, 0, 0, 1, 1 };

	check_rdata(24, sig, sizeof(sig), "A 5 2 3600 20270101000000 20261201000000 12345 test. AQID", "SIG");
	check_styled(24, sig, sizeof(sig), true, true,
		     "A 5 2 3600 20270101000000 (\n\t\t\t\t20261201000000 12345 test.\n\t\t\t\tAQID )",
		     "SIG +multiline: the parenthesis after the expiration");
	check_rdata(24, sig_unnamed, sizeof(sig_unnamed), "54 5 2 3600 20270101000000 20261201000000 12345 . /w==",
		    "SIG covering a type without a mnemonic: its number alone");
	check_refused(24, DNS_CLASS_IN, sig_empty, sizeof(sig_empty), NULL, "SIG without a signature");
	check_rdata(30, nxt, sizeof(nxt), "test. A NS SOA MX SIG KEY NXT 54", "NXT");
	check_styled(30, nxt, sizeof(nxt), true, true, "test. A NS SOA MX SIG KEY NXT 54", "NXT +multiline: one line");
	check_refused(30, DNS_CLASS_IN, nxt_bit0, sizeof(nxt_bit0), "bad bitmap", "NXT with bit 0 set");
	check_refused(30, DNS_CLASS_IN, nxt_zero_end, sizeof(nxt_zero_end), "bad bitmap", "NXT bitmap ending in 0");
	check_rdata(249, tkey, sizeof(tkey), ". 1 2 3 BADTIME 2 q80= 0", "TKEY");
	check_styled(249, tkey_other, sizeof(tkey_other), true, true, ". 1 2 3 23 0 (\n\t\t\t\t ) 1 (\n\t\t\t\tAQ== )",
		     "TKEY +multiline: no key, other data, an error without a TSIG name");
}

/* RFC 4034 times are seconds modulo 2^32; dig shows the date nearest now. */
static void test_time32(void)
{
	const int64_t dec_2026 = 1796601600; /* 2026-12-07 00:00:00 UTC */

	ok(dns_time32_nearest(0xFFFFFFFFu, dec_2026) == -1, "0xFFFFFFFF in 2026 is 1969-12-31 23:59:59");
	ok(dns_time32_nearest(0, dec_2026) == 0, "0 in 2026 is 1970-01-01");
	ok(dns_time32_nearest(1800000000u, dec_2026) == 1800000000, "a date near now is itself");
	ok(dns_time32_nearest(100, INT64_C(4294967296) + 50) == INT64_C(4294967396),
	   "past 2106, a small value is the next cycle's");
	ok(dns_time32_nearest(0xFFFFFFF0u, 10) == -16, "just after 1970, a large value is before it");
}

/* +subnet's option as bind's dig builds it, and as dig prints it back. */
static void test_ecs(void)
{
	uint8_t data[DNS_ECS_MAX];
	char text[64];
	static const uint8_t v4_20[] = { 0, 1, 20, 0, 192, 0, 0 };
	static const uint8_t v6_48[] = { 0, 2, 48, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0 };
	static const uint8_t ten[] = { 0, 1, 8, 0, 10 };

	is_int(dns_ecs_parse("192.0.2.77/20", data, sizeof(data)), 7, "IPv4 /20: three address bytes");
	ok(memcmp(data, v4_20, sizeof(v4_20)) == 0, "IPv4 /20: the bits past the prefix cleared");
	is_int(dns_ecs_parse("2001:db8::/48", data, sizeof(data)), 10, "IPv6 /48");
	ok(memcmp(data, v6_48, sizeof(v6_48)) == 0, "IPv6 /48: family 2");
	is_int(dns_ecs_parse("10/8", data, sizeof(data)), 5, "10/8 read as 10.0.0.0/8");
	ok(memcmp(data, ten, sizeof(ten)) == 0, "10/8's bytes");
	is_int(dns_ecs_parse("192.0.2.1", data, sizeof(data)), 8, "an address alone: /32");
	is_int(dns_ecs_parse("0", data, sizeof(data)), 4, "0: no address");
	is_int(dns_ecs_parse("bogus", data, sizeof(data)), -EINVAL, "a bad address");
	is_int(dns_ecs_parse("1.2.3.4/x", data, sizeof(data)), -EDOM, "a prefix length that is no number");
	is_int(dns_ecs_parse("1.2.3.4/99999999999", data, sizeof(data)), -ERANGE, "a prefix length over 32 bits");
	is_int(dns_ecs_format(v4_20, sizeof(v4_20), text, sizeof(text)), 0, "formats");
	is_str(text, "192.0.0.0/20/0", "as dig prints it: address/source/scope");
	is_int(dns_ecs_format(v4_20, 5, text, sizeof(text)), -EINVAL, "address bytes missing: malformed");
}

int main(void)
{
	test_time32();
	test_names();
	test_tables();
	test_reverse();
	test_query();
	test_presentation();
	test_presentation_more();
	test_chaos_address();
	test_ecs();
	test_line();
	test_multiline();
	test_obsolete_types();
	return tap_exit();
}
