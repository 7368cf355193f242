/* netstat -s: the kernel's protocol counters (libcore/snmpstat.c reads them)
 * in net-tools netstat -s's wording.
 *
 * net-tools looks each counter up in a per-protocol table with bsearch();
 * several tables are not in strcmp order ("Forwarding" sits before
 * "ForwDatagrams", "TCPLossFailures" before "TCPLoss"), so some lookups
 * miss and those counters print in the fallback form "Name: value" (only
 * when non-zero).  To print the same lines, the tables below keep net-tools'
 * order and the lookup probes them the way bsearch does.  Counters found
 * in no table print in the fallback form too; tables nobody knows (IpExt,
 * IcmpMsg, MPTcpExt...) print their title and non-zero counters. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netstat_impl.h"
#include "sonde/snmpstat.h"

enum stat_kind {
	STAT_NUMBER,    /* "%llu ..." always */
	STAT_OPTIONAL,  /* only when non-zero */
	STAT_ICMP_IN,   /* under "ICMP input histogram:", when non-zero */
	STAT_ICMP_OUT,  /* under "ICMP output histogram:", when non-zero */
	STAT_SILENT,    /* known but never printed (configuration values) */
};

/* The wording has one "%llu" where the value goes. */
struct stat_wording {
	const char *name;
	const char *text;
	enum stat_kind kind;
};

#define N(name, text) { name, text, STAT_NUMBER }
#define O(name, text) { name, text, STAT_OPTIONAL }
#define IN(name, text) { name, text, STAT_ICMP_IN }
#define OUT(name, text) { name, text, STAT_ICMP_OUT }
#define SILENT(name) { name, NULL, STAT_SILENT }

static const struct stat_wording ip_words[] = {
	SILENT("DefaultTTL"), SILENT("Forwarding"),
	N("ForwDatagrams", "%llu forwarded"),
	O("FragCreates", "%llu fragments created"),
	O("FragFails", "%llu outgoing packets failed fragmentation"),
	O("FragOKs", "%llu outgoing packets fragmented ok"),
	O("InAddrErrors", "%llu with invalid addresses"),
	N("InDelivers", "%llu incoming packets delivered"),
	N("InDiscards", "%llu incoming packets discarded"),
	O("InHdrErrors", "%llu with invalid headers"),
	N("InReceives", "%llu total packets received"),
	O("InUnknownProtos", "%llu with unknown protocol"),
	O("OutDiscards", "%llu outgoing packets dropped"),
	O("OutNoRoutes", "%llu dropped because of missing route"),
	N("OutRequests", "%llu requests sent out"),
	O("ReasmFails", "%llu packet reassemblies failed"),
	O("ReasmOKs", "%llu packets reassembled ok"),
	O("ReasmReqds", "%llu reassemblies required"),
	O("ReasmTimeout", "%llu fragments dropped after timeout"),
};

static const struct stat_wording ip6_words[] = {
	O("Ip6FragCreates", "%llu fragments created"),
	O("Ip6FragFails", "%llu outgoing packets failed fragmentation"),
	O("Ip6FragOKs", "%llu outgoing packets fragmented ok"),
	O("Ip6InAddrErrors", "%llu with invalid addresses"),
	N("Ip6InDelivers", "%llu incoming packets delivered"),
	N("Ip6InDiscards", "%llu incoming packets discarded"),
	O("Ip6InHdrErrors", "%llu with invalid headers"),
	O("Ip6InMcastPkts", "%llu incoming multicast packets"),
	O("Ip6InNoRoutes", "%llu incoming packets with no route"),
	N("Ip6InReceives", "%llu total packets received"),
	O("Ip6InTooBigErrors", "%llu with packets too big"),
	O("Ip6InTruncatedPkts", "%llu with truncated packets"),
	O("Ip6InUnknownProtos", "%llu with unknown protocol"),
	O("Ip6OutDiscards", "%llu outgoing packets dropped"),
	N("Ip6OutForwDatagrams", "%llu forwarded"),
	O("Ip6OutMcastPkts", "%llu outgoing multicast packets"),
	O("Ip6OutNoRoutes", "%llu dropped because of missing route"),
	N("Ip6OutRequests", "%llu requests sent out"),
	O("Ip6ReasmFails", "%llu packet reassemblies failed"),
	O("Ip6ReasmOKs", "%llu packets reassembled ok"),
	O("Ip6ReasmReqds", "%llu reassemblies required"),
	O("Ip6ReasmTimeout", "%llu fragments dropped after timeout"),
};

static const struct stat_wording icmp_words[] = {
	IN("InAddrMaskReps", "address mask replies: %llu"),
	IN("InAddrMasks", "address mask request: %llu"),
	IN("InDestUnreachs", "destination unreachable: %llu"),
	IN("InEchoReps", "echo replies: %llu"),
	IN("InEchos", "echo requests: %llu"),
	N("InErrors", "%llu input ICMP message failed"),
	N("InMsgs", "%llu ICMP messages received"),
	IN("InParmProbs", "wrong parameters: %llu"),
	IN("InRedirects", "redirects: %llu"),
	IN("InSrcQuenchs", "source quenches: %llu"),
	IN("InTimeExcds", "timeout in transit: %llu"),
	IN("InTimestampReps", "timestamp reply: %llu"),
	IN("InTimestamps", "timestamp request: %llu"),
	OUT("OutAddrMaskReps", "address mask replies: %llu"),
	OUT("OutAddrMasks", "address mask requests: %llu"),
	OUT("OutDestUnreachs", "destination unreachable: %llu"),
	OUT("OutEchoReps", "echo replies: %llu"),
	OUT("OutEchos", "echo requests: %llu"),
	N("OutErrors", "%llu ICMP messages failed"),
	N("OutMsgs", "%llu ICMP messages sent"),
	OUT("OutParmProbs", "wrong parameters: %llu"),
	OUT("OutRedirects", "redirect: %llu"),
	OUT("OutSrcQuenchs", "source quench: %llu"),
	OUT("OutTimeExcds", "time exceeded: %llu"),
	OUT("OutTimestampReps", "timestamp replies: %llu"),
	OUT("OutTimestamps", "timestamp requests: %llu"),
};

static const struct stat_wording icmp6_words[] = {
	IN("Icmp6InDestUnreachs", "destination unreachable: %llu"),
	IN("Icmp6InEchoReplies", "echo replies: %llu"),
	IN("Icmp6InEchos", "echo requests: %llu"),
	N("Icmp6InErrors", "%llu input ICMP message failed"),
	IN("Icmp6InGroupMembQueries", "group member queries: %llu"),
	IN("Icmp6InGroupMembReductions", "group member reductions: %llu"),
	IN("Icmp6InGroupMembResponses", "group member responses: %llu"),
	N("Icmp6InMsgs", "%llu ICMP messages received"),
	IN("Icmp6InNeighborAdvertisements", "neighbour advertisement: %llu"),
	IN("Icmp6InNeighborSolicits", "neighbour solicits: %llu"),
	IN("Icmp6InParmProblems", "parameter problem: %llu"),
	IN("Icmp6InPktTooBigs", "packets too big: %llu"),
	IN("Icmp6InRedirects", "redirects: %llu"),
	IN("Icmp6InRouterAdvertisements", "router advertisement: %llu"),
	IN("Icmp6InRouterSolicits", "router solicits: %llu"),
	IN("Icmp6InTimeExcds", "received ICMPv6 time exceeded: %llu"),
	OUT("Icmp6OutDestUnreachs", "destination unreachable: %llu"),
	OUT("Icmp6OutEchoReplies", "echo replies: %llu"),
	OUT("Icmp6OutEchos", "echo requests: %llu"),
	OUT("Icmp6OutGroupMembQueries", "group member queries: %llu"),
	OUT("Icmp6OutGroupMembReductions", "group member reductions: %llu"),
	OUT("Icmp6OutGroupMembResponses", "group member responses: %llu"),
	N("Icmp6OutMsgs", "%llu ICMP messages sent"),
	OUT("Icmp6OutNeighborAdvertisements", "neighbor advertisements: %llu"),
	OUT("Icmp6OutNeighborSolicits", "neighbor solicits: %llu"),
	OUT("Icmp6OutParmProblems", "parameter problem: %llu"),
	OUT("Icmp6OutPktTooBigs", "packets too big: %llu"),
	OUT("Icmp6OutRedirects", "redirects: %llu"),
	/* net-tools' key has a trailing blank, so this counter always takes
	 * the fallback form; kept as is to print what it prints. */
	OUT("Icmp6OutRouterAdvertisements ", "router advertisement: %llu"),
	OUT("Icmp6OutRouterSolicits", "router solicits: %llu"),
	OUT("Icmp6OutTimeExcds", "sent ICMPv6 time exceeded: %llu"),
};

static const struct stat_wording tcp_words[] = {
	N("ActiveOpens", "%llu active connection openings"),
	N("AttemptFails", "%llu failed connection attempts"),
	N("CurrEstab", "%llu connections established"),
	N("EstabResets", "%llu connection resets received"),
	N("InErrs", "%llu bad segments received"),
	N("InSegs", "%llu segments received"),
	SILENT("MaxConn"),
	N("OutRsts", "%llu resets sent"),
	N("OutSegs", "%llu segments sent out"),
	N("PassiveOpens", "%llu passive connection openings"),
	N("RetransSegs", "%llu segments retransmitted"),
	SILENT("RtoAlgorithm"), SILENT("RtoMax"), SILENT("RtoMin"),
};

static const struct stat_wording udp_words[] = {
	N("InDatagrams", "%llu packets received"),
	N("InErrors", "%llu packet receive errors"),
	N("NoPorts", "%llu packets to unknown port received"),
	N("OutDatagrams", "%llu packets sent"),
	N("RcvbufErrors", "%llu receive buffer errors"),
	N("SndbufErrors", "%llu send buffer errors"),
};

static const struct stat_wording udp6_words[] = {
	N("Udp6InDatagrams", "%llu packets received"),
	N("Udp6InErrors", "%llu packet receive errors"),
	N("Udp6NoPorts", "%llu packets to unknown port received"),
	N("Udp6OutDatagrams", "%llu packets sent"),
};

static const struct stat_wording tcpext_words[] = {
	O("DelayedACKLocked", "%llu delayed acks further delayed because of locked socket"),
	O("DelayedACKLost", "Quick ack mode was activated %llu times"),
	O("DelayedACKs", "%llu delayed acks sent"),
	O("EmbryonicRsts", "%llu resets received for embryonic SYN_RECV sockets"),
	O("ListenDrops", "%llu SYNs to LISTEN sockets dropped"),
	O("ListenOverflows", "%llu times the listen queue of a socket overflowed"),
	O("LockDroppedIcmps", "%llu ICMP packets dropped because socket was locked"),
	O("OfoPruned", "%llu packets dropped from out-of-order queue because of socket buffer overrun"),
	O("OutOfWindowIcmps", "%llu ICMP packets dropped because they were out-of-window"),
	O("PAWSActive", "%llu active connections rejected because of time stamp"),
	O("PAWSEstab", "%llu packets rejected in established connections because of timestamp"),
	O("PAWSPassive", "%llu passive connections rejected because of time stamp"),
	O("PruneCalled", "%llu packets pruned from receive queue because of socket buffer overrun"),
	O("RcvPruned", "%llu packets pruned from receive queue"),
	O("SockMallocOOM", "Ran %llu times out of system memory during packet sending"),
	O("SyncookiesFailed", "%llu invalid SYN cookies received"),
	O("SyncookiesRecv", "%llu SYN cookies received"),
	O("SyncookiesSent", "%llu SYN cookies sent"),
	O("TCPAbortFailed", "%llu times unable to send RST due to no memory"),
	O("TCPAbortOnClose", "%llu connections reset due to early user close"),
	O("TCPAbortOnData", "%llu connections reset due to unexpected data"),
	O("TCPAbortOnLinger", "%llu connections aborted after user close in linger timeout"),
	O("TCPAbortOnMemory", "%llu connections aborted due to memory pressure"),
	O("TCPAbortOnSyn", "%llu connections reset due to unexpected SYN"),
	O("TCPAbortOnTimeout", "%llu connections aborted due to timeout"),
	O("TCPDirectCopyFromBacklog", "%llu bytes directly in process context from backlog"),
	O("TCPDirectCopyFromPrequeue", "%llu bytes directly received in process context from prequeue"),
	O("TCPDSACKOfoRecv", "%llu DSACKs for out of order packets received"),
	O("TCPDSACKOfoSent", "%llu DSACKs sent for out of order packets"),
	O("TCPDSACKOldSent", "%llu DSACKs sent for old packets"),
	O("TCPDSACKRecv", "%llu DSACKs received"),
	O("TCPDSackUndo", "%llu congestion window recovered without slow start using DSACK"),
	O("TCPDSACKUndo", "%llu congestion windows recovered without slow start by DSACK"),
	O("TCPFACKReorder", "Detected reordering %llu times using FACK"),
	O("TCPFastRetrans", "%llu fast retransmits"),
	O("TCPForwardRetrans", "%llu forward retransmits"),
	O("TCPFullUndo", "%llu congestion windows fully recovered without slow start"),
	O("TCPHPAcks", "%llu predicted acknowledgments"),
	N("TCPHPHits", "%llu packet headers predicted"),
	O("TCPHPHitsToUser", "%llu packet headers predicted and directly queued to user"),
	O("TCPLossFailures", "%llu timeouts in loss state"),
	O("TCPLoss", "%llu TCP data loss events"),
	O("TCPLossUndo", "%llu congestion windows recovered without slow start after partial ack"),
	O("TCPLostRetransmits", "%llu retransmits lost"),
	O("TCPMemoryPressures", "TCP ran low on memory %llu times"),
	O("TCPPartialUndo", "%llu congestion windows partially recovered using Hoe heuristic"),
	O("TCPPrequeued", "%llu packets directly queued to recvmsg prequeue"),
	O("TCPPrequeueDropped", "%llu packets dropped from prequeue"),
	O("TCPPureAcks", "%llu acknowledgments not containing data payload received"),
	O("TCPRcvCollapsed", "%llu packets collapsed in receive queue due to low socket buffer"),
	O("TCPRenoFailures", "%llu timeouts after reno fast retransmit"),
	O("TCPRenoRecoveryFailed", "%llu reno fast retransmits failed"),
	O("TCPRenoRecoveryFail", "%llu classic Reno fast retransmits failed"),
	O("TCPRenoRecovery", "%llu times recovered from packet loss due to fast retransmit"),
	O("TCPRenoReorder", "Detected reordering %llu times using reno fast retransmit"),
	O("TCPSackFailures", "%llu timeouts after SACK recovery"),
	O("TCPSackRecoveryFail", "%llu SACK retransmits failed"),
	O("TCPSackRecovery", "%llu times recovered from packet loss by selective acknowledgements"),
	O("TCPSACKReneging", "%llu bad SACK blocks received"),
	O("TCPSACKReorder", "Detected reordering %llu times using SACK"),
	O("TCPSchedulerFailed", "%llu times receiver scheduled too late for direct processing"),
	O("TCPSlowStartRetrans", "%llu retransmits in slow start"),
	O("TCPTimeouts", "%llu other TCP timeouts"),
	O("TCPTSReorder", "Detected reordering %llu times using time stamp"),
	O("TWKilled", "%llu TCP sockets finished time wait in slow timer"),
	O("TW", "%llu TCP sockets finished time wait in fast timer"),
	O("TWRecycled", "%llu time wait sockets recycled by time stamp"),
};

static const struct stat_wording sctp_words[] = {
	N("SctpAborteds", "%llu Number of Aborteds "),
	N("SctpActiveEstabs", "%llu Active Associations"),
	N("SctpChecksumErrors", "%llu Number of Packets with invalid Checksum"),
	N("SctpCurrEstab", "%llu Current Associations"),
	N("SctpFragUsrMsgs", "%llu Number of messages fragmented"),
	N("SctpInCtrlChunks", "%llu Number of control chunks received"),
	N("SctpInOrderChunks", "%llu Number of ordered chunks received"),
	N("SctpInSCTPPacks", "%llu Number of SCTP packets received"),
	N("SctpInUnorderChunks", "%llu Number of Unordered chunks received"),
	N("SctpOutCtrlChunks", "%llu Number of control chunks sent"),
	N("SctpOutOfBlues", "%llu Number of Out of Blue packets"),
	N("SctpOutOrderChunks", "%llu Number of ordered chunks sent"),
	N("SctpOutSCTPPacks", "%llu Number of SCTP packets sent"),
	N("SctpOutUnorderChunks", "%llu Number of Unordered chunks sent"),
	N("SctpPassiveEstabs", "%llu Passive Associations"),
	N("SctpReasmUsrMsgs", "%llu Number of messages reassembled "),
	N("SctpShutdowns", "%llu Number of Graceful Terminations"),
};

#undef N
#undef O
#undef IN
#undef OUT
#undef SILENT

/* Which protocol option shows a table (none given: all of them). */
enum stat_group { GROUP_RAW, GROUP_TCP, GROUP_UDP, GROUP_SCTP, GROUP_ALWAYS };

struct stat_table {
	const char *name;
	const struct stat_wording *words;
	size_t count;
	enum stat_group group;
};

#define TABLE(name, words, group) { name, words, sizeof(words) / sizeof(words[0]), group }

/* The tables of /proc/net/snmp, /proc/net/netstat and sctp/snmp ... */
static const struct stat_table inet_tables[] = {
	TABLE("Ip", ip_words, GROUP_RAW),     TABLE("Icmp", icmp_words, GROUP_RAW),
	TABLE("Tcp", tcp_words, GROUP_TCP),   TABLE("Udp", udp_words, GROUP_UDP),
	TABLE("Sctp", sctp_words, GROUP_SCTP), TABLE("TcpExt", tcpext_words, GROUP_TCP),
};

/* ... and of /proc/net/snmp6. */
static const struct stat_table inet6_tables[] = {
	TABLE("Ip6", ip6_words, GROUP_RAW),
	TABLE("Icmp6", icmp6_words, GROUP_RAW),
	TABLE("Udp6", udp6_words, GROUP_UDP),
};

#undef TABLE

struct stats_printer {
	struct netstat_run *run;
	bool groups[GROUP_ALWAYS + 1];
	enum stat_kind state;       /* the kind of the last counter found: sets the indent */
};

static int indent_of(enum stat_kind kind)
{
	return kind == STAT_ICMP_IN || kind == STAT_ICMP_OUT ? 8 : 4;
}

/* bsearch's probe sequence over a table that may be out of order. */
static const struct stat_wording *lookup_wording(const struct stat_table *table, const char *name)
{
	size_t low = 0, high = table ? table->count : 0;

	while (low < high) {
		size_t middle = (low + high) / 2;
		int cmp = strcmp(name, table->words[middle].name);

		if (cmp == 0)
			return &table->words[middle];
		if (cmp < 0)
			high = middle;
		else
			low = middle + 1;
	}
	return NULL;
}

static void print_wording(const struct stat_wording *word, uint64_t value)
{
	const char *slot = strstr(word->text, "%llu");

	printf("%*s%.*s%llu%s\n", indent_of(word->kind), "", (int)(slot - word->text), word->text,
	       (unsigned long long)value, slot + 4);
}

static void print_counter(struct stats_printer *p, const struct stat_table *table,
			  const struct snmpstat_counter *counter)
{
	const struct stat_wording *word = lookup_wording(table, counter->name);

	if (!word) {
		if (counter->value)
			printf("%*s%s: %llu\n", indent_of(p->state), "", counter->name,
			       (unsigned long long)counter->value);
		return;
	}
	if (word->kind == STAT_SILENT)
		return;
	if ((word->kind == STAT_ICMP_IN || word->kind == STAT_ICMP_OUT) && p->state != word->kind)
		printf("%*s%s\n", indent_of(p->state), "",
		       word->kind == STAT_ICMP_IN ? "ICMP input histogram:" : "ICMP output histogram:");
	if (word->kind == STAT_NUMBER || counter->value)
		print_wording(word, counter->value);
	p->state = word->kind;
}

static const struct stat_table *known_table(const struct stat_table *tables, size_t count, const char *name)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (strcmp(tables[i].name, name) == 0)
			return &tables[i];
	return NULL;
}

static void json_table(struct netstat_run *run, const struct snmpstat *set, const struct snmpstat_table *table)
{
	size_t i;

	out_open_object(run->printer, table->name);
	for (i = 0; i < table->count; i++) {
		const struct snmpstat_counter *c = &set->counters[table->first + i];

		if (c->negative)
			out_print_int(run->printer, c->name, NULL, (int64_t)c->value);
		else
			out_print_uint(run->printer, c->name, NULL, c->value);
	}
	out_close_object(run->printer);
}

/* The tables of one file whose name starts with only_prefix (NULL: all). */
static void print_set(struct stats_printer *p, const struct snmpstat *set, const struct stat_table *known,
		      size_t known_count, const char *only_prefix)
{
	size_t t, i;

	for (t = 0; t < set->table_count; t++) {
		const struct snmpstat_table *table = &set->tables[t];
		const struct stat_table *words = known_table(known, known_count, table->name);
		bool shown = p->groups[words ? words->group : GROUP_ALWAYS];

		if (only_prefix && strncmp(table->name, only_prefix, strlen(only_prefix)) != 0)
			continue;
		if (p->run->out) {
			if (shown)
				json_table(p->run, set, table);
			continue;
		}
		/* Only a known table resets the indent: an unknown one keeps the last. */
		if (words)
			p->state = STAT_NUMBER;
		if (!shown)
			continue;
		printf("%s:\n", table->name);
		for (i = 0; i < table->count; i++)
			print_counter(p, words, &set->counters[table->first + i]);
	}
}

static int print_file(struct stats_printer *p, const char *path, enum snmpstat_layout layout,
		      const char *table_name, const struct stat_table *known, size_t known_count,
		      const char *only_prefix, bool optional)
{
	struct snmpstat set;
	int rc = snmpstat_read(&set, path, layout, table_name);

	if (rc == 0)
		print_set(p, &set, known, known_count, only_prefix);
	snmpstat_free(&set);
	if (rc == -ENOENT && optional)
		return 0;
	if (rc < 0)
		p->run->failed = path;
	return rc;
}

int netstat_stats_view(struct netstat_run *run)
{
	const struct netstat_config *cfg = run->cfg;
	bool any = cfg->tcp || cfg->udp || cfg->raw;
	struct stats_printer p = { run, { cfg->raw || !any, cfg->tcp || !any, cfg->udp || !any, !any, true },
				   STAT_NUMBER };
	const size_t inet_count = sizeof(inet_tables) / sizeof(inet_tables[0]);
	int rc;

	if (run->out) {
		out_open_object(run->out, NULL);
		out_open_object(run->out, "statistics");
	}
	if (cfg->ipv6) {
		/* IPv6 has no TCP table of its own: net-tools adds /proc/net/snmp's. */
		rc = print_file(&p, "/proc/net/snmp6", SNMPSTAT_LINES, NULL, inet6_tables,
				sizeof(inet6_tables) / sizeof(inet6_tables[0]), NULL, false);
		if (rc == 0)
			rc = print_file(&p, "/proc/net/snmp", SNMPSTAT_PAIRS, NULL, inet_tables, inet_count, "Tcp",
					false);
	} else {
		rc = print_file(&p, "/proc/net/snmp", SNMPSTAT_PAIRS, NULL, inet_tables, inet_count, NULL, false);
		if (rc == 0)
			rc = print_file(&p, "/proc/net/netstat", SNMPSTAT_PAIRS, NULL, inet_tables, inet_count, NULL,
					true);
		if (rc == 0)
			rc = print_file(&p, "/proc/net/sctp/snmp", SNMPSTAT_LINES, "Sctp", inet_tables, inet_count,
					NULL, true);
	}
	if (run->out) {
		out_close_object(run->out);
		out_close_object(run->out);
		printf("\n");
	}
	return rc;
}
