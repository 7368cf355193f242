/* libcore image: after image_populate, every page of the program's own
 * file mappings (code, constants, data) is mapped, as /proc/self/smaps
 * counts them (Rss equal to Size).  The code's pages are unmapped first
 * (MADV_DONTNEED: they stay in the page cache), so that only what this
 * test runs faults back in before. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sonde/image.h"
#include "tap.h"

struct resident {
	unsigned long size_kib, rss_kib;
	unsigned long start, end; /* the addresses the mappings span */
};

/* The program's own file mappings, by whether they are executable. */
static bool resident_pages(const char *exe, struct resident *code, struct resident *other)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[4096], perms[8], path[4096];
	struct resident *current = NULL;
	unsigned long kib, start, end;

	memset(code, 0, sizeof(*code));
	memset(other, 0, sizeof(*other));
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		path[0] = '\0';
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %4095s", &start, &end, perms, path) >= 3 &&
		    strlen(perms) == 4 && (perms[3] == 'p' || perms[3] == 's')) {
			current = strcmp(path, exe) != 0 ? NULL : perms[2] == 'x' ? code : other;
			if (current && (!current->start || start < current->start))
				current->start = start;
			if (current && end > current->end)
				current->end = end;
		} else if (current && sscanf(line, "Size: %lu kB", &kib) == 1)
			current->size_kib += kib;
		else if (current && sscanf(line, "Rss: %lu kB", &kib) == 1)
			current->rss_kib += kib;
	}
	fclose(f);
	return true;
}

int main(void)
{
	char exe[4096];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct resident code, other;

	if (len <= 0) {
		ok(0, "readlink /proc/self/exe");
		return tap_exit();
	}
	exe[len] = '\0';
	resident_pages(exe, &code, &other);
	ok(code.size_kib > 0, "the program's code is mapped (%lu KiB)", code.size_kib);
	madvise((void *)code.start, code.end - code.start, MADV_DONTNEED);
	resident_pages(exe, &code, &other);
	/* A sanitizer build links the C library dynamically: the program's
	 * own code is then a few pages, all of them run by now. */
	if (code.size_kib >= 256)
		ok(code.rss_kib < code.size_kib, "before: part of it is in memory (%lu of %lu KiB)", code.rss_kib,
		   code.size_kib);
	else
		tap_skip("before: part of it is in memory", "the program's own code is too small to show it");
	image_populate();
	resident_pages(exe, &code, &other);
	is_int(code.rss_kib, code.size_kib, "after: all of the code is in memory");
	ok(other.size_kib > 0 && other.rss_kib == other.size_kib,
	   "after: all of the constants and data are in memory (%lu of %lu KiB)", other.rss_kib, other.size_kib);
	return tap_exit();
}
