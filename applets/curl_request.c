/* The parts of curl's request that options build: the body from -d,
 * --data-binary and --data-raw (joined with '&'), basic credentials, and
 * -O's file name. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "curl_impl.h"
#include "sonde/err.h"
#include "sonde/strbuf.h"

/* The whole of fd (a file, or stdin for "@-"), up to the limit. */
static int read_all(int fd, struct strbuf *b)
{
	char chunk[8192];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (b->len + (size_t)n > CURL_MAX_DATA_FILE)
			return -EFBIG;
		strbuf_add(b, chunk, (size_t)n);
	}
	return b->failed ? -ENOMEM : 0;
}

/* -d @FILE drops carriage returns and newlines, as curl does. */
static void strip_newlines(struct strbuf *b, size_t from)
{
	size_t in, out = from;

	for (in = from; in < b->len; in++)
		if (b->data[in] != '\r' && b->data[in] != '\n')
			b->data[out++] = b->data[in];
	b->len = out;
}

static int add_part(struct strbuf *b, const struct curl_data *d)
{
	size_t start = b->len;
	int fd, rc;

	if (d->kind == CURL_DATA_RAW || d->arg[0] != '@') {
		strbuf_puts(b, d->arg);
		return 0;
	}
	fd = strcmp(d->arg, "@-") == 0 ? STDIN_FILENO : open(d->arg + 1, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		/* curl warns and sends nothing for an unreadable file. */
		fprintf(stderr, "Warning: Couldn't read data from file \"%s\", this makes an empty POST.\n", d->arg + 1);
		return 0;
	}
	rc = read_all(fd, b);
	if (fd != STDIN_FILENO)
		close(fd);
	if (rc < 0) {
		sonde_errno(-rc, "cannot read %s", d->arg + 1);
		return HTTP_EXIT_USAGE;
	}
	if (d->kind == CURL_DATA_ASCII)
		strip_newlines(b, start);
	return 0;
}

int curl_request_body(const struct curl_config *cfg, char **body, size_t *len)
{
	struct strbuf b = { 0 };
	size_t i;
	int rc;

	*body = NULL;
	*len = 0;
	if (!cfg->data_count)
		return 0;
	for (i = 0; i < cfg->data_count; i++) {
		if (i > 0)
			strbuf_add(&b, "&", 1);
		if ((rc = add_part(&b, &cfg->data[i])) != 0) {
			free(b.data);
			return rc;
		}
	}
	strbuf_add(&b, "", 0);
	if (b.failed) {
		free(b.data);
		sonde_errno(ENOMEM, "the request body");
		return HTTP_EXIT_USAGE;
	}
	if (!b.data) {
		/* An empty body is still a body (a POST with Content-Length: 0). */
		b.data = strdup("");
		if (!b.data)
			return HTTP_EXIT_USAGE;
	}
	*body = b.data;
	*len = b.len;
	return 0;
}

void curl_basic_auth(const char *user, char *buf, size_t size)
{
	unsigned char encoded[400];
	size_t len = strlen(user);

	if (len > 290)
		len = 290; /* base64 of 290 bytes fits the buffer */
	EVP_EncodeBlock(encoded, (const unsigned char *)user, (int)len);
	snprintf(buf, size, "Basic %s", encoded);
}

const char *curl_remote_name(const struct http_url *url, char *buf, size_t size)
{
	size_t path_len = strcspn(url->target, "?");
	const char *slash = memrchr(url->target, '/', path_len);
	const char *name = slash ? slash + 1 : url->target;
	size_t name_len = path_len - (size_t)(name - url->target);

	if (name_len == 0 || name_len >= size)
		return NULL;
	snprintf(buf, size, "%.*s", (int)name_len, name);
	return buf;
}
