/* Port <-> service name. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/services.h"

/* The protocols /etc/services names ports for; the builtin table below
 * writes tcp and udp as false and true. */
enum service_proto { SERVICE_TCP, SERVICE_UDP, SERVICE_SCTP, SERVICE_DCCP, SERVICE_PROTO_COUNT };
static const char *const service_proto_names[SERVICE_PROTO_COUNT] = { "tcp", "udp", "sctp", "dccp" };

struct service {
	uint16_t port;
	uint8_t proto;           /* enum service_proto */
	const char *name;
};

/* NULL is tcp (the callers' default); -1 for a protocol without names. */
static int service_proto_of(const char *proto)
{
	int i;

	if (!proto)
		return SERVICE_TCP;
	for (i = 0; i < SERVICE_PROTO_COUNT; i++)
		if (strcmp(proto, service_proto_names[i]) == 0)
			return i;
	return -1;
}

/* Used when /etc/services is absent: well-known names as registered with
 * IANA, plus the ports Kubernetes clusters commonly run, for tcp and udp. */
static const struct service builtin_services[] = {
	{ 7, false, "echo" }, { 7, true, "echo" }, { 9, false, "discard" }, { 13, false, "daytime" },
	{ 20, false, "ftp-data" }, { 21, false, "ftp" }, { 22, false, "ssh" }, { 23, false, "telnet" },
	{ 25, false, "smtp" }, { 37, false, "time" }, { 43, false, "whois" }, { 53, false, "domain" },
	{ 53, true, "domain" }, { 67, true, "bootps" }, { 68, true, "bootpc" }, { 69, true, "tftp" },
	{ 70, false, "gopher" }, { 79, false, "finger" }, { 80, false, "http" }, { 88, false, "kerberos" },
	{ 88, true, "kerberos" }, { 110, false, "pop3" }, { 111, false, "sunrpc" }, { 111, true, "sunrpc" },
	{ 113, false, "auth" }, { 119, false, "nntp" }, { 123, true, "ntp" }, { 135, false, "epmap" },
	{ 137, true, "netbios-ns" }, { 138, true, "netbios-dgm" }, { 139, false, "netbios-ssn" },
	{ 143, false, "imap2" }, { 161, true, "snmp" }, { 162, true, "snmp-trap" }, { 179, false, "bgp" },
	{ 389, false, "ldap" }, { 443, false, "https" }, { 443, true, "https" }, { 445, false, "microsoft-ds" },
	{ 464, false, "kpasswd" }, { 465, false, "submissions" }, { 500, true, "isakmp" },
	{ 514, true, "syslog" }, { 515, false, "printer" }, { 587, false, "submission" },
	{ 623, true, "asf-rmcp" }, { 631, false, "ipp" }, { 636, false, "ldaps" }, { 853, false, "domain-s" },
	{ 853, true, "domain-s" }, { 873, false, "rsync" }, { 989, false, "ftps-data" }, { 990, false, "ftps" },
	{ 993, false, "imaps" }, { 995, false, "pop3s" }, { 1080, false, "socks" }, { 1194, true, "openvpn" },
	{ 1433, false, "ms-sql-s" }, { 1521, false, "ncube-lm" }, { 1812, true, "radius" },
	{ 1813, true, "radius-acct" }, { 1883, false, "mqtt" }, { 2049, false, "nfs" }, { 2049, true, "nfs" },
	{ 2379, false, "etcd-client" }, { 2380, false, "etcd-server" }, { 3260, false, "iscsi-target" },
	{ 3306, false, "mysql" }, { 3389, false, "ms-wbt-server" }, { 3478, true, "stun" },
	{ 4789, true, "vxlan" }, { 5353, true, "mdns" }, { 5432, false, "postgresql" }, { 5672, false, "amqp" },
	{ 6081, true, "geneve" }, { 6443, false, "sun-sr-https" }, { 6379, false, "redis" },
	{ 8080, false, "http-alt" }, { 8443, false, "pcsync-https" }, { 9100, false, "pdl-datastream" },
	{ 11211, false, "memcache" }, { 27017, false, "mongodb" },
};

#define SERVICES_MAX 2048

static struct service file_services[SERVICES_MAX];
static char *file_text;
static size_t file_count;
static int file_state; /* 0 not read, 1 read, -1 absent */

static const char *services_path(void)
{
	const char *path = getenv("SONDE_SERVICES");

	return path && *path ? path : "/etc/services";
}

/* Lines "name port/proto [aliases] [# comment]"; the names point into
 * file_text, which stays allocated for the life of the process. */
static void services_load(void)
{
	FILE *fp = fopen(services_path(), "re");
	size_t size = 0;
	char *line, *save;

	file_state = -1;
	if (!fp)
		return;
	if (getdelim(&file_text, &size, '\0', fp) < 0) {
		fclose(fp);
		return;
	}
	fclose(fp);
	for (line = strtok_r(file_text, "\n", &save); line && file_count < SERVICES_MAX;
	     line = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(line, '#'), *name, *spec, *slash, *end, *fields;
		unsigned long port;
		int proto;

		if (hash)
			*hash = '\0';
		name = strtok_r(line, " \t", &fields);
		spec = name ? strtok_r(NULL, " \t", &fields) : NULL;
		if (!spec || !(slash = strchr(spec, '/')))
			continue;
		*slash = '\0';
		port = strtoul(spec, &end, 10);
		if (*end != '\0' || end == spec || port > 65535)
			continue;
		if ((proto = service_proto_of(slash + 1)) < 0)
			continue;
		file_services[file_count].port = (uint16_t)port;
		file_services[file_count].proto = (uint8_t)proto;
		file_services[file_count].name = name;
		file_count++;
	}
	file_state = 1;
}

static const struct service *service_table(size_t *count)
{
	if (file_state == 0)
		services_load();
	if (file_state == 1) {
		*count = file_count;
		return file_services;
	}
	*count = sizeof(builtin_services) / sizeof(builtin_services[0]);
	return builtin_services;
}

const char *services_name(uint16_t port, const char *proto)
{
	int want = service_proto_of(proto);
	const struct service *table;
	size_t count, i;

	table = service_table(&count);
	for (i = 0; i < count; i++)
		if (table[i].port == port && table[i].proto == want)
			return table[i].name;
	return NULL;
}

int services_port(const char *name, const char *proto, uint16_t *port)
{
	int want = service_proto_of(proto);
	const struct service *table;
	size_t count, i;

	table = service_table(&count);
	for (i = 0; i < count; i++)
		if (table[i].proto == want && strcmp(table[i].name, name) == 0) {
			*port = table[i].port;
			return 0;
		}
	return -ENOENT;
}
