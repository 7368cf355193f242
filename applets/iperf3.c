/* sonde iperf3: a client and a server speaking iperf3 3.12's control
 * protocol, so that either end may be the real iperf3.  TCP and UDP tests
 * with iperf3's interval and summary lines and its -J document; what
 * iperf3 offers and sonde does not is refused with a reason, never ignored. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "iperf3_impl.h"
#include "sonde/applet.h"
#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/version.h"

struct iperf3_config {
	bool server, one_off, ipv4, ipv6, json;
	const char *client_host;
	const char *bind_addr;
	int port;
	int duration_s;
	bool duration_given;
	uint64_t bytes;
	int parallel;
	bool reverse, bidir, nodelay, zerocopy;
	int len, window, mss;
	double interval_s;
	const char *title;
	const char *congestion;
	int connect_timeout_ms;
	int omit_s;
	uint64_t rate_bps;
	bool rate_given;
	int burst;
	bool udp, udp_counters_64bit;
};

/* iperf3's numbers with a unit letter: K, M, G or T, each `step` times
 * the last (1024 for sizes, 1000 for bitrates).  false when text is not
 * one such number. */
static bool read_scaled(const char *text, double step, double *value)
{
	static const char units[] = "kmgt";
	const char *end, *unit;
	double scale = 1;

	if (opt_read_double(text, &end, value))
		return false;
	if (*end && (unit = strchr(units, *end | 0x20))) {
		for (size_t power = 0; power <= (size_t)(unit - units); power++)
			scale *= step;
		end++;
	}
	*value *= scale;
	return *end == '\0';
}

/* iperf3's sizes: powers of 1024. */
static const char *read_size(const char *arg, double max, double *value)
{
	if (!read_scaled(arg, 1024.0, value))
		return "not a size (a number with K, M, G or T)";
	if (*value < 1 || *value > max)
		return "size out of range";
	return NULL;
}

static const char *parse_bytes(void *config, const char *arg)
{
	struct iperf3_config *c = config;
	double value;
	const char *reason = read_size(arg, 1e18, &value);

	if (!reason)
		c->bytes = (uint64_t)value;
	return reason;
}

static const char *parse_len(void *config, const char *arg)
{
	struct iperf3_config *c = config;
	double value;
	const char *reason = read_size(arg, IP3_MAX_BLOCK, &value);

	if (!reason)
		c->len = (int)value;
	return reason;
}

static const char *parse_window(void *config, const char *arg)
{
	struct iperf3_config *c = config;
	double value;
	const char *reason = read_size(arg, 512.0 * 1024 * 1024, &value);

	if (!reason)
		c->window = (int)value;
	return reason;
}

static const char *parse_duration(void *config, const char *arg)
{
	struct iperf3_config *c = config;
	double value;
	const char *reason = opt_read_number(arg, &value);

	if (reason)
		return reason;
	if (value == 0)
		return "0 (a test without end) is not supported by sonde iperf3: give a duration";
	if (value < 1 || value > 86400 || value != (int)value)
		return "not a whole number of seconds from 1 to 86400";
	c->duration_s = (int)value;
	c->duration_given = true;
	return NULL;
}

static const char *parse_interval(void *config, const char *arg)
{
	struct iperf3_config *c = config;
	double value;
	const char *reason = opt_read_number(arg, &value);

	if (reason)
		return reason;
	if (value != 0 && (value < 0.1 || value > 60))
		return "interval must be 0 or between 0.1 and 60 seconds";
	c->interval_s = value;
	return NULL;
}

/* iperf3's -b: bits per second with K, M, G or T (each 1000 times the
 * last), then an optional /BURST of blocks sent at once. */
static const char *parse_bitrate(void *config, const char *arg)
{
	struct iperf3_config *c = config;
	const char *slash = strchr(arg, '/');
	char rate_text[64];
	double rate_bps;

	if (slash) {
		long burst;
		char *burst_end;

		errno = 0;
		burst = strtol(slash + 1, &burst_end, 10);
		if (errno || *burst_end || burst < 1 || burst > IP3_MAX_BURST)
			return "invalid burst count (1 to 1000)";
		c->burst = (int)burst;
	}
	snprintf(rate_text, sizeof(rate_text), "%.*s", slash ? (int)(slash - arg) : (int)strlen(arg), arg);
	if (!read_scaled(rate_text, 1000.0, &rate_bps) || rate_bps < 0 || rate_bps >= 1e15)
		return "not a bitrate (bits per second, with K, M, G or T)";
	c->rate_bps = (uint64_t)rate_bps;
	c->rate_given = true;
	return NULL;
}

/* iperf3 3.12 takes whole seconds, at most a minute. */
static const char *parse_omit(void *config, const char *arg)
{
	struct iperf3_config *c = config;
	double value;
	const char *reason = opt_read_number(arg, &value);

	if (reason)
		return reason;
	if (value < 0 || value > 60 || value != (int)value)
		return "bogus value for --omit: a whole number of seconds from 0 to 60";
	c->omit_s = (int)value;
	return NULL;
}

static const char *refuse_daemon(void *config, const char *arg)
{
	(void)config, (void)arg;
	return "sonde iperf3 does not run as a daemon: start it under a supervisor instead";
}

static const char *refuse_logfile(void *config, const char *arg)
{
	(void)config, (void)arg;
	return "sonde iperf3 writes to standard output only: redirect it instead";
}

static const char *refuse_auth(void *config, const char *arg)
{
	(void)config, (void)arg;
	return "iperf3's RSA authentication is not supported by sonde iperf3";
}

static const struct sonde_opt iperf3_options[] = {
	SONDE_OPT_FLAG("s", "server", "run as a server", struct iperf3_config, server),
	SONDE_OPT_STRING("c", "client", "HOST", "run as a client of the server at HOST", struct iperf3_config,
			 client_host),
	SONDE_OPT_INT("p", "port", "PORT", "server port (default 5201)", struct iperf3_config, port, 1, 65535),
	SONDE_OPT_FLAG("1", "one-off", "server: handle one client, then exit", struct iperf3_config, one_off),
	SONDE_OPT_STRING("B", "bind", "ADDR", "server: listen on this address only", struct iperf3_config,
			 bind_addr),
	SONDE_OPT_FUNC("t", "time", "SECS", "test for SECS seconds (default 10)", parse_duration),
	SONDE_OPT_FUNC("n", "bytes", "BYTES[KMG]", "send BYTES instead of a timed test", parse_bytes),
	SONDE_OPT_INT("P", "parallel", "N", "N parallel streams", struct iperf3_config, parallel, 1,
		      IP3_MAX_STREAMS),
	SONDE_OPT_FLAG("R", "reverse", "the server sends, the client receives", struct iperf3_config, reverse),
	SONDE_OPT_FLAG(NULL, "bidir", "both send and receive at once", struct iperf3_config, bidir),
	SONDE_OPT_FUNC("i", "interval", "SECS", "seconds between interval reports (0: none; default 1)",
		       parse_interval),
	SONDE_OPT_FUNC("l", "length", "LEN[KMG]",
		       "block size to send (default 128K; UDP: the control connection's MSS, else 1460)", parse_len),
	SONDE_OPT_FUNC("w", "window", "SIZE[KMG]", "socket buffer size", parse_window),
	SONDE_OPT_INT("M", "set-mss", "MSS", "TCP maximum segment size", struct iperf3_config, mss, 88, 65535),
	SONDE_OPT_FLAG("N", "no-delay", "disable Nagle's algorithm", struct iperf3_config, nodelay),
	SONDE_OPT_STRING("C", "congestion", "ALGO", "TCP congestion control algorithm", struct iperf3_config,
			 congestion),
	SONDE_OPT_FLAG("Z", "zerocopy", "send with sendfile (zero copy)", struct iperf3_config, zerocopy),
	SONDE_OPT_FLAG("4", "version4", "IPv4 only", struct iperf3_config, ipv4),
	SONDE_OPT_FLAG("6", "version6", "IPv6 only", struct iperf3_config, ipv6),
	SONDE_OPT_STRING("T", "title", "TITLE", "prefix every output line with TITLE", struct iperf3_config,
			 title),
	SONDE_OPT_INT(NULL, "connect-timeout", "MS", "give up connecting to the server after MS milliseconds",
		      struct iperf3_config, connect_timeout_ms, 1, 3600000),
	SONDE_OPT_FLAG("J", NULL, "iperf3's JSON document (same as --json)", struct iperf3_config, json),
	SONDE_OPT_FLAG("u", "udp", "use UDP rather than TCP", struct iperf3_config, udp),
	SONDE_OPT_FLAG(NULL, "udp-counters-64bit", "UDP: 64-bit sequence numbers in the datagrams",
		       struct iperf3_config, udp_counters_64bit),
	SONDE_OPT_FUNC("b", "bitrate", "RATE[KMGT][/BURST]",
		       "each stream's target bitrate in bits/s (0: unlimited, the default for TCP; 1M for UDP); "
		       "/BURST: blocks sent at once",
		       parse_bitrate),
	SONDE_OPT_FUNC("O", "omit", "SECS", "leave the first SECS seconds out of the results (TCP slow start)",
		       parse_omit),
	SONDE_OPT_FUNC("D", "daemon", NULL, "refused: no daemon mode", refuse_daemon),
	SONDE_OPT_FUNC(NULL, "logfile", "FILE", "refused: output goes to standard output", refuse_logfile),
	SONDE_OPT_FUNC(NULL, "username", "USER", "refused: no RSA authentication", refuse_auth),
	SONDE_OPT_FUNC(NULL, "rsa-public-key-path", "FILE", "refused: no RSA authentication", refuse_auth),
	SONDE_OPT_FUNC(NULL, "rsa-private-key-path", "FILE", "refused: no RSA authentication", refuse_auth),
	SONDE_OPT_FUNC(NULL, "authorized-users-path", "FILE", "refused: no RSA authentication", refuse_auth),
	SONDE_OPT_END,
};

static void iperf3_init(void *config)
{
	struct iperf3_config *c = config;

	c->port = IP3_DEFAULT_PORT;
	c->duration_s = 10;
	c->parallel = 1;
	c->interval_s = 1;
}

/* Conflicts iperf3 refuses too, and client options given to a server. */
static const char *conflict(const struct iperf3_config *c)
{
	if (c->server == (c->client_host != NULL))
		return "must either be a client (-c) or server (-s)";
	if (c->ipv4 && c->ipv6)
		return "-4 and -6 exclude each other";
	if (c->reverse && c->bidir)
		return "cannot be both reverse and bidirectional";
	if (c->duration_given && c->bytes)
		return "only one test end condition (-t, -n) may be specified";
	if (c->server && (c->duration_given || c->bytes || c->reverse || c->bidir || c->parallel != 1 || c->len ||
			  c->window || c->mss || c->nodelay || c->congestion || c->zerocopy ||
			  c->connect_timeout_ms || c->omit_s || c->rate_given || c->burst || c->udp ||
			  c->udp_counters_64bit))
		return "that option is for the client (-c): the client sends the test's settings";
	if (c->udp && (c->zerocopy || c->congestion || c->mss || c->nodelay))
		return "-Z, -C, -M and -N are for TCP tests, not with -u";
	if (c->udp && c->len && (c->len < IP3_UDP_MIN_LEN || c->len > IP3_UDP_MAX_LEN))
		return "block size invalid (minimum = 16 bytes, maximum = 65507 bytes)";
	if (!c->udp && c->udp_counters_64bit)
		return "--udp-counters-64bit is for UDP tests (-u)";
	if (!c->server && (c->one_off || c->bind_addr))
		return "-1 and -B are for the server (-s)";
	return NULL;
}

static void settings_from_config(const struct iperf3_config *c, struct ip3_test *t)
{
	struct ip3_settings *s = &t->set;

	s->duration_s = c->bytes ? 0 : c->duration_s;
	s->bytes = c->bytes;
	s->parallel = c->parallel;
	s->reverse = c->reverse;
	s->bidir = c->bidir;
	s->udp = c->udp;
	s->udp_counters_64bit = c->udp_counters_64bit;
	/* UDP's default block size comes from the control connection's MSS */
	s->len = c->len ? c->len : c->udp ? 0 : IP3_TCP_DEFAULT_LEN;
	s->window = c->window;
	s->mss = c->mss;
	s->nodelay = c->nodelay;
	s->zerocopy = c->zerocopy;
	s->congestion = c->congestion;
	s->title = (char *)c->title;
	s->interval_s = c->interval_s;
	s->omit_s = c->omit_s;
	s->rate_bps = c->udp && !c->rate_given ? IP3_UDP_DEFAULT_RATE : c->rate_bps;
	s->burst = c->burst;
	t->port = (uint16_t)c->port;
	t->json = c->json;
	t->zerocopy_fd = -1;
	t->listen_fd = -1;
	t->udp_listen_fd = -1;
}

static int iperf3_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct iperf3_config *c = config;
	struct ip3_test *t;
	const char *reason;
	int family = c->ipv4 ? AF_INET : c->ipv6 ? AF_INET6 : AF_UNSPEC;
	int rc;

	(void)argc, (void)argv;
	if ((reason = conflict(c)))
		return sonde_usage_error("%s", reason), 1;
	if (!(t = calloc(1, sizeof(*t)))) {
		sonde_err("out of memory");
		return 1;
	}
	c->json = c->json || ctx->json;
	settings_from_config(c, t);
	t->out = ctx->out;
	if (t->json) {
		/* -J is iperf3's spelling of --json */
		if (!out_is_json(ctx->out))
			out_init(ctx->out, ctx->out->fp, true);
		out_set_pretty(ctx->out, true);
	}
	caps_limit_or_warn(0);
	/* a peer gone mid-test is an error to report, not a silent death (sendfile
	 * has no MSG_NOSIGNAL) */
	signal(SIGPIPE, SIG_IGN);
	if (c->server)
		rc = ip3_server_run(t, c->bind_addr, family, c->one_off);
	else
		rc = ip3_client_run(t, c->client_host, family, c->connect_timeout_ms);
	if (t->json && !c->server)
		ip3_out_json(t, rc ? t->error : NULL, rc);
	else if (rc && t->error[0])
		sonde_err("%s", t->error);
	if (t->ctrl_fd > 0 && !c->server)
		ip3_streams_close(t);
	ip3_test_free(t);
	free(t);
	return rc;
}

static const struct sonde_imitation iperf3_imitation = {
	.version_letters = "v",
	.classic_line = "iperf 3.12 (cJSON 1.7.15)",
	.imitated = "iperf3 3.12",
};

const struct sonde_applet applet_iperf3 = {
	.name = "iperf3",
	.summary = "network throughput tests, interoperable with iperf3 3.12 (client and server, TCP and UDP)",
	.usage = "-s [-1] [-p PORT] [-B ADDR] [-J]\n"
		 "-c HOST [-p PORT] [-u] [-t SECS | -n BYTES] [-O SECS] [-b RATE] [-P N] [-R | --bidir] [-i SECS] [-l LEN]\n"
		 "        [-w SIZE] [-M MSS] [-N] [-C ALGO] [-Z] [-4 | -6] [-T TITLE] [--connect-timeout MS] [-J]",
	.help_extra = "Speaks iperf3 3.12's control protocol: either end may be the real iperf3.\n"
		      "Prints iperf3's interval and summary lines; -J (or --json) prints iperf3's JSON\n"
		      "document.  TCP, and UDP (-u) with jitter and loss; -D, --logfile and RSA\n"
		      "authentication are refused.",
	.options = iperf3_options,
	.config_size = sizeof(struct iperf3_config),
	.init = iperf3_init,
	.min_args = 0,
	.max_args = 0,
	.usage_exit_code = 1,
	.exit_codes = "0 the test ran to its end, 1 usage error or any failure, as iperf3 exits "
		      "(refused, busy server, not an iperf3 server) (docs/iperf3.md).",
	.caps = CAPS_BIT(CAP_NET_BIND_SERVICE),
	.main = iperf3_main,
	.imitates = &iperf3_imitation,
};
