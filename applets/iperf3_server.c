/* The server side of an iperf3 test: one listening socket takes the
 * control connection and then the data connections (each opening with the
 * test's cookie); the server drives the states, as iperf3 3.12's does.
 * A client arriving during a test is told ACCESS_DENIED at once. */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "iperf3_impl.h"
#include "sonde/clock.h"
#include "sonde/err.h"
#include "sonde/sock.h"

/* How long a client may take to send its cookie, parameters or streams. */
#define CLIENT_WAIT_MS 10000

static int accept_one(int listen_fd, int timeout_ms, int *fd_out)
{
	int rc = sock_wait(listen_fd, POLLIN, timeout_ms);
	int fd;

	if (rc < 0)
		return rc;
	fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return -errno;
	*fd_out = fd;
	return 0;
}

static int read_cookie(int fd, char cookie[IP3_COOKIE_SIZE])
{
	size_t got;
	int rc = sock_recv_exact(fd, cookie, IP3_COOKIE_SIZE, deadline_after_ms(CLIENT_WAIT_MS), &got);

	if (rc < 0)
		return rc;
	cookie[IP3_COOKIE_SIZE - 1] = '\0';
	return 0;
}

static void deny(int fd)
{
	signed char denied = IP3_ACCESS_DENIED;

	/* as iperf3: a failed send is the other client's affair, not the test's */
	if (send(fd, &denied, 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		denied = 0;
	close(fd);
}

/* Refuses the client's parameters as iperf3 refuses what it lacks:
 * SERVER_ERROR, then iperf3's error number and errno. */
static void refuse_params(struct ip3_test *t)
{
	uint32_t codes[2] = { htonl(IP3_IEUNIMP), htonl(0) };

	ip3_send_state(t->ctrl_fd, IP3_SERVER_ERROR);
	sock_send_all(t->ctrl_fd, codes, sizeof(codes), deadline_after_ms(CLIENT_WAIT_MS));
}

static int exchange_params(struct ip3_test *t)
{
	const char *reason;
	char *json = NULL;
	int rc;

	if ((rc = ip3_send_state(t->ctrl_fd, IP3_PARAM_EXCHANGE)) < 0)
		return ip3_fail(t, rc, "unable to send control message");
	if ((rc = ip3_recv_json(t->ctrl_fd, deadline_after_ms(CLIENT_WAIT_MS), &json)) < 0)
		return ip3_fail(t, rc, "unable to receive parameters from client");
	reason = ip3_params_parse(t, json);
	free(json);
	if (reason) {
		refuse_params(t);
		return ip3_fail(t, 0, "%s", reason);
	}
	return 0;
}

/* Once the streams are there, a datagram to the port finds no socket. */
static void close_udp_listener(struct ip3_test *t)
{
	if (t->udp_listen_fd >= 0)
		close(t->udp_listen_fd);
	t->udp_listen_fd = -1;
}

/* -J's sndbuf_actual and rcvbuf_actual, read where iperf3 3.12's server
 * reads them: a UDP stream's socket; for TCP its stream listener, which
 * is ours unless -w sized the streams (iperf3 then makes a listener of
 * that size). */
static void note_buffers(struct ip3_test *t)
{
	int fd = t->set.udp || t->set.window ? t->streams[0].fd : t->listen_fd;

	t->sndbuf_actual = ip3_socket_buffer(fd, SO_SNDBUF);
	t->rcvbuf_actual = ip3_socket_buffer(fd, SO_RCVBUF);
}

static int accept_streams(struct ip3_test *t)
{
	int count = t->set.parallel * (t->mode == IP3_BIDIR ? 2 : 1);
	char cookie[IP3_COOKIE_SIZE];
	int fd, rc;

	while (t->stream_count < count) {
		struct ip3_stream *s = &t->streams[t->stream_count];
		/* the client's first streams are its senders */
		bool sender = t->mode == IP3_BIDIR ? t->stream_count >= t->set.parallel : t->mode == IP3_SENDER;

		if (t->set.udp) {
			if ((rc = ip3_udp_accept(t, CLIENT_WAIT_MS, &fd)) < 0)
				return ip3_fail(t, rc, "unable to accept stream connection");
			ip3_stream_init(t, s, fd, sender);
			t->stream_count++;
			ip3_out_connected(t, s);
			continue;
		}
		if ((rc = accept_one(t->listen_fd, CLIENT_WAIT_MS, &fd)) < 0)
			return ip3_fail(t, rc, "unable to accept stream connection");
		if (read_cookie(fd, cookie) < 0 || memcmp(cookie, t->cookie, IP3_COOKIE_SIZE) != 0) {
			deny(fd);
			continue;
		}
		if ((rc = ip3_stream_setopts(t, fd)) < 0) {
			close(fd);
			return ip3_fail(t, rc, "unable to set the stream's socket options");
		}
		ip3_stream_init(t, s, fd, sender);
		t->stream_count++;
		ip3_out_connected(t, s);
	}
	return 0;
}

static int end_test(struct ip3_test *t)
{
	int state, rc;

	ip3_test_end(t);
	ip3_streams_close(t);
	ip3_out_intermediate(t);
	ip3_out_results(t);
	/* iperf3's server reports before the exchange: the client's figures
	 * (its sender bytes, its congestion control) are not in its document */
	if (t->json) {
		ip3_out_json(t, NULL, 0);
		t->json_written = true;
	}
	if ((rc = ip3_send_state(t->ctrl_fd, IP3_EXCHANGE_RESULTS)) < 0)
		return ip3_fail(t, rc, "unable to send control message");
	if ((rc = ip3_exchange_results(t)))
		return rc;
	if ((rc = ip3_send_state(t->ctrl_fd, IP3_DISPLAY_RESULTS)) < 0)
		return ip3_fail(t, rc, "unable to send control message");
	rc = ip3_recv_state(t->ctrl_fd, deadline_after_ms(CLIENT_WAIT_MS), &state);
	if (rc == 0 && state != IP3_IPERF_DONE)
		return ip3_fail(t, 0, "received an unknown control message (%d)", state);
	return 0;
}

/* The data phase until the client's state: TEST_END ends the test. */
static int run_until_end(struct ip3_test *t)
{
	int state, rc;

	for (;;) {
		rc = ip3_run_data(t);
		if (rc < 0)
			return ip3_fail(t, rc, "the test failed");
		rc = ip3_recv_state(t->ctrl_fd, deadline_after_ms(CLIENT_WAIT_MS), &state);
		if (rc == -EPIPE)
			return ip3_fail(t, 0, "the client has unexpectedly closed the connection");
		if (rc < 0)
			return ip3_fail(t, rc, "unable to read from the control socket");
		if (state == IP3_TEST_END)
			return end_test(t);
		if (state == IP3_CLIENT_TERMINATE) {
			ip3_test_end(t);
			ip3_out_intermediate(t);
			ip3_out_results(t);
			return ip3_fail(t, 0, "the client has terminated");
		}
		if (state != IP3_TEST_START && state != IP3_TEST_RUNNING)
			return ip3_fail(t, 0, "received an unknown control message (%d)", state);
	}
}

static int serve_client(struct ip3_test *t)
{
	char text[ADDR_STRLEN];
	struct sonde_addr peer;
	int rc;

	if ((rc = read_cookie(t->ctrl_fd, t->cookie)) < 0)
		return ip3_fail(t, rc, "unable to receive cookie at server");
	sock_peer_addr(t->ctrl_fd, &peer);
	ip3_addr_unmap(&peer);
	addr_ntop(&peer, t->host_text, sizeof(t->host_text));
	t->port = addr_port(&peer);
	ip3_out_line(t, "Accepted connection from %s, port %u\n", addr_ntop(&peer, text, sizeof(text)),
		     addr_port(&peer));
	if ((rc = exchange_params(t)))
		return rc;
	if ((rc = ip3_stream_buffers(t)) < 0)
		return ip3_fail(t, rc, "unable to allocate the data buffers");
	if (t->set.udp && (rc = ip3_udp_listen(t)) < 0)
		return ip3_fail(t, rc, "unable to start stream listener");
	if ((rc = ip3_send_state(t->ctrl_fd, IP3_CREATE_STREAMS)) < 0)
		return ip3_fail(t, rc, "unable to send control message");
	rc = accept_streams(t);
	close_udp_listener(t);
	if (rc)
		return rc;
	t->tcp_mss_default = ip3_mss_of(t->streams[0].fd);
	note_buffers(t);
	if ((rc = ip3_send_state(t->ctrl_fd, IP3_TEST_START)) < 0)
		return ip3_fail(t, rc, "unable to send control message");
	ip3_test_start(t);
	if ((rc = ip3_send_state(t->ctrl_fd, IP3_TEST_RUNNING)) < 0)
		return ip3_fail(t, rc, "unable to send control message");
	return run_until_end(t);
}

/* One test from the accept of its control connection to its report. */
static int one_test(struct ip3_test *t, int listen_fd, int test_number, uint16_t port)
{
	int rc;

	ip3_out_line(t, "-----------------------------------------------------------\n");
	ip3_out_line(t, "Server listening on %u (test #%d)\n", port, test_number);
	ip3_out_line(t, "-----------------------------------------------------------\n");
	fflush(stdout);
	t->role = 's';
	t->listen_fd = listen_fd;
	if ((rc = accept_one(listen_fd, -1, &t->ctrl_fd)) < 0)
		return ip3_fail(t, rc, "unable to accept connection from client");
	ip3_ctrl_nodelay(t->ctrl_fd);
	rc = serve_client(t);
	if (t->json && !t->json_written)
		ip3_out_json(t, rc ? t->error : NULL, rc);
	else if (rc)
		sonde_err("%s", t->error);
	fflush(stdout);
	ip3_streams_close(t);
	close(t->ctrl_fd);
	return rc;
}

static int open_listener(const char *bind_addr, int family, uint16_t port, int *fd_out)
{
	struct sonde_addr addr;
	int rc;

	if (bind_addr) {
		if ((rc = addr_parse_ip(bind_addr, port, family, &addr)) < 0)
			return rc;
	} else if (family == AF_INET) {
		addr_parse_ip("0.0.0.0", port, AF_INET, &addr);
	} else {
		addr_parse_ip("::", port, AF_INET6, &addr);
	}
	return sock_listen(&addr, SOCK_STREAM, 128, fd_out);
}

int ip3_server_run(struct ip3_test *t, const char *bind_addr, int family, bool one_off)
{
	struct ip3_settings defaults = t->set;
	int listen_fd, test_number, rc = 0;

	if ((rc = open_listener(bind_addr, family, t->port, &listen_fd)) < 0)
		return ip3_fail(t, rc, "unable to start listener for connections");
	for (test_number = 1;; test_number++) {
		uint16_t port = t->port;

		rc = one_test(t, listen_fd, test_number, port);
		ip3_test_free(t);
		if (one_off)
			break;
		memset(t, 0, offsetof(struct ip3_test, out));
		t->set = defaults;
		t->port = port;
		t->zerocopy_fd = -1;
		t->udp_listen_fd = -1;
	}
	close(listen_fd);
	if (rc)
		t->error[0] = '\0'; /* already reported with the test */
	return rc;
}
