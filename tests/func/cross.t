#!/bin/bash
# make ARCH=arm64: the static aarch64 cross build, run under qemu-user-static.
# It must build, be a static aarch64 executable, pass the unit tests, and
# give the native build's output for applets qemu-user can carry.
#
# qemu-user (Debian 12's 7.2) does not translate everything a real arm64
# kernel offers, so some applets cannot be tried here; each is listed below
# with what qemu refuses, and none is counted as passing:
#   NETLINK_SOCK_DIAG (ss, netstat -t), NETLINK_NETFILTER (conntrack, nft,
#   iptables' nft backend), the iptables-legacy getsockopt calls, the
#   neighbour dump (arp), and SO_TIMESTAMPNS (ping, traceroute, scan's
#   probe engine and its unit test); and the unit test of the program
#   image's mapping (qemu maps the guest's code as data).
. "$(dirname "$0")/../lib.sh"
need_root
if is_sanitized; then skip_all "the cross build is checked in the static pass"; fi
need_cmd aarch64-linux-gnu-gcc qemu-aarch64-static file
TOP=$(cd "$TESTS_DIR/.." && pwd)
CROSS_BUILD=$TOP/build-arm64
QEMU=qemu-aarch64-static

CMD_TIMEOUT=1200 run make --no-print-directory -s -C "$TOP" ARCH=arm64 -j"$(nproc)"
ok_rc "$RC" 0 "make ARCH=arm64 builds"
[ "$RC" = 0 ] || { diag "$(printf '%s\n' "$ERR" | tail -20)"; done_testing; }
like "$(file -b "$CROSS_BUILD/sonde")" "ARM aarch64.*statically linked" "build-arm64/sonde is a static aarch64 executable"
run "$QEMU" "$CROSS_BUILD/sonde" --version
is "$OUT" "$("$SONDE" --version)" "sonde --version under qemu: as the native build"

# --- unit tests under qemu -------------------------------------------------------
unit_under_qemu() { # BIN: prints "FAILED LINES" or nothing
	local out rc
	out=$("$QEMU" "$1" 2>&1); rc=$?
	grep '^not ok' <<< "$out"
	[ $rc -ne 0 ] && ! grep -q '^not ok' <<< "$out" && echo "exit status $rc"
	grep -q '^ok' <<< "$out" || echo "no test ran"
}
for bin in "$CROSS_BUILD"/tests/test_*; do
	case "$bin" in *.d|*.log|*.o) continue ;; esac
	name=$(basename "$bin")
	if [ "$name" = test_probe_filter ]; then
		skip "$name under qemu" "qemu-user refuses SO_TIMESTAMPNS, which the probe engine sets"
		continue
	fi
	if [ "$name" = test_image ]; then
		skip "$name under qemu" "qemu-user maps the guest's code without execute permission: /proc/self/smaps shows no code to measure"
		continue
	fi
	is "$(unit_under_qemu "$bin")" "" "$name passes under qemu (aarch64)"
done

# --- delivery: the .deb and the images for arm64 ----------------------------------
VERSION=$("$SONDE" --version | awk '{print $2; exit}')
CMD_TIMEOUT=900 run make --no-print-directory -s -C "$TOP" ARCH=arm64 deb
ok_rc "$RC" 0 "make ARCH=arm64 deb"
deb=$CROSS_BUILD/sonde_${VERSION}_arm64.deb
is "$(dpkg-deb -f "$deb" Architecture 2>&1)" "arm64" "the arm64 .deb says Architecture: arm64"
mkdir -p "$LAB_TMP/deb" && dpkg-deb -x "$deb" "$LAB_TMP/deb" 2>/dev/null
like "$(file -b "$LAB_TMP/deb/usr/bin/sonde")" "ARM aarch64.*statically linked.*stripped" \
	"the arm64 .deb holds the stripped aarch64 binary"

# The first file named NAME in an image archive's layers (docker-archive, as
# make image writes it), copied to DEST.
image_file() { # TAR NAME DEST
	python3 - "$@" <<'PY'
import io, json, sys, tarfile
archive, wanted, dest = sys.argv[1:4]
with tarfile.open(archive) as outer:
    manifest = json.load(outer.extractfile('manifest.json'))[0]
    for layer in manifest['Layers']:
        with tarfile.open(fileobj=io.BytesIO(outer.extractfile(layer).read())) as inner:
            for member in inner.getmembers():
                if member.name.lstrip('./') == wanted and member.isfile():
                    open(dest, 'wb').write(inner.extractfile(member).read())
                    sys.exit(0)
sys.exit(1)
PY
}
# The platforms an OCI archive's manifest list names, one per line.
oci_platforms() { # TAR
	python3 - "$1" <<'PY'
import json, sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    blob = lambda digest: json.load(t.extractfile('blobs/sha256/' + digest.split(':')[1]))
    for entry in json.load(t.extractfile('index.json'))['manifests']:
        entries = blob(entry['digest'])['manifests'] if entry['mediaType'].endswith('index.v1+json') else [entry]
        for m in entries:
            print(m['platform']['os'] + '/' + m['platform']['architecture'])
PY
}
image_tests=("make image-multiarch" "the arm64 image holds the aarch64 sonde" "the arm64 image is at most 12 MB"
	"the multi-arch archive lists linux/amd64 and linux/arm64" "the debug multi-arch archive lists both")
if ! command -v podman >/dev/null || ! [ -x /bin/busybox ]; then
	for t in "${image_tests[@]}"; do skip "$t" "needs podman and busybox-static (make test-deps)"; done
else
	CMD_TIMEOUT=900 run make --no-print-directory -s -C "$TOP" image-multiarch
	ok_rc "$RC" 0 "make image-multiarch"
	image_file "$CROSS_BUILD/sonde-image-arm64.tar" bin/sonde "$LAB_TMP/image-sonde"
	like "$(file -b "$LAB_TMP/image-sonde" 2>&1)" "ARM aarch64.*statically linked" "the arm64 image holds the aarch64 sonde"
	size=$(stat -c %s "$CROSS_BUILD/sonde-image-arm64.tar")
	if [ "$size" -le 12000000 ]; then pass "the arm64 image is at most 12 MB"; else
		fail "the arm64 image is at most 12 MB" "$size bytes"; fi
	diag "image sizes: arm64 $size bytes, arm64 debug $(stat -c %s "$CROSS_BUILD/sonde-image-debug-arm64.tar") bytes"
	is "$(oci_platforms "$TOP/build/sonde-image-multiarch.tar" | sort)" "$(printf 'linux/amd64\nlinux/arm64')" \
		"the multi-arch archive lists linux/amd64 and linux/arm64"
	is "$(oci_platforms "$TOP/build/sonde-image-debug-multiarch.tar" | sort)" "$(printf 'linux/amd64\nlinux/arm64')" \
		"the debug multi-arch archive lists both"
fi

# --- applets in a lab namespace, next to the native build -------------------------
lab_ns a
lab_ns b
lab_link a 10.78.0.1/24 b 10.78.0.2/24
lab_exec a ip route add 10.78.9.0/24 via 10.78.0.2
same_as_native() { # NAME ARGS...: the aarch64 build prints what the native one does
	local name=$1; shift
	lab_run a "$QEMU" "$CROSS_BUILD/sonde" "$@"
	local got=$OUT got_rc=$RC
	lab_run a "$SONDE" "$@"
	is "$got" "$OUT" "$name: output as the native build"
	is "$got_rc" "$RC" "$name: exit status as the native build"
}
same_as_native "ip -br addr" ip -br addr
same_as_native "ip -j addr" ip -j addr
same_as_native "ip route" ip route
same_as_native "route -n" route -n
same_as_native "ip route get" ip route get 10.78.9.7
same_as_native "an unknown option" ip --no-such-option

# Data through nc to a native server: every byte arrives.
head -c 300000 /dev/urandom > "$LAB_TMP/sent"
lab_bg b sh -c "nc -l 10.78.0.2 5000 > '$LAB_TMP/received'"
lab_wait_listen b 5000
lab_exec a "$QEMU" "$CROSS_BUILD/sonde" nc -N 10.78.0.2 5000 < "$LAB_TMP/sent" 2>"$LAB_TMP/nc.err"
ok_rc "$?" 0 "nc sends 300000 bytes to a lab server"
for _ in $(seq 1 50); do
	[ "$(stat -c %s "$LAB_TMP/received" 2>/dev/null)" = 300000 ] && break
	sleep 0.1
done
if cmp -s "$LAB_TMP/sent" "$LAB_TMP/received"; then pass "nc: every byte arrived unchanged"; else
	fail "nc: every byte arrived unchanged" "received $(stat -c %s "$LAB_TMP/received" 2>/dev/null) bytes"; fi

# HTTP from a lab server: what curl's -w and sonde's summary see.
mkdir -p "$LAB_TMP/www" && echo "hello from the lab" > "$LAB_TMP/www/index.html"
lab_bg b python3 -m http.server 8080 --bind 10.78.0.2 --directory "$LAB_TMP/www"
lab_wait_listen b 8080
lab_run a "$QEMU" "$CROSS_BUILD/sonde" http http://10.78.0.2:8080/index.html
is "$OUT" "hello from the lab" "http GET from a lab server: the body"
ok_rc "$RC" 0 "http GET from a lab server: exit status"
done_testing
