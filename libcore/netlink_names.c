/* Names for rtnetlink numbers, as iproute2 prints them: built-in tables,
 * extended by /etc/iproute2/{rt_tables,rt_protos,group,rt_realms} (and their .d
 * directories) when the files exist, so user-named tables read the same as
 * in `ip`.  An empty container has no such files and gets the defaults. */
#include <dirent.h>
#include <errno.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_bridge.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/netlink.h"

#define NAME_LEN 64
#define IPROUTE2_ETC "/etc/iproute2"

struct name_entry {
	uint32_t number;
	char name[NAME_LEN];
};

struct name_map {
	const char *file;                /* under IPROUTE2_ETC */
	const struct name_entry *builtin;
	size_t builtin_count;
	struct name_entry *entries;      /* builtin, then the files' lines */
	size_t count, capacity;
	bool loaded;
};

static void map_add(struct name_map *map, uint32_t number, const char *name)
{
	size_t i;

	for (i = 0; i < map->count; i++)
		if (map->entries[i].number == number) {
			snprintf(map->entries[i].name, NAME_LEN, "%s", name);
			return;
		}
	if (map->count == map->capacity) {
		size_t capacity = map->capacity ? map->capacity * 2 : 32;
		struct name_entry *entries = realloc(map->entries, capacity * sizeof(*entries));

		if (!entries)
			return; /* names are a nicety: numbers still print */
		map->entries = entries;
		map->capacity = capacity;
	}
	map->entries[map->count].number = number;
	snprintf(map->entries[map->count].name, NAME_LEN, "%s", name);
	map->count++;
}

/* "NUMBER NAME" lines; '#' starts a comment; numbers may be hexadecimal. */
static void map_read_file(struct name_map *map, const char *path)
{
	FILE *fp = fopen(path, "re");
	char line[256];

	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		char name[NAME_LEN], *end;
		const char *p = line + strspn(line, " \t");
		unsigned long number;

		if (*p == '#' || *p == '\n' || *p == '\0')
			continue;
		number = strtoul(p, &end, 0);
		if (end == p || number > UINT32_MAX || sscanf(end, " %63[^ \t\n#]", name) != 1)
			continue;
		map_add(map, (uint32_t)number, name);
	}
	fclose(fp);
}

static void map_load(struct name_map *map)
{
	char path[512];
	size_t i;
	DIR *dir;
	struct dirent *entry;

	if (map->loaded)
		return;
	map->loaded = true;
	for (i = 0; i < map->builtin_count; i++)
		map_add(map, map->builtin[i].number, map->builtin[i].name);
	snprintf(path, sizeof(path), "%s/%s", IPROUTE2_ETC, map->file);
	map_read_file(map, path);
	snprintf(path, sizeof(path), "%s/%s.d", IPROUTE2_ETC, map->file);
	dir = opendir(path);
	while (dir && (entry = readdir(dir))) {
		size_t len = strlen(entry->d_name);
		char file[1024];

		if (len < 6 || strcmp(entry->d_name + len - 5, ".conf") != 0)
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, entry->d_name);
		map_read_file(map, file);
	}
	if (dir)
		closedir(dir);
}

static const char *map_name(struct name_map *map, uint32_t number)
{
	size_t i;

	map_load(map);
	for (i = 0; i < map->count; i++)
		if (map->entries[i].number == number)
			return map->entries[i].name;
	return NULL;
}

static int map_number(struct name_map *map, const char *text, uint32_t max, uint32_t *number)
{
	unsigned long value;
	char *end;
	size_t i;

	map_load(map);
	for (i = 0; i < map->count; i++)
		if (strcmp(map->entries[i].name, text) == 0) {
			*number = map->entries[i].number;
			return 0;
		}
	value = strtoul(text, &end, 0);
	if (end == text || *end != '\0' || value > max || text[0] == '-')
		return -EINVAL;
	*number = (uint32_t)value;
	return 0;
}

static const struct name_entry builtin_tables[] = {
	{ RT_TABLE_DEFAULT, "default" }, { RT_TABLE_MAIN, "main" }, { RT_TABLE_LOCAL, "local" },
};

static const struct name_entry builtin_protocols[] = {
	{ RTPROT_UNSPEC, "unspec" }, { RTPROT_REDIRECT, "redirect" }, { RTPROT_KERNEL, "kernel" },
	{ RTPROT_BOOT, "boot" }, { RTPROT_STATIC, "static" }, { RTPROT_GATED, "gated" },
	{ RTPROT_RA, "ra" }, { RTPROT_MRT, "mrt" }, { RTPROT_ZEBRA, "zebra" }, { RTPROT_BIRD, "bird" },
	{ RTPROT_DNROUTED, "dnrouted" }, { RTPROT_XORP, "xorp" }, { RTPROT_NTK, "ntk" },
	{ RTPROT_DHCP, "dhcp" }, { RTPROT_KEEPALIVED, "keepalived" }, { RTPROT_BABEL, "babel" },
	{ RTPROT_OPENR, "openr" }, { RTPROT_BGP, "bgp" }, { RTPROT_ISIS, "isis" },
	{ RTPROT_OSPF, "ospf" }, { RTPROT_RIP, "rip" }, { RTPROT_EIGRP, "eigrp" },
};

static const struct name_entry builtin_groups[] = { { 0, "default" } };

static struct name_map table_map = { "rt_tables", builtin_tables,
				     sizeof(builtin_tables) / sizeof(builtin_tables[0]), NULL, 0, 0, false };
static struct name_map protocol_map = { "rt_protos", builtin_protocols,
					sizeof(builtin_protocols) / sizeof(builtin_protocols[0]), NULL, 0, 0, false };
static struct name_map group_map = { "group", builtin_groups, 1, NULL, 0, 0, false };
/* No built-in realm names: nft names realms from the file alone. */
static struct name_map realm_map = { "rt_realms", NULL, 0, NULL, 0, 0, false };

const char *netlink_table_name(uint32_t table, char *buf, size_t size)
{
	const char *name;

	/* The common case without touching the files. */
	if (table == RT_TABLE_MAIN)
		return "main";
	name = map_name(&table_map, table);
	if (name)
		return name;
	snprintf(buf, size, "%u", table);
	return buf;
}

int netlink_table_parse(const char *text, uint32_t *table)
{
	return map_number(&table_map, text, UINT32_MAX, table);
}

const char *netlink_protocol_name(uint8_t protocol, char *buf, size_t size)
{
	const char *name;

	if (protocol == RTPROT_KERNEL)
		return "kernel";
	name = map_name(&protocol_map, protocol);
	if (name)
		return name;
	snprintf(buf, size, "%u", protocol);
	return buf;
}

int netlink_protocol_parse(const char *text, uint8_t *protocol)
{
	uint32_t number;
	int rc = map_number(&protocol_map, text, 255, &number);

	if (rc == 0)
		*protocol = (uint8_t)number;
	return rc;
}

const char *netlink_group_name(uint32_t group, char *buf, size_t size)
{
	const char *name = group == 0 ? "default" : map_name(&group_map, group);

	if (name)
		return name;
	snprintf(buf, size, "%u", group);
	return buf;
}

const char *netlink_realm_name(uint32_t realm)
{
	return map_name(&realm_map, realm);
}

const char *netlink_operstate_name(uint8_t operstate)
{
	static const char *const names[] = {
		"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP",
	};

	return operstate < sizeof(names) / sizeof(names[0]) ? names[operstate] : "UNKNOWN";
}

const char *netlink_route_type_name(uint8_t type, char *buf, size_t size)
{
	switch (type) {
	case RTN_UNSPEC: return "none";
	case RTN_UNICAST: return "unicast";
	case RTN_LOCAL: return "local";
	case RTN_BROADCAST: return "broadcast";
	case RTN_ANYCAST: return "anycast";
	case RTN_MULTICAST: return "multicast";
	case RTN_BLACKHOLE: return "blackhole";
	case RTN_UNREACHABLE: return "unreachable";
	case RTN_PROHIBIT: return "prohibit";
	case RTN_THROW: return "throw";
	case RTN_NAT: return "nat";
	case RTN_XRESOLVE: return "xresolve";
	}
	snprintf(buf, size, "%u", type);
	return buf;
}

const char *netlink_scope_name(uint8_t scope, char *buf, size_t size)
{
	switch (scope) {
	case RT_SCOPE_UNIVERSE: return "global";
	case RT_SCOPE_SITE: return "site";
	case RT_SCOPE_LINK: return "link";
	case RT_SCOPE_HOST: return "host";
	case RT_SCOPE_NOWHERE: return "nowhere";
	}
	snprintf(buf, size, "%u", scope);
	return buf;
}

const char *netlink_mac_format(const uint8_t *mac, size_t len, char *buf, size_t size)
{
	size_t i, used = 0;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < len && used + 3 < size; i++)
		used += (size_t)snprintf(buf + used, size - used, i ? ":%02x" : "%02x", mac[i]);
	return buf;
}

const char *netlink_link_flags_format(unsigned flags, char *buf, size_t size)
{
	/* iproute2's order, which is not the bit order. */
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ IFF_LOOPBACK, "LOOPBACK" }, { IFF_BROADCAST, "BROADCAST" },
		{ IFF_POINTOPOINT, "POINTOPOINT" }, { IFF_MULTICAST, "MULTICAST" },
		{ IFF_NOARP, "NOARP" }, { IFF_ALLMULTI, "ALLMULTI" }, { IFF_PROMISC, "PROMISC" },
		{ IFF_NOTRAILERS, "NOTRAILERS" }, { IFF_MASTER, "MASTER" }, { IFF_SLAVE, "SLAVE" },
		{ IFF_DEBUG, "DEBUG" }, { IFF_DYNAMIC, "DYNAMIC" }, { IFF_AUTOMEDIA, "AUTOMEDIA" },
		{ IFF_PORTSEL, "PORTSEL" }, { IFF_UP, "UP" }, { IFF_LOWER_UP, "LOWER_UP" },
		{ IFF_DORMANT, "DORMANT" }, { IFF_ECHO, "ECHO" },
	};
	size_t i, used = 0;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int n;

		if (!(flags & names[i].bit))
			continue;
		n = snprintf(buf + used, size - used, "%s%s", used ? "," : "", names[i].name);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
	return buf;
}

const char *netlink_link_type_name(unsigned arptype, char *buf, size_t size)
{
	static const struct {
		unsigned type;
		const char *name;
	} names[] = {
		{ ARPHRD_NETROM, "netrom" }, { ARPHRD_ETHER, "ether" }, { ARPHRD_EETHER, "eether" },
		{ ARPHRD_AX25, "ax25" }, { ARPHRD_PRONET, "pronet" }, { ARPHRD_CHAOS, "chaos" },
		{ ARPHRD_IEEE802, "ieee802" }, { ARPHRD_ARCNET, "arcnet" }, { ARPHRD_APPLETLK, "atalk" },
		{ ARPHRD_DLCI, "dlci" }, { ARPHRD_ATM, "atm" }, { ARPHRD_METRICOM, "metricom" },
		{ ARPHRD_IEEE1394, "ieee1394" }, { ARPHRD_INFINIBAND, "infiniband" },
		{ ARPHRD_SLIP, "slip" }, { ARPHRD_CSLIP, "cslip" }, { ARPHRD_SLIP6, "slip6" },
		{ ARPHRD_CSLIP6, "cslip6" }, { ARPHRD_RSRVD, "rsrvd" }, { ARPHRD_ADAPT, "adapt" },
		{ ARPHRD_ROSE, "rose" }, { ARPHRD_X25, "x25" }, { ARPHRD_HWX25, "hwx25" },
		{ ARPHRD_CAN, "can" }, { ARPHRD_PPP, "ppp" }, { ARPHRD_HDLC, "hdlc" },
		{ ARPHRD_LAPB, "lapb" }, { ARPHRD_DDCMP, "ddcmp" }, { ARPHRD_RAWHDLC, "rawhdlc" },
		{ ARPHRD_TUNNEL, "ipip" }, { ARPHRD_TUNNEL6, "tunnel6" }, { ARPHRD_FRAD, "frad" },
		{ ARPHRD_SKIP, "skip" }, { ARPHRD_LOOPBACK, "loopback" }, { ARPHRD_LOCALTLK, "ltalk" },
		{ ARPHRD_FDDI, "fddi" }, { ARPHRD_BIF, "bif" }, { ARPHRD_SIT, "sit" },
		{ ARPHRD_IPDDP, "ip/ddp" }, { ARPHRD_IPGRE, "gre" }, { ARPHRD_PIMREG, "pimreg" },
		{ ARPHRD_HIPPI, "hippi" }, { ARPHRD_ASH, "ash" }, { ARPHRD_ECONET, "econet" },
		{ ARPHRD_IRDA, "irda" }, { ARPHRD_FCPP, "fcpp" }, { ARPHRD_FCAL, "fcal" },
		{ ARPHRD_FCPL, "fcpl" }, { ARPHRD_FCFABRIC, "fcfb0" }, { ARPHRD_IEEE802_TR, "tr" },
		{ ARPHRD_IEEE80211, "ieee802.11" }, { ARPHRD_IEEE80211_PRISM, "ieee802.11/prism" },
		{ ARPHRD_IEEE80211_RADIOTAP, "ieee802.11/radiotap" }, { ARPHRD_IEEE802154, "ieee802.15.4" },
		{ ARPHRD_IEEE802154_MONITOR, "ieee802.15.4/monitor" }, { ARPHRD_PHONET, "phonet" },
		{ ARPHRD_PHONET_PIPE, "phonet_pipe" }, { ARPHRD_CAIF, "caif" }, { ARPHRD_IP6GRE, "gre6" },
		{ ARPHRD_NETLINK, "netlink" }, { ARPHRD_6LOWPAN, "6lowpan" }, { ARPHRD_NONE, "none" },
		{ ARPHRD_VOID, "void" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].type == arptype)
			return names[i].name;
	snprintf(buf, size, "[%u]", arptype);
	return buf;
}

const char *netlink_neigh_state_name(unsigned state_bit)
{
	switch (state_bit) {
	case NUD_INCOMPLETE: return "INCOMPLETE";
	case NUD_REACHABLE: return "REACHABLE";
	case NUD_STALE: return "STALE";
	case NUD_DELAY: return "DELAY";
	case NUD_PROBE: return "PROBE";
	case NUD_FAILED: return "FAILED";
	case NUD_NOARP: return "NOARP";
	case NUD_PERMANENT: return "PERMANENT";
	}
	return "NONE";
}

const char *netlink_bridge_port_state_name(uint8_t state)
{
	switch (state) {
	case BR_STATE_DISABLED: return "disabled";
	case BR_STATE_LISTENING: return "listening";
	case BR_STATE_LEARNING: return "learning";
	case BR_STATE_FORWARDING: return "forwarding";
	case BR_STATE_BLOCKING: return "blocking";
	}
	return "unknown";
}
