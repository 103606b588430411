// SPDX-License-Identifier: GPL-2.0
/*
 * What smcardd publishes of a telegram (smcardd/p1_publish.c): every
 * object under its key in normalised units, M-Bus devices and profile
 * buffers on sub-topics, the Home Assistant entity of each value with the
 * right device_class, state_class, unit and entity_category, and the
 * [p1] include / exclude lists.
 */
#include <json-c/json.h>

#include "kselftest_harness.h"
#include "test_p1_util.h"
#include "smcardd/p1_publish.h"

#define BASE "smcard/gw"

struct built {
	struct p1_telegram t;
	struct sd_p1_pub pub;
};

static void build(struct __test_metadata *_metadata, const char *text,
		  size_t len, const struct sd_p1_filter *f, struct built *b)
{
	struct p1_error err;

	ASSERT_EQ(0, p1_parse(text, len, 0, NULL, &b->t, &err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(0, sd_p1_build(&b->t, f, BASE, &b->pub));
}

static void unbuild(struct built *b)
{
	sd_p1_pub_free(&b->pub);
	p1_telegram_free(&b->t);
}

static struct json_object *payload(const struct built *b, const char *sub)
{
	for (size_t i = 0; i < b->pub.nmsg; i++)
		if (!strcmp(b->pub.msg[i].sub, sub))
			return b->pub.msg[i].payload;
	return NULL;
}

static struct json_object *member(const struct built *b, const char *sub,
				  const char *key)
{
	struct json_object *p = payload(b, sub), *v;

	return p && json_object_object_get_ex(p, key, &v) ? v : NULL;
}

static bool has(const struct built *b, const char *sub, const char *key)
{
	struct json_object *p = payload(b, sub);

	return p && json_object_object_get_ex(p, key, NULL);
}

static const struct sd_entity *entity(const struct built *b, const char *object)
{
	for (size_t i = 0; i < b->pub.nent; i++)
		if (!strcmp(b->pub.ent[i].object_id, object))
			return &b->pub.ent[i];
	return NULL;
}

/* Entity @object: device class, state class, unit, category ("" = none). */
static void classes(struct __test_metadata *_metadata, const struct built *b,
		    const char *object, const char *dc, const char *sc,
		    const char *unit, const char *category)
{
	const struct sd_entity *e = entity(b, object);

	ASSERT_NE(NULL, e) TH_LOG("no entity %s", object);
	EXPECT_STREQ(dc, e->device_class) TH_LOG("%s", object);
	EXPECT_STREQ(sc, e->state_class) TH_LOG("%s", object);
	EXPECT_STREQ(unit, e->unit) TH_LOG("%s", object);
	EXPECT_STREQ(category, e->entity_category) TH_LOG("%s", object);
	EXPECT_STREQ("sensor", e->component);
}

static void meter(struct __test_metadata *_metadata, enum p1_meter_flavour fl,
		  const struct sd_p1_filter *f, struct built *b)
{
	static char buf[8192];
	struct p1_meter m;
	long len;

	p1_meter_init(&m, fl, 9, 1718274000, NULL);
	for (int i = 0; i < 600; i++)
		p1_meter_step(&m, 1.0);
	len = p1_meter_telegram(&m, buf, sizeof(buf));
	ASSERT_GT(len, 0);
	build(_metadata, buf, (size_t)len, f, b);
}

TEST(xs211_everything)
{
	static const char *const keys[] = {
		"meter_time", "equipment_id", "import_kwh", "import_t1_kwh",
		"import_t8_kwh", "export_kwh", "export_t8_kwh", "reactive_import_kvarh",
		"reactive_export_kvarh", "reactive_q1_kvarh", "reactive_q2_kvarh",
		"reactive_q3_kvarh", "reactive_q4_kvarh", "apparent_import_kvah",
		"apparent_export_kvah", "tariff", "power_import_w", "power_export_w",
		"reactive_power_import_var", "reactive_power_export_var",
		"apparent_power_import_va", "apparent_power_export_va",
		"average_demand_w", "peak_demand_w", "peak_demand_month_time",
		"power_l1_import_w", "power_l3_export_w", "reactive_power_l2_import_var",
		"reactive_power_l3_export_var", "voltage_l1_v", "voltage_l3_v",
		"current_l2_a", "breaker_state", "power_failures",
		"long_power_failures", "voltage_sags_l3", "voltage_swells_l2",
		"variant",
	};
	struct json_object *p, *v;
	struct built b;
	double kw;

	meter(_metadata, P1_METER_XS211_3PH, NULL, &b);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		EXPECT_TRUE(has(&b, "p1", keys[i])) {
			TH_LOG("%s", keys[i]);
		}
	}
	/* kW on the wire, W published */
	kw = obj_number(&b.t, "1-0:21.7.0");
	EXPECT_NEAR(kw * 1000, json_object_get_double(member(&b, "p1", "power_l1_import_w")), 1e-6);
	EXPECT_STREQ("connected", json_object_get_string(member(&b, "p1", "breaker_state")));
	EXPECT_STREQ("XS211000123456", json_object_get_string(member(&b, "p1", "equipment_id")));
	EXPECT_STREQ("swedish", json_object_get_string(member(&b, "p1", "variant")));
	EXPECT_STREQ("2024-06-13T10:30:00Z", json_object_get_string(member(&b, "p1", "meter_time")));
	/* the version object is the variant's version, not a value */
	EXPECT_FALSE(has(&b, "p1", "version"));

	classes(_metadata, &b, "p1_import_kwh", "energy", "total_increasing", "kWh", "");
	classes(_metadata, &b, "p1_import_t8_kwh", "energy", "total_increasing", "kWh", "");
	classes(_metadata, &b, "p1_reactive_q1_kvarh", "", "total_increasing", "kvarh", "");
	classes(_metadata, &b, "p1_apparent_import_kvah", "", "total_increasing", "kVAh", "");
	classes(_metadata, &b, "p1_power_import_w", "power", "measurement", "W", "");
	classes(_metadata, &b, "p1_reactive_power_l2_import_var", "reactive_power",
		"measurement", "var", "");
	classes(_metadata, &b, "p1_apparent_power_import_va", "apparent_power",
		"measurement", "VA", "");
	classes(_metadata, &b, "p1_voltage_l1_v", "voltage", "measurement", "V", "");
	classes(_metadata, &b, "p1_current_l2_a", "current", "measurement", "A", "");
	classes(_metadata, &b, "p1_average_demand_w", "power", "measurement", "W", "");
	classes(_metadata, &b, "p1_peak_demand_month_time", "timestamp", "", "", "diagnostic");
	classes(_metadata, &b, "p1_meter_time", "timestamp", "", "", "diagnostic");
	classes(_metadata, &b, "p1_power_failures", "", "total_increasing", "", "diagnostic");
	classes(_metadata, &b, "p1_voltage_sags_l1", "", "total_increasing", "", "diagnostic");
	classes(_metadata, &b, "p1_equipment_id", "", "", "", "diagnostic");
	classes(_metadata, &b, "p1_tariff", "", "", "", "");
	classes(_metadata, &b, "p1_breaker_state", "enum", "", "", "");
	EXPECT_STREQ("disconnected,connected,ready_for_reconnection",
		     entity(&b, "p1_breaker_state")->options);
	EXPECT_STREQ(BASE "/p1", entity(&b, "p1_import_kwh")->state_topic);
	EXPECT_STREQ("import_kwh", entity(&b, "p1_import_kwh")->key);

	/* the power failure log on its own topic, newest entry flat */
	p = payload(&b, "p1/power_failure_log");
	ASSERT_NE(NULL, p);
	EXPECT_EQ(4, json_object_get_int(json_object_object_get(p, "count")));
	EXPECT_STREQ("s", json_object_get_string(json_object_object_get(p, "unit")));
	ASSERT_TRUE(json_object_object_get_ex(p, "entries", &v));
	EXPECT_EQ(4, json_object_array_length(v));
	EXPECT_TRUE(json_object_object_get_ex(p, "last_time", NULL));
	classes(_metadata, &b, "p1_power_failure_log_last_time", "timestamp", "", "",
		"diagnostic");
	classes(_metadata, &b, "p1_power_failure_log_last_value", "duration",
		"measurement", "s", "diagnostic");
	EXPECT_STREQ(BASE "/p1/power_failure_log",
		     entity(&b, "p1_power_failure_log_last_value")->state_topic);
	unbuild(&b);
}

TEST(single_phase_has_no_l2_l3)
{
	struct built b;

	meter(_metadata, P1_METER_XS211, NULL, &b);
	EXPECT_TRUE(has(&b, "p1", "voltage_l1_v"));
	EXPECT_FALSE(has(&b, "p1", "voltage_l2_v"));
	EXPECT_FALSE(has(&b, "p1", "power_l3_import_w"));
	EXPECT_NULL(entity(&b, "p1_voltage_l2_v"));
	unbuild(&b);
}

/* DSMR 5: the gas meter on p1/mbus1, stamped with its own reading time. */
TEST(dsmr5_mbus_and_text)
{
	const struct sd_entity *e;
	struct json_object *p;
	struct built b;

	build(_metadata, fixture_dsmr5, strlen(fixture_dsmr5), NULL, &b);
	p = payload(&b, "p1/mbus1");
	ASSERT_NE(NULL, p);
	EXPECT_STREQ("2010-12-09T10:25:00Z", json_object_get_string(json_object_object_get(p, "time")));
	EXPECT_NEAR(12785.123, json_object_get_double(json_object_object_get(p, "value")), 1e-9);
	EXPECT_STREQ("m3", json_object_get_string(json_object_object_get(p, "unit")));
	EXPECT_STREQ("gas", json_object_get_string(json_object_object_get(p, "medium")));
	EXPECT_STREQ("2222ABCD123456789", json_object_get_string(
		json_object_object_get(p, "equipment_id")));
	classes(_metadata, &b, "p1_mbus1_value", "gas", "total_increasing", "m³", "");
	classes(_metadata, &b, "p1_mbus1_equipment_id", "", "", "", "diagnostic");
	EXPECT_STREQ(BASE "/p1/mbus1", entity(&b, "p1_mbus1_value")->state_topic);
	/* not on the main topic */
	EXPECT_FALSE(has(&b, "p1", "value"));
	EXPECT_FALSE(has(&b, "p1", "device_type"));

	EXPECT_STREQ("0123456789:;<=>?", json_object_get_string(member(&b, "p1", "text_message")));
	e = entity(&b, "p1_text_message");
	ASSERT_NE(NULL, e);
	EXPECT_STREQ("{{ value_json.text_message[:255] }}", e->value_template);
	/* tariff registers only: the totals are their sums */
	EXPECT_NEAR(246913.578, json_object_get_double(member(&b, "p1", "import_kwh")), 1e-6);
	EXPECT_STREQ("5.0", json_object_get_string(member(&b, "p1", "version")));
	classes(_metadata, &b, "p1_version", "", "", "", "diagnostic");
	unbuild(&b);
}

TEST(emucs_thresholds_and_peaks)
{
	struct json_object *p;
	struct built b;

	build(_metadata, fixture_emucs, strlen(fixture_emucs), NULL, &b);
	EXPECT_NEAR(999900, json_object_get_double(member(&b, "p1", "limiter_threshold_w")), 1e-6);
	classes(_metadata, &b, "p1_limiter_threshold_w", "power", "measurement", "W", "diagnostic");
	EXPECT_NEAR(999, json_object_get_double(member(&b, "p1", "fuse_threshold_l1_a")), 0);
	EXPECT_NEAR(2589, json_object_get_double(member(&b, "p1", "peak_demand_w")), 1e-9);
	EXPECT_STREQ("2020-05-09T11:45:58Z", json_object_get_string(
		member(&b, "p1", "peak_demand_month_time")));
	EXPECT_STREQ("50217", json_object_get_string(member(&b, "p1", "version_emucs")));
	p = payload(&b, "p1/peak_demand_history");
	ASSERT_NE(NULL, p);
	EXPECT_EQ(3, json_object_get_int(json_object_object_get(p, "count")));
	/* the newest peak (April 2020): 3.695 kW in W */
	EXPECT_NEAR(3695, json_object_get_double(json_object_object_get(p, "last_value")), 1e-9);
	EXPECT_STREQ("2020-04-30T22:00:00Z", json_object_get_string(
		json_object_object_get(p, "last_start")));
	classes(_metadata, &b, "p1_peak_demand_history_last_value", "power",
		"measurement", "W", "");
	/* water on channel 2 */
	classes(_metadata, &b, "p1_mbus2_value", "water", "total_increasing", "m³", "");
	unbuild(&b);
}

TEST(smarty_limiter_in_va)
{
	struct built b;

	build(_metadata, fixture_smarty, strlen(fixture_smarty), NULL, &b);
	EXPECT_NEAR(999900, json_object_get_double(member(&b, "p1", "limiter_threshold_va")), 1e-6);
	classes(_metadata, &b, "p1_limiter_threshold_va", "apparent_power", "measurement",
		"VA", "diagnostic");
	EXPECT_STREQ("SAG3001010701782", json_object_get_string(
		member(&b, "p1", "logical_device_name")));
	EXPECT_STREQ("smarty", json_object_get_string(member(&b, "p1", "variant")));
	unbuild(&b);
}

TEST(hungarian_power_factors)
{
	struct built b;

	build(_metadata, fixture_hungarian, strlen(fixture_hungarian), NULL, &b);
	EXPECT_NEAR(0.998, json_object_get_double(member(&b, "p1", "power_factor")), 1e-9);
	EXPECT_NEAR(-0.95, json_object_get_double(member(&b, "p1", "power_factor_l3")), 1e-9);
	/* 4.999: no power factor at all, null rather than a wrong value */
	EXPECT_TRUE(has(&b, "p1", "power_factor_l1"));
	EXPECT_NULL(member(&b, "p1", "power_factor_l1"));
	classes(_metadata, &b, "p1_power_factor_l1", "power_factor", "measurement", "", "");
	EXPECT_NEAR(50, json_object_get_double(member(&b, "p1", "frequency_hz")), 1e-9);
	EXPECT_NEAR(800.817, json_object_get_double(member(&b, "p1", "combined_kwh")), 1e-9);
	EXPECT_STREQ("ON", json_object_get_string(member(&b, "p1", "breaker_status")));
	EXPECT_STREQ("hungarian", json_object_get_string(member(&b, "p1", "variant")));
	unbuild(&b);
}

/* Objects no standard defines still go out, as sent, without an entity. */
TEST(unknown_objects_as_sent)
{
	static const char tg[] = "/XYZ5 x\r\n\r\n1-1:200.7.0(012.5*Hz)\r\n!\r\n";
	struct json_object *v;
	struct built b;

	build(_metadata, tg, sizeof(tg) - 1, NULL, &b);
	v = member(&b, "p1", "obis_1_1_200_7_0");
	ASSERT_NE(NULL, v);
	EXPECT_NEAR(12.5, json_object_get_double(json_object_object_get(v, "value")), 1e-9);
	EXPECT_STREQ("Hz", json_object_get_string(json_object_object_get(v, "unit")));
	EXPECT_NULL(entity(&b, "p1_obis_1_1_200_7_0"));
	unbuild(&b);
}

static void filter(struct sd_p1_filter *f, const char *include, const char *exclude)
{
	struct sd_p1 c = { 0 };

	snprintf(c.include, sizeof(c.include), "%s", include);
	snprintf(c.exclude, sizeof(c.exclude), "%s", exclude);
	sd_p1_filter_init(f, &c);
}

TEST(include_exclude)
{
	struct sd_p1_filter f;
	struct built b;

	/* by key, name or OBIS code, with globs */
	filter(&f, "import_* energy_export_total, 1-0:32.7.0", "");
	meter(_metadata, P1_METER_XS211_3PH, &f, &b);
	EXPECT_TRUE(has(&b, "p1", "import_kwh"));
	EXPECT_TRUE(has(&b, "p1", "import_t5_kwh"));
	EXPECT_TRUE(has(&b, "p1", "export_kwh"));
	EXPECT_TRUE(has(&b, "p1", "voltage_l1_v"));
	EXPECT_FALSE(has(&b, "p1", "voltage_l2_v"));
	EXPECT_FALSE(has(&b, "p1", "export_t1_kwh"));
	EXPECT_FALSE(has(&b, "p1", "variant"));
	EXPECT_NULL(payload(&b, "p1/power_failure_log"));
	EXPECT_NULL(entity(&b, "p1_voltage_l2_v"));
	unbuild(&b);

	filter(&f, "", "*_l2* *_l3* power_failure_log mbus1 *_t?_kwh");
	meter(_metadata, P1_METER_XS211_3PH, &f, &b);
	EXPECT_TRUE(has(&b, "p1", "voltage_l1_v"));
	EXPECT_FALSE(has(&b, "p1", "voltage_l2_v"));
	EXPECT_FALSE(has(&b, "p1", "reactive_power_l3_export_var"));
	EXPECT_FALSE(has(&b, "p1", "import_t1_kwh"));
	EXPECT_TRUE(has(&b, "p1", "import_kwh"));
	EXPECT_NULL(payload(&b, "p1/power_failure_log"));
	unbuild(&b);

	filter(&f, "", "mbus1");
	build(_metadata, fixture_dsmr5, strlen(fixture_dsmr5), &f, &b);
	EXPECT_NULL(payload(&b, "p1/mbus1"));
	unbuild(&b);
}

/* Same telegram shape, same entities; a new object changes the set. */
TEST(signature)
{
	struct built a, b, c;

	meter(_metadata, P1_METER_XS211, NULL, &a);
	meter(_metadata, P1_METER_XS211, NULL, &b);
	meter(_metadata, P1_METER_XS211_3PH, NULL, &c);
	EXPECT_EQ(a.pub.signature, b.pub.signature);
	EXPECT_NE(a.pub.signature, c.pub.signature);
	unbuild(&a);
	unbuild(&b);
	unbuild(&c);
}

/*
 * Per telegram, the entities are filled in only when their set is new:
 * the messages are the same, and so is the signature.
 */
TEST(known_entities_skipped)
{
	struct sd_p1_pub known, fresh;
	struct built b;

	meter(_metadata, P1_METER_XS211, NULL, &b);
	ASSERT_GT(b.pub.nent, 10);
	ASSERT_EQ(0, sd_p1_build_known(&b.t, NULL, BASE, b.pub.signature, &known));
	EXPECT_EQ(0, known.nent);
	EXPECT_EQ(b.pub.signature, known.signature);
	ASSERT_EQ(b.pub.nmsg, known.nmsg);
	for (size_t i = 0; i < known.nmsg; i++) {
		EXPECT_STREQ(b.pub.msg[i].sub, known.msg[i].sub);
		EXPECT_STREQ(json_object_to_json_string(b.pub.msg[i].payload),
			     json_object_to_json_string(known.msg[i].payload));
	}
	/* another set registered before: all of them, as sd_p1_build's */
	ASSERT_EQ(0, sd_p1_build_known(&b.t, NULL, BASE, b.pub.signature + 1, &fresh));
	ASSERT_EQ(b.pub.nent, fresh.nent);
	EXPECT_EQ(b.pub.signature, fresh.signature);
	for (size_t i = 0; i < fresh.nent; i++)
		EXPECT_EQ(0, memcmp(&b.pub.ent[i], &fresh.ent[i], sizeof(fresh.ent[i])));
	sd_p1_pub_free(&known);
	sd_p1_pub_free(&fresh);
	unbuild(&b);
}

/* The discovery payload carries the category and the enum's options. */
TEST(discovery_payload)
{
	struct sd_ha_device dev = { "gw", "homeassistant", BASE "/availability", "1" };
	struct json_object *o, *v;
	char topic[256];
	struct built b;

	meter(_metadata, P1_METER_XS211, NULL, &b);
	o = sd_ha_config(&dev, entity(&b, "p1_power_failures"), topic, sizeof(topic));
	ASSERT_NE(NULL, o);
	EXPECT_STREQ("homeassistant/sensor/gw/p1_power_failures/config", topic);
	EXPECT_STREQ("diagnostic", json_object_get_string(json_object_object_get(o, "entity_category")));
	json_object_put(o);
	o = sd_ha_config(&dev, entity(&b, "p1_breaker_state"), topic, sizeof(topic));
	ASSERT_NE(NULL, o);
	ASSERT_TRUE(json_object_object_get_ex(o, "options", &v));
	EXPECT_EQ(3, json_object_array_length(v));
	EXPECT_FALSE(json_object_object_get_ex(o, "entity_category", NULL));
	EXPECT_FALSE(json_object_object_get_ex(o, "state_class", NULL));
	json_object_put(o);
	o = sd_ha_config(&dev, entity(&b, "p1_import_kwh"), topic, sizeof(topic));
	EXPECT_STREQ("{{ value_json.import_kwh }}",
		     json_object_get_string(json_object_object_get(o, "value_template")));
	EXPECT_EQ(NULL, sd_ha_energy_problem(entity(&b, "p1_import_kwh")));
	json_object_put(o);
	unbuild(&b);
}

TEST_HARNESS_MAIN
