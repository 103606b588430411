# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# An I2C fault storm while every driver of the card is in use (sourced by
# stress_i2c_storm.sh, not run):
#
#   storm_run SECONDS PERMILLE
#
# The simulator fails each transfer on the controller's bus with a chance
# of PERMILLE in 1000 (debugfs i2c_storm: NACK, timeout or late timeout,
# drawn at random) while these users run at once:
#   IIO     buffered capture at 20 Hz, and raw reads through sysfs (the
#           trigger's thread runs at real-time priority and takes the bus
#           before any task: at 100 Hz a guest under TCG has no bus time
#           left for the other users)
#   counter S0 pulse trains on IO1, a change-of-state event reader on the
#           counter chardev, count and signal reads
#   GPIO    edges on IO4 (monitor sessions that request the line's
#           interrupt again and again), P1_REQ switched by gpioset
#   M-Bus   the master supply switched on and off (smcardctl mbus power)
#   serial  serial_mode and rs485_termination written and read back
# Then the storm ends and every path must work again without a rebind.
# Asserted: no task hangs (every user stops within a bound when told to;
# no task sleeps uninterruptibly for STORM_HUNG_S seconds without being
# woken: the test kernel has no hung task detector, this is its check), a
# write reported as done reached the controller, a value read is the
# controller's, no register cached by regmap differs from the controller
# after the storm, and each path works after it.

. "$(dirname "${BASH_SOURCE[0]}")/card_lib.sh"
# iio_lib.sh's helpers (code, trig_dev, hrtimer_trigger, adc_dev)
. "$(dirname "${BASH_SOURCE[0]}")/../iio/iio_lib.sh"
# counter_lib.sh's (cnt_find, pulses, wait_count)
. "$(dirname "${BASH_SOURCE[0]}")/../counter/counter_lib.sh"

# stdio line-buffers a terminal: event readers show each event at once
PTYRUN=$(dirname "${BASH_SOURCE[0]}")/../iio/ptyrun
STORM_HUNG_S=${STORM_HUNG_S:-60}
# A user told to stop must have stopped by then (generous: a starved
# guest under TCG is slow, not hung)
STORM_STOP_S=${STORM_STOP_S:-180}
UV=5000000
UA=12000

# errors by errno text, from the users' error lines
storm_errors()
{
	grep -c "$1" "$T/errors" 2>/dev/null || true
}

# err PATH MESSAGE: one error that reached userspace
err() { printf '%s: %s\n' "$1" "$2" >> "$T/errors"; }
# bad PATH MESSAGE: a wrong value or state (must not happen)
bad() { printf '%s: %s\n' "$1" "$2" >> "$T/bad"; }

running() { [ ! -e "$T/stop" ]; }
# done_one USER: one more round of USER (the figures show how busy each was)
done_one() { echo -n . >> "$T/rounds.$1"; }
rounds() { local n; n=$(wc -c < "$T/rounds.$1" 2>/dev/null); echo "${n:-0}"; }

# read_err FILE: the value, or an error line and a failure
sysread()
{
	local out

	if out=$(get "$2" 2>&1); then
		printf '%s\n' "$out"
	else
		err "$1" "read ${2##*/}: ${out##*: }"
		return 1
	fi
}

# syswrite PATH VALUE FILE
syswrite()
{
	local out

	out=$( (echo "$2" > "$3") 2>&1) && return 0
	err "$1" "write ${3##*/}: ${out##*: }"
	return 1
}

user_adc()
{
	local v

	while running; do
		if v=$(sysread iio "$D/in_voltage${VOLT}_raw"); then
			[ "$v" = "$(code $UV $FS_UV)" ] || bad iio "in_voltage${VOLT}_raw $v"
		fi
		if v=$(sysread iio "$D/in_current${CUR}_raw"); then
			[ "$v" = "$(code $UA $FS_UA)" ] || bad iio "in_current${CUR}_raw $v"
		fi
		done_one iio
		sleep 0.1
	done
}

user_pulses()
{
	while running; do
		pulses 1 20 50 5000
	done
}

user_counter()
{
	while running; do
		sysread counter "$C/count" > /dev/null
		sysread counter "$SIG/signal" > /dev/null
		syswrite counter 1 "$C/enable"
		done_one counter
		sleep 0.1
	done
}

# monitor sessions: each requests IO4's edge interrupt (regmap-irq writes
# the enable and edge registers) and waits for 2 edges or 5 s
user_gpio()
{
	while running; do
		timeout 5 "$PTYRUN" gpiomon -c "$CHIP" -e both -n 2 -F %E IO4 \
			>> "$T/gpio.edges" 2>> "$T/gpio.err"
		done_one gpio
	done
}

user_toggle()
{
	local level=0

	while running; do
		level=$((1 - level))
		echo $level > "$SIM/io4/level"
		n=$((n + 1))
		done_one toggle
		sleep 0.05
	done
	echo 0 > "$SIM/io4/level"
}

user_p1()
{
	local v=0 out

	while running; do
		v=$((1 - v))
		if out=$(gpioset -c "$CHIP" -t 0 P1_REQ=$v 2>&1); then
			[ "$(cat "$SIM/p1_req")" = $v ] || bad gpio "P1_REQ=$v set, controller has $(cat "$SIM/p1_req")"
		else
			err gpio "gpioset: ${out##*: }"
		fi
		done_one p1
		sleep 0.1
	done
}

user_mbus()
{
	local v out

	while running; do
		for v in off on; do
			if out=$(smcardctl mbus power $v 2>&1); then
				[ "$(cat "$SIM/mbus_power")" = "$([ $v = on ] && echo 1 || echo 0)" ] ||
					bad mbus "power $v done, controller has $(cat "$SIM/mbus_power")"
			else
				err mbus "power $v: ${out##*: }"
			fi
			done_one mbus
			sleep 0.2
		done
	done
}

user_serial()
{
	local m t v

	while running; do
		for m in rs422 rs485-half rs485-full rs232; do
			if syswrite serial $m "$SER/serial_mode"; then
				[ "$(cat "$SIM/serial_mode")" = $m ] ||
					bad serial "serial_mode $m done, controller has $(cat "$SIM/serial_mode")"
			fi
			# what sysfs shows is what the controller has, failed write or not
			if v=$(sysread serial "$SER/serial_mode"); then
				[ "$v" = "$(cat "$SIM/serial_mode")" ] ||
					bad serial "serial_mode reads $v, controller has $(cat "$SIM/serial_mode")"
			fi
			t=$(((${#m} + 1) % 2))
			syswrite serial $t "$SER/rs485_termination"
			if v=$(sysread serial "$SER/rs485_termination"); then
				[ "$v" = "$(cat "$SIM/rs485_termination")" ] ||
					bad serial "rs485_termination reads $v, controller has $(cat "$SIM/rs485_termination")"
			fi
			done_one serial
			sleep 0.05
		done
	done
}

# The hung task check: every 5 s, the tasks (processes and kernel
# threads) in D state and their context switch counts; a task in D whose
# counts did not move sleeps in the same wait. A task is its PID and start
# time (a storm starts thousands of short processes, PIDs come round
# again). Writes the longest such sleep (s) to $T/dstate; a task that
# sleeps too long is reported once, with its kernel stack.
user_hung()
{
	local -A since sw told
	local t st n s key longest=0 now

	while running; do
		uptime_cs
		now=$UPTIME_CS
		local -A seen=()
		for t in /proc/[0-9]*; do
			{ read -r st < "$t/stat"; } 2>/dev/null || continue
			st=${st##*) }
			[ "${st%% *}" = D ] || continue
			# field 22 of stat, the start time: the 20th after the name
			read -r -a f <<< "$st"
			key=$t@${f[19]}
			n=$(awk '/ctxt_switches/ { s += $2 } END { print s }' "$t/status" 2>/dev/null)
			[ -n "$n" ] || continue
			seen[$key]=1
			if [ "${sw[$key]:-}" = "$n" ]; then
				s=$(((now - since[$key]) / 100))
				[ $s -gt $longest ] && longest=$s
				if [ $s -ge "$STORM_HUNG_S" ] && [ -z "${told[$key]:-}" ]; then
					told[$key]=1
					bad hung "$t ($(cat "$t/comm" 2>/dev/null)) in D for ${s}s: $(cat "$t/wchan" 2>/dev/null)"
					sed 's/^/    /' "$t/stack" >> "$T/hung.stacks" 2>/dev/null
				fi
			else
				sw[$key]=$n
				since[$key]=$now
			fi
		done
		for key in "${!sw[@]}"; do
			[ -n "${seen[$key]:-}" ] || unset "sw[$key]" "since[$key]"
		done
		echo $longest > "$T/dstate"
		sleep 5
	done
}

lines() { local n; n=$(wc -l < "$1" 2>/dev/null); echo "${n:-0}"; }
scans() { scan_count "$T/adc.out"; }
# event values seen by the counter event reader
events() { lines "$T/cnt.events"; }
last_event() { awk '{ for (i = 1; i < NF; i++) if ($i == "Data:") v = $(i + 1) } END { print v }' "$T/cnt.events"; }

# Cached registers of regmap (/sys/kernel/debug/regmap/DEV/registers)
# that differ from the controller's; the volatile ones are not compared
cache_diff()
{
	local map

	map=/sys/kernel/debug/regmap/$(basename "$(card_ioc)")/registers
	[ -r "$map" ] || { echo "no $map"; return; }
	awk 'function hex(s,   i, v) {
		v = 0
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	FNR == NR { if ($1 ~ /^[0-9a-f]+:$/) {
			a = hex(substr($1, 1, length($1) - 1))
			for (i = 2; i <= NF; i++) hw[a + i - 2] = $i }
		next }
	{
		a = hex(substr($1, 1, length($1) - 1))
		# 0x06-0x0a, 0x10, 0x15-0x16, 0x18-0x19, 0x1c-0x1f, 0x50-0x7f
		if ((a >= 6 && a <= 10) || a == 16 || a == 21 || a == 22 ||
		    a == 24 || a == 25 || (a >= 28 && a <= 31) ||
		    (a >= 80 && a <= 127))
			next
		if (hw[a] != $2) printf "%02x: cache %s controller %s\n", a, $2, hw[a]
	}' "$SIM/regs" "$map"
}

storm_setup()
{
	T=$(mktemp -d)
	D=$(adc_dev) || ktap_exit_fail_msg "no smcard-adc IIO device"
	cnt_setup 1
	SIG=$CNT/$(basename "$(ls "$C"/signal*_action)" _action)
	CHIP=$(gpiodetect | awk '$2 == "[smcard]" { print $1 }')
	[ -n "$CHIP" ] || ktap_exit_fail_msg "no smcard GPIO chip"
	SER=$(card_cell smcard-serial)
	[ -e "$SER/driver" ] || ktap_exit_fail_msg "smcard-serial not bound"
	smcardctl mbus list 2>/dev/null | grep -q '^mbus' ||
		ktap_exit_fail_msg "no M-Bus interface"

	adc_idle
	hrtimer_trigger i2c-storm 20 || ktap_exit_fail_msg "no hrtimer trigger"
	echo 100 > "$D/sampling_frequency"
	set_uv $UV
	set_ua $UA
	echo 0 > "$SIM/io4/level"
	echo 1 > "$C/enable"
	echo 1000000 > "$C/spike_filter_ns"
	echo 0 > "$C/count"
	echo 0 > "$SIM/mbus_loads"
	dmesg -c > /dev/null
	: > "$T/errors"
	: > "$T/bad"
}

storm_run()
{
	local seconds=$1 permille=$2 p pids=() names=() readers faults nack tmo late
	local xfers n before v ev stuck hung c failed

	storm_setup
	ktap_print_msg "storm of ${seconds}s, $permille permille of the transfers fail"

	timeout $((seconds + 900)) iio_generic_buffer -n smcard-adc -t i2c-storm \
		-a -c -1 -l 256 > "$T/adc.out" 2>&1 &
	ADC_PID=$!
	"$PTYRUN" counter_watch_events -n "${CNT_DEV#/dev/counter}" \
		-w "comp_count,scope_count,evt_change_of_state,chan=$CHAN,parent=$CHAN" \
		> "$T/cnt.events" 2> "$T/cnt.err" &
	CNT_PID=$!
	until_ok 60 waiting $CNT_PID
	until_ok 60 eval '[ "$(scans)" -ge 10 ]'

	for p in user_adc user_pulses user_counter user_gpio user_toggle \
		 user_p1 user_mbus user_serial user_hung; do
		$p &
		pids+=($!)
		names+=("$p")
	done

	sleep 1
	echo "$permille" > "$SIM/i2c_storm"
	sleep "$seconds"
	echo 0 > "$SIM/i2c_storm"
	read -r _ seed xfers nack tmo late < "$SIM/i2c_storm"
	faults=$((nack + tmo + late))
	ktap_print_msg "seed $seed: $xfers transfers, $faults failed ($nack NACK, $tmo timeout, $late late)"
	ok "the storm failed transfers in every mode" \
		eval '[ "$nack" -gt 0 ] && [ "$tmo" -gt 0 ] && [ "$late" -gt 0 ]'

	# --- hung tasks ---
	touch "$T/stop"
	until_ok "$STORM_STOP_S" gone "${pids[@]}"
	stuck=0
	for c in "${!pids[@]}"; do
		p=${pids[$c]}
		kill -0 "$p" 2>/dev/null || continue
		stuck=$((stuck + 1))
		for v in $p $(children "$p"); do
			ktap_print_msg "${names[$c]} still running: $v $(cat /proc/"$v"/comm) $(cat /proc/"$v"/wchan) $(cut -d' ' -f3 /proc/"$v"/stat)"
		done
	done
	check "every user stopped within ${STORM_STOP_S}s of the end" 0 "$stuck"
	grep '^hung' "$T/bad" | head -5 | sed 's/^/# /'
	[ -s "$T/hung.stacks" ] && head -60 "$T/hung.stacks" | sed 's/^/# /'
	hung=$(grep -c '^hung' "$T/bad")
	check "no task slept uninterruptibly for ${STORM_HUNG_S}s" 0 "$hung"

	# --- values ---
	grep -v '^hung' "$T/bad" | head -10 | sed 's/^/# /'
	check "no write reported done is missing in the controller, no value read differs" \
		0 "$(grep -vc '^hung' "$T/bad")"
	v=$(cache_diff)
	[ -z "$v" ] || ktap_print_msg "$v"
	check "regmap's cache holds the controller's registers after the storm" "" "$v"

	# --- recovery, without a rebind ---
	failed=$KTAP_CNT_FAIL
	before=$(scans)
	ok "IIO: the capture delivers scans after the storm" \
		until_ok 60 eval '[ "$(scans)" -ge $((before + 20)) ]'
	check "IIO: a raw read has the input" "$(code $UV $FS_UV)" \
		"$(get "$D/in_voltage${VOLT}_raw" 2>&1)"

	check "counter: the driver's count is the controller's" \
		"$(cat "$SIM/io1/count")" "$(wait_count "$C/count" "$(cat "$SIM/io1/count")")"
	n=$(cat "$SIM/io1/count")
	pulses 1 20 50 5000
	check "counter: 20 new pulses are counted" $((n + 20)) \
		"$(wait_count "$C/count" $((n + 20)))"
	until_ok 30 eval '[ "$(last_event)" = $((n + 20)) ]'
	check "counter: the event reader gets the new count" $((n + 20)) "$(last_event)"

	gpiomon -c "$CHIP" -e both -n 2 -F %E IO4 > "$T/gpio.after" &
	p=$!
	until_ok 60 waiting $p
	echo 1 > "$SIM/io4/level"
	until_ok 30 eval '[ "$(lines "$T/gpio.after")" -ge 1 ]'
	echo 0 > "$SIM/io4/level"
	until_ok 30 gone $p
	kill $p 2>/dev/null
	wait $p 2>/dev/null
	check "GPIO: a new monitor sees both edges of IO4" "rising falling" \
		"$(tr '\n' ' ' < "$T/gpio.after" | sed 's/ $//')"
	gpioset -c "$CHIP" -t 0 P1_REQ=1
	v=$(cat "$SIM/p1_req")
	gpioset -c "$CHIP" -t 0 P1_REQ=0
	check "GPIO: P1_REQ follows gpioset" "1 0" "$v $(cat "$SIM/p1_req")"

	smcardctl mbus power off > /dev/null 2>&1
	v=$(cat "$SIM/mbus_power")
	smcardctl mbus power on > /dev/null 2>&1
	check "M-Bus: the master supply switches off and on" "0 1" \
		"$v $(cat "$SIM/mbus_power")"

	echo rs485-half > "$SER/serial_mode"
	echo 1 > "$SER/rs485_termination"
	check "serial: the knobs reach the controller" "rs485-half 1" \
		"$(cat "$SIM/serial_mode") $(cat "$SIM/rs485_termination")"
	echo rs232 > "$SER/serial_mode"
	echo 0 > "$SER/rs485_termination"
	failed=$((KTAP_CNT_FAIL - failed))

	# the readers end when told to
	kill -INT $ADC_PID
	kill -TERM $CNT_PID
	readers=0
	until_ok 30 gone $ADC_PID $CNT_PID || readers=1
	kill -KILL $ADC_PID $CNT_PID 2>/dev/null
	wait $ADC_PID $CNT_PID 2>/dev/null
	check "the IIO and counter readers end when told to" 0 "$readers"
	ok "no task reported blocked in the kernel log" \
		eval '! dmesg | grep -q "blocked for more than"'
	ok "the buffer is disabled after the capture" \
		[ "$(cat "$D/buffer0/enable")" = 0 ]

	# --- figures ---
	ev=$(storm_errors .)
	ktap_print_msg "errors seen by the users: $(cut -d: -f1 "$T/errors" | sort | uniq -c | tr -s ' \n' ' ')"
	sed 's/^[a-z]*: //; s/^[a-z]* [a-z_0-9]*: //' "$T/errors" | sort | uniq -c | sort -rn |
		head -8 | sed 's/^/# /'
	figure "I2C fault storm" "storm duration (s)" "$seconds" ""
	figure "I2C fault storm" "transfers on the bus" "$xfers" ""
	figure "I2C fault storm" "faults injected (NACK/timeout/late)" \
		"$faults ($nack/$tmo/$late)" "$permille permille"
	figure "I2C fault storm" "hung tasks" "$((hung + stuck + readers))" 0
	figure "I2C fault storm" "longest uninterruptible sleep (s)" \
		"$(cat "$T/dstate" 2>/dev/null || echo 0)" "< $STORM_HUNG_S"
	figure "I2C fault storm" "errors reported to userspace" "$ev" ""
	figure "I2C fault storm" "... ENXIO / ETIMEDOUT / EIO" \
		"$(storm_errors 'No such device or address') / $(storm_errors 'timed out') / $(storm_errors 'I/O error')" ""
	figure "I2C fault storm" "wrong values or lost writes" \
		"$(grep -vc '^hung' "$T/bad")" 0
	figure "I2C fault storm" "rounds: IIO/counter/GPIO sessions/IO4 toggles/P1/M-Bus/serial" \
		"$(rounds iio)/$(rounds counter)/$(rounds gpio)/$(rounds toggle)/$(rounds p1)/$(rounds mbus)/$(rounds serial)" ""
	figure "I2C fault storm" "IIO scans / counter events / GPIO edges" \
		"$(scans) / $(events) / $(lines "$T/gpio.edges")" ""
	figure "I2C fault storm" "recovery without a rebind" \
		"$([ "$failed" = 0 ] && echo "all paths" || echo "$failed failed")" "all paths"
	rm -rf "$T"
}
