// SPDX-License-Identifier: GPL-2.0
/*
 * Tell the P1 variants apart, from the header and from the objects a
 * telegram carries; the version where a version object says it. Telegrams
 * that match none still decode, as "unknown".
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "p1.h"

const char *p1_variant_name(enum p1_variant v)
{
	switch (v) {
	case P1_VARIANT_DSMR22:
		return "dsmr2.2";
	case P1_VARIANT_DSMR3:
		return "dsmr3";
	case P1_VARIANT_DSMR4:
		return "dsmr4";
	case P1_VARIANT_DSMR5:
		return "dsmr5";
	case P1_VARIANT_EMUCS:
		return "e-mucs";
	case P1_VARIANT_SWEDISH:
		return "swedish";
	case P1_VARIANT_SMARTY:
		return "smarty";
	case P1_VARIANT_EASYMETER:
		return "easymeter-q3d";
	case P1_VARIANT_HUNGARIAN:
		return "hungarian";
	default:
		return "unknown";
	}
}

static bool has(const struct p1_telegram *t, const char *code)
{
	return p1_find(t, code) != NULL;
}

/* Digits before the decimal point of @code's value, 0 if absent. */
static size_t int_digits(const struct p1_telegram *t, const char *code)
{
	const struct p1_object *o = p1_find(t, code);
	size_t n = 0;

	if (!o || o->kind != P1_KIND_NUMBER)
		return 0;
	while (isdigit((unsigned char)o->text[n]))
		n++;
	return o->text[n] == '.' ? n : 0;
}

/* "42" is DSMR 4.2, "50" 5.0 (5.0.2 writes 50 too); false if absent. */
static bool dsmr_version(struct p1_telegram *t)
{
	const struct p1_object *v = p1_find(t, "1-3:0.2.8");

	if (!v || !v->text || strlen(v->text) != 2 ||
	    !isdigit((unsigned char)v->text[0]) || !isdigit((unsigned char)v->text[1]))
		return false;
	snprintf(t->version, sizeof(t->version), "%c.%c", v->text[0], v->text[1]);
	return true;
}

/*
 * DSMR 2.2 and 3.0 frame alike (9600 7E1, no CRC, no version object) and
 * carry the same objects; their number formats differ: 2.2 writes power
 * and threshold as F6(2,2) "0000.30", 3.0 as F5(2,2) "001.19".
 */
static void dsmr22_or_3(struct p1_telegram *t)
{
	size_t n = int_digits(t, "1-0:1.7.0");

	if (!n)
		n = int_digits(t, "0-0:17.0.0");
	if (n == 4) {
		t->variant = P1_VARIANT_DSMR22;
		snprintf(t->version, sizeof(t->version), "2.2");
	} else {
		t->variant = P1_VARIANT_DSMR3;
		snprintf(t->version, sizeof(t->version), "3.0");
	}
}

/* "ESY5Q3DA1024 V3.04": the firmware version after " V". */
static void easymeter(struct p1_telegram *t)
{
	const char *v = strstr(t->header, " V");

	t->variant = P1_VARIANT_EASYMETER;
	if (v)
		snprintf(t->version, sizeof(t->version), "%s", v + 2);
}

void p1_detect_variant(struct p1_telegram *t)
{
	const char *h = t->header ? t->header : "";
	const struct p1_object *v;

	t->version[0] = '\0';
	v = p1_find(t, "0-0:96.1.4");
	if (v || !strncmp(h, "FLU", 3)) {
		t->variant = P1_VARIANT_EMUCS;
		if (v && v->text)
			snprintf(t->version, sizeof(t->version), "%s", v->text);
		return;
	}
	if (!strncmp(h, "ESY", 3) || has(t, "1-0:96.5.5")) {
		easymeter(t);
		return;
	}
	/* Hungary: breaker status ON/OFF; a device name beside tariffs */
	if (has(t, "0-0:96.50.68") ||
	    (has(t, "0-0:42.0.0") && has(t, "1-0:1.8.1"))) {
		t->variant = P1_VARIANT_HUNGARIAN;
		dsmr_version(t);
		return;
	}
	if (dsmr_version(t)) {
		/* Luxembourg: DSMR's version object, a device name, totals */
		if (has(t, "0-0:42.0.0"))
			t->variant = P1_VARIANT_SMARTY;
		else
			t->variant = t->version[0] >= '5' ? P1_VARIANT_DSMR5 :
							    P1_VARIANT_DSMR4;
		return;
	}
	/* Sweden: totals, reactive energy and power, no version object */
	if (has(t, "1-0:1.8.0") &&
	    (has(t, "1-0:3.8.0") || has(t, "1-0:3.7.0") || has(t, "1-0:23.7.0"))) {
		t->variant = P1_VARIANT_SWEDISH;
		return;
	}
	if (!t->has_crc && (has(t, "1-0:1.8.1") || has(t, "0-0:96.1.1"))) {
		dsmr22_or_3(t);
		return;
	}
	t->variant = P1_VARIANT_UNKNOWN;
}
