/* tcpdump --json: one object per packet (its time, interface, direction
 * and each layer's fields, from pktframe.h's reading of the frame), then a
 * summary object.  The keys are docs/tcpdump.md's, under docs/json.md. */
#include <net/if.h>
#include <stdio.h>
#include <sys/socket.h>

#include "tcpdump_impl.h"

#define MAC_TEXT 18

static void print_mac(struct sonde_out *out, const char *key, const uint8_t *mac)
{
	char text[MAC_TEXT];

	snprintf(text, sizeof(text), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	out_print_str(out, key, NULL, text);
}

static void print_link(struct sonde_out *out, const struct pkt_frame *f)
{
	uint8_t i;

	out_open_object(out, f->linktype == PKT_LINK_ETHERNET ? "ethernet" : "sll");
	if (f->has_macs) {
		print_mac(out, "src_lladdr", f->src_mac);
		if (f->linktype == PKT_LINK_ETHERNET)
			print_mac(out, "dst_lladdr", f->dst_mac);
	}
	if (f->has_pkttype)
		out_print_uint(out, "pkttype", NULL, f->pkttype);
	if (f->has_ifindex)
		out_print_uint(out, "ifindex", NULL, f->ifindex);
	out_print_uint(out, "ethertype", NULL, f->ethertype);
	if (f->vlan_count) {
		out_open_array(out, "vlans");
		for (i = 0; i < f->vlan_count; i++)
			out_print_uint(out, NULL, NULL, f->vlan_ids[i]);
		out_close_array(out);
	}
	out_close_object(out);
}

static void print_endpoint(struct sonde_out *out, const char *key, const struct pkt_ip *ip, const uint8_t *addr)
{
	char text[64];

	out_open_object(out, key);
	out_print_str(out, "address", NULL, tcpdump_addr_text(ip->family, addr, text, sizeof(text)));
	out_close_object(out);
}

static void print_ip(struct sonde_out *out, const struct pkt_ip *ip)
{
	out_open_object(out, ip->family == AF_INET ? "ipv4" : "ipv6");
	print_endpoint(out, "src", ip, ip->src);
	print_endpoint(out, "dst", ip, ip->dst);
	out_print_uint(out, "protocol", NULL, ip->proto);
	out_print_uint(out, "ttl", NULL, ip->ttl);
	out_print_uint(out, "length", NULL, ip->total_len);
	out_print_bool(out, "later_fragment", NULL, ip->more_fragments);
	out_close_object(out);
}

static void print_ports(struct sonde_out *out, const struct pkt_transport *t)
{
	out_open_object(out, "src");
	out_print_uint(out, "port", NULL, t->sport);
	out_close_object(out);
	out_open_object(out, "dst");
	out_print_uint(out, "port", NULL, t->dport);
	out_close_object(out);
}

/* TCP flags in tcpdump's letters: S F P R U E W, '.' for ACK. */
static void print_tcp_flags(struct sonde_out *out, uint8_t flags)
{
	static const struct {
		uint8_t bit;
		char letter;
	} letters[] = { { 0x02, 'S' }, { 0x01, 'F' }, { 0x08, 'P' }, { 0x04, 'R' }, { 0x20, 'U' }, { 0x40, 'E' },
			{ 0x80, 'W' }, { 0x10, '.' } };
	char text[sizeof(letters) / sizeof(letters[0]) + 1];
	size_t i, n = 0;

	for (i = 0; i < sizeof(letters) / sizeof(letters[0]); i++)
		if (flags & letters[i].bit)
			text[n++] = letters[i].letter;
	text[n] = '\0';
	out_print_str(out, "flags", NULL, text);
}

static void print_transport(struct sonde_out *out, const struct pkt_frame *f)
{
	const struct pkt_transport *t = &f->transport;

	switch (f->ip.proto) {
	case PKT_PROTO_TCP:
		out_open_object(out, "tcp");
		print_ports(out, t);
		print_tcp_flags(out, t->tcp_flags);
		out_print_uint(out, "seq", NULL, t->tcp_seq);
		out_print_uint(out, "ack", NULL, t->tcp_ack);
		out_print_uint(out, "window", NULL, f->tcp_window);
		break;
	case PKT_PROTO_UDP:
		out_open_object(out, "udp");
		print_ports(out, t);
		break;
	default:
		out_open_object(out, f->ip.proto == PKT_PROTO_ICMP ? "icmp" : "icmpv6");
		out_print_uint(out, "icmp_type", NULL, t->icmp_type);
		out_print_uint(out, "icmp_code", NULL, t->icmp_code);
		break;
	}
	out_print_uint(out, "payload_length", NULL, f->payload_wire_len);
	out_close_object(out);
}

static void print_dns(struct sonde_out *out, const struct tcpdump_dns_msg *m)
{
	char buf[16];

	out_open_object(out, "dns");
	out_print_uint(out, "id", NULL, m->id);
	out_print_bool(out, "response", NULL, m->response);
	if (m->has_question) {
		out_print_str(out, "name", NULL, m->name);
		out_print_str(out, "qtype", NULL, dns_type_name(m->qtype, buf, sizeof(buf)));
	}
	if (m->response) {
		out_print_str(out, "rcode", NULL, dns_rcode_name(m->rcode, buf, sizeof(buf)));
		out_print_uint(out, "answers", NULL, m->answers);
	}
	out_close_object(out);
}

static void print_layers(struct sonde_out *out, const struct pkt_frame *f)
{
	struct tcpdump_dns_msg dns;

	if (f->depth == PKT_FRAME_NONE)
		return;
	print_link(out, f);
	if (f->depth < PKT_FRAME_IP)
		return;
	print_ip(out, &f->ip);
	if (f->depth < PKT_FRAME_TRANSPORT)
		return;
	print_transport(out, f);
	if (tcpdump_dns_decode(f, &dns) > 0)
		print_dns(out, &dns);
}

void tcpdump_json_packet(struct tcpdump_run *run, const struct pcap_pkthdr *h, const uint8_t *bytes)
{
	struct sonde_out *out = run->out;
	char ifname_buf[IF_NAMESIZE];
	const char *ifname, *direction;
	struct pkt_frame f;

	pkt_frame_parse(run->linktype, bytes, h->caplen, h->len, &f);
	ifname = tcpdump_frame_ifname(run, &f, ifname_buf);
	direction = tcpdump_direction_name(f.direction);
	out_open_object(out, NULL);
	out_print_str(out, "type", NULL, "packet");
	out_print_double(out, "time_s", NULL, tcpdump_time_s(&h->ts));
	if (ifname)
		out_print_str(out, "ifname", NULL, ifname);
	else
		out_print_null(out, "ifname", NULL, NULL);
	if (direction)
		out_print_str(out, "direction", NULL, direction);
	else
		out_print_null(out, "direction", NULL, NULL);
	out_print_uint(out, "length", NULL, h->len);
	out_print_uint(out, "captured_length", NULL, h->caplen);
	out_print_uint(out, "linktype", NULL, (unsigned)run->linktype);
	print_layers(out, &f);
	out_close_object(out);
	if (run->cfg->line_buffered || run->cfg->packet_buffered)
		fflush(stdout);
}

/* The counts tcpdump prints on stderr, as the stream's last record. */
void tcpdump_json_summary(struct tcpdump_run *run)
{
	struct sonde_out *out = run->out;
	struct pcap_stat stats;

	out_open_object(out, NULL);
	out_print_str(out, "type", NULL, "summary");
	out_print_uint(out, "packets", NULL, run->captured);
	if (!run->cfg->read_file && pcap_stats(run->pcap, &stats) == 0) {
		out_print_uint(out, "received_by_filter", NULL, stats.ps_recv);
		out_print_uint(out, "dropped_by_kernel", NULL, stats.ps_drop);
	}
	out_close_object(out);
}
