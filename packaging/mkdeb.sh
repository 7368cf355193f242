#!/bin/sh
# Builds the Debian package of sonde with dpkg-deb (no debhelper: the binary
# is already built).  Usage:
#   mkdeb.sh SONDE DOC_DIR VERSION DEB_ARCH OUT_DIR
# SONDE is the static binary (stripped here), DOC_DIR holds man/ and
# completion/ (make man completion).  Writes OUT_DIR/sonde_VERSION_ARCH.deb.
#
# The applet links go to /usr/lib/sonde/bin only: on Debian, ping, ip, ss,
# dig... in a PATH directory are the real tools' files.
set -eu

sonde=$1 doc_dir=$2 version=$3 arch=$4 out_dir=$5
top=$(cd "$(dirname "$0")/.." && pwd)
maintainer=${DEB_MAINTAINER:-the sonde authors <sonde@packages.invalid>}

root=$(mktemp -d "${TMPDIR:-/tmp}/sonde-deb.XXXXXX")
trap 'rm -rf "$root"' EXIT
umask 022

install -d "$root/DEBIAN" "$root/usr/bin" "$root/usr/lib/sonde/bin" "$root/usr/share/man/man1" \
	"$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" \
	"$root/usr/share/doc/sonde/docs" "$root/usr/share/lintian/overrides"

# The binary, stripped as make install strips it (strip for the target
# architecture: the host's strip cannot write an aarch64 binary).
strip_tool=${STRIP:-strip}
"$strip_tool" --strip-all -R .comment -o "$root/usr/bin/sonde" "$sonde"
chmod 0755 "$root/usr/bin/sonde"

# The applet links, relative so the tree can be relocated (a chroot, --root).
for applet in $(python3 -c 'import json,sys
for a in json.load(open(sys.argv[1])): print(a["name"])' "$doc_dir/describe.json"); do
	ln -s ../../../bin/sonde "$root/usr/lib/sonde/bin/$applet"
done

for page in "$doc_dir"/man/*.1; do
	gzip -9n < "$page" > "$root/usr/share/man/man1/$(basename "$page").gz"
done
install -m 0644 "$doc_dir/completion/sonde.bash" "$root/usr/share/bash-completion/completions/sonde"
install -m 0644 "$doc_dir/completion/_sonde" "$root/usr/share/zsh/vendor-completions/_sonde"

# Documentation: the docs as they are in the source, compressed past 4 KB
# (Debian policy 12.3).
doc="$root/usr/share/doc/sonde"
install -m 0644 "$top/README.md" "$doc/README.md"
for f in "$top"/docs/*.md; do
	install -m 0644 "$f" "$doc/docs/$(basename "$f")"
done
find "$doc" -type f -size +4k -exec gzip -9n {} +
{
	echo "sonde ($version) unstable; urgency=medium"
	echo
	echo "  * Release $version, built from the source tree by make deb."
	echo
	echo " -- $maintainer  $(date -R -d "@${SOURCE_DATE_EPOCH:-$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)}")"
} | gzip -9n > "$doc/changelog.gz"
{
	echo "sonde is under the MIT licence:"
	echo
	cat "$top/LICENSE"
	echo
	echo "/usr/bin/sonde is linked statically; the libraries in it, their versions"
	echo "and their licences follow."
	echo
	sh "$top/packaging/third-party-licenses.sh" --debian "$arch"
} > "$doc/copyright"
chmod 0644 "$doc/copyright"

cat > "$root/usr/share/lintian/overrides/sonde" <<'EOF'
# sonde is a static binary by design: one file that runs in any container
# or node, with no library or NSS module from the system.  The libraries it
# carries are listed with their versions in /usr/share/doc/sonde/copyright.
sonde: statically-linked-binary [usr/bin/sonde]
sonde: embedded-library * [usr/bin/sonde]
EOF

installed_kb=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<EOF
Package: sonde
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_kb
Section: net
Priority: optional
Description: network troubleshooting multitool in one static binary
 sonde holds ping, traceroute, dig, nc, ss, ip, iptables, nft, conntrack,
 tls and http checks, a port scanner and a namespace doctor as applets of
 one static binary, for containers and Kubernetes nodes that lack them.
 .
 Run them as "sonde APPLET"; the applet links (ping, ip, dig...) are in
 /usr/lib/sonde/bin, never in PATH, so they do not shadow the system's
 tools: put that directory first in PATH to use them by those names.
EOF
(cd "$root" && find usr -type f -exec md5sum {} + | LC_ALL=C sort -k2) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"

mkdir -p "$out_dir"
deb="$out_dir/sonde_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
