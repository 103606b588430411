// SPDX-License-Identifier: GPL-2.0
/* smcardd configuration: a full file, defaults, and every error path. */
#include <math.h>
#include <string.h>

#include "kselftest_harness.h"
#include "smcardd/config.h"

static const char full[] =
	"; comment\n"
	"[general]\n"
	"name = gw1\n"
	"log_level = debug\n"
	"[mqtt]\n"
	"host = broker.lan\n"
	"tls = yes\n"
	"cafile = /etc/ca.pem\n"
	"qos = 1\n"
	"[jsonl]\n"
	"path = -\n"
	"[spool]\n"
	"path = /tmp/x.db\n"
	"max_rows = 5000\n"
	"[p1]\n"
	"device = /dev/ttySIM2\n"
	"interval = 10s\n"
	"key = 000102030405060708090A0B0C0D0E0F\n"
	"[modbus.meter grid]\n"
	"transport = rtu\n"
	"device = /dev/ttySIM0\n"
	"baud = 19200\n"
	"parity = none\n"
	"serial_mode = rs485-half\n"
	"termination = yes\n"
	"order = cdab\n"
	"register = energy input 0x48 float32 unit=kWh scale=0.001\n"
	"register = power holding 12 int32 order=abcd unit=W\n"
	"register = relay coil 3 bool\n"
	"[analog pressure]\n"
	"pin = 2\n"
	"input = 4 20\n"
	"output = 0 10\n"
	"unit = bar\n"
	"clamp = yes\n"
	"interval = 500ms\n"
	"[counter heat]\n"
	"device = smcard-counter\n"
	"count = 1\n"
	"pulses_per_unit = 1000\n"
	"unit = kWh\n"
	"initial = 1234.5\n"
	"[digital door]\n"
	"gpio = IO3\n"
	"debounce_ms = 30\n"
	"device_class = door\n"
	"[output relay]\n"
	"gpio = IO5\n"
	"open_drain = yes\n"
	"[status]\n"
	"interval = 1min\n";

TEST(full_file)
{
	struct sd_config c;

	ASSERT_EQ(0, sd_config_parse_string(&c, full, "t.conf"));
	EXPECT_STREQ("gw1", c.general.name);
	EXPECT_EQ(SD_LOG_DEBUG, c.general.log_level);
	EXPECT_TRUE(c.mqtt.enabled);
	EXPECT_EQ(8883, c.mqtt.port);	/* TLS default */
	EXPECT_TRUE(c.jsonl.enabled);
	EXPECT_EQ(5000, c.spool.max_rows);
	EXPECT_TRUE(c.p1.has_key);
	EXPECT_EQ(0x0f, c.p1.key[15]);
	EXPECT_EQ(10.0, c.p1.interval);
	ASSERT_EQ(1, c.nmodbus);
	EXPECT_EQ(SD_MB_RTU, c.modbus[0].transport);
	EXPECT_EQ('N', c.modbus[0].parity);
	EXPECT_EQ(1, c.modbus[0].termination);
	ASSERT_EQ(3, c.modbus[0].nregs);
	EXPECT_EQ(0x48, c.modbus[0].regs[0].address);
	EXPECT_EQ(MBREG_CDAB, c.modbus[0].regs[0].order);	/* meter default */
	EXPECT_EQ(MBREG_ABCD, c.modbus[0].regs[1].order);
	EXPECT_EQ(0.001, c.modbus[0].regs[0].scale);
	EXPECT_STREQ("kWh", c.modbus[0].regs[0].unit);
	EXPECT_EQ(MBREG_BOOL, c.modbus[0].regs[2].type);
	ASSERT_EQ(1, c.nanalog);
	EXPECT_TRUE(c.analog[0].has_map);
	EXPECT_EQ(20.0, c.analog[0].map[2]);
	EXPECT_EQ(10.0, c.analog[0].map[3]);
	EXPECT_EQ(0.5, c.analog[0].interval);
	ASSERT_EQ(1, c.ncounter);
	EXPECT_EQ(0.001, c.counter[0].weight);
	EXPECT_EQ(1234.5, c.counter[0].initial);
	EXPECT_EQ(30, c.digital[0].debounce_ms);
	EXPECT_TRUE(c.output[0].open_drain);
	EXPECT_EQ(60.0, c.status.interval);
	EXPECT_TRUE(sd_config_has_sources(&c));
	sd_config_free(&c);
}

TEST(defaults)
{
	struct sd_config c;

	ASSERT_EQ(0, sd_config_parse_string(&c, "[mqtt]\n", "t.conf"));
	EXPECT_EQ(1883, c.mqtt.port);
	EXPECT_EQ(1, c.mqtt.qos);
	EXPECT_TRUE(c.mqtt.retain);
	EXPECT_TRUE(c.mqtt.discovery);
	EXPECT_STREQ("homeassistant", c.mqtt.discovery_prefix);
	EXPECT_STREQ("smcard", c.mqtt.topic_prefix);
	EXPECT_FALSE(c.jsonl.enabled);
	EXPECT_FALSE(sd_config_has_sources(&c));
	sd_config_free(&c);
}

TEST(example_file)
{
	struct sd_config c;
	int ret = sd_config_load(&c, "smcardd/smcardd.conf.example");

	if (ret == -ENOENT) {
		sd_config_free(&c);
		ret = sd_config_load(&c, "userspace/smcardd/smcardd.conf.example");
	}
	for (size_t i = 0; i < c.nerrors; i++)
		TH_LOG("%s", c.errors[i]);
	EXPECT_EQ(0, ret);
	sd_config_free(&c);
}

TEST(mbus)
{
	struct sd_config c;
	int ret = sd_config_parse_string(&c,
		"[mbus]\n"
		"bus = mbus0\n"
		"baud = 9600\n"
		"scan = secondary\n"
		"scan_interval = 1h\n"
		"interval = 5min\n"
		"retries = 1\n"
		"timeout_extra_ms = 20\n"
		"[mbus.meter water]\n"
		"address = 5\n"
		"interval = 30s\n"
		"[mbus.meter heat]\n"
		"address = 1234567824400107\n"
		"key = 000102030405060708090A0B0C0D0E0F\n"
		"[mbus.meter gas]\n"
		"address = 87654321\n"
		"device_class = gas\n", "t");

	for (size_t i = 0; i < c.nerrors; i++)
		TH_LOG("%s", c.errors[i]);
	ASSERT_EQ(0, ret);
	EXPECT_TRUE(c.mbus.enabled);
	EXPECT_TRUE(sd_config_has_sources(&c));
	EXPECT_STREQ("mbus0", c.mbus.bus);
	EXPECT_TRUE(c.mbus.power);
	EXPECT_EQ(9600, c.mbus.baud);
	EXPECT_EQ(SD_MBUS_SCAN_SECONDARY, c.mbus.scan);
	EXPECT_EQ(3600.0, c.mbus.scan_interval);
	EXPECT_EQ(300.0, c.mbus.interval);
	EXPECT_EQ(1, c.mbus.retries);
	EXPECT_EQ(20, c.mbus.timeout_extra_ms);
	EXPECT_EQ(16, c.mbus.max_telegrams);
	ASSERT_EQ(3, c.nmbus_meter);
	EXPECT_STREQ("water", c.mbus_meter[0].name);
	EXPECT_STREQ("5", c.mbus_meter[0].address);
	EXPECT_EQ(30.0, c.mbus_meter[0].interval);
	EXPECT_STREQ("1234567824400107", c.mbus_meter[1].address);
	EXPECT_EQ(300.0, c.mbus_meter[1].interval);	/* [mbus] interval */
	EXPECT_FALSE(c.mbus_meter[0].has_key);
	EXPECT_TRUE(c.mbus_meter[1].has_key);
	EXPECT_EQ(0x0F, c.mbus_meter[1].key[15]);
	EXPECT_STREQ("gas", c.mbus_meter[2].device_class);
	sd_config_free(&c);

	/* meters alone: [mbus] with its defaults */
	ret = sd_config_parse_string(&c, "[mbus.meter w]\naddress = 7\n", "t");
	ASSERT_EQ(0, ret);
	EXPECT_TRUE(c.mbus.enabled);
	EXPECT_TRUE(c.mbus.power);
	EXPECT_EQ(0, c.mbus.baud);
	EXPECT_EQ(SD_MBUS_SCAN_NONE, c.mbus.scan);
	EXPECT_EQ(60.0, c.mbus_meter[0].interval);
	EXPECT_EQ(2, c.mbus.retries);
	sd_config_free(&c);

	/* discovery only */
	ret = sd_config_parse_string(&c, "[mbus]\nscan = primary\npower = no\n", "t");
	ASSERT_EQ(0, ret);
	EXPECT_EQ(SD_MBUS_SCAN_PRIMARY, c.mbus.scan);
	EXPECT_FALSE(c.mbus.power);
	EXPECT_EQ(0, c.nmbus_meter);
	sd_config_free(&c);

	/* switched off */
	ret = sd_config_parse_string(&c, "[mbus]\nenabled = no\n[status]\n", "t");
	EXPECT_EQ(0, ret);
	EXPECT_FALSE(c.mbus.enabled);
	sd_config_free(&c);
}

TEST(missing_file)
{
	struct sd_config c;

	EXPECT_EQ(-ENOENT, sd_config_load(&c, "/nonexistent/smcardd.conf"));
	ASSERT_EQ(1, c.nerrors);
	EXPECT_NE(NULL, strstr(c.errors[0], "/nonexistent/smcardd.conf:0: cannot open"));
	sd_config_free(&c);
}

/* One bad input, the expected "file:line: ..." fragment. */
struct bad {
	const char *text;
	const char *msg;
};

static const struct bad bads[] = {
	{ "x = 1\n", "t:1: 'x' outside of any section" },
	{ "[mqtt\n", "t:1: syntax error" },
	{ "[mqtt]\nport\n", "t:2: syntax error" },
	{ "[mqqt]\n", "t:1: unknown section [mqqt]; did you mean [mqtt]?" },
	{ "[nothing]\n", "t:1: unknown section [nothing]; sections:" },
	{ "[anlog x]\n", "did you mean [analog NAME]?" },
	{ "[mbus]\n", "t:1: [mbus]: nothing to read; add [mbus.meter NAME]" },
	{ "[mbus.slave]\n", "t:1: [mbus.slave]: 'id' must be the identification number" },
	{ "[mbus.slave]\nid = 12a\n", "t:1: [mbus.slave]: 'id' must be" },
	{ "[mbus.slave]\nid = 1\nmanufacturer = O1T\n", "'manufacturer' must be three letters" },
	{ "[mbus.slave]\nid = 1\nmedium = lava\n", "unknown medium 'lava'" },
	{ "[mbus.slave]\nid = 1\nbaud = 115200\n", "t:3: bad baud '115200'" },
	{ "[mbus.slave]\nid = 1\nprimary_address = 251\n", "bad primary_address '251'" },
	{ "[mbus.slave]\nid = 1\nreport = counter/x\n", "report: 'counter/x' is neither" },
	{ "[mbus.slave]\nid = 1\n[mbus]\nscan = primary\n", "t:1: [mbus.slave]: the M-Bus port is either master" },
	{ "[mbus]\nscan = all\n", "t:2: bad scan 'all'; none, primary or secondary" },
	{ "[mbus]\nscan = primary\nbaud = 2401\n", "t:3: bad baud '2401'" },
	{ "[mbus]\nscan = primary\nretries = 11\n", "bad retries '11'" },
	{ "[mbus]\nscan = primary\ntimeout_extra_ms = 10001\n",
	  "bad timeout_extra_ms '10001'; an integer from 0 to 10000" },
	{ "[mbus]\nscan = primary\ninterval = 0\n", "bad interval '0'" },
	{ "[mbus]\nscan = primary\n[mbus]\n", "t:3: [mbus] appears twice" },
	{ "[mbus.meter]\n", "[mbus.meter] needs a name" },
	{ "[mbus.meter w]\n", "t:1: [mbus.meter w] needs 'address'" },
	{ "[mbus.meter w]\naddress = 251\n", "t:2: bad address '251'; a primary address 0..250" },
	{ "[mbus.meter w]\naddress = 12345678zz\n", "bad address '12345678zz'" },
	{ "[mbus.meter w]\naddress = 5\ndevice_class = energy\n", "bad device_class 'energy'; one of: water, gas, volume" },
	{ "[mbus.meter w]\naddress = 5\ncolour = 1\n", "unknown key 'colour' in [mbus.meter]" },
	{ "[mbus.meter w]\naddress = 5\nkey = 0011\n", "t:3: bad key; 32 hex digits: the meter's AES-128 key" },
	{ "[mbus.meter a]\naddress = 5\n[mbus.meter b]\naddress = 5\n",
	  "t:3: [mbus.meter b] has the address of [mbus.meter a] (5)" },
	{ "[mbus.meter a]\naddress = 5\n[mbus.meter a]\naddress = 6\n", "t:3: [mbus.meter a] is defined twice" },
	{ "[modbus.register a/b]\n", "registers are lines in their meter's section" },
	{ "[analog]\n", "t:1: [analog] needs a name" },
	{ "[analog a b]\n", "bad name 'a b'" },
	{ "[mqtt x]\n", "[mqtt x] takes no name" },
	{ "[mqtt]\n[mqtt]\n", "t:2: [mqtt] appears twice" },
	{ "[digital d]\ngpio=IO1\n[digital d]\n", "t:3: [digital d] is defined twice" },
	{ "[mqtt]\nhots = x\n", "t:2: unknown key 'hots' in [mqtt]; did you mean 'host'?" },
	{ "[mqtt]\nzzzzzz = x\n", "unknown key 'zzzzzz' in [mqtt]; keys: enabled, host" },
	{ "[mqtt]\nport = 1\nport = 2\n", "t:3: 'port' is already set at line 2" },
	{ "[mqtt]\nport = 70000\n", "bad port '70000'; an integer from 1 to 65535" },
	{ "[mqtt]\nport = 1x\n", "bad port '1x'" },
	{ "[mqtt]\nqos = 2\n", "bad qos '2'" },
	{ "[mqtt]\ntls = maybe\n", "bad tls 'maybe'; yes or no" },
	{ "[mqtt]\nenabled = perhaps\n", "bad enabled 'perhaps'" },
	{ "[mqtt]\ntopic_prefix = a/#\n", "bad topic_prefix 'a/#'" },
	{ "[mqtt]\ndiscovery_prefix = /ha\n", "bad discovery_prefix '/ha'" },
	{ "[mqtt]\ncertfile = /c\n", "certfile and keyfile go together" },
	{ "[mqtt]\ncafile = /c\n", "tls is off; add 'tls = yes'" },
	{ "[mqtt]\nclient_id = 01234567890123456789012345678901234567890123456789"
	  "01234567890123456789012345678901234567890123456789\n", "'client_id' is too long" },
	{ "[general]\nlog_level = loud\n", "bad log_level 'loud'" },
	{ "[general]\nname = a.b\n", "bad name 'a.b'" },
	{ "[p1]\n", "t:1: [p1] needs 'device'" },
	{ "[p1]\ndevice=/x\nkey = 00\n", "bad key; 32 hex digits" },
	{ "[p1]\ndevice=/x\ninterval = soon\n", "bad interval 'soon'; a duration" },
	{ "[p1]\ndevice=/x\ntimeout = 0\n", "bad timeout '0'" },
	{ "[p1]\ndevice=/x\ninterval = 5x\n", "bad interval '5x'" },
	{ "[modbus.meter m]\nregister = a input 1 uint16\n", "t:1: [modbus.meter m] needs 'transport = tcp'" },
	{ "[modbus.meter m]\ntransport = udp\n", "bad transport 'udp'" },
	{ "[modbus.meter m]\ntransport = tcp\nregister = a input 1 uint16\n", "transport tcp needs 'host'" },
	{ "[modbus.meter m]\ntransport = rtu\nregister = a input 1 uint16\n", "transport rtu needs 'device'" },
	{ "[modbus.meter m]\ntransport = tcp\nhost = h\n", "has no 'register = NAME" },
	{ "[modbus.meter m]\ntransport = tcp\nhost=h\ntermination = yes\nregister = a input 1 uint16\n",
	  "serial_mode/termination apply to transport rtu only" },
	{ "[modbus.meter m]\ntransport = rtu\ndevice=/d\nslave = 0\nregister = a input 1 uint16\n",
	  "slave 0 is the broadcast address" },
	{ "[modbus.meter m]\nbaud = 1234\n", "bad baud '1234'" },
	/* standard rates that libmodbus would quietly turn into 9600 */
	{ "[modbus.meter m]\nbaud = 1800\n", "bad baud '1800'; 300, 600," },
	{ "[modbus.meter m]\nbaud = 2000000\n", "bad baud '2000000'" },
	{ "[modbus.meter m]\nbaud = 110\n", "bad baud '110'" },
	{ "[modbus.meter m]\nbaud = 4000001\n", "3500000 or 4000000" },
	{ "[modbus.meter m]\nparity = mark\n", "bad parity 'mark'" },
	{ "[modbus.meter m]\nserial_mode = rs999\n", "bad serial_mode 'rs999'; one of: rs232, rs422" },
	{ "[modbus.meter m]\ntermination = 2\n", "bad termination '2'" },
	{ "[modbus.meter m]\norder = xyzw\n", "bad order 'xyzw'" },
	{ "[modbus.meter m]\nregister = a input\n", "register needs at least NAME FUNCTION ADDRESS TYPE" },
	{ "[modbus.meter m]\nregister = a.b input 1 uint16\n", "bad register name 'a.b'" },
	{ "[modbus.meter m]\nregister = a read 1 uint16\n", "register a: bad function 'read'" },
	{ "[modbus.meter m]\nregister = a input 70000 uint16\n", "register a: bad address '70000'" },
	{ "[modbus.meter m]\nregister = a input 1 double\n", "register a: bad type 'double'" },
	{ "[modbus.meter m]\nregister = a coil 1 uint16\n", "type bool goes with coil/discrete" },
	{ "[modbus.meter m]\nregister = a input 1 bool\n", "type bool goes with coil/discrete" },
	{ "[modbus.meter m]\nregister = a input 1 uint16 kWh\n", "'kWh' is not KEY=VALUE" },
	{ "[modbus.meter m]\nregister = a input 1 uint16 order=zz\n", "register a: bad order 'zz'" },
	{ "[modbus.meter m]\nregister = a input 1 uint16 scale=x\n", "register a: bad scale 'x'" },
	{ "[modbus.meter m]\nregister = a input 1 uint16 unit=0123456789abcdefgh\n", "register a: unit" },
	{ "[modbus.meter m]\nregister = a input 1 uint16 state_class=up\n", "register a: bad state_class 'up'" },
	{ "[modbus.meter m]\nregister = a input 1 uint16 colour=red\n", "register a: unknown key 'colour'" },
	{ "[modbus.meter m]\nregister = a input 1 uint16\nregister = a input 2 uint16\n",
	  "t:3: register 'a' already defined at line 2" },
	{ "[modbus.meter a]\ntransport=rtu\ndevice=/d\nregister = a input 1 uint16\n"
	  "[modbus.meter b]\ntransport=rtu\ndevice=/d\nbaud=19200\nregister = a input 1 uint16\n",
	  "t:5: [modbus.meter b]: same bus /d as [modbus.meter a] but another baud/parity" },
	{ "[analog a]\n", "t:1: [analog a] needs 'channel'" },
	{ "[analog a]\npin = 2\nchannel = current2\n", "give either channel or pin" },
	{ "[analog a]\npin = 6\n", "bad pin '6'" },
	{ "[analog a]\npin = 1\ninput = 4 20\n", "'input' and 'output' go together" },
	{ "[analog a]\npin = 1\ninput = 4\n", "bad input '4'" },
	{ "[analog a]\npin = 1\ninput = 4 4\noutput = 0 1\n", "the two points must differ" },
	{ "[analog a]\npin = 1\ninput = 4 20\noutput = 0 10\nscale = 2\n", "use scale/offset or input/output" },
	{ "[analog a]\npin = 1\nstate_class = total_sum\n", "bad state_class 'total_sum'" },
	{ "[analog a]\npin = 1\ninterval = 1ms\n", "bad interval '1ms'" },
	{ "[counter c]\nunit = kWh\n", "needs 'weight' (units per pulse) or 'pulses_per_unit'" },
	{ "[counter c]\nweight = 0.1\n", "[counter c] needs 'unit'" },
	{ "[counter c]\nweight = 0.1\nunit = m3\n", "a volume needs 'device_class = water' or 'gas'" },
	{ "[counter c]\nweight = -1\nunit = kWh\n", "bad weight '-1'; a positive number" },
	{ "[counter c]\nweight = 1\npulses_per_unit = 1\nunit = kWh\n", "give either weight or pulses_per_unit" },
	{ "[digital d]\n", "[digital d] needs 'gpio'" },
	{ "[digital d]\ngpio = IO1\nbias = strong\n", "bad bias 'strong'" },
	{ "[digital d]\ngpio = IO1\ndevice_class = toaster\n", "bad device_class 'toaster'" },
	{ "[output o]\n", "[output o] needs 'gpio'" },
	{ "[output o]\ngpio = IO5\ninitial = 2\n", "bad initial '2'" },
	{ "[digital d]\ngpio = IO5\n[output o]\ngpio = IO5\n", "[output o] uses line IO5 like [digital d]" },
	{ "[status]\ninterval = 0\n", "bad interval '0'" },
	{ "[spool]\nmax_rows = -1\n", "bad max_rows '-1'" },
	{ "[jsonl]\nenabled = 3\n", "bad enabled '3'" },
	{ "[http]\nlisten = localhost\n", "t:2: bad listen 'localhost'; a numeric IPv4 or IPv6 address" },
	{ "[http]\nlisten = 300.1.1.1\n", "bad listen '300.1.1.1'" },
	{ "[http]\nport = 0\n", "bad port '0'" },
	{ "[http]\ntoken = short\n", "t:2: bad token; a bearer token of 16 to 127 printable characters" },
	{ "[http]\ntoken = has a space in it!!\n", "bad token" },
	{ "[http]\ncertfile = /c.pem\n", "t:1: [http]: certfile and keyfile go together" },
	{ "[http]\nusername = admin\n", "[http]: username and password go together" },
	{ "[http]\nread_only = no\n", "t:1: [http]: read_only = no needs 'token' or 'username'/'password'" },
	{ "[http]\nmax_connections = 0\n", "bad max_connections '0'" },
};

TEST(every_error)
{
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		struct sd_config c;
		bool found = false;
		int ret = sd_config_parse_string(&c, bads[i].text, "t");

		EXPECT_EQ(-EINVAL, ret);
		for (size_t j = 0; j < c.nerrors; j++)
			found |= strstr(c.errors[j], bads[i].msg) != NULL;
		if (!found) {
			TH_LOG("case %zu: want '%s'", i, bads[i].msg);
			for (size_t j = 0; j < c.nerrors; j++)
				TH_LOG("  got '%s'", c.errors[j]);
		}
		EXPECT_TRUE(found);
		sd_config_free(&c);
	}
}

/* Modbus RTU: every rate from 300 up that libmodbus can set on a tty */
TEST(modbus_rtu_rates)
{
	static const int rates[] = { 300, 600, 1200, 2400, 4800, 9600, 19200, 38400,
				     57600, 115200, 230400, 460800, 500000, 576000,
				     921600, 1000000, 1152000, 1500000, 2500000,
				     3000000, 3500000, 4000000 };
	char text[256];

	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		struct sd_config c;

		snprintf(text, sizeof(text),
			 "[modbus.meter m]\ntransport = rtu\ndevice = /dev/ttySIM0\n"
			 "baud = %d\nregister = a input 1 uint16\n", rates[i]);
		ASSERT_EQ(0, sd_config_parse_string(&c, text, "t"))
			TH_LOG("baud %d: %s", rates[i], c.nerrors ? c.errors[0] : "?");
		ASSERT_EQ(1, c.nmodbus);
		EXPECT_EQ(rates[i], c.modbus[0].baud);
		sd_config_free(&c);
	}
}

TEST(very_long_line)
{
	char text[6000];
	struct sd_config c;
	bool found = false;

	memset(text, 'a', sizeof(text));
	memcpy(text, "[mqtt]\nhost = ", 14);
	text[sizeof(text) - 2] = '\n';
	text[sizeof(text) - 1] = 0;
	EXPECT_EQ(-EINVAL, sd_config_parse_string(&c, text, "t"));
	for (size_t j = 0; j < c.nerrors; j++)
		found |= strstr(c.errors[j], "t:2: line longer than") ||
			 strstr(c.errors[j], "t:2: 'host' is too long");
	EXPECT_TRUE(found);
	sd_config_free(&c);
}

TEST(all_errors_in_one_run)
{
	struct sd_config c;

	EXPECT_EQ(-EINVAL, sd_config_parse_string(&c,
		"[mqtt]\nport = 0\nqos = 9\n[bogus]\nx = 1\n[jsonl]\nhm = 1\n", "t"));
	EXPECT_EQ(4, c.nerrors);	/* keys under [bogus] are not reported again */
	sd_config_free(&c);
}

TEST(http)
{
	struct sd_config c;

	ASSERT_EQ(0, sd_config_parse_string(&c, "[status]\n", "t"));
	EXPECT_FALSE(c.http.enabled);			/* off unless present */
	sd_config_free(&c);
	ASSERT_EQ(0, sd_config_parse_string(&c, "[http]\n", "t"));
	EXPECT_TRUE(c.http.enabled);
	EXPECT_STREQ("127.0.0.1", c.http.listen);	/* loopback by default */
	EXPECT_EQ(8080, c.http.port);
	EXPECT_TRUE(c.http.read_only);
	EXPECT_EQ(16, c.http.max_connections);
	sd_config_free(&c);
	ASSERT_EQ(0, sd_config_parse_string(&c, "[http]\nlisten = ::\nport = 443\n"
					    "certfile = /c\nkeyfile = /k\nread_only = no\n"
					    "token = 0123456789abcdef\n", "t"));
	EXPECT_STREQ("::", c.http.listen);
	EXPECT_STREQ("0123456789abcdef", c.http.token);
	EXPECT_FALSE(c.http.read_only);
	sd_config_free(&c);
}

TEST(durations_and_bools)
{
	double d;
	bool b;

	EXPECT_EQ(0, sd_parse_duration("250ms", &d));
	EXPECT_EQ(0.25, d);
	EXPECT_EQ(0, sd_parse_duration("2min", &d));
	EXPECT_EQ(120.0, d);
	EXPECT_EQ(0, sd_parse_duration("1h", &d));
	EXPECT_EQ(3600.0, d);
	EXPECT_EQ(0, sd_parse_duration("1.5", &d));
	EXPECT_EQ(1.5, d);
	EXPECT_EQ(-1, sd_parse_duration("-1", &d));
	EXPECT_EQ(-1, sd_parse_duration("1 s", &d));
	EXPECT_EQ(0, sd_parse_bool("On", &b));
	EXPECT_TRUE(b);
	EXPECT_EQ(0, sd_parse_bool("false", &b));
	EXPECT_FALSE(b);
	EXPECT_EQ(-1, sd_parse_bool("y", &b));
}

TEST_HARNESS_MAIN
