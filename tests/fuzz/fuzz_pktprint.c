/* libFuzzer target: a captured frame of arbitrary bytes through tcpdump's
 * line printer (libcore/pktprint*.c).  The first byte picks the options
 * (-n, -e, -q, -v), the second the link type and how much of the frame is
 * "on the wire" beyond what was captured; the rest is the frame.  The
 * printer keeps TCP state across frames, so one run prints the frame twice.
 * Bits 3-4 of the first byte pick -v, -vv, -vvv or neither. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/pktprint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *fuzz_ifname(void *ctx, uint32_t ifindex)
{
	return ifindex == 2 ? "veth0" : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int linktypes[] = { PKTPRINT_LINK_ETHERNET, PKTPRINT_LINK_SLL, PKTPRINT_LINK_SLL2, 0 };
	struct pktprint pp = { 0 };
	struct strbuf line = { 0 };
	size_t caplen, wire_len, link_len, pass;
	uint8_t *frame;

	if (size < 2)
		return 0;
	pp.numeric = data[0] & 1;
	pp.link_header = (data[0] & 2) != 0;
	pp.quiet = (data[0] & 4) != 0;
	pp.verbose = data[0] >> 3 & 3;
	pp.ifname = fuzz_ifname;
	caplen = size - 2;
	wire_len = caplen + (data[1] >> 2);
	/* An exact-size copy, so that ASan sees a read past the frame's end. */
	frame = malloc(caplen ? caplen : 1);
	if (!frame)
		return 0;
	memcpy(frame, data + 2, caplen);
	for (pass = 0; pass < 2; pass++) {
		strbuf_reset(&line);
		if (pktprint_frame(&pp, linktypes[data[1] & 3], frame, caplen, wire_len, &line, &link_len) == 0) {
			if (link_len > caplen || (line.data && strlen(line.data) != line.len))
				__builtin_trap();
		}
	}
	strbuf_free(&line);
	pktprint_free(&pp);
	free(frame);
	return 0;
}
