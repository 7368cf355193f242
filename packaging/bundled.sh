#!/bin/sh
# The libraries linked into the static sonde binary, as the Debian packages
# it was built from say: one line each,
#   NAME UPSTREAM_VERSION DEBIAN_SOURCE DEBIAN_VERSION DEV_PACKAGE PACKAGE_VERSION SPDX
# (DEBIAN_VERSION is the source's, for apt-get source; PACKAGE_VERSION the
# -dev package's own, which differs for binNMUs and the cross toolchain).
# THIRD_PARTY_LICENSES, the SBOM and the tests read this one list.
# Usage: bundled.sh [DEB_ARCH]   (default: the build machine's)
set -eu

arch=${1:-$(dpkg --print-architecture)}

# name, -dev package whose .a is linked, SPDX licence expression
components="openssl libssl-dev Apache-2.0
c-ares libc-ares-dev MIT
libnl libnl-3-dev LGPL-2.1-only
libpcap libpcap0.8-dev BSD-3-Clause
zlib zlib1g-dev Zlib
glibc libc6-dev LGPL-2.1-or-later
libgcc libgcc-12-dev GPL-3.0-or-later WITH GCC-exception-3.1"

# A cross build links the C library and libgcc of Debian's cross toolchain
# (libc6-dev-arm64-cross, architecture all), the others from :ARCH packages.
host_arch=$(dpkg --print-architecture)
package_of() { # DEV_PACKAGE
	case "$1" in
	libc6-dev|libgcc-*) [ "$arch" = "$host_arch" ] || { echo "$1-$arch-cross"; return; } ;;
	esac
	echo "$1:$arch"
}

echo "$components" | while read -r name dev spdx; do
	package=$(package_of "$dev")
	line=$(dpkg-query -W -f='${Version} ${source:Package} ${source:Version}' "$package" 2>/dev/null) || {
		echo "bundled.sh: $package is not installed" >&2
		exit 1
	}
	set -- $line
	# the package version: 3.0.19-1~deb12u2 -> 3.0.19; 1:2.3-4 -> 2.3;
	# 2.36-8cross1 -> 2.36
	upstream=$(echo "$1" | sed 's/^[0-9]*://; s/-[^-]*$//; s/[.+~]dfsg.*//')
	echo "$name $upstream $2 $3 ${package%:*} $1 $spdx"
done
