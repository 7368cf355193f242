/* A probe's connection on libcore's socket and TLS engines: connected to
 * the address the probe resolved, TLS verified against the system store
 * (as blackbox_exporter's default tls_config), every wait bounded by the
 * probe's deadline; and the TLS families blackbox_exporter exposes. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serve_impl.h"
#include "sonde/reason.h"
#include "sonde/sock.h"
#include "sonde/tls.h"
#include "sonde/x509.h"

int serve_conn_open(struct serve_probe *p, const struct sonde_addr *addr, struct serve_conn *c)
{
	int rc;

	c->fd = -1;
	c->tls = NULL;
	rc = sock_connect(addr, SOCK_STREAM, NULL, (int)(serve_ms_left(p) ? serve_ms_left(p) : 1), &c->fd);
	if (rc < 0) {
		snprintf(p->reason, sizeof(p->reason), "%s", reason_connect(rc));
		serve_log(p, "error", "Error dialing TCP: %s", p->reason);
		c->fd = -1;
		return rc;
	}
	serve_log(p, "info", "Successfully dialed");
	return 0;
}

int serve_conn_tls(struct serve_probe *p, struct serve_conn *c, const char *server_name)
{
	struct tls_client_config tc = {
		.server_name = server_name,
		.verify = true,
		.timeout_ms = (int)(serve_ms_left(p) ? serve_ms_left(p) : 1),
	};
	char why[256] = "";
	int rc = tls_session_connect(c->fd, &tc, &c->tls, why, sizeof(why));

	if (rc < 0) {
		reason_tls(rc, why, p->reason, sizeof(p->reason));
		serve_log(p, "error", "TLS Handshake (client) failed: %s", why);
		return rc;
	}
	serve_log(p, "info", "TLS Handshake (client) succeeded");
	return 0;
}

/* Waits for the socket after a TLS want or EAGAIN: 0 or -ETIMEDOUT. */
static int conn_wait(struct serve_probe *p, struct serve_conn *c, short events)
{
	int rc = sock_wait(c->fd, events, (int)serve_ms_left(p));

	return rc > 0 ? 0 : rc < 0 ? rc : -ETIMEDOUT;
}

long serve_conn_read(struct serve_probe *p, struct serve_conn *c, char *buf, size_t size)
{
	for (;;) {
		ssize_t got = c->tls ? tls_session_recv(c->tls, buf, size) : recv(c->fd, buf, size, 0);
		int rc;

		if (got >= 0)
			return got;
		if (!c->tls && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (c->tls && got != RELAY_WANT_READ && got != RELAY_WANT_WRITE)
			return got;
		if (serve_ms_left(p) == 0)
			return -ETIMEDOUT;
		rc = conn_wait(p, c, c->tls && got == RELAY_WANT_WRITE ? POLLOUT : POLLIN);
		if (rc < 0)
			return rc;
	}
}

int serve_conn_write(struct serve_probe *p, struct serve_conn *c, const char *buf, size_t len)
{
	while (len) {
		ssize_t sent = c->tls ? tls_session_send(c->tls, buf, len) : send(c->fd, buf, len, MSG_NOSIGNAL);
		int rc;

		if (sent > 0) {
			buf += sent;
			len -= (size_t)sent;
			continue;
		}
		if (!c->tls && sent < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (c->tls && sent != RELAY_WANT_READ && sent != RELAY_WANT_WRITE)
			return sent < 0 ? (int)sent : -EPIPE;
		if (serve_ms_left(p) == 0)
			return -ETIMEDOUT;
		rc = conn_wait(p, c, c->tls && sent == RELAY_WANT_READ ? POLLIN : POLLOUT);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void serve_conn_close(struct serve_conn *c)
{
	if (c->tls)
		tls_session_free(c->tls);
	if (c->fd >= 0)
		close(c->fd);
	c->tls = NULL;
	c->fd = -1;
}

/* "CN = leaf.test, O = Lab" as Go's pkix.Name.String() writes it:
 * RFC 2253's order (the last RDN first), "CN=leaf.test,O=Lab". */
static void go_name(const char *line, char *buf, size_t size)
{
	char copy[X509_TEXT_LEN], *parts[32];
	size_t count = 0, used = 0;
	char *save = NULL, *part;

	snprintf(copy, sizeof(copy), "%s", line);
	for (part = strtok_r(copy, ",", &save); part && count < 32; part = strtok_r(NULL, ",", &save)) {
		while (*part == ' ')
			part++;
		parts[count++] = part;
	}
	buf[0] = '\0';
	while (count-- > 0) {
		char *eq = strstr(parts[count], " = ");

		if (eq)
			memmove(eq + 1, eq + 3, strlen(eq + 3) + 1), eq[0] = '=';
		used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s%s", used ? "," : "",
					 parts[count]);
	}
}

static void hex_fingerprint(const char *colons, char *buf, size_t size)
{
	size_t n = 0;

	for (; *colons && n + 1 < size; colons++)
		if (*colons != ':')
			buf[n++] = (char)(*colons >= 'A' && *colons <= 'F' ? *colons - 'A' + 'a' : *colons);
	buf[n] = '\0';
}

static void dns_names(const struct x509_info *leaf, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < leaf->san_count; i++)
		if (strncmp(leaf->sans[i], "DNS:", 4) == 0)
			used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s%s", used ? "," : "",
						 leaf->sans[i] + 4);
}

static void tls_version_family(struct serve_probe *p, struct tls_session *tls)
{
	const char *v = tls_session_version(tls);
	char label[16];

	/* "TLSv1.3" -> Go's "TLS 1.3" */
	snprintf(label, sizeof(label), "TLS %s", v && strncmp(v, "TLSv", 4) == 0 ? v + 4 : "unknown");
	expo_set(p->expo, "probe_tls_version_info", "Returns the TLS version used or NaN when unknown", EXPO_GAUGE, 1,
		 "version", label, NULL);
}

void serve_tls_facts(struct serve_probe *p, struct tls_session *tls)
{
	struct x509_info *sent = NULL, *verified = NULL;
	int sent_count = tls_session_peer_chain(tls, false, &sent);
	int verified_count = tls_session_peer_chain(tls, true, &verified);
	char subject[X509_TEXT_LEN], issuer[X509_TEXT_LEN], fingerprint[80], sans[1024];
	int64_t earliest = 0, chain_earliest = 0;

	for (int i = 0; i < sent_count; i++)
		if (i == 0 || sent[i].not_after < earliest)
			earliest = sent[i].not_after;
	for (int i = 0; i < verified_count; i++)
		if (i == 0 || verified[i].not_after < chain_earliest)
			chain_earliest = verified[i].not_after;
	expo_set(p->expo, "probe_ssl_earliest_cert_expiry", "Returns last SSL chain expiry in unixtime", EXPO_GAUGE,
		 (double)earliest, NULL);
	expo_set(p->expo, "probe_ssl_last_chain_expiry_timestamp_seconds",
		 "Returns last SSL chain expiry in timestamp", EXPO_GAUGE, (double)chain_earliest, NULL);
	tls_version_family(p, tls);
	if (sent_count > 0) {
		go_name(sent[0].subject, subject, sizeof(subject));
		go_name(sent[0].issuer, issuer, sizeof(issuer));
		hex_fingerprint(sent[0].sha256, fingerprint, sizeof(fingerprint));
		dns_names(&sent[0], sans, sizeof(sans));
		expo_set(p->expo, "probe_ssl_last_chain_info", "Contains SSL leaf certificate information", EXPO_GAUGE,
			 1, "fingerprint_sha256", fingerprint, "issuer", issuer, "subject", subject,
			 "subjectalternative", sans, NULL);
	}
	if (sent_count > 0)
		x509_info_array_free(sent, (size_t)sent_count);
	if (verified_count > 0)
		x509_info_array_free(verified, (size_t)verified_count);
}
