/* STARTTLS: the plain-text opening of a protocol up to the point where TLS
 * starts on the same connection.  Replies are read one byte at a time so
 * that nothing of the TLS handshake that follows is swallowed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "sonde/clock.h"
#include "sonde/sock.h"
#include "sonde/tls.h"

#define LINE_MAX_BYTES 1024
#define REPLY_MAX_LINES 64

struct dialogue {
	int fd;
	int64_t deadline;
	char *why;
	size_t why_size;
};

static const struct {
	const char *name;
	uint16_t port;
} protocols[] = {
	[STARTTLS_NONE] = { "none", 0 },     [STARTTLS_SMTP] = { "smtp", 25 },
	[STARTTLS_IMAP] = { "imap", 143 },   [STARTTLS_POP3] = { "pop3", 110 },
	[STARTTLS_FTP] = { "ftp", 21 },      [STARTTLS_POSTGRES] = { "postgres", 5432 },
	[STARTTLS_MYSQL] = { "mysql", 3306 },
};

int tls_starttls_parse(const char *name)
{
	size_t i;

	for (i = STARTTLS_SMTP; i < sizeof(protocols) / sizeof(protocols[0]); i++)
		if (strcasecmp(name, protocols[i].name) == 0)
			return (int)i;
	return -EINVAL;
}

const char *tls_starttls_name(enum tls_starttls_proto proto)
{
	return protocols[proto].name;
}

uint16_t tls_starttls_port(enum tls_starttls_proto proto)
{
	return protocols[proto].port;
}

static int timed_out(struct dialogue *d, int rc)
{
	if (rc == -ETIMEDOUT)
		snprintf(d->why, d->why_size, "STARTTLS dialogue timed out");
	return rc;
}

static int send_all(struct dialogue *d, const void *data, size_t len)
{
	return timed_out(d, sock_send_all(d->fd, data, len, d->deadline));
}

static int recv_exact(struct dialogue *d, void *buf, size_t len)
{
	size_t got;
	int rc = sock_recv_exact(d->fd, buf, len, d->deadline, &got);

	if (rc == -EPIPE) {
		snprintf(d->why, d->why_size, "the server closed the connection during STARTTLS");
		return -EPROTO;
	}
	return timed_out(d, rc);
}

/* One line without its CR LF. */
static int read_line(struct dialogue *d, char *line, size_t size)
{
	size_t used = 0;
	char c;
	int rc;

	for (;;) {
		if ((rc = recv_exact(d, &c, 1)) < 0)
			return rc;
		if (c == '\n')
			break;
		if (c == '\r')
			continue;
		if (used + 1 >= size) {
			snprintf(d->why, d->why_size, "STARTTLS: a reply line is too long");
			return -EPROTO;
		}
		line[used++] = c;
	}
	line[used] = '\0';
	return 0;
}

static int refused(struct dialogue *d, const char *step, const char *line)
{
	snprintf(d->why, d->why_size, "STARTTLS refused at %s: server said '%.120s'", step, line);
	return -EPROTO;
}

/* SMTP and FTP replies: "250-more" lines, then "250 last".  The code of the
 * last line must be want. */
static int numeric_reply(struct dialogue *d, const char *want, const char *step)
{
	char line[LINE_MAX_BYTES];
	int lines, rc;

	for (lines = 0; lines < REPLY_MAX_LINES; lines++) {
		if ((rc = read_line(d, line, sizeof(line))) < 0)
			return rc;
		if (strlen(line) >= 4 && line[3] == '-')
			continue;
		return strncmp(line, want, 3) == 0 ? 0 : refused(d, step, line);
	}
	return refused(d, step, "(too many lines)");
}

static int command(struct dialogue *d, const char *text)
{
	return send_all(d, text, strlen(text));
}

static int smtp(struct dialogue *d, const char *client_name)
{
	char ehlo[300];
	int rc;

	snprintf(ehlo, sizeof(ehlo), "EHLO %s\r\n", client_name);
	if ((rc = numeric_reply(d, "220", "the greeting")) < 0 || (rc = command(d, ehlo)) < 0 ||
	    (rc = numeric_reply(d, "250", "EHLO")) < 0 || (rc = command(d, "STARTTLS\r\n")) < 0)
		return rc;
	return numeric_reply(d, "220", "STARTTLS");
}

static int ftp(struct dialogue *d)
{
	int rc;

	if ((rc = numeric_reply(d, "220", "the greeting")) < 0 || (rc = command(d, "AUTH TLS\r\n")) < 0)
		return rc;
	return numeric_reply(d, "234", "AUTH TLS");
}

static int pop3(struct dialogue *d)
{
	char line[LINE_MAX_BYTES];
	int rc;

	if ((rc = read_line(d, line, sizeof(line))) < 0)
		return rc;
	if (strncmp(line, "+OK", 3) != 0)
		return refused(d, "the greeting", line);
	if ((rc = command(d, "STLS\r\n")) < 0 || (rc = read_line(d, line, sizeof(line))) < 0)
		return rc;
	return strncmp(line, "+OK", 3) == 0 ? 0 : refused(d, "STLS", line);
}

static int imap(struct dialogue *d)
{
	char line[LINE_MAX_BYTES];
	int lines, rc;

	if ((rc = read_line(d, line, sizeof(line))) < 0)
		return rc;
	if (strncmp(line, "* OK", 4) != 0)
		return refused(d, "the greeting", line);
	if ((rc = command(d, "s1 STARTTLS\r\n")) < 0)
		return rc;
	/* Untagged lines may come before the tagged answer. */
	for (lines = 0; lines < REPLY_MAX_LINES; lines++) {
		if ((rc = read_line(d, line, sizeof(line))) < 0)
			return rc;
		if (strncmp(line, "s1 ", 3) == 0)
			return strncmp(line, "s1 OK", 5) == 0 ? 0 : refused(d, "STARTTLS", line);
	}
	return refused(d, "STARTTLS", "(too many lines)");
}

static int postgres(struct dialogue *d)
{
	/* SSLRequest: length 8, then the code 80877103 (1234 << 16 | 5679). */
	static const unsigned char request[8] = { 0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f };
	char answer;
	int rc;

	if ((rc = send_all(d, request, sizeof(request))) < 0 || (rc = recv_exact(d, &answer, 1)) < 0)
		return rc;
	return answer == 'S' ? 0 : refused(d, "SSLRequest", answer == 'N' ? "N (no TLS)" : "something else");
}

#define MYSQL_CLIENT_PROTOCOL_41 0x00000200u
#define MYSQL_CLIENT_SSL 0x00000800u
#define MYSQL_CLIENT_SECURE_CONNECTION 0x00008000u

/* The server's handshake packet: does it offer TLS (CLIENT_SSL)? */
static bool mysql_offers_tls(const unsigned char *payload, size_t len)
{
	const unsigned char *end = payload + len, *p = payload + 1;

	if (len < 1 || payload[0] != 10)
		return false;
	p = memchr(p, '\0', (size_t)(end - p)); /* server version */
	if (!p || end - p < 1 + 4 + 8 + 1 + 2)
		return false;
	p += 1 + 4 + 8 + 1; /* NUL, connection id, auth data part 1, filler */
	return ((unsigned)p[0] | (unsigned)p[1] << 8) & MYSQL_CLIENT_SSL;
}

static int mysql(struct dialogue *d)
{
	unsigned char header[4], payload[1024], request[36] = { 0 };
	uint32_t caps = MYSQL_CLIENT_PROTOCOL_41 | MYSQL_CLIENT_SSL | MYSQL_CLIENT_SECURE_CONNECTION;
	size_t len;
	int rc;

	if ((rc = recv_exact(d, header, sizeof(header))) < 0)
		return rc;
	len = header[0] | (size_t)header[1] << 8 | (size_t)header[2] << 16;
	if (len == 0 || len > sizeof(payload))
		return refused(d, "the greeting", "a handshake packet of an unexpected size");
	if ((rc = recv_exact(d, payload, len)) < 0)
		return rc;
	if (!mysql_offers_tls(payload, len))
		return refused(d, "the greeting", "no TLS in its capabilities");
	/* SSLRequest: 32 bytes of payload, sequence 1. */
	request[0] = 32;
	request[3] = 1;
	memcpy(request + 4, (unsigned char[]){ caps & 0xff, caps >> 8 & 0xff, caps >> 16 & 0xff, caps >> 24 }, 4);
	request[8 + 3] = 1;  /* max packet size 16 MiB */
	request[12] = 0x21;  /* utf8_general_ci */
	return send_all(d, request, sizeof(request));
}

int tls_starttls(int fd, enum tls_starttls_proto proto, const char *client_name, int timeout_ms, char *why,
		 size_t why_size)
{
	struct dialogue d = { fd, timeout_ms >= 0 ? deadline_after_ms(timeout_ms) : 0, why, why_size };
	int rc;

	why[0] = '\0';
	switch (proto) {
	case STARTTLS_NONE: rc = 0; break;
	case STARTTLS_SMTP: rc = smtp(&d, client_name ? client_name : "sonde.invalid"); break;
	case STARTTLS_IMAP: rc = imap(&d); break;
	case STARTTLS_POP3: rc = pop3(&d); break;
	case STARTTLS_FTP: rc = ftp(&d); break;
	case STARTTLS_POSTGRES: rc = postgres(&d); break;
	case STARTTLS_MYSQL: rc = mysql(&d); break;
	default: rc = -EINVAL; break;
	}
	if (rc < 0 && !why[0])
		snprintf(why, why_size, "STARTTLS: %s", strerror(-rc));
	return rc;
}
