#!/bin/sh
# Writes THIRD_PARTY_LICENSES for the static binary to stdout: each bundled
# library's version, its Debian copyright file verbatim, the full texts of
# the licences those files point to, and how to relink against a modified
# LGPL library.  Usage: third-party-licenses.sh [--debian] [DEB_ARCH]
# --debian (the .deb's copyright file) refers to /usr/share/common-licenses
# for the licence texts instead of copying them, as Debian policy asks.
set -eu

here=$(dirname "$0")
texts=copy
if [ "${1:-}" = --debian ]; then
	texts=refer
	shift
fi
bundled=$(sh "$here/bundled.sh" "$@")
version_of() { echo "$bundled" | awk -v n="$1" '$1 == n { print $4 }'; }
source_of() { echo "$bundled" | awk -v n="$1" '$1 == n { print $3 }'; }

cat <<HEAD
Third-party software in the sonde binary
========================================

sonde itself is under the MIT licence (LICENSE).  The static binary
(/usr/bin/sonde, /bin/sonde in the image, the release archives) also
contains code from these libraries, linked from Debian's packages:

HEAD
echo "$bundled" | awk '{ lic = $7; for (i = 8; i <= NF; i++) lic = lic " " $i;
	printf "  %-8s %-10s Debian source %s %s, licence %s\n", $1, $2, $3, $4, lic }'

cat <<MID

libpcap is linked without its D-Bus, USB, Bluetooth and netfilter capture
sources (libcore/pcap_sources.c stands in for them, as in a libpcap built
without them), so libdbus is not part of the binary.  libgcc is under the GCC Runtime Library Exception,
which sets no conditions on the binary.

Relinking against a modified LGPL library (libnl, glibc)
--------------------------------------------------------
libnl (LGPL-2.1) and glibc (LGPL-2.1 or later) are linked statically.  To
let you replace them, as section 6 of the LGPL-2.1 requires:

- sonde's complete source is published under the MIT licence (the release's
  source archive sonde-VERSION.tar.gz); \`make\` rebuilds the binary from it
  on Debian 12 with the packages that packaging/install-deps.sh installs.
- the release also ships sonde-VERSION-relink-ARCH.tar.gz: sonde's own
  object files and the exact link command (relink.sh).  Build your modified
  libnl-3.a / libnl-genl-3.a / libnl-nf-3.a or libc.a, point relink.sh's
  LIBDIR at them, and run it to get a sonde linked with your library.
- the library sources are Debian's source packages at the versions above
  (\`apt-get source $(source_of libnl)=$(version_of libnl)\`, \`apt-get source
  $(source_of glibc)=$(version_of glibc)\`, or https://snapshot.debian.org).  make dist
  does not copy them; whoever distributes sonde binaries must also offer
  these sources from the same place.

MID

for dev in $(echo "$bundled" | awk '{ print $1 ":" $5 }'); do
	name=${dev%%:*}
	pkg=${dev#*:}
	echo "=============================================================================="
	echo "$name $(version_of "$name"): /usr/share/doc/$pkg/copyright from Debian"
	echo "=============================================================================="
	cat "/usr/share/doc/$pkg/copyright"
	echo
done

if [ "$texts" = refer ]; then
	echo "The full texts of the Apache-2.0, LGPL-2.1 and GPL-3 licences the copyright"
	echo "files above refer to are in /usr/share/common-licenses/."
	exit 0
fi
for text in Apache-2.0 LGPL-2.1 GPL-3; do
	echo "=============================================================================="
	echo "Full text of $text (the copyright files above refer to it)"
	echo "=============================================================================="
	cat "/usr/share/common-licenses/$text"
	echo
done
