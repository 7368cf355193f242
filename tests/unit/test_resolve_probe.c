/* resolve_probe_servers() against loopback only: a port where nothing
 * listens (refused), a socket that never answers (time-out), and a tiny
 * responder in a child process that answers REFUSED with one record. */
#include <ares.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sonde/resolve.h"
#include "sonde/sock.h"
#include "tap.h"

/* Binds a UDP socket on 127.0.0.1 with a kernel-chosen port. */
static int udp_loopback(struct sonde_addr *bound)
{
	struct sonde_addr any;
	int fd;

	addr_parse_ip("127.0.0.1", 0, AF_INET, &any);
	if (sock_listen(&any, SOCK_DGRAM, 0, &fd) < 0)
		return -1;
	sock_local_addr(fd, bound);
	return fd;
}

/* Answers one query: the question echoed back, QR and AA set, RCODE 5
 * (REFUSED), ANCOUNT 1 (a header-only claim is enough for the probe). */
static void answer_once(int fd)
{
	unsigned char packet[512];
	struct sockaddr_storage peer;
	socklen_t peer_len = sizeof(peer);
	ssize_t len;

	sock_set_nonblock(fd, false);
	len = recvfrom(fd, packet, sizeof(packet), 0, (struct sockaddr *)&peer, &peer_len);
	if (len < 12)
		_exit(1);
	packet[2] |= 0x84;
	packet[3] = (unsigned char)((packet[3] & 0xf0) | 5);
	packet[6] = 0;
	packet[7] = 1;
	sendto(fd, packet, (size_t)len, 0, (struct sockaddr *)&peer, peer_len);
	_exit(0);
}

int main(void)
{
	struct resolve_probe probes[3];
	int silent_fd, answering_fd, rc;
	pid_t child;

	memset(probes, 0, sizeof(probes));
	silent_fd = udp_loopback(&probes[1].server);
	answering_fd = udp_loopback(&probes[2].server);
	/* A port bound a moment ago and closed again: nothing listens there. */
	close(udp_loopback(&probes[0].server));
	ok(silent_fd >= 0 && answering_fd >= 0, "loopback sockets bound");

	child = fork();
	if (child == 0)
		answer_once(answering_fd);
	rc = resolve_probe_servers("example.test", RESOLVE_QTYPE_SOA, 400, probes, 3);
	is_int(rc, 0, "probe runs");
	ok(probes[0].status == -ARES_ECONNREFUSED,
	   "closed port: refused: %d", probes[0].status);
	is_int(probes[0].rcode, -1, "closed port: no rcode");
	is_int(probes[1].status, -ARES_ETIMEOUT, "silent server: time-out");
	ok(probes[1].rtt_ms >= 350 && probes[1].rtt_ms < 1500, "silent server: waited about 400 ms (%.1f)",
	   probes[1].rtt_ms);
	is_int(probes[2].status, 0, "answering server: a reply");
	is_int(probes[2].rcode, 5, "answering server: REFUSED");
	is_str(resolve_rcode_name(probes[2].rcode), "REFUSED", "rcode name");
	is_int(probes[2].answer_count, 1, "answering server: ANCOUNT");
	ok(probes[2].authoritative, "answering server: AA");
	ok(probes[2].rtt_ms >= 0 && probes[2].rtt_ms < 400, "answering server: rtt %.1f ms", probes[2].rtt_ms);
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}

	is_int(resolve_probe_servers("example.test", RESOLVE_QTYPE_SOA, 0, probes, 1), -ARES_EBADQUERY,
	       "zero timeout refused");
	is_int(resolve_probe_servers("example.test", RESOLVE_QTYPE_SOA, 100, probes, RESOLVE_MAX_PROBES + 1),
	       -ARES_EBADQUERY, "too many probes refused");
	is_str(resolve_rcode_name(3), "NXDOMAIN", "rcode NXDOMAIN");
	is_str(resolve_rcode_name(42), "RCODE?", "unknown rcode");
	close(silent_fd);
	close(answering_fd);
	return tap_exit();
}
