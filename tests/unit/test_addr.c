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
	is_int(addr_parse_ip("fe80::1%nosuchif0", 0, AF_INET6, &a), -EINVAL, "unknown scope name");
	is_int(addr_parse_ip("192.0.2.1", 0, AF_INET6, &a), -EAFNOSUPPORT, "family mismatch v4 as v6");
	is_int(addr_parse_ip("::1", 0, AF_INET, &a), -EAFNOSUPPORT, "family mismatch v6 as v4");
	is_int(addr_parse_ip("256.0.0.1", 0, AF_UNSPEC, &a), -EINVAL, "octet out of range");
	is_int(addr_parse_ip("1.2.3", 0, AF_UNSPEC, &a), -EINVAL, "short IPv4 is not accepted");
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
