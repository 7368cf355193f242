/* libFuzzer target: a DNS response of arbitrary bytes through the parser,
 * every record's presentation, and the record line. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sonde/dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_msg msg;
	struct dns_rdata rd = { 0 };
	struct dns_edns_opt opt;
	size_t opt_pos = 0;
	size_t s, i;

	dns_parse(data, size, &msg);
	if (msg.parsed_len > size)
		__builtin_trap();
	for (s = 0; s < DNS_SECTION_COUNT; s++) {
		size_t count;
		const struct dns_rr *rrs = dns_section_rrs(&msg, (enum dns_section)s, &count);

		for (i = 0; i < count; i++) {
			char owner[DNS_NAME_TEXT];
			struct strbuf line = { 0 };

			if (rrs[i].rdata_offset + rrs[i].rdlength > size)
				__builtin_trap();
			if (dns_read_name(data, size, rrs[i].name_offset, owner, sizeof(owner)) < 0)
				__builtin_trap(); /* the parser accepted it */
			if (s != DNS_SECTION_QUESTION) {
				/* +multiline +rrcomments +split=8 first: the other layout. */
				struct dns_rdata_style multiline = { 8, true, true };

				dns_rdata_present_styled(&msg, &rrs[i], &multiline, &rd);
				dns_rdata_present(&msg, &rrs[i], 56, &rd);
			}
			dns_format_rr_line(&line, owner, rrs[i].ttl, rrs[i].rclass, rrs[i].type,
					   rd.text.data ? rd.text.data : "", s == DNS_SECTION_QUESTION);
			if (line.data && strlen(line.data) != line.len)
				__builtin_trap();
			strbuf_free(&line);
		}
	}
	while (dns_edns_next_option(&msg, &opt_pos, &opt))
		if (opt.len && !opt.data)
			__builtin_trap();
	dns_rdata_free(&rd);
	dns_msg_free(&msg);
	return 0;
}
