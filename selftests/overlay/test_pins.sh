#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Whatever overlay the guest booted: every pin has the devices its function
# in the device tree calls for, and nothing else. Per pin IO1..IO5:
#  - the IO controller's FUNC register holds the function code;
#  - GPIO line IOn: input for digital-in, output for push-pull and open
#    drain, otherwise held by the kernel (not in the valid mask);
#  - IIO (smcard-adc): in_voltageN_* for voltage, in_currentN_* for current,
#    with the pin's label;
#  - counter (smcard-counter): a signal IOn and a count named by the label
#    for S0 and digital-in pins, in pin order.
# host_overlay_boot.sh boots overlays that rotate every function over every
# pin and runs this test in each.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../card/card_lib.sh"

names=(disabled digital-in voltage current s0 digital-out open-drain)
base=/sys/firmware/devicetree/base
ioc=$(dirname "$(grep -l -x 'option,smcard-ioc' $base/*/*/io-controller@*/compatible \
	$base/*/io-controller@*/compatible 2>/dev/null | head -1)")
[ -d "$ioc" ] || ktap_exit_fail_msg "no option,smcard-ioc node in the device tree"

# Function and label of pin N from its channel@N node (none: disabled, IOn).
func=()
label=()
for n in 1 2 3 4 5; do
	node=$ioc/channel@$n
	func[n]=0
	label[n]=IO$n
	if [ -f "$node/option,pin-function" ]; then
		func[n]=$((16#$(od -An -tx1 "$node/option,pin-function" | tr -d ' \n')))
	fi
	[ -f "$node/label" ] && label[n]=$(tr -d '\0' < "$node/label")
done

gpioinfo=$(gpioinfo 2>/dev/null | awk '/ lines:$/ { on = 0 } /"P1_REQ"/ { on = 1 } on')
gpio_line() { grep -F "\"$1\"" <<< "$gpioinfo"; }
iio=
for d in /sys/bus/iio/devices/iio:device*; do
	[ "$(cat "$d/name" 2>/dev/null)" = smcard-adc ] && iio=$d
done
cnt=
for d in /sys/bus/counter/devices/counter*; do
	case $(cat "$d/name" 2>/dev/null) in smcard-counter*) cnt=$d ;; esac
done

ktap_print_header
ktap_set_plan 20

k=0	# index of the next count / signal
for n in 1 2 3 4 5; do
	f=${func[n]}
	what="IO$n (${names[f]:-function $f})"

	check "$what: controller FUNC register" "$(printf %02x "$f")" \
		"$(sim_reg $((0x20 + 8 * (n - 1))))"

	line=$(gpio_line "IO$n")
	case $f in
	1) want=input ;;
	5|6) want=output ;;
	*) want=kernel ;;
	esac
	got=$(awk '{ if (/consumer="kernel"/) print "kernel"; else if (/output/) print "output"; else if (/input/) print "input" }' <<< "$line")
	check "$what: GPIO line IO$n is $want" "$want" "$got"

	case $f in
	2) ch=voltage ;;
	3) ch=current ;;
	*) ch= ;;
	esac
	if [ -n "$ch" ]; then
		if [ -n "$iio" ] && [ -r "$iio/in_${ch}${n}_raw" ] &&
			[ "$(cat "$iio/in_${ch}${n}_label")" = "${label[n]}" ]; then
			ktap_test_pass "$what: IIO in_${ch}${n}_raw, label '${label[n]}'"
		else
			ktap_print_msg "iio device '$iio': $(ls "$iio" 2>/dev/null | grep -E "^in_.*${n}_" | tr '\n' ' ')"
			ktap_test_fail "$what: IIO in_${ch}${n}_raw, label '${label[n]}'"
		fi
	elif [ -n "$iio" ] && ls "$iio" | grep -Eq "^in_(voltage|current)${n}_"; then
		ktap_test_fail "$what: no IIO channel (has $(ls "$iio" | grep -E "^in_(voltage|current)${n}_raw"))"
	else
		ktap_test_pass "$what: no IIO channel"
	fi

	if [ "$f" = 1 ] || [ "$f" = 4 ]; then
		sig=$(cat "$cnt/signal$k/name" 2>/dev/null)
		name=$(cat "$cnt/count$k/name" 2>/dev/null)
		if [ "$sig" = "IO$n" ] && [ "$name" = "${label[n]}" ]; then
			ktap_test_pass "$what: counter count$k '${label[n]}' on signal IO$n"
		else
			ktap_print_msg "counter '$cnt': count$k '$name', signal$k '$sig'"
			ktap_test_fail "$what: counter count$k '${label[n]}' on signal IO$n"
		fi
		k=$((k + 1))
	elif [ -n "$cnt" ] && grep -qx "IO$n" "$cnt"/signal*/name 2>/dev/null; then
		ktap_test_fail "$what: no counter signal (but IO$n is one)"
	else
		ktap_test_pass "$what: no counter signal"
	fi
done
ktap_finished
