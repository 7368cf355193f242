/* The stream loops of sock.c (sock_send_all, sock_recv_exact) over a local
 * socket pair: whole transfers, the peer closing early, deadlines, and no
 * SIGPIPE when the peer has gone. */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sonde/clock.h"
#include "sonde/sock.h"
#include "tap.h"

#define BIG_BYTES (4 * 1024 * 1024)

static void test_whole_transfer(void)
{
	int pair[2];
	uint8_t got_bytes[5] = { 0 };
	size_t got = 99;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair) < 0) {
		tap_skip("a whole transfer", "no socketpair");
		return;
	}
	is_int(sock_send_all(pair[0], "hello", 5, deadline_after_ms(1000)), 0, "send_all: five bytes sent");
	is_int(sock_recv_exact(pair[1], got_bytes, 5, deadline_after_ms(1000), &got), 0, "recv_exact: five bytes read");
	is_int(got, 5, "recv_exact: got counts them");
	ok(memcmp(got_bytes, "hello", 5) == 0, "recv_exact: the bytes sent");
	is_int(sock_recv_exact(pair[1], got_bytes, 1, deadline_after_ms(50), &got), -ETIMEDOUT,
	       "recv_exact: nothing more before the deadline is -ETIMEDOUT");
	is_int(got, 0, "recv_exact: got is 0 after a timeout without bytes");
	close(pair[0]);
	close(pair[1]);
}

static void test_peer_closes(void)
{
	int pair[2];
	uint8_t buf[4];
	size_t got = 99;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair) < 0) {
		tap_skip("the peer closing", "no socketpair");
		return;
	}
	sock_send_all(pair[0], "ab", 2, 0);
	close(pair[0]);
	is_int(sock_recv_exact(pair[1], buf, sizeof(buf), 0, &got), -EPIPE,
	       "recv_exact: the peer closing before the end is -EPIPE");
	is_int(got, 2, "recv_exact: got says two bytes came first");
	is_int(sock_send_all(pair[1], "x", 1, 0), -EPIPE, "send_all: a closed peer is -EPIPE, not SIGPIPE");
	close(pair[1]);
}

static void test_send_deadline(void)
{
	int pair[2];
	uint8_t *big = calloc(1, BIG_BYTES);

	if (!big || socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair) < 0) {
		tap_skip("a send deadline", "no memory or no socketpair");
		free(big);
		return;
	}
	is_int(sock_send_all(pair[0], big, BIG_BYTES, deadline_after_ms(50)), -ETIMEDOUT,
	       "send_all: more than the peer's buffer, nobody reading, is -ETIMEDOUT");
	close(pair[0]);
	close(pair[1]);
	free(big);
}

static void test_recv_until(void)
{
	int pair[2];
	uint8_t buf[8];

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, pair) < 0) {
		tap_skip("one datagram", "no socketpair");
		return;
	}
	is_int(sock_recv_until(pair[1], buf, sizeof(buf), deadline_after_ms(50)), -ETIMEDOUT,
	       "recv_until: no datagram before the deadline is -ETIMEDOUT");
	send(pair[0], "", 0, 0);
	is_int(sock_recv_until(pair[1], buf, sizeof(buf), deadline_after_ms(1000)), 0,
	       "recv_until: an empty datagram is 0 bytes, not an error");
	send(pair[0], "abc", 3, 0);
	is_int(sock_recv_until(pair[1], buf, sizeof(buf), 0), 3, "recv_until: a datagram's bytes, no deadline");
	close(pair[0]);
	close(pair[1]);
}

int main(void)
{
	test_recv_until();
	test_whole_transfer();
	test_peer_closes();
	test_send_deadline();
	return tap_exit();
}
