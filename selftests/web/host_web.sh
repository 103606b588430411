#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# smcardd's web page and API, end to end: the daemon runs in the VM on the
# simulated card (web_guest.sh), its ports are forwarded to the host's
# loopback, and the host checks the API with curl, the metrics with
# promtool, authentication, limits and malformed requests, and the page
# itself in headless Chromium (DOM and a screenshot, kept in
# build/web/web.png), with three browsers open while readings flow.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/include/ktap_helpers.sh"
W=$(mktemp -d /tmp/smcard-web.XXXXXX)
art=$top/build/web
mkdir -p "$art"
vm=
browsers=()
cleanup()
{
	close_browsers
	touch "$W/done"
	[ -n "$vm" ] && wait "$vm" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

free_port()
{
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# curl's status code for a request; extra arguments go to curl.
code() { curl -s -o "$W/body" -w '%{http_code}' --max-time 10 "$@"; }
ok() { if eval "$1"; then ktap_test_pass "$2"; else ktap_test_fail "$2"; fi; }
jq_py() { python3 -c "import json,sys; d=json.load(open('$W/body')); $1"; }
readings() { grep -c '^smcard/web/' "$W/mqtt.log"; }

chromium_flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
	--disable-background-networking --disable-component-update --disable-sync)
chromium_run()
{
	chromium "${chromium_flags[@]}" --user-data-dir="$(mktemp -d "$W/chrome.XXXXXX")" \
		"$@" 2>>"$W/chromium.log"
}

# A browser that keeps the page open, in a process group of its own:
# chromium leaves its main process, renderers and crash handlers behind
# when only the shell that started it is killed, and those keep their
# connections to the daemon open.
open_browser()
{
	setsid chromium "${chromium_flags[@]}" --user-data-dir="$(mktemp -d "$W/chrome.XXXXXX")" \
		"$@" >/dev/null 2>>"$W/chromium.log" &
	browsers+=($!)
}

close_browsers()
{
	local b

	for b in "${browsers[@]}"; do
		kill -- -"$b" 2>/dev/null
	done
	wait "${browsers[@]}" 2>/dev/null
	browsers=()
}

ktap_print_header
ktap_set_plan 25

token=$(head -c 24 /dev/urandom | base64 | tr '+/' '-_')
password=$(head -c 12 /dev/urandom | base64 | tr '+/' '-_')
echo "$token" > "$W/token"
echo "$password" > "$W/password"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
	-keyout "$W/key.pem" -out "$W/cert.pem" >/dev/null 2>&1
pa=$(free_port)
pb=$(free_port)
A=http://127.0.0.1:$pa
B=https://127.0.0.1:$pb

"$top/tools/vm/run" --no-build --share "$W" --forward "$pa:8080" --forward "$pb:8443" \
	--timeout 900 "bash /usr/lib/smcard/selftests/web/web_guest.sh /mnt/share $(date +%s)" \
	> "$W/vm.log" 2>&1 &
vm=$!
for _ in $(seq 600); do
	[ -e "$W/ready" ] || ! kill -0 "$vm" 2>/dev/null && break
	sleep 0.5
done
if [ "$(cat "$W/ready" 2>/dev/null)" != 7 ]; then
	ktap_print_msg "kinds of reading seen: $(cat "$W/ready" 2>/dev/null || echo none); guest $(kill -0 "$vm" 2>/dev/null && echo running || echo stopped)"
	for f in vm.log a.log mqtt.log; do
		[ -e "$W/$f" ] && tail -20 "$W/$f" | sed "s/^/# $f: /"
	done
	ktap_exit_fail_msg "the guest's daemon did not publish every kind of reading"
fi

# --- the API ----------------------------------------------------------------
ok '[ "$(code "$A/")" = 200 ] && grep -q "<title>smcard</title>" "$W/body"' \
	"GET / serves the page without credentials"
ok '[ "$(code "$A/api/status")" = 401 ] && curl -s -D - -o /dev/null "$A/api/status" | grep -qi "^WWW-Authenticate: Bearer"' \
	"GET /api/status without the token: 401 with a Bearer challenge"
ok '[ "$(code -H "Authorization: Bearer wrong-token-0123456789" "$A/api/status")" = 401 ]' \
	"a wrong token: 401"
auth=(-H "Authorization: Bearer $token")
code "${auth[@]}" "$A/api/status" >/dev/null
ok 'jq_py "
p = {x[\"name\"]: x for x in d[\"pins\"]}
assert p[\"IO1\"][\"function\"] == \"S0 counter\" and p[\"IO1\"][\"value\"] > 0
assert p[\"IO2\"][\"function\"] == \"4-20 mA\" and abs(p[\"IO2\"][\"value\"] - 12) < 0.01
assert p[\"IO3\"][\"function\"] == \"0-10 V\" and abs(p[\"IO3\"][\"value\"] - 6) < 0.01
assert p[\"IO4\"][\"function\"] == \"digital in\" and p[\"IO4\"][\"state\"] == \"high\"
assert p[\"IO5\"][\"function\"] == \"open-drain out\"
"' "status: the five pins with function and value (IO2 12 mA, IO3 6 V, IO4 high)"
ok 'jq_py "
c = d[\"card\"]
assert c[\"power_source\"] == \"mains\" and \"firmware_version\" in c
assert c[\"mbus_baud\"] > 0 and c[\"serial_mode\"]
assert all(s[\"state\"] == \"up\" for s in d[\"sources\"]), d[\"sources\"]
# the periodic ones read recently; inputs and outputs publish on change
assert all(s[\"age_s\"] < 30 for s in d[\"sources\"] if s[\"kind\"] in (\"p1\", \"status\", \"analog\", \"counter\")), d[\"sources\"]
"' "status: the card (firmware, power, M-Bus, serial) and every source up with a recent reading"

code "${auth[@]}" "$A/api/readings" >/dev/null
ok 'python3 - "$W/body" "$W/mqtt.log" <<"PY"
import json, sys
api = json.load(open(sys.argv[1]))
mqtt = {}
for line in open(sys.argv[2]):
    topic, _, payload = line.rstrip("\n").partition(" ")
    mqtt.setdefault(topic, []).append(payload)
assert len(api) >= 7, api.keys()
for topic, payload in api.items():
    # the API holds a payload the broker carried
    assert payload in [json.loads(p) for p in mqtt[topic]], topic
PY' "GET /api/readings: the same payloads as MQTT, for every topic"

code "${auth[@]}" "$A/api/history" >/dev/null
ok 'jq_py "assert d[\"span_s\"] == 3600 and any(s[\"topic\"] == \"analog/pressure\" and s[\"points\"] for s in d[\"series\"])"' \
	"GET /api/history: series for the sparklines"

code "${auth[@]}" "$A/metrics" >/dev/null
cp "$W/body" "$art/metrics.txt"
ok 'promtool check metrics < "$W/body" > "$W/promtool.log" 2>&1 || { sed "s/^/# /" "$W/promtool.log" | head -20; false; }' \
	"GET /metrics passes promtool check metrics"
ok 'grep -q "^smcard_source_up{source=\"p1\",name=\"p1\"} 1" "$W/body" && grep -Eq "^smcard_energy_joules_total\{source=\"counter\",name=\"s0\"" "$W/body" && grep -q "^# TYPE smcard_energy_joules_total counter" "$W/body"' \
	"metrics: source health, and a meter total as a unit-suffixed counter"

# --- writes -----------------------------------------------------------------
ok '[ "$(code -X POST --data ON "$A/api/outputs/valve")" = 401 ]' \
	"POST /api/outputs/valve without the token: 401"
ok '[ "$(code "${auth[@]}" -X POST --data ON "$A/api/outputs/valve")" = 200 ]' \
	"POST /api/outputs/valve ON with the token: 200"
ok 'for _ in $(seq 20); do code "${auth[@]}" "$A/api/readings" >/dev/null; jq_py "assert d[\"smcard/web/output/valve\"][\"state\"] in (\"ON\", 1, True)" 2>/dev/null && break; sleep 0.5; done; jq_py "assert d[\"smcard/web/output/valve\"][\"state\"] in (\"ON\", 1, True)"' \
	"the valve's reading shows it on"
ok '[ "$(code "${auth[@]}" -X POST --data MAYBE "$A/api/outputs/valve")" = 400 ] && [ "$(code "${auth[@]}" -X POST --data ON "$A/api/outputs/nosuch")" = 404 ]' \
	"a bad state: 400; an unknown output: 404"
ok '[ "$(code "${auth[@]}" -X POST --data "$(printf "%0200d" 1)" "$A/api/outputs/valve")" = 413 ]' \
	"a 200-byte body: 413"

# --- malformed and unknown --------------------------------------------------
ok '[ "$(code "${auth[@]}" "$A/nosuch")" = 404 ] && [ "$(code "${auth[@]}" -X DELETE "$A/api/status")" = 405 ]' \
	"an unknown path: 404; DELETE: 405"
ok 'python3 - "$pa" <<"PY"
import socket, sys
def ask(req):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
    s.sendall(req)
    return s.recv(64).split(b"\r\n")[0]
assert ask(b"GET /api/status\r\n\r\n").endswith(b" 400 Bad Request")
assert ask(b"GET /api/status HTTP/1.1\r\nHost: x\r\nBad header line\r\n\r\n").split()[1] == b"400"
assert ask(b"GET /api/status HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n").split()[1] == b"431"
PY' "malformed requests: 400; a 70 kB header: 431"

# --- limits and slow clients ------------------------------------------------
# Seven idle connections and one that trickles a byte every 0.3 s fill
# max_connections (8); a ninth is turned away, and once they close
# requests are served again. The daemon keeps publishing all along.
before=$(readings)
python3 - "$pa" "$W" <<'PY' &
import os, socket, sys, time
port, w = int(sys.argv[1]), sys.argv[2]
idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(7)]
slow = socket.create_connection(("127.0.0.1", port))
open(w + "/idle", "w").close()
request = b"GET /api/status HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 1000
for i in range(200):
    if os.path.exists(w + "/close"):
        break
    slow.sendall(request[i:i + 1])
    time.sleep(0.3)
for s in idle + [slow]:
    s.close()
PY
trickle=$!
for _ in $(seq 40); do [ -e "$W/idle" ] && break; sleep 0.25; done
sleep 1
ok '[ "$(code "${auth[@]}" "$A/api/status")" = 000 ]' \
	"connections beyond max_connections are turned away"
touch "$W/close"
wait "$trickle"
ok 'for _ in $(seq 20); do [ "$(code "${auth[@]}" "$A/api/status")" = 200 ] && break; sleep 0.5; done; [ "$(code "${auth[@]}" "$A/api/status")" = 200 ]' \
	"served again once they close"
after=$(readings)
ok '[ $((after - before)) -ge 5 ]' \
	"readings kept flowing while the server was full ($((after - before)) published)"

# --- HTTPS, basic auth, read-only (daemon B) ---------------------------------
ok '[ "$(code -k "$B/api/status")" = 401 ] && curl -sk -D - -o /dev/null "$B/api/status" | grep -qi "^WWW-Authenticate: Basic"' \
	"HTTPS with basic auth: 401 and a Basic challenge without credentials"
ok '[ "$(code -k -u "admin:$password" "$B/api/status")" = 200 ] && [ "$(code -k -u "admin:$password" -X POST --data ON "$B/api/outputs/valve")" = 403 ] && [ "$(code -k -u "admin:nope" "$B/api/status")" = 401 ]' \
	"HTTPS: the right password 200, a wrong one 401, a write 403 (read-only)"

# --- the page in a browser ---------------------------------------------------
# a sparkline needs two points, one per 30 s step of the history
for _ in $(seq 90); do
	code "${auth[@]}" "$A/api/history" >/dev/null
	jq_py "assert any(s[\"topic\"] == \"analog/pressure\" and len(s[\"points\"]) >= 2 for s in d[\"series\"])" 2>/dev/null && break
	sleep 1
done
chromium_run --virtual-time-budget=10000 --dump-dom "$A/#token=$token" > "$W/dom.html"
ok 'python3 - "$W/dom.html" <<"PY"
import re, sys
html = open(sys.argv[1]).read()
rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
cells = [re.findall(r"<td[^>]*>(.*?)</td>", r, re.S) for r in rows]
pins = {c[0]: c for c in cells if c and re.fullmatch(r"IO[1-5]", c[0])}
def near(text, want, unit):
    value, _, u = text.partition(" ")
    return abs(float(value) - want) < 0.01 and u == unit
assert pins["IO2"][1] == "4-20 mA" and near(pins["IO2"][3], 12, "mA"), pins["IO2"]
assert pins["IO3"][1] == "0-10 V" and near(pins["IO3"][3], 6, "V"), pins["IO3"]
assert pins["IO4"][4] == "high" and pins["IO5"][1] == "open-drain out"
values = {(c[0], c[1]): c for c in cells if len(c) >= 4}
p = values[("analog/pressure", "pressure")]
assert abs(float(p[2]) - 5) < 0.01 and p[3] == "bar", p
assert any(c[0] == "p1" for c in cells if c)
assert "<polyline" in html
PY' "Chromium shows the pin table and the live readings with units (pressure 5 bar)"
chromium_run --virtual-time-budget=10000 --window-size=1280,1700 \
	--screenshot="$art/web.png" "$A/#token=$token" >/dev/null
ok '[ -s "$art/web.png" ] && file "$art/web.png" | grep -q "PNG image data, 1280 x 1700"' \
	"a screenshot of the page ($art/web.png)"

# Three browsers keep the page open for 20 s: the daemon keeps its pace.
before=$(readings)
t0=$SECONDS
for _ in 1 2 3; do
	open_browser --remote-debugging-port=0 "$A/#token=$token"
done
sleep 20
during=$(( $(readings) - before ))
close_browsers
# the browsers' connections may still count for a moment
for _ in $(seq 20); do
	[ "$(code "${auth[@]}" "$A/metrics")" = 200 ] && break
	sleep 0.5
done
polls=$(sed -n 's/^smcard_http_requests_total //p' "$W/body")
ok '[ "$during" -ge 15 ] && [ "${polls:-0}" -ge 30 ]' \
	"three open pages ($((SECONDS - t0)) s, ${polls:-0} requests so far): $during readings published meanwhile"

touch "$W/done"
wait "$vm"
rc=$?
vm=
ok '[ "$rc" = 0 ] && [ "$(cat "$W/a.status" 2>/dev/null)" = 0 ] && [ "$(cat "$W/io5")" = 1 ]' \
	"the daemon stops cleanly, the valve is still on, the guest's kernel log is clean (run status $rc)"
ktap_finished
