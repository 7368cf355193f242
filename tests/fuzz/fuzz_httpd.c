/* libFuzzer target for serve's request parser: any bytes must give a
 * complete head within its bounds, "more", or a refusal with a status; the
 * query and path decoders must stay within their buffers and never hand
 * back an embedded NUL. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sonde/httpd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_decoded(long len, const char *buf, size_t size)
{
	if (len >= 0 && ((size_t)len >= size || strlen(buf) != (size_t)len))
		abort();
	if (len < 0 && len != -EINVAL && len != -ENAMETOOLONG && len != -ENOENT)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct httpd_request req;
	enum httpd_fault fault;
	const char *reason;
	char value[64];
	long head = httpd_request_parse((const char *)data, size, &req, &fault);

	if (head > 0) {
		if ((size_t)head > size || (size_t)head > HTTPD_MAX_HEAD || req.header_count > HTTPD_MAX_HEADERS ||
		    req.target[0] != '/' || strlen(req.target) > HTTPD_MAX_TARGET)
			abort();
		check_decoded(httpd_target_path(req.target, value, sizeof(value)), value, sizeof(value));
		check_decoded(httpd_query_get(req.target, "target", value, sizeof(value)), value, sizeof(value));
		check_decoded(httpd_query_get(req.target, "module", value, 4), value, 4);
	} else if (head == 0) {
		if (size >= HTTPD_MAX_HEAD)
			abort();
	} else if (head != -EBADMSG || fault == HTTPD_OK || httpd_fault_status(fault, &reason) < 400) {
		abort();
	}
	return 0;
}
