/* sonde's version line, and the version answer of an applet that imitates a
 * classic tool: the tool's own first line, for the scripts that parse it,
 * then a line saying it is sonde (include/sonde/version.h). */
#include <ares.h>
#include <errno.h>
#include <netlink/version.h>
#include <openssl/crypto.h>
#include <pcap/pcap.h>
#include <string.h>
#include <zlib.h>

#include "sonde/version.h"

const char *sonde_version_string(void)
{
	static char text[256];

	if (!text[0]) {
		/* pcap_lib_version() reads "libpcap version 1.10.3 (...)". */
		const char *pcap = pcap_lib_version();
		const char *pcap_num = strstr(pcap, "version ");

		snprintf(text, sizeof(text), "%s (%s, c-ares %s, libnl %s, libpcap %.*s, zlib %s)", sonde_version_short(),
			 OpenSSL_version(OPENSSL_VERSION), ares_version(NULL), LIBNL_VERSION,
			 pcap_num ? (int)strcspn(pcap_num + 8, " ") : 0, pcap_num ? pcap_num + 8 : "", zlibVersion());
	}
	return text;
}

const char *sonde_version_short(void)
{
	return "sonde " SONDE_VERSION;
}

int version_print(const char *applet_name, const struct sonde_imitation *imitation)
{
	FILE *fp = imitation && imitation->to_stderr ? stderr : stdout;

	if (!imitation) {
		fprintf(fp, "%s\n", sonde_version_string());
	} else {
		fprintf(fp, "%s\n", imitation->classic_line);
		if (imitation->print_more)
			imitation->print_more(fp);
		fprintf(fp, "%s: applet %s, imitating %s\n", sonde_version_string(), applet_name,
			imitation->imitated);
	}
	return fflush(fp) == 0 ? 0 : -errno;
}
