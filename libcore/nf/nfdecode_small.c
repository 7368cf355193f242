/* Decoders of the time, helper, mac, cluster, realm, u32, osf and bpf
 * matches, in iptables 1.8.9's save and list forms. */
#include <errno.h>
#include <limits.h>
#include <linux/netfilter.h>
#include <linux/filter.h>
#include <linux/netfilter/nfnetlink_osf.h>
#include <linux/netfilter/xt_bpf.h>
#include <linux/netfilter/xt_cluster.h>
#include <linux/netfilter/xt_helper.h>
#include <linux/netfilter/xt_mac.h>
#include <linux/netfilter/xt_realm.h>
#include <linux/netfilter/xt_time.h>
#include <linux/netfilter/xt_u32.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "nfdecode_impl.h"

/* --- time -------------------------------------------------------------- */

enum { TIME_LAST_SECOND_OF_DAY = 24 * 60 * 60 - 1, TIME_ALL_WEEKDAYS = 0xfe };
static const uint32_t time_all_monthdays = 0xfffffffeu;

static void time_of_day(struct strbuf *out, const char *label, uint32_t seconds)
{
	strbuf_printf(out, " %s %02u:%02u:%02u", label, seconds / 3600, seconds / 60 % 60, seconds % 60);
}

/* A date in UTC; iptables leaves out 0 (and LONG_MAX, which 32 bits never
 * hold). */
static void time_date(struct strbuf *out, uint32_t date, const char *option)
{
	time_t when = date;
	struct tm t;

	if (date == 0 || !gmtime_r(&when, &t))
		return;
	strbuf_printf(out, option ? " %s %04u-%02u-%02uT%02u:%02u:%02u" : "%s %04u-%02u-%02u %02u:%02u:%02u",
		     option ? option : "", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec);
}

static void time_monthdays(struct strbuf *out, uint32_t mask, bool ordinal)
{
	static const char *const suffixes[] = { "th", "st", "nd", "rd", "th", "th", "th", "th", "th", "th" };
	const char *sep = "";
	unsigned day;

	strbuf_puts(out, " ");
	for (day = 1; day <= 31; day++) {
		if (!(mask & (1u << day)))
			continue;
		strbuf_printf(out, "%s%u%s", sep, day, ordinal ? suffixes[day % 10] : "");
		sep = ",";
	}
}

static void time_weekdays(struct strbuf *out, uint8_t mask)
{
	static const char *const names[] = { NULL, "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	const char *sep = "";
	unsigned day;

	strbuf_puts(out, " ");
	for (day = 1; day <= 7; day++) {
		if (!(mask & (1u << day)))
			continue;
		strbuf_printf(out, "%s%s", sep, names[day]);
		sep = ",";
	}
}

static bool time_has_daytime(const struct xt_time_info *info)
{
	return info->daytime_start != 0 || info->daytime_stop != TIME_LAST_SECOND_OF_DAY;
}

static void time_save(struct strbuf *out, const struct xt_time_info *info)
{
	if (time_has_daytime(info)) {
		time_of_day(out, "--timestart", info->daytime_start);
		time_of_day(out, "--timestop", info->daytime_stop);
	}
	if (info->monthdays_match != time_all_monthdays) {
		strbuf_puts(out, " --monthdays");
		time_monthdays(out, info->monthdays_match, false);
	}
	if (info->weekdays_match != TIME_ALL_WEEKDAYS) {
		strbuf_puts(out, " --weekdays");
		time_weekdays(out, info->weekdays_match);
	}
	time_date(out, info->date_start, "--datestart");
	time_date(out, info->date_stop, "--datestop");
	if (info->flags & XT_TIME_LOCAL_TZ)
		strbuf_puts(out, " --kerneltz");
	if (info->flags & XT_TIME_CONTIGUOUS)
		strbuf_puts(out, " --contiguous");
}

static void time_list(struct strbuf *out, const struct xt_time_info *info)
{
	strbuf_puts(out, " TIME");
	if (time_has_daytime(info)) {
		time_of_day(out, "from", info->daytime_start);
		time_of_day(out, "to", info->daytime_stop);
	}
	if (info->weekdays_match != TIME_ALL_WEEKDAYS) {
		strbuf_puts(out, " on");
		time_weekdays(out, info->weekdays_match);
	}
	if (info->monthdays_match != time_all_monthdays) {
		strbuf_puts(out, " on");
		time_monthdays(out, info->monthdays_match, true);
	}
	if (info->date_start != 0) {
		strbuf_puts(out, " starting from");
		time_date(out, info->date_start, NULL);
	}
	if (info->date_stop != INT_MAX) {
		strbuf_puts(out, " until date");
		time_date(out, info->date_stop, NULL);
	}
	if (!(info->flags & XT_TIME_LOCAL_TZ))
		strbuf_puts(out, " UTC");
	if (info->flags & XT_TIME_CONTIGUOUS)
		strbuf_puts(out, " contiguous");
}

int nfdecode_time(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_time_info info;

	nfdecode_load(&info, sizeof(info), ext);
	if (nfdecode_save(o))
		time_save(out, &info);
	else
		time_list(out, &info);
	return 0;
}

/* --- helper, mac, cluster ---------------------------------------------- */

int nfdecode_helper(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_helper_info info;
	char name[sizeof(info.name) + 1];
	size_t n;

	nfdecode_load(&info, sizeof(info), ext);
	n = strnlen(info.name, sizeof(info.name));
	memcpy(name, info.name, n);
	name[n] = '\0';
	if (nfdecode_save(o)) {
		strbuf_printf(out, "%s --helper", info.invert ? " !" : "");
		nfbuf_save_string(out, name);
	} else {
		strbuf_printf(out, " helper match %s\"%s\"", info.invert ? "! " : "", name);
	}
	return 0;
}

int nfdecode_mac(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_mac_info info;
	const unsigned char *a;

	nfdecode_load(&info, sizeof(info), ext);
	a = info.srcaddr;
	if (nfdecode_save(o))
		strbuf_puts(out, info.invert ? " ! --mac-source " : " --mac-source ");
	else
		strbuf_puts(out, info.invert ? " MAC ! " : " MAC ");
	strbuf_printf(out, "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3], a[4], a[5]);
	return 0;
}

int nfdecode_cluster(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_cluster_match_info info;
	bool invert;

	nfdecode_load(&info, sizeof(info), ext);
	invert = info.flags & XT_CLUSTER_F_INV;
	if (nfdecode_save(o))
		strbuf_printf(out, "%s --cluster-local-nodemask 0x%08x --cluster-total-nodes %u --cluster-hash-seed 0x%08x",
			     invert ? " !" : "", info.node_mask, info.total_nodes, info.hash_seed);
	else
		strbuf_printf(out, " cluster %snode_mask=0x%08x total_nodes=%u hash_seed=0x%08x", invert ? "!" : "",
			     info.node_mask, info.total_nodes, info.hash_seed);
	return 0;
}

/* --- realm ------------------------------------------------------------ */

/* Realm names, as iptables reads /etc/iproute2/rt_realms: "ID NAME" lines
 * (ID decimal, or hex after "0x", at most 255), '#' comments, the first
 * name of an id winning. */
static char *realm_names[256];
static bool realm_names_loaded;

static void realm_line(char *line)
{
	char *cur = line, *end, *name;
	unsigned long id;

	while (*cur == ' ' || (*cur >= '\t' && *cur <= '\r'))
		cur++;
	if (*cur == '#' || *cur == '\0')
		return;
	errno = 0;
	id = strtoul(cur, &end, strncmp(cur, "0x", 2) == 0 ? 16 : 10);
	if (end == cur || errno != 0 || id > 255 || !(*end == ' ' || (*end >= '\t' && *end <= '\r')))
		return;
	name = strtok(end, " \t\n\v\f\r");
	if (!name || name[0] == '#' || realm_names[id])
		return;
	realm_names[id] = strdup(name);
}

static const char *realm_name(uint32_t id)
{
	char line[512];
	FILE *fp;

	if (!realm_names_loaded) {
		realm_names_loaded = true;
		if ((fp = fopen("/etc/iproute2/rt_realms", "re"))) {
			while (fgets(line, sizeof(line), fp))
				realm_line(line);
			fclose(fp);
		}
	}
	return id < 256 ? realm_names[id] : NULL;
}

int nfdecode_realm(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_realm_info info;
	const char *name;

	nfdecode_load(&info, sizeof(info), ext);
	strbuf_puts(out, info.invert ? " !" : "");
	strbuf_puts(out, nfdecode_save(o) ? " --realm" : " realm");
	name = info.mask == 0xffffffffu && (nfdecode_save(o) || !o->numeric) ? realm_name(info.id) : NULL;
	if (info.mask != 0xffffffffu)
		strbuf_printf(out, " 0x%x/0x%x", info.id, info.mask);
	else if (name)
		strbuf_printf(out, " %s", name);
	else
		strbuf_printf(out, " 0x%x", info.id);
	return 0;
}

/* --- u32, osf, bpf ----------------------------------------------------- */

static void u32_test(struct strbuf *out, const struct xt_u32_test *t)
{
	static const char *const ops[] = { [XT_U32_AND] = "&", [XT_U32_LEFTSH] = "<<", [XT_U32_RIGHTSH] = ">>",
					   [XT_U32_AT] = "@" };
	unsigned i;

	strbuf_printf(out, "0x%x", t->location[0].number);
	for (i = 1; i < t->nnums; i++) {
		uint8_t op = t->location[i].nextop;

		strbuf_printf(out, "%s0x%x", op <= XT_U32_AT ? ops[op] : "", t->location[i].number);
	}
	strbuf_puts(out, "=");
	for (i = 0; i < t->nvalues; i++) {
		strbuf_puts(out, i ? "," : "");
		if (t->value[i].min == t->value[i].max)
			strbuf_printf(out, "0x%x", t->value[i].min);
		else
			strbuf_printf(out, "0x%x:0x%x", t->value[i].min, t->value[i].max);
	}
}

int nfdecode_u32(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_u32 info;
	unsigned i;

	nfdecode_load(&info, sizeof(info), ext);
	if (info.ntests > XT_U32_MAXSIZE + 1)
		return -EINVAL;
	for (i = 0; i < info.ntests; i++)
		if (info.tests[i].nnums > XT_U32_MAXSIZE + 1 || info.tests[i].nvalues > XT_U32_MAXSIZE + 1)
			return -EINVAL;
	if (nfdecode_save(o))
		strbuf_puts(out, info.invert ? " ! --u32" : " --u32");
	else
		strbuf_puts(out, info.invert ? " u32 !" : " u32");
	strbuf_puts(out, " \"");
	for (i = 0; i < info.ntests; i++) {
		strbuf_puts(out, i ? "&&" : "");
		u32_test(out, &info.tests[i]);
	}
	strbuf_puts(out, "\"");
	return 0;
}

int nfdecode_osf(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct nf_osf_info info;
	char genre[MAXGENRELEN + 1];
	size_t n;

	nfdecode_load(&info, sizeof(info), ext);
	n = strnlen(info.genre, sizeof(info.genre));
	memcpy(genre, info.genre, n);
	genre[n] = '\0';
	if (!nfdecode_save(o)) {
		strbuf_printf(out, " OS fingerprint match %s%s", (info.flags & NF_OSF_INVERT) ? "! " : "", genre);
		return 0;
	}
	strbuf_printf(out, "%s --genre %s", (info.flags & NF_OSF_INVERT) ? " !" : "", genre);
	if (info.flags & NF_OSF_TTL)
		strbuf_printf(out, " --ttl %u", info.ttl);
	if (info.flags & NF_OSF_LOG)
		strbuf_printf(out, " --log %u", info.loglevel);
	return 0;
}

/* "CODE JT JF K" per instruction, comma separated; the list form ends with
 * a NUL byte, which iptables writes with %c. */
static void bpf_code(struct strbuf *out, const struct sock_filter *code, unsigned count, bool save)
{
	unsigned i;

	for (i = 0; i < count; i++) {
		strbuf_printf(out, "%u %u %u %u", code[i].code, code[i].jt, code[i].jf, code[i].k);
		if (i + 1 < count)
			strbuf_puts(out, ",");
		else if (save)
			strbuf_puts(out, "\"");
		else
			strbuf_add(out, "", 1);
	}
}

int nfdecode_bpf(struct strbuf *out, const struct nfdecode_ext *ext, const struct nfdecode_opts *o)
{
	struct xt_bpf_info_v1 info;
	bool save = nfdecode_save(o);
	char path[XT_BPF_PATH_MAX + 1];

	if (ext->revision == 0) {
		struct xt_bpf_info v0;

		nfdecode_load(&v0, sizeof(v0), ext);
		memset(&info, 0, sizeof(info));
		info.mode = XT_BPF_MODE_BYTECODE;
		info.bpf_program_num_elem = v0.bpf_program_num_elem;
		memcpy(info.bpf_program, v0.bpf_program, sizeof(v0.bpf_program));
	} else {
		nfdecode_load(&info, sizeof(info), ext);
	}
	if (info.mode == XT_BPF_MODE_BYTECODE && info.bpf_program_num_elem > XT_BPF_MAX_NUM_INSTR)
		return -EINVAL;
	/* iptables-save stops on a mode it does not know. */
	if (save && info.mode != XT_BPF_MODE_BYTECODE && info.mode != XT_BPF_MODE_FD_PINNED)
		return -ENOTSUP;
	if (!save)
		strbuf_puts(out, "match bpf ");
	if (info.mode == XT_BPF_MODE_BYTECODE) {
		if (save)
			strbuf_printf(out, " --bytecode \"%u,", info.bpf_program_num_elem);
		bpf_code(out, info.bpf_program, info.bpf_program_num_elem, save);
	} else if (info.mode == XT_BPF_MODE_FD_PINNED) {
		memcpy(path, info.path, sizeof(info.path));
		path[sizeof(info.path)] = '\0';
		strbuf_printf(out, save ? " --object-pinned %s" : "pinned %s", path);
	} else {
		strbuf_puts(out, "unknown");
	}
	return 0;
}
