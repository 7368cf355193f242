/* libpcap's D-Bus capture source, left out.
 *
 * Debian's libpcap.a is configured with D-Bus support: its table of capture
 * sources names dbus_findalldevs() and dbus_create(), which live in
 * pcap-dbus.o and pull in the whole of libdbus (190 KB, and a getpwnam that
 * needs NSS).  Capturing D-Bus messages is no network troubleshooting, so the
 * static link supplies these two definitions instead (the Makefile links this
 * object ahead of the libraries, so the linker never takes pcap-dbus.o).
 * They behave as libpcap configured with --disable-dbus does: no D-Bus device
 * is listed, and no device name is claimed, so "dbus-system" is looked up as
 * a network interface and not found. */
#include <stddef.h>

struct pcap;
struct pcap_if_list;

struct pcap *dbus_create(const char *device, char *errbuf, int *is_ours);
int dbus_findalldevs(struct pcap_if_list *devlistp, char *errbuf);

struct pcap *dbus_create(const char *device, char *errbuf, int *is_ours)
{
	*is_ours = 0;
	return NULL;
}

int dbus_findalldevs(struct pcap_if_list *devlistp, char *errbuf)
{
	return 0;
}
