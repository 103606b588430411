// SPDX-License-Identifier: GPL-2.0
/*
 * smcardd as a gateway, the pure parts: the [modbus.server], [rule] and
 * [iio] sections and the alarm keys, the alarm conditions and their
 * threshold window, client address lists, saturating register encoding
 * and the Modbus register map (with its slots kept in a real store).
 */
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "smcardd/alarms.h"
#include "smcardd/config.h"
#include "smcardd/mbmap.h"
#include "smcardd/netacl.h"
#include "smcardd/store.h"

static bool has_error(const struct sd_config *c, const char *text)
{
	for (size_t i = 0; i < c->nerrors; i++)
		if (strstr(c->errors[i], text))
			return true;
	return false;
}

static const char gateway[] =
	"[analog tank]\n"
	"pin = 2\n"
	"input = 4 20\n"
	"output = 0 10\n"
	"unit = bar\n"
	"alarm_low = 1\n"
	"alarm_high = 8\n"
	"alarm_hysteresis = 0.2\n"
	"[digital leak]\n"
	"gpio = IO4\n"
	"alarm = on\n"
	"[output valve]\n"
	"gpio = IO5\n"
	"[rule close-valve]\n"
	"when = digital/leak on\n"
	"then = output/valve off\n"
	"[rule overpressure]\n"
	"when = analog/tank HIGH\n"
	"then = output/valve OFF\n"
	"restore = yes\n"
	"[iio climate]\n"
	"device = hdc100x\n"
	"interval = 30s\n"
	"[modbus.server]\n"
	"map = 1000 analog/tank value type=int32 scale=100\n"
	"listen = 0.0.0.0\n"
	"port = 1502\n"
	"unit_id = 7\n"
	"order = cdab\n"
	"allow = 192.168.1.0/24, ::1\n"
	"allow_write = yes\n"
	"write_allow = 192.168.1.10\n"
	"map = 1002 iio/climate temperature\n"
	"type = uint32\n";

TEST(config_gateway)
{
	struct sd_config c;
	int ret = sd_config_parse_string(&c, gateway, "t.conf");

	for (size_t i = 0; i < c.nerrors; i++)
		TH_LOG("%s", c.errors[i]);
	ASSERT_EQ(0, ret);
	EXPECT_TRUE(c.analog[0].range_alarm);		/* default */
	EXPECT_TRUE(c.analog[0].has_alarm_low);
	EXPECT_EQ(8.0, c.analog[0].alarm_high);
	EXPECT_EQ(0.2, c.analog[0].alarm_hysteresis);
	EXPECT_STREQ("on", c.digital[0].alarm);
	ASSERT_EQ(2, c.nrule);
	EXPECT_STREQ("digital", c.rule[0].kind);
	EXPECT_STREQ("leak", c.rule[0].source);
	EXPECT_STREQ("on", c.rule[0].state);
	EXPECT_STREQ("valve", c.rule[0].output);
	EXPECT_FALSE(c.rule[0].set_on);
	EXPECT_FALSE(c.rule[0].restore);
	EXPECT_STREQ("high", c.rule[1].state);
	EXPECT_TRUE(c.rule[1].restore);
	ASSERT_EQ(1, c.niiodev);
	EXPECT_STREQ("hdc100x", c.iiodev[0].device);
	EXPECT_EQ(30.0, c.iiodev[0].interval);
	EXPECT_TRUE(c.mbsrv.enabled);
	EXPECT_STREQ("0.0.0.0", c.mbsrv.listen);
	EXPECT_EQ(1502, c.mbsrv.port);
	EXPECT_EQ(7, c.mbsrv.unit_id);
	EXPECT_EQ(MBREG_CDAB, c.mbsrv.order);
	EXPECT_EQ(MBREG_UINT32, c.mbsrv.type);
	EXPECT_TRUE(c.mbsrv.allow_write);
	ASSERT_EQ(2, c.mbsrv.nmap);
	/* explicit settings stay, the rest follows the section, wherever written */
	EXPECT_EQ(MBREG_INT32, c.mbsrv.map[0].type);
	EXPECT_EQ(100.0, c.mbsrv.map[0].scale);
	EXPECT_EQ(MBREG_CDAB, c.mbsrv.map[0].order);
	EXPECT_EQ(MBREG_UINT32, c.mbsrv.map[1].type);
	EXPECT_STREQ("iio/climate", c.mbsrv.map[1].sub);
	EXPECT_STREQ("temperature", c.mbsrv.map[1].key);
	sd_config_free(&c);
}

TEST(config_modbus_server_defaults)
{
	struct sd_config c;

	ASSERT_EQ(0, sd_config_parse_string(&c, "[modbus.server]\n", "t"));
	EXPECT_TRUE(c.mbsrv.enabled);
	EXPECT_STREQ("127.0.0.1", c.mbsrv.listen);	/* loopback unless configured */
	EXPECT_EQ(502, c.mbsrv.port);
	EXPECT_EQ(1, c.mbsrv.unit_id);
	EXPECT_EQ(MBREG_FLOAT32, c.mbsrv.type);
	EXPECT_EQ(MBREG_ABCD, c.mbsrv.order);
	EXPECT_FALSE(c.mbsrv.allow_write);
	EXPECT_TRUE(c.mbsrv.auto_map);
	sd_config_free(&c);
	ASSERT_EQ(0, sd_config_parse_string(&c, "[analog a]\npin = 3\n", "t"));
	EXPECT_FALSE(c.mbsrv.enabled);
	EXPECT_TRUE(c.analog[0].range_alarm);
	EXPECT_FALSE(c.analog[0].has_alarm_high);
	sd_config_free(&c);
}

static const struct {
	const char *text, *error;
} bad[] = {
	{ "[modbus.server]\nmap = 1001 analog/x value\n", "t:2: map: bad address '1001'" },
	{ "[modbus.server]\nmap = 999 analog/x value\n", "bad address '999'" },
	{ "[modbus.server]\nmap = 11000 analog/x value\n", "bad address '11000'" },
	{ "[modbus.server]\nmap = 1000 analog/x\n", "map needs ADDRESS SUB KEY" },
	{ "[modbus.server]\nmap = 1000 analog/x value type=int16\n", "bad 'type=int16'" },
	{ "[modbus.server]\nmap = 1000 analog/x value scale=0\n", "bad 'scale=0'" },
	{ "[modbus.server]\nmap = 1000 a/x v\nmap = 1000 a/y v\n", "t:3: map: address 1000 is already used at line 2" },
	{ "[modbus.server]\nmap = 1000 a/x v\nmap = 1002 a/x v\n", "a/x v is already mapped at line 2" },
	{ "[modbus.server]\nlisten = gateway.lan\n", "bad listen 'gateway.lan'" },
	{ "[modbus.server]\nallow = 10.0.0.0/33\n", "bad prefix length '/33'" },
	{ "[modbus.server]\nallow = 10.0.0.x\n", "'10.0.0.x' is not an IPv4 or IPv6 address" },
	{ "[modbus.server]\nlisten = 0.0.0.0\nallow_write = yes\n", "needs 'write_allow'" },
	{ "[modbus.server]\ntype = int16\n", "bad type 'int16'" },
	{ "[modbus.server]\nauto_map = no\n", "no 'map = ADDRESS SUB KEY' line" },
	{ "[modbus.server]\n[modbus.server]\n", "appears twice" },
	{ "[analog a]\npin = 2\nalarm_low = 5\nalarm_high = 5\n", "alarm_low (5) must be below alarm_high (5)" },
	{ "[analog a]\npin = 2\nalarm_low = 4\nalarm_high = 5\nalarm_hysteresis = 0.6\n", "overlaps" },
	{ "[digital d]\ngpio = IO4\nalarm = yes\n", "bad alarm 'yes'; one of: on, off" },
	{ "[rule r]\nwhen = digital/leak on\n", "needs 'when = KIND/NAME STATE' and 'then" },
	{ "[rule r]\nwhen = digital/leak on\nthen = output/v off\n", "no [digital leak] for 'when = digital/leak on'" },
	{ "[digital leak]\ngpio = IO4\n[rule r]\nwhen = digital/leak on\nthen = output/v off\n", "no [output v] for 'then'" },
	{ "[rule r]\nwhen = digital/leak high\n", "bad when 'digital/leak high': state 'high' of digital" },
	{ "[rule r]\nwhen = counter/x on\n", "'counter' is not one of analog digital" },
	{ "[rule r]\nwhen = log/x on\n", "'log' is not one of analog digital" },
	{ "[rule r]\nwhen = digital/leak\n", "expected KIND/NAME STATE" },
	{ "[rule r]\nthen = output/v toggle\n", "an output is set on or off" },
	{ "[analog a]\npin = 2\n[output v]\ngpio = IO5\n[rule r]\nwhen = analog/a high\nthen = output/v off\n",
	  "[analog a] has no high alarm (no alarm_high)" },
	{ "[analog a]\npin = 2\nrange_alarm = no\n[output v]\ngpio = IO5\n[rule r]\nwhen = analog/a over_range\nthen = output/v off\n",
	  "has no over_range alarm (range_alarm is off)" },
	{ "[iio x]\n", "[iio x] needs 'device'" },
	{ "[iio x]\ndevice = hdc100x\n[iio x]\ndevice = y\n", "[iio x] is defined twice" },
};

TEST(config_errors)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sd_config c;
		int ret = sd_config_parse_string(&c, bad[i].text, "t");

		EXPECT_EQ(-EINVAL, ret);
		if (!has_error(&c, bad[i].error)) {
			TH_LOG("case %zu: no error '%s'; got:", i, bad[i].error);
			for (size_t k = 0; k < c.nerrors; k++)
				TH_LOG("  %s", c.errors[k]);
			EXPECT_TRUE(false);
		}
		sd_config_free(&c);
	}
}

/* --- alarms ------------------------------------------------------------- */

/* The smcard-adc current channel: 25 mA full scale over 16 bits */
#define MA_SCALE	(25.0 / 65536)
static double code_ma(double ma) { return ma / MA_SCALE; }

static struct sd_analog analog(void)
{
	struct sd_analog a = { .scale = 1, .range_alarm = true };

	a.map[0] = a.map[1] = a.map[2] = a.map[3] = NAN;
	return a;
}

TEST(alarm_namur_window)
{
	struct sd_analog a = analog();
	struct sd_alarm_set s;
	bool hr, hf;
	long r, f;
	char err[128];

	ASSERT_EQ(0, sd_alarm_setup(&s, &a, true, MA_SCALE, 0, err, sizeof(err)));
	EXPECT_EQ(2, s.n);
	EXPECT_EQ(0u, sd_alarm_eval(&s, code_ma(12)));
	sd_alarm_window(&s, &hr, &r, &hf, &f);
	ASSERT_TRUE(hr && hf);
	EXPECT_EQ((long)floor(code_ma(21)), r);		/* code > r: over 21 mA */
	EXPECT_EQ((long)ceil(code_ma(3.6)), f);		/* code < f: below 3.6 mA */

	/* the rising event: over-range, now waiting to fall back to 20.5 mA */
	EXPECT_EQ(1u << SD_ALARM_OVER_RANGE, sd_alarm_event(&s, true));
	EXPECT_EQ(1u << SD_ALARM_OVER_RANGE, sd_alarm_active(&s));
	sd_alarm_window(&s, &hr, &r, &hf, &f);
	EXPECT_FALSE(hr);
	ASSERT_TRUE(hf);
	EXPECT_EQ((long)floor(code_ma(20.5)) + 1, f);
	/* a falling event at that point clears it */
	EXPECT_EQ(1u << SD_ALARM_OVER_RANGE, sd_alarm_event(&s, false));
	EXPECT_EQ(0u, sd_alarm_active(&s));
	/* no rising window when nothing waits for a rise: the event changes nothing */
	EXPECT_EQ(1u << SD_ALARM_UNDER_RANGE, sd_alarm_eval(&s, code_ma(2)));
	EXPECT_EQ(0u, sd_alarm_eval(&s, code_ma(3.7)));	/* within the hysteresis */
	EXPECT_EQ(1u << SD_ALARM_UNDER_RANGE, sd_alarm_eval(&s, code_ma(3.8)));
}

TEST(alarm_user_thresholds_mapped)
{
	struct sd_analog a = analog();
	struct sd_alarm_set s;
	bool hr, hf;
	long r, f;
	char err[128];

	/* 4-20 mA is 0-10 bar; high above 8 bar (16.8 mA), clear at 7.5 bar (16 mA) */
	a.map[0] = 4, a.map[1] = 0, a.map[2] = 20, a.map[3] = 10;
	a.has_map = true;
	a.has_alarm_high = true, a.alarm_high = 8, a.alarm_hysteresis = 0.5;
	a.has_alarm_low = true, a.alarm_low = 1;
	ASSERT_EQ(0, sd_alarm_setup(&s, &a, true, MA_SCALE, 0, err, sizeof(err)));
	EXPECT_EQ(4, s.n);
	sd_alarm_eval(&s, code_ma(12));
	sd_alarm_window(&s, &hr, &r, &hf, &f);
	EXPECT_EQ((long)floor(code_ma(16.8)), r);	/* high comes before over-range */
	EXPECT_EQ((long)ceil(code_ma(5.6)), f);		/* low (1 bar) before under-range */
	EXPECT_EQ(1u << SD_ALARM_HIGH, sd_alarm_event(&s, true));
	sd_alarm_window(&s, &hr, &r, &hf, &f);
	EXPECT_EQ((long)floor(code_ma(21)), r);		/* next: over-range */
	EXPECT_EQ((long)floor(code_ma(16)) + 1, f);	/* or back below 7.5 bar */
	EXPECT_EQ(0u, sd_alarm_eval(&s, code_ma(16.5)));
	EXPECT_EQ(1u << SD_ALARM_HIGH, sd_alarm_eval(&s, code_ma(15.9)));
	/* a jump over several points at once: the reading sets them all */
	EXPECT_EQ((1u << SD_ALARM_LOW) | (1u << SD_ALARM_UNDER_RANGE),
		  sd_alarm_eval(&s, code_ma(1)));
}

TEST(alarm_follow_a_jump)
{
	struct sd_analog a = analog();
	struct sd_alarm_set s;
	char err[128];

	a.map[0] = 4, a.map[1] = 0, a.map[2] = 20, a.map[3] = 10;
	a.has_map = true;
	a.has_alarm_high = true, a.alarm_high = 8;
	a.has_alarm_low = true, a.alarm_low = 1;
	ASSERT_EQ(0, sd_alarm_setup(&s, &a, true, MA_SCALE, 0, err, sizeof(err)));
	sd_alarm_eval(&s, code_ma(12));
	/* 12 -> 22 mA: the event is for "high"; the reading brings over-range along */
	EXPECT_EQ(1u << SD_ALARM_HIGH, sd_alarm_event(&s, true));
	EXPECT_EQ(1u << SD_ALARM_OVER_RANGE, sd_alarm_follow(&s, code_ma(22), true));
	/* a reading that dropped back meanwhile does not undo a rising event */
	EXPECT_EQ(0u, sd_alarm_follow(&s, code_ma(12), true));
	EXPECT_EQ((1u << SD_ALARM_HIGH) | (1u << SD_ALARM_OVER_RANGE), sd_alarm_active(&s));
	/* 22 -> 2 mA: one falling event, the reading clears and trips the rest */
	EXPECT_EQ(1u << SD_ALARM_OVER_RANGE, sd_alarm_event(&s, false));
	EXPECT_EQ((1u << SD_ALARM_HIGH) | (1u << SD_ALARM_LOW) | (1u << SD_ALARM_UNDER_RANGE),
		  sd_alarm_follow(&s, code_ma(2), false));
	EXPECT_EQ((1u << SD_ALARM_LOW) | (1u << SD_ALARM_UNDER_RANGE), sd_alarm_active(&s));
	/* and back up: a rise clears what a fall tripped */
	EXPECT_EQ((1u << SD_ALARM_LOW) | (1u << SD_ALARM_UNDER_RANGE),
		  sd_alarm_follow(&s, code_ma(12), true));
}

TEST(alarm_inverted_mapping)
{
	struct sd_analog a = analog();
	struct sd_alarm_set s;
	bool hr, hf;
	long r, f;
	char err[128];

	/* a level sensor that gives 20 mA when empty: 4 mA = 10 m, 20 mA = 0 m */
	a.map[0] = 4, a.map[1] = 10, a.map[2] = 20, a.map[3] = 0;
	a.has_map = true;
	a.range_alarm = false;
	a.has_alarm_high = true, a.alarm_high = 9;	/* 5.6 mA and below */
	ASSERT_EQ(0, sd_alarm_setup(&s, &a, true, MA_SCALE, 0, err, sizeof(err)));
	sd_alarm_eval(&s, code_ma(12));
	sd_alarm_window(&s, &hr, &r, &hf, &f);
	EXPECT_FALSE(hr);
	ASSERT_TRUE(hf);
	EXPECT_EQ((long)ceil(code_ma(5.6)), f);
	EXPECT_EQ(1u << SD_ALARM_HIGH, sd_alarm_eval(&s, code_ma(5)));
	/* flat mappings have no inverse */
	a.map[3] = 10;
	EXPECT_EQ(-1, sd_alarm_setup(&s, &a, true, MA_SCALE, 0, err, sizeof(err)));
}

TEST(alarm_voltage_over_range)
{
	struct sd_analog a = analog();
	struct sd_alarm_set s;
	char err[128];
	double mv = 12500.0 / 65536;	/* mV per code */

	ASSERT_EQ(0, sd_alarm_setup(&s, &a, false, mv, 0, err, sizeof(err)));
	ASSERT_EQ(1, s.n);
	EXPECT_EQ(SD_ALARM_OVER_RANGE, s.c[0].alarm);
	EXPECT_EQ(0u, sd_alarm_eval(&s, 10000 / mv));
	EXPECT_EQ(1u << SD_ALARM_OVER_RANGE, sd_alarm_eval(&s, 10010 / mv));
	EXPECT_STREQ("over_range", sd_alarm_name(SD_ALARM_OVER_RANGE));
	EXPECT_EQ(SD_ALARM_UNDER_RANGE, sd_alarm_parse("under_range"));
	EXPECT_EQ(-1, sd_alarm_parse("alarm"));
}

/* --- client lists ------------------------------------------------------- */

static struct sockaddr_storage addr(const char *text)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;

	if (inet_pton(AF_INET, text, &v4->sin_addr) == 1)
		v4->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1)
		v6->sin6_family = AF_INET6;
	return ss;
}

static bool match(const struct sd_netacl *acl, const char *text)
{
	struct sockaddr_storage ss = addr(text);

	return sd_netacl_match(acl, (struct sockaddr *)&ss);
}

TEST(netacl)
{
	struct sd_netacl acl;
	char err[128];
	bool lo;

	ASSERT_EQ(0, sd_netacl_parse("192.168.1.0/24 10.1.2.3, fd00::/8,::1", &acl, err, sizeof(err)));
	EXPECT_EQ(4, acl.n);
	EXPECT_TRUE(match(&acl, "192.168.1.77"));
	EXPECT_FALSE(match(&acl, "192.168.2.1"));
	EXPECT_TRUE(match(&acl, "10.1.2.3"));
	EXPECT_FALSE(match(&acl, "10.1.2.4"));
	EXPECT_TRUE(match(&acl, "fd12::1"));
	EXPECT_FALSE(match(&acl, "fe80::1"));
	EXPECT_TRUE(match(&acl, "::1"));
	EXPECT_TRUE(match(&acl, "::ffff:192.168.1.5"));	/* IPv4 on an IPv6 socket */
	EXPECT_FALSE(match(&acl, "::ffff:192.168.3.5"));
	ASSERT_EQ(0, sd_netacl_parse("10.0.0.0/9", &acl, err, sizeof(err)));
	EXPECT_TRUE(match(&acl, "10.127.0.1"));
	EXPECT_FALSE(match(&acl, "10.128.0.1"));
	memset(&acl, 0, sizeof(acl));
	EXPECT_TRUE(match(&acl, "203.0.113.9"));		/* empty: anyone */
	EXPECT_EQ(-1, sd_netacl_parse("", &acl, err, sizeof(err)));
	EXPECT_EQ(-1, sd_netacl_parse("::1/129", &acl, err, sizeof(err)));
	EXPECT_EQ(0, sd_netacl_listen_check("127.0.0.1", &lo, err, sizeof(err)));
	EXPECT_TRUE(lo);
	EXPECT_EQ(0, sd_netacl_listen_check("::1", &lo, err, sizeof(err)));
	EXPECT_TRUE(lo);
	EXPECT_EQ(0, sd_netacl_listen_check("::", &lo, err, sizeof(err)));
	EXPECT_FALSE(lo);
	EXPECT_EQ(0, sd_netacl_listen_check("0.0.0.0", &lo, err, sizeof(err)));
	EXPECT_FALSE(lo);
	EXPECT_EQ(-1, sd_netacl_listen_check("localhost", &lo, err, sizeof(err)));
}

/* --- register values ---------------------------------------------------- */

TEST(encode_saturating)
{
	uint16_t r[2];
	double v;

	EXPECT_EQ(0, mbreg_encode_sat(-123456.4, MBREG_INT32, MBREG_ABCD, r));
	mbreg_decode(r, MBREG_INT32, MBREG_ABCD, &v);
	EXPECT_EQ(-123456.0, v);
	EXPECT_EQ(1, mbreg_encode_sat(1e12, MBREG_INT32, MBREG_CDAB, r));
	mbreg_decode(r, MBREG_INT32, MBREG_CDAB, &v);
	EXPECT_EQ(2147483647.0, v);
	EXPECT_EQ(1, mbreg_encode_sat(-5, MBREG_UINT32, MBREG_ABCD, r));
	mbreg_decode(r, MBREG_UINT32, MBREG_ABCD, &v);
	EXPECT_EQ(0.0, v);
	EXPECT_EQ(1, mbreg_encode_sat(NAN, MBREG_INT32, MBREG_ABCD, r));
	EXPECT_EQ(0, r[0] | r[1]);
	EXPECT_EQ(0, mbreg_encode_sat(NAN, MBREG_FLOAT32, MBREG_ABCD, r));
	EXPECT_EQ(0x7fc0, r[0]);
	EXPECT_EQ(1, mbreg_encode_sat(1e300, MBREG_FLOAT32, MBREG_ABCD, r));
	EXPECT_EQ(0, mbreg_encode_sat(4294967295.0, MBREG_UINT32, MBREG_DCBA, r));
	mbreg_decode(r, MBREG_UINT32, MBREG_DCBA, &v);
	EXPECT_EQ(4294967295.0, v);
}

/* --- the register map --------------------------------------------------- */

FIXTURE(map) {
	char path[64];
	struct sd_store *store;
	struct sd_config cfg;
};

FIXTURE_SETUP(map)
{
	char err[128];
	int fd;

	snprintf(self->path, sizeof(self->path), "/tmp/mbmap-test-XXXXXX");
	fd = mkstemp(self->path);
	ASSERT_GE(fd, 0);
	close(fd);
	ASSERT_EQ(0, sd_store_open(&self->store, self->path, err, sizeof(err)));
	ASSERT_EQ(0, sd_config_parse_string(&self->cfg,
		"[modbus.server]\nmap = 1010 analog/tank value type=int32 scale=100\n", "t"));
}

FIXTURE_TEARDOWN(map)
{
	sd_store_close(self->store);
	sd_config_free(&self->cfg);
	unlink(self->path);
	for (const char *sfx = "-wal"; sfx; sfx = strcmp(sfx, "-wal") ? NULL : "-shm") {
		char p[80];

		snprintf(p, sizeof(p), "%s%s", self->path, sfx);
		unlink(p);
	}
}

static struct json_object *reading(const char *json)
{
	return json_tokener_parse(json);
}

#define EXPECT_NEAR(want, got, tol) EXPECT_TRUE(fabs((double)(want) - (got)) <= (tol))

static double value_at(struct sd_mbmap *m, int addr, enum mbreg_type t, enum mbreg_order o)
{
	double v = -1;

	mbreg_decode(&sd_mbmap_tables(m)->tab_registers[addr], t, o, &v);
	return v;
}

TEST_F(map, slots_status_and_persistence)
{
	struct sd_mbmap_status st = { .uptime_s = 70000, .mqtt = 1, .spool = 3 };
	struct sd_mbmap *m;
	struct json_object *j;
	modbus_mapping_t *mb;
	int tank, valve, p1;

	ASSERT_EQ(0, sd_mbmap_new(&m, &self->cfg.mbsrv, self->store));
	tank = sd_mbmap_source(m, "analog", "tank", false);
	valve = sd_mbmap_source(m, "output", "valve", true);
	p1 = sd_mbmap_source(m, "p1", "p1", false);
	EXPECT_EQ(0, tank);
	EXPECT_EQ(1, valve);
	EXPECT_EQ(2, p1);
	EXPECT_EQ(tank, sd_mbmap_source(m, "analog", "tank", false));
	mb = sd_mbmap_tables(m);

	/* first sight gives the next free slots; the pinned one has its own */
	j = reading("{\"time\":\"x\",\"power\":1234.5,\"import_kwh\":42}");
	sd_mbmap_reading(m, "p1", j, 1000);
	json_object_put(j);
	j = reading("{\"value\":7.256,\"unit\":\"bar\",\"input\":15.6}");
	sd_mbmap_reading(m, "analog/tank", j, 2000);
	json_object_put(j);
	EXPECT_EQ(4, sd_mbmap_count(m));	/* power, import_kwh, input and the pinned value */
	EXPECT_NEAR(1234.5, value_at(m, 1000, MBREG_FLOAT32, MBREG_ABCD), 1e-3);
	EXPECT_NEAR(42, value_at(m, 1002, MBREG_FLOAT32, MBREG_ABCD), 1e-6);
	EXPECT_NEAR(15.6, value_at(m, 1004, MBREG_FLOAT32, MBREG_ABCD), 1e-5);
	EXPECT_EQ(726.0, value_at(m, 1010, MBREG_INT32, MBREG_ABCD));	/* 7.256 * 100 */
	/* pinned slot 5 is skipped by the automatic ones */
	j = reading("{\"a\":1,\"b\":2,\"c\":3}");
	sd_mbmap_reading(m, "status", j, 2000);
	json_object_put(j);
	EXPECT_EQ(3.0, value_at(m, 1012, MBREG_FLOAT32, MBREG_ABCD));

	/* output state: coil and discrete input of its slot */
	j = reading("{\"state\":\"ON\",\"value\":1}");
	sd_mbmap_reading(m, "output/valve", j, 2500);
	json_object_put(j);
	EXPECT_EQ(1, mb->tab_bits[valve]);
	EXPECT_EQ(1, mb->tab_input_bits[SD_MBMAP_DI_STATE + valve]);
	EXPECT_STREQ("valve", sd_mbmap_coil_output(m, valve));
	EXPECT_EQ(NULL, sd_mbmap_coil_output(m, tank));
	EXPECT_EQ(NULL, sd_mbmap_coil_output(m, 150));

	/* alarms, health, ages and qualities */
	sd_mbmap_source_alarms(m, tank, 1u << SD_ALARM_HIGH);
	sd_mbmap_source_state(m, tank, true, 0);
	sd_mbmap_source_state(m, p1, false, 3);
	sd_mbmap_source_state(m, valve, true, 0);
	sd_mbmap_refresh(m, 12500, &st);
	EXPECT_EQ(SD_MBMAP_MAGIC, mb->tab_registers[0]);
	EXPECT_EQ(SD_MBMAP_LAYOUT, mb->tab_registers[1]);
	EXPECT_EQ(70000.0, value_at(m, SD_MBH_UPTIME, MBREG_UINT32, MBREG_ABCD));
	EXPECT_EQ(8, mb->tab_registers[SD_MBH_VALUES]);
	EXPECT_EQ(3, mb->tab_registers[SD_MBH_SOURCES]);
	EXPECT_EQ(2, mb->tab_registers[SD_MBH_UP]);
	EXPECT_EQ(1, mb->tab_registers[SD_MBH_DOWN]);
	EXPECT_EQ(1, mb->tab_registers[SD_MBH_ALARMS]);
	EXPECT_EQ(1, mb->tab_registers[SD_MBH_MQTT]);
	EXPECT_EQ(3.0, value_at(m, SD_MBH_SPOOL, MBREG_UINT32, MBREG_ABCD));
	EXPECT_EQ(SD_MBS_DOWN, mb->tab_registers[SD_MBMAP_SOURCES + 4 * p1 + SD_MBS_STATE]);
	EXPECT_EQ(3, mb->tab_registers[SD_MBMAP_SOURCES + 4 * p1 + SD_MBS_FAILURES]);
	EXPECT_EQ(11, mb->tab_registers[SD_MBMAP_SOURCES + 4 * p1 + SD_MBS_AGE]);
	EXPECT_EQ(1u << SD_ALARM_HIGH, mb->tab_registers[SD_MBMAP_SOURCES + 4 * tank + SD_MBS_ALARMS]);
	EXPECT_EQ(1, mb->tab_input_bits[SD_MBMAP_DI_ALARM + tank]);
	EXPECT_EQ(11, mb->tab_registers[SD_MBMAP_AGE + 0]);		/* p1 power */
	EXPECT_EQ(SD_MBQ_DOWN, mb->tab_registers[SD_MBMAP_QUALITY + 0]);
	EXPECT_EQ(10, mb->tab_registers[SD_MBMAP_AGE + 5]);		/* tank value */
	EXPECT_EQ(SD_MBQ_ALARM, mb->tab_registers[SD_MBMAP_QUALITY + 5]);
	EXPECT_EQ(SD_MBQ_GOOD, mb->tab_registers[SD_MBMAP_QUALITY + 6]);	/* status a */
	EXPECT_EQ(SD_MB_AGE_NONE, mb->tab_registers[SD_MBMAP_AGE + 100]);
	EXPECT_EQ(SD_MBQ_NONE, mb->tab_registers[SD_MBMAP_QUALITY + 100]);
	/* the input registers are the holding registers */
	EXPECT_EQ(mb->tab_registers, mb->tab_input_registers);
	sd_mbmap_free(m);

	/* a new map on the same store: other order of first sight, same slots */
	ASSERT_EQ(0, sd_mbmap_new(&m, &self->cfg.mbsrv, self->store));
	EXPECT_EQ(p1, sd_mbmap_source(m, "p1", "p1", false));
	EXPECT_EQ(valve, sd_mbmap_source(m, "output", "valve", true));
	EXPECT_EQ(3, sd_mbmap_source(m, "digital", "door", false));
	j = reading("{\"c\":30,\"new\":5,\"import_kwh\":43}");
	sd_mbmap_reading(m, "status", j, 1);
	json_object_put(j);
	j = reading("{\"import_kwh\":43}");
	sd_mbmap_reading(m, "p1", j, 1);
	json_object_put(j);
	/* slots 0-6 as before, 7 was output/valve value: the new ones follow */
	EXPECT_EQ(30.0, value_at(m, 1012, MBREG_FLOAT32, MBREG_ABCD));	/* status c: slot 6 */
	EXPECT_EQ(5.0, value_at(m, 1016, MBREG_FLOAT32, MBREG_ABCD));	/* status new: slot 8 */
	EXPECT_EQ(43.0, value_at(m, 1018, MBREG_FLOAT32, MBREG_ABCD));	/* status import_kwh */
	EXPECT_EQ(43.0, value_at(m, 1002, MBREG_FLOAT32, MBREG_ABCD));	/* p1 import_kwh: slot 1 */
	sd_mbmap_free(m);
}

TEST_F(map, alarm_topics_are_not_values)
{
	struct sd_mbmap *m;
	struct json_object *j;

	ASSERT_EQ(0, sd_mbmap_new(&m, &self->cfg.mbsrv, NULL));
	j = reading("{\"state\":\"ON\",\"input\":22.1,\"value\":1}");
	sd_mbmap_reading(m, "alarm/analog/tank", j, 5);
	sd_mbmap_reading(m, "rule/r", j, 5);
	json_object_put(j);
	EXPECT_EQ(0, sd_mbmap_count(m));
	sd_mbmap_free(m);
}

TEST_F(map, write_as_config_lines)
{
	struct sd_mbmap *m;
	struct json_object *j;
	char path[80], line[256], text[1024] = "";
	struct sd_config c;
	FILE *f;

	ASSERT_EQ(0, sd_mbmap_new(&m, &self->cfg.mbsrv, NULL));
	sd_mbmap_source(m, "analog", "tank", false);
	j = reading("{\"value\":1,\"input\":5}");
	sd_mbmap_reading(m, "analog/tank", j, 5);
	json_object_put(j);
	EXPECT_TRUE(sd_mbmap_dirty(m));
	snprintf(path, sizeof(path), "%s.map", self->path);
	ASSERT_EQ(0, sd_mbmap_write(m, path));
	EXPECT_FALSE(sd_mbmap_dirty(m));
	sd_mbmap_free(m);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	strcat(text, "[modbus.server]\n");
	while (fgets(line, sizeof(line), f))
		strncat(text, line, sizeof(text) - strlen(text) - 1);
	fclose(f);
	unlink(path);
	/* what it wrote is a valid map */
	ASSERT_EQ(0, sd_config_parse_string(&c, text, "map"));
	ASSERT_EQ(2, c.mbsrv.nmap);
	EXPECT_EQ(1000, c.mbsrv.map[0].address);
	EXPECT_STREQ("input", c.mbsrv.map[0].key);
	EXPECT_EQ(1010, c.mbsrv.map[1].address);
	EXPECT_EQ(MBREG_INT32, c.mbsrv.map[1].type);
	EXPECT_EQ(100.0, c.mbsrv.map[1].scale);
	sd_config_free(&c);
}

TEST_HARNESS_MAIN
