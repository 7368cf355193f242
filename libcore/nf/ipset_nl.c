/* ipset's sets over a raw NETLINK_NETFILTER socket: an IPSET_CMD_LIST dump
 * (protocol 7, or 6 for an older kernel), each reply message decoded here
 * by ipset_parse_msg (a function of buffer and length, fuzzed).  The
 * attributes are those of the kernel's linux/netfilter/ipset/ip_set.h. */
#include <errno.h>
#include <linux/netfilter/ipset/ip_set.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>

#include "../netlink_impl.h"
#include "sonde/ipset.h"
#include "sonde/nlattr.h"
#include "sonde/nlreply.h"

#define IPSET_MAX_REPLAY_BYTES (64u << 20)
#define IPSET_ATTR_TB_MAX 31 /* above IPSET_ATTR_ADT_MAX and _CREATE_MAX */

/* --- decoding ------------------------------------------------------------- */

static void copy_ip(const struct nlattr_ref *nest, uint8_t ip[16], uint8_t *ip_len, bool *has)
{
	struct nlattr_ref tb[IPSET_ATTR_IPADDR_MAX + 1];

	if (nlattr_parse_nested(nest, tb, IPSET_ATTR_IPADDR_MAX) < 0)
		return;
	if (tb[IPSET_ATTR_IPADDR_IPV4].present && tb[IPSET_ATTR_IPADDR_IPV4].len >= 4) {
		memcpy(ip, tb[IPSET_ATTR_IPADDR_IPV4].data, 4);
		*ip_len = 4;
		*has = true;
	} else if (tb[IPSET_ATTR_IPADDR_IPV6].present && tb[IPSET_ATTR_IPADDR_IPV6].len >= 16) {
		memcpy(ip, tb[IPSET_ATTR_IPADDR_IPV6].data, 16);
		*ip_len = 16;
		*has = true;
	}
}

/* Bits of the attributes present in tb that are not in known. */
static uint32_t unknown_bits(const struct nlattr_ref *tb, unsigned max, const uint8_t *known, size_t known_count)
{
	uint32_t bits = 0;
	unsigned type;
	size_t i;

	for (type = 1; type <= max && type < 32; type++) {
		bool is_known = false;

		for (i = 0; i < known_count; i++)
			is_known |= known[i] == type;
		if (tb[type].present && !is_known)
			bits |= 1u << type;
	}
	return bits;
}

static const uint8_t member_known[] = {
	IPSET_ATTR_IP, IPSET_ATTR_CIDR, IPSET_ATTR_PORT, IPSET_ATTR_TIMEOUT, IPSET_ATTR_PROTO,
	IPSET_ATTR_CADT_FLAGS, IPSET_ATTR_NAME, IPSET_ATTR_IP2, IPSET_ATTR_CIDR2, IPSET_ATTR_BYTES,
	IPSET_ATTR_PACKETS, IPSET_ATTR_COMMENT, IPSET_ATTR_SKBMARK, IPSET_ATTR_SKBPRIO, IPSET_ATTR_SKBQUEUE,
	IPSET_ATTR_PAD,
};

static void member_extensions(const struct nlattr_ref *tb, struct ipset_member *m)
{
	uint64_t mark;
	uint16_t queue;

	m->has_timeout = nlattr_be32(&tb[IPSET_ATTR_TIMEOUT], &m->timeout_s);
	m->has_counters = nlattr_be64(&tb[IPSET_ATTR_PACKETS], &m->packets);
	m->has_counters &= nlattr_be64(&tb[IPSET_ATTR_BYTES], &m->bytes);
	if (nlattr_be64(&tb[IPSET_ATTR_SKBMARK], &mark)) {
		m->has_skbmark = true;
		m->skbmark = (uint32_t)(mark >> 32);
		m->skbmark_mask = (uint32_t)mark;
	}
	m->has_skbprio = nlattr_be32(&tb[IPSET_ATTR_SKBPRIO], &m->skbprio);
	if (nlattr_be16(&tb[IPSET_ATTR_SKBQUEUE], &queue)) {
		m->has_skbqueue = true;
		m->skbqueue = queue;
	}
	nlattr_be32(&tb[IPSET_ATTR_CADT_FLAGS], &m->cadt_flags);
	m->nomatch = m->cadt_flags & IPSET_FLAG_NOMATCH;
}

static int parse_member(const uint8_t *payload, size_t len, void *arg)
{
	struct ipset_set *set = arg;
	struct nlattr_ref tb[IPSET_ATTR_TB_MAX + 1];
	struct ipset_member *grown, *m;

	if (nlattr_parse(payload, len, tb, IPSET_ATTR_TB_MAX) < 0)
		return -EINVAL;
	grown = realloc(set->members, (set->member_count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	set->members = grown;
	m = &grown[set->member_count++];
	memset(m, 0, sizeof(*m));
	copy_ip(&tb[IPSET_ATTR_IP], m->ip, &m->ip_len, &m->has_ip);
	copy_ip(&tb[IPSET_ATTR_IP2], m->ip2, &m->ip2_len, &m->has_ip2);
	m->has_cidr = nlattr_u8(&tb[IPSET_ATTR_CIDR], &m->cidr);
	m->has_cidr2 = nlattr_u8(&tb[IPSET_ATTR_CIDR2], &m->cidr2);
	m->has_port = nlattr_be16(&tb[IPSET_ATTR_PORT], &m->port);
	m->has_proto = nlattr_u8(&tb[IPSET_ATTR_PROTO], &m->proto);
	nlattr_str(&tb[IPSET_ATTR_NAME], m->name, sizeof(m->name));
	member_extensions(tb, m);
	if (tb[IPSET_ATTR_COMMENT].present && !(m->comment = nlattr_strdup(&tb[IPSET_ATTR_COMMENT])))
		return -ENOMEM;
	m->unknown_attrs = unknown_bits(tb, IPSET_ATTR_TB_MAX, member_known, sizeof(member_known));
	return 0;
}

static const uint8_t header_known[] = {
	IPSET_ATTR_PORT, IPSET_ATTR_PORT_TO, IPSET_ATTR_TIMEOUT, IPSET_ATTR_CADT_FLAGS, IPSET_ATTR_INITVAL,
	IPSET_ATTR_HASHSIZE, IPSET_ATTR_MAXELEM, IPSET_ATTR_NETMASK, IPSET_ATTR_BUCKETSIZE, IPSET_ATTR_SIZE,
	IPSET_ATTR_ELEMENTS, IPSET_ATTR_REFERENCES, IPSET_ATTR_MEMSIZE,
};

static void parse_header(const struct nlattr_ref *data, struct ipset_set *s)
{
	struct nlattr_ref tb[IPSET_ATTR_TB_MAX + 1];

	if (nlattr_parse_nested(data, tb, IPSET_ATTR_TB_MAX) < 0)
		return;
	s->has_header = true;
	s->has_hashsize = nlattr_be32(&tb[IPSET_ATTR_HASHSIZE], &s->hashsize);
	s->has_maxelem = nlattr_be32(&tb[IPSET_ATTR_MAXELEM], &s->maxelem);
	s->has_netmask = nlattr_u8(&tb[IPSET_ATTR_NETMASK], &s->netmask);
	s->has_bucketsize = nlattr_u8(&tb[IPSET_ATTR_BUCKETSIZE], &s->bucketsize);
	s->has_initval = nlattr_be32(&tb[IPSET_ATTR_INITVAL], &s->initval);
	s->has_timeout = nlattr_be32(&tb[IPSET_ATTR_TIMEOUT], &s->timeout_s);
	s->has_size = nlattr_be32(&tb[IPSET_ATTR_SIZE], &s->size);
	s->has_port_range = nlattr_be16(&tb[IPSET_ATTR_PORT], &s->port_from);
	s->has_port_range &= nlattr_be16(&tb[IPSET_ATTR_PORT_TO], &s->port_to);
	s->has_references = nlattr_be32(&tb[IPSET_ATTR_REFERENCES], &s->references);
	s->has_memsize = nlattr_be32(&tb[IPSET_ATTR_MEMSIZE], &s->memsize);
	s->has_elements = nlattr_be32(&tb[IPSET_ATTR_ELEMENTS], &s->elements);
	nlattr_be32(&tb[IPSET_ATTR_CADT_FLAGS], &s->cadt_flags);
	s->unknown_attrs = unknown_bits(tb, IPSET_ATTR_TB_MAX, header_known, sizeof(header_known));
}

/* The set a message speaks of: the last one when it continues its members
 * (no type name, same set name), else a new one. */
static struct ipset_set *message_set(struct ipset_list *list, const char *name, bool has_type)
{
	struct ipset_set *grown;

	if (!has_type && list->set_count > 0 && strcmp(list->sets[list->set_count - 1].name, name) == 0)
		return &list->sets[list->set_count - 1];
	grown = realloc(list->sets, (list->set_count + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	list->sets = grown;
	memset(&grown[list->set_count], 0, sizeof(*grown));
	snprintf(grown[list->set_count].name, IPSET_NAME_LEN, "%s", name);
	return &grown[list->set_count++];
}

int ipset_parse_msg(const void *msg, size_t len, struct ipset_list *list)
{
	const size_t header = NLMSG_HDRLEN + sizeof(struct nfgenmsg);
	struct nlattr_ref tb[IPSET_ATTR_CMD_MAX + 1];
	struct nlmsghdr h;
	char name[IPSET_NAME_LEN];
	struct ipset_set *set;
	unsigned cmd;

	if (len < header)
		return -EINVAL;
	memcpy(&h, msg, sizeof(h));
	if (h.nlmsg_len < header || h.nlmsg_len > len)
		return -EINVAL;
	cmd = h.nlmsg_type & 0xff;
	if ((h.nlmsg_type >> 8) != NFNL_SUBSYS_IPSET || (cmd != IPSET_CMD_LIST && cmd != IPSET_CMD_SAVE))
		return 0;
	if (nlattr_parse((const uint8_t *)msg + header, h.nlmsg_len - header, tb, IPSET_ATTR_CMD_MAX) < 0 ||
	    !nlattr_str(&tb[IPSET_ATTR_SETNAME], name, sizeof(name)))
		return -EINVAL;
	set = message_set(list, name, tb[IPSET_ATTR_TYPENAME].present);
	if (!set)
		return -ENOMEM;
	if (tb[IPSET_ATTR_TYPENAME].present) {
		nlattr_str(&tb[IPSET_ATTR_TYPENAME], set->type, sizeof(set->type));
		nlattr_u8(&tb[IPSET_ATTR_REVISION], &set->revision);
		nlattr_u8(&tb[IPSET_ATTR_FAMILY], &set->family);
	}
	if (tb[IPSET_ATTR_DATA].present)
		parse_header(&tb[IPSET_ATTR_DATA], set);
	return nlattr_each(&tb[IPSET_ATTR_ADT], parse_member, set);
}

static void set_free(struct ipset_set *set)
{
	size_t i;

	for (i = 0; i < set->member_count; i++)
		free(set->members[i].comment);
	free(set->members);
}

void ipset_free(struct ipset_list *list)
{
	size_t i;

	for (i = 0; i < list->set_count; i++)
		set_free(&list->sets[i]);
	free(list->sets);
	memset(list, 0, sizeof(*list));
}

/* --- the kernel ----------------------------------------------------------- */

struct ipset_request {
	struct nlmsghdr hdr;
	struct nfgenmsg nfg;
	uint8_t attrs[64];
};

static void put_attr(struct ipset_request *req, uint16_t type, const void *data, size_t len)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = type };
	uint8_t *at = (uint8_t *)req + NLMSG_ALIGN(req->hdr.nlmsg_len);

	memcpy(at, &a, sizeof(a));
	memcpy(at + NLA_HDRLEN, data, len);
	req->hdr.nlmsg_len = NLMSG_ALIGN(req->hdr.nlmsg_len) + NLA_ALIGN(a.nla_len);
}

static int collect_msg(const struct nlmsghdr *msg, void *arg)
{
	return ipset_parse_msg(msg, msg->nlmsg_len, arg);
}

static int dump_kernel(const char *name, uint8_t protocol, struct ipset_list *list)
{
	struct ipset_request req;
	struct nlraw_conn conn;
	int rc;

	memset(&req, 0, sizeof(req));
	req.hdr.nlmsg_len = NLMSG_LENGTH(sizeof(req.nfg));
	req.hdr.nlmsg_type = (NFNL_SUBSYS_IPSET << 8) | IPSET_CMD_LIST;
	req.hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nfg.nfgen_family = AF_INET;
	req.nfg.version = NFNETLINK_V0;
	put_attr(&req, IPSET_ATTR_PROTOCOL, &protocol, 1);
	if (name)
		put_attr(&req, IPSET_ATTR_SETNAME, name, strlen(name) + 1);
	rc = nlraw_conn_open_protocol(&conn, NETLINK_NETFILTER);
	if (rc < 0)
		return rc;
	rc = nlraw_conn_send(&conn, &req.hdr);
	if (rc == 0)
		rc = nlraw_conn_receive(&conn, true, collect_msg, list);
	nlraw_conn_close(&conn);
	return rc;
}

static int replay_msg(const void *msg, size_t len, void *arg)
{
	return ipset_parse_msg(msg, len, arg);
}

static int read_replay(const char *path, struct ipset_list *list)
{
	return nlreply_replay_file(path, IPSET_MAX_REPLAY_BYTES, replay_msg, list);
}

/* A replayed dump holds every set: keep the named one alone. */
static int keep_named(const char *name, struct ipset_list *list)
{
	size_t i, found = list->set_count;

	for (i = 0; i < list->set_count && found == list->set_count; i++)
		if (strcmp(list->sets[i].name, name) == 0)
			found = i;
	if (found == list->set_count)
		return -ENOENT;
	for (i = 0; i < list->set_count; i++)
		if (i != found)
			set_free(&list->sets[i]);
	list->sets[0] = list->sets[found];
	list->set_count = 1;
	return 0;
}

int ipset_read(const char *name, struct ipset_list *list)
{
	const char *replay = getenv("SONDE_IPSET_REPLAY");
	int rc;

	memset(list, 0, sizeof(*list));
	if (replay && *replay) {
		rc = read_replay(replay, list);
		if (rc == 0 && name)
			rc = keep_named(name, list);
	} else {
		rc = dump_kernel(name, IPSET_PROTOCOL, list);
		if (rc == -IPSET_ERR_PROTOCOL) {
			ipset_free(list);
			rc = dump_kernel(name, IPSET_PROTOCOL_MIN, list);
		}
	}
	if (rc < 0)
		ipset_free(list);
	return rc;
}
