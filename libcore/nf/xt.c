/* The backend-neutral iptables model: building, finishing and freeing
 * tables, and ipset names for -m set. */
#include <errno.h>
#include <linux/netfilter/ipset/ip_set.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netinet/in.h>

#include "sonde/xt.h"

static void copy_name(char dst[XT_NAME_LEN], const char *src)
{
	snprintf(dst, XT_NAME_LEN, "%s", src);
}

/* Doubling arrays; first_cap small for rules, as most kube-proxy chains
 * hold one to three rules and 20,000 chains of spare room add up. */
static bool grow(void **items, size_t *cap, size_t count, size_t item_size, size_t first_cap)
{
	size_t new_cap;
	void *grown;

	if (count < *cap)
		return true;
	new_cap = *cap ? *cap * 2 : first_cap;
	grown = realloc(*items, new_cap * item_size);
	if (!grown)
		return false;
	memset((char *)grown + *cap * item_size, 0, (new_cap - *cap) * item_size);
	*items = grown;
	*cap = new_cap;
	return true;
}

struct xt_chain *xt_table_add_chain(struct xt_table *t, const char *name, bool builtin)
{
	struct xt_chain *c;

	if (!grow((void **)&t->chains, &t->chain_cap, t->chain_count, sizeof(*t->chains), 16))
		return NULL;
	c = &t->chains[t->chain_count++];
	memset(c, 0, sizeof(*c));
	copy_name(c->name, name);
	c->builtin = builtin;
	c->policy = builtin ? XT_VERDICT_ACCEPT : XT_VERDICT_NONE;
	return c;
}

struct xt_chain *xt_table_find_chain(struct xt_table *t, const char *name)
{
	size_t i, lo, hi;

	if (!t->sorted) {
		for (i = 0; i < t->chain_count; i++)
			if (strcmp(t->chains[i].name, name) == 0)
				return &t->chains[i];
		return NULL;
	}
	/* Finished tables: a few builtins, then user chains sorted by name. */
	for (lo = 0; lo < t->chain_count && t->chains[lo].builtin; lo++)
		if (strcmp(t->chains[lo].name, name) == 0)
			return &t->chains[lo];
	hi = t->chain_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(name, t->chains[mid].name);

		if (cmp == 0)
			return &t->chains[mid];
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

struct xt_rule *xt_chain_add_rule(struct xt_chain *c)
{
	struct xt_rule *r;

	if (!grow((void **)&c->rules, &c->rule_cap, c->rule_count, sizeof(*c->rules), 2))
		return NULL;
	r = &c->rules[c->rule_count++];
	memset(r, 0, sizeof(*r));
	return r;
}

int xt_blob_set(struct xt_blob *b, const char *name, uint8_t revision, const void *data, size_t len)
{
	copy_name(b->name, name);
	b->revision = revision;
	b->len = (uint32_t)len;
	b->data = malloc(len ? len : 1);
	if (!b->data)
		return -ENOMEM;
	if (len)
		memcpy(b->data, data, len);
	return 0;
}

void xt_blob_borrow(struct xt_blob *b, const char *name, uint8_t revision, const uint8_t *data, size_t len)
{
	copy_name(b->name, name);
	b->revision = revision;
	b->len = (uint32_t)len;
	b->data = (uint8_t *)data;
	b->borrowed = true;
}

struct xt_blob *xt_rule_add_match(struct xt_rule *r)
{
	struct xt_blob *grown = realloc(r->matches, (r->match_count + 1) * sizeof(*grown));

	if (!grown)
		return NULL;
	r->matches = grown;
	memset(&grown[r->match_count], 0, sizeof(*grown));
	return &grown[r->match_count++];
}

/* The builtin chains of each iptables table, by hook number. */
static const struct {
	const char *table;
	unsigned hooks;            /* 1 << NF_INET_* */
} table_hooks[] = {
	{ "filter", 0x0e }, { "nat", 0x1b }, { "mangle", 0x1f }, { "raw", 0x09 }, { "security", 0x0e },
};

static const char *const hook_chain_names[] = { "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING" };

int xt_table_complete_builtins(struct xt_table *t)
{
	size_t i;
	unsigned h;

	for (i = 0; i < sizeof(table_hooks) / sizeof(table_hooks[0]); i++) {
		if (strcmp(table_hooks[i].table, t->name) != 0)
			continue;
		for (h = 0; h < 5; h++) {
			struct xt_chain *c;

			if (!(table_hooks[i].hooks & (1u << h)) || xt_table_find_chain(t, hook_chain_names[h]))
				continue;
			if (!(c = xt_table_add_chain(t, hook_chain_names[h], true)))
				return -ENOMEM;
			c->hook = h;
		}
		return 0;
	}
	return -ENOENT;
}

static int user_chain_order(const void *a, const void *b)
{
	return strcmp(((const struct xt_chain *)a)->name, ((const struct xt_chain *)b)->name);
}

void xt_table_finish(struct xt_table *t)
{
	size_t first_user = 0, i, j;

	if (t->chain_count == 0)
		return;
	while (first_user < t->chain_count && t->chains[first_user].builtin)
		first_user++;
	qsort(t->chains + first_user, t->chain_count - first_user, sizeof(*t->chains), user_chain_order);
	t->sorted = true;
	for (i = 0; i < t->chain_count; i++) {
		for (j = 0; j < t->chains[i].rule_count; j++) {
			const struct xt_rule *r = &t->chains[i].rules[j];
			struct xt_chain *to;

			if (r->verdict != XT_VERDICT_JUMP && r->verdict != XT_VERDICT_GOTO)
				continue;
			to = xt_table_find_chain(t, r->jump);
			if (to)
				to->references++;
		}
	}
}

void xt_rule_release(struct xt_rule *r)
{
	size_t i;

	for (i = 0; i < r->match_count; i++)
		if (!r->matches[i].borrowed)
			free(r->matches[i].data);
	free(r->matches);
	if (!r->target.borrowed)
		free(r->target.data);
	free(r->untranslated);
	memset(r, 0, sizeof(*r));
}

static void rule_free(struct xt_rule *r)
{
	xt_rule_release(r);
}

void xt_table_free(struct xt_table *t)
{
	size_t i, j;

	for (i = 0; i < t->chain_count; i++) {
		for (j = 0; j < t->chains[i].rule_count; j++)
			rule_free(&t->chains[i].rules[j]);
		free(t->chains[i].rules);
	}
	free(t->chains);
	free(t->raw);
	memset(t, 0, sizeof(*t));
}

void xt_tables_free(struct xt_table *tables, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		xt_table_free(&tables[i]);
	free(tables);
}

/* --- ipset names ------------------------------------------------------ */

/* ipset's getsockopt protocol: ask the version first, then the name of a
 * set by its index.  Names are cached: a ruleset refers to few sets. */
#define IPSET_CACHE 64

static struct {
	uint16_t index;
	char name[IPSET_MAXNAMELEN];
} ipset_cache[IPSET_CACHE];
static size_t ipset_cached;

static int ipset_query(uint16_t index, char name[IPSET_MAXNAMELEN])
{
	struct ip_set_req_version version = { .op = IP_SET_OP_VERSION };
	socklen_t len = sizeof(version);
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	int rc = -EIO;

	if (fd < 0)
		return -errno;
	if (getsockopt(fd, SOL_IP, SO_IP_SET, &version, &len) == 0) {
		struct ip_set_req_get_set by_index = { .op = IP_SET_OP_GET_BYINDEX, .version = version.version };

		by_index.set.index = index;
		len = sizeof(by_index);
		if (getsockopt(fd, SOL_IP, SO_IP_SET, &by_index, &len) == 0 && by_index.set.name[0]) {
			memcpy(name, by_index.set.name, IPSET_MAXNAMELEN);
			name[IPSET_MAXNAMELEN - 1] = '\0';
			rc = 0;
		}
	}
	close(fd);
	return rc;
}

const char *xt_ipset_name(void *unused, uint16_t index)
{
	size_t i;

	(void)unused;
	for (i = 0; i < ipset_cached; i++)
		if (ipset_cache[i].index == index)
			return ipset_cache[i].name;
	if (ipset_cached == IPSET_CACHE)
		return NULL;
	if (ipset_query(index, ipset_cache[ipset_cached].name) < 0)
		return NULL;
	ipset_cache[ipset_cached].index = index;
	return ipset_cache[ipset_cached++].name;
}
