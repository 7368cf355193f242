/* nc connections that carry data: connect (TCP, UDP, TLS), listen (-l, -k),
 * and unix sockets (-U).  Every session ends in relay_run(). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nc_impl.h"
#include "sonde/caps.h"
#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "sonde/relay.h"
#include "sonde/resolve.h"
#include "sonde/sock.h"
#include "sonde/tls.h"

#define REVERSE_LOOKUP_MS 1000
#define LISTEN_BACKLOG 5

/* Local input ends once for the whole process: with -k, later clients get
 * no more of it. */
static bool local_input_done;

static int run_relay(const struct nc_config *cfg, const struct relay_net *net)
{
	struct relay_opts opts = {
		.idle_timeout_ms = nc_wait_ms(cfg),
		.quit_after_eof_ms = cfg->quit_after_eof_secs < 0 ? -1 : cfg->quit_after_eof_secs * 1000,
		.shutdown_on_eof = cfg->shutdown_on_eof,
		.no_local_input = cfg->no_stdin,
		.local_input_done = local_input_done,
	};
	struct relay_stats stats;
	int rc = relay_run(STDIN_FILENO, STDOUT_FILENO, net, &opts, &stats);

	if (stats.local_input_done)
		local_input_done = true;
	if (rc < 0) {
		sonde_errno(rc, "connection lost after %llu bytes sent, %llu received",
			    (unsigned long long)stats.bytes_sent, (unsigned long long)stats.bytes_received);
		return SONDE_EXIT_NEGATIVE;
	}
	sonde_debug(2, "sent %llu bytes, received %llu bytes in %lld ms", (unsigned long long)stats.bytes_sent,
		    (unsigned long long)stats.bytes_received, (long long)stats.duration_ms);
	return SONDE_EXIT_OK;
}

/* An address as netcat's -v shows it: a name from a reverse lookup unless
 * -n (the wildcard address is never looked up). */
static const char *host_text(const struct nc_config *cfg, const struct sonde_addr *addr, char *buf,
			     size_t size)
{
	struct sonde_addr wildcard;

	if (!cfg->numeric && addr_family(addr) != AF_UNIX) {
		bool is_any = (addr_parse_ip("0.0.0.0", addr_port(addr), AF_UNSPEC, &wildcard) == 0 &&
			       addr_equal(addr, &wildcard)) ||
			      (addr_parse_ip("::", addr_port(addr), AF_UNSPEC, &wildcard) == 0 &&
			       addr_equal(addr, &wildcard));

		if (!is_any && resolve_reverse(addr, REVERSE_LOOKUP_MS, buf, size) == 0 && buf[0])
			return buf;
	}
	return addr_ntop(addr, buf, size);
}

static void report_sock(const struct nc_config *cfg, const char *what, const struct sonde_addr *addr,
			const char *unix_path)
{
	char text[256];

	if (!cfg->verbose)
		return;
	fflush(stdout);
	if (unix_path)
		fprintf(stderr, "%s on %s\n", what, unix_path);
	else
		fprintf(stderr, "%s on %s %u\n", what, host_text(cfg, addr, text, sizeof(text)), addr_port(addr));
}

/* --- connect --------------------------------------------------------------- */

static void report_tls(const struct nc_config *cfg, const struct tls_session *tls, const char *host)
{
	char subject[512], issuer[512];

	if (!cfg->verbose)
		return;
	tls_session_peer_subject(tls, subject, sizeof(subject));
	tls_session_peer_issuer(tls, issuer, sizeof(issuer));
	fprintf(stderr, "TLS handshake negotiated %s/%s with host %s\n", tls_session_version(tls),
		tls_session_cipher(tls), host);
	fprintf(stderr, "Subject: %s\nIssuer: %s\n", subject, issuer);
	if (tls_session_verified(tls))
		fprintf(stderr, "Certificate verified for %s\n", host);
	else
		fprintf(stderr, "Certificate NOT verified (no --ssl-verify): anyone could be answering\n");
}

static int connect_any(const struct nc_config *cfg, const char *host, const struct sonde_addr *addrs,
		       size_t count, struct sonde_addr *connected)
{
	size_t i;

	for (i = 0; i < count; i++) {
		struct sonde_addr src;
		int fd = -1, have_src = nc_source_addr(cfg, &addrs[i], &src), rc;

		if (have_src < 0)
			return -1;
		rc = sock_connect(&addrs[i], cfg->udp ? SOCK_DGRAM : SOCK_STREAM, have_src ? &src : NULL,
				  nc_wait_ms(cfg), &fd);
		if (rc == 0) {
			*connected = addrs[i];
			return fd;
		}
		if (rc == -EADDRINUSE || rc == -EADDRNOTAVAIL)
			sonde_errno(rc, "cannot bind the source address");
		else if (cfg->verbose)
			nc_report_connect_failed(cfg, host, &addrs[i], rc);
	}
	return -1;
}

static int tls_relay(const struct nc_config *cfg, int fd, const char *host)
{
	struct tls_client_config tls_cfg = {
		.server_name = host,
		.verify = cfg->ssl_verify,
		.ca_file = cfg->ssl_ca,
		.timeout_ms = nc_wait_ms(cfg),
	};
	struct tls_session *tls;
	struct relay_net net;
	char why[256];
	int rc = tls_session_connect(fd, &tls_cfg, &tls, why, sizeof(why));

	if (rc < 0) {
		sonde_err("TLS handshake with %s failed: %s", host, why);
		return SONDE_EXIT_NEGATIVE;
	}
	report_tls(cfg, tls, host);
	net = (struct relay_net){ fd, &tls_session_relay_ops, tls, false };
	rc = run_relay(cfg, &net);
	tls_session_free(tls);
	return rc;
}

int nc_connect(const struct nc_config *cfg, const char *host, uint16_t port)
{
	struct sonde_addr addrs[RESOLVE_MAX_ADDRS], peer;
	struct relay_net net;
	size_t count = 0;
	int rc, fd;

	rc = resolve_host(host, nc_family(cfg), cfg->numeric ? RESOLVE_NUMERIC_ONLY : 0, 10000, port, addrs,
			  RESOLVE_MAX_ADDRS, &count);
	if (rc < 0) {
		sonde_err("cannot resolve %s: %s", host, resolve_strerror(rc));
		return SONDE_EXIT_NEGATIVE;
	}
	fd = connect_any(cfg, host, addrs, count, &peer);
	if (fd < 0)
		return SONDE_EXIT_NEGATIVE;
	caps_limit_or_warn(0); /* connected: nothing left needs a capability */
	/* For UDP nothing is known yet: netcat says nothing either. */
	if (cfg->verbose && !cfg->udp)
		nc_report_connected(cfg, host, &peer);
	if (cfg->ssl)
		rc = tls_relay(cfg, fd, host);
	else {
		net = (struct relay_net){ fd, &relay_socket_ops, &fd, cfg->udp };
		rc = run_relay(cfg, &net);
	}
	close(fd);
	return rc;
}

/* --- listen ---------------------------------------------------------------- */

static int accept_one(int listen_fd, struct sonde_addr *peer)
{
	for (;;) {
		socklen_t len = sizeof(peer->u);
		int fd, rc;

		memset(peer, 0, sizeof(*peer));
		fd = accept4(listen_fd, &peer->u.sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			peer->len = len;
			return fd;
		}
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			return -errno;
		rc = sock_wait(listen_fd, POLLIN, -1);
		if (rc < 0)
			return rc;
	}
}

static int serve_stream(const struct nc_config *cfg, int listen_fd, const char *unix_path)
{
	int rc = SONDE_EXIT_OK;

	do {
		struct sonde_addr peer;
		struct relay_net net;
		int fd = accept_one(listen_fd, &peer);

		if (fd < 0) {
			sonde_errno(fd, "accept");
			return SONDE_EXIT_NEGATIVE;
		}
		report_sock(cfg, "Connection received", &peer, unix_path);
		net = (struct relay_net){ fd, &relay_socket_ops, &fd, false };
		rc = run_relay(cfg, &net);
		close(fd);
	} while (cfg->keep_listening);
	return rc;
}

/* -u -k: datagrams from anyone; replies go to whoever sent last. */
struct any_peer {
	int fd;
	struct sonde_addr last;
	bool known;
};

static ssize_t any_peer_recv(void *ctx, void *buf, size_t len)
{
	struct any_peer *ap = ctx;
	struct sonde_addr from = { 0 };
	socklen_t from_len = sizeof(from.u);
	ssize_t n = recvfrom(ap->fd, buf, len, 0, &from.u.sa, &from_len);

	if (n < 0)
		return -errno;
	from.len = from_len;
	if (from_len > sizeof(sa_family_t)) {
		ap->last = from;
		ap->known = true;
	}
	return n;
}

static ssize_t any_peer_send(void *ctx, const void *buf, size_t len)
{
	struct any_peer *ap = ctx;
	ssize_t n;

	if (!ap->known)
		return RELAY_WANT_READ; /* nobody to answer yet */
	n = sendto(ap->fd, buf, len, MSG_NOSIGNAL, &ap->last.u.sa, ap->last.len);
	return n < 0 ? -errno : n;
}

static int any_peer_shutdown(void *ctx)
{
	return 0; /* nothing to half-close on an unconnected socket */
}

static const struct relay_net_ops any_peer_ops = {
	.recv = any_peer_recv,
	.send = any_peer_send,
	.shutdown_write = any_peer_shutdown,
	.pending = NULL,
};

static int serve_datagram(const struct nc_config *cfg, int fd, const char *unix_path)
{
	struct any_peer ap = { .fd = fd };
	struct relay_net net = { fd, &relay_socket_ops, &fd, true };
	struct sonde_addr peer = { 0 };
	socklen_t len = sizeof(peer.u);
	char probe;
	int rc;

	if (!cfg->keep_listening) {
		/* Wait for the first datagram (left in the queue), then talk to its
		 * sender only, as netcat does. */
		rc = sock_wait(fd, POLLIN, -1);
		if (rc >= 0 && recvfrom(fd, &probe, 1, MSG_PEEK, &peer.u.sa, &len) < 0)
			rc = -errno;
		if (rc < 0) {
			sonde_errno(rc, "waiting for a datagram");
			return SONDE_EXIT_NEGATIVE;
		}
		peer.len = len;
		/* An unbound unix client has no address to answer to. */
		if (len > sizeof(sa_family_t) && connect(fd, &peer.u.sa, peer.len) < 0) {
			sonde_errno(errno, "cannot answer the first peer");
			return SONDE_EXIT_NEGATIVE;
		}
		report_sock(cfg, "Connection received", &peer, unix_path);
		if (len > sizeof(sa_family_t))
			return run_relay(cfg, &net);
	}
	net = (struct relay_net){ fd, &any_peer_ops, &ap, true };
	return run_relay(cfg, &net);
}

static int listen_address(const struct nc_config *cfg, const char *host, uint16_t port, struct sonde_addr *addr)
{
	size_t count = 0;
	int rc;

	if (!host)
		/* netcat listens on IPv4 unless told -6. */
		return addr_parse_ip(cfg->ipv6 ? "::" : "0.0.0.0", port, AF_UNSPEC, addr) == 0 ? 0 : -1;
	rc = resolve_host(host, nc_family(cfg), cfg->numeric ? RESOLVE_NUMERIC_ONLY : 0, 10000, port, addr, 1,
			  &count);
	if (rc < 0) {
		sonde_err("cannot resolve %s: %s", host, resolve_strerror(rc));
		return -1;
	}
	return 0;
}

/* The one listen the kernel refuses for want of a capability: a port below
 * net.ipv4.ip_unprivileged_port_start (1024). */
static const struct caps_need low_port = {
	CAP_NET_BIND_SERVICE, "listening on a port below 1024",
	"a port of 1024 or above, or lower net.ipv4.ip_unprivileged_port_start (per network namespace)"
};

int nc_listen(const struct nc_config *cfg, const char *host, uint16_t port)
{
	struct sonde_addr addr, bound;
	char text[ADDR_STRLEN];
	int fd, rc;

	if (listen_address(cfg, host, port, &addr) < 0)
		return SONDE_EXIT_NEGATIVE;
	rc = sock_listen(&addr, cfg->udp ? SOCK_DGRAM : SOCK_STREAM, LISTEN_BACKLOG, &fd);
	if (rc < 0) {
		/* netcat's codes: a refused privilege is a failure (1) too. */
		caps_fail(rc, &low_port, "cannot listen on %s", addr_format(&addr, text, sizeof(text)));
		return SONDE_EXIT_NEGATIVE;
	}
	caps_limit_or_warn(0); /* bound: accepting needs no capability */
	if (sock_local_addr(fd, &bound) < 0)
		bound = addr;
	report_sock(cfg, cfg->udp ? "Bound" : "Listening", &bound, NULL);
	rc = cfg->udp ? serve_datagram(cfg, fd, NULL) : serve_stream(cfg, fd, NULL);
	close(fd);
	return rc;
}

/* --- unix sockets ---------------------------------------------------------- */

static int unix_address(const char *path, struct sonde_addr *addr)
{
	int rc = addr_from_unix_path(path, addr);

	if (rc < 0)
		sonde_err("%s: not a usable unix socket path (1 to %zu bytes)", path,
			  sizeof(addr->u.un.sun_path) - 1);
	return rc;
}

/* A datagram client needs an address for replies: -s PATH, or else one the
 * kernel picks in the abstract namespace (no file to clean up). */
static int bind_unix_client(const struct nc_config *cfg, int fd)
{
	struct sonde_addr local;
	sa_family_t family = AF_UNIX;

	if (cfg->source_host) {
		if (unix_address(cfg->source_host, &local) < 0)
			return -EINVAL;
		return bind(fd, &local.u.sa, local.len) < 0 ? -errno : 0;
	}
	return bind(fd, (struct sockaddr *)&family, sizeof(family)) < 0 ? -errno : 0;
}

int nc_unix_connect(const struct nc_config *cfg, const char *path)
{
	struct sonde_addr dst;
	struct relay_net net;
	int fd, rc;

	if (unix_address(path, &dst) < 0)
		return SONDE_EXIT_USAGE;
	fd = sock_open(AF_UNIX, cfg->udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (fd < 0) {
		sonde_errno(fd, "socket");
		return SONDE_EXIT_NEGATIVE;
	}
	rc = cfg->udp ? bind_unix_client(cfg, fd) : 0;
	if (rc == 0 && connect(fd, &dst.u.sa, dst.len) < 0) {
		rc = -errno;
		if (rc == -EAGAIN || rc == -EINPROGRESS)
			rc = sock_connect_wait(fd, nc_wait_ms(cfg));
	}
	if (rc < 0) {
		sonde_errno(rc, "%s", path);
		close(fd);
		return SONDE_EXIT_NEGATIVE;
	}
	caps_limit_or_warn(0); /* connected: nothing left needs a capability */
	net = (struct relay_net){ fd, &relay_socket_ops, &fd, cfg->udp };
	rc = run_relay(cfg, &net);
	close(fd);
	return rc;
}

int nc_unix_listen(const struct nc_config *cfg, const char *path)
{
	struct sonde_addr addr;
	struct stat st;
	int fd, rc;

	if (unix_address(path, &addr) < 0)
		return SONDE_EXIT_USAGE;
	/* A socket file left by an earlier run is replaced; anything else at
	 * that path is left alone (bind then fails with EADDRINUSE). */
	if (path[0] != '@' && lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	rc = sock_listen(&addr, cfg->udp ? SOCK_DGRAM : SOCK_STREAM, LISTEN_BACKLOG, &fd);
	if (rc < 0) {
		sonde_errno(rc, "cannot listen on %s", path);
		return SONDE_EXIT_NEGATIVE;
	}
	/* Only removing the socket file at the end may still need root's
	 * override of directory permissions. */
	caps_limit_or_warn(CAPS_BIT(CAP_DAC_OVERRIDE));
	report_sock(cfg, cfg->udp ? "Bound" : "Listening", &addr, path);
	rc = cfg->udp ? serve_datagram(cfg, fd, path) : serve_stream(cfg, fd, path);
	close(fd);
	if (path[0] != '@')
		unlink(path);
	return rc;
}
