/* libcore/tls_arena.c: OpenSSL's allocations from the static block behave
 * as OpenSSL's own malloc, realloc and free (contents kept when a piece
 * grows or moves, nothing for 0 bytes, 16-byte alignment), the last piece
 * freed is handed out again, and once the block is spent glibc serves
 * (pieces still usable, a TLS context still made). */
#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../../libcore/tls_impl.h"
#include "tap.h"

#define PIECE_BYTES (64 * 1024)
/* More than the block holds (1.5 MiB), so the last pieces are glibc's. */
#define PIECE_COUNT 40

static bool filled_with(const unsigned char *p, size_t len, unsigned char byte)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != byte)
			return false;
	return true;
}

static void test_installed(void)
{
	CRYPTO_malloc_fn malloc_fn = NULL;
	CRYPTO_realloc_fn realloc_fn = NULL;
	CRYPTO_free_fn free_fn = NULL;

	CRYPTO_get_mem_functions(&malloc_fn, &realloc_fn, &free_fn);
	ok(malloc_fn != CRYPTO_malloc && realloc_fn != CRYPTO_realloc && free_fn != CRYPTO_free,
	   "OpenSSL allocates through the arena");
}

static void test_as_openssl_own(void)
{
	unsigned char *p = OPENSSL_malloc(100), *q;
	void *again;

	ok(OPENSSL_malloc(0) == NULL, "0 bytes: nothing, as OpenSSL's own malloc");
	ok(p && ((uintptr_t)p & 15) == 0, "a piece is 16-byte aligned");
	memset(p, 0xa5, 100);
	q = OPENSSL_realloc(p, 40);
	ok(q == p && filled_with(q, 40, 0xa5), "shrinking keeps the piece and its bytes");
	q = OPENSSL_realloc(q, 5000);
	ok(q && filled_with(q, 40, 0xa5), "growing the last piece keeps its bytes");
	OPENSSL_free(q);
	again = OPENSSL_malloc(5000);
	ok(again == q, "the last piece freed is handed out again");
	OPENSSL_free(again);
	ok(OPENSSL_realloc(OPENSSL_malloc(8), 0) == NULL, "realloc to 0 bytes frees, as OpenSSL's own");
}

static void test_moves_when_not_last(void)
{
	unsigned char *first = OPENSSL_malloc(32), *second = OPENSSL_malloc(32), *moved;

	memset(first, 0x3c, 32);
	moved = OPENSSL_realloc(first, 4096);
	ok(moved && moved != first && filled_with(moved, 32, 0x3c),
	   "a piece that is not the last moves when it grows, with its bytes");
	OPENSSL_free(moved);
	OPENSSL_free(second);
}

static void test_block_spent(void)
{
	unsigned char *pieces[PIECE_COUNT];
	unsigned char *grown;
	bool all = true, intact = true;
	int i;

	for (i = 0; i < PIECE_COUNT; i++) {
		pieces[i] = OPENSSL_malloc(PIECE_BYTES);
		if (!pieces[i])
			all = false;
		else
			memset(pieces[i], i, PIECE_BYTES);
	}
	ok(all, "%d pieces of 64 KiB (more than the block): every one given", PIECE_COUNT);
	for (i = 0; all && i < PIECE_COUNT; i++)
		intact = intact && filled_with(pieces[i], PIECE_BYTES, (unsigned char)i);
	ok(all && intact, "no two pieces overlap");
	grown = all ? OPENSSL_realloc(pieces[0], 2 * PIECE_BYTES) : NULL;
	ok(grown && filled_with(grown, PIECE_BYTES, 0), "a piece of the spent block grows into glibc's memory");
	if (grown)
		pieces[0] = grown;
	for (i = 0; all && i < PIECE_COUNT; i++)
		OPENSSL_free(pieces[i]);
}

static void test_tls_context_after(void)
{
	SSL_CTX *ctx;

	tls_library_init(false);
	ctx = SSL_CTX_new(TLS_client_method());
	ok(ctx != NULL, "a TLS context is made once the block is spent");
	SSL_CTX_free(ctx);
}

int main(void)
{
	/* First, before OpenSSL allocates anything. */
	tls_arena_init();
	test_installed();
	test_as_openssl_own();
	test_moves_when_not_last();
	test_block_spent();
	test_tls_context_after();
	return tap_failures != 0;
}
