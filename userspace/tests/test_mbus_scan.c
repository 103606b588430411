// SPDX-License-Identifier: GPL-2.0
/*
 * Master procedures (mbus_scan.h) against an in-process bus of emulated
 * meters with wired-AND collisions (mbus_meterset.h): the secondary
 * search finds exactly every meter, the primary scan every address,
 * reads follow multi-telegram answers with the FCB rules.
 */
#include <errno.h>

#include <linux/meterbus.h>

#include "kselftest_harness.h"
#include "mbus.h"
#include "test_mbus_util.h"

struct seen {
	struct mbus_found f[600];
	size_t n;
};

static int on_found(void *arg, const struct mbus_found *f)
{
	struct seen *s = arg;

	if (s->n < 600)
		s->f[s->n++] = *f;
	return 0;
}

static bool same_sa(const struct mbus_secaddr *a, const struct mbus_secaddr *b)
{
	return a->id == b->id && a->manufacturer == b->manufacturer &&
	       a->version == b->version && a->medium == b->medium;
}

static struct mbus_link bus_link(struct mbus_meterset *ms)
{
	return (struct mbus_link){ .xfer = mbus_meterset_xfer, .ctx = ms,
				   .retries = 2 };
}

/* Every meter found exactly once, nothing else. */
static void check_all_found(struct __test_metadata *_metadata,
			    const struct mbus_meterset *ms,
			    const struct seen *s)
{
	ASSERT_EQ(ms->n, s->n);
	for (size_t i = 0; i < ms->n; i++) {
		size_t hits = 0;

		for (size_t j = 0; j < s->n; j++)
			hits += same_sa(&ms->meters[i]->m.addr, &s->f[j].sa);
		EXPECT_EQ(1, hits) {
			char line[160];

			mbus_sim_meter_format(ms->meters[i], line, sizeof(line));
			TH_LOG("meter %s found %zu times", line, hits);
		}
	}
	for (size_t j = 0; j < s->n; j++)
		EXPECT_FALSE(s->f[j].collision);
}

static unsigned int notes;

static void on_note(void *arg, const char *text)
{
	notes++;
}

static void search_all_on(struct __test_metadata *_metadata, size_t n,
			  uint64_t seed, bool exhaustive, bool realistic)
{
	struct mbus_meterset ms;
	struct mbus_link l;
	static struct seen s;
	struct mbus_scan_opts o = { .found = on_found, .note = on_note,
				    .arg = &s, .exhaustive = exhaustive };
	struct mbus_secaddr all = MBUS_SECADDR_WILDCARD;

	s.n = 0;
	notes = 0;
	mbus_meterset_init(&ms);
	ASSERT_EQ(0, mbus_meterset_generate(&ms, n, seed, true));
	ms.realistic = realistic;
	ms.rng = seed;
	l = bus_link(&ms);
	ASSERT_EQ((int)n, mbus_scan_secondary(&l, &all, &o));
	check_all_found(_metadata, &ms, &s);
	TH_LOG("%zu meters%s: %lu requests, %lu timeouts, %lu damaged, %u notes",
	       n, realistic ? " (realistic delays)" : "", l.stats.requests,
	       l.stats.timeouts, l.stats.damaged, notes);
	mbus_meterset_free(&ms);
}

static void search_all(struct __test_metadata *_metadata, size_t n,
		       uint64_t seed, bool exhaustive)
{
	search_all_on(_metadata, n, seed, exhaustive, false);
}

/*
 * Meters that answer after delays of their own (11..330 bit times,
 * differing per request): collisions are garbage, the search still
 * finds every meter, twins included, by likely values.
 */
TEST(secondary_250_meters_realistic)
{
	search_all_on(_metadata, 250, 1, false, true);
}

TEST(secondary_realistic_seeds)
{
	for (uint64_t seed = 2; seed < 6; seed++)
		search_all_on(_metadata, 40 + 30 * seed, seed, false, true);
}

/* The wire under realistic delays: one answer is clean, two are garbage. */
TEST(realistic_wire)
{
	const uint8_t e5 = MBUS_ACK;
	const uint8_t *a[2] = { &e5, &e5 };
	size_t len[2] = { 1, 1 };
	unsigned int d[2] = { 0, 0 };
	uint8_t out[16];

	EXPECT_EQ(1, mbus_wire_mix(a, len, d, 1, out, sizeof(out)));
	EXPECT_EQ(0xE5, out[0]);
	/* together: the same E5 */
	EXPECT_EQ(1, mbus_wire_mix(a, len, d, 2, out, sizeof(out)));
	EXPECT_EQ(0xE5, out[0]);
	/* 5 bit times apart: neither E5 survives */
	d[1] = 5;
	ASSERT_LE(1, mbus_wire_mix(a, len, d, 2, out, sizeof(out)));
	EXPECT_NE(0xE5, out[0]);
	/* a character apart: two E5, one after the other */
	d[1] = 11;
	EXPECT_EQ(2, mbus_wire_mix(a, len, d, 2, out, sizeof(out)));
	EXPECT_EQ(0xE5, out[0]);
	EXPECT_EQ(0xE5, out[1]);
}

/* Twins that differ only in an unknown manufacturer code: a note. */
TEST(secondary_realistic_unknown_manufacturer)
{
	struct mbus_meterset ms;
	struct mbus_link l;
	static struct seen s;
	struct mbus_scan_opts o = { .found = on_found, .note = on_note,
				    .arg = &s };
	struct mbus_secaddr all = MBUS_SECADDR_WILDCARD;

	s.n = 0;
	notes = 0;
	mbus_meterset_init(&ms);
	ASSERT_EQ(0, mbus_meterset_generate(&ms, 3, 5, false));
	ms.meters[1]->m.addr = ms.meters[0]->m.addr;
	ASSERT_EQ(0, mbus_manufacturer_id("KAM", &ms.meters[0]->m.addr.manufacturer));
	ASSERT_EQ(0, mbus_manufacturer_id("QQX", &ms.meters[1]->m.addr.manufacturer));
	ms.realistic = true;
	l = bus_link(&ms);
	/* KAM and the third meter are found, QQX is not, and it is said */
	ASSERT_EQ(2, mbus_scan_secondary(&l, &all, &o));
	EXPECT_EQ(1, notes);
	/* exhaustive: found, at the price of the sweep */
	s.n = 0;
	notes = 0;
	o.exhaustive = true;
	ASSERT_EQ(3, mbus_scan_secondary(&l, &all, &o));
	EXPECT_EQ(0, notes);
	TH_LOG("exhaustive: %lu requests", l.stats.requests);
	mbus_meterset_free(&ms);
}

TEST(secondary_250_meters)
{
	search_all(_metadata, 250, 1, false);
}

TEST(secondary_many_seeds)
{
	for (uint64_t seed = 2; seed < 12; seed++)
		search_all(_metadata, 40 + 20 * seed, seed, false);
}

TEST(secondary_exhaustive)
{
	search_all(_metadata, 30, 99, true);
}

/*
 * Generated meters, one per address of @addrs ("ID MAN VER MED"), with
 * their addresses rewritten to those.
 */
static void meters_at(struct __test_metadata *_metadata,
		      struct mbus_meterset *ms, const char *const *addrs,
		      size_t n)
{
	mbus_meterset_init(ms);
	ASSERT_EQ(0, mbus_meterset_generate(ms, n, 5, false));
	for (size_t i = 0; i < n; i++) {
		char man[4];
		unsigned int id, ver, med;
		struct mbus_secaddr *sa = &ms->meters[i]->m.addr;

		ASSERT_EQ(4, sscanf(addrs[i], "%x %3s %x %x", &id, man, &ver,
				    &med));
		sa->id = id;
		ASSERT_EQ(0, mbus_manufacturer_id(man, &sa->manufacturer));
		sa->version = (uint8_t)ver;
		sa->medium = (uint8_t)med;
	}
}

/* Three meters with one ID: two manufacturers, then version, medium. */
TEST(secondary_same_id)
{
	static const char *const addrs[] = {
		"12345678 KAM 01 07", "12345678 LUG 01 07",
		"12345678 KAM 02 07", "12345678 KAM 01 04",
		"12345678 ZRI 05 02", "1234567A KAM 01 07",
	};
	struct mbus_meterset ms;
	struct mbus_link l;
	static struct seen s;
	struct mbus_scan_opts o = { .found = on_found, .arg = &s };
	struct mbus_secaddr all = MBUS_SECADDR_WILDCARD;

	s.n = 0;
	meters_at(_metadata, &ms, addrs, 6);
	l = bus_link(&ms);
	ASSERT_EQ(6, mbus_scan_secondary(&l, &all, &o));
	check_all_found(_metadata, &ms, &s);
	mbus_meterset_free(&ms);
}

/*
 * The bus of @ms, but the answer to the first selection of @late comes
 * one transfer late: the master times out, and the acknowledgement
 * arrives in the window of the next request (a meter that answered after
 * the reply window).
 */
struct late_bus {
	struct mbus_meterset *ms;
	struct mbus_secaddr late;
	bool held, done;
	struct mbus_reply stash;
	/* instead: @late acknowledges its selection, never answers REQ_UD2 */
	bool mute, muted;
};

static int late_xfer(void *ctx, const uint8_t *req, size_t len, bool no_reply,
		     struct mbus_reply *r)
{
	struct late_bus *b = ctx;
	struct mbus_secaddr sa;
	int ret = mbus_meterset_xfer(b->ms, req, len, no_reply, r);

	if (ret)
		return ret;
	if (b->mute) {
		if (len == 17 && req[6] == MBUS_CI_SELECTION) {
			mbus_secaddr_decode(req + 7, &sa);
			b->muted = same_sa(&sa, &b->late);
		} else if (len == 5 && b->muted) {
			r->result = METERBUS_RESULT_TIMEOUT;
			r->len = 0;
		}
		return 0;
	}
	if (b->held) {
		b->held = false;
		if (r->result == METERBUS_RESULT_TIMEOUT)
			*r = b->stash;
		else
			r->result = METERBUS_RESULT_COLLISION;
		return 0;
	}
	if (!b->done && len == 17 && req[6] == MBUS_CI_SELECTION &&
	    r->result == METERBUS_RESULT_OK) {
		mbus_secaddr_decode(req + 7, &sa);
		if (same_sa(&sa, &b->late)) {
			b->done = b->held = true;
			b->stash = *r;
			r->result = METERBUS_RESULT_TIMEOUT;
			r->len = 0;
		}
	}
	return 0;
}

/* The twins of secondary_late_acknowledgement and secondary_mute_meter */
static const char *const twins[] = {
	"12345678 KAM 01 06", "12345678 KAM 01 07",
};

/*
 * Twins that differ in the medium (06, 07): the acknowledgement of 07
 * comes late, in the window of the selection of the next candidate (0E),
 * where nobody is. The master must not report a meter 0E; 07, whose
 * answer it never saw in time, may be missed.
 */
TEST(secondary_late_acknowledgement)
{
	struct mbus_meterset ms;
	struct late_bus b = { .ms = &ms };
	struct mbus_link l = { .xfer = late_xfer, .ctx = &b, .retries = 2 };
	static struct seen s;
	struct mbus_scan_opts o = { .found = on_found, .note = on_note,
				    .arg = &s };
	struct mbus_secaddr all = MBUS_SECADDR_WILDCARD;

	s.n = 0;
	meters_at(_metadata, &ms, twins, 2);
	b.late = ms.meters[1]->m.addr;
	ASSERT_LE(0, mbus_scan_secondary(&l, &all, &o));
	ASSERT_TRUE(b.done);
	for (size_t j = 0; j < s.n; j++) {
		bool there = false;

		for (size_t i = 0; i < ms.n; i++)
			there |= same_sa(&ms.meters[i]->m.addr, &s.f[j].sa);
		EXPECT_TRUE(there) {
			char a[MBUS_SECADDR_STRLEN];

			mbus_secaddr_format(&s.f[j].sa, a);
			TH_LOG("reported %s, which is not on the bus", a);
		}
	}
	/* the meter whose acknowledgement was on time is found */
	EXPECT_LE(1, s.n);
	mbus_meterset_free(&ms);
}

/*
 * A meter that acknowledges its selection but never answers REQ_UD2 in
 * time when selected alone: reported all the same, with a note.
 */
TEST(secondary_mute_meter)
{
	struct mbus_meterset ms;
	struct late_bus b = { .ms = &ms, .mute = true };
	struct mbus_link l = { .xfer = late_xfer, .ctx = &b, .retries = 2 };
	static struct seen s;
	struct mbus_scan_opts o = { .found = on_found, .note = on_note,
				    .arg = &s };
	struct mbus_secaddr all = MBUS_SECADDR_WILDCARD;
	unsigned int before = notes;

	s.n = 0;
	meters_at(_metadata, &ms, twins, 2);
	b.late = ms.meters[1]->m.addr;
	ASSERT_EQ(2, mbus_scan_secondary(&l, &all, &o));
	check_all_found(_metadata, &ms, &s);
	EXPECT_LT(before, notes);
	mbus_meterset_free(&ms);
}

/*
 * The bus of @ms, but in every run of REQ_UD2s the fourth goes
 * unanswered: the probe's REQ_UD2 is asked three times (.retries = 2;
 * a collision is never OK), so that is the first that checks the AND.
 */
struct lossy_bus {
	struct mbus_meterset *ms;
	unsigned int run, dropped;
};

static int lossy_xfer(void *ctx, const uint8_t *req, size_t len, bool no_reply,
		      struct mbus_reply *r)
{
	struct lossy_bus *b = ctx;
	int ret = mbus_meterset_xfer(b->ms, req, len, no_reply, r);

	if (ret)
		return ret;
	b->run = len == 5 && req[2] == MBUS_ADDR_SELECTED ? b->run + 1 : 0;
	if (b->run == 4) {
		r->result = METERBUS_RESULT_TIMEOUT;
		r->len = 0;
		b->dropped++;
	}
	return 0;
}

/*
 * Twins told apart by the manufacturer alone, one of them a code that
 * is not among the known ones: only the collided answer (the AND) finds
 * it. One lost answer while the master checks that the AND repeats (a
 * stalled meter) must not make it search blind and miss that meter.
 */
TEST(secondary_and_survives_a_lost_answer)
{
	static const char *const addrs[] = {
		"12345678 KAM 01 06", "12345678 PPD 01 06",
	};
	struct mbus_meterset ms;
	struct lossy_bus b = { .ms = &ms };
	struct mbus_link l = { .xfer = lossy_xfer, .ctx = &b, .retries = 2 };
	static struct seen s;
	struct mbus_scan_opts o = { .found = on_found, .note = on_note,
				    .arg = &s };
	struct mbus_secaddr all = MBUS_SECADDR_WILDCARD;

	s.n = 0;
	meters_at(_metadata, &ms, addrs, 2);
	ASSERT_EQ(2, mbus_scan_secondary(&l, &all, &o));
	check_all_found(_metadata, &ms, &s);
	EXPECT_LT(0, b.dropped);
	mbus_meterset_free(&ms);
}

/* Two meters with the same secondary address: reported once, as such. */
TEST(secondary_duplicate)
{
	struct mbus_meterset ms;
	struct mbus_link l;
	static struct seen s;
	struct mbus_scan_opts o = { .found = on_found, .arg = &s };
	struct mbus_secaddr all = MBUS_SECADDR_WILDCARD;

	s.n = 0;
	mbus_meterset_init(&ms);
	ASSERT_EQ(0, mbus_meterset_generate(&ms, 3, 8, false));
	ms.meters[1]->m.addr = ms.meters[0]->m.addr;
	l = bus_link(&ms);
	ASSERT_EQ(2, mbus_scan_secondary(&l, &all, &o));
	ASSERT_EQ(2, s.n);
	EXPECT_EQ(1, s.f[0].collision + s.f[1].collision);
	mbus_meterset_free(&ms);
}

/* A partial pattern limits the search. */
TEST(secondary_pattern)
{
	struct mbus_meterset ms;
	struct mbus_link l;
	static struct seen s;
	struct mbus_scan_opts o = { .found = on_found, .arg = &s };
	struct mbus_secaddr pat;
	size_t expect = 0;

	s.n = 0;
	mbus_meterset_init(&ms);
	ASSERT_EQ(0, mbus_meterset_generate(&ms, 100, 3, false));
	ASSERT_EQ(0, mbus_secaddr_parse("3", &pat));
	for (size_t i = 0; i < ms.n; i++)
		expect += mbus_secaddr_match(&pat, &ms.meters[i]->m.addr);
	ASSERT_LT(0, expect);
	l = bus_link(&ms);
	ASSERT_EQ((int)expect, mbus_scan_secondary(&l, &pat, &o));
	for (size_t j = 0; j < s.n; j++)
		EXPECT_TRUE(mbus_secaddr_match(&pat, &s.f[j].sa));
	mbus_meterset_free(&ms);
}

TEST(primary_scan)
{
	struct mbus_meterset ms;
	struct mbus_link l;
	static struct seen s;
	struct mbus_scan_opts o = { .first = 0, .last = 250, .read_id = true,
				    .found = on_found, .arg = &s };

	s.n = 0;
	mbus_meterset_init(&ms);
	ASSERT_EQ(0, mbus_meterset_generate(&ms, 10, 4, true));
	l = bus_link(&ms);
	ASSERT_EQ(10, mbus_scan_primary(&l, &o));
	for (size_t i = 0; i < 10; i++) {
		const struct mbus_sim_meter *m = ms.meters[i];
		size_t hits = 0;

		for (size_t j = 0; j < s.n; j++)
			hits += s.f[j].primary == m->m.primary &&
				s.f[j].has_secaddr &&
				same_sa(&s.f[j].sa, &m->m.addr);
		EXPECT_EQ(1, hits);
	}
	/* 251 SND_NKE, 10 REQ_UD2; 241 timeouts */
	EXPECT_EQ(261, l.stats.requests);
	EXPECT_EQ(241, l.stats.timeouts);
	mbus_meterset_free(&ms);
}

TEST(primary_collision)
{
	struct mbus_meterset ms;
	struct mbus_link l;
	static struct seen s;
	struct mbus_scan_opts o = { .first = 1, .last = 20, .read_id = true,
				    .found = on_found, .arg = &s };

	s.n = 0;
	mbus_meterset_init(&ms);
	ASSERT_EQ(0, mbus_meterset_generate(&ms, 3, 4, false));
	ms.meters[0]->m.primary = 7;
	ms.meters[1]->m.primary = 7;
	ms.meters[2]->m.primary = 9;
	l = bus_link(&ms);
	ASSERT_EQ(2, mbus_scan_primary(&l, &o));
	EXPECT_EQ(7, s.f[0].primary);
	EXPECT_TRUE(s.f[0].collision);
	EXPECT_EQ(9, s.f[1].primary);
	EXPECT_FALSE(s.f[1].collision);
	mbus_meterset_free(&ms);
}

TEST(wire_and)
{
	uint8_t acc[8] = { 0xE5 }, b[8] = { 0xE5 };
	size_t len = 1;

	mbus_wire_and(acc, &len, b, 1);
	EXPECT_EQ(1, len);
	EXPECT_EQ(0xE5, acc[0]);
	EXPECT_EQ(METERBUS_RESULT_OK, mbus_wire_result(acc, len));
	b[0] = 0x68;
	b[1] = 0x0F;
	mbus_wire_and(acc, &len, b, 2);
	EXPECT_EQ(2, len);
	EXPECT_EQ(0x60, acc[0]);
	EXPECT_EQ(0x0F, acc[1]);
	EXPECT_EQ(METERBUS_RESULT_COLLISION, mbus_wire_result(acc, len));
	EXPECT_EQ(METERBUS_RESULT_TIMEOUT, mbus_wire_result(acc, 0));
}

/* The generator's promises: unique, with twins of every kind. */
TEST(generated_set)
{
	struct mbus_meterset ms;
	unsigned int man = 0, ver = 0, med = 0, hex = 0;

	mbus_meterset_init(&ms);
	ASSERT_EQ(0, mbus_meterset_generate(&ms, 250, 42, true));
	for (size_t i = 0; i < ms.n; i++) {
		const struct mbus_secaddr *a = &ms.meters[i]->m.addr;

		EXPECT_NE(0, ms.meters[i]->m.primary);
		for (int k = 0; k < 8; k++)
			if (((a->id >> (4 * k)) & 0xF) > 9) {
				hex++;
				break;
			}
		for (size_t j = 0; j < i; j++) {
			const struct mbus_secaddr *b = &ms.meters[j]->m.addr;

			EXPECT_FALSE(same_sa(a, b));
			EXPECT_NE(ms.meters[i]->m.primary,
				  ms.meters[j]->m.primary);
			if (a->id != b->id)
				continue;
			man += a->manufacturer != b->manufacturer &&
			       a->version == b->version && a->medium == b->medium;
			ver += a->manufacturer == b->manufacturer &&
			       a->version != b->version && a->medium == b->medium;
			med += a->manufacturer == b->manufacturer &&
			       a->version == b->version && a->medium != b->medium;
		}
	}
	EXPECT_LT(0, man);
	EXPECT_LT(0, ver);
	EXPECT_LT(0, med);
	EXPECT_LT(0, hex);
	mbus_meterset_free(&ms);
}

struct frames {
	uint8_t f[4][MBUS_MAX_FRAME];
	size_t len[4];
	size_t n;
};

static int on_frame(void *arg, const uint8_t *frame, size_t len)
{
	struct frames *fr = arg;

	if (fr->n < 4) {
		memcpy(fr->f[fr->n], frame, len);
		fr->len[fr->n++] = len;
	}
	return 0;
}

static void load_lug(struct __test_metadata *_metadata,
		     struct mbus_meterset *ms, uint8_t primary)
{
	const char *dir = getenv("SMCARD_MBUS_DATA");
	char p1[512], p2[512];
	const char *paths[] = { p1, p2 };
	struct mbus_error err = { 0 };

	snprintf(p1, sizeof(p1), "%s/heat_lug_multi_1.hex",
		 dir ? dir : "tests/data/mbus");
	snprintf(p2, sizeof(p2), "%s/heat_lug_multi_2.hex",
		 dir ? dir : "tests/data/mbus");
	ASSERT_EQ(0, mbus_meterset_load(ms, primary, paths, 2, &err))
		TH_LOG("%s", err.msg);
}

/* Records of a telegram as text, to compare replies with the files. */
static void records_of(const uint8_t *f, size_t len, char *out, size_t size)
{
	struct mbus_telegram t;
	size_t pos = 0;

	mbus_telegram_init(&t);
	out[0] = '\0';
	if (mbus_telegram_parse(f, len, &t, NULL) == 0)
		for (size_t i = 0; i < t.n_records && pos < size; i++) {
			char v[64];

			mbus_value_format(&t.records[i].value, v, sizeof(v));
			pos += (size_t)snprintf(out + pos, size - pos, "%s=%s;",
						t.records[i].quantity, v);
		}
	mbus_telegram_free(&t);
}

static void read_multi(struct __test_metadata *_metadata, unsigned int drop,
		       bool secondary)
{
	struct mbus_meterset ms;
	struct mbus_link l;
	struct mbus_target t = { .primary = 11 };
	static struct frames fr;
	char a[512], b[512];

	fr.n = 0;
	mbus_meterset_init(&ms);
	ASSERT_EQ(0, mbus_meterset_generate(&ms, 5, 6, false));
	load_lug(_metadata, &ms, 11);
	ms.drop_every = drop;
	l = bus_link(&ms);
	if (secondary) {
		t.secondary = true;
		t.sa = ms.meters[5]->m.addr;
	}
	ASSERT_EQ(2, mbus_read(&l, &t, 8, on_frame, &fr)) TH_LOG("%s", l.msg);
	ASSERT_EQ(2, fr.n);
	for (size_t i = 0; i < 2; i++) {
		records_of(fr.f[i], fr.len[i], a, sizeof(a));
		records_of(ms.meters[5]->tele[i], ms.meters[5]->tele_len[i], b,
			   sizeof(b));
		EXPECT_STREQ(b, a);
		EXPECT_EQ(secondary ? 11 : 11, fr.f[i][5]);
	}
	mbus_meterset_free(&ms);
}

TEST(read_multi_telegram)
{
	read_multi(_metadata, 0, false);
}

/* Every second RSP_UD is lost: the repeat keeps the FCB, so the meter
 * sends the same telegram again and none is skipped or doubled. */
TEST(read_repeat_same_fcb)
{
	read_multi(_metadata, 2, false);
}

TEST(read_secondary)
{
	read_multi(_metadata, 3, true);
}

/* A meter replaying an OMS mode 5 telegram: read, then decrypted. */
TEST(read_encrypted_replay)
{
	const char *dir = getenv("SMCARD_MBUS_DATA");
	char path[512];
	const char *paths[] = { path };
	struct mbus_meterset ms;
	struct mbus_link l;
	struct mbus_error err = { 0 };
	struct mbus_target t = { .primary = 9 };
	struct mbus_telegram tg;
	static struct frames fr;
	uint8_t key[MBUS_KEY_LEN];

	fr.n = 0;
	snprintf(path, sizeof(path), "%s/water_oms_mode5.hex",
		 dir ? dir : "tests/data/mbus");
	mbus_meterset_init(&ms);
	ASSERT_EQ(0, mbus_meterset_load(&ms, 9, paths, 1, &err)) TH_LOG("%s", err.msg);
	l = bus_link(&ms);
	ASSERT_EQ(1, mbus_read(&l, &t, 4, on_frame, &fr)) TH_LOG("%s", l.msg);
	ASSERT_EQ(0, mbus_key_parse("51728910E66D83F851728910E66D83F8", key));
	mbus_telegram_init(&tg);
	/* the access number is part of the IV: the replay keeps it */
	EXPECT_EQ(0, mbus_telegram_parse_key(fr.f[0], fr.len[0], key, &tg, &err))
		TH_LOG("%s", err.msg);
	EXPECT_TRUE(tg.sec.decrypted);
	EXPECT_EQ(-ENOKEY, mbus_telegram_parse(fr.f[0], fr.len[0], &tg, &err));
	mbus_telegram_free(&tg);
	mbus_meterset_free(&ms);
}

TEST(read_absent)
{
	struct mbus_meterset ms;
	struct mbus_link l;
	struct mbus_target t = { .primary = 200 };

	mbus_meterset_init(&ms);
	ASSERT_EQ(0, mbus_meterset_generate(&ms, 2, 6, false));
	l = bus_link(&ms);
	EXPECT_EQ(-ENOENT, mbus_read(&l, &t, 8, NULL, NULL));
	EXPECT_NE(0, l.msg[0]);
	mbus_meterset_free(&ms);
}

TEST(set_address_then_read)
{
	struct mbus_meterset ms;
	struct mbus_link l;
	struct mbus_target t = { .secondary = true }, n = { .primary = 42 };

	mbus_meterset_init(&ms);
	ASSERT_EQ(0, mbus_meterset_generate(&ms, 4, 6, false));
	t.sa = ms.meters[2]->m.addr;
	l = bus_link(&ms);
	ASSERT_EQ(0, mbus_set_primary(&l, &t, 42)) TH_LOG("%s", l.msg);
	EXPECT_EQ(42, ms.meters[2]->m.primary);
	EXPECT_EQ(1, mbus_read(&l, &n, 8, NULL, NULL));
	EXPECT_EQ(0, mbus_set_baud(&l, &n, 9600));
	EXPECT_EQ(9600, ms.meters[2]->m.baud);
	EXPECT_EQ(-EINVAL, mbus_set_baud(&l, &n, 1000));
	EXPECT_EQ(0, mbus_app_reset(&l, &n));
	EXPECT_EQ(0, mbus_link_reset(&l, &n));
	mbus_meterset_free(&ms);
}

TEST(target_parse)
{
	struct mbus_target t;
	char s[32];

	EXPECT_EQ(0, mbus_target_parse("250", &t));
	EXPECT_FALSE(t.secondary);
	EXPECT_EQ(250, t.primary);
	EXPECT_EQ(-EINVAL, mbus_target_parse("251", &t));
	EXPECT_EQ(-EINVAL, mbus_target_parse("x", &t));
	EXPECT_EQ(0, mbus_target_parse("1234567824400107", &t));
	EXPECT_TRUE(t.secondary);
	EXPECT_EQ(0x12345678, t.sa.id);
	mbus_target_format(&t, s, sizeof(s));
	EXPECT_STREQ("1234567824400107", s);
}

TEST_HARNESS_MAIN
