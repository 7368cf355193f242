/* Address parsing and printing. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "sonde/addr.h"
#include "tap.h"

static const char *split(const char *text, char *host, const char **port)
{
	static char result[128];

	if (addr_split_hostport(text, host, 64, port) < 0)
		return "error";
	snprintf(result, sizeof(result), "%s|%s", host, *port ? *port : "-");
	return result;
}

int main(void)
{
	struct sonde_addr a, b;
	struct sonde_prefix p;
	char buf[ADDR_STRLEN], host[64];
	const char *port;
	uint16_t n;

	is_int(addr_parse_ip("192.0.2.1", 80, AF_UNSPEC, &a), 0, "IPv4 parses");
	is_str(addr_format(&a, buf, sizeof(buf)), "192.0.2.1:80", "IPv4 with port");
	is_int(addr_parse_ip("2001:db8::1", 443, AF_UNSPEC, &a), 0, "IPv6 parses");
	is_str(addr_format(&a, buf, sizeof(buf)), "[2001:db8::1]:443", "IPv6 with port in brackets");
	is_str(addr_ntop(&a, buf, sizeof(buf)), "2001:db8::1", "IPv6 address only");
	is_int(addr_parse_ip("fe80::1%1", 0, AF_INET6, &a), 0, "scoped IPv6 with index");
	is_int(a.u.in6.sin6_scope_id, 1, "scope id set");
	is_int(addr_parse_ip("fe80::1%nosuchif0", 0, AF_INET6, &a), -ENXIO, "unknown scope name");
	is_int(addr_parse_ip("192.0.2.1", 0, AF_INET6, &a), -EAFNOSUPPORT, "family mismatch v4 as v6");
	is_int(addr_parse_ip("::1", 0, AF_INET, &a), -EAFNOSUPPORT, "family mismatch v6 as v4");
	is_int(addr_parse_ip("256.0.0.1", 0, AF_UNSPEC, &a), -EINVAL, "octet out of range");
	/* inet_aton's reading, the one of ping, nc and traceroute (issue 14 item 8). */
	is_int(addr_parse_ip("0127.0.0.01", 0, AF_UNSPEC, &a), 0, "leading zeros parse");
	is_str(addr_ntop(&a, buf, sizeof(buf)), "87.0.0.1", "leading zero is octal, as inet_aton reads it");
	is_int(addr_parse_ip("012.011.0.010", 0, AF_UNSPEC, &a), 0, "octal dotted quad parses");
	is_str(addr_ntop(&a, buf, sizeof(buf)), "10.9.0.8", "every octal part read");
	is_int(addr_parse_ip("1.2.3", 0, AF_UNSPEC, &a), 0, "short IPv4 form parses");
	is_str(addr_ntop(&a, buf, sizeof(buf)), "1.2.0.3", "the last part fills the bytes left");
	is_int(addr_parse_ip("127.1", 0, AF_UNSPEC, &a), 0, "two-part form parses");
	is_str(addr_ntop(&a, buf, sizeof(buf)), "127.0.0.1", "127.1 is loopback");
	is_int(addr_parse_ip("0x7f.1", 0, AF_UNSPEC, &a), 0, "hex part parses");
	is_str(addr_ntop(&a, buf, sizeof(buf)), "127.0.0.1", "0x7f is 127");
	is_int(addr_parse_ip("2130706433", 0, AF_UNSPEC, &a), 0, "one 32-bit number parses");
	is_str(addr_ntop(&a, buf, sizeof(buf)), "127.0.0.1", "one number is the whole address");
	is_int(addr_parse_ip("08.0.0.1", 0, AF_UNSPEC, &a), -EINVAL, "8 is no octal digit");
	is_int(addr_parse_ip("1.2.3.4 junk", 0, AF_UNSPEC, &a), -EINVAL, "nothing may follow (inet_aton allows it)");
	is_int(addr_parse_ip("1.2.3.4.", 0, AF_UNSPEC, &a), -EINVAL, "trailing dot");
	is_int(addr_parse_ip("1.2.3.4.5", 0, AF_UNSPEC, &a), -EINVAL, "five parts");
	is_int(addr_parse_ip("1.256.3", 0, AF_UNSPEC, &a), -EINVAL, "a middle part over 255");
	is_int(addr_parse_ip("0127.0.0.01", 0, AF_INET6, &a), -EAFNOSUPPORT, "octal form is IPv4");
	{
		static const char *const forms[] = { "0127.0.0.01", "010.001.000.002", "1.2.3", "127.1", "0x7f.1",
						     "0X7F.0.0.1", "4294967295", "4294967296", "0.0.0.0", "00",
						     "0x", "1..2", ".1", "+1.2.3.4", "1.2.3.0x100", "1.2.0x10000" };
		struct in_addr mine, libc;
		size_t i;

		for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
			int libc_ok = inet_aton(forms[i], &libc) != 0;
			int mine_ok = addr_parse_ipv4(forms[i], &mine, NULL) == 0;

			ok(mine_ok == libc_ok && (!mine_ok || mine.s_addr == libc.s_addr),
			   "addr_parse_ipv4 reads '%s' as inet_aton does", forms[i]);
		}
	}
	{
		struct addr_ipv4_form form;
		struct in_addr in4;

		addr_parse_ipv4("010.1.2.3", &in4, &form);
		ok(form.parts == 4 && form.octal && !form.hex && !addr_ipv4_form_is_plain(&form), "form: octal quad");
		addr_parse_ipv4("10.1", &in4, &form);
		ok(form.parts == 2 && !form.octal && !addr_ipv4_form_is_plain(&form), "form: short");
		addr_parse_ipv4("0x0a.0.0.1", &in4, &form);
		ok(form.hex && !addr_ipv4_form_is_plain(&form), "form: hex");
		addr_parse_ipv4("10.0.0.1", &in4, &form);
		ok(addr_ipv4_form_is_plain(&form), "form: plain dotted quad");
	}
	is_int(addr_parse_ip("example.com", 0, AF_UNSPEC, &a), -EINVAL, "a name is not numeric");

	is_str(split("host:80", host, &port), "host|80", "host:port");
	is_str(split("[::1]:53", host, &port), "::1|53", "[v6]:port");
	is_str(split("[::1]", host, &port), "::1|-", "[v6] without port");
	is_str(split("::1", host, &port), "::1|-", "bare IPv6 is a host");
	is_str(split("example.org", host, &port), "example.org|-", "name without port");
	is_str(split("host:", host, &port), "error", "empty port");
	is_str(split("[::1", host, &port), "error", "unclosed bracket");
	is_str(split("[::1]x", host, &port), "error", "garbage after bracket");
	is_str(split(":80", host, &port), "error", "empty host");

	is_int(addr_parse_port("65535", false, &n), 0, "max port");
	is_int(addr_parse_port("65536", false, &n), -EINVAL, "port too large");
	is_int(addr_parse_port("0", false, &n), -EINVAL, "port zero refused");
	is_int(addr_parse_port("0", true, &n), 0, "port zero allowed when asked");
	is_int(addr_parse_port("-1", true, &n), -EINVAL, "negative port");
	is_int(addr_parse_port("000080", true, &n), -EINVAL, "overlong port text");

	is_int(addr_parse_prefix("10.0.0.0/8", false, &p), 0, "IPv4 CIDR");
	is_str(prefix_format(&p, buf, sizeof(buf)), "10.0.0.0/8", "CIDR round trip");
	is_int(addr_parse_prefix("10.1.2.3/8", false, &p), -EINVAL, "host bits refused");
	is_int(addr_parse_prefix("10.1.2.3/8", true, &p), 0, "host bits allowed when asked");
	is_str(prefix_format(&p, buf, sizeof(buf)), "10.0.0.0/8", "host bits cleared");
	is_int(addr_parse_prefix("10.0.0.0/33", false, &p), -EINVAL, "prefix too long");
	is_int(addr_parse_prefix("2001:db8::/32", false, &p), 0, "IPv6 CIDR");
	addr_parse_ip("2001:db8:ffff::1", 0, AF_UNSPEC, &a);
	ok(prefix_contains(&p, &a), "IPv6 prefix contains address");
	addr_parse_ip("2001:db9::1", 0, AF_UNSPEC, &a);
	ok(!prefix_contains(&p, &a), "IPv6 prefix excludes address");
	addr_parse_prefix("192.168.0.0/23", false, &p);
	addr_parse_ip("192.168.1.255", 0, AF_UNSPEC, &a);
	ok(prefix_contains(&p, &a), "/23 contains .1.255");
	addr_parse_ip("192.168.2.0", 0, AF_UNSPEC, &a);
	ok(!prefix_contains(&p, &a), "/23 excludes .2.0");
	{
		const uint8_t net[2] = { 0x0a, 0x80 }, in[2] = { 0x0a, 0xbf }, out[2] = { 0x0a, 0x40 };

		ok(prefix_bits_equal(net, in, 10), "10 bits: 0a80 and 0abf agree");
		ok(!prefix_bits_equal(net, out, 10), "10 bits: 0a80 and 0a40 differ in bit 9");
		ok(prefix_bits_equal(net, out, 8), "8 bits: whole bytes only");
		ok(prefix_bits_equal(net, out, 0), "0 bits: everything agrees");
		ok(!prefix_bits_equal(net, in, 16), "16 bits: the whole of both");
	}
	addr_parse_prefix("10.1.0.0/16", false, &p);
	{
		const uint8_t v4_in[4] = { 10, 1, 200, 3 }, v4_out[4] = { 10, 2, 0, 1 }, v6[16] = { 10, 1 };

		ok(prefix_contains_bytes(&p, AF_INET, v4_in), "contains_bytes: 10.1.200.3 in 10.1/16");
		ok(!prefix_contains_bytes(&p, AF_INET, v4_out), "contains_bytes: 10.2.0.1 not in 10.1/16");
		ok(!prefix_contains_bytes(&p, AF_INET6, v6), "contains_bytes: another family is never inside");
	}
	is_int(addr_parse_prefix("1.2.3.4", false, &p), 0, "bare address is a host prefix");
	is_int(p.len, 32, "host prefix length");

	addr_parse_ip("127.0.0.5", 1, AF_UNSPEC, &a);
	ok(addr_is_loopback(&a), "127/8 is loopback");
	addr_parse_ip("::ffff:127.0.0.1", 1, AF_UNSPEC, &b);
	ok(addr_is_loopback(&b), "v4-mapped loopback");
	ok(!addr_equal(&a, &b), "different families differ");
	addr_parse_ip("127.0.0.5", 1, AF_UNSPEC, &b);
	ok(addr_equal(&a, &b), "same address and port are equal");
	addr_set_port(&b, 2);
	ok(!addr_equal(&a, &b), "port matters");

	is_int(addr_from_unix_path("/run/x.sock", &a), 0, "unix path");
	is_str(addr_ntop(&a, buf, sizeof(buf)), "/run/x.sock", "unix path printed");
	is_int(addr_from_unix_path("@abstract", &a), 0, "abstract unix name");
	is_str(addr_ntop(&a, buf, sizeof(buf)), "@abstract", "abstract name printed with @");
	return tap_exit();
}
