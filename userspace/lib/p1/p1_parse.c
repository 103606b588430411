// SPDX-License-Identifier: GPL-2.0
/*
 * Split one framed P1 telegram into header, OBIS objects and their
 * parenthesised groups, and check the CRC. The telegram is copied once
 * and cut in place, so objects and groups point into t->buf.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "p1.h"
#include "p1_str.h"

static int __attribute__((format(printf, 5, 6)))
fail(struct p1_error *err, int ret, size_t pos, unsigned int line,
     const char *fmt, ...)
{
	va_list ap;

	err->pos = pos;
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return ret;
}

void p1_telegram_free(struct p1_telegram *t)
{
	free(t->buf);
	free(t->objs);
	free(t->groups);
	free(t->entries);
	free(t->notes);
	free(t->text);
	memset(t, 0, sizeof(*t));
}

int p1_note_add(struct p1_telegram *t, size_t obj, size_t entry,
		bool warning, const char *fmt, ...)
{
	struct p1_note *n;
	va_list ap;

	if (t->nnotes == t->notes_cap) {
		size_t cap = t->notes_cap ? t->notes_cap * 2 : 8;

		n = realloc(t->notes, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		t->notes = n;
		t->notes_cap = cap;
	}
	n = &t->notes[t->nnotes++];
	n->obj = obj;
	n->entry = entry;
	n->warning = warning;
	va_start(ap, fmt);
	vsnprintf(n->msg, sizeof(n->msg), fmt, ap);
	va_end(ap);
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse a decimal field of an OBIS code; 0..255. */
static const char *obis_field(const char *p, uint8_t *out)
{
	unsigned int v = 0;
	const char *start = p;

	while (*p >= '0' && *p <= '9' && p - start < 3)
		v = v * 10 + (unsigned int)(*p++ - '0');
	if (p == start || v > 255 || (*p >= '0' && *p <= '9'))
		return NULL;
	*out = (uint8_t)v;
	return p;
}

/* "A-B:C.D.E" with an optional "*F" or ".F"; returns the end or NULL. */
static const char *parse_obis(const char *p, struct p1_obis *id)
{
	p = obis_field(p, &id->a);
	if (!p || *p++ != '-')
		return NULL;
	p = obis_field(p, &id->b);
	if (!p || *p++ != ':')
		return NULL;
	p = obis_field(p, &id->c);
	if (!p || *p++ != '.')
		return NULL;
	p = obis_field(p, &id->d);
	if (!p || *p++ != '.')
		return NULL;
	p = obis_field(p, &id->e);
	if (!p)
		return NULL;
	id->f = 255;
	if ((*p == '*' || *p == '.') && p[1] >= '0' && p[1] <= '9') {
		p = obis_field(p + 1, &id->f);
		if (!p)
			return NULL;
	}
	return p;
}

static int add_object(struct p1_telegram *t, struct p1_object **o)
{
	if (t->nobjs == t->objs_cap) {
		size_t cap = t->objs_cap ? t->objs_cap * 2 : 32;
		struct p1_object *p = realloc(t->objs, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		t->objs = p;
		t->objs_cap = cap;
	}
	*o = &t->objs[t->nobjs++];
	memset(*o, 0, sizeof(**o));
	(*o)->first_group = t->ngroups;
	return 0;
}

static int add_group(struct p1_telegram *t, struct p1_group **g)
{
	if (t->ngroups == t->groups_cap) {
		size_t cap = t->groups_cap ? t->groups_cap * 2 : 64;
		struct p1_group *p = realloc(t->groups, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		t->groups = p;
		t->groups_cap = cap;
	}
	*g = &t->groups[t->ngroups++];
	return 0;
}

/* Parse the "(...)(...)" part of a line at @p, ending at @end (a NUL). */
static int parse_groups(struct p1_telegram *t, struct p1_object *o, char *p,
			char *end, unsigned int line, struct p1_error *err)
{
	while (p < end) {
		struct p1_group *g;
		char *close, *star;
		int ret;

		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		if (*p != '(')
			return fail(err, -EINVAL, (size_t)(p - t->buf), line,
				    "unexpected '%c' after object %s, expected '('",
				    *p, o->code);
		close = memchr(p, ')', (size_t)(end - p));
		if (!close)
			return fail(err, -EINVAL, (size_t)(p - t->buf), line,
				    "'(' of object %s not closed on its line",
				    o->code);
		if (memchr(p + 1, '(', (size_t)(close - p - 1)))
			return fail(err, -EINVAL, (size_t)(p - t->buf), line,
				    "nested '(' in object %s", o->code);
		ret = add_group(t, &g);
		if (ret)
			return fail(err, ret, (size_t)(p - t->buf), line,
				    "out of memory");
		*close = '\0';
		g->pos = (size_t)(p - t->buf);
		g->text = p + 1;
		star = strrchr(p + 1, '*');
		g->unit = NULL;
		if (star) {
			*star = '\0';
			g->unit = star + 1;
		}
		o->ngroups++;
		p = close + 1;
	}
	return 0;
}

static int parse_line(struct p1_telegram *t, char *p, char *end,
		      unsigned int line, struct p1_error *err)
{
	struct p1_object *o;
	const char *q;
	int ret;

	if (*p == '(') {
		/* DSMR 2.2/3 put the gas reading on a line of its own */
		if (!t->nobjs)
			return fail(err, -EINVAL, (size_t)(p - t->buf), line,
				    "continuation line before any object");
		o = &t->objs[t->nobjs - 1];
		return parse_groups(t, o, p, end, line, err);
	}

	ret = add_object(t, &o);
	if (ret)
		return fail(err, ret, (size_t)(p - t->buf), line,
			    "out of memory");
	o->line = line;
	o->pos = (size_t)(p - t->buf);
	q = parse_obis(p, &o->id);
	if (!q || *q != '(')
		return fail(err, -EINVAL, (size_t)(p - t->buf), line,
			    "line %u is not an OBIS object: '%.40s'", line, p);
	{
		char a[4], b[4], c[4], d[4], e[4], f[4];

		p1_join(o->code, sizeof(o->code), p1_utoa(o->id.a, a), "-",
			p1_utoa(o->id.b, b), ":", p1_utoa(o->id.c, c), ".",
			p1_utoa(o->id.d, d), ".", p1_utoa(o->id.e, e),
			o->id.f == 255 ? "" : "*",
			o->id.f == 255 ? "" : p1_utoa(o->id.f, f));
	}
	return parse_groups(t, o, (char *)q, end, line, err);
}

static int check_crc(struct p1_telegram *t, size_t bang, unsigned int flags,
		     unsigned int line, struct p1_error *err)
{
	size_t i = bang + 1;
	unsigned int v = 0, n = 0;

	while (i < t->len && hexval(t->buf[i]) >= 0) {
		v = v * 16 + (unsigned int)hexval(t->buf[i++]);
		n++;
	}
	while (i < t->len && (t->buf[i] == '\r' || t->buf[i] == '\n' ||
			      t->buf[i] == ' '))
		i++;
	if (n > 4 || i != t->len)
		return fail(err, -EINVAL, bang, line,
			    "malformed end line: '!' must be followed by at most 4 hex digits");
	if (!n)
		return 0;
	t->has_crc = true;
	t->crc_read = (uint16_t)v;
	t->crc_calc = p1_crc16(0, t->buf, bang + 1);
	t->crc_ok = t->crc_read == t->crc_calc;
	if (!t->crc_ok && !(flags & P1_PARSE_IGNORE_CRC))
		return fail(err, -EBADMSG, bang, line,
			    "CRC mismatch: telegram says %04X, contents give %04X",
			    t->crc_read, t->crc_calc);
	return 0;
}

/* Offset of the '!' that starts a line, or @len if there is none. */
static size_t find_end(const char *buf, size_t len)
{
	for (size_t i = len; i > 1; i--)
		if (buf[i - 1] == '!' && buf[i - 2] == '\n')
			return i - 1;
	return len;
}

int p1_parse(const char *text, size_t len, unsigned int flags,
	     const struct p1_tz *tz, struct p1_telegram *t,
	     struct p1_error *err)
{
	unsigned int line = 1;
	size_t bang, i;
	char *p;
	int ret;

	memset(t, 0, sizeof(*t));
	memset(err, 0, sizeof(*err));
	t->tz = tz;
	if (!len || text[0] != '/')
		return fail(err, -EINVAL, 0, 1, "telegram does not start with '/'");
	if (memchr(text, '\0', len))
		return fail(err, -EINVAL, (size_t)((const char *)memchr(text, '\0', len) - text),
			    0, "NUL byte in telegram");
	t->buf = malloc(len + 1);
	if (!t->buf)
		return fail(err, -ENOMEM, 0, 0, "out of memory");
	memcpy(t->buf, text, len);
	t->buf[len] = '\0';
	t->len = len;

	bang = find_end(t->buf, len);
	if (bang == len)
		return fail(err, -EPIPE, len, 0,
			    "truncated telegram: no line starting with '!' after %zu bytes",
			    len);
	for (i = 0; i < bang; i++)
		line += t->buf[i] == '\n';
	ret = check_crc(t, bang, flags, line, err);
	if (ret)
		return ret;
	t->buf[bang] = '\0';

	/* header: the first line, without '/' */
	p = t->buf + 1;
	line = 1;
	t->header = p;
	for (char *nl; p < t->buf + bang; p = nl + 1) {
		char *end;

		nl = strchr(p, '\n');
		if (!nl)
			nl = t->buf + bang;
		*nl = '\0';
		end = nl;
		while (end > p && (end[-1] == '\r' || end[-1] == ' ' ||
				   end[-1] == '\t'))
			*--end = '\0';
		if (p == t->header) {
			line++;
			continue;
		}
		if (end > p) {
			ret = parse_line(t, p, end, line, err);
			if (ret)
				return ret;
		}
		line++;
	}

	for (i = 0; i < t->nobjs; i++) {
		ret = p1_object_interpret(t, &t->objs[i], err);
		if (ret)
			return ret;
	}
	p1_detect_variant(t);
	if (t->variant == P1_VARIANT_UNKNOWN &&
	    p1_note_add(t, P1_NOTE_TELEGRAM, P1_NOTE_OBJECT, false,
			"header '%.40s' and objects match no known variant: decoded generically",
			t->header))
		return fail(err, -ENOMEM, 0, 0, "out of memory");
	return 0;
}

const struct p1_object *p1_find(const struct p1_telegram *t, const char *code)
{
	for (size_t i = 0; i < t->nobjs; i++)
		if (!strcmp(t->objs[i].code, code))
			return &t->objs[i];
	return NULL;
}

const struct p1_group *p1_object_group(const struct p1_telegram *t,
				       const struct p1_object *o, size_t i)
{
	return i < o->ngroups ? &t->groups[o->first_group + i] : NULL;
}

const struct p1_entry *p1_object_entry(const struct p1_telegram *t,
				       const struct p1_object *o, size_t i)
{
	return i < o->nentries ? &t->entries[o->first_entry + i] : NULL;
}
