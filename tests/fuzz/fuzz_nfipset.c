/* libFuzzer target for the ipset nfnetlink decoder and ipset's text: the
 * input is a run of messages as the kernel sends them for a list dump. */
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/ipset.h"
#include "sonde/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void print_all(const struct ipset_list *list)
{
	FILE *sink = fopen("/dev/null", "w");
	struct strbuf text = { 0 };
	size_t i, j;

	if (sink) {
		ipset_print(sink, list, IPSET_VIEW_LIST);
		ipset_print(sink, list, IPSET_VIEW_TERSE);
		ipset_print(sink, list, IPSET_VIEW_NAME);
		ipset_print(sink, list, IPSET_VIEW_SAVE);
		fclose(sink);
	}
	for (i = 0; i < list->set_count; i++)
		for (j = 0; j < list->sets[i].member_count; j++)
			ipset_member_key_format(&text, &list->sets[i], &list->sets[i].members[j]);
	strbuf_free(&text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipset_list list = { 0 };
	size_t off = 0;

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
		ipset_parse_msg(msg, h.nlmsg_len, &list);
		free(msg);
		off += NLMSG_ALIGN(h.nlmsg_len);
		if (off > size)
			break;
	}
	print_all(&list);
	ipset_free(&list);
	return 0;
}
