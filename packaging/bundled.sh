#!/bin/sh
# The libraries linked into the static sonde binary, as the Debian packages
# it was built from say: one line each,
#   NAME UPSTREAM_VERSION DEBIAN_SOURCE DEBIAN_VERSION DEV_PACKAGE SPDX
# THIRD_PARTY_LICENSES, the SBOM and the tests read this one list.
# Usage: bundled.sh [DEB_ARCH]   (default: the build machine's)
set -eu

arch=${1:-$(dpkg --print-architecture)}

# name, -dev package whose .a is linked, SPDX licence expression
components="openssl libssl-dev Apache-2.0
c-ares libc-ares-dev MIT
libnl libnl-3-dev LGPL-2.1-only
glibc libc6-dev LGPL-2.1-or-later
libgcc libgcc-12-dev GPL-3.0-or-later WITH GCC-exception-3.1"

echo "$components" | while read -r name dev spdx; do
	line=$(dpkg-query -W -f='${Version} ${source:Package} ${source:Version}' "$dev:$arch" 2>/dev/null) || {
		echo "bundled.sh: $dev:$arch is not installed" >&2
		exit 1
	}
	set -- $line
	# 3.0.19-1~deb12u2 -> 3.0.19; 1:2.3-4 -> 2.3
	upstream=$(echo "$3" | sed 's/^[0-9]*://; s/-[^-]*$//')
	echo "$name $upstream $2 $3 $dev $spdx"
done
