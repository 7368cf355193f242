#!/bin/sh
# Installs the Debian packages sonde needs: `build` for make, `test` for
# make test, `cross` for make ARCH=arm64 and its tests under qemu (this adds
# the arm64 architecture to dpkg).  As root it runs apt-get; otherwise it
# says what to install.
set -eu

build_pkgs="gcc make pkg-config libc6-dev linux-libc-dev file binutils
libc-ares-dev libnl-3-dev libnl-genl-3-dev libnl-nf-3-dev
libpcap0.8-dev libssl-dev zlib1g-dev python3"
test_pkgs="perl iproute2 procps netcat-openbsd socat knot bind9-dnsutils bind9-host bind9 bind9-utils musl-tools knot-dnsutils openssl python3 python3-jsonschema
clang libclang-rt-14-dev hyperfine coreutils nftables iptables ipset ipvsadm util-linux net-tools bridge-utils curl conntrack
iputils-ping traceroute iputils-tracepath mtr-tiny nmap masscan jq strace libcap2-bin iperf3 tcpdump telnet inetutils-telnetd
man-db groff-base zsh lintian podman runc busybox-static ca-certificates
postgresql mariadb-server mariadb-client redis-server wait-for-it
prometheus prometheus-blackbox-exporter python3-yaml"
cross_pkgs="crossbuild-essential-arm64 qemu-user-static
libc-ares-dev:arm64 libnl-3-dev:arm64 libnl-genl-3-dev:arm64 libnl-nf-3-dev:arm64 libpcap0.8-dev:arm64 libssl-dev:arm64 zlib1g-dev:arm64"

want=""
for set in "$@"; do
	case "$set" in
	build) want="$want $build_pkgs" ;;
	test) want="$want $test_pkgs" ;;
	cross) want="$want $cross_pkgs" ;;
	*) echo "install-deps: unknown set '$set'" >&2; exit 2 ;;
	esac
done

missing=""
for pkg in $want; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	case "$status" in *"install ok installed"*) ;; *) missing="$missing $pkg" ;; esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "sonde: missing Debian packages:$missing" >&2
	echo "sonde: install them as root: apt-get install$missing" >&2
	exit 1
fi
echo "sonde: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
case "$missing" in
*:arm64*) dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64 ;;
esac
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
