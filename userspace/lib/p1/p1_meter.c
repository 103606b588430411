// SPDX-License-Identifier: GPL-2.0
/*
 * A small physical model of a household connection behind a P1 meter, and
 * the telegrams such a meter writes (DSMR 5.0.2 or the Swedish companion
 * standard, as a Sagemcom XS211 speaks it). Loads and solar production
 * wander, energy registers integrate the net power over time, so values
 * read from consecutive telegrams relate the way a real meter's do.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "p1.h"

static uint64_t next_u64(struct p1_meter *m)
{
	/* splitmix64: good enough spread from any seed, including 0 */
	uint64_t z = (m->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [-1, 1). */
static double noise(struct p1_meter *m)
{
	return (double)(next_u64(m) >> 11) / (double)(1ull << 52) - 1.0;
}

static int64_t local_time(int64_t utc)
{
	return utc + (p1_time_is_summer(utc) ? 7200 : 3600);
}

/* DSMR tariff: 1 (low) nights and weekends, 2 (normal) otherwise. */
static int tariff(const struct p1_meter *m)
{
	int64_t local = local_time(m->now);
	int64_t days = local / 86400;
	int hour = (int)(local / 3600 % 24);
	int wday = (int)((days + 4) % 7);	/* 1970-01-01 was a Thursday */

	if (m->flavour == P1_METER_SWEDISH)
		return 1;
	return (hour >= 23 || hour < 7 || wday == 0 || wday == 6) ? 1 : 2;
}

/* Clear-sky solar curve for the local hour, W. */
static double solar_target(const struct p1_meter *m)
{
	double h = (double)(local_time(m->now) % 86400) / 3600.0;
	double s = sin(M_PI * (h - 6.0) / 14.0);

	return h > 6.0 && h < 20.0 ? 3500.0 * s * s : 0.0;
}

void p1_meter_init(struct p1_meter *m, enum p1_meter_flavour flavour,
		   uint64_t seed, int64_t now)
{
	memset(m, 0, sizeof(*m));
	m->flavour = flavour;
	m->rng = seed;
	m->now = now;
	m->import_kwh[0] = 4000.0 + 2000.0 * (noise(m) + 1.0);
	m->import_kwh[1] = 3000.0 + 2000.0 * (noise(m) + 1.0);
	m->export_kwh[0] = 500.0 + 200.0 * (noise(m) + 1.0);
	m->export_kwh[1] = 800.0 + 300.0 * (noise(m) + 1.0);
	m->reactive_import_kvarh = 100.0 + 50.0 * (noise(m) + 1.0);
	m->reactive_export_kvarh = 900.0 + 100.0 * (noise(m) + 1.0);
	for (int i = 0; i < 3; i++) {
		m->load_w[i] = 250.0 + 150.0 * noise(m);
		m->reactive_var[i] = 0.15 * m->load_w[i];
		m->voltage_v[i] = 231.0 + 2.0 * noise(m);
	}
	m->solar_w = solar_target(m) * 0.7;
	m->gas_m3 = 2000.0 + 1000.0 * (noise(m) + 1.0);
	m->gas_flow_m3h = 0.1;
	m->gas_reading = m->gas_m3;
	m->gas_time = now - now % 300;
}

double p1_meter_phase_w(const struct p1_meter *m, int phase)
{
	return m->load_w[phase] - m->solar_w / 3.0;
}

double p1_meter_current_a(const struct p1_meter *m, int phase)
{
	double p = p1_meter_phase_w(m, phase), q = m->reactive_var[phase];

	return sqrt(p * p + q * q) / m->voltage_v[phase];
}

/* Mean-reverting random walk: x drifts to @target with spread @sd. */
static double wander(struct p1_meter *m, double x, double target, double rate,
		     double sd, double dt)
{
	return x + (target - x) * fmin(1.0, rate * dt) + sd * sqrt(dt) * noise(m);
}

static void integrate(struct p1_meter *m, double dt)
{
	double net = 0.0, q = 0.0;
	int t = tariff(m) - 1;

	for (int i = 0; i < 3; i++) {
		net += p1_meter_phase_w(m, i);
		q += m->reactive_var[i];
	}
	if (net >= 0)
		m->import_kwh[t] += net * dt / 3.6e6;
	else
		m->export_kwh[t] -= net * dt / 3.6e6;
	if (q >= 0)
		m->reactive_import_kvarh += q * dt / 3.6e6;
	else
		m->reactive_export_kvarh -= q * dt / 3.6e6;
	m->gas_m3 += m->gas_flow_m3h * dt / 3600.0;
}

void p1_meter_step(struct p1_meter *m, double dt)
{
	integrate(m, dt);

	for (int i = 0; i < 3; i++) {
		m->load_w[i] = wander(m, m->load_w[i], 400.0, 0.02, 120.0, dt);
		/* an appliance switching on now and then */
		if (noise(m) > 1.0 - dt / 300.0)
			m->load_w[i] += 1500.0 + 500.0 * noise(m);
		m->load_w[i] = fmin(fmax(m->load_w[i], 20.0), 7000.0);
		m->reactive_var[i] = wander(m, m->reactive_var[i],
					    0.15 * m->load_w[i] - 40.0, 0.1,
					    20.0, dt);
		m->voltage_v[i] = wander(m, m->voltage_v[i],
					 232.0 - 0.003 * p1_meter_phase_w(m, i),
					 0.2, 0.5, dt);
	}
	m->solar_w = fmax(0.0, wander(m, m->solar_w, solar_target(m) * 0.8,
				      0.05, 150.0, dt));
	m->gas_flow_m3h = fmin(fmax(wander(m, m->gas_flow_m3h, 0.3, 0.01,
					   0.05, dt), 0.0), 6.0);

	m->frac += dt;
	m->now += (int64_t)m->frac;
	m->frac -= floor(m->frac);

	/* DSMR 5 gas meters report the value of the last 5-minute boundary */
	if (m->now - m->gas_time >= 300) {
		m->gas_time = m->now - m->now % 300;
		m->gas_reading = m->gas_m3;
	}
}

struct out {
	char *buf;
	size_t size, len;
	bool full;
};

static void __attribute__((format(printf, 2, 3)))
put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len)
		o->full = true;
	else
		o->len += (size_t)n;
}

static void put_phases(struct out *o, const struct p1_meter *m, bool swedish)
{
	static const int base[3] = { 20, 40, 60 };

	for (int i = 0; i < 3; i++) {
		double p = p1_meter_phase_w(m, i);

		put(o, "1-0:%d.7.0(%06.3f*kW)\r\n", base[i] + 1,
		    p > 0 ? p / 1000 : 0.0);
	}
	for (int i = 0; i < 3; i++) {
		double p = p1_meter_phase_w(m, i);

		put(o, "1-0:%d.7.0(%06.3f*kW)\r\n", base[i] + 2,
		    p < 0 ? -p / 1000 : 0.0);
	}
	if (swedish) {
		for (int i = 0; i < 3; i++)
			put(o, "1-0:%d.7.0(%08.3f*kvar)\r\n", base[i] + 3,
			    fmax(m->reactive_var[i], 0.0) / 1000);
		for (int i = 0; i < 3; i++)
			put(o, "1-0:%d.7.0(%08.3f*kvar)\r\n", base[i] + 4,
			    fmax(-m->reactive_var[i], 0.0) / 1000);
	}
	for (int i = 0; i < 3; i++)
		put(o, "1-0:%d.7.0(%05.1f*V)\r\n", base[i] + 12,
		    m->voltage_v[i]);
	for (int i = 0; i < 3; i++) {
		if (swedish)
			put(o, "1-0:%d.7.0(%05.1f*A)\r\n", base[i] + 11,
			    p1_meter_current_a(m, i));
		else
			put(o, "1-0:%d.7.0(%03.0f*A)\r\n", base[i] + 11,
			    p1_meter_current_a(m, i));
	}
}

static double net_w(const struct p1_meter *m)
{
	return p1_meter_phase_w(m, 0) + p1_meter_phase_w(m, 1) +
	       p1_meter_phase_w(m, 2);
}

static void put_dsmr5(struct out *o, const struct p1_meter *m,
		      const char *now)
{
	char gas_time[14];
	double p = net_w(m);

	p1_time_format(m->gas_time, gas_time);
	put(o, "/SMC5\\2P1-METER DSMR5\r\n\r\n");
	put(o, "1-3:0.2.8(50)\r\n");
	put(o, "0-0:1.0.0(%s)\r\n", now);
	put(o, "0-0:96.1.1(4E4F54415245414C4D45544552303031)\r\n");
	for (int t = 0; t < 2; t++)
		put(o, "1-0:1.8.%d(%010.3f*kWh)\r\n", t + 1, m->import_kwh[t]);
	for (int t = 0; t < 2; t++)
		put(o, "1-0:2.8.%d(%010.3f*kWh)\r\n", t + 1, m->export_kwh[t]);
	put(o, "0-0:96.14.0(%04d)\r\n", tariff(m));
	put(o, "1-0:1.7.0(%06.3f*kW)\r\n", p > 0 ? p / 1000 : 0.0);
	put(o, "1-0:2.7.0(%06.3f*kW)\r\n", p < 0 ? -p / 1000 : 0.0);
	put(o, "0-0:96.7.21(%05u)\r\n", m->power_failures);
	put(o, "0-0:96.7.9(00000)\r\n");
	put(o, "1-0:99.97.0(0)(0-0:96.7.19)\r\n");
	put(o, "1-0:32.32.0(00000)\r\n1-0:52.32.0(00000)\r\n1-0:72.32.0(00000)\r\n");
	put(o, "1-0:32.36.0(00000)\r\n1-0:52.36.0(00000)\r\n1-0:72.36.0(00000)\r\n");
	put(o, "0-0:96.13.0()\r\n");
	put_phases(o, m, false);
	put(o, "0-1:24.1.0(003)\r\n");
	put(o, "0-1:96.1.0(4E4F54415245414C4741534D4554455231)\r\n");
	put(o, "0-1:24.2.1(%s)(%09.3f*m3)\r\n", gas_time, m->gas_reading);
}

static void put_swedish(struct out *o, const struct p1_meter *m,
			const char *now)
{
	double p = net_w(m);
	double q = m->reactive_var[0] + m->reactive_var[1] + m->reactive_var[2];

	put(o, "/SMC5\\2P1-METER XS211\r\n\r\n");
	put(o, "0-0:1.0.0(%s)\r\n", now);
	put(o, "1-0:1.8.0(%012.3f*kWh)\r\n", m->import_kwh[0] + m->import_kwh[1]);
	put(o, "1-0:2.8.0(%012.3f*kWh)\r\n", m->export_kwh[0] + m->export_kwh[1]);
	put(o, "1-0:3.8.0(%012.3f*kvarh)\r\n", m->reactive_import_kvarh);
	put(o, "1-0:4.8.0(%012.3f*kvarh)\r\n", m->reactive_export_kvarh);
	put(o, "1-0:1.7.0(%08.3f*kW)\r\n", p > 0 ? p / 1000 : 0.0);
	put(o, "1-0:2.7.0(%08.3f*kW)\r\n", p < 0 ? -p / 1000 : 0.0);
	put(o, "1-0:3.7.0(%08.3f*kvar)\r\n", q > 0 ? q / 1000 : 0.0);
	put(o, "1-0:4.7.0(%08.3f*kvar)\r\n", q < 0 ? -q / 1000 : 0.0);
	put_phases(o, m, true);
}

long p1_meter_telegram(const struct p1_meter *m, char *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size };
	char now[14];
	uint16_t crc;

	p1_time_format(m->now, now);
	if (m->flavour == P1_METER_SWEDISH)
		put_swedish(&o, m, now);
	else
		put_dsmr5(&o, m, now);
	put(&o, "!");
	if (o.full)
		return -ENOSPC;
	crc = p1_crc16(0, buf, o.len);
	put(&o, "%04X\r\n", crc);
	return o.full ? -ENOSPC : (long)o.len;
}
