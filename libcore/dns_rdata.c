/* Record data in dig's presentation format, decoded field by field so the
 * same values serve the text line and typed JSON: the typed presenters
 * (dns_rdata_types.c) or RFC 3597's \# form, and the record line around
 * them.  Both build on dns_rdata_common.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_rdata_impl.h"

static void rdata_reset(struct dns_rdata *rd)
{
	rd->text.len = rd->store.len = 0;
	if (rd->text.data)
		rd->text.data[0] = '\0';
	rd->field_count = 0;
}

/* RFC 3597: "\# LENGTH HEX", the hex split like dig's. */
static void present_unknown(struct dns_rdata *rd, const struct dns_rr *rr, const uint8_t *wire,
			    unsigned split_width)
{
	strbuf_add(&rd->text, "\\#", 2);
	rd_field_uint(rd, "length", rr->rdlength);
	if (rr->rdlength)
		rd_put_binary(rd, "data", wire + rr->rdata_offset, rr->rdlength, ENC_HEX, split_width);
}

int dns_rdata_present(const struct dns_msg *msg, const struct dns_rr *rr, unsigned split_width,
		      struct dns_rdata *out)
{
	struct rdata_reader r = { msg, rr->rdata_offset, rr->rdata_offset + rr->rdlength, false, NULL };
	bool known;

	rdata_reset(out);
	out->malformed = false;
	known = rd_present_typed(out, &r, rr->type, rr->rclass, split_width);
	if (known && (r.bad || r.pos != r.end)) {
		out->malformed = true;
		rdata_reset(out);
	}
	if (!known || out->malformed)
		present_unknown(out, rr, msg->wire, split_width);
	if (!out->text.data)
		strbuf_add(&out->text, "", 0);
	return out->text.failed || out->store.failed ? -ENOMEM : 0;
}

int dns_rdata_check(const struct dns_msg *msg, const struct dns_rr *rr, const char **fault)
{
	struct rdata_reader r = { msg, rr->rdata_offset, rr->rdata_offset + rr->rdlength, false, NULL };
	struct dns_rdata scratch = { 0 };
	bool known = rd_present_typed(&scratch, &r, rr->type, rr->rclass, 0);

	dns_rdata_free(&scratch);
	if (!known || (r.bad && !r.fault))
		return 0;
	/* dns_rdata_fromwire(): the decoder must use every byte. */
	if (!r.bad && r.pos != r.end)
		rd_fail(&r, DNS_FAULT_EXTRA);
	if (!r.bad)
		return 0;
	*fault = r.fault;
	return strcmp(r.fault, DNS_FAULT_END) == 0 ? -ENODATA : -EBADMSG;
}

void dns_rdata_free(struct dns_rdata *rd)
{
	strbuf_free(&rd->text);
	strbuf_free(&rd->store);
	free(rd->fields);
	memset(rd, 0, sizeof(*rd));
}

/* --- record lines ----------------------------------------------------------- */

/* bind's column rule: at least one step forward; tabs (stops every 8) up to
 * the column, then spaces.  Past the column that is one space, or a tab
 * when the text ends one short of a tab stop. */
static void indent_to(struct strbuf *line, size_t *column, size_t target)
{
	size_t to = target < *column + 1 ? *column + 1 : target;

	if (to / 8 > *column / 8) {
		size_t tabs = to / 8 - *column / 8;

		while (tabs--)
			strbuf_putc(line, '\t');
		*column = to / 8 * 8;
	}
	while (*column < to) {
		strbuf_putc(line, ' ');
		(*column)++;
	}
}

void dns_format_rr_line(struct strbuf *line, const char *owner, uint32_t ttl, uint16_t rclass,
			uint16_t type, const char *rdata_text, bool question)
{
	char class_buf[16], type_buf[16], ttl_text[16];
	const char *class_name = dns_class_name(rclass, class_buf, sizeof(class_buf));
	const char *type_name = dns_type_name(type, type_buf, sizeof(type_buf));
	size_t column;

	/* A question line starts with ';', which dig leaves out of the column count. */
	if (question)
		strbuf_putc(line, ';');
	strbuf_add(line, owner, strlen(owner));
	column = strlen(owner);
	if (!question) {
		indent_to(line, &column, 24);
		snprintf(ttl_text, sizeof(ttl_text), "%u", ttl);
		strbuf_add(line, ttl_text, strlen(ttl_text));
		column += strlen(ttl_text);
	}
	indent_to(line, &column, 32);
	strbuf_add(line, class_name, strlen(class_name));
	column += strlen(class_name);
	indent_to(line, &column, 40);
	strbuf_add(line, type_name, strlen(type_name));
	column += strlen(type_name);
	if (question)
		return;
	indent_to(line, &column, 48);
	strbuf_add(line, rdata_text, strlen(rdata_text));
}
