/* Decoders of the sctp and dccp matches: ports, SCTP chunk types with
 * their flags, DCCP packet types and option, in iptables 1.8.9's save and
 * list forms. */
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_dccp.h>
#include <linux/netfilter/xt_sctp.h>

#include "nfdecode_impl.h"
#include "sonde/services.h"

/* --- ports, shared ----------------------------------------------------- */

static void list_port(struct strbuf *out, uint16_t port, const char *proto, const struct nfdecode_opts *o)
{
	const char *name = o->numeric ? NULL : services_name(port, proto);

	if (name)
		strbuf_puts(out, name);
	else
		nfbuf_uint(out, port);
}

/* List form: nothing for the full range uninverted, else "spt:[!]P" or
 * "spts:[!]LOW:HIGH". */
static void list_ports(struct strbuf *out, const char *label, const uint16_t range[2], bool invert,
		       const char *proto, const struct nfdecode_opts *o)
{
	if (range[0] == 0 && range[1] == 0xffff && !invert)
		return;
	strbuf_printf(out, " %s%s:%s", label, range[0] == range[1] ? "" : "s", invert ? "!" : "");
	list_port(out, range[0], proto, o);
	if (range[0] != range[1]) {
		strbuf_puts(out, ":");
		list_port(out, range[1], proto, o);
	}
}

/* Save form: always written once the flag is set, even for 0:65535. */
static void save_ports(struct strbuf *out, const char *opt, const uint16_t range[2], bool invert)
{
	strbuf_printf(out, "%s %s ", invert ? " !" : "", opt);
	nfbuf_range(out, range[0], range[1]);
}

static void ports(struct strbuf *out, bool src, const uint16_t range[2], bool invert, const char *proto,
		  const struct nfdecode_opts *o)
{
	if (nfdecode_save(o))
		save_ports(out, src ? "--sport" : "--dport", range, invert);
	else
		list_ports(out, src ? "spt" : "dpt", range, invert, proto, o);
}

/* --- sctp -------------------------------------------------------------- */

struct sctp_chunk_name {
	uint8_t type;
	const char *name;
	const char *flag_letters;   /* bit 7 first; '-' where no flag */
};

/* In iptables' table order: its flag letters are found by position in
 * this table, not by chunk type (see chunk_flags). */
static const struct sctp_chunk_name sctp_chunks[] = {
	{ 0, "DATA", "----IUBE" },         { 1, "INIT", "--------" },          { 2, "INIT_ACK", "--------" },
	{ 3, "SACK", "--------" },         { 4, "HEARTBEAT", "--------" },     { 5, "HEARTBEAT_ACK", "--------" },
	{ 6, "ABORT", "-------T" },        { 7, "SHUTDOWN", "--------" },      { 8, "SHUTDOWN_ACK", "--------" },
	{ 9, "ERROR", "--------" },        { 10, "COOKIE_ECHO", "--------" },  { 11, "COOKIE_ACK", "--------" },
	{ 12, "ECN_ECNE", "--------" },    { 13, "ECN_CWR", "--------" },      { 14, "SHUTDOWN_COMPLETE", "-------T" },
	{ 64, "I_DATA", "----IUBE" },      { 130, "RE_CONFIG", "--------" },   { 132, "PAD", "--------" },
	{ 193, "ASCONF", "--------" },     { 128, "ASCONF_ACK", "--------" },  { 192, "FORWARD_TSN", "--------" },
	{ 194, "I_FORWARD_TSN", "--------" },
};

#define SCTP_CHUNK_NAMES (sizeof(sctp_chunks) / sizeof(sctp_chunks[0]))

static bool chunk_is_set(const struct xt_sctp_info *info, unsigned type)
{
	return info->chunkmap[type / 32] & (1u << (type % 32));
}

static bool chunkmap_all(const struct xt_sctp_info *info, uint32_t value)
{
	size_t i;

	for (i = 0; i < sizeof(info->chunkmap) / sizeof(info->chunkmap[0]); i++)
		if (info->chunkmap[i] != value)
			return false;
	return true;
}

/* ":LETTERS", upper case for a flag required set, lower case for one
 * required clear.  iptables takes the letters from its table's entry at
 * the chunk *type's* index, so a flag on a chunk type past the table's end
 * has no defined text: -ENOTSUP then. */
static int chunk_flags(struct strbuf *out, unsigned type, uint8_t flags, uint8_t mask)
{
	int bit;

	if (!mask)
		return 0;
	if (type >= SCTP_CHUNK_NAMES)
		return -ENOTSUP;
	strbuf_puts(out, ":");
	for (bit = 7; bit >= 0; bit--) {
		char letter = sctp_chunks[type].flag_letters[7 - bit];

		if (!(mask & (1u << bit)))
			continue;
		if (!(flags & (1u << bit)) && letter >= 'A' && letter <= 'Z')
			letter = (char)(letter - 'A' + 'a');
		strbuf_add(out, &letter, 1);
	}
	return 0;
}

static void chunk_name(struct strbuf *out, unsigned type, bool numeric)
{
	size_t i;

	if (numeric) {
		strbuf_printf(out, "0x%04X", type);
		return;
	}
	/* An unnamed type prints nothing, its comma stays: iptables' text. */
	for (i = 0; i < SCTP_CHUNK_NAMES; i++)
		if (sctp_chunks[i].type == type)
			strbuf_puts(out, sctp_chunks[i].name);
}

static int sctp_chunks_text(struct strbuf *out, const struct xt_sctp_info *info, bool numeric)
{
	static const char *const match_types[] = { NULL, " any", " all", NULL, " only" };
	const char *sep = " ";
	unsigned type;
	int i, rc;

	if (info->chunk_match_type > 4 || !match_types[info->chunk_match_type])
		return -EINVAL;
	strbuf_puts(out, match_types[info->chunk_match_type]);
	if (chunkmap_all(info, 0)) {
		strbuf_puts(out, " NONE");
		return 0;
	}
	if (chunkmap_all(info, 0xffffffffu)) {
		strbuf_puts(out, " ALL");
		return 0;
	}
	for (type = 0; type < 256; type++) {
		if (!chunk_is_set(info, type))
			continue;
		strbuf_puts(out, sep);
		sep = ",";
		chunk_name(out, type, numeric);
		for (i = 0; i < info->flag_count; i++) {
			if (info->flag_info[i].chunktype != type)
				continue;
			rc = chunk_flags(out, type, info->flag_info[i].flag, info->flag_info[i].flag_mask);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

int nfdecode_sctp(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_sctp_info info;
	bool save = nfdecode_save(o);

	nfdecode_load(&info, sizeof(info), ext);
	if (info.flag_count < 0 || info.flag_count > XT_NUM_SCTP_FLAGS)
		return -EINVAL;
	if (!save)
		strbuf_puts(out, " sctp");
	if (info.flags & XT_SCTP_SRC_PORTS)
		ports(out, true, info.spts, info.invflags & XT_SCTP_SRC_PORTS, "sctp", o);
	if (info.flags & XT_SCTP_DEST_PORTS)
		ports(out, false, info.dpts, info.invflags & XT_SCTP_DEST_PORTS, "sctp", o);
	if (!(info.flags & XT_SCTP_CHUNK_TYPES))
		return 0;
	if (info.invflags & XT_SCTP_CHUNK_TYPES)
		strbuf_puts(out, " !");
	if (save)
		strbuf_puts(out, " --chunk-types");
	/* The save form names the chunks even where -n asks for numbers. */
	return sctp_chunks_text(out, &info, !save && o->numeric);
}

/* --- dccp -------------------------------------------------------------- */

static const char *const dccp_types[] = {
	"REQUEST", "RESPONSE", "DATA", "ACK", "DATAACK", "CLOSEREQ", "CLOSE", "RESET", "SYNC", "SYNCACK", "INVALID",
};

enum { DCCP_TYPE_INVALID = 10 };

/* Lowest bit first; names stop after INVALID, which stands for types 10
 * to 15.  A type past INVALID without it has no name in iptables' table:
 * -ENOTSUP. */
static int dccp_type_list(struct strbuf *out, uint16_t types, bool numeric)
{
	const char *sep = "";
	unsigned i;

	strbuf_puts(out, " ");
	for (i = 0; i < 16; i++) {
		if (!(types & (1u << i)))
			continue;
		strbuf_puts(out, sep);
		sep = ",";
		if (numeric) {
			nfbuf_uint(out, i);
			continue;
		}
		if (i > DCCP_TYPE_INVALID)
			return -ENOTSUP;
		strbuf_puts(out, dccp_types[i]);
		if (i == DCCP_TYPE_INVALID)
			break;
	}
	return 0;
}

int nfdecode_dccp(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_dccp_info info;
	bool save = nfdecode_save(o);
	bool inv;
	int rc;

	nfdecode_load(&info, sizeof(info), ext);
	if (!save)
		strbuf_puts(out, " dccp");
	if (info.flags & XT_DCCP_SRC_PORTS)
		ports(out, true, info.spts, info.invflags & XT_DCCP_SRC_PORTS, "dccp", o);
	if (info.flags & XT_DCCP_DEST_PORTS)
		ports(out, false, info.dpts, info.invflags & XT_DCCP_DEST_PORTS, "dccp", o);
	if (info.flags & XT_DCCP_TYPE) {
		inv = info.invflags & XT_DCCP_TYPE;
		strbuf_puts(out, save ? (inv ? " ! --dccp-types" : " --dccp-types") : (inv ? " !" : ""));
		rc = dccp_type_list(out, info.typemask, !save && o->numeric);
		if (rc < 0)
			return rc;
	}
	if (info.flags & XT_DCCP_OPTION) {
		inv = info.invflags & XT_DCCP_OPTION;
		if (save)
			strbuf_printf(out, "%s --dccp-option %u", inv ? " !" : "", info.option);
		else if (info.option || inv)
			strbuf_printf(out, " option=%s%u", inv ? "!" : "", info.option);
	}
	return 0;
}
