/* CTNETLINK messages into struct ct_entry, and the names conntrack-tools
 * uses.  The parser reads the raw message itself (every attribute, nested
 * ones included) and checks every length against the buffer: it is a
 * function of (buffer, length) so that a fuzz target can feed it anything. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sonde/conntrack.h"

/* --- attribute walking --------------------------------------------------- */

/* The attributes of one level, indexed by type (the last one of a type
 * wins, as the kernel's parser). */
#define CT_ATTR_SLOTS 32

struct ct_attrs {
	const uint8_t *data[CT_ATTR_SLOTS];
	size_t len[CT_ATTR_SLOTS];
};

/* Splits [buf, buf+len) into attributes.  -EINVAL when an attribute header
 * claims more than the buffer holds. */
static int attrs_parse(const uint8_t *buf, size_t len, struct ct_attrs *attrs)
{
	memset(attrs, 0, sizeof(*attrs));
	while (len >= sizeof(struct nlattr)) {
		struct nlattr nla;
		size_t attr_len, step;
		unsigned type;

		memcpy(&nla, buf, sizeof(nla));
		attr_len = nla.nla_len;
		if (attr_len < sizeof(struct nlattr) || attr_len > len)
			return -EINVAL;
		type = nla.nla_type & NLA_TYPE_MASK;
		if (type < CT_ATTR_SLOTS) {
			attrs->data[type] = buf + NLA_HDRLEN;
			attrs->len[type] = attr_len - NLA_HDRLEN;
		}
		step = NLA_ALIGN(attr_len);
		if (step >= len)
			break;
		buf += step;
		len -= step;
	}
	return 0;
}

static bool attr_u8(const struct ct_attrs *a, unsigned type, uint8_t *value)
{
	if (!a->data[type] || a->len[type] < 1)
		return false;
	*value = a->data[type][0];
	return true;
}

static bool attr_be16(const struct ct_attrs *a, unsigned type, uint16_t *value)
{
	uint16_t raw;

	if (!a->data[type] || a->len[type] < sizeof(raw))
		return false;
	memcpy(&raw, a->data[type], sizeof(raw));
	*value = ntohs(raw);
	return true;
}

static bool attr_be32(const struct ct_attrs *a, unsigned type, uint32_t *value)
{
	uint32_t raw;

	if (!a->data[type] || a->len[type] < sizeof(raw))
		return false;
	memcpy(&raw, a->data[type], sizeof(raw));
	*value = ntohl(raw);
	return true;
}

static bool attr_be64(const struct ct_attrs *a, unsigned type, uint64_t *value)
{
	uint8_t raw[8];
	uint64_t v = 0;
	size_t i;

	if (!a->data[type] || a->len[type] < sizeof(raw))
		return false;
	memcpy(raw, a->data[type], sizeof(raw));
	for (i = 0; i < sizeof(raw); i++)
		v = (v << 8) | raw[i];
	*value = v;
	return true;
}

/* A NUL-terminated string attribute into buf (cut to fit). */
static bool attr_string(const struct ct_attrs *a, unsigned type, char *buf, size_t size)
{
	size_t n;

	if (!a->data[type])
		return false;
	n = strnlen((const char *)a->data[type], a->len[type]);
	if (n >= size)
		n = size - 1;
	memcpy(buf, a->data[type], n);
	buf[n] = '\0';
	return true;
}

static int attr_nested(const struct ct_attrs *a, unsigned type, struct ct_attrs *inner)
{
	if (!a->data[type])
		return -ENOENT;
	return attrs_parse(a->data[type], a->len[type], inner);
}

/* --- the entry --------------------------------------------------------- */

static int parse_tuple_ip(const struct ct_attrs *ip, int family, struct ct_tuple *tuple)
{
	unsigned src = family == AF_INET6 ? CTA_IP_V6_SRC : CTA_IP_V4_SRC;
	unsigned dst = family == AF_INET6 ? CTA_IP_V6_DST : CTA_IP_V4_DST;
	size_t addr_len = family == AF_INET6 ? 16 : 4;

	if (ip->data[src]) {
		if (ip->len[src] < addr_len)
			return -EINVAL;
		memcpy(tuple->src, ip->data[src], addr_len);
	}
	if (ip->data[dst]) {
		if (ip->len[dst] < addr_len)
			return -EINVAL;
		memcpy(tuple->dst, ip->data[dst], addr_len);
	}
	return 0;
}

static void parse_tuple_proto(const struct ct_attrs *proto, struct ct_tuple *tuple)
{
	bool v6;

	attr_u8(proto, CTA_PROTO_NUM, &tuple->proto);
	v6 = tuple->proto == IPPROTO_ICMPV6;
	if (attr_be16(proto, CTA_PROTO_SRC_PORT, &tuple->sport))
		tuple->has_ports = true;
	if (attr_be16(proto, CTA_PROTO_DST_PORT, &tuple->dport))
		tuple->has_ports = true;
	if (attr_u8(proto, v6 ? CTA_PROTO_ICMPV6_TYPE : CTA_PROTO_ICMP_TYPE, &tuple->icmp_type))
		tuple->has_icmp = true;
	if (attr_u8(proto, v6 ? CTA_PROTO_ICMPV6_CODE : CTA_PROTO_ICMP_CODE, &tuple->icmp_code))
		tuple->has_icmp = true;
	if (attr_be16(proto, v6 ? CTA_PROTO_ICMPV6_ID : CTA_PROTO_ICMP_ID, &tuple->icmp_id))
		tuple->has_icmp = true;
}

static int parse_tuple(const struct ct_attrs *top, unsigned type, int family, struct ct_tuple *tuple)
{
	struct ct_attrs t, inner;
	int rc = attr_nested(top, type, &t);

	if (rc < 0)
		return rc;
	if (attr_nested(&t, CTA_TUPLE_IP, &inner) == 0 && (rc = parse_tuple_ip(&inner, family, tuple)) < 0)
		return rc;
	if (t.data[CTA_TUPLE_PROTO]) {
		if ((rc = attr_nested(&t, CTA_TUPLE_PROTO, &inner)) < 0)
			return rc;
		parse_tuple_proto(&inner, tuple);
	}
	if (attr_be16(&t, CTA_TUPLE_ZONE, &tuple->zone))
		tuple->has_zone = true;
	return 0;
}

static int parse_protoinfo(const struct ct_attrs *top, struct ct_entry *e)
{
	struct ct_attrs info, inner;
	int rc = attr_nested(top, CTA_PROTOINFO, &info);

	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	if (info.data[CTA_PROTOINFO_TCP]) {
		if ((rc = attr_nested(&info, CTA_PROTOINFO_TCP, &inner)) < 0)
			return rc;
		e->has_tcp_state = attr_u8(&inner, CTA_PROTOINFO_TCP_STATE, &e->tcp_state);
	}
	if (info.data[CTA_PROTOINFO_SCTP]) {
		if ((rc = attr_nested(&info, CTA_PROTOINFO_SCTP, &inner)) < 0)
			return rc;
		e->has_sctp_state = attr_u8(&inner, CTA_PROTOINFO_SCTP_STATE, &e->sctp_state);
	}
	if (info.data[CTA_PROTOINFO_DCCP]) {
		if ((rc = attr_nested(&info, CTA_PROTOINFO_DCCP, &inner)) < 0)
			return rc;
		e->has_dccp_state = attr_u8(&inner, CTA_PROTOINFO_DCCP_STATE, &e->dccp_state);
	}
	return 0;
}

/* Counters come as 64-bit values, or (very old kernels) 32-bit ones. */
static int parse_counters(const struct ct_attrs *top, unsigned type, struct ct_counters *c)
{
	struct ct_attrs inner;
	uint32_t v32;
	int rc = attr_nested(top, type, &inner);

	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	if (!attr_be64(&inner, CTA_COUNTERS_PACKETS, &c->packets) &&
	    attr_be32(&inner, CTA_COUNTERS32_PACKETS, &v32))
		c->packets = v32;
	if (!attr_be64(&inner, CTA_COUNTERS_BYTES, &c->bytes) && attr_be32(&inner, CTA_COUNTERS32_BYTES, &v32))
		c->bytes = v32;
	c->present = (inner.data[CTA_COUNTERS_PACKETS] || inner.data[CTA_COUNTERS32_PACKETS]) &&
		     (inner.data[CTA_COUNTERS_BYTES] || inner.data[CTA_COUNTERS32_BYTES]);
	return 0;
}

/* Helper, security context, timestamps and labels: what libnl's conntrack
 * object does not carry. */
static int parse_extras(const struct ct_attrs *top, struct ct_entry *e)
{
	struct ct_attrs inner;
	int rc;

	if (top->data[CTA_HELP]) {
		if ((rc = attr_nested(top, CTA_HELP, &inner)) < 0)
			return rc;
		e->has_helper = attr_string(&inner, CTA_HELP_NAME, e->helper, sizeof(e->helper));
	}
	if (top->data[CTA_SECCTX]) {
		if ((rc = attr_nested(top, CTA_SECCTX, &inner)) < 0)
			return rc;
		e->has_secctx = attr_string(&inner, CTA_SECCTX_NAME, e->secctx, sizeof(e->secctx));
	}
	if (top->data[CTA_TIMESTAMP]) {
		if ((rc = attr_nested(top, CTA_TIMESTAMP, &inner)) < 0)
			return rc;
		e->has_ts_start = attr_be64(&inner, CTA_TIMESTAMP_START, &e->ts_start_ns);
		e->has_ts_stop = attr_be64(&inner, CTA_TIMESTAMP_STOP, &e->ts_stop_ns);
	}
	if (top->data[CTA_LABELS]) {
		e->has_labels = true;
		e->labels_len = top->len[CTA_LABELS] < CT_LABELS_LEN ? top->len[CTA_LABELS] : CT_LABELS_LEN;
		memcpy(e->labels, top->data[CTA_LABELS], e->labels_len);
	}
	return 0;
}

/* The nfgenmsg after the netlink header, and where the attributes start. */
static int msg_payload(const void *msg, size_t len, const struct nlmsghdr **hdr, struct nfgenmsg *gen,
		       const uint8_t **attrs, size_t *attrs_len)
{
	const size_t head = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg));
	const struct nlmsghdr *nlh = msg;
	size_t msg_len;

	if (len < head)
		return -EINVAL;
	msg_len = nlh->nlmsg_len;
	if (msg_len < head || msg_len > len)
		return -EINVAL;
	if ((nlh->nlmsg_type >> 8) != NFNL_SUBSYS_CTNETLINK)
		return -ENOMSG;
	memcpy(gen, (const uint8_t *)msg + NLMSG_HDRLEN, sizeof(*gen));
	*hdr = nlh;
	*attrs = (const uint8_t *)msg + head;
	*attrs_len = msg_len - head;
	return 0;
}

static int parse_scalars(const struct ct_attrs *top, struct ct_entry *e)
{
	e->has_status = attr_be32(top, CTA_STATUS, &e->status);
	e->has_timeout = attr_be32(top, CTA_TIMEOUT, &e->timeout_s);
	e->has_mark = attr_be32(top, CTA_MARK, &e->mark);
	e->has_secmark = attr_be32(top, CTA_SECMARK, &e->secmark);
	e->has_use = attr_be32(top, CTA_USE, &e->use);
	e->has_id = attr_be32(top, CTA_ID, &e->id);
	e->has_zone = attr_be16(top, CTA_ZONE, &e->zone);
	return 0;
}

int ct_parse_msg(const void *msg, size_t len, struct ct_entry *e)
{
	const struct nlmsghdr *nlh;
	struct nfgenmsg gen;
	struct ct_attrs top;
	const uint8_t *attrs;
	size_t attrs_len;
	unsigned type;
	int rc = msg_payload(msg, len, &nlh, &gen, &attrs, &attrs_len);

	if (rc < 0)
		return rc;
	type = nlh->nlmsg_type & 0xff;
	if (type != IPCTNL_MSG_CT_NEW && type != IPCTNL_MSG_CT_DELETE)
		return -ENOMSG;
	if (gen.nfgen_family != AF_INET && gen.nfgen_family != AF_INET6)
		return -ENOMSG;
	memset(e, 0, sizeof(*e));
	e->family = gen.nfgen_family;
	e->portid = nlh->nlmsg_pid;
	if (type == IPCTNL_MSG_CT_DELETE)
		e->event = CT_EVENT_DESTROY;
	else
		e->event = (nlh->nlmsg_flags & NLM_F_CREATE) ? CT_EVENT_NEW : CT_EVENT_UPDATE;
	if ((rc = attrs_parse(attrs, attrs_len, &top)) < 0)
		return rc;
	rc = parse_tuple(&top, CTA_TUPLE_ORIG, e->family, &e->orig);
	if (rc < 0 && rc != -ENOENT)
		return rc;
	e->has_orig = rc == 0;
	rc = parse_tuple(&top, CTA_TUPLE_REPLY, e->family, &e->reply);
	if (rc < 0 && rc != -ENOENT)
		return rc;
	e->has_reply = rc == 0;
	parse_scalars(&top, e);
	if ((rc = parse_protoinfo(&top, e)) < 0 || (rc = parse_counters(&top, CTA_COUNTERS_ORIG, &e->counters[0])) < 0 ||
	    (rc = parse_counters(&top, CTA_COUNTERS_REPLY, &e->counters[1])) < 0 || (rc = parse_extras(&top, e)) < 0)
		return rc;
	return 0;
}

/* The attributes of a CTNETLINK message of one type; its nfgenmsg too. */
static int parse_typed(const void *msg, size_t len, unsigned type, struct nfgenmsg *gen, struct ct_attrs *top)
{
	const struct nlmsghdr *nlh;
	const uint8_t *attrs;
	size_t attrs_len;
	int rc = msg_payload(msg, len, &nlh, gen, &attrs, &attrs_len);

	if (rc < 0)
		return rc;
	if ((nlh->nlmsg_type & 0xff) != type)
		return -ENOMSG;
	return attrs_parse(attrs, attrs_len, top);
}

int ct_parse_cpu_stats(const void *msg, size_t len, struct ct_cpu_stats *stats)
{
	struct nfgenmsg gen;
	struct ct_attrs top;
	unsigned i;
	int rc = parse_typed(msg, len, IPCTNL_MSG_CT_GET_STATS_CPU, &gen, &top);

	if (rc < 0)
		return rc;
	memset(stats, 0, sizeof(*stats));
	stats->cpu = ntohs(gen.res_id);
	for (i = 1; i < CT_STATS_COUNT; i++)
		if (attr_be32(&top, i, &stats->value[i]))
			stats->present |= 1u << i;
	return 0;
}

int ct_parse_global_stats(const void *msg, size_t len, struct ct_global_stats *stats)
{
	struct nfgenmsg gen;
	struct ct_attrs top;
	int rc = parse_typed(msg, len, IPCTNL_MSG_CT_GET_STATS, &gen, &top);

	if (rc < 0)
		return rc;
	memset(stats, 0, sizeof(*stats));
	stats->has_entries = attr_be32(&top, CTA_STATS_GLOBAL_ENTRIES, &stats->entries);
	stats->has_max_entries = attr_be32(&top, CTA_STATS_GLOBAL_MAX_ENTRIES, &stats->max_entries);
	return 0;
}

/* --- names ------------------------------------------------------------- */

const char *ct_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_UDPLITE: return "udplite";
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_ICMPV6: return "icmpv6";
	case IPPROTO_SCTP: return "sctp";
	case IPPROTO_GRE: return "gre";
	case IPPROTO_DCCP: return "dccp";
	default: return "unknown";
	}
}

int ct_proto_parse(const char *text, uint8_t *proto)
{
	static const uint8_t known[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_UDPLITE, IPPROTO_ICMP,
					 IPPROTO_ICMPV6, IPPROTO_SCTP, IPPROTO_GRE, IPPROTO_DCCP };
	unsigned long number;
	char *end;
	size_t i;

	for (i = 0; i < sizeof(known); i++)
		if (strcasecmp(text, ct_proto_name(known[i])) == 0) {
			*proto = known[i];
			return 0;
		}
	errno = 0;
	number = strtoul(text, &end, 10);
	if (!*text || *end || errno || number > 255)
		return -EINVAL;
	*proto = (uint8_t)number;
	return 0;
}

static const char *const tcp_state_names[] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
};
#define TCP_STATE_COUNT (sizeof(tcp_state_names) / sizeof(tcp_state_names[0]))

const char *ct_tcp_state_name(uint8_t state)
{
	return state < TCP_STATE_COUNT ? tcp_state_names[state] : tcp_state_names[0];
}

int ct_tcp_state_parse(const char *text, uint8_t *state)
{
	size_t i;

	for (i = 0; i < TCP_STATE_COUNT; i++)
		if (strcasecmp(text, tcp_state_names[i]) == 0) {
			*state = (uint8_t)i;
			return 0;
		}
	/* conntrack-tools still accepts LISTEN, the old name of SYN_SENT2. */
	if (strcasecmp(text, "LISTEN") == 0) {
		*state = 9;
		return 0;
	}
	return -EINVAL;
}

const char *ct_stats_name(unsigned index)
{
	static const char *const names[CT_STATS_COUNT] = {
		[CTA_STATS_SEARCHED] = "searched", [CTA_STATS_FOUND] = "found",
		[CTA_STATS_NEW] = "new", [CTA_STATS_INVALID] = "invalid",
		[CTA_STATS_IGNORE] = "ignore", [CTA_STATS_DELETE] = "delete",
		[CTA_STATS_DELETE_LIST] = "delete_list", [CTA_STATS_INSERT] = "insert",
		[CTA_STATS_INSERT_FAILED] = "insert_failed", [CTA_STATS_DROP] = "drop",
		[CTA_STATS_EARLY_DROP] = "early_drop", [CTA_STATS_ERROR] = "error",
		[CTA_STATS_SEARCH_RESTART] = "search_restart", [CTA_STATS_CLASH_RESOLVE] = "clash_resolve",
		[CTA_STATS_CHAIN_TOOLONG] = "chaintoolong",
		/* conntrack-tools 1.4.7 shows four newer counters by number. */
		[16] = "unknown1", [17] = "unknown2", [18] = "unknown3", [19] = "unknown4",
	};

	return index < CT_STATS_COUNT ? names[index] : NULL;
}

const char *ct_status_bit_name(unsigned bit)
{
	static const char *const names[] = {
		"EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED", "SRC_NAT", "DST_NAT",
		"SEQ_ADJUST", "SRC_NAT_DONE", "DST_NAT_DONE", "DYING", "FIXED_TIMEOUT",
		"TEMPLATE", "UNTRACKED", "HELPER", "OFFLOAD", "HW_OFFLOAD",
	};

	return bit < sizeof(names) / sizeof(names[0]) ? names[bit] : NULL;
}

static size_t family_addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

bool ct_is_snat(const struct ct_entry *e)
{
	return memcmp(e->reply.dst, e->orig.src, family_addr_len(e->family)) != 0;
}

bool ct_is_dnat(const struct ct_entry *e)
{
	return memcmp(e->reply.src, e->orig.dst, family_addr_len(e->family)) != 0;
}

/* libnetfilter_conntrack compares a tuple's layer-4 halves as raw 16-bit
 * words: the ports, or for ICMP the id (source half) and type and code
 * (destination half).  Read as big-endian values here. */
static uint16_t l4_src_word(const struct ct_tuple *t)
{
	return t->has_icmp ? t->icmp_id : t->has_ports ? t->sport : 0;
}

static uint16_t l4_dst_word(const struct ct_tuple *t)
{
	return t->has_icmp ? (uint16_t)(t->icmp_type << 8 | t->icmp_code) : t->has_ports ? t->dport : 0;
}

bool ct_is_spat(const struct ct_entry *e)
{
	return l4_dst_word(&e->reply) != l4_src_word(&e->orig);
}

bool ct_is_dpat(const struct ct_entry *e)
{
	return l4_src_word(&e->reply) != l4_dst_word(&e->orig);
}

const char *ct_addr_ntop(int family, const uint8_t *addr, char *buf, size_t size)
{
	if (!inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, addr, buf, (socklen_t)size))
		snprintf(buf, size, "?");
	return buf;
}

int ct_sysctl_read(const char *name, unsigned long *value)
{
	char path[128], text[64];
	FILE *fp;
	int rc = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/netfilter/%s", name);
	fp = fopen(path, "re");
	if (!fp)
		return -errno;
	if (!fgets(text, sizeof(text), fp))
		rc = -EIO;
	fclose(fp);
	if (rc == 0) {
		char *end;

		errno = 0;
		*value = strtoul(text, &end, 10);
		if (end == text || errno)
			rc = -EINVAL;
	}
	return rc;
}
