// SPDX-License-Identifier: GPL-2.0
/* CRC-16/ARC and how p1_parse() checks it. */
#include <stdio.h>

#include "kselftest_harness.h"
#include "test_p1_util.h"

TEST(check_value)
{
	/* the catalogue check value of CRC-16/ARC */
	EXPECT_EQ(0xbb3d, p1_crc16(0, "123456789", 9));
	EXPECT_EQ(0xbb3d, p1_crc16(p1_crc16(0, "1234", 4), "56789", 5));
}

TEST(corrupted_crc_rejected)
{
	char buf[2048];
	struct p1_telegram t;
	struct p1_error err;
	char *bang;

	snprintf(buf, sizeof(buf), "%s", fixture_swedish);
	bang = strrchr(buf, '!');
	bang[1] = bang[1] == '0' ? '1' : '0';
	ASSERT_EQ(-EBADMSG, parse_str(buf, &t, &err));
	EXPECT_EQ(bang - buf, err.pos);
	EXPECT_NE(NULL, strstr(err.msg, "CRC mismatch")) TH_LOG("%s", err.msg);
	p1_telegram_free(&t);

	/* with the check off the telegram parses and says so */
	ASSERT_EQ(0, p1_parse(buf, strlen(buf), P1_PARSE_IGNORE_CRC, NULL, &t, &err));
	EXPECT_TRUE(t.has_crc);
	EXPECT_FALSE(t.crc_ok);
	p1_telegram_free(&t);
}

TEST(corrupted_data_rejected)
{
	char buf[2048];
	struct p1_telegram t;
	struct p1_error err;
	char *p;

	snprintf(buf, sizeof(buf), "%s", fixture_dsmr5);
	p = strstr(buf, "01.193");
	p[1] = '7';
	ASSERT_EQ(-EBADMSG, parse_str(buf, &t, &err));
	p1_telegram_free(&t);
}

/* A telegram whose CRC is below 0x100, written with 1..4 digits. */
TEST(short_and_lowercase_crc)
{
	char body[256], buf[300];
	struct p1_telegram t;
	struct p1_error err;
	uint16_t crc = 0xffff;
	int i;

	for (i = 0; i < 100000; i++) {
		snprintf(body, sizeof(body),
			 "/ABC5 %d\r\n\r\n1-0:1.8.0(00000001.000*kWh)\r\n!", i);
		crc = p1_crc16(0, body, strlen(body));
		if (crc < 0x100)
			break;
	}
	ASSERT_LT(crc, 0x100);
	for (int width = 2; width <= 4; width++) {
		snprintf(buf, sizeof(buf), "%s%0*x\r\n", body, width, crc);
		ASSERT_EQ(0, parse_str(buf, &t, &err)) TH_LOG("%s", err.msg);
		EXPECT_TRUE(t.crc_ok);
		EXPECT_EQ(crc, t.crc_read);
		p1_telegram_free(&t);
	}
	snprintf(buf, sizeof(buf), "%s%05x\r\n", body, crc);
	ASSERT_EQ(-EINVAL, parse_str(buf, &t, &err));
	p1_telegram_free(&t);
}

TEST_HARNESS_MAIN
