/* What the client and the server share: the failure record, the start of
 * a test, and the results exchange in each side's order. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "iperf3_impl.h"
#include "sonde/clock.h"

int ip3_fail(struct ip3_test *t, int err, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(t->error, sizeof(t->error), fmt, ap);
	va_end(ap);
	n = strlen(t->error);
	if (err)
		snprintf(t->error + n, sizeof(t->error) - n, ": %s", strerror(err < 0 ? -err : err));
	return 1;
}

void ip3_test_start(struct ip3_test *t)
{
	t->start_mono_ns = mono_ns();
	t->pace_start_ns = t->start_mono_ns;
	t->wall_start_s = (int64_t)time(NULL);
	t->next_tick_ns = 0;
	t->omitting = t->set.omit_s > 0;
	ip3_cpu_start(t);
	ip3_congestion_used(t);
}

/* The end of the data phase on this side: the last interval closed. */
void ip3_test_end(struct ip3_test *t)
{
	t->done = true;
	ip3_cpu_stop(t);
	ip3_stats_close_interval(t);
}

/* The client sends its results first, the server answers with its own. */
int ip3_exchange_results(struct ip3_test *t)
{
	struct strbuf b = { 0 };
	const char *reason;
	char *peer = NULL;
	int rc = 0;

	if (t->role == 's' && (rc = ip3_recv_json(t->ctrl_fd, deadline_after_ms(30000), &peer)) < 0)
		return ip3_fail(t, rc, "unable to receive results");
	ip3_results_build(t, &b);
	if (b.failed)
		rc = -ENOMEM;
	else
		rc = ip3_send_json(t->ctrl_fd, b.data, b.len);
	strbuf_free(&b);
	if (rc < 0) {
		free(peer);
		return ip3_fail(t, rc, "unable to send results");
	}
	if (t->role == 'c' && (rc = ip3_recv_json(t->ctrl_fd, deadline_after_ms(30000), &peer)) < 0)
		return ip3_fail(t, rc, "unable to receive results");
	reason = ip3_results_parse(t, peer);
	free(peer);
	if (reason)
		return ip3_fail(t, 0, "unable to receive results: %s", reason);
	return 0;
}

void ip3_streams_close(struct ip3_test *t)
{
	int i;

	for (i = 0; i < t->stream_count; i++)
		if (!t->streams[i].released) {
			close(t->streams[i].fd);
			t->streams[i].released = true;
		}
}

void ip3_test_free(struct ip3_test *t)
{
	int i;

	for (i = 0; i < t->stream_count; i++)
		free(t->streams[i].intervals);
	t->stream_count = 0;
	free(t->send_buf);
	free(t->recv_buf);
	t->send_buf = t->recv_buf = NULL;
	free(t->peer_congestion);
	free(t->peer_title);
	t->peer_congestion = t->peer_title = NULL;
	if (t->zerocopy_fd >= 0)
		close(t->zerocopy_fd);
	t->zerocopy_fd = -1;
}
