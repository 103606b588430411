// SPDX-License-Identifier: GPL-2.0
// smcardd's page: polls the JSON API and fills the tables. Values are
// written with textContent only, never parsed as HTML.
'use strict';

const POLL_MS = 2000;
const HISTORY_MS = 30000;
let series = {};
let lastHistory = 0;

// A kiosk or bookmark may carry the token as #token=...; it is moved to
// this tab's session storage and taken out of the address bar.
if (location.hash.startsWith('#token=')) {
	sessionStorage.setItem('smcard-token', decodeURIComponent(location.hash.slice(7)));
	history.replaceState(null, '', location.pathname);
}

function token() {
	return sessionStorage.getItem('smcard-token') || '';
}

async function api(path, options = {}) {
	const headers = options.headers || {};
	if (token())
		headers.Authorization = 'Bearer ' + token();
	const r = await fetch(path, { ...options, headers, cache: 'no-store' });
	if (r.status === 401) {
		document.getElementById('login').hidden = false;
		throw new Error('authentication required');
	}
	const body = await r.json();
	if (!r.ok)
		throw new Error(body.error || r.statusText);
	return body;
}

function cell(row, text, cls) {
	const td = row.insertCell();
	td.textContent = text === undefined || text === null ? '' : String(text);
	if (cls)
		td.className = cls;
	return td;
}

function fill(id, rows) {
	const tbody = document.querySelector('#' + id + ' tbody');
	tbody.replaceChildren();
	for (const r of rows) {
		const tr = tbody.insertRow();
		r(tr);
	}
}

function fmt(v) {
	if (typeof v === 'number') {
		if (Number.isInteger(v))
			return String(v);
		const s = v.toPrecision(6);
		/* trailing zeros of a fraction only (not of 120000, not of 1e+21) */
		return /\.\d*$/.test(s) ? s.replace(/\.?0+$/, '') : s;
	}
	if (typeof v === 'boolean')
		return v ? 'yes' : 'no';
	if (v === null)
		return '—';
	if (typeof v === 'object')
		return JSON.stringify(v);
	return String(v);
}

function age(s) {
	if (s === undefined)
		return 'none yet';
	if (s < 90)
		return Math.round(s) + ' s ago';
	if (s < 5400)
		return Math.round(s / 60) + ' min ago';
	return Math.round(s / 3600) + ' h ago';
}

function sparkline(points) {
	const ns = 'http://www.w3.org/2000/svg';
	const svg = document.createElementNS(ns, 'svg');
	svg.setAttribute('class', 'spark');
	svg.setAttribute('viewBox', '0 0 120 24');
	if (!points || points.length < 2)
		return svg;
	const t0 = points[0][0], t1 = points[points.length - 1][0];
	let lo = Infinity, hi = -Infinity;
	for (const p of points) {
		lo = Math.min(lo, p[1]);
		hi = Math.max(hi, p[1]);
	}
	const line = document.createElementNS(ns, 'polyline');
	line.setAttribute('points', points.map(p => {
		const x = t1 > t0 ? (p[0] - t0) / (t1 - t0) * 118 + 1 : 60;
		const y = hi > lo ? 23 - (p[1] - lo) / (hi - lo) * 22 : 12;
		return x.toFixed(1) + ',' + y.toFixed(1);
	}).join(' '));
	svg.appendChild(line);
	return svg;
}

const cardRows = [
	['firmware_version', 'Firmware'], ['abi_version', 'Register map ABI'],
	['power_source', 'Power source'], ['mbus_bus', 'M-Bus interface'],
	['mbus_role', 'M-Bus role'], ['mbus_power', 'M-Bus bus power'],
	['mbus_baud', 'M-Bus baud rate'], ['mbus_voltage_v', 'M-Bus voltage (V)'],
	['mbus_over_current', 'M-Bus over-current'], ['mbus_frames_tx', 'M-Bus frames sent'],
	['mbus_frames_rx', 'M-Bus frames received'], ['mbus_timeouts', 'M-Bus timeouts'],
	['mbus_collisions', 'M-Bus collisions'], ['mbus_bad_frames', 'M-Bus bad frames'],
	['serial_mode', 'Serial mode'], ['rs485_termination', 'RS485 termination'],
];

function showStatus(st) {
	document.getElementById('node').textContent = st.node;
	const card = st.card || {};
	const rows = cardRows.filter(([k]) => k in card).map(([k, name]) => tr => {
		cell(tr, name);
		cell(tr, fmt(card[k]), 'num');
	});
	const sinks = st.sinks || {};
	rows.push(tr => { cell(tr, 'MQTT'); cell(tr, sinks.mqtt, sinks.mqtt); });
	if ('spool_pending' in sinks)
		rows.push(tr => { cell(tr, 'Readings waiting for the broker'); cell(tr, sinks.spool_pending, 'num'); });
	fill('card', rows);

	fill('pins', (st.pins || []).map(p => tr => {
		cell(tr, p.name);
		cell(tr, p.function);
		cell(tr, p.label);
		cell(tr, 'value' in p ? fmt(p.value) + ' ' + p.unit : '', 'num');
		cell(tr, p.state);
	}));

	fill('sources', (st.sources || []).map(s => tr => {
		cell(tr, s.kind + ' ' + s.name);
		cell(tr, s.state, s.state);
		cell(tr, age(s.age_s));
		cell(tr, s.error ? s.error + ' (retry in ' + s.retry_in_s + ' s)' : '');
	}));

	const outputs = (st.values || []).filter(v => v.settable);
	document.getElementById('outputs-section').hidden = st.read_only || !outputs.length;
	fill('outputs', outputs.map(v => tr => {
		const name = v.topic.split('/').pop();
		cell(tr, name);
		const td = tr.insertCell();
		for (const state of ['ON', 'OFF']) {
			const b = document.createElement('button');
			b.textContent = state;
			b.addEventListener('click', () => setOutput(name, state));
			td.appendChild(b);
		}
	}));
}

function showReadings(readings, st) {
	const base = st.base + '/';
	const units = {};
	for (const v of st.values || [])
		units[v.topic + '#' + v.key] = v;
	const rows = [];
	for (const topic of Object.keys(readings).sort()) {
		const sub = topic.startsWith(base) ? topic.slice(base.length) : topic;
		for (const [key, value] of Object.entries(readings[topic])) {
			/* when and which reading: the Last reading column says it */
			if (key === 'time' || key === 'id')
				continue;
			const meta = units[sub + '#' + key] || {};
			rows.push(tr => {
				cell(tr, sub);
				cell(tr, meta.name || key);
				cell(tr, fmt(value), 'num');
				cell(tr, meta.unit);
				tr.insertCell().appendChild(sparkline(series[sub + '#' + key]));
			});
		}
	}
	fill('readings', rows);
}

async function setOutput(name, state) {
	try {
		await api('/api/outputs/' + encodeURIComponent(name), { method: 'POST', body: state });
	} catch (e) {
		alert(name + ': ' + e.message);
	}
	refresh();
}

async function refresh() {
	const conn = document.getElementById('conn');
	try {
		if (Date.now() - lastHistory > HISTORY_MS) {
			const h = await api('/api/history');
			series = {};
			for (const s of h.series)
				series[s.topic + '#' + s.key] = s.points;
			lastHistory = Date.now();
		}
		const [st, readings] = await Promise.all([api('/api/status'), api('/api/readings')]);
		showStatus(st);
		showReadings(readings, st);
		conn.textContent = 'live · ' + new Date(st.time).toLocaleTimeString();
		conn.className = 'state up';
	} catch (e) {
		conn.textContent = 'not updating: ' + e.message;
		conn.className = 'state error';
	}
}

document.getElementById('login').addEventListener('submit', e => {
	e.preventDefault();
	sessionStorage.setItem('smcard-token', document.getElementById('token').value);
	document.getElementById('login').hidden = true;
	lastHistory = 0;
	refresh();
});

refresh();
setInterval(refresh, POLL_MS);
