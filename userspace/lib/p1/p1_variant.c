// SPDX-License-Identifier: GPL-2.0
/* Tell DSMR versions, e-MUCS and the Swedish standard apart. */
#include <stdio.h>
#include <string.h>

#include "p1.h"

const char *p1_variant_name(enum p1_variant v)
{
	switch (v) {
	case P1_VARIANT_DSMR22:
		return "dsmr2.2";
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
	default:
		return "unknown";
	}
}

void p1_detect_variant(struct p1_telegram *t)
{
	const struct p1_object *v;

	t->version[0] = '\0';
	v = p1_find(t, "0-0:96.1.4");
	if (v && v->text) {
		t->variant = P1_VARIANT_EMUCS;
		snprintf(t->version, sizeof(t->version), "%s", v->text);
		return;
	}
	v = p1_find(t, "1-3:0.2.8");
	if (v && v->text && strlen(v->text) == 2) {
		/* "42" is DSMR 4.2, "50" is DSMR 5.0 (5.0.2 sends 50 too) */
		snprintf(t->version, sizeof(t->version), "%c.%c", v->text[0],
			 v->text[1]);
		t->variant = v->text[0] >= '5' ? P1_VARIANT_DSMR5 :
						 P1_VARIANT_DSMR4;
		return;
	}
	if (!t->has_crc) {
		/* DSMR 2.2 and 3.0 frame alike: 9600 7E1, no CRC */
		t->variant = P1_VARIANT_DSMR22;
		snprintf(t->version, sizeof(t->version), "2.2");
		return;
	}
	if (p1_find(t, "1-0:1.8.0") && !p1_find(t, "1-0:1.8.1")) {
		t->variant = P1_VARIANT_SWEDISH;
		return;
	}
	t->variant = P1_VARIANT_DSMR4;
}
