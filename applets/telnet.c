/* telnet: a client for text protocols as Debian's telnet (inetutils 2.4)
 * behaves: `Trying ADDR...`, `Connected to HOST.`, `Escape character is
 * '^]'.`, lines sent with CRLF, every option the server proposes refused
 * (WONT/DONT, once per change, so that a real telnetd goes on without
 * waiting), `^]` to a `telnet>` prompt (quit, close, status) on a
 * terminal, `Connection closed by foreign host.` when the server ends. */
#include <ares.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <poll.h>

#include "sonde/addr.h"
#include "sonde/applet.h"
#include "sonde/err.h"
#include "sonde/resolve.h"
#include "sonde/services.h"
#include "sonde/sock.h"
#include "sonde/version.h"

#define TELNET_PORT 23
#define TELNET_MAX_ADDRS 16
#define TELNET_BUF_BYTES 4096
#define TELNET_ESCAPE_CHAR 0x1d /* ^] */

/* The protocol's bytes (RFC 854). */
enum {
	TN_SE = 240, TN_SB = 250, TN_WILL = 251, TN_WONT = 252, TN_DO = 253, TN_DONT = 254, TN_IAC = 255,
};

enum telnet_exit { TELNET_EXIT_OK = 0, TELNET_EXIT_FAIL = 1 };

/* The server's stream, parsed byte by byte across reads. */
enum tn_state { TN_DATA, TN_COMMAND, TN_OPTION, TN_SUB, TN_SUB_IAC };

struct telnet_session {
	int fd;
	const char *host;
	enum tn_state state;
	unsigned char verb;            /* WILL/WONT/DO/DONT awaiting its option */
	bool refused_do[256], refused_will[256];
	bool tty;
};

static const struct sonde_opt telnet_options[] = {
	SONDE_OPT_END,
};

/* --- the server's side ------------------------------------------------------------- */

static int send_bytes(int fd, const void *data, size_t len)
{
	return sock_send_all(fd, data, len, 0);
}

/* A request we refuse once; a refusal we already gave is not repeated
 * (RFC 854's rule against loops). */
static void answer_option(struct telnet_session *s, unsigned char verb, unsigned char option)
{
	unsigned char reply[3] = { TN_IAC, 0, option };

	if (verb == TN_DO && !s->refused_do[option]) {
		s->refused_do[option] = true;
		reply[1] = TN_WONT;
	} else if (verb == TN_WILL && !s->refused_will[option]) {
		s->refused_will[option] = true;
		reply[1] = TN_DONT;
	} else {
		return;
	}
	send_bytes(s->fd, reply, sizeof(reply));
}

/* The data bytes of what the server sent, commands answered and removed. */
static size_t strip_commands(struct telnet_session *s, const unsigned char *in, size_t len, unsigned char *out)
{
	size_t used = 0, i;

	for (i = 0; i < len; i++) {
		unsigned char c = in[i];

		switch (s->state) {
		case TN_DATA:
			if (c == TN_IAC)
				s->state = TN_COMMAND;
			else
				out[used++] = c;
			break;
		case TN_COMMAND:
			s->state = TN_DATA;
			if (c == TN_IAC)
				out[used++] = c;
			else if (c >= TN_WILL && c <= TN_DONT)
				s->verb = c, s->state = TN_OPTION;
			else if (c == TN_SB)
				s->state = TN_SUB;
			break;
		case TN_OPTION:
			answer_option(s, s->verb, c);
			s->state = TN_DATA;
			break;
		case TN_SUB:
			if (c == TN_IAC)
				s->state = TN_SUB_IAC;
			break;
		case TN_SUB_IAC:
			s->state = c == TN_SE ? TN_DATA : TN_SUB;
			break;
		}
	}
	return used;
}

static void write_out(const unsigned char *data, size_t len)
{
	(void)fd_write_all(STDOUT_FILENO, data, len);
}

/* Returns false once the server closed. */
static bool from_server(struct telnet_session *s)
{
	unsigned char in[TELNET_BUF_BYTES], data[TELNET_BUF_BYTES];
	ssize_t got = read(s->fd, in, sizeof(in));

	if (got < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (got <= 0)
		return false;
	write_out(data, strip_commands(s, in, (size_t)got, data));
	return true;
}

/* --- the user's side ---------------------------------------------------------------- */

/* A line as telnet sends it: LF as CRLF, IAC doubled. */
static int send_line(struct telnet_session *s, const char *text, size_t len)
{
	unsigned char out[TELNET_BUF_BYTES * 2 + 2];
	size_t used = 0, i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '\n' && (i == 0 || text[i - 1] != '\r'))
			out[used++] = '\r';
		if (c == TN_IAC)
			out[used++] = TN_IAC;
		out[used++] = c;
	}
	return send_bytes(s->fd, out, used);
}

static void print_status(const struct telnet_session *s)
{
	printf("Connected to %s.\nOperating in obsolete linemode\nLocal character echo\nEscape character is '^]'.\n",
	       s->host);
}

enum prompt_result { PROMPT_RESUME, PROMPT_QUIT };

/* The `telnet>` prompt after ^]: quit and close end the session, status
 * reports, an empty line resumes it. */
static enum prompt_result command_prompt(const struct telnet_session *s)
{
	char line[256];

	for (;;) {
		printf("\ntelnet> ");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return PROMPT_QUIT;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			return PROMPT_RESUME;
		if (strcmp(line, "quit") == 0 || strcmp(line, "q") == 0 || strcmp(line, "close") == 0 ||
		    strcmp(line, "c") == 0) {
			printf("Connection closed.\n");
			return PROMPT_QUIT;
		}
		if (strcmp(line, "status") == 0 || strcmp(line, "st") == 0) {
			print_status(s);
			return PROMPT_RESUME;
		}
		printf("?Invalid command");
	}
}

enum user_result { USER_GOES_ON, USER_EOF, USER_QUIT };

static enum user_result from_user(struct telnet_session *s)
{
	char buf[TELNET_BUF_BYTES];
	ssize_t got = read(STDIN_FILENO, buf, sizeof(buf));
	char *escape;

	if (got < 0 && errno == EINTR)
		return USER_GOES_ON;
	if (got <= 0)
		return USER_EOF;
	escape = s->tty ? memchr(buf, TELNET_ESCAPE_CHAR, (size_t)got) : NULL;
	if (!escape)
		return send_line(s, buf, (size_t)got) < 0 ? USER_QUIT : USER_GOES_ON;
	if (escape > buf)
		send_line(s, buf, (size_t)(escape - buf));
	return command_prompt(s) == PROMPT_QUIT ? USER_QUIT : USER_GOES_ON;
}

/* On a terminal, ^] ends a line at once (VEOL), as telnet's escape. */
static bool escape_on_terminal(struct termios *saved)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, saved) < 0)
		return false;
	t = *saved;
	t.c_cc[VEOL] = TELNET_ESCAPE_CHAR;
	tcsetattr(STDIN_FILENO, TCSANOW, &t);
	return true;
}

static int converse(struct telnet_session *s)
{
	struct termios saved;
	enum user_result user = USER_GOES_ON;

	s->tty = escape_on_terminal(&saved);
	for (;;) {
		struct pollfd pfd[2] = { { s->fd, POLLIN, 0 }, { STDIN_FILENO, POLLIN, 0 } };

		fflush(stdout);
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents && !from_server(s))
			break;
		if (pfd[1].revents && (user = from_user(s)) != USER_GOES_ON)
			break;
	}
	if (s->tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	fflush(stdout);
	/* inetutils' telnet says so when stdin ends too. */
	if (user != USER_QUIT)
		fprintf(stderr, "Connection closed by foreign host.\n");
	return TELNET_EXIT_OK;
}

/* --- reaching the server ------------------------------------------------------------ */

static int lookup_failure(const char *host, const char *port_text, int err)
{
	printf("Server lookup failure:  %s:%s, %s\n", host, port_text,
		err == -ARES_ENOTFOUND || err == -ARES_ENODATA ? "Name or service not known"
							       : "Temporary failure in name resolution");
	return TELNET_EXIT_FAIL;
}

/* Each address in turn, `Trying ADDR...` before each, as telnet. */
static int connect_any(const struct sonde_addr *addrs, size_t count, int *fd)
{
	char text[ADDR_STRLEN];
	int rc = -ECONNREFUSED;
	size_t i;

	for (i = 0; i < count; i++) {
		printf("Trying %s...\n", addr_ntop(&addrs[i], text, sizeof(text)));
		fflush(stdout);
		rc = sock_connect(&addrs[i], SOCK_STREAM, NULL, -1, fd);
		if (rc == 0)
			return 0;
	}
	return rc;
}

static int telnet_main(struct sonde_ctx *ctx, void *config, int argc, char **argv)
{
	struct telnet_session s = { .fd = -1, .host = argv[0] };
	struct sonde_addr addrs[TELNET_MAX_ADDRS];
	const char *port_text = argc > 1 ? argv[1] : "23";
	uint16_t port = TELNET_PORT;
	size_t count = 0;
	int rc;

	(void)config;
	if (ctx->json) {
		sonde_err("--json: telnet is an interactive session; `sonde nc` or `sonde wait --json` check a port");
		return TELNET_EXIT_FAIL;
	}
	if (addr_parse_port(port_text, false, &port) < 0 && services_port(port_text, "tcp", &port) < 0) {
		fprintf(stderr, "telnet: %s: bad port\n", port_text);
		return TELNET_EXIT_FAIL;
	}
	rc = resolve_host(s.host, AF_UNSPEC, 0, 0, port, addrs, TELNET_MAX_ADDRS, &count);
	if (rc < 0 || count == 0)
		return lookup_failure(s.host, port_text, rc);
	rc = connect_any(addrs, count, &s.fd);
	if (rc < 0) {
		fprintf(stderr, "telnet: Unable to connect to remote host: %s\n", strerror(-rc));
		return TELNET_EXIT_FAIL;
	}
	printf("Connected to %s.\nEscape character is '^]'.\n", s.host);
	rc = converse(&s);
	close(s.fd);
	return rc;
}

static const struct sonde_imitation telnet_imitation = {
	.version_letters = "V",
	.classic_line = "telnet (GNU inetutils) 2.4",
	.imitated = "telnet from GNU inetutils 2.4 (Debian 12's telnet)",
};

const struct sonde_applet applet_telnet = {
	.name = "telnet",
	.summary = "a telnet client for text protocols, as Debian's telnet",
	.usage = "HOST [PORT]",
	.help_extra = "Lines go out with CRLF; every telnet option the server proposes is refused. On a terminal, "
		      "^] opens the telnet> prompt: quit, close, status, or an empty line to go back.",
	.options = telnet_options,
	.min_args = 1,
	.max_args = 2,
	.usage_exit_code = TELNET_EXIT_FAIL,
	.exit_codes = "0 the session ended (by the server, quit or the end of stdin); 1 usage error, a name that "
		      "does not resolve, a connection refused or unreachable.",
	.imitates = &telnet_imitation,
	.main = telnet_main,
};
