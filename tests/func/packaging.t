#!/bin/bash
# Delivery: the installed binary's size and libraries, licences, man pages,
# completions, the .deb, the container image, the kubectl plugin, release
# archives.  Each part runs the packaging script the Makefile target runs.
. "$(dirname "$0")/../lib.sh"
need_root
TOP=$(cd "$TESTS_DIR/.." && pwd)

# --- the installed binary ----------------------------------------------------
# make install strips; the stripped static binary stays within 6,000,000
# bytes.  Linked-but-unused libraries are what pushed it over: libpcap's
# D-Bus, USB, Bluetooth and netfilter capture sources (with libdbus), and
# libnl-route.
if is_sanitized; then
	skip "stripped binary within 6,000,000 bytes" "the sanitizer build is dynamic and instrumented"
	skip "libdbus and libpcap's USB and Bluetooth sources are not linked" "the sanitizer build is dynamic"
else
	strip -o "$LAB_TMP/sonde" "$SONDE_BIN"
	size=$(stat -c %s "$LAB_TMP/sonde")
	diag "stripped size: $size bytes"
	[ "$size" -le 6000000 ] && pass "stripped binary within 6,000,000 bytes" ||
		fail "stripped binary within 6,000,000 bytes" "it is $size bytes"
	# libdbus's own strings, and the device names of libpcap's D-Bus, USB
	# and Bluetooth sources, are absent; libpcap itself is there.
	unlike "$(grep -aoE 'org\.freedesktop\.DBus|dbus-system|/dev/usbmon|Bluetooth adapter' "$LAB_TMP/sonde" | sort -u)" . \
		"libdbus and libpcap's USB and Bluetooth sources are not linked"
	like "$(grep -aoE 'libpcap version' "$LAB_TMP/sonde" | sort -u)" . "libpcap is linked"
fi

# --- licences ----------------------------------------------------------------
like "$(head -3 "$TOP/LICENSE")" "^Copyright \(c\) [0-9]+ the sonde authors$" "LICENSE: MIT, the sonde authors"
like "$(head -1 "$TOP/LICENSE")" "^MIT License$" "LICENSE names MIT"
# THIRD_PARTY_LICENSES names the library versions the binary reports.
run "$SONDE" --version
for lib in openssl:OpenSSL c-ares:c-ares libnl:libnl libpcap:libpcap zlib:zlib; do
	name=${lib%%:*}
	in_binary=$(printf '%s\n' "$OUT" | grep -oE "${lib#*:} [0-9][0-9.]*[0-9]" | awk '{print $2}')
	listed=$(awk -v n="$name" '$1 == n && $3 == "Debian" { print $2 }' "$TOP/THIRD_PARTY_LICENSES")
	is "$listed" "$in_binary" "THIRD_PARTY_LICENSES lists $name $in_binary, as sonde --version says"
	grep -q "^$name .*: /usr/share/doc/.*/copyright from Debian$" "$TOP/THIRD_PARTY_LICENSES" &&
		pass "THIRD_PARTY_LICENSES holds $name's copyright file" ||
		fail "THIRD_PARTY_LICENSES holds $name's copyright file"
done
for text in "GNU LESSER GENERAL PUBLIC LICENSE" "Apache License" "GCC RUNTIME LIBRARY EXCEPTION"; do
	grep -q "$text" "$TOP/THIRD_PARTY_LICENSES" && pass "THIRD_PARTY_LICENSES has the text of $text" ||
		fail "THIRD_PARTY_LICENSES has the text of $text"
done
like "$(cat "$TOP/THIRD_PARTY_LICENSES")" "^Relinking against a modified LGPL library" "THIRD_PARTY_LICENSES says how to relink"
# Regenerated on this machine, it names the same libraries.
is "$(sh "$TOP/packaging/third-party-licenses.sh" | sed -n '/^  [a-z-]* /p' | awk '{print $1, $2}')" \
   "$(sed -n '/^  [a-z-]* /p' "$TOP/THIRD_PARTY_LICENSES" | awk '{print $1, $2}')" \
   "packaging/third-party-licenses.sh regenerates the same list"

# --- man pages and completions, from the option tables -----------------------
doc=$LAB_TMP/doc
mkdir -p "$doc"
"$SONDE" --describe > "$doc/describe.json"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$doc/describe.json" &&
	pass "sonde --describe is JSON" || fail "sonde --describe is JSON"
python3 "$TOP/packaging/gendoc.py" man "$doc/describe.json" "$TOP/docs" "$doc/man" 0.0.0-test
applets=$("$SONDE" --list | awk '{print $1}')
is "$(ls "$doc/man")" "$( (echo sonde.1; printf 'sonde-%s.1\n' $applets) | LC_ALL=C sort)" \
	"a man page for sonde and for each applet"
warnings=""
for page in "$doc"/man/*.1; do
	w=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >"${page%.1}.txt")
	[ -n "$w" ] && warnings="$warnings$(basename "$page"): $w
"
done
is "$warnings" "" "every man page renders without warnings (man --warnings -l)"
# Each page lists every option its applet's table has.
missing=$(python3 -c 'import json, sys
for a in json.load(open(sys.argv[1] + "/describe.json")):
    text = open("%s/man/sonde-%s.txt" % (sys.argv[1], a["name"])).read()
    for o in a["options"]:
        name = "--" + o["long"] if o.get("long") else "-" + o["short"]
        if name not in text:
            print(a["name"], name)' "$doc")
is "$missing" "" "each applet's man page lists all its options"
like "$(MANWIDTH=200 man -l "$doc/man/sonde-ping.1")" "^ +-M do\|dont\|want$" "sonde-ping(1): -M with its values"
like "$(MANWIDTH=200 man -l "$doc/man/sonde-ping.1")" "^OUTPUT$" "sonde-ping(1): docs/ping.md's Output section"

# bash: drive the completion function as bash does at a TAB.
mkdir -p "$doc/completion"
python3 "$TOP/packaging/gendoc.py" bash "$doc/describe.json" > "$doc/completion/sonde.bash"
complete_words() { # WORDS... (the last one is being completed)
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _sonde
		printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort' _ "$doc/completion/sonde.bash" "$@"
}
is "$(complete_words sonde pi)" "$(printf 'ping\nping6')" "bash: sonde pi<TAB> -> ping ping6"
is "$(complete_words sonde "")" "$(printf '%s\n' $applets --help --install --list --version | LC_ALL=C sort)" \
	"bash: sonde <TAB> -> every applet"
is "$(complete_words sonde ping --t)" "--tcp" "bash: sonde ping --t<TAB> -> --tcp"
is "$(complete_words sonde ping -M "")" "$(printf 'do\ndont\nwant')" "bash: sonde ping -M <TAB> -> the table's values"
is "$(complete_words sonde ping -M do)" "$(printf 'do\ndont')" "bash: sonde ping -M do<TAB>"
is "$(complete_words sonde ping -c 3 --js)" "--json" "bash: common options after an option's value"
like "$(complete_words sonde nc -)" "^-z$" "bash: nc's options"
mkdir -p "$doc/files" && touch "$doc/files/rules.v4"
is "$(cd "$doc/files" && complete_words sonde iptables-save -t "")" "rules.v4" "bash: a value without named choices completes files, not options"
is "$(cd "$doc/files" && complete_words sonde dig -f ru)" "rules.v4" "bash: -f FILE completes file names"

# zsh: the generated function parses.
python3 "$TOP/packaging/gendoc.py" zsh "$doc/describe.json" > "$doc/completion/_sonde"
if command -v zsh >/dev/null; then
	zsh -n "$doc/completion/_sonde" && pass "zsh completion parses" || fail "zsh completion parses"
	run zsh -c 'autoload -U compinit && compinit -u -D && source "$1" 2>&1; whence -w _sonde' _ "$doc/completion/_sonde"
	like "$OUT" "_sonde: function" "zsh completion defines _sonde"
else
	skip "zsh completion parses" "zsh is not installed"
	skip "zsh completion defines _sonde" "zsh is not installed"
fi

# make install-doc: the man pages and completions under DESTDIR/PREFIX.
if is_sanitized; then
	skip "make install-doc installs man pages and completions" "the sanitizer build is not installed"
else
	CMD_TIMEOUT=300 run make --no-print-directory -s -C "$TOP" install-doc BUILD="$(cd "$(dirname "$SONDE_BIN")" && pwd)" \
		DESTDIR="$LAB_TMP/destdir" PREFIX=/usr/local
	is "$(cd "$LAB_TMP/destdir/usr/local/share" && find . -type f | grep -E '/(sonde\.1|sonde-ping\.1|sonde|_sonde)$' | LC_ALL=C sort)" \
	   "$(printf '%s\n' ./bash-completion/completions/sonde ./man/man1/sonde-ping.1 ./man/man1/sonde.1 ./zsh/site-functions/_sonde)" \
	   "make install-doc installs man pages and completions"
fi

# --- kubectl sonde (no cluster here: --dry-run prints the kubectl command) -----
K="sh $TOP/packaging/kubectl-sonde"
testing "kubectl sonde: a pod's container, an applet that needs NET_ADMIN/NET_RAW" \
	"$K --dry-run -n prod web-1 -c app -- ping -c 3 db" \
	"kubectl debug -n prod web-1 -i --quiet --image=sonde:$($SONDE --version | awk '{print $2}') --target=app --profile=netadmin -- ping -c 3 db"
testing "kubectl sonde: an applet that needs no capability gets no profile" \
	"$K --dry-run web-1 -- dig +short kubernetes.default.svc.cluster.local" \
	"kubectl debug web-1 -i --quiet --image=sonde:$($SONDE --version | awk '{print $2}') -- dig +short kubernetes.default.svc.cluster.local"
testing "kubectl sonde: node/NODE, --image, arguments quoted" \
	"$K node/worker-2 --image=registry.example/sonde:1 --dry-run -- iptables -t nat -S 'KUBE-SVC-X Y'" \
	"kubectl debug node/worker-2 -i --quiet --image=registry.example/sonde:1 --profile=netadmin -- iptables -t nat -S 'KUBE-SVC-X Y'"
testing "kubectl sonde: no applet is a shell in the debug image" \
	"$K --dry-run --namespace=prod web-1 --container app" \
	"kubectl debug -n prod web-1 -it --image=sonde:$($SONDE --version | awk '{print $2}')-debug --target=app --profile=netadmin"
run sh "$TOP/packaging/kubectl-sonde" --dry-run web-1 -- tcpdumpx -i any
ok_rc "$RC" 2 "kubectl sonde: an unknown applet is a usage error"
is "$ERR" "kubectl sonde: unknown applet 'tcpdumpx' (see sonde --list)" "kubectl sonde: ... that says so"
run sh "$TOP/packaging/kubectl-sonde" --dry-run node/n1 -c app -- ss -lt
ok_rc "$RC" 2 "kubectl sonde: -c with a node is refused"
# The plugin's applet list is the binary's.
is "$(sed -n '/^known_applet()/,/return 0/p' "$TOP/packaging/kubectl-sonde" | sed '1,2d; s/) return 0 ;;//' |
	tr -d '\\' | tr '|' ' ' | xargs)" \
   "$(echo $applets)" "kubectl sonde knows every applet"
command -v dash >/dev/null && { dash -n "$TOP/packaging/kubectl-sonde" && pass "kubectl-sonde is POSIX sh (dash parses it)" ||
	fail "kubectl-sonde is POSIX sh (dash parses it)"; } || skip "kubectl-sonde is POSIX sh (dash parses it)" "no dash"

# --- the .deb -------------------------------------------------------------------
VERSION=$(sed -n 's/^VERSION *:= *//p' "$TOP/Makefile")
ARCH=$(dpkg --print-architecture)
if is_sanitized; then
	for t in "the .deb builds" "lintian: no errors" "dpkg --root installs it" "no applet name in a PATH directory" \
		"every applet linked in /usr/lib/sonde/bin" "man pages and completions installed" "the installed applets run"; do
		skip "$t" "the sanitizer build is not packaged"
	done
else
	CMD_TIMEOUT=300 run sh "$TOP/packaging/mkdeb.sh" "$SONDE_BIN" "$doc" "$VERSION" "$ARCH" "$LAB_TMP/deb"
	deb=$LAB_TMP/deb/sonde_${VERSION}_$ARCH.deb
	ok_rc "$RC" 0 "the .deb builds"
	# lintian takes half a minute: it runs beside the other checks.
	lintian_pid=""
	if command -v lintian >/dev/null; then
		timeout 300 lintian --fail-on error "$deb" > "$LAB_TMP/lintian" 2>&1 &
		lintian_pid=$!
	fi
	root=$LAB_TMP/root
	mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
	touch "$root/var/lib/dpkg/status"
	run dpkg --root="$root" -i "$deb"
	ok_rc "$RC" 0 "dpkg --root installs it"
	in_path=""
	for d in bin sbin usr/bin usr/sbin usr/local/bin usr/local/sbin; do
		for a in $applets; do [ -e "$root/$d/$a" ] || [ -L "$root/$d/$a" ] && in_path="$in_path $d/$a"; done
	done
	is "$in_path" "" "no applet name in a PATH directory"
	is "$(cd "$root/usr/lib/sonde/bin" && for a in *; do echo "$a -> $(readlink -f "$a" | sed "s|^$root||")"; done)" \
	   "$(printf '%s -> /usr/bin/sonde\n' $applets)" "every applet linked in /usr/lib/sonde/bin"
	[ -f "$root/usr/share/man/man1/sonde.1.gz" ] && [ -f "$root/usr/share/man/man1/sonde-ping.1.gz" ] &&
	[ -f "$root/usr/share/bash-completion/completions/sonde" ] && [ -f "$root/usr/share/zsh/vendor-completions/_sonde" ] &&
		pass "man pages and completions installed" || fail "man pages and completions installed"
	# Run from the installed tree (chroot: nothing from this system's /usr).
	lab_ns deb
	lab_exec deb chroot "$root" /usr/lib/sonde/bin/ping -c 1 -W 5 127.0.0.1 > "$LAB_TMP/deb-ping" 2>&1
	rc=$?
	lab_exec deb chroot "$root" /usr/bin/sonde ss -ltn > "$LAB_TMP/deb-ss" 2>&1
	[ "$rc" = 0 ] && grep -q "1 received" "$LAB_TMP/deb-ping" && grep -q "^State" "$LAB_TMP/deb-ss" &&
		pass "the installed applets run" || fail "the installed applets run" "$(cat "$LAB_TMP/deb-ping" "$LAB_TMP/deb-ss")"
	if [ -n "$lintian_pid" ]; then
		wait "$lintian_pid"
		ok_rc "$?" 0 "lintian: no errors"
		diag "$(grep -E '^[EW]:' "$LAB_TMP/lintian")"
	else
		skip "lintian: no errors" "lintian is not installed"
	fi
fi

# --- the container image ---------------------------------------------------------
# Built FROM scratch, saved, loaded back and run the way a pod runs it: in a
# lab namespace (--network ns:), as nobody, with no capability and then with
# NET_RAW and NET_ADMIN.  Each applet works or names the capability it lacks.
image_tests=(
	"plain image within 12 MB" "debug image within 14 MB" "the image archives load"
	"plain image: only sonde, its links, CA bundle, passwd, licences" "plain image runs sonde as nobody"
	"no capability: every applet works or names the capability it lacks"
	"the image checks cover every applet"
	"no capability: raw-socket and netfilter applets do explain" "nobody with NET_RAW+NET_ADMIN: every applet works or explains"
	"root with only NET_RAW+NET_ADMIN: every applet works" "debug image: sonde's applets come first in PATH"
	"debug image: an interactive shell's ping is sonde's" "debug image: ... and it pings as sonde does")
if is_sanitized; then
	for t in "${image_tests[@]}"; do skip "$t" "the sanitizer build is not packaged"; done
elif ! command -v podman >/dev/null || ! [ -x /bin/busybox ]; then
	for t in "${image_tests[@]}"; do skip "$t" "needs podman and busybox-static (make test-deps)"; done
else
	tag=t$$
	sh "$TOP/packaging/mkimage.sh" "$SONDE_BIN" "$tag" "$ARCH" plain "$LAB_TMP/image.tar" >/dev/null &
	plain_build=$!
	sh "$TOP/packaging/mkimage.sh" "$SONDE_BIN" "$tag" "$ARCH" debug "$LAB_TMP/image-debug.tar" >/dev/null
	wait "$plain_build"
	podman rmi -f "localhost/sonde:$tag" "localhost/sonde:$tag-debug" >/dev/null 2>&1
	trap 'podman rmi -f "localhost/sonde:$tag" "localhost/sonde:$tag-debug" >/dev/null 2>&1; lab_down' EXIT
	size=$(stat -c %s "$LAB_TMP/image.tar")
	diag "image archives: $size bytes plain, $(stat -c %s "$LAB_TMP/image-debug.tar") bytes debug"
	[ "$size" -le 12000000 ] && pass "plain image within 12 MB" || fail "plain image within 12 MB" "$size bytes"
	[ "$(stat -c %s "$LAB_TMP/image-debug.tar")" -le 14000000 ] && pass "debug image within 14 MB" ||
		fail "debug image within 14 MB"
	podman load -q -i "$LAB_TMP/image.tar" >/dev/null && podman load -q -i "$LAB_TMP/image-debug.tar" >/dev/null &&
		pass "the image archives load" || fail "the image archives load"
	# The plain image's files, from the archive's layer.
	mkdir -p "$LAB_TMP/layer"
	tar -xf "$LAB_TMP/image.tar" -C "$LAB_TMP/layer"
	files=$(for l in $(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))[0]["Layers"]))' \
		"$LAB_TMP/layer/manifest.json"); do tar -tf "$LAB_TMP/layer/$l"; done | sed 's|/$||' | LC_ALL=C sort -u |
		grep -vE "^bin/($(printf '%s|' $applets)sonde)$")
	is "$(printf '%s\n' $files)" "$(printf '%s\n' bin etc etc/group etc/passwd etc/ssl etc/ssl/certs \
		etc/ssl/certs/ca-certificates.crt usr usr/share usr/share/doc usr/share/doc/sonde \
		usr/share/doc/sonde/LICENSE usr/share/doc/sonde/THIRD_PARTY_LICENSES)" \
		"plain image: only sonde, its links, CA bundle, passwd, licences"

	lab_ns pod
	lab_ns peer
	lab_link pod 10.191.0.1/24 peer 10.191.0.2/24
	# dig and doctor draw port-unreachables from the peer before traceroute's.
	lab_exec peer sysctl -qw net.ipv4.icmp_ratelimit=0
	lab_bg peer python3 -m http.server 8080 --bind 10.191.0.2
	lab_wait_listen peer 8080
	pod=/run/netns/$(ns pod)
	podman_run() { # OPTIONS... -- IMAGE CMD...
		timeout 120 podman run --rm --runtime runc --cgroup-manager=cgroupfs --ulimit nofile=1024:1024 \
			--ulimit nproc=1024:1024 --network "ns:$pod" --dns 10.191.0.2 --user 65534:65534 "$@"
	}
	prun() { # like run, for podman_run
		OUT=$(podman_run "$@" 2>"$LAB_TMP/err" </dev/null)
		RC=$?
		ERR=$(cat "$LAB_TMP/err")
	}
	prun --cap-drop ALL "localhost/sonde:$tag" ip -4 -br addr show dev veth0
	like "$OUT" "^veth0(@[a-z0-9]+)? +UP +10\.191\.0\.1/24" "plain image runs sonde as nobody" || diag "$ERR"

	# applet|exit codes that mean it worked|command (run in the debug image's
	# shell, one container for all)
	checks="arp|0|arp -n
brctl|0|brctl show
check|0|check /tmp/sonde.checks
conntrack|0|conntrack -L
curl|0|curl -s -o /dev/null http://10.191.0.2:8080/
dig|9|dig +tries=1 +timeout=1 @10.191.0.2 test.
doctor|0 1|doctor --timeout 1
host|1|host -W 1 test. 10.191.0.2
http|0|http -o /dev/null http://10.191.0.2:8080/
ifconfig|0|ifconfig -a
ip|0|ip addr
ip6tables|0|ip6tables -L -n
ip6tables-save|0|ip6tables-save
iperf3|1|iperf3 -c 10.191.0.2 -p 9 -t 1
ipset|0|ipset list
iptables|0|iptables -L -n
iptables-save|0|iptables-save
ipvsadm|0 1|ipvsadm -L -n
mtr|0|mtr -r -n -u -c 1 -i 0.1 10.191.0.2
nc|0|nc -z -w 2 10.191.0.2 8080
netstat|0|netstat -ltn
nft|0|nft list ruleset
nmap|0|nmap -sT -p 8080 10.191.0.2
nslookup|1|nslookup -timeout=1 -retry=1 test. 10.191.0.2
openssl|0|openssl version
path|0|path 10.191.0.1 10.191.0.2 tcp/8080
ping|0|ping -c 1 -W 2 10.191.0.2
ping6|0|ping6 -c 1 -W 2 ::1
route|0|route -n
scan|0|scan -sS -p 8080 10.191.0.2
serve|2|serve --allow 10.0.0.0/33
ss|0|ss -ltn
svc|1|svc 10.96.0.1:80
tcpdump|0|tcpdump -D
telnet|0|telnet 10.191.0.2 8080
tls|6|tls 10.191.0.2:8080
traceroute|0|traceroute -n -m 2 -q 1 -w 2 10.191.0.2
wait|0|wait --timeout 10s tcp://10.191.0.2:8080"
	is "$(printf '%s\n' "$checks" | cut -d'|' -f1)" "$(printf '%s\n' $applets)" "the image checks cover every applet"
	# /bin/NAME: busybox's shell would run its own ping or nc for a bare name.
	# check's file: one check that needs no capability.
	script=$(echo "echo 'web: nc -z -w 2 10.191.0.2 8080' > /tmp/sonde.checks"
		printf '%s\n' "$checks" | while IFS='|' read -r name want cmd; do
		printf '/bin/%s >/dev/null 2>/tmp/err; echo "%s|%s|$?|$(tr "\\n" " " </tmp/err)"\n' "$cmd" "$name" "$want"
	done)
	sweep() { # podman options...
		podman_run "$@" "localhost/sonde:$tag-debug" sh -c "$script"
	}
	verdicts() { # explain_ok|strict: each line "name works|explains|BAD why"
		local name want rc err
		while IFS='|' read -r name want rc err; do
			if [[ " $want " == *" $rc "* ]]; then echo "$name works"
			elif [ "$1" = explain_ok ] && [[ "$err" =~ CAP_NET_(RAW|ADMIN) ]]; then echo "$name explains"
			else echo "$name BAD: exit $rc: $err"; fi
		done
	}
	caps=(--cap-drop ALL --cap-add NET_RAW --cap-add NET_ADMIN)
	# Three containers at once: the sweeps take seconds each on a loaded machine.
	sweep --cap-drop ALL > "$LAB_TMP/sweep-none" &
	sweeps=($!)
	sweep "${caps[@]}" > "$LAB_TMP/sweep-nobody-caps" &
	sweeps+=($!)
	# As kubectl debug --profile=netadmin runs the image: its user (root),
	# only those two capabilities.
	sweep --user 0:0 "${caps[@]}" > "$LAB_TMP/sweep-root-caps" &
	sweeps+=($!)
	wait "${sweeps[@]}"
	unprivileged=$(verdicts explain_ok < "$LAB_TMP/sweep-none")
	is "$(printf '%s\n' "$unprivileged" | grep BAD)" "" "no capability: every applet works or names the capability it lacks"
	diag "nobody, no capability, these explain: $(printf '%s\n' "$unprivileged" | awk '$2 == "explains" {printf "%s ", $1}')"
	is "$(printf '%s\n' "$unprivileged" | awk '$1 ~ /^(ping|scan|iptables|nft|conntrack)$/ {print $1, $2}')" \
	   "$(printf '%s explains\n' conntrack iptables nft ping scan)" "no capability: raw-socket and netfilter applets do explain"
	nobody_caps=$(verdicts explain_ok < "$LAB_TMP/sweep-nobody-caps")
	is "$(printf '%s\n' "$nobody_caps" | grep BAD)" "" "nobody with NET_RAW+NET_ADMIN: every applet works or explains"
	diag "nobody with NET_RAW+NET_ADMIN, these explain: $(printf '%s\n' "$nobody_caps" | awk '$2 == "explains" {printf "%s ", $1}')"
	granted=$(verdicts strict < "$LAB_TMP/sweep-root-caps")
	is "$(printf '%s\n' "$granted" | grep BAD)" "" "root with only NET_RAW+NET_ADMIN: every applet works"
	prun --cap-drop ALL "localhost/sonde:$tag-debug" sh -c 'echo "$PATH"; ls /bin/ping /usr/bin/ls'
	is "$OUT" "$(printf '/bin:/usr/bin\n/bin/ping\n/usr/bin/ls')" "debug image: sonde's applets come first in PATH"
	prun "${caps[@]}" "localhost/sonde:$tag-debug" sh -i -c 'type ping; ping -c 1 -W 2 10.191.0.2'
	like "$OUT" "^ping is an alias for /bin/ping" "debug image: an interactive shell's ping is sonde's"
	like "$OUT" "^PING 10\.191\.0\.2 \(10\.191\.0\.2\) 56\(84\) bytes of data\.$" "debug image: ... and it pings as sonde does"
fi

# --- make dist: archives, SHA256SUMS, SBOM, krew manifest -------------------------
dist_tests=("make dist" "SHA256SUMS verifies every release file" "the binary archive holds binary, man pages, completions, licences, SBOM"
	"SBOM: CycloneDX naming sonde's version and the binary's hash" "SBOM: each library's version is the one sonde --version reports"
	"krew manifest: the plugin archive's sha256" "relink.sh relinks sonde from the object files")
if is_sanitized; then
	for t in "${dist_tests[@]}"; do skip "$t" "the sanitizer build is not released"; done
else
	build_dir=$(cd "$(dirname "$SONDE_BIN")" && pwd)
	CMD_TIMEOUT=600 run make --no-print-directory -s -C "$TOP" dist BUILD="$build_dir"
	ok_rc "$RC" 0 "make dist"
	dist=$build_dir/dist
	run sh -c "cd '$dist' && sha256sum -c SHA256SUMS"
	ok_rc "$RC" 0 "SHA256SUMS verifies every release file"
	is "$(tar -tzf "$dist/sonde-$VERSION-linux-$ARCH.tar.gz" | grep -E '/(sonde|man/sonde\.1|man/sonde-ping\.1|completion/sonde\.bash|completion/_sonde|LICENSE|THIRD_PARTY_LICENSES|sonde-[0-9.]+\.sbom\.json)$' |
		sed 's|^[^/]*/||' | LC_ALL=C sort)" \
	   "$(printf '%s\n' LICENSE THIRD_PARTY_LICENSES completion/_sonde completion/sonde.bash man/sonde-ping.1 man/sonde.1 sonde "sonde-$VERSION.sbom.json" | LC_ALL=C sort)" \
	   "the binary archive holds binary, man pages, completions, licences, SBOM"
	mkdir -p "$LAB_TMP/rel"
	tar -xzf "$dist/sonde-$VERSION-linux-$ARCH.tar.gz" -C "$LAB_TMP/rel"
	rel=$LAB_TMP/rel/sonde-$VERSION-linux-$ARCH
	sbom=$build_dir/sonde-$VERSION.sbom.json
	is "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); c=d["metadata"]["component"]
print(d["bomFormat"], d["specVersion"], c["name"], c["version"], c["hashes"][0]["content"])' "$sbom")" \
	   "CycloneDX 1.5 sonde $("$rel/sonde" --version | awk '{print $2}') $(sha256sum "$rel/sonde" | cut -d' ' -f1)" \
	   "SBOM: CycloneDX naming sonde's version and the binary's hash"
	version_line=$("$rel/sonde" --version)
	from_binary=$(for lib in openssl:OpenSSL c-ares:c-ares libnl:libnl libpcap:libpcap zlib:zlib; do
		echo "${lib%%:*} $(printf '%s\n' "$version_line" | grep -oE "${lib#*:} [0-9][0-9.]*[0-9]" | awk '{print $2}')"; done)
	is "$(python3 -c 'import json,sys
for c in json.load(open(sys.argv[1]))["components"]:
    if c["name"] in ("openssl", "c-ares", "libnl", "libpcap", "zlib"): print(c["name"], c["version"])' "$sbom")" \
	   "$from_binary" "SBOM: each library's version is the one sonde --version reports"
	is "$(sed -n 's/^ *sha256: //p' "$dist/sonde.yaml" | sort -u)" \
	   "$(sha256sum "$dist/kubectl-sonde-$VERSION.tar.gz" | cut -d' ' -f1)" "krew manifest: the plugin archive's sha256"
	tar -xzf "$dist/sonde-$VERSION-relink-linux-$ARCH.tar.gz" -C "$LAB_TMP/rel"
	CMD_TIMEOUT=300 run sh "$LAB_TMP/rel/sonde-$VERSION-relink-linux-$ARCH/relink.sh"
	relinked=$LAB_TMP/rel/sonde-$VERSION-relink-linux-$ARCH/sonde
	[ "$RC" = 0 ] && [ "$("$relinked" --version)" = "$version_line" ] &&
		pass "relink.sh relinks sonde from the object files" ||
		fail "relink.sh relinks sonde from the object files" "exit $RC: $ERR"
fi

done_testing
