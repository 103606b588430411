#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The controller's interrupt line raised from both CPUs at once: a writer
# pinned to each CPU switches the card between battery and mains and trips
# the M-Bus supply's over-current latch, as fast as the simulator takes it,
# for IRQ_RACE_SECONDS (default 30). The line's edges must be handled on
# both CPUs with the kernel staying up and clean (it handled a hwirq with
# no descriptor when two raises met), and afterwards each supply event
# still reaches its handler.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/card_lib.sh"

secs=${IRQ_RACE_SECONDS:-30}
cpus=$(nproc)

# count NAME [CPU]: interrupts of the line with the handler NAME in
# /proc/interrupts, on CPU (0-based) or on all of them. The controller's
# line is shared by the core's two interrupt chips ("smcard, smcard-adc").
count()
{
	awk -v name="$1" -v cpu="${2:--1}" -v n="$cpus" '
		$NF == name || index($0, " " name ", ") {
			s = 0
			for (i = 2; i <= n + 1; i++)
				if (cpu < 0 || i == cpu + 2)
					s += $i
			print s; exit
		}' /proc/interrupts
}

# writer CPU: supply events from CPU until the deadline
writer()
{
	local end=$((SECONDS + secs))

	while [ "$SECONDS" -lt "$end" ]; do
		echo 1 > "$SIM/mbus_overcurrent"
		echo 1 > "$SIM/battery"
		echo 0 > "$SIM/battery"
	done
}

ktap_print_header
if [ "$cpus" -lt 2 ]; then
	ktap_skip_all "one CPU: no two raises can meet"
	exit "$KSFT_SKIP"
fi
ktap_set_plan 3

line0=$(count smcard 0)
line1=$(count smcard 1)
for cpu in 0 1; do
	taskset -c "$cpu" bash -c "$(declare -f writer); SIM=$SIM secs=$secs writer" &
done
wait
d0=$(($(count smcard 0) - line0))
d1=$(($(count smcard 1) - line1))
ktap_print_msg "$secs s: edges handled on CPU0 $d0, on CPU1 $d1"
ok "edges raised on both CPUs were handled ($d0 + $d1)" \
	eval '[ "$d0" -gt 100 ] && [ "$d1" -gt 100 ]'
echo 0 > "$SIM/battery"

power=$(count power-source)
echo 1 > "$SIM/battery"
ok "a switch to battery still reaches the power-source handler" \
	until_ok 5 eval '[ "$(count power-source)" -gt "$power" ]'
echo 0 > "$SIM/battery"

oc=$(count mbus-overcurrent)
echo 1 > "$SIM/mbus_overcurrent"
ok "an over-current still reaches the M-Bus supply's handler" \
	until_ok 5 eval '[ "$(count mbus-overcurrent)" -gt "$oc" ]'
ktap_finished
