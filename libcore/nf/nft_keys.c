/* The meta and ct keys as nft 1.0.6 names them: each key's word, nft's
 * datatype for its values and the byte order the kernel loads it in (a
 * value compared after a byteorder conversion is read back through it).
 * Keys missing here (ct labels, meta secmark...) have no
 * rendering: their expressions stay visibly not rendered.  The socket, rt,
 * ipsec and osf keys likewise. */
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "nft_impl.h"

#define KEY(k, word, t, size, host) [k] = { word, t, size, host, true }

static const struct nft_key_desc meta_keys[] = {
	KEY(NFT_META_LEN, "length", NFT_TYPE_INTEGER, 4, true),
	KEY(NFT_META_PROTOCOL, "protocol", NFT_TYPE_ETHERTYPE, 2, false),
	KEY(NFT_META_PRIORITY, "priority", NFT_TYPE_CLASSID, 4, true),
	KEY(NFT_META_MARK, "mark", NFT_TYPE_MARK, 4, true),
	KEY(NFT_META_IIF, "iif", NFT_TYPE_IFINDEX, 4, true),
	KEY(NFT_META_OIF, "oif", NFT_TYPE_IFINDEX, 4, true),
	KEY(NFT_META_IIFNAME, "iifname", NFT_TYPE_IFNAME, 16, true),
	KEY(NFT_META_OIFNAME, "oifname", NFT_TYPE_IFNAME, 16, true),
	KEY(NFT_META_IIFTYPE, "iiftype", NFT_TYPE_ARPHRD, 2, true),
	KEY(NFT_META_OIFTYPE, "oiftype", NFT_TYPE_ARPHRD, 2, true),
	KEY(NFT_META_SKUID, "skuid", NFT_TYPE_UID, 4, true),
	KEY(NFT_META_SKGID, "skgid", NFT_TYPE_GID, 4, true),
	KEY(NFT_META_NFTRACE, "nftrace", NFT_TYPE_INTEGER, 1, true),
	KEY(NFT_META_RTCLASSID, "rtclassid", NFT_TYPE_REALM, 4, true),
	KEY(NFT_META_NFPROTO, "nfproto", NFT_TYPE_NFPROTO, 1, true),
	KEY(NFT_META_L4PROTO, "l4proto", NFT_TYPE_INET_PROTOCOL, 1, true),
	KEY(NFT_META_BRI_IIFNAME, "ibrname", NFT_TYPE_IFNAME, 16, true),
	KEY(NFT_META_BRI_OIFNAME, "obrname", NFT_TYPE_IFNAME, 16, true),
	KEY(NFT_META_PKTTYPE, "pkttype", NFT_TYPE_PKTTYPE, 1, true),
	KEY(NFT_META_CPU, "cpu", NFT_TYPE_INTEGER, 4, true),
	KEY(NFT_META_IIFGROUP, "iifgroup", NFT_TYPE_DEVGROUP, 4, true),
	KEY(NFT_META_OIFGROUP, "oifgroup", NFT_TYPE_DEVGROUP, 4, true),
	KEY(NFT_META_CGROUP, "cgroup", NFT_TYPE_INTEGER, 4, true),
	/* Random bits have no byte order: nft keeps the register's. */
	KEY(NFT_META_PRANDOM, "random", NFT_TYPE_BE_INTEGER, 4, false),
	KEY(NFT_META_SECPATH, "ipsec", NFT_TYPE_BOOLEAN, 1, true),
	KEY(NFT_META_IIFKIND, "iifkind", NFT_TYPE_IFNAME, 16, true),
	KEY(NFT_META_OIFKIND, "oifkind", NFT_TYPE_IFNAME, 16, true),
	KEY(NFT_META_BRI_IIFPVID, "ibrpvid", NFT_TYPE_HOST_INTEGER, 2, true),
	KEY(NFT_META_BRI_IIFVPROTO, "ibrvproto", NFT_TYPE_ETHERTYPE, 2, false),
	KEY(NFT_META_TIME_NS, "time", NFT_TYPE_TIME_DATE, 8, true),
	KEY(NFT_META_TIME_DAY, "day", NFT_TYPE_TIME_DAY, 1, true),
	KEY(NFT_META_TIME_HOUR, "hour", NFT_TYPE_TIME_HOUR, 4, true),
	KEY(NFT_META_SDIF, "sdif", NFT_TYPE_IFINDEX, 4, true),
	KEY(NFT_META_SDIFNAME, "sdifname", NFT_TYPE_IFNAME, 16, true),
};

static const struct nft_key_desc ct_keys[] = {
	KEY(NFT_CT_STATE, "state", NFT_TYPE_CT_STATE, 4, true),
	KEY(NFT_CT_DIRECTION, "direction", NFT_TYPE_CT_DIR, 1, true),
	KEY(NFT_CT_STATUS, "status", NFT_TYPE_CT_STATUS, 4, true),
	KEY(NFT_CT_MARK, "mark", NFT_TYPE_MARK, 4, true),
	KEY(NFT_CT_EXPIRATION, "expiration", NFT_TYPE_TIME, 4, true),
	KEY(NFT_CT_L3PROTOCOL, "l3proto", NFT_TYPE_NFPROTO, 1, true),
	KEY(NFT_CT_PROTOCOL, "protocol", NFT_TYPE_INET_PROTOCOL, 1, false),
	KEY(NFT_CT_PROTO_SRC, "proto-src", NFT_TYPE_INET_SERVICE, 2, false),
	KEY(NFT_CT_PROTO_DST, "proto-dst", NFT_TYPE_INET_SERVICE, 2, false),
	KEY(NFT_CT_PKTS, "packets", NFT_TYPE_INTEGER, 8, true),
	KEY(NFT_CT_BYTES, "bytes", NFT_TYPE_INTEGER, 8, true),
	KEY(NFT_CT_AVGPKT, "avgpkt", NFT_TYPE_INTEGER, 8, true),
	KEY(NFT_CT_ZONE, "zone", NFT_TYPE_HOST_INTEGER, 2, true),
	KEY(NFT_CT_SRC_IP, "ip saddr", NFT_TYPE_IPADDR, 4, false),
	KEY(NFT_CT_DST_IP, "ip daddr", NFT_TYPE_IPADDR, 4, false),
	KEY(NFT_CT_SRC_IP6, "ip6 saddr", NFT_TYPE_IP6ADDR, 16, false),
	KEY(NFT_CT_DST_IP6, "ip6 daddr", NFT_TYPE_IP6ADDR, 16, false),
	KEY(NFT_CT_ID, "id", NFT_TYPE_BE_INTEGER, 4, false),
	KEY(NFT_CT_HELPER, "helper", NFT_TYPE_STRING, 16, true),
	KEY(NFT_CT_EVENTMASK, "event", NFT_TYPE_CT_EVENT, 4, true),
};

#undef KEY

static const struct nft_key_desc *lookup(const struct nft_key_desc *table, size_t n, uint32_t key)
{
	return key < n && table[key].known ? &table[key] : NULL;
}

const struct nft_key_desc *nft_meta_key(uint32_t key)
{
	return lookup(meta_keys, sizeof(meta_keys) / sizeof(meta_keys[0]), key);
}

bool nft_meta_key_unqualified(uint32_t key)
{
	/* The interface keys nft writes without "meta ". */
	return key == NFT_META_IIF || key == NFT_META_OIF || key == NFT_META_IIFNAME || key == NFT_META_OIFNAME ||
	       key == NFT_META_IIFGROUP || key == NFT_META_OIFGROUP;
}

const struct nft_key_desc *nft_ct_key(uint32_t key, int family)
{
	/* ct saddr/daddr take the address family of an ip or ip6 table. */
	static const struct nft_key_desc ip_src = { "ip saddr", NFT_TYPE_IPADDR, 4, false, true },
					   ip_dst = { "ip daddr", NFT_TYPE_IPADDR, 4, false, true },
					   ip6_src = { "ip6 saddr", NFT_TYPE_IP6ADDR, 16, false, true },
					   ip6_dst = { "ip6 daddr", NFT_TYPE_IP6ADDR, 16, false, true };

	if (key == NFT_CT_SRC || key == NFT_CT_DST) {
		if (family == NFPROTO_IPV4)
			return key == NFT_CT_SRC ? &ip_src : &ip_dst;
		if (family == NFPROTO_IPV6)
			return key == NFT_CT_SRC ? &ip6_src : &ip6_dst;
		return NULL;
	}
	return lookup(ct_keys, sizeof(ct_keys) / sizeof(ct_keys[0]), key);
}

/* --- socket, rt and ipsec ------------------------------------------------------ */

struct keyed_key {
	const char *key, *family;
	uint32_t type;
	uint8_t len;             /* bytes the kernel loads */
};

static const struct keyed_key socket_keys[] = {
	[NFT_SOCKET_TRANSPARENT] = { "transparent", NULL, NFT_TYPE_INTEGER, 1 },
	[NFT_SOCKET_MARK] = { "mark", NULL, NFT_TYPE_MARK, 4 },
	[NFT_SOCKET_WILDCARD] = { "wildcard", NULL, NFT_TYPE_INTEGER, 1 },
};
static const struct keyed_key rt_keys[] = {
	[NFT_RT_CLASSID] = { "classid", NULL, NFT_TYPE_REALM, 4 },
	[NFT_RT_NEXTHOP4] = { "nexthop", "ip", NFT_TYPE_IPADDR, 4 },
	[NFT_RT_NEXTHOP6] = { "nexthop", "ip6", NFT_TYPE_IP6ADDR, 16 },
	[NFT_RT_TCPMSS] = { "mtu", NULL, NFT_TYPE_INTEGER, 2 },
	[NFT_RT_XFRM] = { "ipsec", NULL, NFT_TYPE_BOOLEAN, 1 },
};
static const struct keyed_key xfrm_keys[] = {
	[NFT_XFRM_KEY_DADDR_IP4] = { "daddr", "ip", NFT_TYPE_IPADDR, 4 },
	[NFT_XFRM_KEY_SADDR_IP4] = { "saddr", "ip", NFT_TYPE_IPADDR, 4 },
	[NFT_XFRM_KEY_DADDR_IP6] = { "daddr", "ip6", NFT_TYPE_IP6ADDR, 16 },
	[NFT_XFRM_KEY_SADDR_IP6] = { "saddr", "ip6", NFT_TYPE_IP6ADDR, 16 },
	[NFT_XFRM_KEY_REQID] = { "reqid", NULL, NFT_TYPE_INTEGER, 4 },
	[NFT_XFRM_KEY_SPI] = { "spi", NULL, NFT_TYPE_BE_INTEGER, 4 },
};

static const struct keyed_key *keyed_key(const struct nft_expr *e)
{
	const struct keyed_key *table;
	size_t n;

	switch (e->kind) {
	case NFT_EXPR_SOCKET: table = socket_keys; n = sizeof(socket_keys) / sizeof(socket_keys[0]); break;
	case NFT_EXPR_RT: table = rt_keys; n = sizeof(rt_keys) / sizeof(rt_keys[0]); break;
	case NFT_EXPR_XFRM: table = xfrm_keys; n = sizeof(xfrm_keys) / sizeof(xfrm_keys[0]); break;
	default: return NULL;
	}
	return e->u.keyed.key < n && table[e->u.keyed.key].key ? &table[e->u.keyed.key] : NULL;
}

/* osf [ttl loose|skip] name|version: the ttl option in JSON's ttl member. */
static bool osf_describe(const struct nft_expr *e, struct nft_keyed_desc *d)
{
	static const char *const ttl[] = { NULL, "loose", "skip" };

	if (e->u.keyed.dir > 2 || (e->u.keyed.key & ~(uint32_t)NFT_OSF_F_VERSION))
		return false;
	d->json_key = "osf";
	d->key = e->u.keyed.key ? "version" : "name";
	d->ttl = ttl[e->u.keyed.dir];
	d->type = NFT_TYPE_STRING;
	snprintf(d->text, sizeof(d->text), "osf%s%s %s", d->ttl ? " ttl " : "", d->ttl ? d->ttl : "", d->key);
	return true;
}

bool nft_keyed_describe(const struct nft_expr *e, struct nft_keyed_desc *d)
{
	const struct keyed_key *k = keyed_key(e);
	const char *family;

	memset(d, 0, sizeof(*d));
	if (e->kind == NFT_EXPR_OSF)
		return osf_describe(e, d);
	if (!k || (e->kind == NFT_EXPR_XFRM && e->u.keyed.dir > 1))
		return false;
	d->json_key = e->kind == NFT_EXPR_SOCKET ? "socket" : e->kind == NFT_EXPR_RT ? "rt" : "ipsec";
	d->key = k->key;
	d->family = k->family;
	d->type = k->type;
	family = k->family ? k->family : "";
	if (e->kind != NFT_EXPR_XFRM) {
		snprintf(d->text, sizeof(d->text), "%s %s%s%s", d->json_key, family, *family ? " " : "", k->key);
		return true;
	}
	d->dir = e->u.keyed.dir ? "out" : "in";
	d->spnum = e->u.keyed.spnum;
	if (d->spnum)
		snprintf(d->text, sizeof(d->text), "ipsec %s spnum %u %s%s%s", d->dir, d->spnum, family,
			 *family ? " " : "", k->key);
	else
		snprintf(d->text, sizeof(d->text), "ipsec %s %s%s%s", d->dir, family, *family ? " " : "", k->key);
	return true;
}
