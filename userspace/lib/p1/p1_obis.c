// SPDX-License-Identifier: GPL-2.0
/*
 * Names, units and meanings of the OBIS objects that DSMR 2.2 to 5.0.2,
 * e-MUCS H (Belgium), the Swedish P1 companion standard, the Luxembourg
 * Smarty specification, EasyMeter Q3D, the Hungarian P1 specification and
 * the Sagemcom XS211 define.
 *
 * Electricity quantities (A = 1) follow IEC 62056-61: C says what (active
 * import, reactive QI, voltage ...) and on which phase (C + 20, + 40, + 60
 * for L1, L2, L3), D how (7 instantaneous, 8 energy register), E the
 * tariff. They are named from those parts, so every tariff register and
 * every phase of a quantity has a name of the same shape. The rest is
 * listed one by one. Objects not known here are still parsed and kept,
 * only unnamed.
 */
#include <string.h>

#include "p1.h"
#include "p1_str.h"

#define ANY	-1	/* B = M-Bus channel 1..4 */
#define MAX_TARIFF	63

enum family { ACTIVE, REACTIVE, APPARENT, CURRENT, VOLTAGE, PF, FREQ };

/* An electricity quantity, C = 1..20 of a phase block. */
static const struct quantity {
	uint8_t c;
	enum family fam;
	const char *what;	/* name part */
	const char *label;
	bool d7, d8;		/* instantaneous value, energy register */
	bool total, phases;	/* defined for all phases (C), per phase */
	const char *src7, *src8, *src8t;	/* D 7, D 8 total, D 8 tariffs */
} quantities[] = {
	{ 1, ACTIVE, "import", "import", true, true, true, true,
	  "DSMR 2.2-5, e-MUCS, Swedish, Smarty, EasyMeter, Hungarian, XS211",
	  "Swedish, Smarty, EasyMeter, Hungarian, XS211",
	  "DSMR 2.2-5 and e-MUCS (T = 1, 2), Hungarian (1-4), XS211 (1-8)" },
	{ 2, ACTIVE, "export", "export", true, true, true, true,
	  "DSMR 2.2-5, e-MUCS, Swedish, Smarty, Hungarian, XS211",
	  "Swedish, Smarty, EasyMeter, Hungarian, XS211",
	  "DSMR 2.2-5 and e-MUCS (T = 1, 2), Hungarian (1-4), XS211 (1-8)" },
	{ 3, REACTIVE, "import", "import", true, true, true, true,
	  "Swedish, Smarty, Hungarian, XS211", "Swedish, Smarty, Hungarian, XS211",
	  "IEC 62056-61" },
	{ 4, REACTIVE, "export", "export", true, true, true, true,
	  "Swedish, Smarty, Hungarian, XS211", "Swedish, Smarty, Hungarian, XS211",
	  "IEC 62056-61" },
	{ 5, REACTIVE, "q1", "QI", true, true, true, true,
	  "Swedish, Hungarian", "Hungarian, XS211", "IEC 62056-61" },
	{ 6, REACTIVE, "q2", "QII", true, true, true, true,
	  "Swedish, Hungarian", "Hungarian, XS211", "IEC 62056-61" },
	{ 7, REACTIVE, "q3", "QIII", true, true, true, true,
	  "Swedish, Hungarian", "Hungarian, XS211", "IEC 62056-61" },
	{ 8, REACTIVE, "q4", "QIV", true, true, true, true,
	  "Swedish, Hungarian", "Hungarian, XS211", "IEC 62056-61" },
	{ 9, APPARENT, "import", "import", true, true, true, true,
	  "XS211", "XS211", "IEC 62056-61" },
	{ 10, APPARENT, "export", "export", true, true, true, true,
	  "XS211", "XS211", "IEC 62056-61" },
	{ 11, CURRENT, NULL, "Current", true, false, false, true,
	  "DSMR 4-5, e-MUCS, Swedish, Smarty, Hungarian, XS211", NULL, NULL },
	{ 12, VOLTAGE, NULL, "Voltage", true, false, false, true,
	  "DSMR 5, e-MUCS, Swedish, Smarty, Hungarian, XS211", NULL, NULL },
	{ 13, PF, NULL, "Power factor", true, false, true, true,
	  "Hungarian, Swedish", NULL, NULL },
	{ 14, FREQ, NULL, "Frequency", true, false, true, false,
	  "Hungarian", NULL, NULL },
	{ 15, ACTIVE, "combined", "|import| + |export|", false, true, true, false,
	  NULL, "Hungarian", "IEC 62056-61" },
	{ 16, ACTIVE, "net", "net (import - export)", true, false, true, true,
	  "EasyMeter", NULL, NULL },
};

/* Objects that are not generated from C, D and E. */
struct fixed {
	uint8_t section;	/* where it goes in the catalogue */
	uint8_t a;
	int b;
	uint8_t c, d, e;
	const char *name;
	const char *key;
	const char *label;
	const char *unit;
	enum p1_quantity q;
	unsigned int flags;
	const char *source;
};

#define DIAG	P1_INFO_DIAGNOSTIC
#define NUM	P1_INFO_NUMBER
#define TOTAL	P1_INFO_TOTAL
#define HEX	P1_INFO_HEXTEXT
#define STATE	(P1_INFO_STATE | P1_INFO_NUMBER)
#define PROF	P1_INFO_PROFILE
#define MBUS	P1_INFO_MBUS

static const struct fixed fixed[] = {
	/* section 0: the meter */
	{ 0, 1, 3, 0, 2, 8, "version", "version", "P1 version",
	  NULL, P1_Q_NONE, DIAG, "DSMR 4-5, Smarty" },
	{ 0, 0, 0, 96, 1, 4, "version_emucs", "version_emucs", "e-MUCS version",
	  NULL, P1_Q_NONE, DIAG, "e-MUCS" },
	{ 0, 0, 0, 1, 0, 0, "timestamp", "meter_time", "Meter time",
	  NULL, P1_Q_TIMESTAMP, DIAG, "DSMR 4-5, e-MUCS, Swedish, Smarty, Hungarian" },
	{ 0, 0, 0, 96, 1, 1, "equipment_id", "equipment_id", "Equipment identifier",
	  NULL, P1_Q_NONE, DIAG | HEX, "DSMR 2.2-5, e-MUCS" },
	{ 0, 0, 0, 96, 1, 0, "meter_serial", "meter_serial", "Meter serial number",
	  NULL, P1_Q_NONE, DIAG, "Hungarian" },
	{ 0, 0, 0, 42, 0, 0, "logical_device_name", "logical_device_name",
	  "Logical device name", NULL, P1_Q_NONE, DIAG | HEX, "Smarty, Hungarian" },
	{ 0, 0, 0, 96, 1, 255, "serial_number", "serial_number", "Serial number",
	  NULL, P1_Q_NONE, DIAG, "EasyMeter" },
	{ 0, 1, 0, 0, 0, 0, "property_number", "property_number", "Property number",
	  NULL, P1_Q_NONE, DIAG, "EasyMeter" },
	{ 0, 1, 0, 96, 5, 5, "status_word", "status_word", "Status word",
	  NULL, P1_Q_NONE, DIAG, "EasyMeter" },
	{ 0, 0, 0, 96, 14, 0, "tariff", "tariff", "Active tariff",
	  NULL, P1_Q_NONE, STATE, "DSMR 2.2-5, e-MUCS, Hungarian, XS211" },

	/* section 1: demand, events, thresholds, messages */
	{ 1, 1, 0, 1, 4, 0, "average_demand", "average_demand_w",
	  "Average demand (current period)", "W", P1_Q_POWER, 0, "e-MUCS, XS211" },
	{ 1, 1, 0, 1, 6, 0, "peak_demand_month", "peak_demand_w",
	  "Peak demand this month", "W", P1_Q_POWER, 0, "e-MUCS, XS211" },
	{ 1, 0, 0, 98, 1, 0, "peak_demand_history", "peak_demand_history",
	  "Monthly peak demands", NULL, P1_Q_POWER, PROF, "e-MUCS" },
	{ 1, 0, 0, 96, 7, 21, "power_failures", "power_failures", "Power failures",
	  NULL, P1_Q_COUNT, DIAG | NUM | TOTAL, "DSMR 4-5, Smarty, XS211" },
	{ 1, 0, 0, 96, 7, 9, "long_power_failures", "long_power_failures",
	  "Long power failures", NULL, P1_Q_COUNT, DIAG | NUM | TOTAL,
	  "DSMR 4-5, XS211" },
	{ 1, 1, 0, 99, 97, 0, "power_failure_log", "power_failure_log",
	  "Power failure log", NULL, P1_Q_DURATION, DIAG | PROF, "DSMR 4-5, XS211" },
	{ 1, 1, 0, 32, 32, 0, "voltage_sags_l1", "voltage_sags_l1", "Voltage sags L1",
	  NULL, P1_Q_COUNT, DIAG | NUM | TOTAL, "DSMR 4-5, XS211" },
	{ 1, 1, 0, 52, 32, 0, "voltage_sags_l2", "voltage_sags_l2", "Voltage sags L2",
	  NULL, P1_Q_COUNT, DIAG | NUM | TOTAL, "DSMR 4-5, XS211" },
	{ 1, 1, 0, 72, 32, 0, "voltage_sags_l3", "voltage_sags_l3", "Voltage sags L3",
	  NULL, P1_Q_COUNT, DIAG | NUM | TOTAL, "DSMR 4-5, XS211" },
	{ 1, 1, 0, 32, 36, 0, "voltage_swells_l1", "voltage_swells_l1",
	  "Voltage swells L1", NULL, P1_Q_COUNT, DIAG | NUM | TOTAL, "DSMR 4-5, XS211" },
	{ 1, 1, 0, 52, 36, 0, "voltage_swells_l2", "voltage_swells_l2",
	  "Voltage swells L2", NULL, P1_Q_COUNT, DIAG | NUM | TOTAL, "DSMR 4-5, XS211" },
	{ 1, 1, 0, 72, 36, 0, "voltage_swells_l3", "voltage_swells_l3",
	  "Voltage swells L3", NULL, P1_Q_COUNT, DIAG | NUM | TOTAL, "DSMR 4-5, XS211" },
	{ 1, 0, 0, 96, 3, 10, "breaker_state", "breaker_state", "Breaker",
	  NULL, P1_Q_NONE, STATE, "DSMR 2.2-4, e-MUCS, Smarty, XS211" },
	{ 1, 0, 0, 96, 50, 68, "breaker_status", "breaker_status", "Breaker status",
	  NULL, P1_Q_NONE, 0, "Hungarian" },
	{ 1, 0, 0, 17, 0, 0, "limiter_threshold", "limiter_threshold",
	  "Limiter threshold", NULL, P1_Q_THRESHOLD, DIAG, "DSMR 2.2-4, e-MUCS, Smarty, Hungarian" },
	{ 1, 1, 0, 31, 4, 0, "fuse_threshold_l1", "fuse_threshold_l1_a",
	  "Fuse supervision threshold L1", "A", P1_Q_CURRENT, DIAG, "e-MUCS" },
	{ 1, 1, 0, 51, 4, 0, "fuse_threshold_l2", "fuse_threshold_l2_a",
	  "Fuse supervision threshold L2", "A", P1_Q_CURRENT, DIAG, "e-MUCS" },
	{ 1, 1, 0, 71, 4, 0, "fuse_threshold_l3", "fuse_threshold_l3_a",
	  "Fuse supervision threshold L3", "A", P1_Q_CURRENT, DIAG, "e-MUCS" },
	{ 1, 1, 0, 84, 7, 0, "power_factor_export", "power_factor_export",
	  "Power factor (export)", NULL, P1_Q_POWER_FACTOR, NUM, "Swedish" },
	{ 1, 1, 0, 85, 7, 0, "power_factor_export_l1", "power_factor_export_l1",
	  "Power factor (export) L1", NULL, P1_Q_POWER_FACTOR, NUM, "Swedish" },
	{ 1, 1, 0, 86, 7, 0, "power_factor_export_l2", "power_factor_export_l2",
	  "Power factor (export) L2", NULL, P1_Q_POWER_FACTOR, NUM, "Swedish" },
	{ 1, 1, 0, 87, 7, 0, "power_factor_export_l3", "power_factor_export_l3",
	  "Power factor (export) L3", NULL, P1_Q_POWER_FACTOR, NUM, "Swedish" },
	{ 1, 1, 0, 91, 7, 0, "current_neutral", "current_neutral_a",
	  "Current neutral", "A", P1_Q_CURRENT, 0, "Hungarian" },
	{ 1, 0, 0, 96, 13, 0, "text_message", "text_message", "Text message",
	  NULL, P1_Q_NONE, HEX, "DSMR 2.2-5, e-MUCS, Smarty, Hungarian" },
	{ 1, 0, 0, 96, 13, 1, "text_message_code", "text_message_code",
	  "Text message code", NULL, P1_Q_NONE, HEX, "DSMR 2.2-4" },

	/* section 2: M-Bus sub-devices */
	{ 2, 0, ANY, 24, 1, 0, "mbus_device_type", "device_type", "Device type",
	  NULL, P1_Q_NONE, DIAG | STATE | MBUS, "DSMR 2.2-5, e-MUCS" },
	{ 2, 0, ANY, 96, 1, 0, "mbus_equipment_id", "equipment_id",
	  "Equipment identifier", NULL, P1_Q_NONE, DIAG | HEX | MBUS, "DSMR 2.2-5" },
	{ 2, 0, ANY, 96, 1, 1, "mbus_equipment_id", "equipment_id",
	  "Equipment identifier", NULL, P1_Q_NONE, DIAG | HEX | MBUS, "e-MUCS" },
	{ 2, 0, ANY, 24, 2, 1, "mbus_reading", "value", "Reading",
	  NULL, P1_Q_MBUS, TOTAL | MBUS, "DSMR 4-5, e-MUCS (water, heat)" },
	{ 2, 0, ANY, 24, 2, 3, "mbus_reading", "value", "Reading",
	  NULL, P1_Q_MBUS, TOTAL | MBUS, "e-MUCS (gas)" },
	{ 2, 0, ANY, 24, 3, 0, "mbus_reading", "value", "Reading",
	  NULL, P1_Q_MBUS, TOTAL | MBUS | PROF, "DSMR 2.2-3" },
	{ 2, 0, ANY, 24, 4, 0, "mbus_valve_state", "valve_state", "Valve",
	  NULL, P1_Q_NONE, DIAG | STATE | MBUS, "DSMR 2.2-4, e-MUCS" },
};

static const char *const phase_name[4] = { "", "_l1", "_l2", "_l3" };
static const char *const phase_label[4] = { "", " L1", " L2", " L3" };

/* Tariff suffixes: @tariff 0 total, 1..63, or -1 for the catalogue's T. */
static void tariff_parts(int tariff, char name[16], char key[16],
			 char label[16])
{
	char num[4];
	const char *n = tariff < 0 ? "T" : p1_utoa((unsigned int)tariff, num);

	if (tariff == 0) {
		strcpy(name, "total");
		key[0] = label[0] = '\0';
		return;
	}
	p1_join(name, 16, "tariff", n);
	p1_join(key, 16, "_t", n);
	p1_join(label, 16, " tariff ", n);
}

static const char *const fam_name[] = {
	[ACTIVE] = "", [REACTIVE] = "reactive_", [APPARENT] = "apparent_",
};
static const char *const energy_label[] = {
	[ACTIVE] = "Energy", [REACTIVE] = "Reactive energy",
	[APPARENT] = "Apparent energy",
};
static const char *const power_label[] = {
	[ACTIVE] = "Power", [REACTIVE] = "Reactive power",
	[APPARENT] = "Apparent power",
};

/* An energy register: D = 8, all phases. */
static void energy(const struct quantity *q, int tariff,
		   struct p1_obis_info *info)
{
	static const char *const unit[] = { "kWh", "kvarh", "kVAh" };
	static const char *const ukey[] = { "kwh", "kvarh", "kvah" };
	static const enum p1_quantity pq[] = { P1_Q_ENERGY, P1_Q_REACTIVE_ENERGY,
					       P1_Q_APPARENT_ENERGY };
	char tn[16], tk[16], tl[16];

	tariff_parts(tariff, tn, tk, tl);
	p1_join(info->name, sizeof(info->name), fam_name[q->fam], "energy_",
		q->what, "_", tn);
	p1_join(info->key, sizeof(info->key), fam_name[q->fam], q->what, tk, "_",
		ukey[q->fam]);
	p1_join(info->label, sizeof(info->label), energy_label[q->fam], " ",
		q->label, tl);
	info->unit = unit[q->fam];
	info->quantity = pq[q->fam];
	info->flags = TOTAL;
	info->source = tariff ? q->src8t : q->src8;
}

/* An instantaneous value: D = 7, all phases (@ph 0) or phase @ph. */
static void instant(const struct quantity *q, int ph,
		    struct p1_obis_info *info)
{
	static const char *const unit[] = { "W", "var", "VA" };
	static const enum p1_quantity pq[] = { P1_Q_POWER, P1_Q_REACTIVE_POWER,
					       P1_Q_APPARENT_POWER };

	info->source = q->src7;
	switch (q->fam) {
	case ACTIVE:
	case REACTIVE:
	case APPARENT:
		p1_join(info->name, sizeof(info->name), fam_name[q->fam], "power_",
			q->what, phase_name[ph]);
		p1_join(info->key, sizeof(info->key), fam_name[q->fam], "power",
			phase_name[ph], "_", q->what,
			q->fam == ACTIVE ? "_w" : q->fam == REACTIVE ? "_var" : "_va");
		p1_join(info->label, sizeof(info->label), power_label[q->fam], " ",
			q->label, phase_label[ph]);
		info->unit = unit[q->fam];
		info->quantity = pq[q->fam];
		return;
	case CURRENT:
		p1_join(info->name, sizeof(info->name), "current", phase_name[ph]);
		p1_join(info->key, sizeof(info->key), "current", phase_name[ph], "_a");
		info->unit = "A";
		info->quantity = P1_Q_CURRENT;
		break;
	case VOLTAGE:
		p1_join(info->name, sizeof(info->name), "voltage", phase_name[ph]);
		p1_join(info->key, sizeof(info->key), "voltage", phase_name[ph], "_v");
		info->unit = "V";
		info->quantity = P1_Q_VOLTAGE;
		break;
	case PF:
		p1_join(info->name, sizeof(info->name), "power_factor", phase_name[ph]);
		p1_join(info->key, sizeof(info->key), "power_factor", phase_name[ph]);
		info->quantity = P1_Q_POWER_FACTOR;
		info->flags = NUM;
		break;
	case FREQ:
		strcpy(info->name, "frequency");
		strcpy(info->key, "frequency_hz");
		info->unit = "Hz";
		info->quantity = P1_Q_FREQUENCY;
		break;
	}
	p1_join(info->label, sizeof(info->label), q->label, phase_label[ph]);
}

static const struct quantity *find_quantity(unsigned int c)
{
	for (size_t i = 0; i < sizeof(quantities) / sizeof(quantities[0]); i++)
		if (quantities[i].c == c)
			return &quantities[i];
	return NULL;
}

static void obis_code(const struct p1_obis *id, bool mbus, int tariff,
		      char code[24])
{
	char a[4], b[4], c[4], d[4], e[4];

	p1_join(code, 24, p1_utoa(id->a, a), "-", mbus ? "n" : p1_utoa(id->b, b),
		":", p1_utoa(id->c, c), ".", p1_utoa(id->d, d), ".",
		tariff < 0 ? "T" : p1_utoa(id->e, e));
}

/* Electricity: A = 1, B = 0, C.D.E generated. @tariff -1: catalogue. */
static bool electricity(const struct p1_obis *id, int tariff,
			struct p1_obis_info *info)
{
	const struct quantity *q;
	unsigned int ph;

	if (id->a != 1 || id->b != 0 || id->c < 1 || id->c > 80)
		return false;
	ph = (id->c - 1) / 20;
	q = find_quantity((id->c - 1) % 20 + 1);
	if (!q)
		return false;
	if (id->d == 8) {
		if (ph || !q->d8 || id->e > MAX_TARIFF)
			return false;
		energy(q, tariff < 0 ? -1 : id->e, info);
		return true;
	}
	/* EasyMeter writes E = 255 for "no tariff" */
	if (id->d != 7 || (id->e != 0 && id->e != 255) || !q->d7 ||
	    (ph ? !q->phases : !q->total))
		return false;
	instant(q, (int)ph, info);
	return true;
}

static const struct fixed *find_fixed(const struct p1_obis *id)
{
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		const struct fixed *f = &fixed[i];

		if (f->c != id->c || f->d != id->d || f->e != id->e ||
		    f->a != id->a)
			continue;
		if (f->b == ANY ? id->b >= 1 && id->b <= 4 : f->b == id->b)
			return f;
	}
	return NULL;
}

static void from_fixed(const struct fixed *f, struct p1_obis_info *info)
{
	p1_join(info->name, sizeof(info->name), f->name);
	p1_join(info->key, sizeof(info->key), f->key);
	p1_join(info->label, sizeof(info->label), f->label);
	info->unit = f->unit;
	info->quantity = f->q;
	info->flags = f->flags;
	info->source = f->source;
}

bool p1_obis_lookup(const struct p1_obis *id, struct p1_obis_info *info)
{
	const struct fixed *f = find_fixed(id);

	memset(info, 0, sizeof(*info));
	if (f)
		from_fixed(f, info);
	else if (!electricity(id, id->e, info))
		return false;
	obis_code(id, info->flags & MBUS, id->e, info->code);
	return true;
}

const char *p1_obis_name(const struct p1_obis *id, char buf[48])
{
	struct p1_obis_info info;

	if (!p1_obis_lookup(id, &info))
		return NULL;
	memcpy(buf, info.name, sizeof(info.name));
	return buf;
}

/*
 * The catalogue in documentation order: the meter, energy registers,
 * instantaneous values by quantity (all phases, then L1..L3), demand,
 * events and thresholds, M-Bus sub-devices.
 */
static bool catalogue_electricity(size_t *i, struct p1_obis_info *info)
{
	const size_t nq = sizeof(quantities) / sizeof(quantities[0]);

	for (size_t k = 0; k < nq; k++) {
		const struct quantity *q = &quantities[k];

		if (!q->d8)
			continue;
		for (int tariff = 0; tariff >= -1; tariff--) {
			if ((*i)-- == 0) {
				struct p1_obis id = { 1, 0, q->c, 8, tariff ? 1 : 0, 255 };

				energy(q, tariff, info);
				obis_code(&id, false, tariff, info->code);
				return true;
			}
		}
	}
	for (size_t k = 0; k < nq; k++) {
		const struct quantity *q = &quantities[k];

		if (!q->d7)
			continue;
		for (unsigned int ph = q->total ? 0 : 1; ph <= (q->phases ? 3u : 0u); ph++) {
			if ((*i)-- == 0) {
				struct p1_obis id = { 1, 0, (uint8_t)(q->c + 20 * ph), 7, 0, 255 };

				instant(q, (int)ph, info);
				obis_code(&id, false, 0, info->code);
				return true;
			}
		}
	}
	return false;
}

bool p1_obis_catalogue(size_t i, struct p1_obis_info *info)
{
	const size_t nf = sizeof(fixed) / sizeof(fixed[0]);

	memset(info, 0, sizeof(*info));
	for (uint8_t section = 0; section < 3; section++) {
		for (size_t k = 0; k < nf; k++) {
			const struct fixed *f = &fixed[k];

			if (f->section != section || i--)
				continue;
			struct p1_obis id = { f->a, (uint8_t)(f->b == ANY ? 1 : f->b),
					      f->c, f->d, f->e, 255 };

			from_fixed(f, info);
			obis_code(&id, f->b == ANY, f->e, info->code);
			return true;
		}
		if (section == 0 && catalogue_electricity(&i, info))
			return true;
	}
	return false;
}

const char *p1_mbus_type_name(unsigned int type)
{
	switch (type) {
	case 2:
		return "electricity";
	case 3:
		return "gas";
	case 4:
	case 12:
		return "heat";
	case 6:
		return "warm_water";
	case 7:
		return "water";
	case 10:
	case 11:
		return "cooling";
	default:
		return NULL;
	}
}

const char *p1_breaker_state_name(double state)
{
	/* e-MUCS, Smarty and DSMR 2.2-4 agree on 0 and 1; e-MUCS adds 2 */
	if (state == 0)
		return "disconnected";
	if (state == 1)
		return "connected";
	if (state == 2)
		return "ready_for_reconnection";
	return NULL;
}
