/* tcpdump's -w files: one file, or the ring of -C MB -W N and the rotation
 * of -G SECS, named as tcpdump 4.99.3 names them.  With -G the -w name is a
 * strftime pattern expanded at the time the file was opened; with -C the
 * files carry a number (padded to the digits of N-1 with -W), the first
 * being 0 with -W and the bare name without.  A file is rotated before the
 * packet that finds it past -C's size, or past -G's seconds (wall clock,
 * as tcpdump checks it on each packet). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sonde/err.h"
#include "sonde/exitcode.h"
#include "tcpdump_impl.h"

#define BYTES_PER_MB 1000000LL

/* The digits of N-1: -W 10 numbers its files 0 to 9, -W 11 00 to 10. */
static int ring_digits(int file_count)
{
	int digits = 0, n;

	for (n = file_count - 1; n > 0; n /= 10)
		digits++;
	return digits;
}

/* The name of the file numbered seq; -ENAMETOOLONG when it does not fit. */
static int file_name(const struct tcpdump_run *run, int seq, int digits, char *name, size_t size)
{
	const struct tcpdump_config *cfg = run->cfg;
	char base[PATH_MAX];
	struct tm tm;
	int n;

	if (cfg->rotate_secs) {
		if (!localtime_r(&run->files.opened_at, &tm))
			return -EINVAL;
		if (strftime(base, sizeof(base), cfg->write_file, &tm) == 0 && cfg->write_file[0])
			return -ENAMETOOLONG;
	} else {
		snprintf(base, sizeof(base), "%s", cfg->write_file);
	}
	if (seq == 0 && digits == 0)
		n = snprintf(name, size, "%s", base);
	else
		n = snprintf(name, size, "%s%0*d", base, digits, seq);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* Opens the file numbered seq (closing the one before). */
static int open_file(struct tcpdump_run *run, int seq)
{
	const struct tcpdump_config *cfg = run->cfg;
	int digits = cfg->file_mb ? ring_digits(cfg->file_count) : 0;
	char name[PATH_MAX];
	int rc;

	if (run->dumper) {
		pcap_dump_close(run->dumper);
		run->dumper = NULL;
	}
	if ((rc = file_name(run, seq, digits, name, sizeof(name))) < 0) {
		sonde_errno(-rc, "-w %s: the file name", cfg->write_file);
		return SONDE_EXIT_NEGATIVE;
	}
	if (!(run->dumper = pcap_dump_open(run->pcap, name))) {
		sonde_err("%s", pcap_geterr(run->pcap));
		return SONDE_EXIT_NEGATIVE;
	}
	run->files.seq = seq;
	return 0;
}

int tcpdump_files_open(struct tcpdump_run *run)
{
	run->files.opened_at = time(NULL);
	return open_file(run, 0);
}

/* -G: a new file once the seconds have passed; with -W and without -C,
 * the capture ends when the count of files is reached.  Returns 0, 1 to
 * stop, or an exit code. */
static int rotate_by_time(struct tcpdump_run *run)
{
	const struct tcpdump_config *cfg = run->cfg;
	time_t now = time(NULL);

	if (now - run->files.opened_at < cfg->rotate_secs)
		return 0;
	run->files.opened_at = now;
	run->files.rotations++;
	if (!cfg->file_mb && cfg->file_count && run->files.rotations >= cfg->file_count) {
		pcap_dump_close(run->dumper);
		run->dumper = NULL;
		fprintf(stderr, "Maximum file limit reached: %d\n", cfg->file_count);
		return 1;
	}
	return open_file(run, 0);
}

/* -C: the next file of the ring once this one is past the size. */
static int rotate_by_size(struct tcpdump_run *run)
{
	const struct tcpdump_config *cfg = run->cfg;
	long long size = pcap_dump_ftell64(run->dumper);
	int seq;

	if (size < 0) {
		sonde_err("-C: cannot tell the size of the file written");
		return SONDE_EXIT_NEGATIVE;
	}
	if (size <= cfg->file_mb * BYTES_PER_MB)
		return 0;
	seq = run->files.seq + 1;
	if (cfg->file_count && seq >= cfg->file_count)
		seq = 0;
	return open_file(run, seq);
}

int tcpdump_files_dump(struct tcpdump_run *run, const struct pcap_pkthdr *h, const uint8_t *bytes)
{
	int rc;

	if (run->cfg->rotate_secs && (rc = rotate_by_time(run)) != 0)
		return rc;
	if (run->cfg->file_mb && (rc = rotate_by_size(run)) != 0)
		return rc;
	pcap_dump((u_char *)run->dumper, h, bytes);
	if (run->cfg->packet_buffered)
		pcap_dump_flush(run->dumper);
	return 0;
}
