#!/bin/sh
# Writes sonde's release files into OUT_DIR (make dist):
#   sonde-VERSION-linux-ARCH.tar.gz         the stripped binary, man pages,
#                                           completions, README, licences, SBOM
#   sonde-VERSION-relink-linux-ARCH.tar.gz  sonde's object files and relink.sh
#                                           (LGPL-2.1 section 6: relink with a
#                                           modified libnl or glibc)
#   sonde-VERSION.tar.gz                    the source (git archive of HEAD)
#   kubectl-sonde-VERSION.tar.gz            the kubectl plugin, for krew
#   sonde-VERSION.sbom.json                 CycloneDX SBOM (also in BUILD)
#   sonde.yaml                              krew manifest (archives at URL)
#   SHA256SUMS
# Usage: mkdist.sh BUILD DOC_DIR VERSION DEB_ARCH OUT_DIR URL
# The environment gives the link: CC, LINK_FLAGS, LINK_FIRST, LIBS.
set -eu

build=$1 doc_dir=$2 version=$3 arch=$4 out_dir=$5 url=$6
top=$(cd "$(dirname "$0")/.." && pwd)
here=$top/packaging
work=$(mktemp -d "${TMPDIR:-/tmp}/sonde-dist.XXXXXX")
trap 'rm -rf "$work"' EXIT
umask 022
mkdir -p "$out_dir"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$top" log -1 --format=%ct)}
tar_flags="--sort=name --owner=0 --group=0 --numeric-owner --mtime=@$SOURCE_DATE_EPOCH"

# Deterministic gzip'ed tar of DIR's entry NAME.
pack() { # DIR NAME ARCHIVE
	# shellcheck disable=SC2086
	tar -C "$1" $tar_flags -cf - "$2" | gzip -9n > "$3"
}

# --- the binary's archive, and the SBOM that describes it ---------------------
bin_name=sonde-$version-linux-$arch
stage=$work/$bin_name
mkdir -p "$stage/man" "$stage/completion"
"${STRIP:-strip}" --strip-all -R .comment -o "$stage/sonde" "$build/sonde"
cp "$doc_dir"/man/*.1 "$stage/man/"
cp "$doc_dir/completion/sonde.bash" "$doc_dir/completion/_sonde" "$stage/completion/"
cp "$top/README.md" "$top/LICENSE" "$stage/"
sh "$here/third-party-licenses.sh" "$arch" > "$stage/THIRD_PARTY_LICENSES"
sh "$here/bundled.sh" "$arch" > "$work/bundled"
binary_sha=$(sha256sum "$stage/sonde" | cut -d' ' -f1)
python3 "$here/release.py" sbom "$version" "$arch" "$work/bundled" "$binary_sha" > "$build/sonde-$version.sbom.json"
cp "$build/sonde-$version.sbom.json" "$stage/sonde-$version.sbom.json"
cp "$build/sonde-$version.sbom.json" "$out_dir/sonde-$version.sbom.json"
pack "$work" "$bin_name" "$out_dir/$bin_name.tar.gz"

# --- sonde's object files, to relink against a modified library ---------------
relink_name=sonde-$version-relink-linux-$arch
stage=$work/$relink_name
mkdir -p "$stage/applets"
# The objects the Makefile links (APPLET_OBJS), not every .o in the build
# directory: a renamed source leaves its old object behind.
# shellcheck disable=SC2086
cp ${APPLET_OBJS:?the Makefile passes the applet objects} "$stage/applets/"
cp "$build/libcore.a" "$stage/"
# LINK_FIRST: objects linked ahead of the libraries (libcore/pcap_sources.o).
first=""
for obj in ${LINK_FIRST:-}; do
	cp "$obj" "$stage/"
	first="$first $(basename "$obj")"
done
cat > "$stage/relink.sh" <<EOF
#!/bin/sh
# Relinks sonde $version ($arch) from its object files, as make links it.
# To use a modified libnl or glibc (LGPL), build its static libraries and
# name their directory in LIBDIR: it is searched before the system's.
#   LIBDIR=/path/to/your/libs sh relink.sh     -> ./sonde
set -eu
cd "\$(dirname "\$0")"
\${CC:-${CC:-gcc}} $LINK_FLAGS \${LIBDIR:+-L"\$LIBDIR"} -o sonde applets/*.o$first \\
	-Wl,--start-group libcore.a $LIBS -Wl,--end-group
EOF
cat > "$stage/README" <<EOF
sonde $version: the object files of the static binary for $arch, so that it
can be relinked with modified versions of the LGPL libraries in it (libnl,
glibc), as section 6 of the LGPL-2.1 asks.  relink.sh runs the link command
of the release build; THIRD_PARTY_LICENSES in the binary's archive lists the
library versions it was built with (Debian 12 packages).
EOF
pack "$work" "$relink_name" "$out_dir/$relink_name.tar.gz"

# --- the source ---------------------------------------------------------------------
git -C "$top" archive --format=tar --prefix="sonde-$version/" HEAD | gzip -9n > "$out_dir/sonde-$version.tar.gz"

# --- the kubectl plugin and its krew manifest ----------------------------------------
plugin=$work/kubectl-sonde-$version
mkdir -p "$plugin"
sed "s/^version=.*/version=$version/" "$here/kubectl-sonde" > "$plugin/kubectl-sonde"
chmod 0755 "$plugin/kubectl-sonde"
cp "$top/LICENSE" "$plugin/"
# krew wants the files at the archive's top: pack the directory's contents.
# shellcheck disable=SC2086
tar -C "$plugin" $tar_flags -cf - kubectl-sonde LICENSE | gzip -9n > "$out_dir/kubectl-sonde-$version.tar.gz"
python3 "$here/release.py" krew "$version" "$url" "$out_dir/kubectl-sonde-$version.tar.gz" \
	"$(sha256sum "$out_dir/kubectl-sonde-$version.tar.gz" | cut -d' ' -f1)" > "$out_dir/sonde.yaml"

# --- checksums of everything published ----------------------------------------------
(cd "$out_dir" && rm -f SHA256SUMS && sha256sum -- *.tar.gz *.json *.yaml $(ls -- *.deb 2>/dev/null) > SHA256SUMS)
echo "$out_dir"
