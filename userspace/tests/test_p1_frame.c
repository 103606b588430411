// SPDX-License-Identifier: GPL-2.0
/* Framing from a byte stream: garbage, truncation, resync, odd chunking. */
#include "kselftest_harness.h"
#include "test_p1_util.h"

/* Feed @in in chunks of @chunk and count the telegrams that parse. */
static int count_telegrams(const char *in, size_t len, size_t chunk,
			   struct p1_framer *f, int *bad)
{
	const uint8_t *frame;
	size_t flen, off = 0;
	int good = 0, ret;

	*bad = 0;
	while (off < len || chunk) {
		size_t n = len - off < chunk ? len - off : chunk;
		bool eof = off + n == len;

		if (p1_framer_push(f, in + off, n))
			return -1;
		off += n;
		for (;;) {
			struct p1_error err;
			struct p1_telegram t;

			ret = p1_framer_next(f, eof, &frame, &flen, &err);
			if (ret == 0)
				break;
			if (ret < 0) {
				(*bad)++;
				continue;
			}
			if (p1_parse((const char *)frame, flen, 0, NULL, &t, &err) == 0)
				good++;
			else
				(*bad)++;
			p1_telegram_free(&t);
		}
		if (eof)
			break;
	}
	return good;
}

TEST(garbage_between_telegrams)
{
	char in[8192];
	struct p1_framer f;
	int bad, n;

	n = snprintf(in, sizeof(in), "\x01\xff noise%s\r\n!!junk\r\n%s%s zz",
		     fixture_dsmr5, fixture_swedish, fixture_emucs);
	p1_framer_init(&f, P1_FRAME_TEXT, 0);
	EXPECT_EQ(3, count_telegrams(in, (size_t)n, 4096, &f, &bad));
	EXPECT_EQ(0, bad);
	EXPECT_EQ(8 + 10 + 3, f.skipped);
	p1_framer_free(&f);
}

TEST(byte_at_a_time)
{
	char in[8192];
	struct p1_framer f;
	int bad, n;

	n = snprintf(in, sizeof(in), "xx%s%s", fixture_dsmr4, fixture_dsmr22);
	p1_framer_init(&f, P1_FRAME_TEXT, 0);
	EXPECT_EQ(2, count_telegrams(in, (size_t)n, 1, &f, &bad));
	EXPECT_EQ(0, bad);
	p1_framer_free(&f);
}

TEST(truncated_then_resync)
{
	char in[8192];
	struct p1_framer f;
	int bad, n;

	/* the first telegram stops mid-line, a new one starts */
	n = snprintf(in, sizeof(in), "%.300s\r\n%s", fixture_dsmr5,
		     fixture_swedish);
	p1_framer_init(&f, P1_FRAME_TEXT, 0);
	EXPECT_EQ(1, count_telegrams(in, (size_t)n, 64, &f, &bad));
	EXPECT_EQ(0, bad);
	EXPECT_EQ(1, f.truncated);
	p1_framer_free(&f);
}

TEST(truncated_at_end_of_input)
{
	static const char in[] = "/ABC5 x\r\n\r\n1-0:1.8.0(1*kWh)\r\n1-0:2.8";
	const uint8_t *frame;
	struct p1_framer f;
	struct p1_error err;
	size_t len;

	p1_framer_init(&f, P1_FRAME_TEXT, 0);
	ASSERT_EQ(0, p1_framer_push(&f, in, sizeof(in) - 1));
	EXPECT_EQ(0, p1_framer_next(&f, false, &frame, &len, &err));
	EXPECT_EQ(-EPIPE, p1_framer_next(&f, true, &frame, &len, &err));
	EXPECT_EQ(0, err.pos);
	EXPECT_NE(NULL, strstr(err.msg, "truncated")) TH_LOG("%s", err.msg);
	p1_framer_free(&f);
}

TEST(truncated_parse)
{
	struct p1_telegram t;
	struct p1_error err;

	ASSERT_EQ(-EPIPE, p1_parse(fixture_dsmr5, 500, 0, NULL, &t, &err));
	EXPECT_NE(NULL, strstr(err.msg, "truncated")) TH_LOG("%s", err.msg);
	p1_telegram_free(&t);
}

TEST(crc_without_line_end_at_eof)
{
	const uint8_t *frame;
	struct p1_framer f;
	struct p1_error err;
	size_t len = strlen(fixture_swedish) - 2;

	p1_framer_init(&f, P1_FRAME_TEXT, 0);
	ASSERT_EQ(0, p1_framer_push(&f, fixture_swedish, len));
	EXPECT_EQ(0, p1_framer_next(&f, false, &frame, &len, &err));
	ASSERT_EQ(1, p1_framer_next(&f, true, &frame, &len, &err));
	EXPECT_EQ(strlen(fixture_swedish) - 2, len);
	p1_framer_free(&f);
}

TEST(too_long)
{
	char in[4096];
	const uint8_t *frame;
	struct p1_framer f;
	struct p1_error err;
	size_t len;

	memset(in, 'a', sizeof(in));
	in[0] = '/';
	p1_framer_init(&f, P1_FRAME_TEXT, 1024);
	ASSERT_EQ(0, p1_framer_push(&f, in, sizeof(in)));
	EXPECT_EQ(-EMSGSIZE, p1_framer_next(&f, false, &frame, &len, &err));
	EXPECT_EQ(0, p1_framer_next(&f, false, &frame, &len, &err));
	ASSERT_EQ(0, p1_framer_push(&f, fixture_dsmr4, strlen(fixture_dsmr4)));
	EXPECT_EQ(1, p1_framer_next(&f, false, &frame, &len, &err));
	p1_framer_free(&f);
}

TEST_HARNESS_MAIN
