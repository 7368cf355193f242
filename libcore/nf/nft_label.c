/* ct labels as nft 1.0.6 lists them: a test or a write of one label bit
 * (`ct label 127`, `ct label set 127`), named from /etc/connlabel.conf the
 * way nft reads that file (the first name given a bit wins; without the
 * file, the bit's number). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nf_tables.h>

#include "nft_impl.h"

#define CONNLABEL_CONF "/etc/connlabel.conf"
#define LABEL_BITS 128

struct label_name {
	unsigned long bit;
	char *name;
};

static struct label_name *label_names;
static size_t label_count;
static bool labels_read;

/* One "BIT NAME" line as nft reads it: the bit in hex after "0x", else
 * decimal, then a name up to the next blank ('#' included).  False for a
 * line nft calls corrupted, where it stops reading. */
static bool parse_label_line(const char *p, unsigned long *bit, char *name, size_t size)
{
	char *end;
	size_t n;

	/* sscanf's %x and %u: an unsigned int, a sign allowed. */
	if (strncmp(p, "0x", 2) == 0 && p[2] && strchr("0123456789abcdefABCDEF", p[2]))
		*bit = (unsigned)strtoul(p + 2, &end, 16);
	else
		*bit = (unsigned)strtoul(p, &end, 10);
	if (end == p)
		return false;
	end += strspn(end, " \t\n\v\f\r");
	n = strcspn(end, " \t\n\v\f\r");
	if (!n || n >= size)
		return false;
	memcpy(name, end, n);
	name[n] = '\0';
	return true;
}

static void add_label(unsigned long bit, const char *name)
{
	struct label_name *grown = realloc(label_names, (label_count + 1) * sizeof(*grown));
	char *copy = strdup(name);

	/* Names are a nicety: without memory, bits print as numbers. */
	if (!grown || !copy) {
		free(copy);
		if (grown)
			label_names = grown;
		return;
	}
	label_names = grown;
	label_names[label_count++] = (struct label_name){ .bit = bit, .name = copy };
}

static void read_labels(void)
{
	FILE *fp;
	char line[512], name[512];

	labels_read = true;
	if (!(fp = fopen(CONNLABEL_CONF, "re")))
		return;
	while (fgets(line, sizeof(line), fp)) {
		const char *p = line + strspn(line, " \t");
		unsigned long bit;

		if (*p == '#' || *p == '\n' || *p == '\0')
			continue;
		if (!parse_label_line(p, &bit, name, sizeof(name)))
			break;
		add_label(bit, name);
	}
	fclose(fp);
}

const char *nft_ct_label_name(int bit)
{
	size_t i;

	if (!labels_read)
		read_labels();
	for (i = 0; i < label_count; i++)
		if (label_names[i].bit == (unsigned long)bit)
			return label_names[i].name;
	return NULL;
}

int nft_ct_label_bit(const uint8_t *bytes, size_t len)
{
	int bit = -1;
	size_t i, b;

	/* A label set is a host-order bitmap: bit i is in byte i / 8. */
	for (i = 0; i < len && i < LABEL_BITS / 8; i++)
		for (b = 0; b < 8; b++) {
			if (!(bytes[i] >> b & 1))
				continue;
			if (bit >= 0)
				return -1;
			bit = (int)(i * 8 + b);
		}
	return len == LABEL_BITS / 8 ? bit : -1;
}

int nft_ct_label_test(const struct reg_src *s, const struct nft_expr *cmp)
{
	if (s->kind != SRC_CT || s->key != NFT_CT_LABELS || s->has_dir || !s->masked || s->shift_op ||
	    s->big_endian || !nft_rd_all_zero(s->xor_, sizeof(s->xor_)) || cmp->u.cmp.op != NFT_CMP_NEQ ||
	    cmp->data.len != LABEL_BITS / 8 || !nft_rd_all_zero(cmp->data.bytes, cmp->data.len))
		return -1;
	return nft_ct_label_bit(s->mask, LABEL_BITS / 8);
}

int nft_ct_label_write(const struct reg_src *value)
{
	if (value->kind != SRC_IMMEDIATE)
		return -1;
	return nft_ct_label_bit(value->value.bytes, value->value.len);
}
