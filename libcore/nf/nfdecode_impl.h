/* Inside the decoder table: one entry per extension and revision range. */
#ifndef SONDE_NFDECODE_IMPL_H
#define SONDE_NFDECODE_IMPL_H

#include <string.h>

#include "sonde/nfdecode.h"

struct nfdecode_entry {
	const char *name;
	uint8_t rev_min, rev_max;
	int family;           /* 0 for both, else NFPROTO_IPV4 / NFPROTO_IPV6 */
	size_t min_len;       /* bytes the decoder reads */
	/* Appends the options (the dispatcher writes " -m NAME" / " -j NAME"
	 * in save style).  Returns 0, -EINVAL for an inconsistent blob, or
	 * -ENOTSUP for a valid one iptables itself prints no defined text for. */
	int (*decode)(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
};

const struct nfdecode_entry *nfdecode_matches(size_t *count);
const struct nfdecode_entry *nfdecode_targets(size_t *count);

/* nft's translations of compat blobs (nfdecode_nft.c): each decoder
 * appends nft syntax and returns 0, or -ENOENT when iptables 1.8.9 has no
 * translation for that blob (nft then prints `xt match NAME`). */
const struct nfdecode_entry *nfdecode_nft_matches(size_t *count);
const struct nfdecode_entry *nfdecode_nft_targets(size_t *count);

/* Any NAT blob revision widened to nf_nat_range2; 0 or -EINVAL. */
struct nf_nat_range2;
int nfdecode_nat_range(const struct nfdecode_ext *ext, const struct nfdecode_opts *o, struct nf_nat_range2 *r);
/* "ADDR[-ADDR]", "[V6]:PORT[-PORT]", ":PORT" as both iptables and nft
 * write a NAT range. */
void nfdecode_nat_addresses_ports(struct strbuf *out, const struct nf_nat_range2 *r, const struct nfdecode_opts *o);

/* multiport's blob of either revision widened to revision 1's layout;
 * 0 or -EINVAL. */
struct xt_multiport_v1;
int nfdecode_multiport_load(const struct nfdecode_ext *ext, struct xt_multiport_v1 *info);

/* conntrack's match_flags (the same place in revisions 1 to 3), or -EINVAL. */
int nfdecode_conntrack_flags(const struct nfdecode_ext *m, uint16_t *match_flags);

/* The name of uid/gid id in an /etc/passwd-shaped file (read without NSS,
 * which the static binary must not use), or NULL. */
const char *nf_account_name(const char *path, uint32_t id);

/* The header-field extensions (nfdecode_header.c). */
int nfdecode_tos(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_tos_target(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_dscp(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_dscp_target(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_ttl(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_hl(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_ttl_target(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_hl_target(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_length(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_connbytes(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_nfqueue(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);

/* The IPsec and fragment header matches (nfdecode_ipsec.c). */
int nfdecode_esp(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_ah(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_ah6(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_frag(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);

/* The counting and packet-class matches (nfdecode_count.c). */
int nfdecode_connlimit(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_quota(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_pkttype(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_cpu(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);

/* The socket, tcpmss and ecn matches (nfdecode_tcpinfo.c). */
int nfdecode_socket(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_tcpmss(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_ecn(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);

/* The single-field targets (nfdecode_target2.c). */
int nfdecode_tcpmss_target(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_connsecmark(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_audit(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_classify(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
/* A target without options or print function (TRACE): appends nothing. */
int nfdecode_no_options(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);

/* The SET target (nfdecode_rate.c, beside the set match). */
int nfdecode_set_target(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);

/* The sctp and dccp matches (nfdecode_sctp.c). */
int nfdecode_sctp(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_dccp(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);

/* The hashlimit and rateest matches, the RATEEST target (nfdecode_hashlimit.c). */
int nfdecode_hashlimit(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_rateest(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_rateest_target(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);

/* The IPv6 extension-header matches (nfdecode_ip6ext.c). */
int nfdecode_srh(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_rt(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_hbh(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_dst(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_mh(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_ipv6header(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_eui64(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);

/* The string, policy, connlabel, cgroup, ipcomp and rpfilter matches
 * (nfdecode_misc.c). */
int nfdecode_string(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_policy(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_connlabel(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_cgroup(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_ipcomp(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_rpfilter(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);

/* The time, helper, mac, cluster, realm, u32, osf and bpf matches
 * (nfdecode_small.c). */
int nfdecode_u32(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_osf(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_bpf(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_time(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_helper(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_mac(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_cluster(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_realm(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);

/* The CT, HMARK, IDLETIMER, TPROXY, TEE, TCPOPTSTRIP, SYNPROXY, NETMAP,
 * DNPT, SNPT, ECN and CHECKSUM targets (nfdecode_target3.c). */
int nfdecode_ct(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_hmark(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_idletimer(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_tproxy(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_tee(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_tcpoptstrip(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_synproxy(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_netmap(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_dnpt(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_snpt(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_ecn_target(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);
int nfdecode_checksum(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o);

/* Copies the blob into an aligned struct, zero-filling what it lacks (the
 * dispatcher has checked min_len already). */
static inline void nfdecode_load(void *info, size_t size, const struct nfdecode_ext *ext)
{
	size_t n = ext->len < size ? ext->len : size;

	memset(info, 0, size);
	memcpy(info, ext->data, n);
}

static inline bool nfdecode_save(const struct nfdecode_opts *o) { return o->style == NFDECODE_SAVE; }

#endif
