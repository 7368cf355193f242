/* EDNS client subnet (RFC 7871): the option as bind's dig builds it from
 * +subnet's text and prints it ("; CLIENT-SUBNET: 192.0.2.0/24/0"). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/dns.h"

/* The prefix length after '/', or -1 when there is none; -EDOM (not a
 * number) or -ERANGE (over 32 bits), as bind's isc_parse_uint32() says. */
static long prefix_after_slash(char *text)
{
	char *slash = strchr(text, '/'), *end;
	unsigned long long len;

	if (!slash)
		return -1;
	*slash = '\0';
	if (slash[1] < '0' || slash[1] > '9')
		return -EDOM;
	errno = 0;
	len = strtoull(slash + 1, &end, 10);
	if (*end)
		return -EDOM;
	if (errno || len > UINT32_MAX)
		return -ERANGE;
	return (long)len;
}

/* "10/8" and "10.1/16": bind appends ".0" up to three times. */
static int parse_short_ipv4(char *text, size_t size, struct in_addr *in4)
{
	int i;

	for (i = 0; i < 3 && strlen(text) + 2 < size; i++) {
		strcat(text, ".0");
		if (inet_pton(AF_INET, text, in4) == 1)
			return 0;
	}
	return -EINVAL;
}

int dns_ecs_parse(const char *text, uint8_t *data, size_t size)
{
	char buf[sizeof("xxxx:xxxx:xxxx:xxxx:xxxx:xxxx:255.255.255.255/128")];
	uint8_t addr[16] = { 0 };
	unsigned family, max_len;
	long prefix;
	size_t bytes;

	if (strlen(text) >= sizeof(buf) || size < DNS_ECS_MAX)
		return -EINVAL;
	if (strcmp(text, "0") == 0) {
		/* No address: bind sends family 1 with empty prefixes. */
		memset(data, 0, 4);
		data[1] = 1;
		return 4;
	}
	snprintf(buf, sizeof(buf), "%s", text);
	prefix = prefix_after_slash(buf);
	if (prefix == -EDOM || prefix == -ERANGE)
		return (int)prefix;
	if (inet_pton(AF_INET6, buf, addr) == 1) {
		family = 2;
		max_len = 128;
	} else if (inet_pton(AF_INET, buf, addr) == 1 ||
		   (prefix >= 0 && parse_short_ipv4(buf, sizeof(buf), (struct in_addr *)addr) == 0)) {
		family = 1;
		max_len = 32;
	} else
		return -EINVAL;
	if (prefix < 0 || prefix > (long)max_len)
		prefix = (long)max_len;
	bytes = ((size_t)prefix + 7) / 8;
	if (prefix % 8)
		addr[bytes - 1] &= (uint8_t)(0xff << (8 - prefix % 8));
	data[0] = 0;
	data[1] = (uint8_t)family;
	data[2] = (uint8_t)prefix;
	data[3] = 0;
	memcpy(data + 4, addr, bytes);
	return (int)(4 + bytes);
}

int dns_ecs_format(const uint8_t *data, size_t len, char *buf, size_t size)
{
	uint8_t addr[16] = { 0 };
	char text[INET6_ADDRSTRLEN];
	unsigned family, source, scope;
	size_t bytes;

	if (len < 4)
		return -EINVAL;
	family = (unsigned)(data[0] << 8 | data[1]);
	source = data[2];
	scope = data[3];
	bytes = (source + 7) / 8;
	if (len - 4 < bytes || bytes > sizeof(addr))
		return -EINVAL;
	memcpy(addr, data + 4, bytes);
	if (family == 0 && source == 0 && scope == 0)
		snprintf(text, sizeof(text), "0");
	else if (family == 1 && source <= 32 && scope <= 32)
		inet_ntop(AF_INET, addr, text, sizeof(text));
	else if (family == 2 && source <= 128 && scope <= 128)
		inet_ntop(AF_INET6, addr, text, sizeof(text));
	else
		return -EINVAL;
	snprintf(buf, size, "%s/%u/%u", text, source, scope);
	return 0;
}
