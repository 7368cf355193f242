/* netstat -x: the Unix domain table from unix_diag.
 *
 * net-tools prints a RefCnt column that unix_diag does not carry.  A Unix
 * socket's count is 2 (its file and the kernel's socket table) plus one for
 * every socket whose peer it is (a connected stream peer, each datagram
 * sender connect()ed to it) and one for every connection still waiting in a
 * listener's queue that points at it.  A first dump counts those
 * references; the second prints. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "netstat_impl.h"
#include "sonde/out.h"

/* inode -> references, open addressing. */
struct ref_table {
	uint32_t *inodes;
	uint32_t *counts;
	size_t mask;
	size_t used;
	int error;
};

static uint32_t *ref_slot(struct ref_table *t, uint32_t inode, bool insert);

static int ref_grow(struct ref_table *t)
{
	struct ref_table bigger = { 0 };
	size_t size = t->mask ? (t->mask + 1) * 2 : 1024, i;

	bigger.inodes = calloc(size, sizeof(uint32_t));
	bigger.counts = calloc(size, sizeof(uint32_t));
	if (!bigger.inodes || !bigger.counts) {
		free(bigger.inodes);
		free(bigger.counts);
		return -ENOMEM;
	}
	bigger.mask = size - 1;
	for (i = 0; t->mask && i <= t->mask; i++)
		if (t->inodes[i])
			*ref_slot(&bigger, t->inodes[i], true) = t->counts[i];
	free(t->inodes);
	free(t->counts);
	*t = bigger;
	return 0;
}

static uint32_t *ref_slot(struct ref_table *t, uint32_t inode, bool insert)
{
	size_t i;

	if (insert && (t->mask == 0 || t->used * 2 >= t->mask) && ref_grow(t) < 0) {
		t->error = -ENOMEM;
		return NULL;
	}
	if (t->mask == 0)
		return NULL;
	for (i = (inode * 2654435761u) & t->mask; t->inodes[i]; i = (i + 1) & t->mask)
		if (t->inodes[i] == inode)
			return &t->counts[i];
	if (!insert)
		return NULL;
	t->inodes[i] = inode;
	t->used++;
	return &t->counts[i];
}

static void ref_add(struct ref_table *t, uint32_t inode)
{
	uint32_t *count;

	if (!inode)
		return;
	count = ref_slot(t, inode, true);
	if (count)
		(*count)++;
}

static int count_refs(const struct sockdiag_unix *sock, void *arg)
{
	struct ref_table *t = arg;
	size_t i;

	ref_add(t, sock->peer_inode);
	for (i = 0; i < sock->pending_count; i++)
		ref_add(t, sock->pending_peers[i]);
	return t->error;
}

struct unix_print {
	struct netstat_run *run;
	struct ref_table *refs;
};

static const char *type_name(uint8_t type)
{
	switch (type) {
	case SOCK_STREAM: return "STREAM";
	case SOCK_DGRAM: return "DGRAM";
	case SOCK_RAW: return "RAW";
	case SOCK_RDM: return "RDM";
	case SOCK_SEQPACKET: return "SEQPACKET";
	default: return "UNKNOWN";
	}
}

/* What /proc/net/unix derives from the socket state: sockets without a
 * file (inode 0) are half-made or half-gone. */
static const char *state_name(const struct sockdiag_unix *sock)
{
	if (sock->state == SOCKDIAG_LISTEN)
		return "LISTENING";
	if (sock->state == SOCKDIAG_ESTABLISHED)
		return sock->inode ? "CONNECTED" : "CONNECTING";
	return sock->inode ? "" : "DISCONNECTING";
}

static int print_unix(const struct sockdiag_unix *sock, void *arg)
{
	struct unix_print *p = arg;
	const struct netstat_config *cfg = p->run->cfg;
	bool listening = sock->state == SOCKDIAG_LISTEN;
	uint32_t *refs;

	if (!cfg->all && listening != cfg->listening)
		return 0;
	if (p->run->out) {
		sockdiag_json_unix(p->run->out, sock, p->run->procs);
		return 0;
	}
	refs = ref_slot(p->refs, sock->inode, false);
	printf("%-5s %-6u %-11s %-10s %-13s ", "unix", 2 + (refs ? *refs : 0), listening ? "[ ACC ]" : "[ ]",
	       type_name(sock->type), state_name(sock));
	printf("%-8u", sock->inode);
	if (cfg->programs) {
		const struct procfd_owner *o = p->run->procs ? procfd_find_first_scanned(p->run->procs, sock->inode) : NULL;

		printf(" %-*s", NETSTAT_PROGRAM_WIDTH, o ? procfd_pid_program(p->run->procs, o) : "-");
	}
	printf(" %s\n", sock->has_name ? sock->name : "");
	return 0;
}

int netstat_unix_table(struct netstat_run *run)
{
	struct ref_table refs = { 0 };
	struct unix_print p = { run, &refs };
	int rc = 0;

	if (!run->out) {
		printf("Active UNIX domain sockets %s", netstat_scope(run->cfg));
		printf("\nProto RefCnt Flags       Type       State         I-Node  ");
		if (run->cfg->programs)
			printf(" %-*s", NETSTAT_PROGRAM_WIDTH, "PID/Program name");
		printf(" Path\n");
		rc = sockdiag_dump_unix(run->diag, SOCKDIAG_ALL_STATES, SOCKDIAG_EXT_DETAILS, count_refs, &refs);
	}
	if (rc == 0)
		rc = sockdiag_dump_unix(run->diag, SOCKDIAG_ALL_STATES, 0, print_unix, &p);
	free(refs.inodes);
	free(refs.counts);
	return rc;
}
