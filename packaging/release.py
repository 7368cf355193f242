#!/usr/bin/env python3
"""Release metadata for make dist.

  release.py sbom VERSION DEB_ARCH BUNDLED_FILE SHA256_OF_BINARY > sonde-VERSION.sbom.json
  release.py krew VERSION URL_BASE ARCHIVE SHA256 > sonde.yaml

The SBOM is CycloneDX 1.5 JSON: sonde itself, and each library linked into
the static binary (from packaging/bundled.sh) with its upstream version, the
Debian package it came from as a purl, and its licence, so image and binary
scanners see what the binary contains.
"""
import datetime
import json
import os
import sys
import uuid


def bundled_components(path, deb_arch):
    components = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            words = line.split()
            if not words:
                continue
            name, upstream, source, deb_version, dev_package, package_version = words[:6]
            licence = " ".join(words[6:])
            # The cross toolchain's packages are architecture-independent.
            package_arch = "all" if dev_package.endswith("-cross") else deb_arch
            # Scanners match Debian's advisories by source package: upstream=.
            purl = "pkg:deb/debian/%s@%s?arch=%s&upstream=%s&distro=debian-12" % (
                dev_package, package_version.replace("+", "%2B"), package_arch, source)
            component = {
                "type": "library",
                "bom-ref": purl,
                "name": name,
                "version": upstream,
                "purl": purl,
                "properties": [
                    {"name": "debian:source", "value": "%s %s" % (source, deb_version)},
                    {"name": "debian:package", "value": dev_package},
                    {"name": "sonde:linkage", "value": "static"},
                ],
            }
            if " WITH " in licence or " OR " in licence or " AND " in licence:
                component["licenses"] = [{"expression": licence}]
            else:
                component["licenses"] = [{"license": {"id": licence}}]
            components.append(component)
    return components


def sbom(version, deb_arch, bundled_path, binary_sha256):
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc) if epoch \
        else datetime.datetime.now(datetime.timezone.utc)
    components = bundled_components(bundled_path, deb_arch)
    sonde_ref = "pkg:generic/sonde@%s?arch=%s" % (version, deb_arch)
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "serialNumber": "urn:uuid:%s" % uuid.uuid5(uuid.NAMESPACE_URL, "sonde/%s/%s/%s" % (
            version, deb_arch, binary_sha256)),
        "version": 1,
        "metadata": {
            "timestamp": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "tools": {"components": [{"type": "application", "name": "packaging/release.py"}]},
            "component": {
                "type": "application",
                "bom-ref": sonde_ref,
                "name": "sonde",
                "version": version,
                "purl": sonde_ref,
                "licenses": [{"license": {"id": "MIT"}}],
                "hashes": [{"alg": "SHA-256", "content": binary_sha256}],
            },
        },
        "components": components,
        "dependencies": [{"ref": sonde_ref, "dependsOn": [c["bom-ref"] for c in components]}],
    }
    json.dump(doc, sys.stdout, indent=2)
    sys.stdout.write("\n")


def krew(version, url_base, archive, sha256):
    # The plugin is a POSIX sh script: one archive serves every platform
    # that has a POSIX shell.
    platforms = []
    for os_name in ("linux", "darwin"):
        platforms.append("""  - selector:
      matchLabels:
        os: %s
    uri: %s/%s
    sha256: %s
    bin: kubectl-sonde
    files:
      - from: kubectl-sonde
        to: .
      - from: LICENSE
        to: .""" % (os_name, url_base.rstrip("/"), os.path.basename(archive), sha256))
    sys.stdout.write("""apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: sonde
spec:
  version: v%s
  shortDescription: Run sonde's network troubleshooting applets beside a pod
  description: |
    kubectl sonde runs an applet of sonde (ping, dig, ss, ip, iptables, nft,
    conntrack, tls, http, scan...) in an ephemeral debug container that shares
    the target container's network namespace, or on a node, through
    kubectl debug and sonde's image; --profile=netadmin when the applet
    needs NET_ADMIN or NET_RAW.
  caveats: |
    The pods' nodes must be able to pull sonde's image (--image or
    $KUBECTL_SONDE_IMAGE to name yours).
  platforms:
%s
""" % (version, "\n".join(platforms)))


def main(argv):
    if len(argv) == 6 and argv[1] == "sbom":
        sbom(argv[2], argv[3], argv[4], argv[5])
    elif len(argv) == 6 and argv[1] == "krew":
        krew(argv[2], argv[3], argv[4], argv[5])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
