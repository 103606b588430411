// SPDX-License-Identifier: GPL-2.0
/*
 * smcardd pure logic: analog scaling, NAMUR limits, counter totals across
 * wrap / reset / reboot, Modbus word orders and types, Home Assistant
 * discovery payloads, and the SQLite store (outbox order, counter state).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "smcardd/config.h"
#include "smcardd/ha.h"
#include "smcardd/logic.h"
#include "smcardd/store.h"

TEST(analog_two_point)
{
	struct sd_analog a = { .has_map = true, .map = { 4, 0, 20, 10 } };

	EXPECT_EQ(0.0, sd_analog_apply(&a, 4));
	EXPECT_EQ(5.0, sd_analog_apply(&a, 12));
	EXPECT_EQ(10.0, sd_analog_apply(&a, 20));
	EXPECT_EQ(-2.5, sd_analog_apply(&a, 0));	/* unclamped */
	a.clamp = true;
	EXPECT_EQ(0.0, sd_analog_apply(&a, 0));
	EXPECT_EQ(10.0, sd_analog_apply(&a, 24));
}

TEST(analog_inverted_map_and_scale)
{
	struct sd_analog a = { .has_map = true, .clamp = true, .map = { 0, 100, 10, 0 } };
	struct sd_analog b = { .scale = 2.5, .offset = -1 };

	EXPECT_EQ(75.0, sd_analog_apply(&a, 2.5));
	EXPECT_EQ(0.0, sd_analog_apply(&a, 11));
	EXPECT_EQ(24.0, sd_analog_apply(&b, 10));
}

TEST(namur)
{
	EXPECT_NE(NULL, sd_namur_fault(2.0));
	EXPECT_EQ(NULL, sd_namur_fault(3.6));
	EXPECT_EQ(NULL, sd_namur_fault(12.0));
	EXPECT_EQ(NULL, sd_namur_fault(21.0));
	EXPECT_NE(NULL, sd_namur_fault(21.5));
}

TEST(counter_baseline_and_steps)
{
	struct sd_count_state s = { 0 };

	EXPECT_EQ(SD_COUNT_FIRST, sd_count_update(&s, 500, UINT32_MAX, false));
	EXPECT_EQ(0, s.pulses);				/* baseline */
	EXPECT_EQ(SD_COUNT_NORMAL, sd_count_update(&s, 700, UINT32_MAX, false));
	EXPECT_EQ(200, s.pulses);
	EXPECT_EQ(SD_COUNT_NORMAL, sd_count_update(&s, 700, UINT32_MAX, false));
	EXPECT_EQ(200, s.pulses);
	/* controller reset: counts from zero again, totals kept */
	EXPECT_EQ(SD_COUNT_RESET, sd_count_update(&s, 30, UINT32_MAX, false));
	EXPECT_EQ(230, s.pulses);
	/* wrap-around at the 32-bit ceiling */
	s.last_raw = UINT32_MAX - 9;
	EXPECT_EQ(SD_COUNT_WRAP, sd_count_update(&s, 5, UINT32_MAX, false));
	EXPECT_EQ(230 + 15, s.pulses);
	/* a reboot where the new count already passed the old one */
	s.last_raw = 100;
	EXPECT_EQ(SD_COUNT_RESET, sd_count_update(&s, 150, UINT32_MAX, true));
	EXPECT_EQ(245 + 150, s.pulses);
	/* a small ceiling */
	s.last_raw = 999;
	EXPECT_EQ(SD_COUNT_WRAP, sd_count_update(&s, 2, 999, false));
	EXPECT_EQ(395 + 3, s.pulses);
	/* a drop from the middle is a restart, not a wrap */
	s.last_raw = 3000000000u;
	EXPECT_EQ(SD_COUNT_RESET, sd_count_update(&s, 10, UINT32_MAX, false));
	EXPECT_EQ(398 + 10, s.pulses);
}

TEST(modbus_orders)
{
	/* 0x41200000 = 10.0f; 0x12345678 */
	const uint16_t abcd[2] = { 0x1234, 0x5678 }, cdab[2] = { 0x5678, 0x1234 };
	const uint16_t badc[2] = { 0x3412, 0x7856 }, dcba[2] = { 0x7856, 0x3412 };
	const uint16_t f[2] = { 0x4120, 0x0000 }, fs[2] = { 0x0000, 0x4120 };
	const uint16_t neg[2] = { 0xffff, 0xfffe }, nan[2] = { 0x7fc0, 0 };
	const uint16_t i16 = 0xff38;
	double v;

	ASSERT_EQ(0, mbreg_decode(abcd, MBREG_UINT32, MBREG_ABCD, &v));
	EXPECT_EQ(0x12345678, v);
	ASSERT_EQ(0, mbreg_decode(cdab, MBREG_UINT32, MBREG_CDAB, &v));
	EXPECT_EQ(0x12345678, v);
	ASSERT_EQ(0, mbreg_decode(badc, MBREG_UINT32, MBREG_BADC, &v));
	EXPECT_EQ(0x12345678, v);
	ASSERT_EQ(0, mbreg_decode(dcba, MBREG_UINT32, MBREG_DCBA, &v));
	EXPECT_EQ(0x12345678, v);
	ASSERT_EQ(0, mbreg_decode(f, MBREG_FLOAT32, MBREG_ABCD, &v));
	EXPECT_EQ(10.0, v);
	ASSERT_EQ(0, mbreg_decode(fs, MBREG_FLOAT32, MBREG_CDAB, &v));
	EXPECT_EQ(10.0, v);
	ASSERT_EQ(0, mbreg_decode(neg, MBREG_INT32, MBREG_ABCD, &v));
	EXPECT_EQ(-2, v);
	ASSERT_EQ(0, mbreg_decode(&i16, MBREG_INT16, MBREG_ABCD, &v));
	EXPECT_EQ(-200, v);
	ASSERT_EQ(0, mbreg_decode(&i16, MBREG_UINT16, MBREG_ABCD, &v));
	EXPECT_EQ(0xff38, v);
	EXPECT_EQ(-1, mbreg_decode(nan, MBREG_FLOAT32, MBREG_ABCD, &v));
	EXPECT_EQ(2, mbreg_width(MBREG_FLOAT32));
	EXPECT_EQ(1, mbreg_width(MBREG_INT16));
}

TEST(modbus_roundtrip)
{
	static const double vals[] = { 0, 1, -1, 12345.5, -32768, 65535, 1e6 };
	uint16_t r[2];
	double v;

	for (int t = MBREG_INT16; t <= MBREG_FLOAT32; t++)
		for (int o = MBREG_ABCD; o <= MBREG_DCBA; o++)
			for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
				double want = vals[i];

				if ((t == MBREG_INT16 && (want < -32768 || want > 32767)) ||
				    (t == MBREG_UINT16 && (want < 0 || want > 65535)) ||
				    (t == MBREG_UINT32 && want < 0) ||
				    (t <= MBREG_UINT32 && want != floor(want)))
					continue;
				mbreg_encode(want, t, o, r);
				ASSERT_EQ(0, mbreg_decode(r, t, o, &v));
				EXPECT_EQ(want, v);
			}
}

static struct json_object *member(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, k, &v);
	return v;
}

TEST(ha_energy_sensor)
{
	struct sd_ha_device dev = { "gw1", "homeassistant", "smcard/gw1/availability", "1.0" };
	struct sd_entity e = { .component = "sensor", .object_id = "counter_heat",
			       .name = "heat", .state_topic = "smcard/gw1/counter/heat",
			       .key = "value" };
	struct json_object *o;
	char topic[256];

	snprintf(e.unit, sizeof(e.unit), "%s", sd_ha_unit("kWh"));
	sd_ha_classes(e.unit, 1, e.device_class, e.state_class);
	EXPECT_STREQ("energy", e.device_class);
	EXPECT_STREQ("total_increasing", e.state_class);
	EXPECT_EQ(NULL, sd_ha_energy_problem(&e));
	o = sd_ha_config(&dev, &e, topic, sizeof(topic));
	ASSERT_NE(NULL, o);
	EXPECT_STREQ("homeassistant/sensor/gw1/counter_heat/config", topic);
	EXPECT_STREQ("kWh", json_object_get_string(member(o, "unit_of_measurement")));
	EXPECT_STREQ("energy", json_object_get_string(member(o, "device_class")));
	EXPECT_STREQ("total_increasing", json_object_get_string(member(o, "state_class")));
	EXPECT_STREQ("{{ value_json.value }}", json_object_get_string(member(o, "value_template")));
	EXPECT_STREQ("smcard/gw1/availability", json_object_get_string(member(o, "availability_topic")));
	EXPECT_STREQ("smcard_gw1_counter_heat", json_object_get_string(member(o, "unique_id")));
	EXPECT_NE(NULL, member(member(o, "device"), "identifiers"));
	json_object_put(o);
}

TEST(ha_classes)
{
	char dc[32] = "", sc[32] = "";

	sd_ha_classes("W", 1, dc, sc);
	EXPECT_STREQ("power", dc);
	EXPECT_STREQ("measurement", sc);
	dc[0] = sc[0] = 0;
	sd_ha_classes("bar", 0, dc, sc);
	EXPECT_STREQ("pressure", dc);
	dc[0] = sc[0] = 0;
	EXPECT_STREQ("m³", sd_ha_unit("m3"));
	strcpy(dc, "water");
	sd_ha_classes(sd_ha_unit("m3"), 1, dc, sc);
	EXPECT_STREQ("water", dc);
	EXPECT_STREQ("total_increasing", sc);
}

TEST(ha_energy_rejects)
{
	struct sd_entity e = { .device_class = "energy", .state_class = "measurement", .unit = "kWh" };

	EXPECT_NE(NULL, sd_ha_energy_problem(&e));
	strcpy(e.state_class, "total");
	strcpy(e.unit, "W");
	EXPECT_NE(NULL, sd_ha_energy_problem(&e));
	strcpy(e.device_class, "gas");
	strcpy(e.unit, "m³");
	EXPECT_EQ(NULL, sd_ha_energy_problem(&e));
}

TEST(ha_switch)
{
	struct sd_ha_device dev = { "gw1", "homeassistant", "a", "1" };
	struct sd_entity e = { .component = "switch", .object_id = "output_relay",
			       .state_topic = "s", .command_topic = "s/set", .key = "state" };
	struct json_object *o;
	char topic[256];

	o = sd_ha_config(&dev, &e, topic, sizeof(topic));
	ASSERT_NE(NULL, o);
	EXPECT_STREQ("homeassistant/switch/gw1/output_relay/config", topic);
	EXPECT_STREQ("s/set", json_object_get_string(member(o, "command_topic")));
	EXPECT_STREQ("ON", json_object_get_string(member(o, "payload_on")));
	EXPECT_EQ(NULL, member(o, "unit_of_measurement"));
	json_object_put(o);
}

TEST(store_outbox_and_counters)
{
	char path[] = "/tmp/smcardd-store-XXXXXX", err[256], db[64];
	struct sd_outbox_row rows[8];
	struct sd_count_state st = { .pulses = 42, .last_raw = 7, .has_raw = true,
				     .boot_id = "abc" }, got;
	struct sd_store *s;
	int64_t id;
	int n;

	ASSERT_NE(NULL, mkdtemp(path));
	snprintf(db, sizeof(db), "%s/s.db", path);
	ASSERT_EQ(0, sd_store_open(&s, db, err, sizeof(err)));
	for (int i = 0; i < 5; i++) {
		char p[32];

		snprintf(p, sizeof(p), "{\"i\":%d}", i);
		ASSERT_EQ(0, sd_store_push(s, "t", p, i & 1, &id));
	}
	EXPECT_EQ(5, sd_store_pending(s));
	n = sd_store_fetch(s, 0, rows, 3);
	ASSERT_EQ(3, n);
	EXPECT_STREQ("{\"i\":0}", rows[0].payload);
	EXPECT_EQ(1, rows[1].retain);
	ASSERT_EQ(0, sd_store_delete(s, rows[0].id));
	id = rows[2].id;
	for (int i = 0; i < n; i++)
		sd_outbox_row_free(&rows[i]);
	n = sd_store_fetch(s, id, rows, 8);	/* after the last one sent */
	ASSERT_EQ(2, n);
	EXPECT_STREQ("{\"i\":3}", rows[0].payload);
	for (int i = 0; i < n; i++)
		sd_outbox_row_free(&rows[i]);
	EXPECT_EQ(2, sd_store_trim(s, 2));	/* drop the two oldest */
	n = sd_store_fetch(s, 0, rows, 8);
	ASSERT_EQ(2, n);
	EXPECT_STREQ("{\"i\":3}", rows[0].payload);
	for (int i = 0; i < n; i++)
		sd_outbox_row_free(&rows[i]);

	EXPECT_EQ(-ENOENT, sd_store_counter_get(s, "heat", &got));
	ASSERT_EQ(0, sd_store_counter_put(s, "heat", &st));
	sd_store_close(s);

	/* everything is still there after reopening */
	ASSERT_EQ(0, sd_store_open(&s, db, err, sizeof(err)));
	EXPECT_EQ(2, sd_store_pending(s));
	ASSERT_EQ(0, sd_store_counter_get(s, "heat", &got));
	EXPECT_EQ(42, got.pulses);
	EXPECT_EQ(7, got.last_raw);
	EXPECT_TRUE(got.has_raw);
	EXPECT_STREQ("abc", got.boot_id);
	sd_store_close(s);
	snprintf(err, sizeof(err), "rm -rf '%s'", path);
	system(err);
}

TEST(store_bad_path)
{
	struct sd_store *s;
	char err[256];

	EXPECT_NE(0, sd_store_open(&s, "/nonexistent/dir/x.db", err, sizeof(err)));
	EXPECT_EQ(NULL, s);
	EXPECT_NE(NULL, strstr(err, "/nonexistent/dir/x.db"));
}

TEST_HARNESS_MAIN
