/* Address -> name from /etc/hosts and /etc/networks, each read once. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/hostsfile.h"

static const char *file_path(const char *env, const char *fallback)
{
	const char *path = getenv(env);

	return path && *path ? path : fallback;
}

/* The file's text, read once (a listing without -n asks for every rule's
 * addresses); NULL when it cannot be read. */
struct file_cache {
	bool read;
	char *text;
};

static const char *cached_text(struct file_cache *c, const char *path)
{
	FILE *fp;
	size_t size = 0;

	if (c->read)
		return c->text;
	c->read = true;
	if (!(fp = fopen(path, "re")))
		return NULL;
	if (getdelim(&c->text, &size, '\0', fp) < 0) {
		free(c->text);
		c->text = NULL;
	}
	fclose(fp);
	return c->text;
}

/* Calls match() on each line's address field (comments cut); copies the
 * name field of the first line it accepts. */
static int scan_file(struct file_cache *c, const char *path, bool name_first,
		     bool (*match)(const char *field, const void *arg), const void *arg, char *name, size_t size)
{
	const char *text = cached_text(c, path), *next;
	char line[1024];

	for (; text && *text; text = next) {
		char *hash, *save, *first, *second;
		size_t len;

		next = strchr(text, '\n');
		len = next ? (size_t)(next - text) : strlen(text);
		next = next ? next + 1 : text + len;
		if (len >= sizeof(line))
			continue;
		memcpy(line, text, len);
		line[len] = '\0';
		if ((hash = strchr(line, '#')))
			*hash = '\0';
		first = strtok_r(line, " \t\r", &save);
		second = first ? strtok_r(NULL, " \t\r", &save) : NULL;
		if (!second || !match(name_first ? second : first, arg))
			continue;
		snprintf(name, size, "%s", name_first ? first : second);
		return 0;
	}
	return -ENOENT;
}

struct host_key {
	int family;
	const uint8_t *addr;
};

static bool host_matches(const char *field, const void *arg)
{
	const struct host_key *k = arg;
	uint8_t parsed[16];

	return inet_pton(k->family, field, parsed) == 1 &&
	       memcmp(parsed, k->addr, k->family == AF_INET6 ? 16 : 4) == 0;
}

int hostsfile_name(int family, const uint8_t *addr, char *name, size_t size)
{
	struct host_key key = { family, addr };

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	static struct file_cache hosts;

	return scan_file(&hosts, file_path("SONDE_HOSTS", "/etc/hosts"), false, host_matches, &key, name, size);
}

static bool network_matches(const char *field, const void *arg)
{
	const uint8_t *addr = arg;
	uint32_t want = (uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 | (uint32_t)addr[2] << 8 | addr[3];
	in_addr_t net = inet_network(field);

	return net != (in_addr_t)-1 && (uint32_t)net == want;
}

int networks_name(const uint8_t addr[4], char *name, size_t size)
{
	static struct file_cache networks;

	return scan_file(&networks, file_path("SONDE_NETWORKS", "/etc/networks"), true, network_matches, addr, name,
			 size);
}
