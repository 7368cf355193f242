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
	rd->sep = DNS_SEP_SPACE;
}

/* RFC 3597: "\# LENGTH HEX", the hex split like dig's (in parentheses
 * under +multiline). */
static void present_unknown(struct dns_rdata *rd, const struct dns_rr *rr, const uint8_t *wire)
{
	strbuf_add(&rd->text, "\\#", 2);
	rd_field_uint(rd, "length", rr->rdlength);
	if (!rr->rdlength)
		return;
	rd_multiline_text(rd, " ( ", DNS_SEP_NONE);
	rd_put_binary(rd, "data", wire + rr->rdata_offset, rr->rdlength, ENC_HEX, rd->style.split_width);
	rd_close(rd);
}

int dns_rdata_present_styled(const struct dns_msg *msg, const struct dns_rr *rr,
			     const struct dns_rdata_style *style, struct dns_rdata *out)
{
	struct rdata_reader r = { msg, rr->rdata_offset, rr->rdata_offset + rr->rdlength, false, NULL };
	bool known;

	out->style = *style;
	rdata_reset(out);
	out->malformed = false;
	known = rd_present_typed(out, &r, rr->type, rr->rclass);
	if (known && (r.bad || r.pos != r.end)) {
		out->malformed = true;
		rdata_reset(out);
	}
	if (!known || out->malformed)
		present_unknown(out, rr, msg->wire);
	if (!out->text.data)
		strbuf_add(&out->text, "", 0);
	return out->text.failed || out->store.failed ? -ENOMEM : 0;
}

int dns_rdata_present(const struct dns_msg *msg, const struct dns_rr *rr, unsigned split_width,
		      struct dns_rdata *out)
{
	struct dns_rdata_style style = { split_width, false, false };

	return dns_rdata_present_styled(msg, rr, &style, out);
}

int dns_rdata_check(const struct dns_msg *msg, const struct dns_rr *rr, const char **fault)
{
	struct rdata_reader r = { msg, rr->rdata_offset, rr->rdata_offset + rr->rdlength, false, NULL };
	struct dns_rdata scratch = { 0 };
	bool known = rd_present_typed(&scratch, &r, rr->type, rr->rclass);

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

/* The columns of dig's record lines: TTL, class, type, data (bind's
 * dns_master_stylecreate() arguments in dig's printmessage()). */
struct rr_columns {
	size_t ttl, rclass, type, rdata;
};

static void format_rr_line(struct strbuf *line, const char *owner, uint32_t ttl, uint16_t rclass, uint16_t type,
			   const char *rdata_text, bool question, const struct rr_columns *col)
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
		indent_to(line, &column, col->ttl);
		snprintf(ttl_text, sizeof(ttl_text), "%u", ttl);
		strbuf_add(line, ttl_text, strlen(ttl_text));
		column += strlen(ttl_text);
	}
	indent_to(line, &column, col->rclass);
	strbuf_add(line, class_name, strlen(class_name));
	column += strlen(class_name);
	indent_to(line, &column, col->type);
	strbuf_add(line, type_name, strlen(type_name));
	column += strlen(type_name);
	if (question)
		return;
	indent_to(line, &column, col->rdata);
	strbuf_add(line, rdata_text, strlen(rdata_text));
}

void dns_format_rr_line(struct strbuf *line, const char *owner, uint32_t ttl, uint16_t rclass,
			uint16_t type, const char *rdata_text, bool question)
{
	static const struct rr_columns columns = { 24, 32, 40, 48 };

	format_rr_line(line, owner, ttl, rclass, type, rdata_text, question, &columns);
}

void dns_format_rr_line_multiline(struct strbuf *line, const char *owner, uint32_t ttl, uint16_t rclass,
				  uint16_t type, const char *rdata_text, bool question)
{
	static const struct rr_columns columns = { 24, 24, 24, 32 };

	format_rr_line(line, owner, ttl, rclass, type, rdata_text, question, &columns);
}
