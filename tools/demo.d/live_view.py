#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The demo's live view: reads the guest's console (tools/demo.d/guest.sh
prints "MQTT TOPIC PAYLOAD", "LOG LINE", "END ..." lines) on stdin and
draws a table of the latest reading per topic, with the units that Home
Assistant discovery announced; on a terminal it redraws in place."""
import json, os, sys, time

tty = sys.stdout.isatty()
latest = {}      # topic -> (payload dict, arrival)
units = {}       # (state_topic, key) -> unit from Home Assistant discovery
names = {}
logs = []
last_draw = 0.0
started = time.time()
order = ["p1", "mbus", "modbus", "counter", "analog", "digital", "output", "status"]

def fmt(v):
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return ("%.3f" % v).rstrip("0").rstrip(".") if abs(v) < 1e6 else "%.1f" % v
    return str(v)

SKIP = {"time", "units", "unit", "input_unit", "meter_time", "secondary", "manufacturer",
        "medium", "status", "address", "datetime", "tariff", "mbus_bus"}

def row(topic, p):
    parts = topic.split("/")[2:]
    kind = parts[0]
    name = "/".join(parts)
    vals = []
    if "value" in p and "unit" in p:
        s = "%s %s" % (fmt(p["value"]), p["unit"])
        if "input" in p:
            s += "  (%s %s)" % (fmt(p["input"]), p.get("input_unit", ""))
        if "pulses" in p:
            s += "  (%s pulses)" % p["pulses"]
        vals.append(s)
    elif "state" in p:
        vals.append(str(p["state"]))
    else:
        u = p.get("units", {})
        for k, v in p.items():
            if k in SKIP or k.endswith("_max") or "_s" in k and k.split("_s")[-1][:1].isdigit():
                continue
            if kind == "p1" and (k.startswith("power_l") or k.startswith("current_l") or
                                 k.startswith("export_t") or k.startswith("import_t")):
                continue
            if isinstance(v, (dict, list)) or isinstance(v, str) and kind != "status":
                continue
            unit = u.get(k) or units.get((topic, k), "")
            vals.append("%s %s%s" % (k, fmt(v), " " + unit if unit else ""))
    extra = ""
    if kind == "mbus":
        extra = "%s %s, " % (p.get("manufacturer", ""), p.get("medium", "").replace("_", " "))
    return kind, name, extra, vals

def draw(final=False):
    global last_draw
    last_draw = time.time()
    out = []
    if tty and not final:
        out.append("\033[H\033[2J")
    out.append("smcardd on the simulated card: %d topic(s), %ds  (Ctrl-C stops)\n" %
               (len(latest), int(time.time() - started)))
    out.append("%-18s %-9s %s\n" % ("SOURCE", "AGE", "READING"))
    rows = []
    for topic, (p, t) in latest.items():
        kind, name, extra, vals = row(topic, p)
        rows.append((order.index(kind) if kind in order else 99, name, t, extra, vals))
    for _, name, t, extra, vals in sorted(rows):
        age = "%ds" % int(time.time() - t)
        line = extra + ", ".join(vals)
        width = 100
        first = True
        while line or first:
            chunk = line[:width]
            if len(line) > width:
                cut = chunk.rfind(", ")
                if cut > 20:
                    chunk = line[:cut + 1]
            out.append("%-18s %-9s %s\n" % (name if first else "", age if first else "", chunk.strip()))
            line = line[len(chunk):].strip()
            first = False
    if logs:
        out.append("\nsmcardd log (last lines):\n")
        for l in logs[-6:]:
            out.append("  " + l[:118] + "\n")
    sys.stdout.write("".join(out))
    if not tty or final:
        sys.stdout.write("\n")
    sys.stdout.flush()


def feed(line):
    """One console line of the guest."""
    line = line.rstrip("\r\n")
    if line.startswith("MQTT "):
        topic, _, payload = line[5:].partition(" ")
        if topic.startswith("homeassistant/"):
            try:
                c = json.loads(payload)
                k = c.get("value_template", "").replace("{{ value_json.", "").replace(" }}", "")
                if c.get("unit_of_measurement"):
                    units[(c["state_topic"], k)] = c["unit_of_measurement"]
            except ValueError:
                pass
            return
        if topic.endswith("/availability") or topic.endswith("/set"):
            return
        try:
            latest[topic] = (json.loads(payload), time.time())
        except ValueError:
            pass
    elif line.startswith("LOG "):
        logs.append(line[4:].replace("smcardd: ", ""))
    elif line.startswith("END "):
        draw(final=True)
        print("demo: " + line[4:] + " published; all of them are in /tmp/smcardd.jsonl in the guest")
        return
    elif line.startswith("demo: ") or line.startswith("run: "):
        print(line)
    if time.time() - last_draw >= (3 if tty else 15):
        draw()


def main():
    try:
        for line in sys.stdin:
            feed(line)
    except KeyboardInterrupt:
        # Ctrl-C: the run is stopped as a whole; show what arrived so far
        draw(final=True)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
