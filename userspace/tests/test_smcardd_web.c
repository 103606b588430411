// SPDX-License-Identifier: GPL-2.0
/*
 * smcardd's web page memory: the latest reading per topic, the hour-long
 * series behind the sparklines (one point per step, the newest value
 * last, bounded in points, series and topics), and Prometheus metric
 * names with their units spelled out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "smcardd/web_cache.h"

static struct json_object *reading(double energy, const char *text)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "time", json_object_new_string("2026-12-07T10:00:00Z"));
	json_object_object_add(o, "energy", json_object_new_double(energy));
	json_object_object_add(o, "pulses", json_object_new_int64(7));
	json_object_object_add(o, "on", json_object_new_boolean(1));
	json_object_object_add(o, "tariff", json_object_new_string(text));
	return o;
}

static const struct web_series *find(const struct web_cache *c, const char *sub,
				     const char *key)
{
	for (size_t i = 0; i < c->nseries; i++)
		if (!strcmp(c->series[i]->sub, sub) && !strcmp(c->series[i]->key, key))
			return c->series[i];
	return NULL;
}

TEST(latest_reading_replaces_the_last)
{
	struct web_cache *c = malloc(sizeof(*c));
	struct json_object *a = reading(1, "T1"), *b = reading(2, "T2");
	const struct web_topic *t;

	web_cache_init(c);
	ASSERT_EQ(0, web_cache_put(c, "p1", a, 1000, 1000));
	ASSERT_EQ(0, web_cache_put(c, "p1", b, 2000, 2000));
	json_object_put(a);
	json_object_put(b);
	t = web_cache_get(c, "p1");
	ASSERT_NE(NULL, t);
	EXPECT_EQ(1, c->ntopic);
	EXPECT_EQ(2000, t->mono_ms);
	EXPECT_STREQ("T2", json_object_get_string(json_object_object_get(t->payload, "tariff")));
	EXPECT_EQ(NULL, web_cache_get(c, "p1/gas"));
	/* numbers get a series, booleans and strings do not */
	EXPECT_NE(NULL, find(c, "p1", "energy"));
	EXPECT_NE(NULL, find(c, "p1", "pulses"));
	EXPECT_EQ(NULL, find(c, "p1", "on"));
	EXPECT_EQ(NULL, find(c, "p1", "tariff"));
	EXPECT_EQ(NULL, find(c, "p1", "time"));
	web_cache_free(c);
	free(c);
}

TEST(one_point_per_step_newest_last)
{
	struct web_cache *c = malloc(sizeof(*c));
	struct web_point pts[WEB_POINTS];
	const struct web_series *s;
	int64_t t0 = 100 * WEB_STEP_MS;
	unsigned int n;

	web_cache_init(c);
	/* a reading every 5 s for 2 min: one point per 30 s step */
	for (int i = 0; i <= 24; i++) {
		struct json_object *r = reading(i, "T1");

		web_cache_put(c, "counter/s0", r, i, t0 + i * 5000);
		json_object_put(r);
	}
	s = find(c, "counter/s0", "energy");
	ASSERT_NE(NULL, s);
	n = web_series_points(s, 0, pts);
	EXPECT_EQ(5, n);
	for (unsigned int i = 1; i < n; i++)
		EXPECT_EQ(pts[i - 1].t_ms / WEB_STEP_MS + 1, pts[i].t_ms / WEB_STEP_MS);
	EXPECT_EQ(5.0, pts[0].v);			/* last of its step */
	EXPECT_EQ(24.0, pts[n - 1].v);			/* the newest value */
	EXPECT_EQ(t0 + 24 * 5000, pts[n - 1].t_ms);
	/* only what is newer than a given time */
	EXPECT_EQ(2, web_series_points(s, t0 + 24 * 5000 - WEB_STEP_MS + 1, pts));
	web_cache_free(c);
	free(c);
}

TEST(series_keep_one_hour_of_points)
{
	struct web_cache *c = malloc(sizeof(*c));
	struct web_point pts[WEB_POINTS];
	const struct web_series *s;
	int steps = 3 * WEB_POINTS;

	web_cache_init(c);
	for (int i = 0; i < steps; i++) {
		struct json_object *r = reading(i, "T1");

		web_cache_put(c, "analog/pressure", r, i, (int64_t)i * WEB_STEP_MS);
		json_object_put(r);
	}
	s = find(c, "analog/pressure", "energy");
	ASSERT_NE(NULL, s);
	EXPECT_EQ(WEB_POINTS, web_series_points(s, 0, pts));
	EXPECT_EQ((double)(steps - WEB_POINTS), pts[0].v);
	EXPECT_EQ((double)(steps - 1), pts[WEB_POINTS - 1].v);
	web_cache_free(c);
	free(c);
}

TEST(topics_and_series_are_bounded)
{
	struct web_cache *c = malloc(sizeof(*c));
	struct json_object *r;
	char sub[32];
	int ret = 0;

	web_cache_init(c);
	for (int i = 0; i < WEB_MAX_TOPICS + 10; i++) {
		r = reading(i, "T1");
		snprintf(sub, sizeof(sub), "modbus/m%d", i);
		ret = web_cache_put(c, sub, r, i, i);
		json_object_put(r);
		if (i < WEB_MAX_TOPICS) {
			ASSERT_EQ(0, ret);
		}
	}
	EXPECT_EQ(-ENOSPC, ret);
	EXPECT_EQ(WEB_MAX_TOPICS, c->ntopic);
	EXPECT_EQ(WEB_MAX_SERIES, c->nseries);
	EXPECT_GT(c->dropped, 0);
	/* a known topic is still updated when the cache is full */
	r = reading(99, "T9");
	EXPECT_EQ(0, web_cache_put(c, "modbus/m0", r, 5, 5));
	json_object_put(r);
	web_cache_free(c);
	free(c);
}

TEST(metric_names)
{
	char buf[96];
	double f;

	/* base units, as promtool check metrics wants them */
	ASSERT_LT(0, web_metric_name("energy", "energy_import", "kWh", true, buf, sizeof(buf), &f));
	EXPECT_STREQ("smcard_energy_joules_total", buf);
	EXPECT_EQ(3.6e6, f);
	ASSERT_LT(0, web_metric_name("", "power", "W", false, buf, sizeof(buf), &f));
	EXPECT_STREQ("smcard_power_watts", buf);
	EXPECT_EQ(1, f);
	ASSERT_LT(0, web_metric_name("current", "current", "mA", false, buf, sizeof(buf), &f));
	EXPECT_STREQ("smcard_current_amperes", buf);
	EXPECT_EQ(1e-3, f);
	ASSERT_LT(0, web_metric_name("", "flow", "m³/h", false, buf, sizeof(buf), &f));
	EXPECT_STREQ("smcard_flow_cubic_meters_per_second", buf);
	ASSERT_LT(0, web_metric_name("water", "volume", "m³", true, buf, sizeof(buf), &f));
	EXPECT_STREQ("smcard_water_cubic_meters_total", buf);
	ASSERT_LT(0, web_metric_name(NULL, "flow temp", "°C", false, buf, sizeof(buf), &f));
	EXPECT_STREQ("smcard_flow_temp_celsius", buf);
	ASSERT_LT(0, web_metric_name("", "door", "", false, buf, sizeof(buf), &f));
	EXPECT_STREQ("smcard_door", buf);
	/* an unknown unit keeps its letters, and the value */
	ASSERT_LT(0, web_metric_name("", "x", "imp/kWh", false, buf, sizeof(buf), &f));
	EXPECT_STREQ("smcard_x_imp_kWh", buf);
	EXPECT_EQ(1, f);
	EXPECT_EQ(-1, web_metric_name("energy", "e", "kWh", true, buf, 12, &f));
}

TEST_HARNESS_MAIN
