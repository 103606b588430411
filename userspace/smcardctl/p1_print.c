// SPDX-License-Identifier: GPL-2.0
/* Human-readable one-telegram summary for 'smcardctl p1 read'. */
#include <math.h>

#include "p1_cmd.h"

static void field(FILE *f, const char *label, double v, const char *fmt_unit)
{
	if (!isnan(v))
		fprintf(f, "  %s %.3f %s", label, v, fmt_unit);
}

void p1_print_human(FILE *f, const struct p1_telegram *t)
{
	struct p1_summary s;
	char iso[21] = "-";

	p1_summarize(t, &s);
	if (s.has_time)
		p1_time_iso(s.time, iso);
	fprintf(f, "%s %s%s%s", iso, p1_variant_name(t->variant),
		t->version[0] ? " " : "", t->version);
	field(f, "import", s.import_kwh, "kWh");
	field(f, "export", s.export_kwh, "kWh");
	if (!isnan(s.power_import_w) || !isnan(s.power_export_w))
		fprintf(f, "  power %+.0f W",
			(isnan(s.power_import_w) ? 0 : s.power_import_w) -
			(isnan(s.power_export_w) ? 0 : s.power_export_w));
	for (int i = 0; i < 3; i++) {
		if (isnan(s.voltage_v[i]) && isnan(s.current_a[i]))
			continue;
		fprintf(f, "  L%d", i + 1);
		if (!isnan(s.voltage_v[i]))
			fprintf(f, " %.1f V", s.voltage_v[i]);
		if (!isnan(s.current_a[i]))
			fprintf(f, " %.1f A", s.current_a[i]);
	}
	for (size_t i = 0; i < s.nmbus; i++) {
		const char *medium = p1_mbus_type_name(s.mbus[i].type);

		if (isnan(s.mbus[i].value))
			continue;
		fprintf(f, "  %s %.3f %s", medium ? medium : "m-bus",
			s.mbus[i].value, s.mbus[i].unit ? s.mbus[i].unit : "");
	}
	if (t->has_crc)
		fprintf(f, "  crc %04X%s", t->crc_read, t->crc_ok ? "" : " BAD");
	fputc('\n', f);
	for (size_t i = 0; i < t->nnotes; i++)
		if (t->notes[i].warning)
			fprintf(f, "  warning: %s\n", t->notes[i].msg);
	fflush(f);
}
