/* What a UDP scan sends so that services answer: a UDP service that gets a
 * datagram it does not understand usually stays silent, and silence only
 * says open|filtered.  Each payload below is the smallest well-formed
 * request of its protocol, built from the protocol's RFC.  Also the keyed
 * hash that SYN probes take their sequence numbers from. */
#include <string.h>

#include "sonde/scan.h"

/* DNS (RFC 1035): id 0x534f, RD set, one question: ". IN NS". */
static const uint8_t dns_query[] = {
	0x53, 0x4f, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01,
};

/* NTP (RFC 5905): a version 4 client request, leap indicator "unknown". */
static const uint8_t ntp_request[48] = { 0xe3 };

/* SNMP v2c (RFC 3416) get-request, community "public", for sysDescr.0. */
static const uint8_t snmp_get[] = {
	0x30, 0x29, 0x02, 0x01, 0x01, 0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c', 0xa0, 0x1c, 0x02, 0x04, 0x53,
	0x4f, 0x4e, 0x44, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06,
	0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x05, 0x00,
};

/* NetBIOS name service (RFC 1002): a node status query for "*". */
static const uint8_t netbios_status[] = {
	0x53, 0x4f, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 'C', 'K', 'A', 'A', 'A',
	'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A',
	'A', 'A', 'A', 'A', 'A', 'A', 'A', 0x00, 0x00, 0x21, 0x00, 0x01,
};

/* ONC RPC (RFC 5531): the portmapper's NULL procedure, AUTH_NULL. */
static const uint8_t rpc_null[] = {
	0x53, 0x4f, 0x4e, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x86, 0xa0,
	0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* NFS (RFC 1813) over ONC RPC: the NULL procedure of program 100003,
 * version 3, AUTH_NULL. */
static const uint8_t nfs_null[] = {
	0x53, 0x4f, 0x4e, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x86, 0xa3,
	0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* XDMCP (X Display Manager Control Protocol 1.1): a Query, version 1,
 * opcode 2, one byte of body: no authentication names. */
static const uint8_t xdmcp_query[] = { 0x00, 0x01, 0x00, 0x02, 0x00, 0x01, 0x00 };

/* RIPv2 (RFC 2453, 3.9.1): a request for the whole table, one entry with
 * address family 0 and metric 16. */
static const uint8_t rip_request[] = {
	0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

/* IPMI's RMCP (DMTF ASF 2.0): an ASF presence ping, IANA number 4542. */
static const uint8_t asf_presence_ping[] = { 0x06, 0x00, 0xff, 0x06, 0x00, 0x00, 0x11, 0xbe, 0x80, 0x00, 0x00, 0x00 };

/* SQL Server Resolution Protocol (MC-SQLR): CLNT_UCAST_EX, which asks for
 * the server's instances. */
static const uint8_t sqlr_unicast[] = { 0x03 };

/* TFTP (RFC 1350): a read request; a server answers with data or an error. */
static const uint8_t tftp_read[] = { 0x00, 0x01, 's', 'o', 'n', 'd', 'e', 0x00, 'o', 'c', 't', 'e', 't', 0x00 };

/* STUN (RFC 8489): a binding request with the magic cookie. */
static const uint8_t stun_binding[] = {
	0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 's', 'o', 'n', 'd', 'e', '-', 's', 'c', 'a', 'n', '-', '1',
};

/* memcached's UDP frame header, then "stats". */
static const uint8_t memcached_stats[] = {
	0x53, 0x4f, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 's', 't', 'a', 't', 's', '\r', '\n',
};

/* Echo (RFC 862) and the character generator (RFC 864) answer any
 * datagram, but not an empty one. */
static const uint8_t echo_line[] = { 's', 'o', 'n', 'd', 'e', '\r', '\n' };

/* SIP (RFC 3261): an OPTIONS request, which any SIP element answers. */
static const char sip_options[] = "OPTIONS sip:sonde.invalid SIP/2.0\r\n"
				  "Via: SIP/2.0/UDP sonde.invalid;branch=z9hG4bK-sonde-scan\r\n"
				  "Max-Forwards: 70\r\nTo: <sip:sonde.invalid>\r\n"
				  "From: <sip:sonde@sonde.invalid>;tag=sonde\r\nCall-ID: sonde-scan@sonde.invalid\r\n"
				  "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

/* SSDP (UPnP): a discovery request for every device. */
static const char ssdp_search[] = "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
				  "MAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n";

struct udp_payload {
	uint16_t port;
	const uint8_t *bytes;
	size_t len;
};

#define PAYLOAD(PORT, ARRAY) { PORT, (const uint8_t *)(ARRAY), sizeof(ARRAY) }

static const struct udp_payload payloads[] = {
	PAYLOAD(7, echo_line),        PAYLOAD(19, echo_line),
	PAYLOAD(53, dns_query),       PAYLOAD(69, tftp_read),        PAYLOAD(111, rpc_null),
	PAYLOAD(123, ntp_request),    PAYLOAD(137, netbios_status),  PAYLOAD(161, snmp_get),
	PAYLOAD(177, xdmcp_query),    PAYLOAD(520, rip_request),     PAYLOAD(623, asf_presence_ping),
	PAYLOAD(1434, sqlr_unicast),  PAYLOAD(2049, nfs_null),       PAYLOAD(3478, stun_binding),
	PAYLOAD(5353, dns_query),     PAYLOAD(11211, memcached_stats),
	{ 1900, (const uint8_t *)ssdp_search, sizeof(ssdp_search) - 1 },
	{ 5060, (const uint8_t *)sip_options, sizeof(sip_options) - 1 },
};

const uint8_t *scan_udp_payload(uint16_t port, size_t *len)
{
	size_t i;

	for (i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++)
		if (payloads[i].port == port) {
			*len = payloads[i].len;
			return payloads[i].bytes;
		}
	*len = 0;
	return NULL;
}

/* --- SipHash-2-4 (Aumasson and Bernstein) ------------------------------------ */

static uint64_t rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static uint64_t load_le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl(v[1], 13) ^ v[0];
	v[0] = rotl(v[0], 32);
	v[2] += v[3];
	v[3] = rotl(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = rotl(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = rotl(v[1], 17) ^ v[2];
	v[2] = rotl(v[2], 32);
}

static void sip_absorb(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	sip_round(v);
	sip_round(v);
	v[0] ^= m;
}

uint64_t scan_siphash(const uint8_t key[16], const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
	uint64_t v[4] = { k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL, k0 ^ 0x6c7967656e657261ULL,
			  k1 ^ 0x7465646279746573ULL };
	uint8_t tail[8] = { 0 };
	size_t whole = len - len % 8, i;

	for (i = 0; i < whole; i += 8)
		sip_absorb(v, load_le64(p + i));
	memcpy(tail, p + whole, len - whole);
	tail[7] = (uint8_t)len;
	sip_absorb(v, load_le64(tail));
	v[2] ^= 0xff;
	for (i = 0; i < 4; i++)
		sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

uint32_t scan_tcp_cookie(const uint8_t key[16], const struct sonde_addr *dst, uint16_t sport)
{
	uint8_t tuple[16 + 4];
	size_t len;
	uint16_t dport = addr_port(dst);

	if (addr_family(dst) == AF_INET6) {
		memcpy(tuple, &dst->u.in6.sin6_addr, 16);
		len = 16;
	} else {
		memcpy(tuple, &dst->u.in4.sin_addr, 4);
		len = 4;
	}
	memcpy(tuple + len, &dport, 2);
	memcpy(tuple + len + 2, &sport, 2);
	return (uint32_t)scan_siphash(key, tuple, len + 4);
}
