#!/bin/sh
# Builds sonde's container image FROM scratch with podman (or buildah) and
# saves it as an archive that `podman load` and `docker load` both read.
# Usage:
#   mkimage.sh SONDE VERSION ARCH FLAVOUR OUT_TAR
# FLAVOUR "plain": /bin/sonde and its applet links, PATH=/bin, the CA bundle,
#   /etc/passwd and /etc/group with root and nobody, the licences; nothing else.
# FLAVOUR "debug": the same plus Debian's static busybox in /usr/bin for a
#   shell and file tools (kubectl debug -it), sonde's applets first in PATH
#   and, in interactive shells, before busybox's own.
# ARCH is a Debian architecture (amd64, arm64).
set -eu

sonde=$1 version=$2 arch=$3 flavour=$4 out_tar=$5
top=$(cd "$(dirname "$0")/.." && pwd)
ca_bundle=/etc/ssl/certs/ca-certificates.crt

if command -v podman >/dev/null; then
	builder=podman
elif command -v buildah >/dev/null; then
	builder=buildah
else
	echo "mkimage: needs podman or buildah (apt-get install podman)" >&2
	exit 1
fi
[ -f "$ca_bundle" ] || { echo "mkimage: needs $ca_bundle (apt-get install ca-certificates)" >&2; exit 1; }

ctx=$(mktemp -d "${TMPDIR:-/tmp}/sonde-image.XXXXXX")
trap 'rm -rf "$ctx"' EXIT
umask 022
rootfs=$ctx/rootfs
mkdir -p "$rootfs/bin" "$rootfs/etc/ssl/certs" "$rootfs/usr/share/doc/sonde"

"${STRIP:-strip}" --strip-all -R .comment -o "$rootfs/bin/sonde" "$sonde"
chmod 0755 "$rootfs/bin/sonde"
# The applet names, from the binary that runs here (a cross build's own
# binary may not run on this machine: HOST_SONDE names one that does).
for applet in $("${HOST_SONDE:-$sonde}" --list | awk '{print $1}'); do
	ln -s sonde "$rootfs/bin/$applet"
done
cp "$ca_bundle" "$rootfs/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/:/bin/sonde\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sonde\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$rootfs/etc/group"
cp "$top/LICENSE" "$rootfs/usr/share/doc/sonde/LICENSE"
sh "$top/packaging/third-party-licenses.sh" "$arch" > "$rootfs/usr/share/doc/sonde/THIRD_PARTY_LICENSES"

path=/bin
cmd='["/bin/sonde", "doctor"]'
env_line=""
if [ "$flavour" = debug ]; then
	busybox=${BUSYBOX:-/bin/busybox}
	file "$busybox" | grep -q "statically linked" ||
		{ echo "mkimage: $busybox is not Debian's static busybox (apt-get install busybox-static)" >&2; exit 1; }
	mkdir -p "$rootfs/usr/bin"
	cp "$busybox" "$rootfs/usr/bin/busybox"
	# busybox's tools in /usr/bin, after /bin in PATH: where a name is both
	# (ping, ip, nc, netstat...), sonde's applet answers.
	for tool in $("${HOST_BUSYBOX:-$busybox}" --list); do
		[ "$tool" = busybox ] || ln -s busybox "$rootfs/usr/bin/$tool"
	done
	ln -s ../usr/bin/busybox "$rootfs/bin/sh"
	# Debian's busybox shell runs its own applets before searching PATH
	# (standalone shell): an alias per sonde applet, read by every
	# interactive shell through $ENV, makes "ping" mean /bin/ping there too.
	for applet in $("${HOST_SONDE:-$sonde}" --list | awk '{print $1}'); do
		echo "alias $applet=/bin/$applet"
	done > "$rootfs/etc/sonde.profile"
	env_line="ENV ENV=/etc/sonde.profile"
	mkdir -p "$rootfs/tmp" && chmod 1777 "$rootfs/tmp"
	mkdir -p "$rootfs/usr/share/doc/busybox"
	cp /usr/share/doc/busybox-static/copyright "$rootfs/usr/share/doc/busybox/copyright"
	path=/bin:/usr/bin
	cmd='["/bin/sh"]'
fi

case $arch in
amd64) platform=linux/amd64 ;;
arm64) platform=linux/arm64 ;;
*) echo "mkimage: unknown architecture $arch" >&2; exit 1 ;;
esac
tag="localhost/sonde:$version"
[ "$flavour" = debug ] && tag="$tag-debug"
[ "$arch" = amd64 ] || tag="$tag-$arch"

cat > "$ctx/Containerfile" <<EOF
FROM scratch
COPY rootfs/ /
ENV PATH=$path
$env_line
LABEL org.opencontainers.image.title="sonde" \\
      org.opencontainers.image.version="$version" \\
      org.opencontainers.image.licenses="MIT" \\
      org.opencontainers.image.description="network troubleshooting multitool, one static binary"
CMD $cmd
EOF

if [ "$builder" = podman ]; then
	podman build --quiet --platform "$platform" --tag "$tag" --file "$ctx/Containerfile" "$ctx" >/dev/null
	mkdir -p "$(dirname "$out_tar")"
	rm -f "$out_tar"
	podman save --quiet --format docker-archive --output "$out_tar" "$tag"
else
	buildah build --quiet --platform "$platform" --tag "$tag" --file "$ctx/Containerfile" "$ctx" >/dev/null
	mkdir -p "$(dirname "$out_tar")"
	rm -f "$out_tar"
	buildah push --quiet "$tag" "docker-archive:$out_tar:$tag"
fi
echo "$out_tar $tag"
