#!/bin/sh
# One OCI archive holding several architectures' images of sonde under one
# manifest list, so a registry serves each node its own:
#   mkmanifest.sh OUT_TAR LIST_NAME IMAGE_TAG...
# The images are the tags packaging/mkimage.sh left in local storage (make
# image and make ARCH=arm64 image).  Publish the archive with
#   skopeo copy --all oci-archive:OUT_TAR docker://REGISTRY/sonde:VERSION
set -eu
out_tar=$1
list=$2
shift 2

if command -v podman >/dev/null 2>&1; then tool=podman
elif command -v buildah >/dev/null 2>&1; then tool=buildah
else echo "mkmanifest: needs podman or buildah (apt-get install podman)" >&2; exit 1
fi

"$tool" manifest rm "$list" >/dev/null 2>&1 || true
"$tool" manifest create "$list" >/dev/null
for image in "$@"; do
	"$tool" manifest add "$list" "containers-storage:$image" >/dev/null
done
mkdir -p "$(dirname "$out_tar")"
rm -f "$out_tar"
"$tool" manifest push --quiet --all "$list" "oci-archive:$out_tar" >/dev/null
"$tool" manifest rm "$list" >/dev/null
echo "$out_tar $list"
