/* Dispatch by extension name: finds a match or target blob's decoder in
 * the tables of nfdecode_match.c, nfdecode_target.c and nfdecode_nft.c,
 * checks the blob's length and names what it cannot decode. */
#include <errno.h>
#include <string.h>

#include "nfdecode_impl.h"

static const struct nfdecode_entry *nfdecode_find(const struct nfdecode_entry *table, size_t count,
						  const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	size_t i;

	for (i = 0; i < count; i++) {
		const struct nfdecode_entry *e = &table[i];

		if (e->name[0] != ext->name[0] || strcmp(e->name, ext->name) != 0 || ext->revision < e->rev_min ||
		    ext->revision > e->rev_max)
			continue;
		if (e->family && e->family != o->family)
			continue;
		return e;
	}
	return NULL;
}

/* A blob sonde cannot decode is named, never dropped. */
static void unknown_ext(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o,
			const char *why)
{
	if (nfdecode_save(o))
		strbuf_printf(out, " /* sonde: %s %s revision %u, %zu bytes */", why, ext->name, ext->revision, ext->len);
	else
		strbuf_printf(out, "/* sonde: %s %s revision %u, %zu bytes */ ", why, ext->name, ext->revision, ext->len);
}

const char *nfdecode_match_alias(const struct nfdecode_ext *m)
{
	/* iptables' -m state is conntrack with the alias flag (1 << 13). */
	uint16_t match_flags;

	if (strcmp(m->name, "conntrack") == 0 && nfdecode_conntrack_flags(m, &match_flags) == 0 &&
	    (match_flags & (1u << 13)))
		return "state";
	return m->name;
}

static int nfdecode_run(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o,
			bool is_target)
{
	size_t count;
	const struct nfdecode_entry *table = is_target ? nfdecode_targets(&count) : nfdecode_matches(&count);
	const struct nfdecode_entry *e = nfdecode_find(table, count, ext, o);
	size_t mark;
	int rc;

	if (nfdecode_save(o)) {
		strbuf_puts(out, is_target ? " -j " : " -m ");
		strbuf_puts(out, is_target ? nfdecode_target_alias(ext) : nfdecode_match_alias(ext));
	}
	mark = out->len;
	if (!e) {
		unknown_ext(out, ext, o, "no decoder for");
		return -ENOENT;
	}
	if (ext->len < e->min_len) {
		unknown_ext(out, ext, o, "short blob for");
		return -EINVAL;
	}
	rc = e->decode(out, ext, o);
	if (rc < 0) {
		out->len = mark;
		if (out->data)
			out->data[mark] = '\0';
		/* -ENOTSUP: a valid blob iptables itself has no defined text for. */
		unknown_ext(out, ext, o, rc == -ENOTSUP ? "no exact rendering of" : "malformed");
	}
	return rc;
}

int nfdecode_match(struct strbuf *out, const struct nfdecode_ext *m, const struct nfdecode_opts *o)
{
	return nfdecode_run(out, m, o, false);
}

int nfdecode_target(struct strbuf *out, const struct nfdecode_ext *t, const struct nfdecode_opts *o)
{
	return nfdecode_run(out, t, o, true);
}

/* A translation either appends its whole text or nothing. */
static int nfdecode_translate(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o,
			      bool is_target)
{
	size_t count;
	const struct nfdecode_entry *table = is_target ? nfdecode_nft_targets(&count) : nfdecode_nft_matches(&count);
	const struct nfdecode_entry *e = nfdecode_find(table, count, ext, o);
	size_t mark = out->len;

	if (!e || ext->len < e->min_len)
		return -ENOENT;
	if (e->decode(out, ext, o) < 0) {
		out->len = mark;
		if (out->data)
			out->data[mark] = '\0';
		return -ENOENT;
	}
	return 0;
}

int nfdecode_nft_match(struct strbuf *out, const struct nfdecode_ext *m, const struct nfdecode_opts *o)
{
	return nfdecode_translate(out, m, o, false);
}

int nfdecode_nft_target(struct strbuf *out, const struct nfdecode_ext *t, const struct nfdecode_opts *o)
{
	return nfdecode_translate(out, t, o, true);
}
