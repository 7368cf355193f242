/* OpenSSL's memory for a short TLS client, carved from one static block.
 *
 * Why: a probe makes some 6,000 allocations in OpenSSL (method tables,
 * names, ASN.1 items), most of them fresh and freed only at the end, and
 * glibc's malloc and free cost about 190 instructions a pair, 1.2 million
 * of a probe's 10 (11% of it, more than an ECDSA verification).  Taking the
 * next 16-byte-aligned piece of a block costs a tenth of that.
 *
 * What is freed is given back only when it is the last piece handed out
 * (the many short-lived buffers); the rest of the block is not reused.  Once
 * the block is spent (a long --scan, a long relay) every allocation is
 * glibc's again, so a long run holds at most ARENA_BYTES more than it would.
 * The block is mapped apart from the program's .bss (which image_populate
 * maps whole): the part a probe uses is mapped at once, the rest only if
 * touched. */
#include <openssl/crypto.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "tls_impl.h"

/* A probe with a CA file takes some 450 KiB; the rest leaves room for a
 * client certificate and a long chain before glibc takes over (reading the
 * system's whole CA bundle spends it). */
#define ARENA_BYTES (1536u * 1024u)
#define ARENA_ALIGN 16u
/* What a probe uses, mapped in one call (MADV_POPULATE_WRITE, Linux 5.14;
 * older kernels refuse it and the pages fault in one by one): the ~110
 * page faults it saves cost some 10 us each on this project's virtual
 * machines, the call 0.07-0.3 ms for all. */
#define ARENA_PREFAULT_BYTES (512u * 1024u)

/* Before each piece: its size, for realloc.  16 bytes keep the piece
 * aligned as malloc's are. */
struct piece_head {
	size_t size;
	size_t pad;
};

/* Mapped by tls_arena_init; NULL until then (and if the mapping failed). */
static unsigned char *arena;
/* Bytes handed out; updated atomically, as OpenSSL may be called from
 * several threads. */
static size_t arena_used;

static bool in_arena(const void *p)
{
	return arena && (const unsigned char *)p >= arena && (const unsigned char *)p < arena + ARENA_BYTES;
}

static size_t piece_span(size_t size)
{
	return sizeof(struct piece_head) + ((size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1));
}

static void *arena_take(size_t size)
{
	size_t span = piece_span(size), start = __atomic_load_n(&arena_used, __ATOMIC_RELAXED);
	struct piece_head *head;

	if (!arena)
		return NULL;
	do {
		if (size > ARENA_BYTES || span > ARENA_BYTES - start)
			return NULL;
	} while (!__atomic_compare_exchange_n(&arena_used, &start, start + span, true, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	head = (struct piece_head *)(arena + start);
	head->size = size;
	return head + 1;
}

static struct piece_head *head_of(void *p)
{
	return (struct piece_head *)p - 1;
}

/* The last piece handed out goes back to the block; any other stays. */
static void arena_give_back(void *p)
{
	struct piece_head *head = head_of(p);
	size_t start = (size_t)((unsigned char *)head - arena), end = start + piece_span(head->size);

	__atomic_compare_exchange_n(&arena_used, &end, start, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

/* As OpenSSL's own: nothing for 0 bytes. */
static void *arena_malloc(size_t size, const char *file, int line)
{
	void *p;

	(void)file, (void)line;
	if (size == 0)
		return NULL;
	p = arena_take(size);
	return p ? p : malloc(size);
}

static void arena_free(void *p, const char *file, int line)
{
	(void)file, (void)line;
	if (in_arena(p))
		arena_give_back(p);
	else
		free(p);
}

/* The last piece grows in place when the block has room. */
static bool arena_grow_last(void *p, size_t size)
{
	struct piece_head *head = head_of(p);
	size_t start = (size_t)((unsigned char *)head - arena), end = start + piece_span(head->size);
	size_t new_span = piece_span(size);

	if (size > ARENA_BYTES || new_span > ARENA_BYTES - start ||
	    !__atomic_compare_exchange_n(&arena_used, &end, start + new_span, false, __ATOMIC_RELAXED,
					 __ATOMIC_RELAXED))
		return false;
	head->size = size;
	return true;
}

static void *arena_realloc(void *p, size_t size, const char *file, int line)
{
	void *moved;

	if (!p)
		return arena_malloc(size, file, line);
	if (size == 0) {
		/* As OpenSSL's own: freed, nothing returned. */
		arena_free(p, file, line);
		return NULL;
	}
	if (!in_arena(p))
		return realloc(p, size);
	if (size <= head_of(p)->size || arena_grow_last(p, size))
		return p;
	moved = arena_malloc(size, file, line);
	if (moved) {
		memcpy(moved, p, head_of(p)->size);
		arena_free(p, file, line);
	}
	return moved;
}

static void arena_install(void)
{
	void *block = mmap(NULL, ARENA_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (block == MAP_FAILED)
		return;
	/* Refused (and harmless) once OpenSSL has allocated anything: then
	 * glibc's malloc stays OpenSSL's for the whole run. */
	if (CRYPTO_set_mem_functions(arena_malloc, arena_realloc, arena_free) != 1) {
		munmap(block, ARENA_BYTES);
		return;
	}
	madvise(block, ARENA_PREFAULT_BYTES, MADV_POPULATE_WRITE);
#ifdef __SANITIZE_ADDRESS__
	/* Pieces hold pointers to glibc's blocks: LeakSanitizer must look
	 * here, as it did when the block was in .bss. */
	__lsan_register_root_region(block, ARENA_BYTES);
#endif
	__atomic_store_n(&arena, block, __ATOMIC_RELEASE);
}

/* Once: OpenSSL would take the functions again (it notes only allocations
 * of its own malloc), mapping a second block. */
void tls_arena_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, arena_install);
}
