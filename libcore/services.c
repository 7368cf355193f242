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

/* Used when /etc/services is absent (an empty container): Debian 12's
 * /etc/services (netbase 6.4), every tcp, udp and sctp line in its order,
 * each alias after its name, so that a port has the same name whether sonde
 * runs on a Debian host or in an empty root (docs/names.md).  Regenerate
 * from a newer netbase by reading each "name port/proto aliases" line into
 * one entry per name.  T, U, S: tcp, udp, sctp. */
#define T SERVICE_TCP
#define U SERVICE_UDP
#define S SERVICE_SCTP
static const struct service builtin_services[] = {
	{ 1, T, "tcpmux" }, { 7, T, "echo" }, { 7, U, "echo" }, { 9, T, "discard" }, { 9, T, "sink" },
	{ 9, T, "null" }, { 9, U, "discard" }, { 9, U, "sink" }, { 9, U, "null" }, { 11, T, "systat" },
	{ 11, T, "users" }, { 13, T, "daytime" }, { 13, U, "daytime" }, { 15, T, "netstat" },
	{ 17, T, "qotd" }, { 17, T, "quote" }, { 19, T, "chargen" }, { 19, T, "ttytst" }, { 19, T, "source" },
	{ 19, U, "chargen" }, { 19, U, "ttytst" }, { 19, U, "source" }, { 20, T, "ftp-data" },
	{ 21, T, "ftp" }, { 21, U, "fsp" }, { 21, U, "fspd" }, { 22, T, "ssh" }, { 23, T, "telnet" },
	{ 25, T, "smtp" }, { 25, T, "mail" }, { 37, T, "time" }, { 37, T, "timserver" }, { 37, U, "time" },
	{ 37, U, "timserver" }, { 43, T, "whois" }, { 43, T, "nicname" }, { 49, T, "tacacs" },
	{ 49, U, "tacacs" }, { 53, T, "domain" }, { 53, U, "domain" }, { 67, U, "bootps" },
	{ 68, U, "bootpc" }, { 69, U, "tftp" }, { 70, T, "gopher" }, { 79, T, "finger" }, { 80, T, "http" },
	{ 80, T, "www" }, { 88, T, "kerberos" }, { 88, T, "kerberos5" }, { 88, T, "krb5" },
	{ 88, T, "kerberos-sec" }, { 88, U, "kerberos" }, { 88, U, "kerberos5" }, { 88, U, "krb5" },
	{ 88, U, "kerberos-sec" }, { 102, T, "iso-tsap" }, { 102, T, "tsap" }, { 104, T, "acr-nema" },
	{ 104, T, "dicom" }, { 110, T, "pop3" }, { 110, T, "pop-3" }, { 111, T, "sunrpc" },
	{ 111, T, "portmapper" }, { 111, U, "sunrpc" }, { 111, U, "portmapper" }, { 113, T, "auth" },
	{ 113, T, "authentication" }, { 113, T, "tap" }, { 113, T, "ident" }, { 119, T, "nntp" },
	{ 119, T, "readnews" }, { 119, T, "untp" }, { 123, U, "ntp" }, { 135, T, "epmap" },
	{ 135, T, "loc-srv" }, { 137, U, "netbios-ns" }, { 138, U, "netbios-dgm" }, { 139, T, "netbios-ssn" },
	{ 143, T, "imap2" }, { 143, T, "imap" }, { 161, T, "snmp" }, { 161, U, "snmp" },
	{ 162, T, "snmp-trap" }, { 162, T, "snmptrap" }, { 162, U, "snmp-trap" }, { 162, U, "snmptrap" },
	{ 163, T, "cmip-man" }, { 163, U, "cmip-man" }, { 164, T, "cmip-agent" }, { 164, U, "cmip-agent" },
	{ 174, T, "mailq" }, { 177, U, "xdmcp" }, { 179, T, "bgp" }, { 199, T, "smux" }, { 209, T, "qmtp" },
	{ 210, T, "z3950" }, { 210, T, "wais" }, { 213, U, "ipx" }, { 319, U, "ptp-event" },
	{ 320, U, "ptp-general" }, { 345, T, "pawserv" }, { 346, T, "zserv" }, { 369, T, "rpc2portmap" },
	{ 369, U, "rpc2portmap" }, { 370, T, "codaauth2" }, { 370, U, "codaauth2" }, { 371, U, "clearcase" },
	{ 371, U, "Clearcase" }, { 389, T, "ldap" }, { 389, U, "ldap" }, { 427, T, "svrloc" },
	{ 427, U, "svrloc" }, { 443, T, "https" }, { 443, U, "https" }, { 444, T, "snpp" },
	{ 445, T, "microsoft-ds" }, { 464, T, "kpasswd" }, { 464, U, "kpasswd" }, { 465, T, "submissions" },
	{ 465, T, "ssmtp" }, { 465, T, "smtps" }, { 465, T, "urd" }, { 487, T, "saft" }, { 500, U, "isakmp" },
	{ 554, T, "rtsp" }, { 554, U, "rtsp" }, { 607, T, "nqs" }, { 623, U, "asf-rmcp" }, { 628, T, "qmqp" },
	{ 631, T, "ipp" }, { 646, T, "ldp" }, { 646, U, "ldp" }, { 512, T, "exec" }, { 512, U, "biff" },
	{ 512, U, "comsat" }, { 513, T, "login" }, { 513, U, "who" }, { 513, U, "whod" }, { 514, T, "shell" },
	{ 514, T, "cmd" }, { 514, T, "syslog" }, { 514, U, "syslog" }, { 515, T, "printer" },
	{ 515, T, "spooler" }, { 517, U, "talk" }, { 518, U, "ntalk" }, { 520, U, "route" },
	{ 520, U, "router" }, { 520, U, "routed" }, { 538, T, "gdomap" }, { 538, U, "gdomap" },
	{ 540, T, "uucp" }, { 540, T, "uucpd" }, { 543, T, "klogin" }, { 544, T, "kshell" },
	{ 544, T, "krcmd" }, { 546, U, "dhcpv6-client" }, { 547, U, "dhcpv6-server" },
	{ 548, T, "afpovertcp" }, { 563, T, "nntps" }, { 563, T, "snntp" }, { 587, T, "submission" },
	{ 636, T, "ldaps" }, { 636, U, "ldaps" }, { 655, T, "tinc" }, { 655, U, "tinc" }, { 706, T, "silc" },
	{ 749, T, "kerberos-adm" }, { 853, T, "domain-s" }, { 853, U, "domain-s" }, { 873, T, "rsync" },
	{ 989, T, "ftps-data" }, { 990, T, "ftps" }, { 992, T, "telnets" }, { 993, T, "imaps" },
	{ 995, T, "pop3s" }, { 1080, T, "socks" }, { 1093, T, "proofd" }, { 1094, T, "rootd" },
	{ 1194, T, "openvpn" }, { 1194, U, "openvpn" }, { 1099, T, "rmiregistry" }, { 1352, T, "lotusnote" },
	{ 1352, T, "lotusnotes" }, { 1433, T, "ms-sql-s" }, { 1434, U, "ms-sql-m" },
	{ 1524, T, "ingreslock" }, { 1645, T, "datametrics" }, { 1645, T, "old-radius" },
	{ 1645, U, "datametrics" }, { 1645, U, "old-radius" }, { 1646, T, "sa-msg-port" },
	{ 1646, T, "old-radacct" }, { 1646, U, "sa-msg-port" }, { 1646, U, "old-radacct" },
	{ 1649, T, "kermit" }, { 1677, T, "groupwise" }, { 1701, U, "l2f" }, { 1701, U, "l2tp" },
	{ 1812, T, "radius" }, { 1812, U, "radius" }, { 1813, T, "radius-acct" }, { 1813, T, "radacct" },
	{ 1813, U, "radius-acct" }, { 1813, U, "radacct" }, { 2000, T, "cisco-sccp" }, { 2049, T, "nfs" },
	{ 2049, U, "nfs" }, { 2086, T, "gnunet" }, { 2086, U, "gnunet" }, { 2101, T, "rtcm-sc104" },
	{ 2101, U, "rtcm-sc104" }, { 2119, T, "gsigatekeeper" }, { 2135, T, "gris" },
	{ 2401, T, "cvspserver" }, { 2430, T, "venus" }, { 2430, U, "venus" }, { 2431, T, "venus-se" },
	{ 2431, U, "venus-se" }, { 2432, T, "codasrv" }, { 2432, U, "codasrv" }, { 2433, T, "codasrv-se" },
	{ 2433, U, "codasrv-se" }, { 2583, T, "mon" }, { 2583, U, "mon" }, { 2628, T, "dict" },
	{ 2792, T, "f5-globalsite" }, { 2811, T, "gsiftp" }, { 2947, T, "gpsd" }, { 3050, T, "gds-db" },
	{ 3050, T, "gds_db" }, { 3130, U, "icpv2" }, { 3130, U, "icp" }, { 3205, T, "isns" },
	{ 3205, U, "isns" }, { 3260, T, "iscsi-target" }, { 3306, T, "mysql" }, { 3389, T, "ms-wbt-server" },
	{ 3493, T, "nut" }, { 3493, U, "nut" }, { 3632, T, "distcc" }, { 3689, T, "daap" },
	{ 3690, T, "svn" }, { 3690, T, "subversion" }, { 4031, T, "suucp" }, { 4094, T, "sysrqd" },
	{ 4190, T, "sieve" }, { 4369, T, "epmd" }, { 4373, T, "remctl" }, { 4353, T, "f5-iquery" },
	{ 4460, T, "ntske" }, { 4500, U, "ipsec-nat-t" }, { 4569, U, "iax" }, { 4691, T, "mtn" },
	{ 4899, T, "radmin-port" }, { 5060, T, "sip" }, { 5060, U, "sip" }, { 5061, T, "sip-tls" },
	{ 5061, U, "sip-tls" }, { 5222, T, "xmpp-client" }, { 5222, T, "jabber-client" },
	{ 5269, T, "xmpp-server" }, { 5269, T, "jabber-server" }, { 5308, T, "cfengine" },
	{ 5353, U, "mdns" }, { 5432, T, "postgresql" }, { 5432, T, "postgres" }, { 5556, T, "freeciv" },
	{ 5556, T, "rptp" }, { 5671, T, "amqps" }, { 5672, T, "amqp" }, { 5672, S, "amqp" },
	{ 6000, T, "x11" }, { 6000, T, "x11-0" }, { 6001, T, "x11-1" }, { 6002, T, "x11-2" },
	{ 6003, T, "x11-3" }, { 6004, T, "x11-4" }, { 6005, T, "x11-5" }, { 6006, T, "x11-6" },
	{ 6007, T, "x11-7" }, { 6346, T, "gnutella-svc" }, { 6346, U, "gnutella-svc" },
	{ 6347, T, "gnutella-rtr" }, { 6347, U, "gnutella-rtr" }, { 6379, T, "redis" },
	{ 6444, T, "sge-qmaster" }, { 6444, T, "sge_qmaster" }, { 6445, T, "sge-execd" },
	{ 6445, T, "sge_execd" }, { 6446, T, "mysql-proxy" }, { 6696, U, "babel" }, { 6697, T, "ircs-u" },
	{ 7000, T, "bbs" }, { 7000, U, "afs3-fileserver" }, { 7001, U, "afs3-callback" },
	{ 7002, U, "afs3-prserver" }, { 7003, U, "afs3-vlserver" }, { 7004, U, "afs3-kaserver" },
	{ 7005, U, "afs3-volser" }, { 7007, U, "afs3-bos" }, { 7008, U, "afs3-update" },
	{ 7009, U, "afs3-rmtsys" }, { 7100, T, "font-service" }, { 7100, T, "xfs" }, { 8080, T, "http-alt" },
	{ 8080, T, "webcache" }, { 8140, T, "puppet" }, { 9101, T, "bacula-dir" }, { 9102, T, "bacula-fd" },
	{ 9103, T, "bacula-sd" }, { 9667, T, "xmms2" }, { 10809, T, "nbd" }, { 10050, T, "zabbix-agent" },
	{ 10051, T, "zabbix-trapper" }, { 10080, T, "amanda" }, { 11112, T, "dicom" }, { 11371, T, "hkp" },
	{ 17500, T, "db-lsp" }, { 22125, T, "dcap" }, { 22128, T, "gsidcap" }, { 22273, T, "wnn6" },
	{ 750, U, "kerberos4" }, { 750, U, "kerberos-iv" }, { 750, U, "kdc" }, { 750, T, "kerberos4" },
	{ 750, T, "kerberos-iv" }, { 750, T, "kdc" }, { 751, U, "kerberos-master" },
	{ 751, U, "kerberos_master" }, { 751, T, "kerberos-master" }, { 752, U, "passwd-server" },
	{ 752, U, "passwd_server" }, { 754, T, "krb-prop" }, { 754, T, "krb_prop" }, { 754, T, "krb5_prop" },
	{ 754, T, "hprop" }, { 2102, U, "zephyr-srv" }, { 2103, U, "zephyr-clt" }, { 2104, U, "zephyr-hm" },
	{ 2121, T, "iprop" }, { 871, T, "supfilesrv" }, { 1127, T, "supfiledbg" }, { 106, T, "poppassd" },
	{ 775, T, "moira-db" }, { 775, T, "moira_db" }, { 777, T, "moira-update" },
	{ 777, T, "moira_update" }, { 779, U, "moira-ureg" }, { 779, U, "moira_ureg" }, { 783, T, "spamd" },
	{ 1178, T, "skkserv" }, { 1210, U, "predict" }, { 1236, T, "rmtcfg" }, { 1313, T, "xtel" },
	{ 1314, T, "xtelw" }, { 2600, T, "zebrasrv" }, { 2601, T, "zebra" }, { 2602, T, "ripd" },
	{ 2603, T, "ripngd" }, { 2604, T, "ospfd" }, { 2605, T, "bgpd" }, { 2606, T, "ospf6d" },
	{ 2607, T, "ospfapi" }, { 2608, T, "isisd" }, { 4557, T, "fax" }, { 4559, T, "hylafax" },
	{ 4949, T, "munin" }, { 4949, T, "lrrd" }, { 5555, U, "rplay" }, { 5666, T, "nrpe" },
	{ 5667, T, "nsca" }, { 5680, T, "canna" }, { 6514, T, "syslog-tls" }, { 6566, T, "sane-port" },
	{ 6566, T, "sane" }, { 6566, T, "saned" }, { 6667, T, "ircd" }, { 8021, T, "zope-ftp" },
	{ 8081, T, "tproxy" }, { 8088, T, "omniorb" }, { 8990, T, "clc-build-daemon" }, { 9098, T, "xinetd" },
	{ 9418, T, "git" }, { 9673, T, "zope" }, { 10000, T, "webmin" }, { 10081, T, "kamanda" },
	{ 10082, T, "amandaidx" }, { 10083, T, "amidxtape" }, { 17001, U, "sgi-cmsd" },
	{ 17002, U, "sgi-crsd" }, { 17003, U, "sgi-gcd" }, { 17004, T, "sgi-cad" }, { 24554, T, "binkp" },
	{ 27374, T, "asp" }, { 27374, U, "asp" }, { 30865, T, "csync2" }, { 57000, T, "dircproxy" },
	{ 60177, T, "tfido" }, { 60179, T, "fido" },
};
#undef T
#undef U
#undef S

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
		/* The name, then its aliases ("http 80/tcp www"): a port's name is
		 * its first entry, a lookup by name finds aliases too, as
		 * getservbyname does. */
		for (; name && file_count < SERVICES_MAX; name = strtok_r(NULL, " \t", &fields)) {
			file_services[file_count].port = (uint16_t)port;
			file_services[file_count].proto = (uint8_t)proto;
			file_services[file_count].name = name;
			file_count++;
		}
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

/* --- /etc/protocols ------------------------------------------------------ */

#define PROTOCOLS_PATH "/etc/protocols"

static char *protocol_names[256];
static bool protocol_names_loaded;

static void protocols_load(void)
{
	FILE *fp = fopen(PROTOCOLS_PATH, "re");
	char line[256];

	protocol_names_loaded = true;
	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		char name[64];
		unsigned number;

		if (line[0] == '#' || sscanf(line, "%63s %u", name, &number) != 2 || number > 255)
			continue;
		if (!protocol_names[number])
			protocol_names[number] = strdup(name);
	}
	fclose(fp);
}

const char *protocols_name(unsigned proto)
{
	if (!protocol_names_loaded)
		protocols_load();
	return proto < 256 ? protocol_names[proto] : NULL;
}

int protocols_number(const char *name)
{
	FILE *fp = fopen(PROTOCOLS_PATH, "re");
	char line[256];
	int found = -1;

	if (!fp)
		return -1;
	while (found < 0 && fgets(line, sizeof(line), fp)) {
		char *save = NULL, *word = strtok_r(line, " \t\n", &save), *number = strtok_r(NULL, " \t\n", &save);
		bool match;

		if (!word || word[0] == '#' || !number)
			continue;
		match = strcmp(word, name) == 0;
		while (!match && (word = strtok_r(NULL, " \t\n", &save)) && word[0] != '#')
			match = strcmp(word, name) == 0;
		if (match && strtoul(number, NULL, 10) <= 255)
			found = (int)strtoul(number, NULL, 10);
	}
	fclose(fp);
	return found;
}
