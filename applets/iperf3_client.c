/* The client side of an iperf3 test: connect the control connection, send
 * the cookie, then follow the states the server sends until
 * DISPLAY_RESULTS, as iperf3 3.12's client does. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "iperf3_impl.h"
#include "sonde/clock.h"
#include "sonde/err.h"
#include "sonde/resolve.h"
#include "sonde/sock.h"

/* How long the server may take between two states outside the data phase. */
#define STATE_WAIT_MS 60000

/* A data connection: options first (window and MSS count at the
 * handshake), then the connect and the test's cookie. */
static int stream_connect(struct ip3_test *t, const struct sonde_addr *server, int timeout_ms, int *fd_out)
{
	int fd = sock_open(addr_family(server), SOCK_STREAM, 0);
	int rc;

	if (fd < 0)
		return fd;
	if ((rc = ip3_stream_setopts(t, fd)) < 0)
		goto fail;
	if (connect(fd, &server->u.sa, server->len) < 0 && errno != EINPROGRESS) {
		rc = -errno;
		goto fail;
	}
	if ((rc = sock_connect_wait(fd, timeout_ms)) < 0)
		goto fail;
	if ((rc = sock_send_all(fd, t->cookie, IP3_COOKIE_SIZE, deadline_after_ms(timeout_ms))) < 0)
		goto fail;
	*fd_out = fd;
	return 0;
fail:
	close(fd);
	return rc;
}

static int create_streams(struct ip3_test *t, const struct sonde_addr *server, int timeout_ms)
{
	int count = t->set.parallel * (t->mode == IP3_BIDIR ? 2 : 1);
	int i, fd = -1, rc;

	for (i = 0; i < count; i++) {
		struct ip3_stream *s = &t->streams[t->stream_count];
		bool sender = t->mode == IP3_BIDIR ? i < t->set.parallel : t->mode == IP3_SENDER;

		if (t->set.udp)
			rc = ip3_udp_connect(t, server, timeout_ms, &fd);
		else
			rc = stream_connect(t, server, timeout_ms, &fd);
		if (rc < 0)
			return ip3_fail(t, rc, t->set.udp ? "unable to connect UDP stream" : "unable to connect stream");
		ip3_stream_init(t, s, fd, sender);
		t->stream_count++;
	}
	if (t->set.udp && t->stream_count) {
		/* iperf3 reports the data sockets' buffers for UDP */
		t->sndbuf_actual = ip3_socket_buffer(t->streams[0].fd, SO_SNDBUF);
		t->rcvbuf_actual = ip3_socket_buffer(t->streams[0].fd, SO_RCVBUF);
	}
	for (i = 0; i < t->stream_count; i++)
		ip3_out_connected(t, &t->streams[i]);
	return 0;
}

static int send_params(struct ip3_test *t)
{
	struct strbuf b = { 0 };
	int rc;

	ip3_params_build(t, &b);
	rc = b.failed ? -ENOMEM : ip3_send_json(t->ctrl_fd, b.data, b.len);
	strbuf_free(&b);
	if (rc < 0)
		return ip3_fail(t, rc, "unable to send parameter settings to server");
	/* iperf3 says it is connected only once the server took the parameters */
	ip3_out_line(t, "Connecting to host %s, port %u\n", t->host_text, t->port);
	if (t->set.reverse)
		ip3_out_line(t, "Reverse mode, remote host %s is sending\n", t->host_text);
	fflush(stdout);
	return 0;
}

/* The server's SERVER_ERROR: iperf3's error number and errno follow. */
static int server_error(struct ip3_test *t)
{
	uint32_t codes[2];
	size_t got;
	int ierr, err;

	if (sock_recv_exact(t->ctrl_fd, codes, sizeof(codes), deadline_after_ms(5000), &got) < 0)
		return ip3_fail(t, 0, "the server reported an error and closed the connection");
	ierr = (int)ntohl(codes[0]);
	err = (int)ntohl(codes[1]);
	if (ierr == IP3_IEUNIMP)
		return ip3_fail(t, err, "an option you are trying to set is not implemented yet");
	return ip3_fail(t, err, "the server reported iperf3 error %d", ierr);
}

/* The data phase from TEST_RUNNING: returns with the control connection
 * readable (1) or a failure (the exit code, with t->error set). */
static int run_test(struct ip3_test *t)
{
	int rc = ip3_run_data(t);

	if (rc == 0) {
		ip3_test_end(t);
		if ((rc = ip3_send_state(t->ctrl_fd, IP3_TEST_END)) < 0)
			return ip3_fail(t, rc, "unable to send control message");
		/* keep reading: a sending server must not block before it sees TEST_END */
		rc = ip3_run_data(t);
	}
	if (rc < 0)
		return ip3_fail(t, rc, "the test failed");
	return 0;
}

static void display_results(struct ip3_test *t)
{
	ip3_out_intermediate(t);
	ip3_out_results(t);
	ip3_send_state(t->ctrl_fd, IP3_IPERF_DONE);
	ip3_out_line(t, "\n");
	ip3_out_line(t, "iperf Done.\n");
}

/* One state from the server; returns 0 to go on, -1 when the test is
 * over, or the exit code of a failure. */
static int handle_state(struct ip3_test *t, int state, const struct sonde_addr *server, int timeout_ms)
{
	switch (state) {
	case IP3_PARAM_EXCHANGE:
		return send_params(t);
	case IP3_CREATE_STREAMS:
		return create_streams(t, server, timeout_ms);
	case IP3_TEST_START:
		ip3_test_start(t);
		return 0;
	case IP3_TEST_RUNNING:
		return run_test(t);
	case IP3_EXCHANGE_RESULTS:
		return ip3_exchange_results(t);
	case IP3_DISPLAY_RESULTS:
		display_results(t);
		return -1;
	case IP3_ACCESS_DENIED:
		return ip3_fail(t, 0, "the server is busy running a test. try again later");
	case IP3_SERVER_ERROR:
		return server_error(t);
	case IP3_SERVER_TERMINATE:
		return ip3_fail(t, 0, "the server has terminated");
	case IP3_IPERF_START:
	case IP3_IPERF_DONE:
		return 0;
	default:
		return ip3_fail(t, 0, "received an unknown control message (%d): is this an iperf3 server?", state);
	}
}

static int state_loop(struct ip3_test *t, const struct sonde_addr *server, int timeout_ms)
{
	int state, rc;

	for (;;) {
		rc = ip3_recv_state(t->ctrl_fd, deadline_after_ms(STATE_WAIT_MS), &state);
		if (rc == -EPIPE)
			return ip3_fail(t, 0, "control socket has closed unexpectedly");
		if (rc < 0)
			return ip3_fail(t, rc, "unable to read from the control socket");
		rc = handle_state(t, state, server, timeout_ms);
		if (rc)
			return rc < 0 ? 0 : rc;
	}
}

static int connect_control(struct ip3_test *t, const char *host, int family, int timeout_ms,
			   struct sonde_addr *server)
{
	struct sonde_addr addrs[RESOLVE_MAX_ADDRS];
	size_t count = 0;
	int rc;

	rc = resolve_host(host, family, 0, timeout_ms > 0 ? timeout_ms : 10000, t->port, addrs,
			  RESOLVE_MAX_ADDRS, &count);
	if (rc < 0 || count == 0)
		return ip3_fail(t, 0, "unable to resolve host %s: %s", host, resolve_strerror(rc));
	*server = addrs[0];
	rc = sock_connect(server, SOCK_STREAM, NULL, timeout_ms > 0 ? timeout_ms : -1, &t->ctrl_fd);
	if (rc < 0)
		return ip3_fail(t, rc, "unable to connect to server");
	ip3_ctrl_nodelay(t->ctrl_fd);
	t->tcp_mss_default = ip3_mss_of(t->ctrl_fd);
	t->sndbuf_actual = ip3_socket_buffer(t->ctrl_fd, SO_SNDBUF);
	t->rcvbuf_actual = ip3_socket_buffer(t->ctrl_fd, SO_RCVBUF);
	return 0;
}

/* -u: the block size from the control connection's MSS unless -l gave
 * one; a larger one is warned about, as iperf3 does. */
static void udp_block_size(struct ip3_test *t)
{
	int mss = t->tcp_mss_default;

	if (!t->set.len)
		t->set.len = ip3_udp_default_len(mss);
	if (mss > 0 && t->set.len > mss)
		sonde_err("warning: UDP block size %d exceeds TCP MSS %d, may result in fragmentation / drops",
			  t->set.len, mss);
}

int ip3_client_run(struct ip3_test *t, const char *host, int family, int connect_timeout_ms)
{
	struct sonde_addr server;
	int rc;

	t->role = 'c';
	t->mode = t->set.bidir ? IP3_BIDIR : t->set.reverse ? IP3_RECEIVER : IP3_SENDER;
	/* iperf3 reads retransmits from tcp_info: none for UDP */
	t->sender_has_retransmits = t->mode != IP3_RECEIVER && !t->set.udp ? 1 : 0;
	snprintf(t->host_text, sizeof(t->host_text), "%s", host);
	if ((rc = connect_control(t, host, family, connect_timeout_ms, &server)))
		return rc;
	if (t->set.udp)
		udp_block_size(t);
	if ((rc = ip3_stream_buffers(t)) < 0)
		return ip3_fail(t, rc, "unable to allocate the data buffers");
	ip3_make_cookie(t->cookie);
	t->wall_start_s = (int64_t)time(NULL);
	rc = sock_send_all(t->ctrl_fd, t->cookie, IP3_COOKIE_SIZE, deadline_after_ms(STATE_WAIT_MS));
	if (rc < 0)
		return ip3_fail(t, rc, "unable to send cookie to server");
	return state_loop(t, &server, connect_timeout_ms > 0 ? connect_timeout_ms : 10000);
}
