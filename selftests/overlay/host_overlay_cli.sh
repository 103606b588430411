#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# smcardctl overlay on the host: the packaged overlay (dts/smcard.dtso) is
# exactly what the tool writes from the description in its header; written
# overlays compile and validate against the bindings (dt-schema); bad
# descriptions are refused with a message naming the problem, and nothing
# is written. The boots of generated overlays are host_overlay_boot.sh.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/include/ktap_helpers.sh"

ctl=$top/build/userspace/host/bin/smcardctl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# refuse EXPECTED-REGEX SETTING...: exit status 2, the message, no file.
refused()
{
	local want=$1 rc
	shift
	"$ctl" overlay -o "$tmp/bad.dtso" "$@" >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" = 2 ] && grep -Eq "$want" "$tmp/out" && [ ! -e "$tmp/bad.dtso" ]; then
		ktap_test_pass "refused: $* ($(head -1 "$tmp/out" | cut -c1-90))"
	else
		ktap_print_msg "status $rc, expected 2 and /$want/: $(cat "$tmp/out")"
		ktap_test_fail "refused: $*"
	fi
	rm -f "$tmp/bad.dtso"
}

bad=(
	"pins io1..io5|io6=s0"
	"'pwm' is not a function of the card's pins; a pin is one of: disabled, digital-in|io2=pwm"
	"io1 is described twice|io1=s0 io1=current"
	"io1 and io2 have the same label 'meter'|io1=s0,label=meter io2=current,label=meter"
	"io1 and io2 have the same label 'IO1'|io1=s0 io2=current,label=IO1"
	"io3: a voltage pin has no input filter|io3=voltage,debounce=30ms"
	"steps of 100 us|io1=s0,debounce=150us"
	"exceeds the controller's 6553 ms|io4=digital-in,debounce=7s"
	"not a time|io1=s0,debounce=fast"
	"a disabled pin has nothing connected|io2=disabled,label=spare"
	"the card's IO controller|i2c=hdc1080@0x28"
	"both at address 0x40|i2c=hdc1080 i2c=si7020"
	"unknown sensor 'bme680'|i2c=bme680"
	"outside 0x03..0x77|i2c=tmp102@0x78"
	"only printable ASCII without|io1=s0,label=a\"b"
	"longer than 31 characters|io1=s0,label=an unreasonably long label for a pin"
	"unknown option 'colour=red'|io1=s0,colour=red"
	"unknown setting|uart=rs485"
)

ktap_print_header
if [ ! -x "$ctl" ]; then
	ktap_skip_all "no host smcardctl (make userspace)"
	exit 4
fi
ktap_set_plan $((${#bad[@]} + 6))

# 1. The packaged overlay is the tool's output for its own description.
if "$ctl" overlay --from "$top/dts/smcard.dtso" >"$tmp/regen.dtso" 2>"$tmp/err" &&
	diff -u "$top/dts/smcard.dtso" "$tmp/regen.dtso" >"$tmp/diff"; then
	ktap_test_pass "dts/smcard.dtso is smcardctl overlay's output for its description"
else
	cat "$tmp/err" "$tmp/diff" | head -30 | sed 's/^/# /'
	ktap_test_fail "dts/smcard.dtso is smcardctl overlay's output (regenerate: smcardctl overlay --from dts/smcard.dtso -o dts/smcard.dtso)"
fi

# 2. It compiles and validates; the install places are printed.
if "$ctl" overlay --from "$top/dts/smcard.dtso" -o "$tmp/smcard.dtso" >"$tmp/out" 2>&1 &&
	[ -s "$tmp/smcard.dtbo" ] && grep -q '^Valid against the bindings' "$tmp/out" &&
	grep -q "dtoverlay=smcard" "$tmp/out" && grep -q "fdtoverlays /boot/overlays/smcard.dtbo" "$tmp/out"; then
	ktap_test_pass "the packaged description compiles, validates (dt-schema) and names the install places"
else
	sed 's/^/# /' "$tmp/out"
	ktap_test_fail "the packaged description compiles, validates and names the install places"
fi

# 3. Every function, filters, labels with commas, sensors, aliases.
all=(io1=disabled "io2=digital-in,debounce=20ms,label=door, back" io3=4-20ma
	"io4=s0,debounce=60ms,label=heat pump" io5=od,label=valve
	i2c=bme280 i2c=tmp102@0x49 "i2c=ti,hdc2010@0x41")
if "$ctl" overlay -o "$tmp/all.dtso" --json "${all[@]}" >"$tmp/json" 2>"$tmp/out" &&
	grep -q '^Valid against the bindings' "$tmp/out" &&
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (len(d["pins"]) == 5 and d["pins"][3]["debounce_us"] == 60000 and d["pins"][1]["label"] == "door, back" and len(d["i2c"]) == 3 and d["validated"] is True))' "$tmp/json"; then
	ktap_test_pass "every function, filters, labels, sensors: valid, JSON summary"
else
	sed 's/^/# /' "$tmp/out" "$tmp/json"
	ktap_test_fail "every function, filters, labels, sensors: valid, JSON summary"
fi

# 4. A description from a file, with comments, gives the same overlay as
# the same settings as arguments.
printf '%s\n' "# the card in the boiler room" "${all[@]}" "" > "$tmp/desc"
if "$ctl" overlay -f "$tmp/desc" >"$tmp/file.dtso" 2>"$tmp/out" &&
	"$ctl" overlay "${all[@]}" >"$tmp/args.dtso" 2>>"$tmp/out" &&
	cmp -s "$tmp/file.dtso" "$tmp/args.dtso"; then
	ktap_test_pass "a description file gives the same overlay as arguments"
else
	sed 's/^/# /' "$tmp/out"
	ktap_test_fail "a description file gives the same overlay as arguments"
fi

# 5. Validation is real: against bindings that do not allow open drain,
# the same description fails with the finding.
cp -r "$top/Documentation/devicetree/bindings" "$tmp/bindings"
sed -i 's/enum: \[0, 1, 2, 3, 4, 5, 6\]/enum: [0, 1, 2, 3, 4, 5]/' \
	"$tmp/bindings/mfd/option,smcard-ioc.yaml"
"$ctl" overlay -o "$tmp/v.dtso" --bindings "$tmp/bindings" io5=open-drain >"$tmp/out" 2>&1
rc=$?
if [ "$rc" = 1 ] && grep -q "6 is not one of \[0, 1, 2, 3, 4, 5\]" "$tmp/out"; then
	ktap_test_pass "a binding the overlay breaks: exit 1 with dt-validate's finding"
else
	ktap_print_msg "status $rc: $(cat "$tmp/out")"
	ktap_test_fail "a binding the overlay breaks: exit 1 with dt-validate's finding"
fi

# 6. Without dtc the source is still written, with a hint.
mkdir -p "$tmp/nodtc"
ln -s "$(command -v dirname)" "$tmp/nodtc/dirname"
if PATH=$tmp/nodtc "$ctl" overlay -o "$tmp/nodtc.dtso" io1=s0 >"$tmp/out" 2>&1 &&
	[ -s "$tmp/nodtc.dtso" ] && [ ! -e "$tmp/nodtc.dtbo" ] && grep -q 'dtc is not installed' "$tmp/out"; then
	ktap_test_pass "without dtc: the source is written and compiling it is explained"
else
	sed 's/^/# /' "$tmp/out"
	ktap_test_fail "without dtc: the source is written and compiling it is explained"
fi

for c in "${bad[@]}"; do
	want=${c%%|*}
	read -r -a settings <<< "${c#*|}"
	case $c in
	*label=a\"b) settings=('io1=s0,label=a"b') ;;
	*"an unreasonably"*) settings=("io1=s0,label=an unreasonably long label for a pin") ;;
	esac
	refused "$want" "${settings[@]}"
done
ktap_finished
