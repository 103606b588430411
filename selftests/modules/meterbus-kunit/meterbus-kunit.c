// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites of the M-Bus core:
 * - meterbus-frame: the frame assembler and validator (drivers/meterbus/
 *   frame.c): every frame kind, byte-by-byte and split delivery, garbage
 *   before and after, wrong checksum, length and stop byte, maximum length;
 * - meterbus-bus: lifetime rules of a registered bus (drivers/meterbus/
 *   core.c).
 */

#include <kunit/test.h>
#include <linux/device.h>
#include <linux/meterbus.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

static const u8 ack[] = { 0xe5 };
static const u8 snd_nke[] = { 0x10, 0x40, 0x05, 0x45, 0x16 };
/* control frame: application reset to address 1 */
static const u8 control[] = { 0x68, 0x03, 0x03, 0x68, 0x53, 0x01, 0x50,
			      0xa4, 0x16 };
/* long frame: RSP_UD of meter 5, one record */
static const u8 rsp_ud[] = { 0x68, 0x09, 0x09, 0x68, 0x08, 0x05, 0x72, 0x0c,
			     0x13, 0x12, 0x13, 0x14, 0x15, 0xec, 0x16 };

/* Events of one stream: results and lengths, in order */
struct events {
	int res[8];
	unsigned int len[8];
	int n;
};

/* Feed @data in chunks of @chunk bytes (0: all at once), then flush. */
static void feed(struct kunit *test, const u8 *data, size_t len, size_t chunk,
		 struct events *ev)
{
	struct meterbus_parser *p;
	size_t off = 0;
	int res;

	p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	meterbus_parser_reset(p);
	ev->n = 0;
	while (off < len) {
		size_t n = chunk ? min(chunk, len - off) : len - off;

		while (n) {
			size_t used = meterbus_parser_feed(p, data + off, n, &res);

			KUNIT_ASSERT_LE(test, used, n);
			off += used;
			n -= used;
			if (res == METERBUS_PARSE_MORE)
				continue;
			KUNIT_ASSERT_LT(test, ev->n, ARRAY_SIZE(ev->res));
			ev->res[ev->n] = res;
			ev->len[ev->n++] = p->len;
		}
	}
	res = meterbus_parser_flush(p);
	if (res != METERBUS_PARSE_MORE) {
		KUNIT_ASSERT_LT(test, ev->n, ARRAY_SIZE(ev->res));
		ev->res[ev->n] = res;
		ev->len[ev->n++] = p->len;
	}
}

static void expect_one(struct kunit *test, const u8 *frame, size_t len,
		       int want)
{
	struct events ev;
	size_t chunk;

	/* all at once, byte by byte, and every split size */
	for (chunk = 0; chunk <= len; chunk++) {
		feed(test, frame, len, chunk, &ev);
		KUNIT_EXPECT_EQ_MSG(test, ev.n, 1, "chunk %zu", chunk);
		KUNIT_EXPECT_EQ_MSG(test, ev.res[0], want, "chunk %zu", chunk);
		KUNIT_EXPECT_EQ_MSG(test, ev.len[0], len, "chunk %zu", chunk);
	}
	KUNIT_EXPECT_EQ(test, meterbus_frame_check(frame, len), want);
}

static void meterbus_frame_kinds(struct kunit *test)
{
	expect_one(test, ack, sizeof(ack), METERBUS_RESULT_OK);
	expect_one(test, snd_nke, sizeof(snd_nke), METERBUS_RESULT_OK);
	expect_one(test, control, sizeof(control), METERBUS_RESULT_OK);
	expect_one(test, rsp_ud, sizeof(rsp_ud), METERBUS_RESULT_OK);
}

static void meterbus_frame_bad(struct kunit *test)
{
	u8 f[sizeof(rsp_ud)];

	memcpy(f, rsp_ud, sizeof(f));
	f[sizeof(f) - 2] ^= 1;
	expect_one(test, f, sizeof(f), METERBUS_RESULT_BAD_CHECKSUM);

	memcpy(f, rsp_ud, sizeof(f));
	f[sizeof(f) - 1] = 0x17;
	expect_one(test, f, sizeof(f), METERBUS_RESULT_BAD_STOP);

	memcpy(f, snd_nke, sizeof(snd_nke));
	f[3] = 0;
	expect_one(test, f, sizeof(snd_nke), METERBUS_RESULT_BAD_CHECKSUM);
	memcpy(f, snd_nke, sizeof(snd_nke));
	f[4] = 0;
	expect_one(test, f, sizeof(snd_nke), METERBUS_RESULT_BAD_STOP);
}

static void meterbus_frame_bad_length(struct kunit *test)
{
	static const u8 l_differ[] = { 0x68, 0x09, 0x08 };
	static const u8 l_short[] = { 0x68, 0x02 };
	static const u8 no_start2[] = { 0x68, 0x09, 0x09, 0x67 };

	expect_one(test, l_differ, sizeof(l_differ), METERBUS_RESULT_BAD_LENGTH);
	expect_one(test, l_short, sizeof(l_short), METERBUS_RESULT_BAD_LENGTH);
	expect_one(test, no_start2, sizeof(no_start2), METERBUS_RESULT_BAD_LENGTH);
}

static void meterbus_frame_incomplete(struct kunit *test)
{
	size_t len;

	for (len = 1; len < sizeof(rsp_ud); len++)
		expect_one(test, rsp_ud, len, METERBUS_RESULT_INCOMPLETE);
	for (len = 1; len < sizeof(snd_nke); len++)
		expect_one(test, snd_nke, len, METERBUS_RESULT_INCOMPLETE);
}

static void meterbus_frame_garbage(struct kunit *test)
{
	u8 buf[3 + sizeof(rsp_ud) + 2];
	struct events ev;
	size_t chunk;

	buf[0] = 0x00;
	buf[1] = 0xff;
	buf[2] = 0x42;
	memcpy(buf + 3, rsp_ud, sizeof(rsp_ud));
	buf[sizeof(buf) - 2] = 0x55;
	buf[sizeof(buf) - 1] = 0xaa;

	for (chunk = 0; chunk <= sizeof(buf); chunk++) {
		feed(test, buf, sizeof(buf), chunk, &ev);
		KUNIT_ASSERT_EQ(test, ev.n, 3);
		KUNIT_EXPECT_EQ(test, ev.res[0], METERBUS_RESULT_GARBAGE);
		KUNIT_EXPECT_EQ(test, ev.len[0], 3);
		KUNIT_EXPECT_EQ(test, ev.res[1], METERBUS_RESULT_OK);
		KUNIT_EXPECT_EQ(test, ev.len[1], sizeof(rsp_ud));
		KUNIT_EXPECT_EQ(test, ev.res[2], METERBUS_RESULT_GARBAGE);
		KUNIT_EXPECT_EQ(test, ev.len[2], 2);
	}
	KUNIT_EXPECT_EQ(test, meterbus_frame_check(buf, sizeof(buf)),
			METERBUS_RESULT_GARBAGE);
	KUNIT_EXPECT_EQ(test, meterbus_frame_check(buf + 3, sizeof(rsp_ud) + 2),
			METERBUS_RESULT_COLLISION);
}

static void meterbus_frame_sequence(struct kunit *test)
{
	u8 buf[sizeof(ack) + sizeof(snd_nke) + sizeof(control)];
	struct events ev;
	size_t chunk;

	memcpy(buf, ack, sizeof(ack));
	memcpy(buf + 1, snd_nke, sizeof(snd_nke));
	memcpy(buf + 1 + sizeof(snd_nke), control, sizeof(control));
	for (chunk = 0; chunk <= sizeof(buf); chunk++) {
		feed(test, buf, sizeof(buf), chunk, &ev);
		KUNIT_ASSERT_EQ(test, ev.n, 3);
		KUNIT_EXPECT_EQ(test, ev.len[0], 1);
		KUNIT_EXPECT_EQ(test, ev.len[1], sizeof(snd_nke));
		KUNIT_EXPECT_EQ(test, ev.len[2], sizeof(control));
		KUNIT_EXPECT_EQ(test, ev.res[2], METERBUS_RESULT_OK);
	}
}

static void meterbus_frame_max(struct kunit *test)
{
	u8 *f = kunit_kzalloc(test, METERBUS_FRAME_MAX + 100, GFP_KERNEL);
	struct events ev;
	u8 sum = 0;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	f[0] = 0x68;
	f[1] = 0xff;
	f[2] = 0xff;
	f[3] = 0x68;
	for (i = 4; i < METERBUS_FRAME_MAX - 2; i++) {
		f[i] = i * 7;
		sum += f[i];
	}
	f[METERBUS_FRAME_MAX - 2] = sum;
	f[METERBUS_FRAME_MAX - 1] = 0x16;
	expect_one(test, f, METERBUS_FRAME_MAX, METERBUS_RESULT_OK);

	/* a garbage run longer than a frame is cut at the buffer size */
	memset(f, 0x00, METERBUS_FRAME_MAX + 100);
	feed(test, f, METERBUS_FRAME_MAX + 100, 0, &ev);
	KUNIT_ASSERT_EQ(test, ev.n, 2);
	KUNIT_EXPECT_EQ(test, ev.len[0], METERBUS_FRAME_MAX);
	KUNIT_EXPECT_EQ(test, ev.len[1], 100);
	KUNIT_EXPECT_EQ(test, ev.res[1], METERBUS_RESULT_GARBAGE);
}

static struct kunit_case meterbus_frame_cases[] = {
	KUNIT_CASE(meterbus_frame_kinds),
	KUNIT_CASE(meterbus_frame_bad),
	KUNIT_CASE(meterbus_frame_bad_length),
	KUNIT_CASE(meterbus_frame_incomplete),
	KUNIT_CASE(meterbus_frame_garbage),
	KUNIT_CASE(meterbus_frame_sequence),
	KUNIT_CASE(meterbus_frame_max),
	{ }
};

static struct kunit_suite meterbus_frame_suite = {
	.name = "meterbus-frame",
	.test_cases = meterbus_frame_cases,
};

/* A line driver that is never called: the bus is only registered. */
static int meterbus_test_write(struct meterbus_bus *bus, const u8 *buf,
			       size_t len)
{
	return -EOPNOTSUPP;
}

static int meterbus_test_set_baud(struct meterbus_bus *bus, u32 baud)
{
	return -EOPNOTSUPP;
}

static int meterbus_test_set_power(struct meterbus_bus *bus, bool on,
				   struct netlink_ext_ack *extack)
{
	return -EOPNOTSUPP;
}

static int meterbus_test_set_role(struct meterbus_bus *bus,
				  enum meterbus_role role,
				  struct netlink_ext_ack *extack)
{
	return -EOPNOTSUPP;
}

static const struct meterbus_bus_ops meterbus_test_ops = {
	.write = meterbus_test_write,
	.set_baud = meterbus_test_set_baud,
	.set_power = meterbus_test_set_power,
	.set_role = meterbus_test_set_role,
};

struct meterbus_test_parent {
	struct device dev;
	bool released;
};

static void meterbus_test_parent_release(struct device *dev)
{
	struct meterbus_test_parent *p =
		container_of(dev, struct meterbus_test_parent, dev);

	p->released = true;
}

/*
 * A bus that userspace still holds after its line driver went away keeps
 * its parent device, whose name bus-get reports: removing the parent
 * (e.g. the UART) must not free it under the bus.
 */
static void meterbus_bus_keeps_parent(struct kunit *test)
{
	struct meterbus_test_parent *p;
	struct meterbus_bus *bus;

	p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	device_initialize(&p->dev);
	p->dev.release = meterbus_test_parent_release;
	KUNIT_ASSERT_EQ(test, dev_set_name(&p->dev, "meterbus-kunit-parent"), 0);
	if (device_add(&p->dev)) {
		put_device(&p->dev);
		KUNIT_FAIL(test, "cannot add the parent device");
		return;
	}

	bus = meterbus_bus_alloc(&p->dev, &meterbus_test_ops, NULL);
	if (IS_ERR(bus)) {
		device_unregister(&p->dev);
		KUNIT_FAIL(test, "meterbus_bus_alloc: %pe", bus);
		return;
	}
	KUNIT_EXPECT_EQ(test, meterbus_bus_register(bus, 2400, false), 0);

	/* the line driver unbinds, then its device goes away */
	meterbus_bus_unregister(bus);
	device_unregister(&p->dev);
	KUNIT_EXPECT_FALSE_MSG(test, p->released,
			       "the parent was freed while the bus is held");

	/* the last holder lets go */
	meterbus_bus_put(bus);
	KUNIT_EXPECT_TRUE(test, p->released);
}

static struct kunit_case meterbus_bus_cases[] = {
	KUNIT_CASE(meterbus_bus_keeps_parent),
	{ }
};

static struct kunit_suite meterbus_bus_suite = {
	.name = "meterbus-bus",
	.test_cases = meterbus_bus_cases,
};

kunit_test_suites(&meterbus_frame_suite, &meterbus_bus_suite);

MODULE_DESCRIPTION("KUnit tests of the M-Bus core");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(METERBUS);
