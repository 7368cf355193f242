/* libFuzzer target for the IPVS generic netlink parser and ipvsadm's
 * layout: the input is a run of messages as the kernel would send them. */
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/ipvs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipvs_table t = { 0 };
	size_t off = 0;
	FILE *sink = fopen("/dev/null", "w");

	while (size - off >= NLMSG_HDRLEN) {
		struct nlmsghdr h;
		uint8_t *msg;

		memcpy(&h, data + off, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > size - off)
			break;
		/* An exact-size copy, so that reading past a message is caught. */
		msg = malloc(h.nlmsg_len);
		if (!msg)
			break;
		memcpy(msg, data + off, h.nlmsg_len);
		ipvs_parse_msg(msg, h.nlmsg_len, &t);
		free(msg);
		off += NLMSG_ALIGN(h.nlmsg_len);
		if (off > size)
			break;
	}
	ipvs_sort(&t);
	if (sink) {
		ipvs_print(sink, &t, IPVS_FMT_NUMERIC, NULL);
		ipvs_print(sink, &t, IPVS_FMT_STATS, NULL);
		ipvs_print(sink, &t, IPVS_FMT_RATE | IPVS_FMT_EXACT, NULL);
		fclose(sink);
	}
	ipvs_free(&t);
	return 0;
}
