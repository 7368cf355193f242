/* An ICMP error's multi-part extension (RFC 4884) as tcpdump 4.99.3
 * prints it at -v after the quoted datagram: the header 136 bytes into the
 * message (its version, checksum and length), then each object (MPLS label
 * stack entries decoded, the others as bytes).  tcpdump looks for it in
 * unreachable, time exceeded and parameter problem messages longer than
 * 136 bytes; without a length field it trusts the checksum alone. */
#include "pktprint_impl.h"

#define ICMP_EXT_OFFSET 136 /* 8 + 128: where the extension header starts */
#define ICMP_EXT_MIN_CAPTURED 141 /* what tcpdump checks is captured first */
#define ICMP_EXT_HDR_LEN 4
#define ICMP_EXT_VERSION 2
#define ICMP_EXT_OBJ_HDR_LEN 4
#define ICMP_EXT_CLASS_MPLS 1

static const char *object_class_name(uint8_t class_num)
{
	return class_num == ICMP_EXT_CLASS_MPLS ? "MPLS Stack Entry" : class_num == 2 ? "Interface Identification"
										      : "unknown";
}

/* One object's contents: an MPLS label stack entry, or bytes (as many as
 * were captured); false when the entry was not captured. */
static bool print_object(struct pp_frame *f, const uint8_t *obj, size_t avail, uint8_t class_num, uint8_t ctype,
			 size_t obj_len)
{
	uint32_t entry;

	if (class_num == ICMP_EXT_CLASS_MPLS && ctype == 1) {
		if (avail < 4)
			return false;
		entry = get32(obj);
		strbuf_printf(f->line, "\n\t    label %u, tc %u", entry >> 12, (entry >> 9) & 7);
		if (entry & 0x100)
			strbuf_puts(f->line, ", [S]");
		strbuf_printf(f->line, ", ttl %u", entry & 0xff);
		return true;
	}
	pp_hex_lines(f, "\n\t    ", obj, obj_len < avail ? obj_len : avail);
	return true;
}

/* The objects after the extension header: hlen bytes as the message's
 * length counts them, avail as captured. */
static bool print_objects(struct pp_frame *f, const uint8_t *obj, size_t hlen, size_t avail)
{
	while (hlen > ICMP_EXT_OBJ_HDR_LEN) {
		size_t obj_len;
		uint8_t class_num, ctype;

		if (avail < ICMP_EXT_OBJ_HDR_LEN)
			return false;
		obj_len = get16(obj);
		class_num = obj[2];
		ctype = obj[3];
		strbuf_printf(f->line, "\n\t  %s Object (%u), Class-Type: %u, length %zu", object_class_name(class_num),
			      class_num, ctype, obj_len);
		obj += ICMP_EXT_OBJ_HDR_LEN;
		avail -= ICMP_EXT_OBJ_HDR_LEN;
		hlen -= ICMP_EXT_OBJ_HDR_LEN;
		/* tcpdump stops at an object that cannot advance. */
		if (class_num == 0 || obj_len < ICMP_EXT_OBJ_HDR_LEN)
			return true;
		obj_len -= ICMP_EXT_OBJ_HDR_LEN;
		if (!print_object(f, obj, avail, class_num, ctype, obj_len))
			return false;
		if (hlen < obj_len)
			return true;
		hlen -= obj_len;
		/* Past the capture, the next header's check fails (marked). */
		avail = avail < obj_len ? 0 : avail - obj_len;
		obj += obj_len;
	}
	return true;
}

bool pp_icmp4_extension(struct pp_frame *f, const uint8_t *p, size_t caplen, size_t len)
{
	const uint8_t *ext = p + ICMP_EXT_OFFSET;
	size_t hlen = len - ICMP_EXT_OFFSET;
	bool whole = caplen >= len;

	if (caplen < ICMP_EXT_MIN_CAPTURED)
		return false;
	/* No length field: the checksum alone says an extension is there. */
	if (p[5] == 0 && whole && pkt_checksum(ext, hlen) != 0)
		return true;
	strbuf_printf(f->line, "\n\tICMP Multi-Part extension v%u", ext[0] >> 4);
	if (ext[0] >> 4 != ICMP_EXT_VERSION) {
		strbuf_puts(f->line, " packet not supported");
		return true;
	}
	if (whole)
		strbuf_printf(f->line, ", checksum 0x%04x (%scorrect), length %zu", get16(ext + 2),
			      pkt_checksum(ext, hlen) ? "in" : "", hlen);
	/* Too short for its own header: tcpdump reads past the message. */
	if (hlen < ICMP_EXT_HDR_LEN)
		return false;
	return print_objects(f, ext + ICMP_EXT_HDR_LEN, hlen - ICMP_EXT_HDR_LEN, caplen - ICMP_EXT_OFFSET - ICMP_EXT_HDR_LEN);
}
