/* libpcap's capture sources that are no network troubleshooting, left out.
 *
 * Debian's libpcap.a is configured with every Linux capture source: besides
 * network interfaces, D-Bus messages (pcap-dbus.o, which pulls in the whole
 * of libdbus and a getpwnam that needs NSS), USB traffic, Bluetooth HCI and
 * Bluetooth monitor, and netfilter's NFLOG/NFQUEUE.  Its table of sources
 * names each one's findalldevs() and create(); the static link supplies the
 * definitions below instead (the Makefile links this object ahead of the
 * libraries, so the linker never takes those members of libpcap.a), which
 * keeps sonde within its size budget (docs/packaging.md).
 *
 * They behave as libpcap configured without these sources: no such device is
 * listed by -D, and no device name is claimed, so "usbmon0", "bluetooth0",
 * "nflog" or "dbus-system" is looked up as a network interface and not found.
 * The dynamic (sanitizer) link uses the shared libpcap as it is. */
#include <stddef.h>

struct pcap;
struct pcap_if_list;

#define PCAP_SOURCE_LEFT_OUT(prefix)                                                                \
	struct pcap *prefix##_create(const char *device, char *errbuf, int *is_ours);               \
	int prefix##_findalldevs(struct pcap_if_list *devlistp, char *errbuf);                      \
	struct pcap *prefix##_create(const char *device, char *errbuf, int *is_ours)                \
	{                                                                                           \
		*is_ours = 0;                                                                       \
		return NULL;                                                                        \
	}                                                                                           \
	int prefix##_findalldevs(struct pcap_if_list *devlistp, char *errbuf)                       \
	{                                                                                           \
		return 0;                                                                           \
	}

PCAP_SOURCE_LEFT_OUT(dbus)
PCAP_SOURCE_LEFT_OUT(usb)
PCAP_SOURCE_LEFT_OUT(bt)
PCAP_SOURCE_LEFT_OUT(bt_monitor)
PCAP_SOURCE_LEFT_OUT(netfilter)
