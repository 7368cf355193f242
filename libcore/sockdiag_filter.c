/* ss's filter expressions: parsed into a small tree, compiled into the
 * kernel's inet_diag bytecode so the kernel drops what does not match, and
 * evaluated in user space with the same meaning.
 *
 * The bytecode machine: each op is {code, yes, no}; a true condition moves
 * `yes` bytes ahead, a false one `no` bytes.  A program accepts a socket when
 * it runs exactly off its end, and rejects it when it lands 4 bytes past the
 * end.  The kernel's audit walks the program by `yes` steps, so every op here
 * steps `yes` to the next op, and only `no` jumps (JMP ops take `no` always). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/services.h"
#include "sonde/sockdiag.h"

/* --- tokens ------------------------------------------------------------------ */

#define FILTER_MAX_TOKENS 128
#define FILTER_TEXT_MAX 1024

struct lexer {
	char text[FILTER_TEXT_MAX];
	char *tokens[FILTER_MAX_TOKENS];
	int count, pos;
	char *err;
	size_t err_size;
};

/* Words are joined and cut at blanks; parentheses, and a '!' not starting
 * "!=", are tokens of their own. */
static int lex(struct lexer *lx, int count, char **words)
{
	size_t used = 0;
	int i;
	char *p;

	for (i = 0; i < count; i++) {
		const char *w;

		for (w = words[i]; *w; w++) {
			bool paren = *w == '(' || *w == ')' || (*w == '!' && w[1] != '=');

			if (used + 3 >= sizeof(lx->text))
				return -E2BIG;
			if (paren)
				lx->text[used++] = ' ';
			lx->text[used++] = *w;
			if (paren)
				lx->text[used++] = ' ';
		}
		if (used + 1 >= sizeof(lx->text))
			return -E2BIG;
		lx->text[used++] = ' ';
	}
	lx->text[used] = '\0';
	lx->count = 0;
	for (p = strtok(lx->text, " \t\n"); p; p = strtok(NULL, " \t\n")) {
		if (lx->count == FILTER_MAX_TOKENS)
			return -E2BIG;
		lx->tokens[lx->count++] = p;
	}
	lx->pos = 0;
	return 0;
}

static const char *peek(const struct lexer *lx)
{
	return lx->pos < lx->count ? lx->tokens[lx->pos] : NULL;
}

static bool accept_word(struct lexer *lx, const char *a, const char *b, const char *c)
{
	const char *t = peek(lx);

	if (t && ((a && strcmp(t, a) == 0) || (b && strcmp(t, b) == 0) || (c && strcmp(t, c) == 0))) {
		lx->pos++;
		return true;
	}
	return false;
}

static int fail(struct lexer *lx, const char *what, const char *token)
{
	if (token)
		snprintf(lx->err, lx->err_size, "%s: '%s'", what, token);
	else
		snprintf(lx->err, lx->err_size, "%s", what);
	return -EINVAL;
}

/* --- tree ---------------------------------------------------------------------- */

static int node_new(struct sockdiag_filter *f, enum sockdiag_filter_kind kind, int left, int right)
{
	struct sockdiag_filter_node *n;

	if (f->count == SOCKDIAG_FILTER_MAX_NODES)
		return -E2BIG;
	n = &f->nodes[f->count];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->left = left;
	n->right = right;
	n->port = -1;
	return f->count++;
}

/* ":443", "443", ":https", "*" or ":*" (any). */
static int parse_port(struct lexer *lx, const char *text, int *port)
{
	uint16_t value;

	if (*text == ':')
		text++;
	if (*text == '\0' || strcmp(text, "*") == 0) {
		*port = -1;
		return 0;
	}
	if (addr_parse_port(text, true, &value) == 0 || services_port(text, "tcp", &value) == 0 ||
	    services_port(text, "udp", &value) == 0) {
		*port = value;
		return 0;
	}
	return fail(lx, "not a port", text);
}

/* HOST: "10.0.0.0/8", "10.0.0.1:80", "[::1]:80", "[2001:db8::]/32", "::1",
 * ":80", "*:80", "*". */
static int parse_host(struct lexer *lx, const char *text, struct sockdiag_filter_node *n)
{
	char host[128];
	const char *port_text = NULL, *slash;
	struct sonde_prefix prefix;
	size_t host_len;

	if (strlen(text) >= sizeof(host))
		return fail(lx, "address too long", text);
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (!close)
			return fail(lx, "missing ']' in", text);
		host_len = (size_t)(close - text - 1);
		memcpy(host, text + 1, host_len);
		host[host_len] = '\0';
		if (close[1] == '/') {
			const char *colon = strchr(close + 1, ':');
			size_t plen = colon ? (size_t)(colon - close - 1) : strlen(close + 1);

			if (host_len + plen >= sizeof(host))
				return fail(lx, "address too long", text);
			memcpy(host + host_len, close + 1, plen);
			host[host_len + plen] = '\0';
			port_text = colon;
		} else if (close[1] == ':') {
			port_text = close + 1;
		} else if (close[1]) {
			return fail(lx, "unexpected text after ']' in", text);
		}
	} else {
		const char *colon, *first_colon;

		slash = strchr(text, '/');
		first_colon = strchr(slash ? slash : text, ':');
		colon = strrchr(slash ? slash : text, ':');
		/* An unbracketed IPv6 address has several colons: no port then. */
		if (colon && (slash || first_colon == colon)) {
			port_text = colon;
			host_len = (size_t)(colon - text);
		} else {
			host_len = strlen(text);
		}
		memcpy(host, text, host_len);
		host[host_len] = '\0';
	}
	if (port_text && parse_port(lx, port_text, &n->port) < 0)
		return -EINVAL;
	if (host[0] == '\0' || strcmp(host, "*") == 0) {
		n->family = AF_UNSPEC;
		return 0;
	}
	if (addr_parse_prefix(host, true, &prefix) < 0)
		return fail(lx, "an address or prefix is expected rather than", host);
	n->family = prefix.family;
	n->prefix_len = prefix.len;
	memcpy(n->addr, prefix.bytes, sizeof(n->addr));
	return 0;
}

enum cmp_op { CMP_EQ, CMP_NE, CMP_GE, CMP_LE, CMP_GT, CMP_LT, CMP_NONE };

static enum cmp_op parse_cmp(struct lexer *lx)
{
	static const struct {
		const char *a, *b, *c;
		enum cmp_op op;
	} ops[] = {
		{ "=", "==", "eq", CMP_EQ }, { "!=", "ne", "neq", CMP_NE }, { ">=", "ge", "geq", CMP_GE },
		{ "<=", "le", "leq", CMP_LE }, { ">", "gt", NULL, CMP_GT }, { "<", "lt", NULL, CMP_LT },
	};
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (accept_word(lx, ops[i].a, ops[i].b, ops[i].c))
			return ops[i].op;
	return CMP_NONE;
}

static int negate(struct sockdiag_filter *f, int node)
{
	return node < 0 ? node : node_new(f, SOCKDIAG_F_NOT, node, -1);
}

/* dport/sport OP PORT. */
static int parse_port_cond(struct sockdiag_filter *f, struct lexer *lx, bool dst)
{
	enum cmp_op op = parse_cmp(lx);
	const char *arg = peek(lx);
	int port, node;

	if (op == CMP_NONE)
		op = CMP_EQ;
	if (!arg)
		return fail(lx, dst ? "dport needs a port" : "sport needs a port", NULL);
	lx->pos++;
	if (parse_port(lx, arg, &port) < 0)
		return -EINVAL;
	if (port < 0 && op != CMP_EQ && op != CMP_NE)
		return fail(lx, "a comparison needs a port number, not", arg);
	switch (op) {
	case CMP_EQ:
	case CMP_NE:
		node = node_new(f, dst ? SOCKDIAG_F_DST : SOCKDIAG_F_SRC, -1, -1);
		if (node >= 0)
			f->nodes[node].port = port;
		return op == CMP_NE ? negate(f, node) : node;
	case CMP_GE:
	case CMP_LT:
		node = node_new(f, dst ? SOCKDIAG_F_DPORT_GE : SOCKDIAG_F_SPORT_GE, -1, -1);
		break;
	default:
		node = node_new(f, dst ? SOCKDIAG_F_DPORT_LE : SOCKDIAG_F_SPORT_LE, -1, -1);
		break;
	}
	if (node >= 0)
		f->nodes[node].port = port;
	/* "> N" is "not <= N", "< N" is "not >= N". */
	return op == CMP_GT || op == CMP_LT ? negate(f, node) : node;
}

/* dst/src [= | != ] HOST. */
static int parse_host_cond(struct sockdiag_filter *f, struct lexer *lx, bool dst)
{
	enum cmp_op op = parse_cmp(lx);
	const char *arg = peek(lx);
	int node;

	if (op == CMP_NONE)
		op = CMP_EQ;
	if (op != CMP_EQ && op != CMP_NE)
		return fail(lx, "addresses compare with = or != only", NULL);
	if (!arg)
		return fail(lx, dst ? "dst needs an address" : "src needs an address", NULL);
	lx->pos++;
	node = node_new(f, dst ? SOCKDIAG_F_DST : SOCKDIAG_F_SRC, -1, -1);
	if (node < 0)
		return node;
	if (parse_host(lx, arg, &f->nodes[node]) < 0)
		return -EINVAL;
	return op == CMP_NE ? negate(f, node) : node;
}

static int parse_or(struct sockdiag_filter *f, struct lexer *lx, int depth);

static int parse_factor(struct sockdiag_filter *f, struct lexer *lx, int depth)
{
	const char *t = peek(lx);
	int node;

	if (!t)
		return fail(lx, "expression ends too early", NULL);
	if (depth > 32)
		return fail(lx, "expression nests too deep", NULL);
	if (accept_word(lx, "not", "!", NULL))
		return negate(f, parse_factor(f, lx, depth + 1));
	if (accept_word(lx, "(", NULL, NULL)) {
		node = parse_or(f, lx, depth + 1);
		if (node < 0)
			return node;
		if (!accept_word(lx, ")", NULL, NULL))
			return fail(lx, "missing ')'", NULL);
		return node;
	}
	if (accept_word(lx, "dport", NULL, NULL))
		return parse_port_cond(f, lx, true);
	if (accept_word(lx, "sport", NULL, NULL))
		return parse_port_cond(f, lx, false);
	if (accept_word(lx, "dst", NULL, NULL))
		return parse_host_cond(f, lx, true);
	if (accept_word(lx, "src", NULL, NULL))
		return parse_host_cond(f, lx, false);
	return fail(lx, "unknown filter word", t);
}

static bool at_term_end(const struct lexer *lx)
{
	const char *t = peek(lx);

	return !t || strcmp(t, ")") == 0 || strcmp(t, "or") == 0 || strcmp(t, "||") == 0 ||
	       strcmp(t, "|") == 0;
}

static int parse_and(struct sockdiag_filter *f, struct lexer *lx, int depth)
{
	int left = parse_factor(f, lx, depth);

	while (left >= 0 && !at_term_end(lx)) {
		int right;

		accept_word(lx, "and", "&&", "&");
		right = parse_factor(f, lx, depth);
		if (right < 0)
			return right;
		left = node_new(f, SOCKDIAG_F_AND, left, right);
	}
	return left;
}

static int parse_or(struct sockdiag_filter *f, struct lexer *lx, int depth)
{
	int left = parse_and(f, lx, depth);

	while (left >= 0 && accept_word(lx, "or", "||", "|")) {
		int right = parse_and(f, lx, depth);

		if (right < 0)
			return right;
		left = node_new(f, SOCKDIAG_F_OR, left, right);
	}
	return left;
}

int sockdiag_filter_parse(struct sockdiag_filter *filter, int count, char **words, char *err,
			  size_t err_size)
{
	struct lexer *lx = calloc(1, sizeof(*lx));
	int rc;

	if (!lx)
		return -ENOMEM;
	lx->err = err;
	lx->err_size = err_size;
	memset(filter, 0, sizeof(*filter));
	filter->root = -1;
	rc = lex(lx, count, words);
	if (rc < 0) {
		snprintf(err, err_size, "filter expression too long");
		free(lx);
		return -EINVAL;
	}
	if (lx->count > 0) {
		rc = parse_or(filter, lx, 0);
		if (rc == -E2BIG)
			snprintf(err, err_size, "filter expression too long");
		if (rc >= 0 && peek(lx)) {
			fail(lx, "unexpected", peek(lx));
			rc = -EINVAL;
		}
		filter->root = rc;
	}
	free(lx);
	return rc < 0 ? -EINVAL : 0;
}

/* --- bytecode ------------------------------------------------------------------ */

static size_t host_addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

static size_t code_size(const struct sockdiag_filter *f, int index)
{
	const struct sockdiag_filter_node *n = &f->nodes[index];

	switch (n->kind) {
	case SOCKDIAG_F_AND:
		return code_size(f, n->left) + code_size(f, n->right);
	case SOCKDIAG_F_OR:
		return code_size(f, n->left) + 4 + code_size(f, n->right);
	case SOCKDIAG_F_NOT:
		return code_size(f, n->left) + 4;
	case SOCKDIAG_F_SRC:
	case SOCKDIAG_F_DST:
		return sizeof(struct inet_diag_bc_op) + sizeof(struct inet_diag_hostcond) +
		       host_addr_len(n->family);
	default:
		return 2 * sizeof(struct inet_diag_bc_op);
	}
}

static void put_op(uint8_t *code, size_t at, uint8_t op_code, size_t yes, size_t no)
{
	struct inet_diag_bc_op op = { op_code, (uint8_t)yes, (uint16_t)no };

	memcpy(code + at, &op, sizeof(op));
}

/* Emits node at `at`: when true, control falls off its end; when false it
 * jumps to the absolute offset `fail_at`. */
static void emit(const struct sockdiag_filter *f, int index, uint8_t *code, size_t at, size_t fail_at)
{
	const struct sockdiag_filter_node *n = &f->nodes[index];
	size_t left_size;

	switch (n->kind) {
	case SOCKDIAG_F_AND:
		left_size = code_size(f, n->left);
		emit(f, n->left, code, at, fail_at);
		emit(f, n->right, code, at + left_size, fail_at);
		return;
	case SOCKDIAG_F_OR: {
		size_t right_at, end;

		left_size = code_size(f, n->left);
		right_at = at + left_size + 4;
		end = right_at + code_size(f, n->right);
		emit(f, n->left, code, at, right_at);
		put_op(code, at + left_size, INET_DIAG_BC_JMP, 4, end - (at + left_size));
		emit(f, n->right, code, right_at, fail_at);
		return;
	}
	case SOCKDIAG_F_NOT:
		left_size = code_size(f, n->left);
		emit(f, n->left, code, at, at + left_size + 4);
		put_op(code, at + left_size, INET_DIAG_BC_JMP, 4, fail_at - (at + left_size));
		return;
	case SOCKDIAG_F_SRC:
	case SOCKDIAG_F_DST: {
		struct inet_diag_hostcond cond;
		size_t size = code_size(f, index);

		put_op(code, at, n->kind == SOCKDIAG_F_SRC ? INET_DIAG_BC_S_COND : INET_DIAG_BC_D_COND, size,
		       fail_at - at);
		memset(&cond, 0, sizeof(cond));
		cond.family = (uint8_t)n->family;
		cond.prefix_len = (uint8_t)n->prefix_len;
		cond.port = n->port;
		memcpy(code + at + 4, &cond, sizeof(cond));
		memcpy(code + at + 4 + sizeof(cond), n->addr, host_addr_len(n->family));
		return;
	}
	default: {
		static const uint8_t codes[] = {
			[SOCKDIAG_F_SPORT_GE] = INET_DIAG_BC_S_GE, [SOCKDIAG_F_SPORT_LE] = INET_DIAG_BC_S_LE,
			[SOCKDIAG_F_DPORT_GE] = INET_DIAG_BC_D_GE, [SOCKDIAG_F_DPORT_LE] = INET_DIAG_BC_D_LE,
		};

		put_op(code, at, codes[n->kind], 8, fail_at - at);
		/* The bound travels in the `no` field of a second op. */
		put_op(code, at + 4, 0, 0, (size_t)n->port);
		return;
	}
	}
}

int sockdiag_filter_compile(const struct sockdiag_filter *filter, uint8_t *code, size_t size, size_t *len)
{
	size_t total;

	*len = 0;
	if (filter->root < 0)
		return 0;
	total = code_size(filter, filter->root);
	/* Jumps are 16-bit and `yes` is 8-bit: keep programs well inside both. */
	if (total > size || total > 0xff00)
		return -ENOSPC;
	emit(filter, filter->root, code, 0, total + 4);
	*len = total;
	return 0;
}

/* --- user-space evaluation -------------------------------------------------- */

static bool host_match(const struct sockdiag_filter_node *n, const struct sonde_addr *addr)
{
	const uint8_t *bytes;

	if (n->port != -1 && n->port != addr_port(addr))
		return false;
	if (n->family == AF_UNSPEC || n->prefix_len == 0) {
		if (n->family == AF_UNSPEC || addr_family(addr) == n->family)
			return true;
	}
	if (addr_family(addr) == AF_INET)
		bytes = (const uint8_t *)&addr->u.in4.sin_addr;
	else
		bytes = addr->u.in6.sin6_addr.s6_addr;
	if (n->family == addr_family(addr))
		return prefix_bits_equal(bytes, n->addr, n->prefix_len);
	/* An IPv4 condition matches IPv4-mapped IPv6 sockets, as in the kernel. */
	if (n->family == AF_INET && addr_family(addr) == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&addr->u.in6.sin6_addr))
		return prefix_bits_equal(bytes + 12, n->addr, n->prefix_len);
	return false;
}

static bool eval(const struct sockdiag_filter *f, int index, const struct sockdiag_inet *sock)
{
	const struct sockdiag_filter_node *n = &f->nodes[index];

	switch (n->kind) {
	case SOCKDIAG_F_AND: return eval(f, n->left, sock) && eval(f, n->right, sock);
	case SOCKDIAG_F_OR: return eval(f, n->left, sock) || eval(f, n->right, sock);
	case SOCKDIAG_F_NOT: return !eval(f, n->left, sock);
	case SOCKDIAG_F_SRC: return host_match(n, &sock->local);
	case SOCKDIAG_F_DST: return host_match(n, &sock->remote);
	case SOCKDIAG_F_SPORT_GE: return addr_port(&sock->local) >= n->port;
	case SOCKDIAG_F_SPORT_LE: return addr_port(&sock->local) <= n->port;
	case SOCKDIAG_F_DPORT_GE: return addr_port(&sock->remote) >= n->port;
	case SOCKDIAG_F_DPORT_LE: return addr_port(&sock->remote) <= n->port;
	}
	return false;
}

bool sockdiag_filter_match(const struct sockdiag_filter *filter, const struct sockdiag_inet *sock)
{
	return filter->root < 0 || eval(filter, filter->root, sock);
}
