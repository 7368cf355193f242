/* The program image mapped at once (see include/sonde/image.h): the load
 * segments of the executable, as its program headers give them. */
#include <link.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sonde/image.h"

struct image_range {
	uintptr_t start, end;
};

static void populate(struct image_range r, int advice)
{
	if (r.end > r.start)
		madvise((void *)r.start, r.end - r.start, advice);
}

static struct image_range page_range(uintptr_t start, uintptr_t end, uintptr_t page_bytes)
{
	struct image_range r = { start & ~(page_bytes - 1), (end + page_bytes - 1) & ~(page_bytes - 1) };

	return r;
}

/* The part made read-only after relocation (PT_GNU_RELRO), whole pages of
 * it: it can only be read now. */
static struct image_range relro_range(const struct dl_phdr_info *info, uintptr_t page_bytes)
{
	struct image_range r = { 0, 0 };
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_GNU_RELRO) {
			r.start = (info->dlpi_addr + ph->p_vaddr) & ~(page_bytes - 1);
			r.end = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz) & ~(page_bytes - 1);
		}
	}
	return r;
}

static void populate_segment(const struct dl_phdr_info *info, const ElfW(Phdr) *ph, struct image_range relro,
			     uintptr_t page_bytes)
{
	struct image_range whole = page_range(info->dlpi_addr + ph->p_vaddr,
					      info->dlpi_addr + ph->p_vaddr + ph->p_memsz, page_bytes);

	if (!(ph->p_flags & PF_W)) {
		populate(whole, MADV_POPULATE_READ);
		return;
	}
	/* Written pages are copied (data) or zeroed (bss) now rather than
	 * on their first write. */
	if (relro.end > whole.start && relro.start < whole.end) {
		populate(relro, MADV_POPULATE_READ);
		whole.start = relro.end;
	}
	populate(whole, MADV_POPULATE_WRITE);
}

static int populate_program(struct dl_phdr_info *info, size_t size, void *page_bytes)
{
	struct image_range relro;
	int i;

	(void)size;
	/* The executable comes first, named ""; a static binary has no other. */
	if (info->dlpi_name && info->dlpi_name[0])
		return 1;
	relro = relro_range(info, *(uintptr_t *)page_bytes);
	for (i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_LOAD)
			populate_segment(info, &info->dlpi_phdr[i], relro, *(uintptr_t *)page_bytes);
	return 1;
}

void image_populate(void)
{
	long page_bytes = sysconf(_SC_PAGESIZE);
	uintptr_t page = page_bytes > 0 ? (uintptr_t)page_bytes : 4096;

	dl_iterate_phdr(populate_program, &page);
}
