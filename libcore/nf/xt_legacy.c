/* Legacy x_tables: the entry table of one table through getsockopt, parsed
 * into xt.h's structs.
 *
 * The kernel's table is a flat run of entries.  A user chain starts with an
 * ERROR target naming it and ends with an unconditional RETURN (its tail);
 * a builtin chain starts at its hook_entry offset and ends with its policy
 * at its underflow offset; a final ERROR entry closes the table.  Jumps are
 * byte offsets to the first entry of a chain. */
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sonde/xt.h"

#define NUM_HOOKS 5
#define MAX_TABLE_BYTES (1u << 30)

static const char *const hook_names[NUM_HOOKS] = { "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING" };

/* The parts of ipt_entry and ip6t_entry that differ, in one view. */
struct entry_view {
	const uint8_t *base;     /* the entry */
	size_t target_offset, next_offset;
	uint64_t packets, bytes;
	const uint8_t *ip;       /* struct ipt_ip or ip6t_ip6 */
	size_t header_size;
};

static int entry_at(int family, const uint8_t *entries, size_t size, size_t off, struct entry_view *v)
{
	size_t header = family == NFPROTO_IPV6 ? sizeof(struct ip6t_entry) : sizeof(struct ipt_entry);
	struct xt_counters counters;
	uint16_t target_offset, next_offset;

	if (off > size || size - off < header)
		return -EINVAL;
	v->base = entries + off;
	if (family == NFPROTO_IPV6) {
		memcpy(&target_offset, v->base + offsetof(struct ip6t_entry, target_offset), 2);
		memcpy(&next_offset, v->base + offsetof(struct ip6t_entry, next_offset), 2);
		memcpy(&counters, v->base + offsetof(struct ip6t_entry, counters), sizeof(counters));
	} else {
		memcpy(&target_offset, v->base + offsetof(struct ipt_entry, target_offset), 2);
		memcpy(&next_offset, v->base + offsetof(struct ipt_entry, next_offset), 2);
		memcpy(&counters, v->base + offsetof(struct ipt_entry, counters), sizeof(counters));
	}
	if (target_offset < header || next_offset < target_offset + sizeof(struct xt_entry_target) ||
	    next_offset > size - off)
		return -EINVAL;
	v->target_offset = target_offset;
	v->next_offset = next_offset;
	v->packets = counters.pcnt;
	v->bytes = counters.bcnt;
	v->ip = v->base;
	v->header_size = header;
	return 0;
}

/* The target of an entry: its name, revision and data. */
struct target_view {
	char name[XT_EXTENSION_MAXNAMELEN + 1];
	uint8_t revision;
	const uint8_t *data;
	size_t len;
};

static int target_of(const struct entry_view *v, struct target_view *t)
{
	struct xt_entry_target head;
	size_t room = v->next_offset - v->target_offset;

	memcpy(&head, v->base + v->target_offset, sizeof(head));
	if (head.u.user.target_size < sizeof(head) || head.u.user.target_size > room)
		return -EINVAL;
	memcpy(t->name, head.u.user.name, XT_EXTENSION_MAXNAMELEN);
	t->name[XT_EXTENSION_MAXNAMELEN] = '\0';
	t->revision = head.u.user.revision;
	t->data = v->base + v->target_offset + sizeof(head);
	t->len = head.u.user.target_size - sizeof(head);
	return 0;
}

static bool is_error_target(const struct target_view *t)
{
	return strcmp(t->name, XT_ERROR_TARGET) == 0;
}

static int standard_verdict(const struct target_view *t, int *verdict)
{
	if (t->name[0] != '\0' || t->len < sizeof(int))
		return -EINVAL;
	memcpy(verdict, t->data, sizeof(int));
	return 0;
}

/* --- pass 1: where each chain starts ---------------------------------- */

struct chain_start {
	size_t offset;           /* first entry of the chain (jump target) */
	size_t chain_index;
};

struct parse_state {
	int family;
	const uint8_t *entries;
	size_t size;
	unsigned valid_hooks;
	const unsigned *hook_entry, *underflow;
	struct xt_table *table;
	struct chain_start *starts;
	size_t start_count;
	bool borrow;             /* blobs point into entries (which the table owns) */
};

static int add_start(struct parse_state *ps, size_t offset, size_t chain_index)
{
	struct chain_start *grown = realloc(ps->starts, (ps->start_count + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	ps->starts = grown;
	grown[ps->start_count].offset = offset;
	grown[ps->start_count].chain_index = chain_index;
	ps->start_count++;
	return 0;
}

static int start_order(const void *a, const void *b)
{
	size_t x = ((const struct chain_start *)a)->offset, y = ((const struct chain_start *)b)->offset;

	return x < y ? -1 : x > y;
}

/* The chain a jump lands in (starts are sorted by offset). */
static const char *chain_at(const struct parse_state *ps, size_t offset)
{
	size_t lo = 0, hi = ps->start_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ps->starts[mid].offset == offset)
			return ps->table->chains[ps->starts[mid].chain_index].name;
		if (ps->starts[mid].offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The hook whose entry (or underflow) is at offset, or -1. */
static int hook_with(const struct parse_state *ps, const unsigned *offsets, size_t offset)
{
	int h;

	for (h = 0; h < NUM_HOOKS; h++)
		if ((ps->valid_hooks & (1u << h)) && offsets[h] == offset)
			return h;
	return -1;
}

static int find_chains(struct parse_state *ps)
{
	size_t off = 0;
	int h;

	for (h = 0; h < NUM_HOOKS; h++) {
		if (!(ps->valid_hooks & (1u << h)))
			continue;
		struct xt_chain *c = xt_table_add_chain(ps->table, hook_names[h], true);

		if (!c)
			return -ENOMEM;
		c->hook = (unsigned)h;
		if (add_start(ps, ps->hook_entry[h], ps->table->chain_count - 1) < 0)
			return -ENOMEM;
	}
	while (off < ps->size) {
		struct entry_view v;
		struct target_view t;

		if (entry_at(ps->family, ps->entries, ps->size, off, &v) < 0 || target_of(&v, &t) < 0)
			return -EINVAL;
		if (is_error_target(&t) && off + v.next_offset < ps->size) {
			char name[XT_FUNCTION_MAXNAMELEN + 1] = "";

			memcpy(name, t.data, t.len < XT_FUNCTION_MAXNAMELEN ? t.len : XT_FUNCTION_MAXNAMELEN);
			if (!xt_table_add_chain(ps->table, name, false))
				return -ENOMEM;
			if (add_start(ps, off + v.next_offset, ps->table->chain_count - 1) < 0)
				return -ENOMEM;
		}
		off += v.next_offset;
	}
	if (ps->start_count)
		qsort(ps->starts, ps->start_count, sizeof(*ps->starts), start_order);
	return off == ps->size ? 0 : -EINVAL;
}

/* --- pass 2: rules ------------------------------------------------- */

static void ip_part(int family, const struct entry_view *v, struct xt_rule *r)
{
	if (family == NFPROTO_IPV6) {
		struct ip6t_ip6 ip;

		memcpy(&ip, v->ip, sizeof(ip));
		memcpy(r->src, &ip.src, 16);
		memcpy(r->dst, &ip.dst, 16);
		memcpy(r->src_mask, &ip.smsk, 16);
		memcpy(r->dst_mask, &ip.dmsk, 16);
		memcpy(r->in_iface, ip.iniface, XT_IFNAME_LEN);
		memcpy(r->out_iface, ip.outiface, XT_IFNAME_LEN);
		memcpy(r->in_iface_mask, ip.iniface_mask, XT_IFNAME_LEN);
		memcpy(r->out_iface_mask, ip.outiface_mask, XT_IFNAME_LEN);
		r->proto = (ip.flags & IP6T_F_PROTO) ? ip.proto : 0;
		r->invflags = ip.invflags;
	} else {
		struct ipt_ip ip;

		memcpy(&ip, v->ip, sizeof(ip));
		memcpy(r->src, &ip.src, 4);
		memcpy(r->dst, &ip.dst, 4);
		memcpy(r->src_mask, &ip.smsk, 4);
		memcpy(r->dst_mask, &ip.dmsk, 4);
		memcpy(r->in_iface, ip.iniface, XT_IFNAME_LEN);
		memcpy(r->out_iface, ip.outiface, XT_IFNAME_LEN);
		memcpy(r->in_iface_mask, ip.iniface_mask, XT_IFNAME_LEN);
		memcpy(r->out_iface_mask, ip.outiface_mask, XT_IFNAME_LEN);
		r->proto = ip.proto;
		r->fragment = ip.flags & IPT_F_FRAG;
		r->invflags = ip.invflags;
	}
	r->in_iface[XT_IFNAME_LEN] = r->out_iface[XT_IFNAME_LEN] = '\0';
	r->has_iface_masks = true;
}

static bool is_goto(int family, const struct entry_view *v)
{
	if (family == NFPROTO_IPV6) {
		struct ip6t_ip6 ip;

		memcpy(&ip, v->ip, sizeof(ip));
		return ip.flags & IP6T_F_GOTO;
	}
	struct ipt_ip ip;

	memcpy(&ip, v->ip, sizeof(ip));
	return ip.flags & IPT_F_GOTO;
}

static int rule_matches(const struct entry_view *v, struct xt_rule *r, bool borrow)
{
	size_t off = v->header_size;

	while (off < v->target_offset) {
		struct xt_entry_match head;
		char name[XT_EXTENSION_MAXNAMELEN + 1];
		struct xt_blob *m;

		if (v->target_offset - off < sizeof(head))
			return -EINVAL;
		memcpy(&head, v->base + off, sizeof(head));
		if (head.u.user.match_size < sizeof(head) || head.u.user.match_size > v->target_offset - off)
			return -EINVAL;
		memcpy(name, head.u.user.name, XT_EXTENSION_MAXNAMELEN);
		name[XT_EXTENSION_MAXNAMELEN] = '\0';
		if (!(m = xt_rule_add_match(r)))
			return -ENOMEM;
		if (borrow)
			xt_blob_borrow(m, name, head.u.user.revision, v->base + off + sizeof(head),
				       head.u.user.match_size - sizeof(head));
		else if (xt_blob_set(m, name, head.u.user.revision, v->base + off + sizeof(head),
				     head.u.user.match_size - sizeof(head)) < 0)
			return -ENOMEM;
		off += head.u.user.match_size;
	}
	return 0;
}

static enum xt_verdict verdict_of(int verdict)
{
	switch (verdict) {
	case -NF_ACCEPT - 1: return XT_VERDICT_ACCEPT;
	case -NF_DROP - 1: return XT_VERDICT_DROP;
	case -NF_QUEUE - 1: return XT_VERDICT_QUEUE;
	case XT_RETURN: return XT_VERDICT_RETURN;
	default: return XT_VERDICT_NONE;
	}
}

static int rule_target(const struct parse_state *ps, size_t off, const struct entry_view *v,
		       const struct target_view *t, struct xt_rule *r)
{
	int verdict;
	const char *chain;

	if (t->name[0] != '\0') {
		r->verdict = XT_VERDICT_TARGET;
		if (!ps->borrow)
			return xt_blob_set(&r->target, t->name, t->revision, t->data, t->len);
		xt_blob_borrow(&r->target, t->name, t->revision, t->data, t->len);
		return 0;
	}
	if (standard_verdict(t, &verdict) < 0)
		return -EINVAL;
	if (verdict < 0) {
		r->verdict = verdict_of(verdict);
		return 0;
	}
	if ((size_t)verdict == off + v->next_offset && !is_goto(ps->family, v)) {
		r->verdict = XT_VERDICT_NONE;   /* falls through: a counting rule */
		return 0;
	}
	chain = chain_at(ps, (size_t)verdict);
	if (!chain)
		return -EINVAL;
	r->verdict = is_goto(ps->family, v) ? XT_VERDICT_GOTO : XT_VERDICT_JUMP;
	snprintf(r->jump, sizeof(r->jump), "%s", chain);
	return 0;
}

static int set_policy(const struct parse_state *ps, struct xt_chain *c, const struct entry_view *v,
		      const struct target_view *t)
{
	int verdict;

	if (standard_verdict(t, &verdict) < 0 || verdict >= 0)
		return -EINVAL;
	c->policy = verdict_of(verdict);
	c->packets = v->packets;
	c->bytes = v->bytes;
	(void)ps;
	return 0;
}

static int read_rules(struct parse_state *ps)
{
	struct xt_chain *chain = NULL;
	size_t off = 0, next_user = 0;

	/* User chains were added in entry order, after the builtins. */
	while (next_user < ps->table->chain_count && ps->table->chains[next_user].builtin)
		next_user++;

	while (off < ps->size) {
		struct entry_view v;
		struct target_view t;
		int hook = hook_with(ps, ps->hook_entry, off);
		int rc;

		if (entry_at(ps->family, ps->entries, ps->size, off, &v) < 0 || target_of(&v, &t) < 0)
			return -EINVAL;
		if (hook >= 0)
			chain = xt_table_find_chain(ps->table, hook_names[hook]);
		if (is_error_target(&t)) {
			chain = off + v.next_offset < ps->size && next_user < ps->table->chain_count
					? &ps->table->chains[next_user++] : NULL;
		} else if (hook_with(ps, ps->underflow, off) >= 0 && chain && chain->builtin) {
			if (set_policy(ps, chain, &v, &t) < 0)
				return -EINVAL;
			chain = NULL;
		} else if (chain) {
			struct entry_view next;
			struct target_view next_t;
			int verdict;

			/* A user chain's last entry, before the next ERROR, is its tail. */
			if (!chain->builtin && standard_verdict(&t, &verdict) == 0 && verdict == XT_RETURN &&
			    entry_at(ps->family, ps->entries, ps->size, off + v.next_offset, &next) == 0 &&
			    target_of(&next, &next_t) == 0 && is_error_target(&next_t) && v.target_offset == v.header_size) {
				off += v.next_offset;
				continue;
			}
			struct xt_rule *r = xt_chain_add_rule(chain);

			if (!r)
				return -ENOMEM;
			ip_part(ps->family, &v, r);
			r->packets = v.packets;
			r->bytes = v.bytes;
			if ((rc = rule_matches(&v, r, ps->borrow)) < 0 || (rc = rule_target(ps, off, &v, &t, r)) < 0)
				return rc;
		}
		off += v.next_offset;
	}
	return 0;
}

static int legacy_parse(int family, const char *table, unsigned valid_hooks, const unsigned hook_entry[5],
			const unsigned underflow[5], const uint8_t *entries, size_t size, bool borrow,
			struct xt_table *out)
{
	struct parse_state ps = {
		.family = family, .entries = entries, .size = size, .valid_hooks = valid_hooks,
		.hook_entry = hook_entry, .underflow = underflow, .table = out, .borrow = borrow,
	};
	int rc;

	memset(out, 0, sizeof(*out));
	out->family = family;
	out->backend = XT_BACKEND_LEGACY;
	snprintf(out->name, sizeof(out->name), "%s", table);
	rc = find_chains(&ps);
	if (rc == 0)
		rc = read_rules(&ps);
	free(ps.starts);
	if (rc < 0) {
		xt_table_free(out);
		return rc;
	}
	xt_table_finish(out);
	return 0;
}

int xt_legacy_parse(int family, const char *table, unsigned valid_hooks, const unsigned hook_entry[5],
		    const unsigned underflow[5], const uint8_t *entries, size_t size, struct xt_table *out)
{
	return legacy_parse(family, table, valid_hooks, hook_entry, underflow, entries, size, false, out);
}

int xt_legacy_parse_owned(int family, const char *table, unsigned valid_hooks, const unsigned hook_entry[5],
			  const unsigned underflow[5], uint8_t *buffer, const uint8_t *entries, size_t size,
			  struct xt_table *out)
{
	int rc = legacy_parse(family, table, valid_hooks, hook_entry, underflow, entries, size, true, out);

	if (rc < 0)
		free(buffer);
	else
		out->raw = buffer;
	return rc;
}

/* --- the kernel ------------------------------------------------------- */

int xt_legacy_table_names(int family, char (**names)[XT_NAME_LEN], size_t *count)
{
	const char *path = family == NFPROTO_IPV6 ? "/proc/net/ip6_tables_names" : "/proc/net/ip_tables_names";
	FILE *fp = fopen(path, "re");
	char line[XT_NAME_LEN + 2];
	size_t n = 0;

	*names = NULL;
	*count = 0;
	if (!fp)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof(line), fp)) {
		char (*grown)[XT_NAME_LEN] = realloc(*names, (n + 1) * sizeof(**names));

		line[strcspn(line, "\n")] = '\0';
		if (!line[0])
			continue;
		if (!grown) {
			fclose(fp);
			free(*names);
			*names = NULL;
			return -ENOMEM;
		}
		*names = grown;
		snprintf(grown[n++], XT_NAME_LEN, "%.*s", XT_NAME_LEN - 1, line);
	}
	fclose(fp);
	*count = n;
	return 0;
}

/* IPT_SO_GET_INFO and IPT_SO_GET_ENTRIES share their numbers with the
 * IPv6 ones; the socket's level tells them apart. */
static int read_once(int fd, int family, const char *table, struct xt_table *out)
{
	int level = family == NFPROTO_IPV6 ? IPPROTO_IPV6 : IPPROTO_IP;
	struct ipt_getinfo info;
	struct ipt_get_entries *entries;
	socklen_t len = sizeof(info);
	uint8_t *table_bytes;

	memset(&info, 0, sizeof(info));
	snprintf(info.name, sizeof(info.name), "%s", table);
	if (getsockopt(fd, level, IPT_SO_GET_INFO, &info, &len) < 0)
		return -errno;
	if (info.size > MAX_TABLE_BYTES)
		return -EFBIG;
	len = (socklen_t)(sizeof(*entries) + info.size);
	entries = calloc(1, len);
	if (!entries)
		return -ENOMEM;
	snprintf(entries->name, sizeof(entries->name), "%s", table);
	entries->size = info.size;
	if (getsockopt(fd, level, IPT_SO_GET_ENTRIES, entries, &len) < 0) {
		int rc = -errno;

		free(entries);
		return rc;
	}
	table_bytes = (uint8_t *)entries;
	return xt_legacy_parse_owned(family, table, info.valid_hooks, info.hook_entry, info.underflow, table_bytes,
				     (const uint8_t *)entries->entrytable, info.size, out);
}

int xt_legacy_read(int family, const char *table, struct xt_table *out)
{
	int fd = socket(family == NFPROTO_IPV6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	int attempt, rc = -EAGAIN;

	if (fd < 0)
		return -errno;
	/* The kernel answers EAGAIN when the table changed between the two
	 * calls: ask again. */
	for (attempt = 0; attempt < 5 && rc == -EAGAIN; attempt++)
		rc = read_once(fd, family, table, out);
	close(fd);
	return rc;
}
