/* The meta and ct keys as nft 1.0.6 names them: each key's word, nft's
 * datatype for its values and the byte order the kernel loads it in (a
 * value compared after a byteorder conversion is read back through it).
 * Keys missing here (ct labels and events, meta secmark...) have no
 * rendering: their expressions stay visibly not rendered. */
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stddef.h>

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
