/* resolv.conf parsing as glibc reads it. */
#include <string.h>

#include "sonde/resolvconf.h"
#include "tap.h"

static struct resolv_conf conf;

static void parse(const char *text)
{
	resolv_conf_init(&conf);
	resolv_conf_parse(&conf, text, strlen(text));
}

int main(void)
{
	parse("");
	is_int(conf.ndots, 1, "default ndots");
	is_int(conf.timeout_s, 5, "default timeout");
	is_int(conf.attempts, 2, "default attempts");
	is_int(conf.nameserver_count, 0, "no nameservers");

	parse("# Kubernetes pod\n"
	      "search default.svc.cluster.local svc.cluster.local cluster.local\n"
	      "nameserver 10.96.0.10\n"
	      "options ndots:5 timeout:2 attempts:3 rotate\n");
	is_int(conf.nameserver_count, 1, "one nameserver");
	is_str(conf.nameservers[0], "10.96.0.10", "nameserver address");
	is_int(conf.search_count, 3, "three search domains");
	is_str(conf.search[2], "cluster.local", "search order kept");
	is_int(conf.ndots, 5, "ndots");
	is_int(conf.timeout_s, 2, "timeout");
	is_int(conf.attempts, 3, "attempts");
	ok(conf.rotate, "rotate");
	is_int(conf.warning_count, 0, "no warnings");

	parse("search a.example\ndomain b.example\n");
	is_int(conf.search_count, 1, "domain replaces search (last wins)");
	is_str(conf.search[0], "b.example", "domain value");
	parse("domain b.example\nsearch x y\n");
	is_int(conf.search_count, 2, "search replaces domain (last wins)");

	parse("options ndots:99 timeout:100 attempts:9\n");
	is_int(conf.ndots, 15, "ndots capped at 15");
	is_int(conf.timeout_s, 30, "timeout capped at 30");
	is_int(conf.attempts, 5, "attempts capped at 5");

	parse("options ndots:x frobnicate\n");
	is_int(conf.ndots, 1, "bad ndots keeps default");
	is_int(conf.warning_count, 2, "bad value and unknown option warned");

	parse("nameserver 1.1.1.1 # comment\nnameserver ::1\n; other comment\nnameserver fe80::1%lo\n"
	      "nameserver 4.4.4.4\nnameserver not-an-ip\n");
	is_int(conf.nameserver_count, 4, "four nameservers kept (libc uses three)");
	is_str(conf.nameservers[1], "::1", "IPv6 nameserver");
	is_int(conf.warning_count, 1, "non-address nameserver warned");

	parse("nameserver\t10.0.0.1\r\n  options   edns0  \n");
	is_str(conf.nameservers[0], "10.0.0.1", "tabs and CRLF");
	ok(conf.edns0, "edns0 with extra spaces");

	{
		char text[] = "nameserver 10.0.0.1\0garbage\nnameserver 10.0.0.2\n";

		resolv_conf_init(&conf);
		resolv_conf_parse(&conf, text, sizeof(text) - 1);
		is_int(conf.nameserver_count, 1, "line with NUL byte ignored");
		is_str(conf.nameservers[0], "10.0.0.2", "next line still read");
	}
	{
		char big[3000];

		memset(big, 'a', sizeof(big));
		memcpy(big, "search ", 7);
		big[sizeof(big) - 1] = '\n';
		resolv_conf_init(&conf);
		resolv_conf_parse(&conf, big, sizeof(big));
		is_int(conf.search_count, 0, "overlong line ignored");
		is_int(conf.warning_count, 1, "overlong line warned");
	}
	is_int(resolv_conf_load(&conf, "/nonexistent/resolv.conf"), -2, "missing file is -ENOENT");
	is_int(conf.ndots, 1, "missing file leaves defaults");
	return tap_exit();
}
