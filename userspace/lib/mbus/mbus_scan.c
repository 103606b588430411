// SPDX-License-Identifier: GPL-2.0
/*
 * Master procedures: retries, reads, scans. See mbus_scan.h.
 *
 * Secondary search and the wired-AND: when several selected meters
 * answer a REQ_UD2 at once, the bus carries the bitwise AND of their
 * answers (a 0 bit wins). Their single-character E5 acknowledges AND to
 * E5 again, so a selection alone never shows a collision: only the
 * REQ_UD2 that follows it does. Below the ID digits (where every value is
 * tried), the manufacturer, version and medium fields are searched with
 * the help of the collided answer: each meter that took part has every
 * bit set that is set in the AND of the answers, so only values that are
 * supersets of the observed field are candidates, and the search of a
 * field stops once the meters found explain every 0 bit of the observed
 * field (unless 'exhaustive'). When the answer does not look like an
 * aligned RSP_UD (meters that started at different times), every value
 * is tried: known manufacturer codes first, then all three-letter codes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/meterbus.h>

#include "mbus_build.h"
#include "mbus_data.h"
#include "mbus_header.h"
#include "mbus_meterset.h"
#include "mbus_scan.h"

static int link_fail(struct mbus_link *l, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int link_fail(struct mbus_link *l, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->msg, sizeof(l->msg), fmt, ap);
	va_end(ap);
	return err;
}

int mbus_link_xfer(struct mbus_link *l, const uint8_t *req, size_t len,
		   bool no_reply, struct mbus_reply *r)
{
	int ret;

	memset(r, 0, offsetof(struct mbus_reply, buf));
	r->len = 0;
	ret = l->xfer(l->ctx, req, len, no_reply, r);
	if (ret < 0)
		return ret;
	l->stats.requests++;
	l->stats.bytes_tx += len;
	if (no_reply)
		return 0;
	if (r->result == METERBUS_RESULT_TIMEOUT) {
		l->stats.timeouts++;
	} else {
		l->stats.replies++;
		l->stats.bytes_rx += r->len;
		if (r->result != METERBUS_RESULT_OK)
			l->stats.damaged++;
	}
	return 0;
}

int mbus_link_request(struct mbus_link *l, const uint8_t *req, size_t len,
		      unsigned int retries, struct mbus_reply *r)
{
	for (unsigned int i = 0;; i++) {
		int ret = mbus_link_xfer(l, req, len, false, r);

		if (ret < 0 || r->result == METERBUS_RESULT_OK || i >= retries)
			return ret;
		/* the supply tripped: repeating will not help */
		if (r->result == METERBUS_RESULT_OVER_CURRENT ||
		    r->result == METERBUS_RESULT_POWER_FAULT)
			return 0;
	}
}

static bool is_ack(const struct mbus_reply *r)
{
	return r->result == METERBUS_RESULT_OK && r->len == 1 &&
	       r->buf[0] == MBUS_ACK;
}

/* --- targets ----------------------------------------------------------- */

int mbus_target_parse(const char *s, struct mbus_target *t)
{
	char *end;
	unsigned long v;

	memset(t, 0, sizeof(*t));
	if (!*s)
		return -EINVAL;
	if (strlen(s) <= 3) {
		v = strtoul(s, &end, 10);
		if (*end || v > MBUS_ADDR_MAX_PRIMARY)
			return -EINVAL;
		t->primary = (uint8_t)v;
		return 0;
	}
	t->secondary = true;
	return mbus_secaddr_parse(s, &t->sa);
}

void mbus_target_format(const struct mbus_target *t, char *out, size_t size)
{
	char sa[MBUS_SECADDR_STRLEN];

	if (!t->secondary) {
		snprintf(out, size, "%u", t->primary);
		return;
	}
	mbus_secaddr_format(&t->sa, sa);
	snprintf(out, size, "%s", sa);
}

static int do_select(struct mbus_link *l, const struct mbus_secaddr *sa,
		     unsigned int retries, struct mbus_reply *r)
{
	uint8_t f[MBUS_MAX_FRAME];
	int n = mbus_build_select(f, sizeof(f), MBUS_C_SND_UD, sa);

	if (n < 0)
		return link_fail(l, n, "building the selection: %s",
				 strerror(-n));
	return mbus_link_request(l, f, (size_t)n, retries, r);
}

static int short_req(struct mbus_link *l, uint8_t c, uint8_t a,
		     unsigned int retries, struct mbus_reply *r)
{
	uint8_t f[8];
	int n = mbus_frame_build_short(f, sizeof(f), c, a);

	if (n < 0)
		return n;
	return mbus_link_request(l, f, (size_t)n, retries, r);
}

int mbus_target_open(struct mbus_link *l, const struct mbus_target *t,
		     uint8_t *a)
{
	struct mbus_reply r;
	char name[32];
	int ret;

	mbus_target_format(t, name, sizeof(name));
	if (!t->secondary) {
		*a = t->primary;
		ret = short_req(l, MBUS_C_SND_NKE, t->primary, l->retries, &r);
		if (ret < 0)
			return ret;
		if (r.result == METERBUS_RESULT_TIMEOUT)
			return link_fail(l, -ENOENT,
					 "no answer from primary address %s", name);
		return 0;
	}
	*a = MBUS_ADDR_SELECTED;
	/* deselect whoever is selected, which also resets its FCB state */
	ret = short_req(l, MBUS_C_SND_NKE, MBUS_ADDR_SELECTED, 0, &r);
	if (ret < 0)
		return ret;
	ret = do_select(l, &t->sa, l->retries, &r);
	if (ret < 0)
		return ret;
	if (r.result == METERBUS_RESULT_TIMEOUT)
		return link_fail(l, -ENOENT,
				 "no meter answers the selection of %s", name);
	return 0;
}

bool mbus_reply_secaddr(const uint8_t *frame, size_t len,
			struct mbus_secaddr *sa, uint8_t *a_field)
{
	struct mbus_frame f;
	struct mbus_header h;

	if (mbus_frame_parse(frame, len, &f, NULL) != (int)len ||
	    f.type != MBUS_FRAME_LONG)
		return false;
	if (a_field)
		*a_field = f.a;
	if (mbus_header_parse(f.ci, f.data, f.data_len, f.data_pos, &h,
			      NULL) < 0 || h.type != MBUS_HEADER_LONG)
		return false;
	sa->id = h.id;
	sa->manufacturer = h.manufacturer;
	sa->version = h.version;
	sa->medium = h.medium;
	return true;
}

/* --- reading ----------------------------------------------------------- */

static bool more_follows(const uint8_t *frame, size_t len)
{
	struct mbus_telegram t;
	bool more;

	mbus_telegram_init(&t);
	more = mbus_telegram_parse(frame, len, &t, NULL) == 0 &&
	       t.more_records;
	mbus_telegram_free(&t);
	return more;
}

int mbus_read(struct mbus_link *l, const struct mbus_target *t,
	      unsigned int max,
	      int (*fn)(void *arg, const uint8_t *frame, size_t len),
	      void *arg)
{
	struct mbus_fcb fcb;
	struct mbus_reply r;
	struct mbus_frame f;
	unsigned int n = 0;
	uint8_t a;
	int ret;

	ret = mbus_target_open(l, t, &a);
	if (ret < 0)
		return ret;
	/* after SND_NKE or a fresh selection the first FCB is 1 */
	mbus_fcb_reset(&fcb);
	while (n < max) {
		ret = short_req(l, mbus_fcb_c(&fcb, MBUS_C_REQ_UD2), a,
				l->retries, &r);
		if (ret < 0)
			return ret;
		if (r.result == METERBUS_RESULT_TIMEOUT)
			return link_fail(l, -ETIMEDOUT,
					 "telegram %u: no answer after %u attempts",
					 n + 1, l->retries + 1);
		if (r.result != METERBUS_RESULT_OK)
			return link_fail(l, -EIO,
					 "telegram %u: %s after %u attempts (several meters at this address?)",
					 n + 1,
					 r.result == METERBUS_RESULT_COLLISION ?
						 "collision" : "damaged reply",
					 l->retries + 1);
		if (mbus_frame_parse(r.buf, r.len, &f, NULL) != (int)r.len ||
		    f.type != MBUS_FRAME_LONG ||
		    (f.c & 0x4F) != MBUS_C_RSP_UD)
			return link_fail(l, -EIO,
					 "telegram %u: the answer is not an RSP_UD",
					 n + 1);
		mbus_fcb_done(&fcb);
		n++;
		if (fn && fn(arg, r.buf, r.len))
			break;
		if (!more_follows(r.buf, r.len))
			break;
	}
	return (int)n;
}

/* --- commands ---------------------------------------------------------- */

static int command(struct mbus_link *l, const struct mbus_target *t,
		   uint8_t ci, const uint8_t *data, size_t len,
		   const char *what)
{
	uint8_t f[MBUS_MAX_FRAME];
	struct mbus_reply r;
	uint8_t a;
	int n, ret;

	ret = mbus_target_open(l, t, &a);
	if (ret < 0)
		return ret;
	n = mbus_frame_build_long(f, sizeof(f), MBUS_C_SND_UD, a, ci, data,
				  len);
	if (n < 0)
		return link_fail(l, n, "%s: %s", what, strerror(-n));
	ret = mbus_link_request(l, f, (size_t)n, l->retries, &r);
	if (ret < 0)
		return ret;
	if (r.result == METERBUS_RESULT_TIMEOUT)
		return link_fail(l, -ETIMEDOUT, "%s: no acknowledge", what);
	if (!is_ack(&r))
		return link_fail(l, -EIO, "%s: answer is not E5 (%s)", what,
				 r.result == METERBUS_RESULT_OK ? "a frame" :
				 "damaged");
	return 0;
}

int mbus_set_primary(struct mbus_link *l, const struct mbus_target *t,
		     uint8_t new_addr)
{
	/* DIF 01 (int8), VIF 7A (bus address), the new address */
	const uint8_t data[] = { 0x01, 0x7A, new_addr };

	if (new_addr > MBUS_ADDR_MAX_PRIMARY)
		return link_fail(l, -EINVAL, "address %u is not 0..250",
				 new_addr);
	return command(l, t, MBUS_CI_DATA_SEND, data, sizeof(data),
		       "set address");
}

int mbus_set_baud(struct mbus_link *l, const struct mbus_target *t,
		  unsigned int baud)
{
	uint8_t ci = mbus_baud_ci(baud);

	if (!ci)
		return link_fail(l, -EINVAL, "%u Bd is not an M-Bus rate", baud);
	return command(l, t, ci, NULL, 0, "set baud");
}

int mbus_app_reset(struct mbus_link *l, const struct mbus_target *t)
{
	return command(l, t, MBUS_CI_APP_RESET, NULL, 0, "application reset");
}

int mbus_link_reset(struct mbus_link *l, const struct mbus_target *t)
{
	uint8_t a;

	return mbus_target_open(l, t, &a);
}

/* --- primary scan ------------------------------------------------------ */

int mbus_scan_primary(struct mbus_link *l, const struct mbus_scan_opts *o)
{
	struct mbus_scan_progress p = { 0 };
	struct mbus_found found;
	struct mbus_reply r;
	unsigned int n = 0;
	int ret;

	for (unsigned int a = o->first; a <= o->last && a <= 250; a++) {
		p.address = a;
		p.probes = l->stats.requests;
		p.found = n;
		if (o->progress)
			o->progress(o->arg, &p);
		ret = short_req(l, MBUS_C_SND_NKE, (uint8_t)a, l->probe_retries,
				&r);
		if (ret < 0)
			return ret;
		if (r.result == METERBUS_RESULT_TIMEOUT)
			continue;
		if (r.result == METERBUS_RESULT_OVER_CURRENT ||
		    r.result == METERBUS_RESULT_POWER_FAULT)
			return link_fail(l, -ENETDOWN, "address %u: %s", a,
					 r.result == METERBUS_RESULT_OVER_CURRENT ?
						 "bus over-current" :
						 "bus supply failed");
		memset(&found, 0, sizeof(found));
		found.primary = (uint8_t)a;
		/* damaged E5s: several meters, or noise; REQ_UD2 tells */
		found.collision = !is_ack(&r);
		if (o->read_id) {
			ret = short_req(l, MBUS_C_REQ_UD2 | MBUS_C_FCB |
					MBUS_C_FCV, (uint8_t)a, l->retries, &r);
			if (ret < 0)
				return ret;
			if (r.result == METERBUS_RESULT_OK) {
				found.collision = false;
				found.has_secaddr = mbus_reply_secaddr(r.buf,
					r.len, &found.sa, NULL);
				memcpy(found.frame, r.buf, r.len);
				found.frame_len = r.len;
			} else if (r.result != METERBUS_RESULT_TIMEOUT) {
				found.collision = true;
			}
		}
		n++;
		if (o->found && (ret = o->found(o->arg, &found)))
			return ret < 0 ? ret : (int)n;
	}
	return (int)n;
}

/* --- secondary search -------------------------------------------------- */

enum { LEVEL_MAN = 8, LEVEL_VER = 9, LEVEL_MED = 10, LEVELS = 11 };

/* UNSURE: E5 to the selection, then no answer to REQ_UD2 */
enum probe { PROBE_NONE, PROBE_ONE, PROBE_MANY, PROBE_UNSURE };

struct search {
	struct mbus_link *l;
	const struct mbus_scan_opts *o;
	struct mbus_scan_progress p;
	unsigned int found;
	int stop;		/* non-zero: a callback asked to stop */
	/* addresses reported: a node searched twice reports nobody twice */
	struct mbus_secaddr *seen;
	size_t n_seen, cap_seen;
};

static void note(struct search *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A limit the search kept to: told to the caller, who decides. */
static void note(struct search *s, const char *fmt, ...)
{
	char text[192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	s->p.notes++;
	if (s->o->note)
		s->o->note(s->o->arg, text);
}

/* Manufacturers seen on wired M-Bus, tried first when nothing narrows. */
static const char *const known_man[] = {
	"ABB", "ACE", "ACW", "AMT", "APA", "BEC", "BHG", "BMT", "DAN", "DEC",
	"DIE", "DME", "DWZ", "DZG", "EFE", "ELS", "ELV", "EMH", "EMU", "ENG",
	"ESY", "FIN", "GAV", "GEN", "GMC", "GWF", "HAG", "HYD", "ITR", "ITW",
	"JAN", "KAM", "LGB", "LSE", "LUG", "MAD", "MTC", "NZR", "PAD", "QDS",
	"REL", "RKE", "SBC", "SCH", "SEN", "SIE", "SLB", "SON", "SPX", "SVM",
	"TCH", "TIP", "WEP", "WZG", "ZRI", "ZRM",
};

/*
 * Media real meters use, most common first; then the rest of the codes
 * EN 13757-3 assigns (00h..38h). Codes above are reserved: tried only
 * when the search is exhaustive.
 */
static const uint8_t likely_media[] = {
	0x07, 0x04, 0x06, 0x02, 0x03, 0x16, 0x0C, 0x0D, 0x15, 0x0A, 0x0B,
	0x08, 0x1B, 0x00, 0x0E, 0x01, 0x05, 0x09, 0x0F, 0x17, 0x18, 0x19,
	0x1A, 0x1C, 0x20, 0x21, 0x25, 0x28, 0x29, 0x2A, 0x31, 0x32, 0x33,
	0x36, 0x37, 0x38,
};
#define LAST_ASSIGNED_MEDIUM	0x38

static unsigned int id_nibble(uint32_t id, unsigned int level)
{
	return (id >> (4 * (7 - level))) & 0xF;
}

static uint32_t id_with(uint32_t id, unsigned int level, unsigned int v)
{
	unsigned int sh = 4 * (7 - level);

	return (id & ~(0xFu << sh)) | (uint32_t)v << sh;
}

/* The field searched at @level, of an address. */
static unsigned int field(const struct mbus_secaddr *sa, unsigned int level)
{
	if (level < LEVEL_MAN)
		return id_nibble(sa->id, level);
	if (level == LEVEL_MAN)
		return sa->manufacturer;
	return level == LEVEL_VER ? sa->version : sa->medium;
}

static void set_field(struct mbus_secaddr *sa, unsigned int level,
		      unsigned int v)
{
	if (level < LEVEL_MAN)
		sa->id = id_with(sa->id, level, v);
	else if (level == LEVEL_MAN)
		sa->manufacturer = (uint16_t)v;
	else if (level == LEVEL_VER)
		sa->version = (uint8_t)v;
	else
		sa->medium = (uint8_t)v;
}

static bool is_wild(const struct mbus_secaddr *sa, unsigned int level)
{
	if (level < LEVEL_MAN)
		return id_nibble(sa->id, level) == 0xF;
	if (level == LEVEL_MAN)
		return sa->manufacturer == 0xFFFF;
	return field(sa, level) == 0xFF;
}

/*
 * The secondary address fields of a collided answer, if it is the
 * wired-AND of RSP_UDs that started together: 68 L L 68, C, A, CI 72h,
 * then ID, manufacturer, version, medium, the ID digits fixed by the
 * pattern as they are. Meters that answer after delays of their own
 * give garbage instead; see observe().
 */
static bool observed(const struct mbus_reply *r,
		     const struct mbus_secaddr *pattern,
		     struct mbus_secaddr *obs)
{
	if (r->len < 15 || r->buf[0] != MBUS_START_LONG ||
	    r->buf[3] != MBUS_START_LONG || r->buf[1] != r->buf[2] ||
	    (r->buf[4] & 0x4F) != MBUS_C_RSP_UD ||
	    r->buf[6] != MBUS_CI_RSP_LONG)
		return false;
	mbus_secaddr_decode(r->buf + 7, obs);
	for (unsigned int k = 0; k < LEVEL_MAN; k++)
		if (!is_wild(pattern, k) &&
		    id_nibble(obs->id, k) != id_nibble(pattern->id, k))
			return false;
	return true;
}

/*
 * Is the collided answer @r to the node @pattern a usable AND? It must
 * look like one and come again the same when asked twice more: late
 * answers move with every request, and their garbage (or the clean
 * start of the earliest one) does not repeat. One answer that is lost
 * or cut short (a meter that stalled) is asked again; one that shows
 * other fields ends it. A false "no" costs a sweep (and a meter whose
 * manufacturer code is not a known one); a false "yes" is caught when
 * the meters found below do not explain the collision (fewer than two),
 * see search().
 */
static int observe(struct search *s, const struct mbus_secaddr *pattern,
		   const struct mbus_reply *r, struct mbus_secaddr *obs)
{
	struct mbus_secaddr again;
	struct mbus_reply r2;
	int n, ret, same = 0, lost = 0;
	uint8_t req[8];

	if (!observed(r, pattern, obs))
		return 0;
	n = mbus_frame_build_short(req, sizeof(req), MBUS_C_REQ_UD2,
				   MBUS_ADDR_SELECTED);
	while (same < 2) {
		ret = mbus_link_request(s->l, req, (size_t)n, 0, &r2);
		if (ret < 0)
			return ret;
		if (r2.result == METERBUS_RESULT_OK)
			return 0;
		if (!observed(&r2, pattern, &again)) {
			if (++lost > 1)
				return 0;
			continue;
		}
		if (memcmp(&again, obs, sizeof(again)))
			return 0;
		same++;
	}
	return 1;
}

static int probe(struct search *s, const struct mbus_secaddr *pattern,
		 struct mbus_found *f, struct mbus_reply *r)
{
	struct mbus_link *l = s->l;
	uint8_t req[8];
	int n, ret;

	s->p.pattern = *pattern;
	s->p.probes = l->stats.requests;
	s->p.found = s->found;
	if (s->o->progress)
		s->o->progress(s->o->arg, &s->p);
	ret = do_select(l, pattern, l->probe_retries, r);
	if (ret < 0)
		return ret;
	if (r->result == METERBUS_RESULT_TIMEOUT)
		return PROBE_NONE;
	if (r->result == METERBUS_RESULT_OVER_CURRENT ||
	    r->result == METERBUS_RESULT_POWER_FAULT)
		return link_fail(l, -ENETDOWN, "bus supply failed");
	/* E5 (or E5s overlapping badly): who is selected? */
	n = mbus_frame_build_short(req, sizeof(req), MBUS_C_REQ_UD2,
				   MBUS_ADDR_SELECTED);
	ret = mbus_link_request(l, req, (size_t)n, l->retries, r);
	if (ret < 0)
		return ret;
	if (r->result == METERBUS_RESULT_TIMEOUT)
		return PROBE_UNSURE;
	if (r->result == METERBUS_RESULT_OK) {
		memset(f, 0, sizeof(*f));
		if (mbus_reply_secaddr(r->buf, r->len, &f->sa, &f->primary) &&
		    mbus_secaddr_match(pattern, &f->sa)) {
			f->has_secaddr = true;
			memcpy(f->frame, r->buf, r->len);
			f->frame_len = r->len;
			return PROBE_ONE;
		}
		/* a valid frame that is not from a match: an AND of several */
	}
	return PROBE_MANY;
}

static int report(struct search *s, const struct mbus_found *f)
{
	int ret = 0;

	for (size_t i = 0; i < s->n_seen; i++)
		if (!memcmp(&s->seen[i], &f->sa, sizeof(f->sa)))
			return 0;
	if (s->n_seen == s->cap_seen) {
		size_t cap = s->cap_seen ? 2 * s->cap_seen : 64;
		struct mbus_secaddr *p = realloc(s->seen, cap * sizeof(*p));

		if (!p)
			return link_fail(s->l, -ENOMEM, "out of memory");
		s->seen = p;
		s->cap_seen = cap;
	}
	s->seen[s->n_seen++] = f->sa;
	s->found++;
	if (s->o->found)
		ret = s->o->found(s->o->arg, f);
	if (ret)
		s->stop = ret;
	return ret < 0 ? ret : 0;
}

/* What was found under a node: the AND of addresses and of answers. */
struct acc {
	struct mbus_secaddr sa;
	uint8_t frame[MBUS_MAX_FRAME];
	size_t len;
	unsigned int n;
	/* bytes that change with every answer: access number, checksums */
	bool moving[MBUS_MAX_FRAME];
};

static int search(struct search *s, const struct mbus_secaddr *pattern,
		  unsigned int level, struct acc *parent);

static void acc_add(struct acc *a, const struct mbus_secaddr *sa,
		    const uint8_t *frame, size_t len, const bool *moving,
		    unsigned int n)
{
	if (moving) {
		for (size_t i = 0; i < len; i++)
			a->moving[i] |= moving[i];
	} else if (len >= 19) {
		a->moving[15] = true;
		a->moving[len - 2] = true;
	}
	if (!a->n) {
		a->sa = *sa;
		a->len = 0;
	} else {
		a->sa.id &= sa->id;
		a->sa.manufacturer &= sa->manufacturer;
		a->sa.version &= sa->version;
		a->sa.medium &= sa->medium;
	}
	mbus_wire_and(a->frame, &a->len, frame, len);
	a->n += n;
}

/* Try @v at @level; what is found goes into @a. */
static int child(struct search *s, const struct mbus_secaddr *pattern,
		 unsigned int level, unsigned int v, struct acc *a)
{
	struct mbus_secaddr c = *pattern;

	set_field(&c, level, v);
	return search(s, &c, level + 1, a);
}

/*
 * Do the meters found under this node explain its collided answer? Their
 * field must AND to the observed one, and their answers to the observed
 * bytes (but for the access number and the checksum, which move on with
 * every answer). A meter still hidden would have to send a superset of
 * that AND in every byte.
 */
static bool explained(const struct search *s, unsigned int level,
		      const struct mbus_reply *obs_r,
		      const struct mbus_secaddr *obs, const struct acc *a)
{
	if (s->o->exhaustive || !obs || a->n < 2 ||
	    field(&a->sa, level) != field(obs, level) || a->len != obs_r->len)
		return false;
	for (size_t i = 0; i < a->len; i++)
		if (!a->moving[i] && a->frame[i] != obs_r->buf[i])
			return false;
	return true;
}

/*
 * Without a usable AND (meters that answer after delays of their own):
 * likely values first, and no blind sweep of the manufacturer field,
 * whose 26^3 codes would cost hours of reply windows, unless the search
 * is exhaustive; reserved media likewise. What is left out is noted.
 */
static int branch_blind(struct search *s, const struct mbus_secaddr *pattern,
			unsigned int level, struct acc *a)
{
	char pat[MBUS_SECADDR_STRLEN];
	bool tried[256] = { false };
	unsigned int before = a->n;
	int ret;

	if (level == LEVEL_MED) {
		for (size_t i = 0; i < sizeof(likely_media); i++) {
			tried[likely_media[i]] = true;
			ret = child(s, pattern, level, likely_media[i], a);
			if (ret < 0 || s->stop)
				return ret;
		}
		for (unsigned int v = 0; v <= 0xFE; v++) {
			if (tried[v] || (v > LAST_ASSIGNED_MEDIUM &&
					 !s->o->exhaustive))
				continue;
			ret = child(s, pattern, level, v, a);
			if (ret < 0 || s->stop)
				return ret;
		}
		return 0;
	}
	if (level == LEVEL_VER) {
		for (unsigned int v = 0; v <= 0xFE; v++) {
			ret = child(s, pattern, level, v, a);
			if (ret < 0 || s->stop)
				return ret;
		}
		return 0;
	}
	for (size_t i = 0; i < sizeof(known_man) / sizeof(known_man[0]); i++) {
		uint16_t m;

		if (mbus_manufacturer_id(known_man[i], &m))
			continue;
		ret = child(s, pattern, level, m, a);
		if (ret < 0 || s->stop)
			return ret;
	}
	if (!s->o->exhaustive) {
		mbus_secaddr_format(pattern, pat);
		note(s, "%s: %u meter%s told apart by known manufacturer codes; "
		     "others that differ only in an unknown code are not excluded "
		     "(--exhaustive tries all %u)", pat, a->n - before,
		     a->n - before == 1 ? "" : "s", 26 * 26 * 26);
		return 0;
	}
	for (unsigned int v = 0; v <= 0x7FFF; v++) {
		char code[4];
		bool known = false;

		if (!mbus_manufacturer_code((uint16_t)v, code))
			continue;
		for (size_t i = 0; i < sizeof(known_man) / sizeof(known_man[0]); i++)
			known |= !strcmp(known_man[i], code);
		if (known)
			continue;
		ret = child(s, pattern, level, v, a);
		if (ret < 0 || s->stop)
			return ret;
	}
	return 0;
}

static int branch_field(struct search *s, const struct mbus_secaddr *pattern,
			unsigned int level, const struct mbus_reply *obs_r,
			const struct mbus_secaddr *obs, struct acc *a)
{
	unsigned int want = obs ? field(obs, level) : 0;
	unsigned int max = level == LEVEL_MAN ? 0xFFFE : 0xFE;
	uint16_t tried_known[sizeof(known_man) / sizeof(known_man[0])];
	size_t n_known = 0;
	int ret;

	if (!obs)
		return branch_blind(s, pattern, level, a);

	if (level == LEVEL_MAN) {
		for (size_t i = 0; i < sizeof(known_man) / sizeof(known_man[0]);
		     i++) {
			uint16_t m;

			if (mbus_manufacturer_id(known_man[i], &m) ||
			    (m & want) != want)
				continue;
			tried_known[n_known++] = m;
			ret = child(s, pattern, level, m, a);
			if (ret < 0 || s->stop)
				return ret;
			if (explained(s, level, obs_r, obs, a))
				return 0;
		}
	}
	for (unsigned int v = 0; v <= max; v++) {
		bool known = false;

		if ((v & want) != want)
			continue;
		/* without an observation: the 26^3 letter codes only */
		if (level == LEVEL_MAN && !obs) {
			char code[4];

			if (!mbus_manufacturer_code((uint16_t)v, code) ||
			    (v & 0x8000))
				continue;
		}
		for (size_t i = 0; i < n_known; i++)
			known |= tried_known[i] == v;
		if (known)
			continue;
		ret = child(s, pattern, level, v, a);
		if (ret < 0 || s->stop)
			return ret;
		if (explained(s, level, obs_r, obs, a))
			return 0;
	}
	return 0;
}

/* The field to branch on below @pattern, LEVELS when none is wild. */
static unsigned int next_level(const struct mbus_secaddr *pattern,
			       bool aligned)
{
	/* with an AND, the order that uses it; without, the cheap fields first */
	static const unsigned int with_and[] = { LEVEL_MAN, LEVEL_VER, LEVEL_MED };
	static const unsigned int blind[] = { LEVEL_MED, LEVEL_MAN, LEVEL_VER };
	const unsigned int *order = aligned ? with_and : blind;

	for (unsigned int k = 0; k < LEVEL_MAN; k++)
		if (is_wild(pattern, k))
			return k;
	for (unsigned int i = 0; i < 3; i++)
		if (is_wild(pattern, order[i]))
			return order[i];
	return LEVELS;
}

static int search(struct search *s, const struct mbus_secaddr *pattern,
		  unsigned int level, struct acc *parent)
{
	struct mbus_secaddr obs;
	struct mbus_found f;
	struct mbus_reply r;
	struct acc *a;
	int ret, have = 0;

	/* fields fixed by the caller's pattern are not searched */
	(void)level;
	level = next_level(pattern, true);
	s->p.level = level;
	ret = probe(s, pattern, &f, &r);
	if (ret < 0)
		return ret;
	/*
	 * A selection was acknowledged but nobody answered the REQ_UD2 (a
	 * late or damaged answer, or answers so scattered that the link
	 * layer saw no frame start): search below rather than lose meters.
	 * A full address has nothing below, and the acknowledgement may
	 * have been the late one of the probe before: ask once more. No
	 * acknowledgement then: nobody is there. Acknowledged again but
	 * still no answer: a meter that does not answer in time.
	 */
	if (ret == PROBE_UNSURE && level >= LEVELS) {
		ret = probe(s, pattern, &f, &r);
		if (ret < 0 || ret == PROBE_NONE)
			return ret < 0 ? ret : 0;
		if (ret == PROBE_UNSURE) {
			char pat[MBUS_SECADDR_STRLEN];

			mbus_secaddr_format(pattern, pat);
			note(s, "%s: acknowledges its selection but did not answer REQ_UD2",
			     pat);
			memset(&f, 0, sizeof(f));
			f.sa = *pattern;
			f.has_secaddr = true;
			acc_add(parent, pattern, NULL, 0, NULL, 1);
			return report(s, &f);
		}
	}
	if (ret == PROBE_UNSURE)
		ret = PROBE_MANY;
	if (ret == PROBE_NONE)
		return 0;
	if (ret == PROBE_ONE) {
		acc_add(parent, &f.sa, f.frame, f.frame_len, NULL, 1);
		return report(s, &f);
	}
	if (level >= LEVEL_MAN && level < LEVELS) {
		have = observe(s, pattern, &r, &obs);
		if (have < 0)
			return have;
		level = next_level(pattern, have);
		s->p.level = level;
	}
	if (level >= LEVELS) {
		/* the same secondary address more than once */
		memset(&f, 0, sizeof(f));
		f.sa = *pattern;
		f.has_secaddr = true;
		f.collision = true;
		acc_add(parent, pattern, r.buf, r.len, NULL, 2);
		return report(s, &f);
	}
	/* a node per level is alive at a time: at most 12 of these */
	a = calloc(1, sizeof(*a));
	if (!a)
		return link_fail(s->l, -ENOMEM, "out of memory");
	if (level < LEVEL_MAN) {
		/* BCD digits first, then the hex digits some meters use;
		 * F is the wildcard and cannot be selected on its own */
		for (unsigned int v = 0; v < 0xF && ret >= 0 && !s->stop; v++)
			ret = child(s, pattern, level, v, a);
	} else {
		ret = branch_field(s, pattern, level, have ? &r : NULL,
				   have ? &obs : NULL, a);
		/* a collision with fewer than two meters below: the AND was
		 * not one; look again without it */
		if (ret >= 0 && !s->stop && have && a->n < 2) {
			unsigned int blind = next_level(pattern, false);

			memset(a, 0, sizeof(*a));
			ret = branch_field(s, pattern, blind, NULL, NULL, a);
		}
	}
	if (ret >= 0 && a->n)
		acc_add(parent, &a->sa, a->frame, a->len, a->moving, a->n);
	free(a);
	return ret < 0 ? ret : 0;
}

int mbus_scan_secondary(struct mbus_link *l, const struct mbus_secaddr *pattern,
			const struct mbus_scan_opts *o)
{
	struct search s = { .l = l, .o = o, .p = { .secondary = true } };
	struct mbus_reply r;
	struct acc *a = calloc(1, sizeof(*a));
	uint8_t req[8];
	int ret, len;

	if (!a)
		return link_fail(l, -ENOMEM, "out of memory");
	ret = search(&s, pattern, 0, a);
	free(a);
	free(s.seen);
	/* leave nobody selected */
	len = mbus_frame_build_short(req, sizeof(req), MBUS_C_SND_NKE,
				     MBUS_ADDR_SELECTED);
	if (ret >= 0 && len > 0)
		ret = mbus_link_xfer(l, req, (size_t)len, false, &r);
	if (ret < 0)
		return ret;
	return s.stop > 0 ? (int)s.found : s.stop < 0 ? s.stop : (int)s.found;
}
