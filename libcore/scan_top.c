/* The top-ports ordering: sonde's own list, not nmap's (nmap-services may
 * not be copied).  It was written by hand, in this priority order:
 *
 *   1. a first tier of about a hundred TCP ports (what -F scans): what runs
 *      in and around Kubernetes clusters (DNS, the web, the API server, etcd,
 *      the kubelet and kube-proxy, CNI agents, service-mesh and ingress
 *      ports, metrics exporters), the data stores and queues clusters run,
 *      and the services any network still has (SSH, mail, file sharing,
 *      remote desktops, directories, printing);
 *   2. a second tier: more of the same families;
 *   3. for UDP, one list in the same spirit: DNS, time, overlay networks and
 *      tunnels, gossip protocols, then management, naming and voice ports;
 *   4. then every remaining port 1-1024 in ascending order, so a large N
 *      still covers the whole well-known range.
 *
 * docs/scan.md lists the result.  The order matters only for --top-ports N
 * and -F, which take a prefix of it. */
#include <errno.h>
#include <string.h>

#include "sonde/scan.h"

#define WELL_KNOWN_LAST 1024

static const uint16_t curated_tcp[] = {
	/* first tier, what -F takes: the cluster's own ports, the data stores
	 * clusters run, and the services any network still has */
	53, 80, 443, 22, 6443, 2379, 2380, 10250, 10256, 9090, 9100, 5432, 3306, 6379, 27017, 8080, 8443,
	10257, 10259, 10255, 10249, 9153, 15021, 15090, 4240, 179, 9099, 5473, 9443, 10254, 9093, 9091, 4317,
	8200, 8500, 2375, 2376, 9200, 9300, 5601, 5672, 15672, 9092, 2181, 11211, 1883, 4222, 9042, 7000,
	26257, 8086, 5984, 8000, 8001, 8081, 8888, 3000, 5000, 21, 23, 25, 465, 587, 110, 995, 143, 993,
	3389, 5900, 5985, 5986, 445, 139, 135, 389, 636, 88, 111, 2049, 873, 631, 1433, 1521, 3128, 1080,
	8008, 8009, 10000, 1723, 5060, 119, 113, 79, 554, 548, 62078, 49152,
	/* second tier: more of the same families */
	9094, 9095, 9080, 9115, 9187, 9104, 9121, 9216, 9308, 9411, 14250, 14268, 16686, 3100, 4318, 4244,
	4245, 9879, 9876, 9962, 9963, 9964, 6783, 6784, 9901, 19000, 15000, 15001, 15006, 15008, 15010,
	15012, 15014, 15017, 15020, 1936, 8404, 8181, 30000, 30080, 30443, 32000, 8201, 8300, 8301, 8302,
	8501, 8502, 8600, 4646, 4647, 4648, 2377, 5001, 7946, 27018, 27019, 9160, 7001, 5671, 8883, 6222,
	8222, 2888, 3888, 8088, 28015, 29015, 7474, 7687, 8529, 6380, 16379, 26379, 1434, 50000, 33060,
	9000, 9001, 8983, 61616, 5433, 6432, 8123, 9440, 4369, 25672, 464, 3268, 3269, 563, 515, 6514,
	8118, 1194, 5349, 5061, 70, 7, 9, 13, 19, 37, 20, 990, 989, 992, 994, 853, 8010, 8082, 8083, 8084,
	8085, 8090, 8161, 8880, 9999, 10443, 49153, 49154, 1935, 2000, 2082, 2083, 2086, 2087, 2095, 2096,
	3260, 3690, 4443, 4444, 5222, 5269, 5280, 6000, 6001, 6667, 6697, 7070, 7443, 8291, 8728, 8729,
	9418, 10050, 10051, 12345, 20000, 32400, 50070,
};

static const uint16_t curated_udp[] = {
	/* the cluster: DNS, time, overlay networks and tunnels, gossip */
	53, 123, 4789, 8472, 6081, 51820, 51821, 8285, 6784, 7946, 8301, 8302, 8600, 4648, 5353, 500, 4500,
	3478, 443, 853, 6831, 6832, 8125, 25826, 41641,
	/* network management and infrastructure */
	161, 162, 67, 68, 546, 547, 69, 514, 520, 1900, 1812, 1813, 1645, 1646, 623, 2055, 9995, 4739,
	6343, 3784, 3785, 1985, 2152, 2123, 323,
	/* file, name and directory services */
	137, 138, 111, 2049, 88, 464, 389, 427, 5355, 5351, 3702, 631, 1434,
	/* voice, video, remote access, VPN */
	5060, 5061, 5004, 5005, 1194, 1701, 3389, 60001, 5678,
	/* applications and the classic test services */
	11211, 5683, 47808, 20031, 33434, 7, 9, 13, 17, 19, 37, 49152, 49153,
	/* devices, games, conferencing, remote support */
	177, 1718, 1719, 1604, 3283, 5632, 10161, 10162, 5684, 5246, 5247, 27015, 3074, 9987, 64738, 49154,
	49155, 2302, 17185, 30718,
};

static bool seen_has(const uint8_t *seen, unsigned port)
{
	return seen[port / 8] & (1u << (port % 8));
}

/* Marks the first n ports of the ordering for proto in seen; returns how
 * many were marked (fewer than n when the list is shorter). */
static size_t mark_top(const char *proto, size_t n, uint8_t *seen)
{
	bool udp = strcmp(proto, "udp") == 0;
	const uint16_t *curated = udp ? curated_udp : curated_tcp;
	size_t curated_len = udp ? sizeof(curated_udp) / sizeof(curated_udp[0])
				 : sizeof(curated_tcp) / sizeof(curated_tcp[0]);
	size_t taken = 0, i;
	unsigned port;

	for (i = 0; i < curated_len && taken < n; i++) {
		if (seen_has(seen, curated[i]))
			continue; /* a port listed under two headings counts once */
		seen[curated[i] / 8] |= (uint8_t)(1u << (curated[i] % 8));
		taken++;
	}
	for (port = 1; port <= WELL_KNOWN_LAST && taken < n; port++) {
		if (seen_has(seen, port))
			continue;
		seen[port / 8] |= (uint8_t)(1u << (port % 8));
		taken++;
	}
	return taken;
}

int scan_top_ports(const char *proto, size_t n, struct port_list *list)
{
	static uint8_t seen[65536 / 8];
	size_t taken;
	unsigned port;

	memset(seen, 0, sizeof(seen));
	taken = mark_top(proto, n, seen);
	for (port = 1; port < 65536; port++) {
		if (!seen_has(seen, port))
			continue;
		/* A port right after the last range extends it. */
		if (list->count && list->ranges[list->count - 1].high + 1u == port) {
			list->ranges[list->count - 1].high = (uint16_t)port;
			continue;
		}
		if (list->count >= PORTS_MAX_RANGES)
			return -E2BIG;
		list->ranges[list->count++] = (struct port_range){ (uint16_t)port, (uint16_t)port };
	}
	return (int)taken;
}

size_t scan_top_ports_size(const char *proto)
{
	static uint8_t seen[65536 / 8];

	memset(seen, 0, sizeof(seen));
	return mark_top(proto, (size_t)-1, seen);
}
