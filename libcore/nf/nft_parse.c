/* nf_tables message attributes into nft.h's structs.  Everything here reads
 * untrusted (buffer, length) pairs: lengths are checked before each read,
 * unknown attributes are skipped, strings are bounded. */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>

#include "nft_impl.h"

static int userdata_comment(const struct nlattr_ref *a, char **comment, uint8_t comment_type);

/* --- data: a value or a verdict ---------------------------------------- */

int nft_parse_data(const struct nlattr_ref *a, struct nft_data *d)
{
	struct nlattr_ref tb[NFTA_DATA_MAX + 1];

	if (!a->present)
		return 0;
	if (nlattr_parse(a->data, a->len, tb, NFTA_DATA_MAX) < 0)
		return -EINVAL;
	if (tb[NFTA_DATA_VALUE].present) {
		if (tb[NFTA_DATA_VALUE].len > NFT_DATA_LEN)
			return -EINVAL;
		memcpy(d->bytes, tb[NFTA_DATA_VALUE].data, tb[NFTA_DATA_VALUE].len);
		d->len = tb[NFTA_DATA_VALUE].len;
	}
	if (tb[NFTA_DATA_VERDICT].present) {
		struct nlattr_ref v[NFTA_VERDICT_MAX + 1];

		if (nlattr_parse(tb[NFTA_DATA_VERDICT].data, tb[NFTA_DATA_VERDICT].len, v, NFTA_VERDICT_MAX) < 0)
			return -EINVAL;
		d->is_verdict = true;
		d->verdict = (int32_t)nlattr_be32_or0(&v[NFTA_VERDICT_CODE]);
		if (v[NFTA_VERDICT_CHAIN].present && !(d->chain = nlattr_strdup(&v[NFTA_VERDICT_CHAIN])))
			return -ENOMEM;
	}
	return 0;
}

/* --- expressions ---------------------------------------------------------- */

static int expr_xt(struct nft_expr *e, const struct nlattr_ref *tb)
{
	/* NFTA_MATCH_* and NFTA_TARGET_* share their numbers. */
	nlattr_str(&tb[NFTA_MATCH_NAME], e->xt_name, sizeof(e->xt_name));
	e->u.xt.revision = nlattr_be32_or0(&tb[NFTA_MATCH_REV]);
	if (tb[NFTA_MATCH_INFO].present) {
		e->blob = malloc(tb[NFTA_MATCH_INFO].len ? tb[NFTA_MATCH_INFO].len : 1);
		if (!e->blob)
			return -ENOMEM;
		memcpy(e->blob, tb[NFTA_MATCH_INFO].data, tb[NFTA_MATCH_INFO].len);
		e->blob_len = tb[NFTA_MATCH_INFO].len;
	}
	return 0;
}

static int expr_log(struct nft_expr *e, const struct nlattr_ref *tb)
{
	e->u.log.has_group = tb[NFTA_LOG_GROUP].present;
	e->u.log.group = nlattr_be16_or0(&tb[NFTA_LOG_GROUP]);
	e->u.log.has_snaplen = tb[NFTA_LOG_SNAPLEN].present;
	e->u.log.snaplen = nlattr_be32_or0(&tb[NFTA_LOG_SNAPLEN]);
	e->u.log.qthreshold = nlattr_be16_or0(&tb[NFTA_LOG_QTHRESHOLD]);
	e->u.log.has_level = tb[NFTA_LOG_LEVEL].present;
	e->u.log.level = nlattr_be32_or0(&tb[NFTA_LOG_LEVEL]);
	e->u.log.flags = nlattr_be32_or0(&tb[NFTA_LOG_FLAGS]);
	if (tb[NFTA_LOG_PREFIX].present && !(e->text = nlattr_strdup(&tb[NFTA_LOG_PREFIX])))
		return -ENOMEM;
	return 0;
}

#define EXPR_ATTR_MAX 16

static int expr_body(struct nft_expr *e, const struct nlattr_ref *tb)
{
	switch (e->kind) {
	case NFT_EXPR_META:
		e->u.meta.key = nlattr_be32_or0(&tb[NFTA_META_KEY]);
		e->u.meta.dreg = nlattr_be32_or0(&tb[NFTA_META_DREG]);
		e->u.meta.is_set = tb[NFTA_META_SREG].present;
		e->u.meta.sreg = nlattr_be32_or0(&tb[NFTA_META_SREG]);
		return 0;
	case NFT_EXPR_CMP:
		e->u.cmp.sreg = nlattr_be32_or0(&tb[NFTA_CMP_SREG]);
		e->u.cmp.op = nlattr_be32_or0(&tb[NFTA_CMP_OP]);
		return nft_parse_data(&tb[NFTA_CMP_DATA], &e->data);
	case NFT_EXPR_PAYLOAD:
		e->u.payload.dreg = nlattr_be32_or0(&tb[NFTA_PAYLOAD_DREG]);
		e->u.payload.base = nlattr_be32_or0(&tb[NFTA_PAYLOAD_BASE]);
		e->u.payload.offset = nlattr_be32_or0(&tb[NFTA_PAYLOAD_OFFSET]);
		e->u.payload.len = nlattr_be32_or0(&tb[NFTA_PAYLOAD_LEN]);
		e->u.payload.sreg = nlattr_be32_or0(&tb[NFTA_PAYLOAD_SREG]);
		return 0;
	case NFT_EXPR_BITWISE:
		e->u.bitwise.sreg = nlattr_be32_or0(&tb[NFTA_BITWISE_SREG]);
		e->u.bitwise.dreg = nlattr_be32_or0(&tb[NFTA_BITWISE_DREG]);
		e->u.bitwise.len = nlattr_be32_or0(&tb[NFTA_BITWISE_LEN]);
		e->u.bitwise.op = nlattr_be32_or0(&tb[NFTA_BITWISE_OP]);
		if (tb[NFTA_BITWISE_DATA].present) {
			struct nft_data shift = { 0 };

			/* A shift's bits: a four-byte value in host order. */
			if (nft_parse_data(&tb[NFTA_BITWISE_DATA], &shift) < 0 || shift.len != 4)
				return -EINVAL;
			memcpy(&e->u.bitwise.shift, shift.bytes, 4);
		}
		if (nft_parse_data(&tb[NFTA_BITWISE_MASK], &e->data) < 0)
			return -EINVAL;
		return nft_parse_data(&tb[NFTA_BITWISE_XOR], &e->data2);
	case NFT_EXPR_RANGE:
		e->u.range.sreg = nlattr_be32_or0(&tb[NFTA_RANGE_SREG]);
		e->u.range.op = nlattr_be32_or0(&tb[NFTA_RANGE_OP]);
		if (nft_parse_data(&tb[NFTA_RANGE_FROM_DATA], &e->data) < 0)
			return -EINVAL;
		return nft_parse_data(&tb[NFTA_RANGE_TO_DATA], &e->data2);
	case NFT_EXPR_COUNTER:
		e->u.counter.bytes = nlattr_be64_or0(&tb[NFTA_COUNTER_BYTES]);
		e->u.counter.packets = nlattr_be64_or0(&tb[NFTA_COUNTER_PACKETS]);
		return 0;
	case NFT_EXPR_IMMEDIATE:
		e->u.immediate.dreg = nlattr_be32_or0(&tb[NFTA_IMMEDIATE_DREG]);
		return nft_parse_data(&tb[NFTA_IMMEDIATE_DATA], &e->data);
	case NFT_EXPR_MATCH:
	case NFT_EXPR_TARGET:
		return expr_xt(e, tb);
	case NFT_EXPR_LIMIT:
		e->u.limit.rate = nlattr_be64_or0(&tb[NFTA_LIMIT_RATE]);
		e->u.limit.unit = nlattr_be64_or0(&tb[NFTA_LIMIT_UNIT]);
		e->u.limit.burst = nlattr_be32_or0(&tb[NFTA_LIMIT_BURST]);
		e->u.limit.type = nlattr_be32_or0(&tb[NFTA_LIMIT_TYPE]);
		e->u.limit.flags = nlattr_be32_or0(&tb[NFTA_LIMIT_FLAGS]);
		return 0;
	case NFT_EXPR_LOG:
		return expr_log(e, tb);
	case NFT_EXPR_EXTHDR:
		e->u.exthdr.dreg = nlattr_be32_or0(&tb[NFTA_EXTHDR_DREG]);
		e->u.exthdr.sreg = nlattr_be32_or0(&tb[NFTA_EXTHDR_SREG]);
		e->u.exthdr.type = tb[NFTA_EXTHDR_TYPE].present && tb[NFTA_EXTHDR_TYPE].len ? tb[NFTA_EXTHDR_TYPE].data[0] : 0;
		e->u.exthdr.offset = nlattr_be32_or0(&tb[NFTA_EXTHDR_OFFSET]);
		e->u.exthdr.len = nlattr_be32_or0(&tb[NFTA_EXTHDR_LEN]);
		e->u.exthdr.flags = nlattr_be32_or0(&tb[NFTA_EXTHDR_FLAGS]);
		e->u.exthdr.op = nlattr_be32_or0(&tb[NFTA_EXTHDR_OP]);
		return 0;
	case NFT_EXPR_BYTEORDER:
		e->u.byteorder.sreg = nlattr_be32_or0(&tb[NFTA_BYTEORDER_SREG]);
		e->u.byteorder.dreg = nlattr_be32_or0(&tb[NFTA_BYTEORDER_DREG]);
		e->u.byteorder.op = nlattr_be32_or0(&tb[NFTA_BYTEORDER_OP]);
		e->u.byteorder.len = nlattr_be32_or0(&tb[NFTA_BYTEORDER_LEN]);
		e->u.byteorder.size = nlattr_be32_or0(&tb[NFTA_BYTEORDER_SIZE]);
		return 0;
	case NFT_EXPR_QUOTA:
		e->u.quota.bytes = nlattr_be64_or0(&tb[NFTA_QUOTA_BYTES]);
		e->u.quota.consumed = nlattr_be64_or0(&tb[NFTA_QUOTA_CONSUMED]);
		e->u.quota.flags = nlattr_be32_or0(&tb[NFTA_QUOTA_FLAGS]);
		return 0;
	case NFT_EXPR_NUMGEN:
		e->u.numgen.dreg = nlattr_be32_or0(&tb[NFTA_NG_DREG]);
		e->u.numgen.modulus = nlattr_be32_or0(&tb[NFTA_NG_MODULUS]);
		e->u.numgen.type = nlattr_be32_or0(&tb[NFTA_NG_TYPE]);
		e->u.numgen.offset = nlattr_be32_or0(&tb[NFTA_NG_OFFSET]);
		return 0;
	case NFT_EXPR_HASH:
		e->u.hash.sreg = nlattr_be32_or0(&tb[NFTA_HASH_SREG]);
		e->u.hash.dreg = nlattr_be32_or0(&tb[NFTA_HASH_DREG]);
		e->u.hash.len = nlattr_be32_or0(&tb[NFTA_HASH_LEN]);
		e->u.hash.modulus = nlattr_be32_or0(&tb[NFTA_HASH_MODULUS]);
		/* The kernel dumps no seed when it chose one itself (nft then shows none). */
		e->u.hash.has_seed = tb[NFTA_HASH_SEED].present;
		e->u.hash.seed = nlattr_be32_or0(&tb[NFTA_HASH_SEED]);
		e->u.hash.offset = nlattr_be32_or0(&tb[NFTA_HASH_OFFSET]);
		e->u.hash.type = nlattr_be32_or0(&tb[NFTA_HASH_TYPE]);
		return 0;
	case NFT_EXPR_OBJREF: {
		const struct nlattr_ref *name = &tb[NFTA_OBJREF_IMM_NAME];

		e->u.objref.type = nlattr_be32_or0(&tb[NFTA_OBJREF_IMM_TYPE]);
		e->u.objref.sreg = nlattr_be32_or0(&tb[NFTA_OBJREF_SET_SREG]);
		e->u.objref.from_map = tb[NFTA_OBJREF_SET_NAME].present;
		if (e->u.objref.from_map)
			name = &tb[NFTA_OBJREF_SET_NAME];
		if (name->present && !(e->text = nlattr_strdup(name)))
			return -ENOMEM;
		return 0;
	}
	case NFT_EXPR_CT:
		e->u.ct.dreg = nlattr_be32_or0(&tb[NFTA_CT_DREG]);
		e->u.ct.key = nlattr_be32_or0(&tb[NFTA_CT_KEY]);
		e->u.ct.is_set = tb[NFTA_CT_SREG].present;
		e->u.ct.sreg = nlattr_be32_or0(&tb[NFTA_CT_SREG]);
		e->u.ct.has_dir = tb[NFTA_CT_DIRECTION].present && tb[NFTA_CT_DIRECTION].len >= 1;
		e->u.ct.dir = e->u.ct.has_dir ? tb[NFTA_CT_DIRECTION].data[0] : 0;
		return 0;
	case NFT_EXPR_FIB:
		e->u.fib.dreg = nlattr_be32_or0(&tb[NFTA_FIB_DREG]);
		e->u.fib.result = nlattr_be32_or0(&tb[NFTA_FIB_RESULT]);
		e->u.fib.flags = nlattr_be32_or0(&tb[NFTA_FIB_FLAGS]);
		return 0;
	case NFT_EXPR_SOCKET:
		e->u.keyed.dreg = nlattr_be32_or0(&tb[NFTA_SOCKET_DREG]);
		e->u.keyed.key = nlattr_be32_or0(&tb[NFTA_SOCKET_KEY]);
		e->u.keyed.level = nlattr_be32_or0(&tb[NFTA_SOCKET_LEVEL]);
		return 0;
	case NFT_EXPR_RT:
		e->u.keyed.dreg = nlattr_be32_or0(&tb[NFTA_RT_DREG]);
		e->u.keyed.key = nlattr_be32_or0(&tb[NFTA_RT_KEY]);
		return 0;
	case NFT_EXPR_XFRM:
		e->u.keyed.dreg = nlattr_be32_or0(&tb[NFTA_XFRM_DREG]);
		e->u.keyed.key = nlattr_be32_or0(&tb[NFTA_XFRM_KEY]);
		e->u.keyed.spnum = nlattr_be32_or0(&tb[NFTA_XFRM_SPNUM]);
		e->u.keyed.dir = tb[NFTA_XFRM_DIR].present && tb[NFTA_XFRM_DIR].len ? tb[NFTA_XFRM_DIR].data[0] : 0;
		return 0;
	case NFT_EXPR_OSF:
		e->u.keyed.dreg = nlattr_be32_or0(&tb[NFTA_OSF_DREG]);
		e->u.keyed.key = nlattr_be32_or0(&tb[NFTA_OSF_FLAGS]);
		e->u.keyed.dir = tb[NFTA_OSF_TTL].present && tb[NFTA_OSF_TTL].len ? tb[NFTA_OSF_TTL].data[0] : 0;
		return 0;
	case NFT_EXPR_TPROXY:
		e->u.divert.family = nlattr_be32_or0(&tb[NFTA_TPROXY_FAMILY]);
		e->u.divert.sreg_addr = nlattr_be32_or0(&tb[NFTA_TPROXY_REG_ADDR]);
		e->u.divert.sreg_port = nlattr_be32_or0(&tb[NFTA_TPROXY_REG_PORT]);
		return 0;
	case NFT_EXPR_DUP:
		e->u.divert.sreg_addr = nlattr_be32_or0(&tb[NFTA_DUP_SREG_ADDR]);
		e->u.divert.sreg_dev = nlattr_be32_or0(&tb[NFTA_DUP_SREG_DEV]);
		return 0;
	case NFT_EXPR_FWD:
		e->u.divert.sreg_dev = nlattr_be32_or0(&tb[NFTA_FWD_SREG_DEV]);
		e->u.divert.sreg_addr = nlattr_be32_or0(&tb[NFTA_FWD_SREG_ADDR]);
		e->u.divert.family = nlattr_be32_or0(&tb[NFTA_FWD_NFPROTO]);
		return 0;
	case NFT_EXPR_SYNPROXY: {
		uint8_t wscale = 0;

		e->u.synproxy.mss = nlattr_be16_or0(&tb[NFTA_SYNPROXY_MSS]);
		e->u.synproxy.wscale = nlattr_u8(&tb[NFTA_SYNPROXY_WSCALE], &wscale) ? wscale : 0;
		e->u.synproxy.flags = nlattr_be32_or0(&tb[NFTA_SYNPROXY_FLAGS]);
		return 0;
	}
	case NFT_EXPR_CONNLIMIT:
		e->u.connlimit.count = nlattr_be32_or0(&tb[NFTA_CONNLIMIT_COUNT]);
		e->u.connlimit.flags = nlattr_be32_or0(&tb[NFTA_CONNLIMIT_FLAGS]);
		return 0;
	case NFT_EXPR_NAT:
		e->u.nat.type = nlattr_be32_or0(&tb[NFTA_NAT_TYPE]);
		e->u.nat.family = nlattr_be32_or0(&tb[NFTA_NAT_FAMILY]);
		e->u.nat.addr_min = nlattr_be32_or0(&tb[NFTA_NAT_REG_ADDR_MIN]);
		e->u.nat.addr_max = nlattr_be32_or0(&tb[NFTA_NAT_REG_ADDR_MAX]);
		e->u.nat.proto_min = nlattr_be32_or0(&tb[NFTA_NAT_REG_PROTO_MIN]);
		e->u.nat.proto_max = nlattr_be32_or0(&tb[NFTA_NAT_REG_PROTO_MAX]);
		e->u.nat.flags = nlattr_be32_or0(&tb[NFTA_NAT_FLAGS]);
		return 0;
	case NFT_EXPR_MASQ:
		e->u.masq.flags = nlattr_be32_or0(&tb[NFTA_MASQ_FLAGS]);
		e->u.masq.proto_min = nlattr_be32_or0(&tb[NFTA_MASQ_REG_PROTO_MIN]);
		e->u.masq.proto_max = nlattr_be32_or0(&tb[NFTA_MASQ_REG_PROTO_MAX]);
		return 0;
	case NFT_EXPR_REDIR:
		/* Not NFTA_MASQ_*'s numbers: the flags come last here. */
		e->u.masq.flags = nlattr_be32_or0(&tb[NFTA_REDIR_FLAGS]);
		e->u.masq.proto_min = nlattr_be32_or0(&tb[NFTA_REDIR_REG_PROTO_MIN]);
		e->u.masq.proto_max = nlattr_be32_or0(&tb[NFTA_REDIR_REG_PROTO_MAX]);
		return 0;
	case NFT_EXPR_REJECT:
		e->u.reject.type = nlattr_be32_or0(&tb[NFTA_REJECT_TYPE]);
		e->u.reject.code = tb[NFTA_REJECT_ICMP_CODE].present && tb[NFTA_REJECT_ICMP_CODE].len ?
				   tb[NFTA_REJECT_ICMP_CODE].data[0] : 0;
		return 0;
	case NFT_EXPR_DYNSET:
		e->u.dynset.op = nlattr_be32_or0(&tb[NFTA_DYNSET_OP]);
		e->u.dynset.sreg_key = nlattr_be32_or0(&tb[NFTA_DYNSET_SREG_KEY]);
		e->u.dynset.sreg_data = nlattr_be32_or0(&tb[NFTA_DYNSET_SREG_DATA]);
		e->u.dynset.flags = nlattr_be32_or0(&tb[NFTA_DYNSET_FLAGS]);
		e->u.dynset.timeout_ms = nlattr_be64_or0(&tb[NFTA_DYNSET_TIMEOUT]);
		if (tb[NFTA_DYNSET_SET_NAME].present && !(e->text = nlattr_strdup(&tb[NFTA_DYNSET_SET_NAME])))
			return -ENOMEM;
		if (tb[NFTA_DYNSET_EXPR].present) {
			if (!(e->u.dynset.stmt = malloc(sizeof(*e->u.dynset.stmt))))
				return -ENOMEM;
			/* A statement inside a statement: never a dynset again. */
			if (nft_parse_expr(tb[NFTA_DYNSET_EXPR].data, tb[NFTA_DYNSET_EXPR].len, e->u.dynset.stmt) < 0 ||
			    e->u.dynset.stmt->kind == NFT_EXPR_DYNSET)
				return -EINVAL;
		}
		return 0;
	case NFT_EXPR_LOOKUP:
		e->u.lookup.sreg = nlattr_be32_or0(&tb[NFTA_LOOKUP_SREG]);
		e->u.lookup.has_dreg = tb[NFTA_LOOKUP_DREG].present;
		e->u.lookup.dreg = nlattr_be32_or0(&tb[NFTA_LOOKUP_DREG]);
		e->u.lookup.flags = nlattr_be32_or0(&tb[NFTA_LOOKUP_FLAGS]);
		if (tb[NFTA_LOOKUP_SET].present && !(e->text = nlattr_strdup(&tb[NFTA_LOOKUP_SET])))
			return -ENOMEM;
		return 0;
	default:
		return 0;
	}
}

static enum nft_expr_kind expr_kind(const char *name)
{
	static const struct { const char *name; enum nft_expr_kind kind; } kinds[] = {
		{ "meta", NFT_EXPR_META }, { "cmp", NFT_EXPR_CMP }, { "payload", NFT_EXPR_PAYLOAD },
		{ "bitwise", NFT_EXPR_BITWISE }, { "range", NFT_EXPR_RANGE }, { "counter", NFT_EXPR_COUNTER },
		{ "immediate", NFT_EXPR_IMMEDIATE }, { "match", NFT_EXPR_MATCH }, { "target", NFT_EXPR_TARGET },
		{ "limit", NFT_EXPR_LIMIT }, { "log", NFT_EXPR_LOG }, { "lookup", NFT_EXPR_LOOKUP },
		{ "numgen", NFT_EXPR_NUMGEN }, { "ct", NFT_EXPR_CT }, { "fib", NFT_EXPR_FIB }, { "nat", NFT_EXPR_NAT },
		{ "masq", NFT_EXPR_MASQ }, { "redir", NFT_EXPR_REDIR }, { "reject", NFT_EXPR_REJECT },
		{ "dynset", NFT_EXPR_DYNSET }, { "quota", NFT_EXPR_QUOTA },
		{ "byteorder", NFT_EXPR_BYTEORDER }, { "exthdr", NFT_EXPR_EXTHDR }, { "socket", NFT_EXPR_SOCKET },
		{ "rt", NFT_EXPR_RT }, { "xfrm", NFT_EXPR_XFRM }, { "tproxy", NFT_EXPR_TPROXY }, { "dup", NFT_EXPR_DUP },
		{ "fwd", NFT_EXPR_FWD }, { "synproxy", NFT_EXPR_SYNPROXY }, { "notrack", NFT_EXPR_NOTRACK },
		{ "connlimit", NFT_EXPR_CONNLIMIT }, { "osf", NFT_EXPR_OSF }, { "hash", NFT_EXPR_HASH },
		{ "objref", NFT_EXPR_OBJREF },
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].name, name) == 0)
			return kinds[i].kind;
	return NFT_EXPR_OTHER;
}

int nft_parse_expr(const void *buf, size_t len, struct nft_expr *e)
{
	struct nlattr_ref tb[NFTA_EXPR_MAX + 1], body[EXPR_ATTR_MAX + 1];
	unsigned i;

	memset(e, 0, sizeof(*e));
	if (nlattr_parse(buf, len, tb, NFTA_EXPR_MAX) < 0 || !tb[NFTA_EXPR_NAME].present)
		return -EINVAL;
	nlattr_str(&tb[NFTA_EXPR_NAME], e->name, sizeof(e->name));
	e->kind = expr_kind(e->name);
	if (!tb[NFTA_EXPR_DATA].present)
		return 0;
	if (nlattr_parse(tb[NFTA_EXPR_DATA].data, tb[NFTA_EXPR_DATA].len, body, EXPR_ATTR_MAX) < 0)
		return -EINVAL;
	for (i = 1; i <= EXPR_ATTR_MAX && i < 32; i++)
		if (body[i].present)
			e->attrs |= 1u << i;
	return expr_body(e, body);
}

void nft_expr_free(struct nft_expr *e)
{
	if (e->kind == NFT_EXPR_DYNSET && e->u.dynset.stmt) {
		nft_expr_free(e->u.dynset.stmt);
		free(e->u.dynset.stmt);
	}
	free(e->data.chain);
	free(e->data2.chain);
	free(e->blob);
	free(e->text);
}

/* --- tables, chains, rules ------------------------------------------------ */

int nft_parse_table(const void *attrs, size_t len, int family, struct nft_table *t)
{
	struct nlattr_ref tb[NFTA_TABLE_MAX + 1];

	memset(t, 0, sizeof(*t));
	if (nlattr_parse(attrs, len, tb, NFTA_TABLE_MAX) < 0 || !tb[NFTA_TABLE_NAME].present)
		return -EINVAL;
	t->family = family;
	nlattr_str(&tb[NFTA_TABLE_NAME], t->name, sizeof(t->name));
	t->flags = nlattr_be32_or0(&tb[NFTA_TABLE_FLAGS]);
	t->handle = nlattr_be64_or0(&tb[NFTA_TABLE_HANDLE]);
	if (tb[NFTA_TABLE_USERDATA].present && userdata_comment(&tb[NFTA_TABLE_USERDATA], &t->comment, 0) < 0)
		return -EINVAL;
	return 0;
}

int nft_parse_chain(const void *attrs, size_t len, int family, struct nft_chain *c)
{
	struct nlattr_ref tb[NFTA_CHAIN_MAX + 1];

	memset(c, 0, sizeof(*c));
	if (nlattr_parse(attrs, len, tb, NFTA_CHAIN_MAX) < 0 || !tb[NFTA_CHAIN_NAME].present ||
	    !tb[NFTA_CHAIN_TABLE].present)
		return -EINVAL;
	c->family = family;
	nlattr_str(&tb[NFTA_CHAIN_TABLE], c->table, sizeof(c->table));
	nlattr_str(&tb[NFTA_CHAIN_NAME], c->name, sizeof(c->name));
	c->handle = nlattr_be64_or0(&tb[NFTA_CHAIN_HANDLE]);
	if (tb[NFTA_CHAIN_HOOK].present) {
		struct nlattr_ref hook[NFTA_HOOK_MAX + 1];

		if (nlattr_parse(tb[NFTA_CHAIN_HOOK].data, tb[NFTA_CHAIN_HOOK].len, hook, NFTA_HOOK_MAX) < 0)
			return -EINVAL;
		c->base = true;
		c->hooknum = nlattr_be32_or0(&hook[NFTA_HOOK_HOOKNUM]);
		c->priority = (int32_t)nlattr_be32_or0(&hook[NFTA_HOOK_PRIORITY]);
		nlattr_str(&hook[NFTA_HOOK_DEV], c->dev, sizeof(c->dev));
	}
	c->has_policy = tb[NFTA_CHAIN_POLICY].present;
	c->policy = nlattr_be32_or0(&tb[NFTA_CHAIN_POLICY]);
	nlattr_str(&tb[NFTA_CHAIN_TYPE], c->type, sizeof(c->type));
	if (tb[NFTA_CHAIN_COUNTERS].present) {
		struct nlattr_ref ctr[NFTA_COUNTER_MAX + 1];

		if (nlattr_parse(tb[NFTA_CHAIN_COUNTERS].data, tb[NFTA_CHAIN_COUNTERS].len, ctr, NFTA_COUNTER_MAX) < 0)
			return -EINVAL;
		c->has_counters = true;
		c->packets = nlattr_be64_or0(&ctr[NFTA_COUNTER_PACKETS]);
		c->bytes = nlattr_be64_or0(&ctr[NFTA_COUNTER_BYTES]);
	}
	if (tb[NFTA_CHAIN_USERDATA].present && userdata_comment(&tb[NFTA_CHAIN_USERDATA], &c->comment, 0) < 0)
		return -EINVAL;
	return 0;
}

static int rule_expr(const uint8_t *payload, size_t len, void *arg)
{
	struct nft_rule *r = arg;
	struct nft_expr *grown = realloc(r->exprs, (r->expr_count + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	r->exprs = grown;
	if (nft_parse_expr(payload, len, &grown[r->expr_count]) < 0) {
		nft_expr_free(&grown[r->expr_count]);
		return -EINVAL;
	}
	r->expr_count++;
	return 0;
}

int nft_parse_rule(const void *attrs, size_t len, int family, struct nft_rule *r, char table[NFT_NAME_LEN],
		   char chain[NFT_NAME_LEN])
{
	struct nlattr_ref tb[NFTA_RULE_MAX + 1];
	int rc = 0;

	memset(r, 0, sizeof(*r));
	if (nlattr_parse(attrs, len, tb, NFTA_RULE_MAX) < 0 || !tb[NFTA_RULE_TABLE].present ||
	    !tb[NFTA_RULE_CHAIN].present)
		return -EINVAL;
	r->family = family;
	nlattr_str(&tb[NFTA_RULE_TABLE], table, NFT_NAME_LEN);
	nlattr_str(&tb[NFTA_RULE_CHAIN], chain, NFT_NAME_LEN);
	r->handle = nlattr_be64_or0(&tb[NFTA_RULE_HANDLE]);
	if (tb[NFTA_RULE_EXPRESSIONS].present)
		rc = nlattr_each(&tb[NFTA_RULE_EXPRESSIONS], rule_expr, r);
	if (rc == 0 && tb[NFTA_RULE_USERDATA].present)
		rc = userdata_comment(&tb[NFTA_RULE_USERDATA], &r->comment, 0);
	if (rc < 0)
		nft_rule_free(r);
	return rc;
}

void nft_rule_free(struct nft_rule *r)
{
	size_t i;

	for (i = 0; i < r->expr_count; i++)
		nft_expr_free(&r->exprs[i]);
	free(r->exprs);
	free(r->comment);
	r->exprs = NULL;
	r->expr_count = 0;
	r->comment = NULL;
}

/* --- sets ----------------------------------------------------------------- */

/* Userdata: TLV records; the comment's type depends on the object (7 for
 * sets, 0 for tables, chains, rules and elements). */
static int userdata_comment(const struct nlattr_ref *a, char **comment, uint8_t comment_type)
{
	const uint8_t *p = a->data;
	size_t left = a->len;

	while (left >= 2) {
		uint8_t type = p[0], len = p[1];

		if ((size_t)len + 2 > left)
			return -EINVAL;
		if (type == comment_type && len > 0) {
			size_t n = strnlen((const char *)p + 2, len);

			if (!(*comment = malloc(n + 1)))
				return -ENOMEM;
			memcpy(*comment, p + 2, n);
			(*comment)[n] = '\0';
			return 0;
		}
		p += 2 + len;
		left -= 2 + len;
	}
	return 0;
}

/* One field of a concatenation: its length. */
static int set_field(const uint8_t *payload, size_t len, void *arg)
{
	struct nft_set *s = arg;
	struct nlattr_ref field[NFTA_SET_FIELD_MAX + 1];

	if (s->field_count == sizeof(s->field_len) / sizeof(s->field_len[0]))
		return 1;
	if (nlattr_parse(payload, len, field, NFTA_SET_FIELD_MAX) < 0)
		return -EINVAL;
	s->field_len[s->field_count++] = nlattr_be32_or0(&field[NFTA_SET_FIELD_LEN]);
	return 0;
}

static int set_desc(const struct nlattr_ref *a, struct nft_set *s)
{
	struct nlattr_ref desc[NFTA_SET_DESC_MAX + 1];

	if (nlattr_parse(a->data, a->len, desc, NFTA_SET_DESC_MAX) < 0)
		return -EINVAL;
	s->has_size = desc[NFTA_SET_DESC_SIZE].present;
	s->size = nlattr_be32_or0(&desc[NFTA_SET_DESC_SIZE]);
	return nlattr_each(&desc[NFTA_SET_DESC_CONCAT], set_field, s);
}

/* nft's set userdata records the byte order of keys (type 0) and data
 * (type 1) as four-byte host-order numbers, and whether the data are
 * ranges (type 6, a four-byte boolean). */
static void set_byteorders(const struct nlattr_ref *a, struct nft_set *s)
{
	const uint8_t *p = a->data;
	size_t left = a->len;

	while (left >= 2 && (size_t)p[1] + 2 <= left) {
		uint8_t type = p[0], len = p[1];

		if ((type == 0 || type == 1) && len == 4) {
			uint32_t order;

			memcpy(&order, p + 2, 4);
			if (type == 0)
				s->key_byteorder = order;
			else
				s->data_byteorder = order;
		}
		if (type == 6 && len == 4)
			s->data_interval = p[2] | p[3] | p[4] | p[5];
		p += 2 + len;
		left -= 2 + len;
	}
}

int nft_parse_set(const void *attrs, size_t len, int family, struct nft_set *s)
{
	struct nlattr_ref tb[NFTA_SET_MAX + 1];

	memset(s, 0, sizeof(*s));
	if (nlattr_parse(attrs, len, tb, NFTA_SET_MAX) < 0 || !tb[NFTA_SET_NAME].present || !tb[NFTA_SET_TABLE].present)
		return -EINVAL;
	s->family = family;
	nlattr_str(&tb[NFTA_SET_TABLE], s->table, sizeof(s->table));
	nlattr_str(&tb[NFTA_SET_NAME], s->name, sizeof(s->name));
	s->flags = nlattr_be32_or0(&tb[NFTA_SET_FLAGS]);
	s->handle = nlattr_be64_or0(&tb[NFTA_SET_HANDLE]);
	s->key_type = nlattr_be32_or0(&tb[NFTA_SET_KEY_TYPE]);
	s->key_len = nlattr_be32_or0(&tb[NFTA_SET_KEY_LEN]);
	s->data_type = nlattr_be32_or0(&tb[NFTA_SET_DATA_TYPE]);
	s->data_len = nlattr_be32_or0(&tb[NFTA_SET_DATA_LEN]);
	s->obj_type = nlattr_be32_or0(&tb[NFTA_SET_OBJ_TYPE]);
	s->has_policy = tb[NFTA_SET_POLICY].present;
	s->policy = nlattr_be32_or0(&tb[NFTA_SET_POLICY]);
	s->timeout_ms = nlattr_be64_or0(&tb[NFTA_SET_TIMEOUT]);
	s->gc_interval_ms = nlattr_be32_or0(&tb[NFTA_SET_GC_INTERVAL]);
	if (tb[NFTA_SET_DESC].present && set_desc(&tb[NFTA_SET_DESC], s) < 0)
		return -EINVAL;
	if (tb[NFTA_SET_USERDATA].present)
		set_byteorders(&tb[NFTA_SET_USERDATA], s);
	if (tb[NFTA_SET_USERDATA].present && userdata_comment(&tb[NFTA_SET_USERDATA], &s->comment, 7) < 0) {
		nft_set_free(s);
		return -EINVAL;
	}
	return 0;
}

static int set_elem(const uint8_t *buf, size_t len, struct nft_set_elem *e)
{
	struct nlattr_ref tb[NFTA_SET_ELEM_MAX + 1];

	memset(e, 0, sizeof(*e));
	if (nlattr_parse(buf, len, tb, NFTA_SET_ELEM_MAX) < 0)
		return -EINVAL;
	if (nft_parse_data(&tb[NFTA_SET_ELEM_KEY], &e->key) < 0 || nft_parse_data(&tb[NFTA_SET_ELEM_KEY_END], &e->key_end) < 0 ||
	    nft_parse_data(&tb[NFTA_SET_ELEM_DATA], &e->data) < 0)
		return -EINVAL;
	e->flags = nlattr_be32_or0(&tb[NFTA_SET_ELEM_FLAGS]);
	e->timeout_ms = nlattr_be64_or0(&tb[NFTA_SET_ELEM_TIMEOUT]);
	e->expiration_ms = nlattr_be64_or0(&tb[NFTA_SET_ELEM_EXPIRATION]);
	if (tb[NFTA_SET_ELEM_USERDATA].present && userdata_comment(&tb[NFTA_SET_ELEM_USERDATA], &e->comment, 0) < 0)
		return -EINVAL;
	if (tb[NFTA_SET_ELEM_OBJREF].present && !(e->objref = nlattr_strdup(&tb[NFTA_SET_ELEM_OBJREF])))
		return -ENOMEM;
	return 0;
}

static void elem_free(struct nft_set_elem *e)
{
	free(e->key.chain);
	free(e->key_end.chain);
	free(e->data.chain);
	free(e->comment);
	free(e->objref);
}

static int set_elem_item(const uint8_t *payload, size_t len, void *arg)
{
	struct nft_set *s = arg;
	struct nft_set_elem *grown = realloc(s->elems, (s->elem_count + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	s->elems = grown;
	if (set_elem(payload, len, &grown[s->elem_count]) < 0) {
		elem_free(&grown[s->elem_count]);
		return -EINVAL;
	}
	s->elem_count++;
	return 0;
}

int nft_parse_set_elems(const void *attrs, size_t len, struct nft_set *s)
{
	struct nlattr_ref tb[NFTA_SET_ELEM_LIST_MAX + 1];

	if (nlattr_parse(attrs, len, tb, NFTA_SET_ELEM_LIST_MAX) < 0)
		return -EINVAL;
	return nlattr_each(&tb[NFTA_SET_ELEM_LIST_ELEMENTS], set_elem_item, s);
}

void nft_set_free(struct nft_set *s)
{
	size_t i;

	for (i = 0; i < s->elem_count; i++)
		elem_free(&s->elems[i]);
	free(s->elems);
	free(s->comment);
	s->elems = NULL;
	s->elem_count = 0;
	s->comment = NULL;
}

/* --- named objects ------------------------------------------------------------ */

/* A ct timeout's policy: one seconds value per state, numbered from 1. */
static int obj_timeouts(const struct nlattr_ref *a, struct nft_obj *o)
{
	struct nlattr_ref tb[17];
	unsigned i;

	if (nlattr_parse(a->data, a->len, tb, 16) < 0)
		return -EINVAL;
	for (i = 1; i <= 16; i++) {
		if (!tb[i].present)
			continue;
		o->timeouts[i - 1] = nlattr_be32_or0(&tb[i]);
		o->timeout_count = i;
	}
	return 0;
}

/* The ct objects' data (the others' is their rule expression's). */
static int obj_ct_data(struct nft_obj *o, const struct nlattr_ref *tb)
{
	uint8_t byte = 0;

	switch (o->type) {
	case NFT_OBJECT_CT_HELPER:
		nlattr_str(&tb[NFTA_CT_HELPER_NAME], o->helper, sizeof(o->helper));
		o->l3proto = nlattr_be16_or0(&tb[NFTA_CT_HELPER_L3PROTO]);
		o->l4proto = nlattr_u8(&tb[NFTA_CT_HELPER_L4PROTO], &byte) ? byte : 0;
		return 0;
	case NFT_OBJECT_CT_TIMEOUT:
		o->l3proto = nlattr_be16_or0(&tb[NFTA_CT_TIMEOUT_L3PROTO]);
		o->l4proto = nlattr_u8(&tb[NFTA_CT_TIMEOUT_L4PROTO], &byte) ? byte : 0;
		return tb[NFTA_CT_TIMEOUT_DATA].present ? obj_timeouts(&tb[NFTA_CT_TIMEOUT_DATA], o) : 0;
	case NFT_OBJECT_CT_EXPECT:
		o->l3proto = nlattr_be16_or0(&tb[NFTA_CT_EXPECT_L3PROTO]);
		o->l4proto = nlattr_u8(&tb[NFTA_CT_EXPECT_L4PROTO], &byte) ? byte : 0;
		o->dport = nlattr_be16_or0(&tb[NFTA_CT_EXPECT_DPORT]);
		/* The kernel puts this one in host byte order. */
		o->expect_timeout_ms = nlattr_u32_or0(&tb[NFTA_CT_EXPECT_TIMEOUT]);
		o->expect_size = nlattr_u8(&tb[NFTA_CT_EXPECT_SIZE], &byte) ? byte : 0;
		return 0;
	default:
		return 0;
	}
}

static int obj_data(struct nft_obj *o, const struct nlattr_ref *a)
{
	static const struct { uint32_t type; enum nft_expr_kind kind; } as_expr[] = {
		{ NFT_OBJECT_COUNTER, NFT_EXPR_COUNTER }, { NFT_OBJECT_QUOTA, NFT_EXPR_QUOTA },
		{ NFT_OBJECT_LIMIT, NFT_EXPR_LIMIT }, { NFT_OBJECT_SYNPROXY, NFT_EXPR_SYNPROXY },
	};
	struct nlattr_ref tb[EXPR_ATTR_MAX + 1];
	unsigned i;

	if (nlattr_parse(a->data, a->len, tb, EXPR_ATTR_MAX) < 0)
		return -EINVAL;
	for (i = 1; i <= EXPR_ATTR_MAX && i < 32; i++)
		if (tb[i].present)
			o->expr.attrs |= 1u << i;
	for (i = 0; i < sizeof(as_expr) / sizeof(as_expr[0]); i++) {
		if (as_expr[i].type != o->type)
			continue;
		o->expr.kind = as_expr[i].kind;
		return expr_body(&o->expr, tb);
	}
	return obj_ct_data(o, tb);
}

int nft_parse_obj(const void *attrs, size_t len, int family, struct nft_obj *o)
{
	struct nlattr_ref tb[NFTA_OBJ_MAX + 1];

	memset(o, 0, sizeof(*o));
	o->family = family;
	if (nlattr_parse(attrs, len, tb, NFTA_OBJ_MAX) < 0 || !tb[NFTA_OBJ_NAME].present)
		return -EINVAL;
	nlattr_str(&tb[NFTA_OBJ_TABLE], o->table, sizeof(o->table));
	nlattr_str(&tb[NFTA_OBJ_NAME], o->name, sizeof(o->name));
	o->type = nlattr_be32_or0(&tb[NFTA_OBJ_TYPE]);
	o->handle = nlattr_be64_or0(&tb[NFTA_OBJ_HANDLE]);
	if ((tb[NFTA_OBJ_DATA].present && obj_data(o, &tb[NFTA_OBJ_DATA]) < 0) ||
	    (tb[NFTA_OBJ_USERDATA].present && userdata_comment(&tb[NFTA_OBJ_USERDATA], &o->comment, 0) < 0)) {
		nft_obj_free(o);
		return -EINVAL;
	}
	return 0;
}

void nft_obj_free(struct nft_obj *o)
{
	nft_expr_free(&o->expr);
	memset(&o->expr, 0, sizeof(o->expr));
	free(o->comment);
	o->comment = NULL;
}

const char *nft_obj_type_name(uint32_t type)
{
	static const char *const names[] = {
		[NFT_OBJECT_COUNTER] = "counter", [NFT_OBJECT_QUOTA] = "quota", [NFT_OBJECT_CT_HELPER] = "ct helper",
		[NFT_OBJECT_LIMIT] = "limit", [NFT_OBJECT_CONNLIMIT] = "connlimit", [NFT_OBJECT_TUNNEL] = "tunnel",
		[NFT_OBJECT_CT_TIMEOUT] = "ct timeout", [NFT_OBJECT_SECMARK] = "secmark",
		[NFT_OBJECT_CT_EXPECT] = "ct expectation", [NFT_OBJECT_SYNPROXY] = "synproxy",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : NULL;
}
