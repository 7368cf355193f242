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
#include "sonde/nlattr.h"

/* The attributes of one level are indexed by type in CT_ATTR_SLOTS
 * entries: every CTA_* this parser reads is below that. */
#define CT_ATTR_SLOTS 32
#define CT_ATTR_MAX (CT_ATTR_SLOTS - 1)

/* --- the entry --------------------------------------------------------- */

static int parse_tuple_ip(const struct nlattr_ref *ip, int family, struct ct_tuple *tuple)
{
	unsigned src = family == AF_INET6 ? CTA_IP_V6_SRC : CTA_IP_V4_SRC;
	unsigned dst = family == AF_INET6 ? CTA_IP_V6_DST : CTA_IP_V4_DST;
	size_t addr_len = family == AF_INET6 ? 16 : 4;

	if (ip[src].present) {
		if (ip[src].len < addr_len)
			return -EINVAL;
		memcpy(tuple->src, ip[src].data, addr_len);
	}
	if (ip[dst].present) {
		if (ip[dst].len < addr_len)
			return -EINVAL;
		memcpy(tuple->dst, ip[dst].data, addr_len);
	}
	return 0;
}

static void parse_tuple_proto(const struct nlattr_ref *proto, struct ct_tuple *tuple)
{
	bool v6;

	nlattr_u8(&proto[CTA_PROTO_NUM], &tuple->proto);
	v6 = tuple->proto == IPPROTO_ICMPV6;
	if (nlattr_be16(&proto[CTA_PROTO_SRC_PORT], &tuple->sport))
		tuple->has_ports = true;
	if (nlattr_be16(&proto[CTA_PROTO_DST_PORT], &tuple->dport))
		tuple->has_ports = true;
	if (nlattr_u8(&proto[v6 ? CTA_PROTO_ICMPV6_TYPE : CTA_PROTO_ICMP_TYPE], &tuple->icmp_type))
		tuple->has_icmp = true;
	if (nlattr_u8(&proto[v6 ? CTA_PROTO_ICMPV6_CODE : CTA_PROTO_ICMP_CODE], &tuple->icmp_code))
		tuple->has_icmp = true;
	if (nlattr_be16(&proto[v6 ? CTA_PROTO_ICMPV6_ID : CTA_PROTO_ICMP_ID], &tuple->icmp_id))
		tuple->has_icmp = true;
}

static int parse_tuple(const struct nlattr_ref *top, unsigned type, int family, struct ct_tuple *tuple)
{
	struct nlattr_ref t[CT_ATTR_SLOTS], inner[CT_ATTR_SLOTS];
	int rc = nlattr_parse_nested(&top[type], t, CT_ATTR_MAX);

	if (rc < 0)
		return rc;
	if (nlattr_parse_nested(&t[CTA_TUPLE_IP], inner, CT_ATTR_MAX) == 0 && (rc = parse_tuple_ip(inner, family, tuple)) < 0)
		return rc;
	if (t[CTA_TUPLE_PROTO].present) {
		if ((rc = nlattr_parse_nested(&t[CTA_TUPLE_PROTO], inner, CT_ATTR_MAX)) < 0)
			return rc;
		parse_tuple_proto(inner, tuple);
	}
	if (nlattr_be16(&t[CTA_TUPLE_ZONE], &tuple->zone))
		tuple->has_zone = true;
	return 0;
}

static int parse_protoinfo(const struct nlattr_ref *top, struct ct_entry *e)
{
	struct nlattr_ref info[CT_ATTR_SLOTS], inner[CT_ATTR_SLOTS];
	int rc = nlattr_parse_nested(&top[CTA_PROTOINFO], info, CT_ATTR_MAX);

	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	if (info[CTA_PROTOINFO_TCP].present) {
		if ((rc = nlattr_parse_nested(&info[CTA_PROTOINFO_TCP], inner, CT_ATTR_MAX)) < 0)
			return rc;
		e->has_tcp_state = nlattr_u8(&inner[CTA_PROTOINFO_TCP_STATE], &e->tcp_state);
	}
	if (info[CTA_PROTOINFO_SCTP].present) {
		if ((rc = nlattr_parse_nested(&info[CTA_PROTOINFO_SCTP], inner, CT_ATTR_MAX)) < 0)
			return rc;
		e->has_sctp_state = nlattr_u8(&inner[CTA_PROTOINFO_SCTP_STATE], &e->sctp_state);
	}
	if (info[CTA_PROTOINFO_DCCP].present) {
		if ((rc = nlattr_parse_nested(&info[CTA_PROTOINFO_DCCP], inner, CT_ATTR_MAX)) < 0)
			return rc;
		e->has_dccp_state = nlattr_u8(&inner[CTA_PROTOINFO_DCCP_STATE], &e->dccp_state);
	}
	return 0;
}

/* Counters come as 64-bit values, or (very old kernels) 32-bit ones. */
static int parse_counters(const struct nlattr_ref *top, unsigned type, struct ct_counters *c)
{
	struct nlattr_ref inner[CT_ATTR_SLOTS];
	uint32_t v32;
	int rc = nlattr_parse_nested(&top[type], inner, CT_ATTR_MAX);

	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	if (!nlattr_be64(&inner[CTA_COUNTERS_PACKETS], &c->packets) &&
	    nlattr_be32(&inner[CTA_COUNTERS32_PACKETS], &v32))
		c->packets = v32;
	if (!nlattr_be64(&inner[CTA_COUNTERS_BYTES], &c->bytes) && nlattr_be32(&inner[CTA_COUNTERS32_BYTES], &v32))
		c->bytes = v32;
	c->present = (inner[CTA_COUNTERS_PACKETS].present || inner[CTA_COUNTERS32_PACKETS].present) &&
		     (inner[CTA_COUNTERS_BYTES].present || inner[CTA_COUNTERS32_BYTES].present);
	return 0;
}

/* Helper, security context, timestamps and labels: what libnl's conntrack
 * object does not carry. */
static int parse_extras(const struct nlattr_ref *top, struct ct_entry *e)
{
	struct nlattr_ref inner[CT_ATTR_SLOTS];
	int rc;

	if (top[CTA_HELP].present) {
		if ((rc = nlattr_parse_nested(&top[CTA_HELP], inner, CT_ATTR_MAX)) < 0)
			return rc;
		e->has_helper = nlattr_str(&inner[CTA_HELP_NAME], e->helper, sizeof(e->helper));
	}
	if (top[CTA_SECCTX].present) {
		if ((rc = nlattr_parse_nested(&top[CTA_SECCTX], inner, CT_ATTR_MAX)) < 0)
			return rc;
		e->has_secctx = nlattr_str(&inner[CTA_SECCTX_NAME], e->secctx, sizeof(e->secctx));
	}
	if (top[CTA_TIMESTAMP].present) {
		if ((rc = nlattr_parse_nested(&top[CTA_TIMESTAMP], inner, CT_ATTR_MAX)) < 0)
			return rc;
		e->has_ts_start = nlattr_be64(&inner[CTA_TIMESTAMP_START], &e->ts_start_ns);
		e->has_ts_stop = nlattr_be64(&inner[CTA_TIMESTAMP_STOP], &e->ts_stop_ns);
	}
	if (top[CTA_LABELS].present) {
		e->has_labels = true;
		e->labels_len = top[CTA_LABELS].len < CT_LABELS_LEN ? top[CTA_LABELS].len : CT_LABELS_LEN;
		memcpy(e->labels, top[CTA_LABELS].data, e->labels_len);
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

static int parse_scalars(const struct nlattr_ref *top, struct ct_entry *e)
{
	e->has_status = nlattr_be32(&top[CTA_STATUS], &e->status);
	e->has_timeout = nlattr_be32(&top[CTA_TIMEOUT], &e->timeout_s);
	e->has_mark = nlattr_be32(&top[CTA_MARK], &e->mark);
	e->has_secmark = nlattr_be32(&top[CTA_SECMARK], &e->secmark);
	e->has_use = nlattr_be32(&top[CTA_USE], &e->use);
	e->has_id = nlattr_be32(&top[CTA_ID], &e->id);
	e->has_zone = nlattr_be16(&top[CTA_ZONE], &e->zone);
	return 0;
}

int ct_parse_msg(const void *msg, size_t len, struct ct_entry *e)
{
	const struct nlmsghdr *nlh;
	struct nfgenmsg gen;
	struct nlattr_ref top[CT_ATTR_SLOTS];
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
	if ((rc = nlattr_parse(attrs, attrs_len, top, CT_ATTR_MAX)) < 0)
		return rc;
	rc = parse_tuple(top, CTA_TUPLE_ORIG, e->family, &e->orig);
	if (rc < 0 && rc != -ENOENT)
		return rc;
	e->has_orig = rc == 0;
	rc = parse_tuple(top, CTA_TUPLE_REPLY, e->family, &e->reply);
	if (rc < 0 && rc != -ENOENT)
		return rc;
	e->has_reply = rc == 0;
	parse_scalars(top, e);
	if ((rc = parse_protoinfo(top, e)) < 0 || (rc = parse_counters(top, CTA_COUNTERS_ORIG, &e->counters[0])) < 0 ||
	    (rc = parse_counters(top, CTA_COUNTERS_REPLY, &e->counters[1])) < 0 || (rc = parse_extras(top, e)) < 0)
		return rc;
	return 0;
}

/* The attributes of a CTNETLINK message of one type; its nfgenmsg too. */
static int parse_typed(const void *msg, size_t len, unsigned type, struct nfgenmsg *gen, struct nlattr_ref *top)
{
	const struct nlmsghdr *nlh;
	const uint8_t *attrs;
	size_t attrs_len;
	int rc = msg_payload(msg, len, &nlh, gen, &attrs, &attrs_len);

	if (rc < 0)
		return rc;
	if ((nlh->nlmsg_type & 0xff) != type)
		return -ENOMSG;
	return nlattr_parse(attrs, attrs_len, top, CT_ATTR_MAX);
}

int ct_parse_cpu_stats(const void *msg, size_t len, struct ct_cpu_stats *stats)
{
	struct nfgenmsg gen;
	struct nlattr_ref top[CT_ATTR_SLOTS];
	unsigned i;
	int rc = parse_typed(msg, len, IPCTNL_MSG_CT_GET_STATS_CPU, &gen, top);

	if (rc < 0)
		return rc;
	memset(stats, 0, sizeof(*stats));
	stats->cpu = ntohs(gen.res_id);
	for (i = 1; i < CT_STATS_COUNT; i++)
		if (nlattr_be32(&top[i], &stats->value[i]))
			stats->present |= 1u << i;
	return 0;
}

int ct_parse_global_stats(const void *msg, size_t len, struct ct_global_stats *stats)
{
	struct nfgenmsg gen;
	struct nlattr_ref top[CT_ATTR_SLOTS];
	int rc = parse_typed(msg, len, IPCTNL_MSG_CT_GET_STATS, &gen, top);

	if (rc < 0)
		return rc;
	memset(stats, 0, sizeof(*stats));
	stats->has_entries = nlattr_be32(&top[CTA_STATS_GLOBAL_ENTRIES], &stats->entries);
	stats->has_max_entries = nlattr_be32(&top[CTA_STATS_GLOBAL_MAX_ENTRIES], &stats->max_entries);
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
