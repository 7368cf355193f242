/* The top-ports ordering: sonde's own list, not nmap's (nmap-services may
 * not be copied).  It was written by hand, in this priority order:
 *
 *   1. what runs in and around Kubernetes clusters: DNS, the web, the API
 *      server, etcd, the kubelet and kube-proxy, ingress and service-mesh
 *      ports, metrics exporters;
 *   2. the databases, queues and caches those clusters run;
 *   3. remote access and the classic Internet services (mail, file
 *      transfer, directory, printing, Windows networking);
 *   4. then every remaining port 1-1024 in ascending order (for TCP and for
 *      UDP), so a large N still covers the whole well-known range.
 *
 * docs/scan.md lists the result.  The order matters only for --top-ports N
 * and -F, which take a prefix of it. */
#include <errno.h>
#include <string.h>

#include "sonde/scan.h"

#define WELL_KNOWN_LAST 1024

static const uint16_t curated_tcp[] = {
	/* 1. cluster infrastructure */
	53, 80, 443, 6443, 2379, 2380, 10250, 10256, 10257, 10259, 10255, 10249, 9090, 9100, 9093, 9091,
	9094, 3000, 8080, 8443, 8000, 8001, 8081, 8888, 5000, 30000, 30080, 30443, 32000, 15000, 15001,
	15006, 15008, 15010, 15012, 15014, 15017, 15020, 15021, 15090, 4240, 4244, 4245, 9879, 9876, 9962,
	9963, 9964, 179, 4789, 6783, 6784, 5473, 9099, 9153, 8181, 9443, 10254, 1936, 8404, 9901, 19000,
	4317, 4318, 9411, 14250, 14268, 16686, 3100, 9095, 9080, 9115, 9187, 9104, 9121, 9216, 9308, 8200,
	8201, 8300, 8301, 8302, 8500, 8501, 8502, 8600, 4646, 4647, 4648, 2376, 2377, 2375, 5001, 7946,
	/* 2. databases, queues, caches, search */
	5432, 3306, 6379, 27017, 27018, 27019, 9042, 9160, 7000, 7001, 9200, 9300, 5601, 11211, 5672, 15672,
	5671, 1883, 8883, 4222, 6222, 8222, 9092, 9093, 2181, 2888, 3888, 8086, 8088, 26257, 28015, 29015,
	7474, 7687, 8529, 5984, 6380, 16379, 26379, 1433, 1434, 1521, 50000, 33060, 9000, 9001, 8983, 61616,
	5433, 6432, 8123, 9440, 4369, 25672,
	/* 3. remote access and classic services */
	22, 21, 23, 25, 465, 587, 110, 995, 143, 993, 3389, 5900, 5901, 5985, 5986, 445, 139, 135, 389, 636,
	88, 464, 3268, 3269, 111, 2049, 873, 119, 563, 631, 515, 9100, 161, 162, 514, 6514, 1080, 3128, 8118,
	1194, 1723, 500, 4500, 1812, 1813, 3478, 5349, 5060, 5061, 119, 70, 79, 113, 43, 7, 9, 13, 19, 37,
	20, 69, 990, 989, 992, 994, 853, 5353, 8008, 8009, 8010, 8082, 8083, 8084, 8085, 8090, 8161, 8880,
	9999, 10000, 10443, 49152, 49153, 49154, 62078, 548, 554, 1935, 1900, 2000, 2082, 2083, 2086, 2087,
	2095, 2096, 3260, 3690, 4443, 4444, 5222, 5269, 5280, 6000, 6001, 6667, 6697, 7070, 7443, 8291,
	8728, 8729, 9418, 10050, 10051, 11214, 11215, 12345, 20000, 32400, 50070,
};

static const uint16_t curated_udp[] = {
	/* 1. cluster infrastructure */
	53, 123, 4789, 8472, 6081, 51820, 51821, 8285, 6784, 5353, 4500, 500, 3478, 443,
	/* 3. classic services that answer over UDP */
	161, 162, 67, 68, 69, 137, 138, 111, 2049, 514, 520, 1900, 1812, 1813, 1645, 1646, 5060, 1194,
	1701, 11211, 623, 19, 7, 9, 13, 17, 37, 88, 464, 389, 636, 177, 427, 4433, 5351, 5355, 10161,
	10162, 6343, 2055, 9995, 4739, 47808, 1434, 5683, 20031, 3702, 33434, 49152, 49153,
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
