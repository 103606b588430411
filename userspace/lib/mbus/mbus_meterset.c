// SPDX-License-Identifier: GPL-2.0
/* A bus of emulated meters with wired-AND collisions; see mbus_meterset.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/meterbus.h>

#include "hexdump.h"
#include "mbus_build.h"
#include "mbus_data.h"
#include "mbus_header.h"
#include "mbus_meterset.h"

/* One placeholder record per replayed telegram: too big for two a frame. */
#define PLACEHOLDER_LEN	190

void mbus_meterset_init(struct mbus_meterset *s)
{
	memset(s, 0, sizeof(*s));
}

static void meter_free(struct mbus_sim_meter *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_tele; i++)
		free(m->tele[i]);
	free(m->tele);
	free(m->tele_len);
	free(m->recs);
	free(m);
}

void mbus_meterset_free(struct mbus_meterset *s)
{
	for (size_t i = 0; i < s->n; i++)
		meter_free(s->meters[i]);
	free(s->meters);
	memset(s, 0, sizeof(*s));
}

static int append(struct mbus_meterset *s, struct mbus_sim_meter *m)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct mbus_sim_meter **p = realloc(s->meters,
						    cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		s->meters = p;
		s->cap = cap;
	}
	s->meters[s->n++] = m;
	return 0;
}

/* --- generated meters -------------------------------------------------- */

static uint64_t rnd(uint64_t *st)
{
	/* xorshift64* */
	*st ^= *st >> 12;
	*st ^= *st << 25;
	*st ^= *st >> 27;
	return *st * 0x2545F4914F6CDD1DULL;
}

static const char *const gen_man[] = {
	"KAM", "LUG", "ELS", "SEN", "ABB", "EMH", "ZRI", "ITW", "HYD", "DME",
	"SON", "APA", "GWF", "BMT", "EFE", "REL",
};

static const uint8_t gen_medium[] = { 0x02, 0x03, 0x04, 0x06, 0x07, 0x0C,
				      0x0D, 0x16 };

static uint32_t gen_id(uint64_t *st, bool hex)
{
	uint32_t id = 0;

	for (int i = 0; i < 8; i++)
		id = id << 4 | (uint32_t)(rnd(st) % 10);
	if (hex) {
		unsigned int pos = (unsigned int)(rnd(st) % 8);

		id &= ~(0xFu << (4 * pos));
		id |= (uint32_t)(0xA + rnd(st) % 5) << (4 * pos);
	}
	return id;
}

static bool taken(const struct mbus_meterset *s, size_t upto,
		  const struct mbus_secaddr *sa)
{
	for (size_t i = 0; i < upto; i++) {
		const struct mbus_secaddr *o = &s->meters[i]->m.addr;

		if (o->id == sa->id && o->manufacturer == sa->manufacturer &&
		    o->version == sa->version && o->medium == sa->medium)
			return true;
	}
	return false;
}

static int gen_records(struct mbus_sim_meter *m, uint64_t *st)
{
	struct mbus_record_spec *r = calloc(4, sizeof(*r));
	int64_t base = (int64_t)(rnd(st) % 900000);
	int ret = 0;
	size_t n = 0;

	if (!r)
		return -ENOMEM;
	switch (m->m.addr.medium) {
	case 0x02:	/* electricity: kWh, W */
		ret |= mbus_record_spec_number(&r[n++], "energy", "Wh", 3,
					       MBUS_DF_INT32, base);
		ret |= mbus_record_spec_number(&r[n++], "power", "W", 0,
					       MBUS_DF_INT32,
					       (int64_t)(rnd(st) % 20000));
		break;
	case 0x04:
	case 0x0C:
	case 0x0D:	/* heat: kWh, m^3, flow and return temperature */
		ret |= mbus_record_spec_number(&r[n++], "energy", "Wh", 3,
					       MBUS_DF_INT32, base);
		ret |= mbus_record_spec_number(&r[n++], "volume", "m^3", -2,
					       MBUS_DF_INT32, base / 3);
		ret |= mbus_record_spec_number(&r[n++], "flow_temperature",
					       "°C", -1, MBUS_DF_INT16,
					       600 + (int64_t)(rnd(st) % 200));
		ret |= mbus_record_spec_number(&r[n++], "return_temperature",
					       "°C", -1, MBUS_DF_INT16,
					       300 + (int64_t)(rnd(st) % 200));
		break;
	default:	/* water, gas and the rest: m^3 and flow */
		ret |= mbus_record_spec_number(&r[n++], "volume", "m^3", -3,
					       MBUS_DF_INT32, base);
		ret |= mbus_record_spec_number(&r[n++], "volume_flow", "m^3/h",
					       -3, MBUS_DF_INT16,
					       (int64_t)(rnd(st) % 3000));
		break;
	}
	if (ret) {
		free(r);
		return -EINVAL;
	}
	m->recs = r;
	m->n_recs = n;
	m->m.records = r;
	m->m.n_records = n;
	return 0;
}

int mbus_meterset_generate(struct mbus_meterset *s, size_t n, uint64_t seed,
			   bool primary)
{
	uint64_t st = seed * 2654435761u + 0x9E3779B97F4A7C15ULL;
	uint8_t perm[250];
	size_t first = s->n;
	int ret;

	for (unsigned int i = 0; i < 250; i++)
		perm[i] = (uint8_t)(i + 1);
	for (unsigned int i = 249; i > 0; i--) {
		unsigned int j = (unsigned int)(rnd(&st) % (i + 1));
		uint8_t t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	for (size_t i = 0; i < n; i++) {
		struct mbus_sim_meter *m = calloc(1, sizeof(*m));
		struct mbus_secaddr *sa;
		uint16_t man;

		if (!m)
			return -ENOMEM;
		sa = &m->m.addr;
		do {
			size_t k = i - first;

			if (k % 10 == 9) {
				/* a twin of an earlier meter of this set */
				const struct mbus_sim_meter *o =
					s->meters[first + rnd(&st) % (s->n - first)];

				*sa = o->m.addr;
				switch ((k / 10) % 3) {
				case 0:
					mbus_manufacturer_id(gen_man[rnd(&st) % 16],
							     &man);
					sa->manufacturer = man;
					break;
				case 1:
					sa->version = (uint8_t)(rnd(&st) % 0x40);
					break;
				default:
					sa->medium = gen_medium[rnd(&st) % 8];
					break;
				}
			} else {
				sa->id = gen_id(&st, k % 25 == 12);
				mbus_manufacturer_id(gen_man[rnd(&st) % 16], &man);
				sa->manufacturer = man;
				sa->version = (uint8_t)(rnd(&st) % 0x40);
				sa->medium = gen_medium[rnd(&st) % 8];
			}
		} while (taken(s, s->n, sa));
		if (primary && i < 250 && first == 0)
			m->m.primary = perm[i];
		ret = gen_records(m, &st);
		if (!ret)
			ret = append(s, m);
		if (ret) {
			meter_free(m);
			return ret;
		}
		mbus_meter_reset(&m->m);
	}
	return 0;
}

/* --- replayed telegrams ------------------------------------------------ */

int mbus_meterset_add_telegrams(struct mbus_meterset *s, uint8_t primary,
				const uint8_t *const *frames,
				const size_t *lens, size_t n,
				struct mbus_error *err)
{
	struct mbus_sim_meter *m;
	struct mbus_telegram t;
	int ret;

	if (!n)
		return mbus_fail(err, -EINVAL, 0, "no telegram");
	mbus_telegram_init(&t);
	ret = mbus_telegram_parse(frames[0], lens[0], &t, err);
	/* an encrypted meter: the header is all the model needs */
	if (ret && t.sec.error)
		ret = 0;
	if (ret == 0 && t.frame.type != MBUS_FRAME_LONG)
		ret = mbus_fail(err, -EINVAL, 0, "not a long frame");
	m = calloc(1, sizeof(*m));
	if (!m) {
		mbus_telegram_free(&t);
		return -ENOMEM;
	}
	if (ret == 0) {
		m->m.addr.id = t.header.id;
		m->m.addr.manufacturer = t.header.manufacturer;
		m->m.addr.version = t.header.version;
		m->m.addr.medium = t.header.medium;
		m->m.status = t.header.status;
		m->m.access_number = t.header.access_number;
	}
	mbus_telegram_free(&t);
	if (ret) {
		free(m);
		return ret < 0 ? ret : -EINVAL;
	}
	m->m.primary = primary;
	m->tele = calloc(n, sizeof(*m->tele));
	m->tele_len = calloc(n, sizeof(*m->tele_len));
	m->recs = calloc(n, sizeof(*m->recs));
	if (!m->tele || !m->tele_len || !m->recs) {
		meter_free(m);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct mbus_record_spec *r = &m->recs[i];

		if (lens[i] < 9 || lens[i] > MBUS_MAX_FRAME ||
		    frames[i][0] != MBUS_START_LONG) {
			meter_free(m);
			return mbus_fail(err, -EINVAL, 0,
					 "telegram %zu is not a long frame",
					 i + 1);
		}
		m->tele[i] = malloc(lens[i]);
		if (!m->tele[i]) {
			meter_free(m);
			return -ENOMEM;
		}
		memcpy(m->tele[i], frames[i], lens[i]);
		m->tele_len[i] = lens[i];
		m->n_tele = i + 1;
		/* the model sequences these; each fills one frame */
		r->df = MBUS_DF_LVAR;
		r->vif[0] = 0xFD;
		r->vif[1] = 0x11;
		r->vif_len = 2;
		r->value.type = MBUS_VALUE_TEXT;
		memset(r->value.bytes, 'x', PLACEHOLDER_LEN);
		r->value.len = PLACEHOLDER_LEN;
	}
	m->n_recs = n;
	m->m.records = m->recs;
	m->m.n_records = n;
	mbus_meter_reset(&m->m);
	ret = append(s, m);
	if (ret)
		meter_free(m);
	return ret;
}

static long load_hex(const char *path, uint8_t *out, size_t size,
		     struct mbus_error *err)
{
	char text[8192];
	bool comment = false;
	size_t n, pos;
	long len;
	FILE *f = fopen(path, "r");

	if (!f) {
		int e = -errno;

		return mbus_fail(err, e, 0, "%s: %s", path, strerror(-e));
	}
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '\n')
			comment = false;
		else if (text[i] == '#')
			comment = true;
		if (comment)
			text[i] = ' ';
	}
	len = smcard_hex_parse(text, out, size, &pos);
	if (len < 0)
		return mbus_fail(err, -EINVAL, 0,
				 "%s: bad hex at character %zu", path, pos);
	if (len == 0)
		return mbus_fail(err, -EINVAL, 0, "%s: no bytes", path);
	return len;
}

int mbus_meterset_load(struct mbus_meterset *s, uint8_t primary,
		       const char *const *paths, size_t n,
		       struct mbus_error *err)
{
	uint8_t (*buf)[MBUS_MAX_FRAME] = calloc(n ? n : 1, sizeof(*buf));
	const uint8_t **frames = calloc(n ? n : 1, sizeof(*frames));
	size_t *lens = calloc(n ? n : 1, sizeof(*lens));
	int ret = 0;

	if (!buf || !frames || !lens) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		long len = load_hex(paths[i], buf[i], sizeof(buf[i]), err);

		if (len < 0) {
			ret = (int)len;
			goto out;
		}
		frames[i] = buf[i];
		lens[i] = (size_t)len;
	}
	ret = mbus_meterset_add_telegrams(s, primary, frames, lens, n, err);
	if (ret == -EINVAL && err && n) {
		char msg[2 * sizeof(err->msg)];

		snprintf(msg, sizeof(msg), "%s: %s", paths[0], err->msg);
		msg[sizeof(err->msg) - 1] = '\0';
		memcpy(err->msg, msg, sizeof(err->msg));
	}
out:
	free(buf);
	free(frames);
	free(lens);
	return ret;
}

/* The telegram the model chose, with this meter's A field and header. */
static int replay(const struct mbus_sim_meter *m, uint8_t *out, size_t size)
{
	size_t idx = m->m.tele_start < m->n_tele ? m->m.tele_start : 0;
	size_t len = m->tele_len[idx];

	if (len > size)
		return -ENOSPC;
	memcpy(out, m->tele[idx], len);
	out[5] = m->m.primary;
	/* an encrypted telegram keeps its access number: it is in the IV */
	if (len >= 21 && out[6] == MBUS_CI_RSP_LONG) {
		mbus_secaddr_encode(&m->m.addr, out + 7);
		if (!(out[18] & 0x1F))
			out[15] = m->m.access_number;
	}
	out[len - 2] = mbus_checksum(out + 4, len - 6);
	return (int)len;
}

/* --- the wire ---------------------------------------------------------- */

void mbus_wire_and(uint8_t *acc, size_t *acc_len, const uint8_t *b,
		   size_t len)
{
	for (size_t i = 0; i < len; i++)
		acc[i] = i < *acc_len ? (uint8_t)(acc[i] & b[i]) : b[i];
	if (len > *acc_len)
		*acc_len = len;
}

uint32_t mbus_wire_result(const uint8_t *buf, size_t len)
{
	struct mbus_frame f;
	int n;

	if (!len)
		return METERBUS_RESULT_TIMEOUT;
	n = mbus_frame_parse(buf, len, &f, NULL);
	if (n == (int)len)
		return METERBUS_RESULT_OK;
	if (n == -ENODATA)
		return METERBUS_RESULT_INCOMPLETE;
	return METERBUS_RESULT_COLLISION;
}

/* The character of @b on the wire: start 0, data LSB first, even parity, stop 1. */
static unsigned int char_bits(uint8_t b)
{
	unsigned int parity = (unsigned int)__builtin_parity(b);

	return 0u | (unsigned int)b << 1 | parity << 9 | 1u << 10;
}

size_t mbus_wire_mix(const uint8_t *const *ans, const size_t *len,
		     const unsigned int *delay, size_t n, uint8_t *out,
		     size_t size)
{
	/* at most 330 bit times of offset plus a frame of 11-bit characters */
	static const size_t max_bits = MBUS_REPLY_MAX_BITS + 11 * MBUS_MAX_FRAME + 11;
	uint8_t line[MBUS_REPLY_MAX_BITS + 11 * MBUS_MAX_FRAME + 11];
	size_t end = 0, w = 0;

	memset(line, 1, sizeof(line));
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < len[i]; k++) {
			unsigned int c = char_bits(ans[i][k]);

			for (unsigned int b = 0; b < 11; b++) {
				size_t t = delay[i] + 11 * k + b;

				if (t < max_bits && !(c >> b & 1))
					line[t] = 0;
			}
		}
		if (delay[i] + 11 * len[i] > end)
			end = delay[i] + 11 * len[i];
	}
	if (end > max_bits)
		end = max_bits;
	/* a receiver: wait for a start bit, take 8 data bits, skip parity and stop */
	for (size_t t = 0; t + 10 < end + 1 && w < size;) {
		uint8_t b = 0;

		if (line[t]) {
			t++;
			continue;
		}
		for (unsigned int i = 0; i < 8; i++)
			b |= (uint8_t)(line[t + 1 + i] << i);
		out[w++] = b;
		t += 11;
	}
	return w;
}

/* Reply delay of meter @i for this request: its own, plus jitter. */
static unsigned int reply_delay(struct mbus_meterset *s, size_t i)
{
	uint64_t own = (uint64_t)(i + 1) * 0x9E3779B97F4A7C15ULL;
	unsigned int base = MBUS_REPLY_MIN_BITS + (unsigned int)(own >> 40) % 160;

	return base + (unsigned int)(rnd(&s->rng) %
				     (MBUS_REPLY_MAX_BITS - 160 - MBUS_REPLY_MIN_BITS + 1));
}

int mbus_meterset_handle(struct mbus_meterset *s, const uint8_t *req,
			 size_t len, uint8_t *out, size_t size,
			 unsigned int *answered, unsigned int *events,
			 unsigned int *baud)
{
	uint8_t one[MBUS_MAX_FRAME], r[MBUS_MAX_FRAME];
	/* realistic: the first answers, each with its delay */
	enum { MIX = 8 };
	uint8_t mix[MIX][MBUS_MAX_FRAME];
	const uint8_t *mix_p[MIX];
	size_t mix_len[MIX];
	unsigned int mix_delay[MIX], first = MBUS_REPLY_MAX_BITS;
	unsigned int ev_all = 0, who = 0;
	size_t out_len = 0;

	if (s->realistic && !s->rng)
		s->rng = 0x2545F4914F6CDD1DULL;
	s->delay_bits = MBUS_REPLY_MIN_BITS;

	if (len > sizeof(r))
		return -EMSGSIZE;
	for (size_t i = 0; i < s->n; i++) {
		struct mbus_sim_meter *m = s->meters[i];
		unsigned int ev;
		int n;

		memcpy(r, req, len);
		/* a meter that ignores the FCB: REQ_UD2 without FCV */
		if (s->ignore_fcb && len == 5 && r[0] == MBUS_START_SHORT &&
		    (r[1] & 0x4F) == (MBUS_C_REQ_UD2 & 0x4F)) {
			r[1] &= (uint8_t)~(MBUS_C_FCV | MBUS_C_FCB);
			r[3] = mbus_checksum(r + 1, 2);
		}
		n = mbus_meter_handle(&m->m, r, len, one, sizeof(one), &ev);
		if (n < 0)
			return n;
		ev_all |= ev;
		if (ev & MBUS_METER_EV_BAUD && baud)
			*baud = m->m.baud;
		if (n > 1 && m->n_tele)
			n = replay(m, one, sizeof(one));
		if (n < 0)
			return n;
		if (n == 0)
			continue;
		if ((size_t)n > size)
			return -ENOSPC;
		m->replies++;
		if (s->realistic) {
			if (who < MIX) {
				memcpy(mix[who], one, (size_t)n);
				mix_p[who] = mix[who];
				mix_len[who] = (size_t)n;
				mix_delay[who] = reply_delay(s, i);
				if (mix_delay[who] < first)
					first = mix_delay[who];
			}
		} else {
			mbus_wire_and(out, &out_len, one, (size_t)n);
		}
		who++;
	}
	if (s->realistic && who == 1) {
		memcpy(out, mix[0], mix_len[0]);
		out_len = mix_len[0];
		s->delay_bits = mix_delay[0];
	} else if (s->realistic && who > 1) {
		for (unsigned int i = 0; i < who && i < MIX; i++)
			mix_delay[i] -= first;
		out_len = mbus_wire_mix(mix_p, mix_len, mix_delay,
					who < MIX ? who : MIX, out, size);
		s->delay_bits = first;
	}
	if (out_len > 1 && s->drop_every &&
	    ++s->rsp_count % s->drop_every == 0)
		out_len = 0;
	if (answered)
		*answered = who;
	if (events)
		*events = ev_all;
	return (int)out_len;
}

int mbus_meterset_xfer(void *ctx, const uint8_t *req, size_t len,
		       bool no_reply, struct mbus_reply *r)
{
	struct mbus_meterset *s = ctx;
	int n = mbus_meterset_handle(s, req, len, r->buf, sizeof(r->buf),
				     NULL, NULL, NULL);

	if (n < 0)
		return n;
	r->len = no_reply ? 0 : (size_t)n;
	r->result = mbus_wire_result(r->buf, r->len);
	return 0;
}

void mbus_sim_meter_format(const struct mbus_sim_meter *m, char *out,
			   size_t size)
{
	char sa[MBUS_SECADDR_STRLEN], man[4];

	mbus_secaddr_format(&m->m.addr, sa);
	mbus_manufacturer_code(m->m.addr.manufacturer, man);
	snprintf(out, size, "%s primary %u id %08X manufacturer %s version %u medium 0x%02X",
		 sa, m->m.primary, m->m.addr.id, man, m->m.addr.version,
		 m->m.addr.medium);
}
