# sonde — one static binary, many network troubleshooting applets.
#
#   make            build build/sonde (static)
#   make run        install build packages if missing, build, run `sonde doctor`
#   make test       install build+test packages if missing, run every test:
#                   unit + functional on the static binary, then again on an
#                   ASan+UBSan build, then a short fuzzing pass
#   make check      the static pass of `make test` only (quicker)
#   make conformance  sonde against the classic tools on their own upstream
#                   test data (../shared/upstream); also part of `make check`
#   make install PREFIX=/usr/local      the binary only
#   make install-links [DIR=...] [APPLETS="ping ss"]   links named after applets
#   make man, make completion   man pages and bash/zsh completion in build/doc/
#   make install-doc PREFIX=/usr/local   installs them
#   make deb        build/sonde_VERSION_ARCH.deb (docs/packaging.md)
#   make image      container images build/sonde-image[-debug]-ARCH.tar
#   make ARCH=arm64 a static aarch64 build in build-arm64/ (also: deb, image)
#   make image-multiarch  amd64+arm64 images under one manifest list
#   make dist       release archives, SBOM, krew manifest, SHA256SUMS in build/dist/
#
# SANITIZE=1 builds build-asan/sonde (dynamic: ASan cannot be linked statically).

VERSION    := 0.1.0
PREFIX     ?= /usr/local
CC         ?= gcc
SANITIZE   ?= 0

# make ARCH=arm64: a static aarch64 build in build-arm64/ with Debian's cross
# compiler and :arm64 libraries (packaging/install-deps.sh arm64); its tests
# run under qemu-user-static (tests/func/cross.t).
ARCH       ?=
ifeq ($(ARCH),arm64)
CROSS_COMPILE ?= aarch64-linux-gnu-
QEMU_USER  ?= qemu-aarch64-static
else ifneq ($(ARCH),)
$(error ARCH=$(ARCH): only arm64 is cross-built (the native build needs no ARCH))
endif
ifneq ($(CROSS_COMPILE),)
ifeq ($(SANITIZE),1)
$(error SANITIZE=1 with ARCH=$(ARCH): the sanitizer build is native only)
endif
CC         := $(CROSS_COMPILE)gcc
STRIP      := $(CROSS_COMPILE)strip
BUILD      ?= build-$(ARCH)
DEB_ARCH   := $(ARCH)
endif

ifeq ($(SANITIZE),1)
BUILD      ?= build-asan
SAN_FLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
LINK_MODE  :=
else
BUILD      ?= build
SAN_FLAGS  :=
LINK_MODE  := -static
# No unwind tables for sonde's own code (nothing unwinds through it: no C++
# exceptions, no pthread_cancel; debuggers read -g's .debug_frame): 60 KB of
# the installed binary.
SIZE_FLAGS := -fno-asynchronous-unwind-tables -fno-unwind-tables
endif

NL_CFLAGS  := -I/usr/include/libnl3
WARN       := -Wall -Wextra -Wshadow -Wformat=2 -Wno-format-nonliteral -Wno-unused-parameter -Wmissing-prototypes -Wstrict-prototypes
CFLAGS     ?= -O2 -g
ALL_CFLAGS := -std=gnu11 $(WARN) $(CFLAGS) $(SAN_FLAGS) $(SIZE_FLAGS) -Iinclude $(NL_CFLAGS) \
              -D_GNU_SOURCE -DSONDE_VERSION='"$(VERSION)"' -MMD -MP -ffunction-sections -fdata-sections

# Every name lookup in the binary goes through c-ares, including lookups that the
# dependencies make themselves (c-ares looks up service names, libpcap's filter
# compiler host names):
# the linker routes their calls to libcore/nss_free.c instead of glibc NSS.
WRAP_NSS   := -Wl,--wrap=getaddrinfo -Wl,--wrap=freeaddrinfo -Wl,--wrap=gethostbyname \
              -Wl,--wrap=getservbyname -Wl,--wrap=getservbyport -Wl,--wrap=getservbyname_r \
              -Wl,--wrap=getservbyport_r -Wl,--wrap=getnameinfo -Wl,--wrap=getprotobyname \
              -Wl,--wrap=getprotobyname_r -Wl,--wrap=getprotobynumber -Wl,--wrap=getnetbyname_r \
              -Wl,--wrap=ether_hostton
LIBS       := -lnl-nf-3 -lnl-genl-3 -lnl-3 -lcares -lssl -lcrypto -lpcap -lz -pthread
# The static link leaves libpcap's D-Bus, USB, Bluetooth and netfilter capture
# sources (and with them libdbus) out: libcore/pcap_sources.c stands in for
# them, and must come before the libraries so the linker never takes those
# members of libpcap.a.  The dynamic (ASan) link uses the shared libpcap as it is.
ifeq ($(SANITIZE),1)
LINK_FIRST :=
else
LINK_FIRST  = $(BUILD)/libcore/pcap_sources.o
endif
# The static link drops the bundled libraries' unwind tables (.eh_frame of
# libc, OpenSSL, c-ares, libnl, libpcap: 550 KB of the stripped binary).
# Nothing unwinds through them: sonde is C, never calls pthread_cancel or
# pthread_exit (glibc's only unwinders) nor backtrace(); the cost is that a
# debugger's backtrace stops at a library frame.  This keeps the binary within
# its 6,000,000 bytes with libpcap's filter compiler linked for tcpdump.
ifneq ($(SANITIZE),1)
STATIC_LD  := -Wl,-T,$(CURDIR)/packaging/static.ld
endif
LDFLAGS    ?=
ALL_LDFLAGS:= $(LINK_MODE) $(SAN_FLAGS) -Wl,--gc-sections $(STATIC_LD) $(WRAP_NSS) $(LDFLAGS)

# V=1 shows the full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

CORE_SRC   := $(sort $(wildcard libcore/*.c libcore/nf/*.c))
APPLET_SRC := $(sort $(wildcard applets/*.c))
CORE_OBJ   := $(CORE_SRC:%.c=$(BUILD)/%.o)
APPLET_OBJ := $(APPLET_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC   := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# Conformance tests compare sonde with the classic tools on the tools' own
# upstream test data; each skips itself when ../shared/upstream is absent.
CONFORMANCE_T := $(sort $(wildcard tests/conformance/*.t))
# The tests run side by side, TEST_JOBS at a time: each builds its lab in
# namespaces of its own, and most of a test's time is spent waiting (on a
# silent hop, a timeout, a rate limit), not computing.  The slowest start
# first, so that none is left running alone at the end; cross.t (the arm64
# build, both cores busy) first of all, beside tests that mostly wait.
# Three at a time on two cores: at two, the cores were idle a third of the
# pass (CPU time / wall time); at three the whole `make test` took 21.7 min
# where it took 29, every test passing.
TEST_JOBS ?= 3
SLOW_T   := tests/func/cross.t tests/func/traceroute.t tests/func/scan_udp.t tests/func/packaging.t \
	tests/func/iperf3.t tests/func/scan.t tests/func/curl.t tests/func/mtr.t tests/conformance/nft.t \
	tests/func/serve.t tests/func/tls.t tests/func/dig.t tests/func/http_hostile.t \
	tests/func/netstat_views.t tests/func/nft.t
FUNC_T   := $(sort $(wildcard tests/func/*.t))
CHECK_T  := $(filter $(FUNC_T) $(CONFORMANCE_T),$(SLOW_T)) tests/unit.t \
	$(filter-out $(SLOW_T),$(FUNC_T) $(CONFORMANCE_T))

.PHONY: all run test check unit func fuzz bench install install-links clean deps test-deps help conformance print-core-src
all: $(BUILD)/sonde $(UNIT_BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libcore.a: $(CORE_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	$(Q)ar rcs $@ $^

# The link must not pull any glibc NSS function: in an empty container they
# fail.  The linker warns when one is pulled; such a warning fails the build.
$(BUILD)/sonde: $(APPLET_OBJ) $(BUILD)/libcore.a
	@echo "  LINK    $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(APPLET_OBJ) $(LINK_FIRST) -Wl,--start-group $(BUILD)/libcore.a $(LIBS) -Wl,--end-group 2> $(BUILD)/link.log || { cat $(BUILD)/link.log; exit 1; }
	@if grep -E "Using '(getaddrinfo|gethostbyname[a-z0-9_]*|getservby[a-z_]*|getnameinfo|getprotoby[a-z_]*|getnetby[a-z_]*)'" $(BUILD)/link.log; then \
	  echo "error: an NSS name lookup was linked in (see above); route it through c-ares" >&2; rm -f $@; exit 1; fi

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libcore.a tests/unit/tap.h
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/unit $< -o $@ $(ALL_LDFLAGS) $(LINK_FIRST) -Wl,--start-group $(BUILD)/libcore.a $(LIBS) -Wl,--end-group 2> $@.link.log || { cat $@.link.log; exit 1; }

deps:
	@sh packaging/install-deps.sh build

test-deps:
	@sh packaging/install-deps.sh build test cross

run: deps
	@$(MAKE) --no-print-directory all
	@# A FAILed check is a finding about this machine, not a failed build.
	-./$(BUILD)/sonde doctor

# `make test`: the whole suite, as CI runs it.  The builds use every core
# (the tests then run TEST_JOBS at a time).
BUILD_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# The sanitizer build runs beside the first pass and the fuzz runs beside
# the second, at low priority: those passes' tests mostly wait on their
# labs and leave a CPU idle a quarter of the time.
test: test-deps
	@$(MAKE) --no-print-directory -j$(BUILD_JOBS) all
	@nice -n 10 $(MAKE) --no-print-directory -j$(BUILD_JOBS) all SANITIZE=1 >$(BUILD)/sanitizer-build.log 2>&1 & asan=$$!; \
	  $(MAKE) --no-print-directory check; rc=$$?; \
	  wait $$asan || { echo "the sanitizer build failed:"; tail -40 $(BUILD)/sanitizer-build.log; exit 1; }; exit $$rc
	@nice -n 10 $(MAKE) --no-print-directory fuzz >$(BUILD)/fuzz.log 2>&1 & fuzz=$$!; \
	  $(MAKE) --no-print-directory check SANITIZE=1; rc=$$?; \
	  wait $$fuzz || rc=1; cat $(BUILD)/fuzz.log; exit $$rc

# Every JSON output the tests produce is recorded (tests/lab/json_record.sh)
# and validated against its applet's schema in docs/json/ once they have all
# run (tests/json.t, after the parallel prove, whatever its result).
JSON_RECORD := $(CURDIR)/$(BUILD)/json-record
check: all
	@rm -rf $(JSON_RECORD) && mkdir -m 1777 -p $(JSON_RECORD)
	SONDE=$(CURDIR)/$(BUILD)/sonde UNIT_DIR=$(CURDIR)/$(BUILD)/tests SANITIZE=$(SANITIZE) \
	  SONDE_JSON_RECORD=$(JSON_RECORD) prove -j$(TEST_JOBS) -f --timer $(CHECK_T); rc=$$?; \
	  SONDE_JSON_RECORD=$(JSON_RECORD) prove -f tests/json.t || rc=1; exit $$rc

unit: all
	SONDE=$(CURDIR)/$(BUILD)/sonde UNIT_DIR=$(CURDIR)/$(BUILD)/tests prove -f tests/unit.t

func: all
	SONDE=$(CURDIR)/$(BUILD)/sonde prove -j$(TEST_JOBS) -f --timer $(filter $(FUNC_T),$(SLOW_T)) \
	  $(filter-out $(SLOW_T),$(FUNC_T))

conformance: all
	SONDE=$(CURDIR)/$(BUILD)/sonde SANITIZE=$(SANITIZE) prove -f --timer $(CONFORMANCE_T)

# The libcore sources, one per line: the fuzz build (tests/fuzz/fuzz.t)
# compiles exactly these, so there is one list of them.
print-core-src:
	@printf '%s\n' $(CORE_SRC)

# Short coverage-guided runs of every fuzz target (clang + libFuzzer), as TAP.
fuzz:
	prove -f tests/fuzz/fuzz.t

bench: all
	@sh tests/bench/run.sh

# The binary only: links named nc, ping, iptables... would shadow the
# distribution's tools on $PATH, so they come only when asked for.
# make install: the stripped binary, its man pages and completions; no links
# (make install-links), since applet names would shadow the system's tools.
STRIP      ?= strip
# packaging/*.sh strip with it too (the host's strip cannot write aarch64).
export STRIP
install: $(BUILD)/sonde install-doc
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BUILD)/sonde $(DESTDIR)$(PREFIX)/bin/sonde
	$(STRIP) $(DESTDIR)$(PREFIX)/bin/sonde

# make install-links [DIR=...] [APPLETS="ping ss"]: links to the installed
# binary (every applet, or those named); existing files and links are left
# alone (sonde --install --force replaces them).
DIR ?= $(DESTDIR)$(PREFIX)/bin
install-links: install
	install -d $(DIR)
	$(DESTDIR)$(PREFIX)/bin/sonde --install $(DIR) $(APPLETS)

# --- delivery: man pages, completions, packages (packaging/) -------------------
# Man pages and completions come from the option tables (`sonde --describe`)
# and docs/; a cross build reads the tables from a binary this machine runs:
# its own, under qemu-user.
ifneq ($(CROSS_COMPILE),)
HOST_SONDE ?= $(BUILD)/sonde-host
$(BUILD)/sonde-host: $(BUILD)/sonde
	$(Q)printf '#!/bin/sh\n# sonde built for $(ARCH), run under qemu-user.\nexec $(QEMU_USER) "$(CURDIR)/$(BUILD)/sonde" "$$@"\n' > $@ && chmod +x $@
else
HOST_SONDE ?= $(BUILD)/sonde
endif
DOC_DIR    := $(BUILD)/doc
MAN_PAGES  := $(DOC_DIR)/man/sonde.1

$(DOC_DIR)/describe.json: $(HOST_SONDE)
	@mkdir -p $(dir $@)
	$(Q)$(HOST_SONDE) --describe > $@.tmp && mv $@.tmp $@

$(MAN_PAGES): $(DOC_DIR)/describe.json packaging/gendoc.py $(wildcard docs/*.md)
	@echo "  MAN     $(DOC_DIR)/man"
	$(Q)rm -rf $(DOC_DIR)/man && python3 packaging/gendoc.py man $< docs $(DOC_DIR)/man $(VERSION)

$(DOC_DIR)/completion/sonde.bash: $(DOC_DIR)/describe.json packaging/gendoc.py
	@mkdir -p $(dir $@)
	$(Q)python3 packaging/gendoc.py bash $< > $@

$(DOC_DIR)/completion/_sonde: $(DOC_DIR)/describe.json packaging/gendoc.py
	@mkdir -p $(dir $@)
	$(Q)python3 packaging/gendoc.py zsh $< > $@

.PHONY: man completion deb image dist
man: $(MAN_PAGES)
completion: $(DOC_DIR)/completion/sonde.bash $(DOC_DIR)/completion/_sonde

# Man pages and completions under PREFIX (make install's documentation part):
# share/man/man1, bash-completion's completions/sonde, zsh's site-functions/_sonde.
.PHONY: install-doc
install-doc: man completion
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 0644 $(DOC_DIR)/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 $(DOC_DIR)/completion/sonde.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/sonde
	install -m 0644 $(DOC_DIR)/completion/_sonde $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_sonde

# build/sonde_VERSION_ARCH.deb: /usr/bin/sonde, applet links in /usr/lib/sonde/bin
# only (never an applet name in PATH), man pages, completions, docs.
DEB_ARCH   ?= $(shell dpkg --print-architecture)
DEB_FILE   := $(BUILD)/sonde_$(VERSION)_$(DEB_ARCH).deb
deb: $(DEB_FILE)
$(DEB_FILE): $(BUILD)/sonde $(MAN_PAGES) $(DOC_DIR)/completion/sonde.bash $(DOC_DIR)/completion/_sonde \
	     packaging/mkdeb.sh packaging/third-party-licenses.sh README.md LICENSE
	@echo "  DEB     $@"
	$(Q)sh packaging/mkdeb.sh $(BUILD)/sonde $(DOC_DIR) $(VERSION) $(DEB_ARCH) $(BUILD) >/dev/null

# Release files in build/dist/: binary, relink and source archives, the kubectl
# plugin and its krew manifest (archives expected at DIST_URL), the .deb, a
# CycloneDX SBOM (also build/sonde-VERSION.sbom.json), SHA256SUMS.
DIST_DIR   := $(BUILD)/dist
DIST_URL   ?= file://$(CURDIR)/$(DIST_DIR)
dist: $(DEB_FILE)
	@echo "  DIST    $(DIST_DIR)"
	$(Q)rm -rf $(DIST_DIR) && mkdir -p $(DIST_DIR) && cp $(DEB_FILE) $(DIST_DIR)/
	$(Q)CC="$(CC)" LINK_FLAGS="$(ALL_LDFLAGS)" LINK_FIRST="$(LINK_FIRST)" LIBS="$(LIBS)" APPLET_OBJS="$(APPLET_OBJ)" \
	  sh packaging/mkdist.sh $(BUILD) $(DOC_DIR) $(VERSION) $(DEB_ARCH) $(DIST_DIR) $(DIST_URL) >/dev/null

# Container images FROM scratch (podman or buildah): build/sonde-image-ARCH.tar
# (sonde, its links, CA bundle, passwd) and build/sonde-image-debug-ARCH.tar
# (plus busybox for a shell), both for podman load and docker load.
# A cross build's debug image takes the static busybox of its architecture
# from Debian (apt-get download; the host's busybox-static is the host's).
ifneq ($(CROSS_COMPILE),)
IMAGE_BUSYBOX := $(BUILD)/busybox
$(BUILD)/busybox:
	$(Q)rm -rf $(BUILD)/busybox-deb && mkdir -p $(BUILD)/busybox-deb
	$(Q)cd $(BUILD)/busybox-deb && apt-get download -q busybox-static:$(ARCH) >/dev/null
	$(Q)dpkg-deb -x $(BUILD)/busybox-deb/busybox-static_*_$(ARCH).deb $(BUILD)/busybox-deb/root
	$(Q)cp $(BUILD)/busybox-deb/root/bin/busybox $@
IMAGE_ENV  := BUSYBOX=$(CURDIR)/$(BUILD)/busybox HOST_BUSYBOX=/bin/busybox
else
IMAGE_BUSYBOX :=
IMAGE_ENV  :=
endif
image: $(BUILD)/sonde $(HOST_SONDE) $(IMAGE_BUSYBOX)
	@echo "  IMAGE   $(BUILD)/sonde-image-$(DEB_ARCH).tar"
	$(Q)HOST_SONDE=$(HOST_SONDE) sh packaging/mkimage.sh $(BUILD)/sonde $(VERSION) $(DEB_ARCH) plain $(BUILD)/sonde-image-$(DEB_ARCH).tar >/dev/null
	@echo "  IMAGE   $(BUILD)/sonde-image-debug-$(DEB_ARCH).tar"
	$(Q)$(IMAGE_ENV) HOST_SONDE=$(HOST_SONDE) sh packaging/mkimage.sh $(BUILD)/sonde $(VERSION) $(DEB_ARCH) debug $(BUILD)/sonde-image-debug-$(DEB_ARCH).tar >/dev/null

# One OCI archive per flavour with the amd64 and arm64 images under one
# manifest list: build/sonde-image[-debug]-multiarch.tar (docs/packaging.md).
.PHONY: image-multiarch
image-multiarch:
	@$(MAKE) --no-print-directory image
	@$(MAKE) --no-print-directory ARCH=arm64 image
	@echo "  MANIFEST build/sonde-image-multiarch.tar"
	$(Q)sh packaging/mkmanifest.sh build/sonde-image-multiarch.tar localhost/sonde:$(VERSION)-multiarch \
	  localhost/sonde:$(VERSION) localhost/sonde:$(VERSION)-arm64 >/dev/null
	@echo "  MANIFEST build/sonde-image-debug-multiarch.tar"
	$(Q)sh packaging/mkmanifest.sh build/sonde-image-debug-multiarch.tar localhost/sonde:$(VERSION)-debug-multiarch \
	  localhost/sonde:$(VERSION)-debug localhost/sonde:$(VERSION)-debug-arm64 >/dev/null

clean:
	rm -rf build build-asan build-fuzz build-arm64

-include $(CORE_OBJ:.o=.d) $(APPLET_OBJ:.o=.d)
