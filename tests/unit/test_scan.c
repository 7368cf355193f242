/* The scanner's libcore pieces: target specifications and their expansion
 * with exclusions, nmap-style port lists (T:/U:, -), the top-ports list,
 * UDP payloads and the keyed hash (SipHash-2-4 reference vector). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sonde/scan.h"
#include "tap.h"

/* The expanded targets of text (minus exclude, comma-separated) as text. */
static const char *expand(const char *text, const char *exclude, int family)
{
	static char out[4096];
	struct scan_targets targets;
	struct scan_spec spec, excl[4];
	size_t n_excl = 0, i, used = 0;
	char buf[256], *word, *save;

	out[0] = '\0';
	if (exclude) {
		snprintf(buf, sizeof(buf), "%s", exclude);
		for (word = strtok_r(buf, ",", &save); word && n_excl < 4; word = strtok_r(NULL, ",", &save))
			if (scan_spec_parse(word, family, SCAN_SPEC_NUMERIC, &excl[n_excl]) == 0)
				n_excl++;
	}
	if (scan_spec_parse(text, family, SCAN_SPEC_NUMERIC, &spec) < 0)
		return "parse error";
	scan_targets_init(&targets);
	if (scan_targets_add(&targets, &spec, excl, n_excl) < 0) {
		scan_targets_free(&targets);
		return "expand error";
	}
	for (i = 0; i < targets.count && used < sizeof(out) - 64; i++) {
		char addr[ADDR_STRLEN];

		used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%s", i ? " " : "",
					 addr_ntop(&targets.items[i].addr, addr, sizeof(addr)));
	}
	scan_targets_free(&targets);
	return out;
}

static void targets(void)
{
	struct scan_spec spec;

	is_str(expand("10.0.0.1", NULL, AF_INET), "10.0.0.1", "one address");
	is_str(expand("10.0.0.8/30", NULL, AF_INET), "10.0.0.8 10.0.0.9 10.0.0.10 10.0.0.11", "a CIDR block");
	is_str(expand("10.0.0.9/30", NULL, AF_INET), "10.0.0.8 10.0.0.9 10.0.0.10 10.0.0.11",
	       "a CIDR block written with host bits");
	is_str(expand("10.0.0.1-3", NULL, AF_INET), "10.0.0.1 10.0.0.2 10.0.0.3", "an octet range");
	is_str(expand("10.0.0-1.5", NULL, AF_INET), "10.0.0.5 10.0.1.5", "a range in the third octet");
	is_str(expand("10.0.0.1,7,250-", NULL, AF_INET),
	       "10.0.0.1 10.0.0.7 10.0.0.250 10.0.0.251 10.0.0.252 10.0.0.253 10.0.0.254 10.0.0.255",
	       "lists and open ranges in an octet");
	is_str(expand("10.0.0.0/29", "10.0.0.2,10.0.0.4-5", AF_INET), "10.0.0.0 10.0.0.1 10.0.0.3 10.0.0.6 10.0.0.7",
	       "exclusions");
	is_str(expand("10.0.0.0/30", "10.0.0.0/8", AF_INET), "", "a wide exclusion leaves nothing");
	is_str(expand("fd00::/126", NULL, AF_INET6), "fd00:: fd00::1 fd00::2 fd00::3", "an IPv6 block");
	is_str(expand("10.0.0.0/8", NULL, AF_INET), "expand error", "a /8 is too many hosts");
	ok(scan_spec_count(&(struct scan_spec){ .kind = SCAN_SPEC_PREFIX,
						.prefix = { .family = AF_INET6, .len = 0 } }) > SCAN_MAX_TARGETS,
	   "::/0 counts as too many without overflow");
	is_int(scan_spec_parse("fd00::1", AF_INET, 0, &spec), -EAFNOSUPPORT, "IPv6 target for an IPv4 scan");
	is_int(scan_spec_parse("10.0.0.1", AF_INET6, 0, &spec), -EAFNOSUPPORT, "IPv4 target for an IPv6 scan");
	is_int(scan_spec_parse("10.0.0.300", AF_INET, 0, &spec), -EINVAL, "octet out of range");
	is_int(scan_spec_parse("10.0.0.5-1", AF_INET, 0, &spec), -EINVAL, "reversed octet range");
	/* inet_aton's reading, as every applet reads an address (issue 14 item 8). */
	is_str(expand("10.0.0", NULL, AF_INET), "10.0.0.0", "three parts: the last fills the bytes left");
	is_str(expand("0127.0.0.01", NULL, AF_INET), "87.0.0.1", "leading zeros are octal");
	is_str(expand("012.011.0.010", NULL, AF_INET), "10.9.0.8", "an octal dotted quad");
	is_str(expand("0x7f.1", NULL, AF_INET), "127.0.0.1", "hex and short form");
	is_str(expand("10.0.0.1", "012.0.0.1", AF_INET), "", "an octal exclusion excludes the same host");
	is_int(scan_spec_parse("010.0.0.1-5", AF_INET, 0, &spec), -EDOM, "a leading zero in a range is refused");
	is_int(scan_spec_parse("10.0.0.1-05", AF_INET, 0, &spec), -EDOM, "a leading zero ending a range is refused");
	is_int(scan_spec_parse("0127.0.0.01", AF_INET6, 0, &spec), -EAFNOSUPPORT, "octal IPv4 for an IPv6 scan");
	is_int(scan_spec_parse("", AF_INET, 0, &spec), -EINVAL, "empty target");
	ok(scan_spec_parse("lab-host", AF_INET, SCAN_SPEC_NUMERIC, &spec) < 0, "-n refuses names");
}

static const char *walk(const struct port_list *list)
{
	static char text[4096];

	ports_format(list, text, sizeof(text));
	return text;
}

static void port_lists(void)
{
	struct port_list tcp, udp;
	struct port_error err;

	ports_init(&tcp);
	ports_init(&udp);
	is_int(ports_parse_scan(&tcp, &udp, "22,U:53,161,T:443,8000-8002", &err), 0, "T:/U: list parses");
	is_str(walk(&tcp), "22,443,8000-8002", "TCP: unprefixed and T: items");
	is_str(walk(&udp), "22,53,161", "UDP: unprefixed and U: items");
	ports_init(&tcp);
	is_int(ports_parse_scan(&tcp, NULL, "U:53,T:80", &err), 0, "UDP items skipped in a TCP-only scan");
	is_str(walk(&tcp), "80", "only the TCP item");
	ports_init(&udp);
	is_int(ports_parse_scan(NULL, &udp, "7,9", &err), 0, "a UDP-only scan takes unprefixed items");
	is_str(walk(&udp), "7,9", "both UDP ports");
	ports_init(&tcp);
	is_int(ports_parse_scan(&tcp, NULL, "-", &err), 0, "- parses");
	is_str(walk(&tcp), "1-65535", "- is every port");
	ok(ports_contains(&tcp, 1) && ports_contains(&tcp, 65535), "ports_contains at both ends");
	ports_init(&tcp);
	is_int(ports_parse_scan(&tcp, NULL, "22,0", &err), -ERANGE, "port 0 refused");
	is_str(err.reason, "port number too small", "and why");
	ports_init(&tcp);
	is_int(ports_parse_scan(&tcp, NULL, "T:", &err), -EINVAL, "an empty T: item is refused");
}

static void top_ports(void)
{
	struct port_list list;
	size_t size = scan_top_ports_size("tcp");

	ports_init(&list);
	is_int(scan_top_ports("tcp", 3, &list), 3, "top 3 TCP");
	is_str(walk(&list), "53,80,443", "the cluster's first three, in port order");
	ports_init(&list);
	is_int(scan_top_ports("udp", 2, &list), 2, "top 2 UDP");
	is_str(walk(&list), "53,123", "DNS and NTP first");
	ok(size > 1024 && size < 2000, "the TCP list covers 1-1024 and the curated ports (%zu)", size);
	ports_init(&list);
	is_int(scan_top_ports("tcp", 100000, &list), (int)size, "asking for more takes the whole list");
	is_int((int)ports_total(&list), (int)size, "with every port once");
	ok(ports_contains(&list, 6443) && ports_contains(&list, 10250) && ports_contains(&list, 1),
	   "the API server, the kubelet and port 1 are in it");
}

static void payloads(void)
{
	size_t len;
	const uint8_t *p = scan_udp_payload(53, &len);

	ok(p && len == 17 && p[5] == 1, "DNS: a query with one question");
	p = scan_udp_payload(123, &len);
	ok(p && len == 48 && p[0] == 0xe3, "NTP: a version 4 client request");
	p = scan_udp_payload(161, &len);
	ok(p && len == (size_t)p[1] + 2 && p[0] == 0x30, "SNMP: one well-formed BER sequence");
	p = scan_udp_payload(2049, &len);
	ok(p && len == 40 && p[14] == 0x86 && p[15] == 0xa3 && p[19] == 3, "NFS: an RPC call to program 100003 v3");
	p = scan_udp_payload(520, &len);
	ok(p && len == 24 && p[0] == 1 && p[1] == 2 && p[23] == 16, "RIP: a v2 request for the whole table");
	p = scan_udp_payload(623, &len);
	ok(p && len == 12 && p[3] == 6 && p[6] == 0x11 && p[7] == 0xbe && p[8] == 0x80, "RMCP: an ASF presence ping");
	p = scan_udp_payload(5060, &len);
	ok(p && len > 40 && memcmp(p, "OPTIONS sip:", 12) == 0 && memcmp(p + len - 4, "\r\n\r\n", 4) == 0,
	   "SIP: an OPTIONS request, its header ended");
	p = scan_udp_payload(40000, &len);
	ok(!p && len == 0, "no payload for an unknown port");
}

static void siphash(void)
{
	uint8_t key[16], msg[15];
	struct sonde_addr a, b;
	size_t i;

	for (i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (i = 0; i < 15; i++)
		msg[i] = (uint8_t)i;
	/* The reference implementation's vector for 15 bytes 00..0e. */
	ok(scan_siphash(key, msg, 15) == 0xa129ca6149be45e5ULL, "SipHash-2-4 reference vector");
	ok(scan_siphash(key, msg, 0) == 0x726fdb47dd0e0e31ULL, "SipHash-2-4 of nothing");
	addr_parse_ip("10.0.0.1", 80, AF_INET, &a);
	addr_parse_ip("10.0.0.1", 81, AF_INET, &b);
	ok(scan_tcp_cookie(key, &a, 40000) != scan_tcp_cookie(key, &b, 40000), "cookies differ by port");
	ok(scan_tcp_cookie(key, &a, 40000) == scan_tcp_cookie(key, &a, 40000), "and are stable");
}

int main(void)
{
	targets();
	port_lists();
	top_ports();
	payloads();
	siphash();
	return tap_exit();
}
