// SPDX-License-Identifier: GPL-2.0
/*
 * Decode every telegram of tests/data/mbus (see its README for where each
 * structure comes from) and compare header and values with what the
 * modelled meter sent. The directory is found relative to the current
 * directory (make check runs in userspace/) or through SMCARD_MBUS_DATA.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "mbus.h"
#include "test_mbus_util.h"

/* Expectation tables leave storage, tariff, subunit and function at 0. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

struct expect_rec {
	const char *quantity;
	const char *unit;
	const char *value;
	unsigned int storage, tariff, subunit;
	enum mbus_function function;
};

struct corpus_case {
	const char *file;
	const char *key;	/* OMS key (hex), or NULL */
	unsigned int warnings;	/* OR of the records' warnings */
	const char *id;
	const char *manufacturer;
	int medium;
	int access;
	bool more;
	size_t n_records;
	struct expect_rec rec[16];
};

static const struct corpus_case cases[] = {
	{ "water_pad_doc_example", NULL, 0, "12345678", "PAD", 0x07, 0x55, false, 3, {
		{ "volume", "m^3", "12.565" },
		{ "volume_flow", "m^3/h", "0.113", 5, 0, 0, MBUS_FUNC_MAXIMUM },
		{ "energy", "Wh", "218370", 0, 2, 1 },
	} },
	{ "heat_kam_multical", NULL, 0, "67328519", "KAM", 0x04, 0x2A, false, 15, {
		{ "energy", "Wh", "12345000" },
		{ "volume", "m^3", "678.901" },
		{ "datetime", "", "2024-03-15T14:30:00" },
		{ "flow_temperature", "°C", "65.23" },
		{ "return_temperature", "°C", "42.11" },
		{ "temperature_difference", "K", "23.12" },
		{ "volume_flow", "m^3/h", "1.234" },
		{ "power", "W", "2890" },
		{ "on_time", "h", "43210" },
		{ "energy", "Wh", "11890000", 1 },
		{ "date", "", "2024-01-01", 1 },
		{ "energy", "Wh", "12000", 0, 1 },
		{ "power", "W", "31200", 0, 0, 0, MBUS_FUNC_MAXIMUM },
		{ "error_flags", "", "0" },
		{ "manufacturer_specific", "", "100100" },
	} },
	{ "heat_fixed_en1434", NULL, 0, "00012345", NULL, 0x04, 0x2A, false, 2, {
		{ "energy", "Wh", "1234000" },
		{ "volume", "m^3", "567" },
	} },
	{ "gas_els_volume", NULL, 0, "33445566", "ELS", 0x03, 0x10, false, 8, {
		{ "volume", "m^3", "123456.78" },
		{ "volume", "m^3", "120012.34" },
		{ "datetime", "", "2023-12-31T23:59:00" },
		{ "volume", "m^3", "110000.00", 1 },
		{ "date", "", "2023-12-01", 1 },
		{ "error_flags", "", "4" },
		{ "remaining_battery_life", "d", "3650" },
		{ "firmware_version", "", "1.2.3" },
	} },
	{ "electricity_abb_3phase", NULL, 0, "01234567", "ABB", 0x02, 0x01, false, 10, {
		{ "energy", "Wh", "1234567890120" },
		{ "energy", "Wh", "1000000", 0, 1 },
		{ "energy", "Wh", "234560", 0, 2 },
		{ "reactive_energy", "varh", "4321000" },
		{ "power", "W", "-1500" },
		{ "power", "W", "-23456" },
		{ "voltage", "V", "230.1" },
		{ "voltage", "V", "229.8", 0, 0, 1 },
		{ "current", "A", "5.123" },
		{ "baud_rate", "Bd", "2400" },
	} },
	{ "electricity_emh_real", NULL, 0, "55667788", "EMH", 0x02, 0x07, false, 6, {
		{ "energy", "Wh", "9876543210123" },
		{ "energy", "Wh", "123456789012" },
		{ "power", "W", "1234.5" },
		{ "voltage", "V", "230.25" },
		{ "digital_input", "", "5" },
		{ "datetime", "", "2024-06-30T12:00:00" },
	} },
	{ "water_short_header", NULL, 0, NULL, NULL, -1, 0x2B, false, 4, {
		{ "volume", "m^3", "123.456" },
		{ "volume", "m^3", "120.000", 1 },
		{ "date", "", "2024-02-29", 1 },
		{ "error_flags", "", "0" },
	} },
	{ "water_sen_vife", NULL, 0, "11223344", "SEN", 0x07, 0x99, false, 13, {
		{ "volume", "m^3", "56.789" },
		{ "model_version", "", "1193046" },
		{ "customer", "", "CUST-042" },
		{ "volume", "m^3", "0" },
		{ "plain_text", "rpm", "12.34" },
		{ "volume", "m^3/h", "0.025" },
		{ "energy", "Wh", "50.00" },
		{ "volume", "m^3", "-0.00005" },
		{ "volume", "m^3", "0.077" },
		{ "volume", "", "2023-05-04", 1 },
		{ "volume", "m^3", "123.456" },
		{ "volume", "m^3", "-1.234" },
		{ "software_version", "", "197121" },
	} },
	{ "dates_all_types", NULL, 0, NULL, NULL, -1, 0x03, false, 5, {
		{ "date", "", "2024-12-24" },
		{ "datetime", "", "2024-12-24T18:05:00" },
		{ "datetime", "", "2024-12-24T18:05:42" },
		{ "datetime", "", "18:05:42" },
		{ "datetime", "", "2000-00-00T00:00:00" },
	} },
	{ "heat_lug_multi_1", NULL, 0, "87654321", "LUG", 0x04, 0x40, true, 3, {
		{ "energy", "Wh", "4242000" },
		{ "volume", "m^3", "98.765" },
		{ "manufacturer_specific", "", "" },
	} },
	{ "heat_lug_multi_2", NULL, 0, "87654321", "LUG", 0x04, 0x41, false, 3, {
		{ "energy", "Wh", "4000000", 1 },
		{ "energy", "Wh", "3900000", 2 },
		{ "manufacturer_specific", "", "AABB" },
	} },
	{ "room_elv_text_first", NULL, MBUS_WARN_TEXT_FIRST, "11223344", "ELV",
	  0x1B, 0x07, false, 4, {
		{ "external_temperature", "°C", "22.58" },
		{ "plain_text", "%RH", "10.00" },
		{ "digital_input", "", "1" },
		{ "datetime", "", "2025-01-01T11:10:00" },
	} },
	{ "electricity_lone_7d", NULL, MBUS_WARN_EXT_NO_BIT, "87654321", "EMH",
	  0x02, 0x11, false, 4, {
		{ "energy", "Wh", "1234560" },
		{ "digital_input", "", "5" },
		{ "power", "W", "1000" },
		{ "voltage", "V", "229.7" },
	} },
	{ "water_vife_cut", NULL, MBUS_WARN_VIFE_CUT, "22334455", "SEN", 0x07,
	  0x33, false, 3, {
		{ "volume", "m^3", "12.345" },
		{ "volume", "m^3/h", "10.000" },
		{ "error_flags", "", "4" },
	} },
	{ "heat_bcd_blank", NULL, MBUS_WARN_BCD_DIGIT, "66778899", "LUG", 0x04,
	  0x44, false, 4, {
		{ "energy", "Wh", "111111110000" },
		{ "volume", "m^3", "24.41" },
		{ "flow_temperature", "°C", "-15.0" },
		{ "return_temperature", "°C", "22.0" },
	} },
	{ "heat_fixed_time_date", NULL, 0, "00012345", NULL, 0x04, 0x07, false, 2, {
		{ "time", "", "12:34:56" },
		{ "date", "", "2024-12-31" },
	} },
	{ "water_oms_mode5", "51728910E66D83F851728910E66D83F8", 0, "12345678",
	  "KAM", 0x07, 0x2A, false, 4, {
		{ "volume", "m^3", "12.345" },
		{ "flow_temperature", "°C", "30.0" },
		{ "datetime", "", "2025-01-01T11:10:00" },
		{ "error_flags", "", "4" },
	} },
	{ "heat_oms_mode7", "51728910E66D83F851728910E66D83F8", 0, "12345678",
	  "KAM", 0x07, 0x2B, false, 3, {
		{ "volume", "m^3", "12.345" },
		{ "flow_temperature", "°C", "30.0" },
		{ "datetime", "", "2025-01-01T11:10:00" },
	} },
	{ "app_error_busy", NULL, 0, NULL, NULL, -1, 0, false, 0, { { NULL } } },
};

/* Every variant below points into cases[]. */
_Static_assert(sizeof(cases) / sizeof(cases[0]) == 19, "one CASE per corpus file");

/* Read a corpus file: hex bytes, '#' comments to the end of the line. */
static long load(const char *name, uint8_t *out, size_t size)
{
	const char *dir = getenv("SMCARD_MBUS_DATA");
	char path[512], text[4096];
	size_t n, pos;
	bool comment = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.hex", dir ? dir : "tests/data/mbus",
		 name);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "# %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = 0;
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '\n')
			comment = false;
		else if (text[i] == '#')
			comment = true;
		if (comment)
			text[i] = ' ';
	}
	return smcard_hex_parse(text, out, size, &pos);
}

FIXTURE(corpus) {
	struct mbus_telegram t;
};

FIXTURE_VARIANT(corpus) {
	const struct corpus_case *c;
};

#define CASE(i, name) \
	FIXTURE_VARIANT_ADD(corpus, name) { .c = &cases[i] }

CASE(0, water_pad_doc_example);
CASE(1, heat_kam_multical);
CASE(2, heat_fixed_en1434);
CASE(3, gas_els_volume);
CASE(4, electricity_abb_3phase);
CASE(5, electricity_emh_real);
CASE(6, water_short_header);
CASE(7, water_sen_vife);
CASE(8, dates_all_types);
CASE(9, heat_lug_multi_1);
CASE(10, heat_lug_multi_2);
CASE(11, room_elv_text_first);
CASE(12, electricity_lone_7d);
CASE(13, water_vife_cut);
CASE(14, heat_bcd_blank);
CASE(15, heat_fixed_time_date);
CASE(16, water_oms_mode5);
CASE(17, heat_oms_mode7);
CASE(18, app_error_busy);

FIXTURE_SETUP(corpus)
{
	mbus_telegram_init(&self->t);
}

FIXTURE_TEARDOWN(corpus)
{
	mbus_telegram_free(&self->t);
}

TEST_F(corpus, decodes_as_sent)
{
	const struct corpus_case *c = variant->c;
	uint8_t buf[MBUS_MAX_FRAME + 1];
	struct mbus_error err = { 0 };
	char s[600], man[4];
	long n = load(c->file, buf, sizeof(buf));
	uint8_t key[MBUS_KEY_LEN];

	ASSERT_LT(0, n);
	if (c->key)
		ASSERT_EQ(0, mbus_key_parse(c->key, key));
	ASSERT_EQ(0, mbus_telegram_parse_key(buf, (size_t)n, c->key ? key : NULL,
					     &self->t, &err))
		TH_LOG("%s: byte %zu: %s", c->file, err.pos, err.msg);
	EXPECT_EQ(c->warnings, self->t.warnings);
	EXPECT_EQ(0, self->t.n_undecodable);
	if (c->id) {
		snprintf(s, sizeof(s), "%08X", (unsigned int)self->t.header.id);
		EXPECT_STREQ(c->id, s);
	}
	if (c->manufacturer) {
		EXPECT_TRUE(mbus_manufacturer_code(self->t.header.manufacturer,
						   man));
		EXPECT_STREQ(c->manufacturer, man);
	}
	if (c->medium >= 0)
		EXPECT_EQ(c->medium, self->t.header.medium);
	if (c->medium >= 0 || c->access)
		EXPECT_EQ(c->access, self->t.header.access_number);
	EXPECT_EQ(c->more, self->t.more_records);
	ASSERT_EQ(c->n_records, self->t.n_records);
	for (size_t i = 0; i < c->n_records; i++) {
		const struct expect_rec *e = &c->rec[i];
		const struct mbus_record *r = &self->t.records[i];

		EXPECT_STREQ(e->quantity, r->quantity) TH_LOG("record %zu", i);
		EXPECT_STREQ(e->unit, r->unit) TH_LOG("record %zu", i);
		EXPECT_STREQ(e->value, vstr(r, s, sizeof(s)))
			TH_LOG("record %zu", i);
		EXPECT_EQ(e->storage, r->storage) TH_LOG("record %zu", i);
		EXPECT_EQ(e->tariff, r->tariff) TH_LOG("record %zu", i);
		EXPECT_EQ(e->subunit, r->subunit) TH_LOG("record %zu", i);
		EXPECT_EQ(e->function, r->function) TH_LOG("record %zu", i);
	}
}

/* Every truncation of every corpus frame fails, at the end of the input. */
TEST_F(corpus, every_truncation_is_reported)
{
	uint8_t buf[MBUS_MAX_FRAME + 1];
	struct mbus_error err;
	long n = load(variant->c->file, buf, sizeof(buf));

	ASSERT_LT(0, n);
	for (long len = 0; len < n; len++) {
		struct mbus_telegram t;

		mbus_telegram_init(&t);
		memset(&err, 0, sizeof(err));
		EXPECT_EQ(-ENODATA, mbus_telegram_parse(buf, (size_t)len, &t,
							&err));
		EXPECT_EQ((size_t)len, err.pos);
		EXPECT_NE(0, err.msg[0]);
		mbus_telegram_free(&t);
	}
}

/* A corrupted byte anywhere is caught by checksum or structure checks. */
TEST_F(corpus, every_single_bit_error_is_reported)
{
	uint8_t buf[MBUS_MAX_FRAME + 1];
	long n = load(variant->c->file, buf, sizeof(buf));

	ASSERT_LT(0, n);
	for (long i = 0; i < n; i++) {
		for (int bit = 0; bit < 8; bit++) {
			struct mbus_telegram t;
			struct mbus_error err = { 0 };
			int ret;

			buf[i] ^= (uint8_t)(1 << bit);
			mbus_telegram_init(&t);
			ret = mbus_telegram_parse(buf, (size_t)n, &t, &err);
			EXPECT_NE(0, ret) TH_LOG("byte %ld bit %d", i, bit);
			EXPECT_LE(err.pos, (size_t)n);
			mbus_telegram_free(&t);
			buf[i] ^= (uint8_t)(1 << bit);
		}
	}
}

TEST_HARNESS_MAIN
