# SPDX-License-Identifier: GPL-2.0
#
# smcard: drivers, simulator, userspace and tests for the OPTION CloudGate
# Smart Metering Expansion Card.
#
#   make deps        install build and test dependencies (apt-get, idempotent)
#   make kernel      reference VM kernel (cached outside the tree)
#   make modules     the card's kernel modules, W=1, zero warnings
#   make userspace   host build and arm64 cross build
#   make dtbs        card overlay and reference board overlay
#   make vm          everything the reference VM needs (initramfs, DTB)
#   make check       all tests: host unit tests, then the VM tests
#   make demo        the main job: VM with the simulated card, meters, daemon
#   make bench       benchmarks
#   make stress      long runs (stress scripts, 10^7 inputs per fuzz target)
#                    with a table of figures; under 2 hours
#   make man         man pages (build/man)
#   make deb         Debian packages (build/deb): smcard-dkms, smcard, smcard-overlay

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
top := $(CURDIR)
B := $(top)/build
KARCH := ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
kdir = $(shell tools/vm/kernel)
# Several builds and VM runs may share this tree: build steps that write
# shared outputs take this lock.
locked = flock $(B)/.lock

all: modules userspace dtbs

deps:
	tools/deps

kernel: deps
	tools/vm/kernel >/dev/null

# The kernel's own tools (iio, gpio, counter) for the guest.
ktools: kernel
	@mkdir -p $(B)
	$(locked) tools/vm/build-ktools $(kdir) $(B)/ktools

modules: kernel
	@mkdir -p $(B)
	$(locked) $(MAKE) -C $(kdir) $(KARCH) M=$(top) W=1 modules 2>&1 | tee $(B)/modules.log
	@! grep -E 'warning:|error:' $(B)/modules.log || \
		{ echo "modules: warnings are errors" >&2; exit 1; }

userspace: deps
	@mkdir -p $(B)
	$(locked) $(MAKE) -C userspace
	$(locked) $(MAKE) -C userspace ARCH=arm64

dtbs: kernel
	@mkdir -p $(B)
	$(locked) tools/vm/build-dtbs $(kdir) $(B)/dts

# In-guest selftests, built against the test kernel's uapi headers.
guest-selftests: kernel userspace
	$(locked) tools/vm/build-selftests $(dir $(kdir))headers $(B)/selftests

vm: modules userspace dtbs ktools guest-selftests
	$(locked) tools/vm/mkinitramfs $(kdir) $(B)/vm

check: deps
	tools/check

demo: deps
	tools/demo

bench: deps
	tools/bench

stress: deps
	tools/stress

man: deps
	$(MAKE) -C man O=$(B)/man

deb: deps
	tools/deb $(B)/deb

clean:
	rm -rf $(B)
	find drivers selftests/modules \( -name '*.o' -o -name '*.ko' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name '.*.cmd' -o -name modules.order \) -delete
	rm -f Module.symvers modules.order

.PHONY: all deps kernel ktools modules userspace dtbs guest-selftests vm check demo \
	bench stress man deb clean
