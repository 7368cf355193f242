/* resolv.conf parsing.  The input may be anything (a fuzz target feeds it
 * random bytes): every copy is bounded, every number range-checked. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/addr.h"
#include "sonde/resolvconf.h"

void resolv_conf_init(struct resolv_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->ndots = 1;
	conf->timeout_s = 5;
	conf->attempts = 2;
}

__attribute__((format(printf, 2, 3))) static void warn(struct resolv_conf *conf, const char *fmt, ...)
{
	va_list ap;

	if (conf->warning_count >= RESOLV_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(conf->warnings[conf->warning_count++], sizeof(conf->warnings[0]), fmt, ap);
	va_end(ap);
}

/* Splits line in place into at most max words (space or tab separated). */
static size_t split_words(char *line, char **words, size_t max)
{
	size_t n = 0;
	char *p = line;

	while (*p && n < max) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p)
			break;
		words[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		if (*p)
			*p++ = '\0';
	}
	return n;
}

/* "ndots:5" -> 5, capped; returns -1 when the value is not a number. */
static int option_value(const char *value, int cap)
{
	char *end;
	long v;

	if (*value < '0' || *value > '9')
		return -1;
	v = strtol(value, &end, 10);
	if (*end)
		return -1;
	return v > cap ? cap : (int)v;
}

static void parse_options(struct resolv_conf *conf, char **words, size_t n, unsigned line_no)
{
	size_t i;

	for (i = 1; i < n; i++) {
		const char *opt = words[i];
		const char *colon = strchr(opt, ':');
		int *target = NULL, cap = 0;

		if (strncmp(opt, "ndots:", 6) == 0) {
			target = &conf->ndots;
			cap = 15;
		} else if (strncmp(opt, "timeout:", 8) == 0) {
			target = &conf->timeout_s;
			cap = 30;
		} else if (strncmp(opt, "attempts:", 9) == 0) {
			target = &conf->attempts;
			cap = 5;
		} else if (strcmp(opt, "rotate") == 0) {
			conf->rotate = true;
		} else if (strcmp(opt, "edns0") == 0) {
			conf->edns0 = true;
		} else if (strcmp(opt, "single-request") == 0 || strcmp(opt, "single-request-reopen") == 0) {
			conf->single_request = true;
		} else if (strcmp(opt, "use-vc") == 0) {
			conf->use_vc = true;
		} else if (strcmp(opt, "debug") && strcmp(opt, "inet6") && strcmp(opt, "no-tld-query") &&
			   strcmp(opt, "trust-ad") && strcmp(opt, "no-aaaa") && strcmp(opt, "no-reload") &&
			   strcmp(opt, "no-check-names")) {
			warn(conf, "line %u: unknown option '%.40s'", line_no, opt);
		}
		if (target) {
			int v = option_value(colon + 1, cap);

			if (v < 0) {
				warn(conf, "line %u: bad value in '%.40s'", line_no, opt);
			} else {
				*target = v;
				conf->timeout_set |= target == &conf->timeout_s;
				conf->attempts_set |= target == &conf->attempts;
			}
		}
	}
}

static void parse_line(struct resolv_conf *conf, char *line, unsigned line_no)
{
	char *words[RESOLV_MAX_SEARCH + 2];
	size_t n = split_words(line, words, sizeof(words) / sizeof(words[0])), i;

	if (n == 0)
		return;
	if (strcmp(words[0], "nameserver") == 0) {
		struct sonde_addr check;

		if (n < 2 || addr_parse_ip(words[1], 53, AF_UNSPEC, &check) < 0) {
			warn(conf, "line %u: nameserver is not an IP address", line_no);
		} else if (conf->nameserver_count >= RESOLV_MAX_NAMESERVERS) {
			warn(conf, "line %u: too many nameservers, ignored", line_no);
		} else {
			snprintf(conf->nameservers[conf->nameserver_count++], sizeof(conf->nameservers[0]), "%s",
				 words[1]);
		}
	} else if (strcmp(words[0], "search") == 0 || strcmp(words[0], "domain") == 0) {
		/* The last search or domain line wins, as in glibc. */
		conf->search_count = 0;
		for (i = 1; i < n && conf->search_count < RESOLV_MAX_SEARCH; i++) {
			if (strlen(words[i]) >= RESOLV_MAX_NAME) {
				warn(conf, "line %u: search domain too long, ignored", line_no);
				continue;
			}
			strcpy(conf->search[conf->search_count++], words[i]);
			if (words[0][0] == 'd')
				break;
		}
	} else if (strcmp(words[0], "options") == 0) {
		parse_options(conf, words, n, line_no);
	} else if (strcmp(words[0], "sortlist") != 0 && strcmp(words[0], "lookup") != 0 &&
		   strcmp(words[0], "family") != 0) {
		warn(conf, "line %u: unknown keyword '%.40s'", line_no, words[0]);
	}
}

void resolv_conf_parse(struct resolv_conf *conf, const char *text, size_t len)
{
	char line[1024];
	size_t pos = 0;
	unsigned line_no = 0;

	while (pos < len) {
		size_t start = pos, line_len;
		char *comment;

		while (pos < len && text[pos] != '\n')
			pos++;
		line_len = pos - start;
		pos++; /* past the newline */
		line_no++;
		if (line_len >= sizeof(line)) {
			warn(conf, "line %u: longer than %zu bytes, ignored", line_no, sizeof(line) - 1);
			continue;
		}
		memcpy(line, text + start, line_len);
		line[line_len] = '\0';
		if (strlen(line) != line_len) {
			warn(conf, "line %u: contains a NUL byte, ignored", line_no);
			continue;
		}
		comment = strpbrk(line, "#;");
		if (comment)
			*comment = '\0';
		parse_line(conf, line, line_no);
	}
}

int resolv_conf_load(struct resolv_conf *conf, const char *path)
{
	FILE *fp = fopen(path, "re");
	char *text = NULL;
	size_t size = 0;
	ssize_t len;

	resolv_conf_init(conf);
	if (!fp)
		return -errno;
	len = getdelim(&text, &size, '\0', fp);
	fclose(fp);
	if (len > 0)
		resolv_conf_parse(conf, text, (size_t)len);
	free(text);
	return 0;
}
