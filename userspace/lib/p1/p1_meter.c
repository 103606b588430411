// SPDX-License-Identifier: GPL-2.0
/*
 * A small physical model of a household connection behind a P1 meter, and
 * the telegrams such a meter writes: DSMR 5.0.2, the Swedish companion
 * standard, or everything a Sagemcom XS211 measures (its datasheet:
 * imported and exported active energy, reactive energy in four quadrants,
 * apparent energy, eight tariffs, power, voltage, current, average power
 * over the integration period and maximum demand, a breaker, power
 * failure and voltage dip records), single phase as the XS211 is, or the
 * same object set on three phases. Loads and solar production wander,
 * registers integrate the powers over time, so values read from
 * consecutive telegrams relate the way a real meter's do.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "p1.h"

#define DEMAND_PERIOD	900	/* s: e-MUCS and XS211 integrate 15 minutes */

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

static int64_t local_time(const struct p1_meter *m)
{
	return m->now + p1_tz_offset(m->tz, m->now);
}

static bool xs211(const struct p1_meter *m)
{
	return m->flavour == P1_METER_XS211 || m->flavour == P1_METER_XS211_3PH;
}

/*
 * DSMR: tariff 1 (low) nights and weekends, 2 (normal) otherwise. XS211:
 * eight registers, four bands of the day in winter (November to March)
 * and four in summer. Swedish: one register.
 */
int p1_meter_tariff(const struct p1_meter *m)
{
	int64_t local = local_time(m);
	int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	int hour = (int)((local - days * 86400) / 3600);
	int wday = (int)(((days + 4) % 7 + 7) % 7);	/* 1970-01-01: Thursday */
	int yday = (int)(((days % 365) + 365) % 365);	/* close enough for seasons */

	switch (m->flavour) {
	case P1_METER_SWEDISH:
		return 1;
	case P1_METER_DSMR5:
		return (hour >= 23 || hour < 7 || wday == 0 || wday == 6) ? 1 : 2;
	default:
		return (yday >= 90 && yday < 304 ? 5 : 1) + hour / 6;
	}
}

/* Clear-sky solar curve for the local hour, W over all phases. */
static double solar_target(const struct p1_meter *m)
{
	double h = (double)(((local_time(m) % 86400) + 86400) % 86400) / 3600.0;
	double s = sin(M_PI * (h - 6.0) / 14.0);
	double peak = m->phases == 1 ? 1500.0 : 3500.0;

	return h > 6.0 && h < 20.0 ? peak * s * s : 0.0;
}

void p1_meter_init(struct p1_meter *m, enum p1_meter_flavour flavour,
		   uint64_t seed, int64_t now, const struct p1_tz *tz)
{
	memset(m, 0, sizeof(*m));
	m->flavour = flavour;
	m->tz = tz;
	m->phases = flavour == P1_METER_XS211 ? 1 : 3;
	m->rng = seed;
	m->now = now;
	m->import_kwh[0] = 4000.0 + 2000.0 * (noise(m) + 1.0);
	m->import_kwh[1] = 3000.0 + 2000.0 * (noise(m) + 1.0);
	m->export_kwh[0] = 500.0 + 200.0 * (noise(m) + 1.0);
	m->export_kwh[1] = 800.0 + 300.0 * (noise(m) + 1.0);
	m->reactive_kvarh[0] = 100.0 + 50.0 * (noise(m) + 1.0);
	m->reactive_kvarh[3] = 900.0 + 100.0 * (noise(m) + 1.0);
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
	if (xs211(m)) {
		for (int t = 2; t < P1_TARIFFS; t++) {
			m->import_kwh[t] = 500.0 + 500.0 * (noise(m) + 1.0);
			m->export_kwh[t] = 50.0 + 50.0 * (noise(m) + 1.0);
		}
		m->reactive_kvarh[1] = 5.0 + 5.0 * (noise(m) + 1.0);
		m->reactive_kvarh[2] = 5.0 + 5.0 * (noise(m) + 1.0);
	}
	for (int t = 0; t < P1_TARIFFS; t++) {
		m->apparent_kvah[0] += m->import_kwh[t] * 1.04;
		m->apparent_kvah[1] += m->export_kwh[t] * 1.01;
	}
	/* a few outages in the months before, newest first */
	for (int i = 0; i < P1_METER_FAILURES; i++) {
		m->failure_end[i] = now - (int64_t)(i + 1) * 37 * 86400 -
				    (int64_t)(43200 * (noise(m) + 1.0));
		m->failure_s[i] = (uint32_t)(240 + 3000 * (noise(m) + 1.0));
	}
	m->long_failures = P1_METER_FAILURES;
	m->power_failures = P1_METER_FAILURES + 3;
	for (unsigned int i = 0; i < m->phases; i++) {
		m->sags[i] = 1 + i;
		m->swells[i] = i;
	}
	m->breaker = 1;
	m->demand_start = now - now % DEMAND_PERIOD;
	m->demand_w = m->load_w[0] * m->phases;
	m->peak_w = 2500.0 + 1000.0 * (noise(m) + 1.0);
	m->peak_time = now - (now % 86400) / 2 - 86400;
}

double p1_meter_phase_w(const struct p1_meter *m, int phase)
{
	if ((unsigned int)phase >= m->phases)
		return 0.0;
	return m->load_w[phase] - m->solar_w / m->phases;
}

double p1_meter_current_a(const struct p1_meter *m, int phase)
{
	double p = p1_meter_phase_w(m, phase), q = m->reactive_var[phase];

	if ((unsigned int)phase >= m->phases)
		return 0.0;
	return sqrt(p * p + q * q) / m->voltage_v[phase];
}

static double net_w(const struct p1_meter *m)
{
	return p1_meter_phase_w(m, 0) + p1_meter_phase_w(m, 1) +
	       p1_meter_phase_w(m, 2);
}

static double net_var(const struct p1_meter *m)
{
	double q = 0.0;

	for (unsigned int i = 0; i < m->phases; i++)
		q += m->reactive_var[i];
	return q;
}

/* Mean-reverting random walk: x drifts to @target with spread @sd. */
static double wander(struct p1_meter *m, double x, double target, double rate,
		     double sd, double dt)
{
	return x + (target - x) * fmin(1.0, rate * dt) + sd * sqrt(dt) * noise(m);
}

/* Quadrant of (P, Q): I +P+Q, II -P+Q, III -P-Q, IV +P-Q; 0-based. */
static int quadrant(double p, double q)
{
	if (q >= 0)
		return p >= 0 ? 0 : 1;
	return p >= 0 ? 3 : 2;
}

static void integrate(struct p1_meter *m, double dt)
{
	double p = net_w(m), q = net_var(m);
	int t = p1_meter_tariff(m) - 1;

	if (p >= 0)
		m->import_kwh[t] += p * dt / 3.6e6;
	else
		m->export_kwh[t] -= p * dt / 3.6e6;
	m->reactive_kvarh[quadrant(p, q)] += fabs(q) * dt / 3.6e6;
	m->apparent_kvah[p >= 0 ? 0 : 1] += hypot(p, q) * dt / 3.6e6;
	m->gas_m3 += m->gas_flow_m3h * dt / 3600.0;
	m->demand_sum_j += fmax(p, 0.0) * dt;
}

/* Close the demand period when it is over; a new month starts a new peak. */
static void demand(struct p1_meter *m)
{
	int64_t end = m->demand_start + DEMAND_PERIOD;
	int64_t y0, y1;

	if (m->now < end)
		return;
	m->demand_w = m->demand_sum_j / DEMAND_PERIOD;
	/* months by 30.44 days are enough to restart the peak now and then */
	y0 = (int64_t)((double)m->peak_time / 2629800.0);
	y1 = (int64_t)((double)end / 2629800.0);
	if (y0 != y1 || m->demand_w > m->peak_w) {
		m->peak_w = m->demand_w;
		m->peak_time = end;
	}
	m->demand_sum_j = 0;
	m->demand_start = m->now - m->now % DEMAND_PERIOD;
}

void p1_meter_step(struct p1_meter *m, double dt)
{
	integrate(m, dt);

	for (unsigned int i = 0; i < m->phases; i++) {
		m->load_w[i] = wander(m, m->load_w[i], 400.0, 0.02, 120.0, dt);
		/* an appliance switching on now and then */
		if (noise(m) > 1.0 - dt / 300.0)
			m->load_w[i] += 1500.0 + 500.0 * noise(m);
		m->load_w[i] = fmin(fmax(m->load_w[i], 20.0), 7000.0);
		m->reactive_var[i] = wander(m, m->reactive_var[i],
					    0.15 * m->load_w[i] - 40.0, 0.1,
					    20.0, dt);
		m->voltage_v[i] = wander(m, m->voltage_v[i],
					 232.0 - 0.003 * p1_meter_phase_w(m, (int)i),
					 0.2, 0.5, dt);
	}
	m->solar_w = fmax(0.0, wander(m, m->solar_w, solar_target(m) * 0.8,
				      0.05, 150.0, dt));
	m->gas_flow_m3h = fmin(fmax(wander(m, m->gas_flow_m3h, 0.3, 0.01,
					   0.05, dt), 0.0), 6.0);

	m->frac += dt;
	m->now += (int64_t)m->frac;
	m->frac -= floor(m->frac);
	demand(m);

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
	const struct p1_meter *m;
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

static double sum(const double *v, int n)
{
	double s = 0.0;

	for (int i = 0; i < n; i++)
		s += v[i];
	return s;
}

/*
 * Per phase: "1-0:(20 * phase + @c).7.0(value*unit)", @width digits with
 * @prec decimals.
 */
static void per_phase(struct out *o, int c, int width, int prec,
		      const char *unit,
		      double (*value)(const struct p1_meter *m, int phase))
{
	for (unsigned int i = 0; i < o->m->phases; i++)
		put(o, "1-0:%d.7.0(%0*.*f*%s)\r\n", 20 * (int)(i + 1) + c,
		    width, prec, value(o->m, (int)i), unit);
}

static double import_kw(const struct p1_meter *m, int i)
{
	return fmax(p1_meter_phase_w(m, i), 0.0) / 1000;
}

static double export_kw(const struct p1_meter *m, int i)
{
	return fmax(-p1_meter_phase_w(m, i), 0.0) / 1000;
}

static double import_kvar(const struct p1_meter *m, int i)
{
	return fmax(m->reactive_var[i], 0.0) / 1000;
}

static double export_kvar(const struct p1_meter *m, int i)
{
	return fmax(-m->reactive_var[i], 0.0) / 1000;
}

static double voltage(const struct p1_meter *m, int i)
{
	return m->voltage_v[i];
}

static double current(const struct p1_meter *m, int i)
{
	return p1_meter_current_a(m, i);
}

static void failure_log(struct out *o, const struct p1_meter *m)
{
	char when[14];

	put(o, "0-0:96.7.21(%05u)\r\n", m->power_failures);
	put(o, "0-0:96.7.9(%05u)\r\n", m->long_failures);
	put(o, "1-0:99.97.0(%d)(0-0:96.7.19)", P1_METER_FAILURES);
	for (int i = 0; i < P1_METER_FAILURES; i++) {
		p1_time_format(m->tz, m->failure_end[i], when);
		put(o, "(%s)(%010u*s)", when, m->failure_s[i]);
	}
	put(o, "\r\n");
	for (unsigned int i = 0; i < m->phases; i++)
		put(o, "1-0:%u.32.0(%05u)\r\n", 32 + 20 * i, m->sags[i]);
	for (unsigned int i = 0; i < m->phases; i++)
		put(o, "1-0:%u.36.0(%05u)\r\n", 32 + 20 * i, m->swells[i]);
}

static void put_dsmr5(struct out *o, const struct p1_meter *m,
		      const char *now)
{
	char gas_time[14];
	double p = net_w(m);

	p1_time_format(m->tz, m->gas_time, gas_time);
	put(o, "/SMC5\\2P1-METER DSMR5\r\n\r\n");
	put(o, "1-3:0.2.8(50)\r\n");
	put(o, "0-0:1.0.0(%s)\r\n", now);
	put(o, "0-0:96.1.1(4E4F54415245414C4D45544552303031)\r\n");
	for (int t = 0; t < 2; t++)
		put(o, "1-0:1.8.%d(%010.3f*kWh)\r\n", t + 1, m->import_kwh[t]);
	for (int t = 0; t < 2; t++)
		put(o, "1-0:2.8.%d(%010.3f*kWh)\r\n", t + 1, m->export_kwh[t]);
	put(o, "0-0:96.14.0(%04d)\r\n", p1_meter_tariff(m));
	put(o, "1-0:1.7.0(%06.3f*kW)\r\n", p > 0 ? p / 1000 : 0.0);
	put(o, "1-0:2.7.0(%06.3f*kW)\r\n", p < 0 ? -p / 1000 : 0.0);
	failure_log(o, m);
	put(o, "0-0:96.13.0()\r\n");
	per_phase(o, 12, 5, 1, "V", voltage);
	per_phase(o, 11, 3, 0, "A", current);
	per_phase(o, 1, 6, 3, "kW", import_kw);
	per_phase(o, 2, 6, 3, "kW", export_kw);
	put(o, "0-1:24.1.0(003)\r\n");
	put(o, "0-1:96.1.0(4E4F54415245414C4741534D4554455231)\r\n");
	put(o, "0-1:24.2.1(%s)(%09.3f*m3)\r\n", gas_time, m->gas_reading);
}

static void put_swedish(struct out *o, const struct p1_meter *m,
			const char *now)
{
	double p = net_w(m), q = net_var(m);

	put(o, "/SMC5\\2P1-METER XS211\r\n\r\n");
	put(o, "0-0:1.0.0(%s)\r\n", now);
	put(o, "1-0:1.8.0(%012.3f*kWh)\r\n", sum(m->import_kwh, P1_TARIFFS));
	put(o, "1-0:2.8.0(%012.3f*kWh)\r\n", sum(m->export_kwh, P1_TARIFFS));
	put(o, "1-0:3.8.0(%012.3f*kvarh)\r\n", m->reactive_kvarh[0] + m->reactive_kvarh[1]);
	put(o, "1-0:4.8.0(%012.3f*kvarh)\r\n", m->reactive_kvarh[2] + m->reactive_kvarh[3]);
	put(o, "1-0:1.7.0(%08.3f*kW)\r\n", p > 0 ? p / 1000 : 0.0);
	put(o, "1-0:2.7.0(%08.3f*kW)\r\n", p < 0 ? -p / 1000 : 0.0);
	put(o, "1-0:3.7.0(%08.3f*kvar)\r\n", q > 0 ? q / 1000 : 0.0);
	put(o, "1-0:4.7.0(%08.3f*kvar)\r\n", q < 0 ? -q / 1000 : 0.0);
	per_phase(o, 1, 8, 3, "kW", import_kw);
	per_phase(o, 2, 8, 3, "kW", export_kw);
	per_phase(o, 3, 8, 3, "kvar", import_kvar);
	per_phase(o, 4, 8, 3, "kvar", export_kvar);
	per_phase(o, 12, 5, 1, "V", voltage);
	per_phase(o, 11, 5, 1, "A", current);
}

/* Everything the XS211 datasheet lists, in the Swedish standard's format. */
static void put_xs211(struct out *o, const struct p1_meter *m,
		      const char *now)
{
	double p = net_w(m), q = net_var(m), s = hypot(p, q);
	int64_t elapsed = m->now - m->demand_start;
	char peak[14];

	p1_time_format(m->tz, m->peak_time, peak);
	put(o, "/SAG5\\XS211-%s\r\n\r\n", m->phases == 1 ? "1P" : "3P");
	put(o, "0-0:1.0.0(%s)\r\n", now);
	put(o, "0-0:96.1.1(5853323131303030313233343536)\r\n");
	put(o, "1-0:1.8.0(%012.3f*kWh)\r\n", sum(m->import_kwh, P1_TARIFFS));
	for (int t = 0; t < P1_TARIFFS; t++)
		put(o, "1-0:1.8.%d(%012.3f*kWh)\r\n", t + 1, m->import_kwh[t]);
	put(o, "1-0:2.8.0(%012.3f*kWh)\r\n", sum(m->export_kwh, P1_TARIFFS));
	for (int t = 0; t < P1_TARIFFS; t++)
		put(o, "1-0:2.8.%d(%012.3f*kWh)\r\n", t + 1, m->export_kwh[t]);
	put(o, "1-0:3.8.0(%012.3f*kvarh)\r\n", m->reactive_kvarh[0] + m->reactive_kvarh[1]);
	put(o, "1-0:4.8.0(%012.3f*kvarh)\r\n", m->reactive_kvarh[2] + m->reactive_kvarh[3]);
	for (int k = 0; k < 4; k++)
		put(o, "1-0:%d.8.0(%012.3f*kvarh)\r\n", 5 + k, m->reactive_kvarh[k]);
	put(o, "1-0:9.8.0(%012.3f*kVAh)\r\n", m->apparent_kvah[0]);
	put(o, "1-0:10.8.0(%012.3f*kVAh)\r\n", m->apparent_kvah[1]);
	put(o, "0-0:96.14.0(%04d)\r\n", p1_meter_tariff(m));
	put(o, "1-0:1.7.0(%08.3f*kW)\r\n", p > 0 ? p / 1000 : 0.0);
	put(o, "1-0:2.7.0(%08.3f*kW)\r\n", p < 0 ? -p / 1000 : 0.0);
	put(o, "1-0:3.7.0(%08.3f*kvar)\r\n", q > 0 ? q / 1000 : 0.0);
	put(o, "1-0:4.7.0(%08.3f*kvar)\r\n", q < 0 ? -q / 1000 : 0.0);
	put(o, "1-0:9.7.0(%08.3f*kVA)\r\n", p >= 0 ? s / 1000 : 0.0);
	put(o, "1-0:10.7.0(%08.3f*kVA)\r\n", p < 0 ? s / 1000 : 0.0);
	/* average power over the integration period so far */
	put(o, "1-0:1.4.0(%08.3f*kW)\r\n",
	    (elapsed > 0 ? m->demand_sum_j / (double)elapsed : m->demand_w) / 1000);
	put(o, "1-0:1.6.0(%s)(%08.3f*kW)\r\n", peak, m->peak_w / 1000);
	per_phase(o, 1, 8, 3, "kW", import_kw);
	per_phase(o, 2, 8, 3, "kW", export_kw);
	per_phase(o, 3, 8, 3, "kvar", import_kvar);
	per_phase(o, 4, 8, 3, "kvar", export_kvar);
	per_phase(o, 12, 5, 1, "V", voltage);
	per_phase(o, 11, 5, 1, "A", current);
	put(o, "0-0:96.3.10(%d)\r\n", m->breaker);
	failure_log(o, m);
}

long p1_meter_telegram(const struct p1_meter *m, char *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size, .m = m };
	char now[14];
	uint16_t crc;

	p1_time_format(m->tz, m->now, now);
	switch (m->flavour) {
	case P1_METER_DSMR5:
		put_dsmr5(&o, m, now);
		break;
	case P1_METER_SWEDISH:
		put_swedish(&o, m, now);
		break;
	default:
		put_xs211(&o, m, now);
		break;
	}
	put(&o, "!");
	if (o.full)
		return -ENOSPC;
	crc = p1_crc16(0, buf, o.len);
	put(&o, "%04X\r\n", crc);
	return o.full ? -ENOSPC : (long)o.len;
}
