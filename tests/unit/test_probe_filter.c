/* Raw TCP probe engines on loopback (needs CAP_NET_RAW; skipped without):
 * SYN and ACK probes get their answers, and a second engine's socket filter
 * keeps every one of those segments out of its queue. */
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../libcore/probe_impl.h"
#include "sonde/clock.h"
#include "sonde/sock.h"
#include "tap.h"

struct outcome {
	enum probe_outcome got;
	int calls;
};

static void on_result(void *user, uint32_t probe_id, void *probe_user, const struct probe_result *r)
{
	struct outcome *o = user;

	(void)probe_id;
	(void)probe_user;
	o->got = r->outcome;
	o->calls++;
}

/* A loopback TCP port: listening (SYNs get SYN-ACKs), or closed (RSTs). */
static int loopback_port(int family, bool listening, int *fd_out, uint16_t *port)
{
	struct sonde_addr addr;
	int fd = sock_open(family, SOCK_STREAM, 0);

	if (fd < 0)
		return fd;
	addr_parse_ip(family == AF_INET6 ? "::1" : "127.0.0.1", 0, family, &addr);
	if (bind(fd, &addr.u.sa, addr.len) < 0 || (listening && listen(fd, 8) < 0) ||
	    sock_local_addr(fd, &addr) < 0) {
		close(fd);
		return -errno;
	}
	*port = addr_port(&addr);
	*fd_out = fd;
	return 0;
}

static enum probe_outcome probe_once(struct probe_engine *e, struct outcome *o, int family, uint16_t port)
{
	struct probe_spec spec = { .timeout_ms = 1000, .token = 7 };
	int64_t deadline = mono_ms() + 3000;
	uint32_t id;

	addr_parse_ip(family == AF_INET6 ? "::1" : "127.0.0.1", port, family, &spec.dst);
	o->calls = 0;
	if (probe_submit(e, &spec, &id) < 0)
		return 0;
	while (probe_pending(e) && mono_ms() < deadline)
		probe_poll(e, 100);
	probe_release(e, id);
	return o->calls == 1 ? o->got : 0;
}

/* Segments or ICMP messages waiting on the engine's sockets. */
static bool anything_queued(const struct probe_engine *e)
{
	uint8_t buf[256];

	return recv(e->send_fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0 ||
	       recv(e->icmp_fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0;
}

static void family_tests(int family, const char *name)
{
	struct outcome syn_out = { 0 }, ack_out = { 0 }, other_out = { 0 };
	struct probe_config cfg = { .family = family, .pmtu_disc = -1, .on_result = on_result };
	struct probe_engine *syn = NULL, *ack = NULL, *other = NULL;
	int listen_fd = -1, closed_fd = -1;
	uint16_t open_port, closed_port;

	cfg.method = PROBE_TCP_SYN;
	cfg.user = &other_out;
	if (probe_engine_open(&cfg, &other) == -EPERM) {
		tap_skip(name, "no CAP_NET_RAW for the TCP SYN and ACK probe engines");
		return;
	}
	cfg.user = &syn_out;
	probe_engine_open(&cfg, &syn);
	cfg.method = PROBE_TCP_ACK;
	cfg.user = &ack_out;
	probe_engine_open(&cfg, &ack);
	if (!ok(syn && ack && other && loopback_port(family, true, &listen_fd, &open_port) == 0 &&
			loopback_port(family, false, &closed_fd, &closed_port) == 0,
		"%s: engines and ports set up", name))
		goto out;
	ok(probe_engine_local_id(syn) != probe_engine_local_id(other), "%s: each engine its own source port", name);
	is_int(probe_once(syn, &syn_out, family, open_port), PROBE_REPLY, "SYN to a listening port: SYN-ACK");
	is_int(probe_once(syn, &syn_out, family, closed_port), PROBE_REFUSED, "SYN to a closed port: RST");
	is_int(probe_once(ack, &ack_out, family, closed_port), PROBE_REFUSED, "ACK to a closed port: RST");
	is_int(probe_once(ack, &ack_out, family, open_port), PROBE_REFUSED, "ACK to a listening port: RST");
	ok(!anything_queued(other), "%s: another engine's filter kept every segment out", name);
	is_int(other_out.calls, 0, "and it reported nothing");
out:
	if (listen_fd >= 0)
		close(listen_fd);
	if (closed_fd >= 0)
		close(closed_fd);
	probe_engine_close(syn);
	probe_engine_close(ack);
	probe_engine_close(other);
}

int main(void)
{
	family_tests(AF_INET, "IPv4");
	family_tests(AF_INET6, "IPv6");
	return tap_exit();
}
