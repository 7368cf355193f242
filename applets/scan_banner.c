/* --banner: what open TCP ports say first.  SSH, SMTP, FTP and the like
 * greet the client; web servers wait for a request, so web ports that stay
 * quiet get an HTTP HEAD.  The first line is kept, with control bytes
 * escaped, so a hostile banner cannot write to the terminal. */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan_impl.h"
#include "sonde/sock.h"

#define BANNER_MAX 160
#define CONNECT_TIMEOUT_MS 2000
/* How long a service gets to speak first, and to answer the HEAD. */
#define GREETING_WAIT_MS 1500
/* A web server rarely speaks first: a short wait before the HEAD. */
#define WEB_GREETING_WAIT_MS 200

static const uint16_t web_ports[] = { 80, 81, 591, 3000, 5000, 8000, 8008, 8080, 8081, 8088, 8888, 9090 };

static bool is_web_port(uint16_t port)
{
	size_t i;

	for (i = 0; i < sizeof(web_ports) / sizeof(web_ports[0]); i++)
		if (web_ports[i] == port)
			return true;
	return false;
}

static ssize_t read_some(int fd, char *buf, size_t size, int wait_ms)
{
	ssize_t n;

	if (sock_wait(fd, POLLIN, wait_ms) <= 0)
		return 0;
	n = read(fd, buf, size);
	return n < 0 ? 0 : n;
}

/* The first line, printable: other bytes as \xNN. */
static char *clean_line(const char *raw, size_t len)
{
	char *text = malloc(len * 4 + 1);
	size_t i, used = 0;

	if (!text)
		return NULL;
	for (i = 0; i < len && raw[i] != '\n' && raw[i] != '\r'; i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			text[used++] = (char)c;
		else
			used += (size_t)sprintf(text + used, "\\x%02x", c);
	}
	text[used] = '\0';
	return text;
}

static char *grab(const struct sonde_addr *dst)
{
	static const char head[] = "HEAD / HTTP/1.0\r\n\r\n";
	char buf[BANNER_MAX];
	ssize_t n;
	int fd;
	bool web;

	if (sock_connect(dst, SOCK_STREAM, NULL, CONNECT_TIMEOUT_MS, &fd) < 0)
		return NULL;
	web = is_web_port(addr_port(dst));
	n = read_some(fd, buf, sizeof(buf), web ? WEB_GREETING_WAIT_MS : GREETING_WAIT_MS);
	if (n <= 0 && web && write(fd, head, sizeof(head) - 1) == (ssize_t)(sizeof(head) - 1))
		n = read_some(fd, buf, sizeof(buf), GREETING_WAIT_MS);
	close(fd);
	return n > 0 ? clean_line(buf, (size_t)n) : NULL;
}

void scan_read_banners(struct scan_run *run, struct scan_host *host)
{
	size_t i;

	host->banners = calloc(host->port_count ? host->port_count : 1, sizeof(*host->banners));
	if (!host->banners)
		return;
	for (i = 0; i < host->tcp_count && !scan_stopping(run); i++) {
		struct sonde_addr dst = host->addr;

		if (host->ports[i].state != SCAN_OPEN)
			continue;
		addr_set_port(&dst, host->ports[i].port);
		host->banners[i] = grab(&dst);
		/* A busy server may drop the first connection: one more try. */
		if (!host->banners[i])
			host->banners[i] = grab(&dst);
	}
}
