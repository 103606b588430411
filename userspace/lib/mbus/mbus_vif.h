/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Value information field tables of EN 13757-3: the primary VIF table,
 * the extension tables behind VIF 0xFB and 0xFD, the combinable
 * (orthogonal) VIFE table, and the unit table of the fixed data structure
 * (EN 1434-3). Lookups only read const tables.
 *
 * Quantities are snake_case names ("energy", "volume_flow"); units are
 * the base unit of the table entry without prefix ("Wh", "m^3/h", "°C"),
 * the prefix being folded into the power-of-ten exponent.
 */
#ifndef SMCARD_MBUS_VIF_H
#define SMCARD_MBUS_VIF_H

#include <stdbool.h>
#include <stdint.h>

#define MBUS_VIF_EXT		0x80	/* another VIFE follows */
#define MBUS_VIF_TABLE_FB	0x7B
#define MBUS_VIF_PLAIN_TEXT	0x7C
#define MBUS_VIF_TABLE_FD	0x7D
#define MBUS_VIF_ANY		0x7E
#define MBUS_VIF_MANUFACTURER	0x7F
#define MBUS_VIF_DATE		0x6C	/* type G */
#define MBUS_VIF_DATETIME	0x6D	/* types F, I, J */
#define MBUS_VIF_BUS_ADDRESS	0x7A

enum mbus_vif_table {
	MBUS_VIF_TABLE_PRIMARY = 0,
	MBUS_VIF_TABLE_EXT_FB = 0xFB,
	MBUS_VIF_TABLE_EXT_FD = 0xFD,
};

enum mbus_vif_kind {
	MBUS_VK_NUMBER,		/* physical quantity */
	MBUS_VK_DATE,		/* type G (or F/I by data size) */
	MBUS_VK_DATETIME,	/* type F, I or J by data size */
	MBUS_VK_UNSIGNED,	/* identifiers, counts: type C */
	MBUS_VK_FLAGS,		/* bit fields: type D, shown unsigned */
	MBUS_VK_PLAIN_TEXT,	/* the unit comes as text after the VIFEs */
	MBUS_VK_ANY,		/* "any VIF", readout requests */
	MBUS_VK_MANUFACTURER,	/* manufacturer specific VIF */
	MBUS_VK_RESERVED,	/* code not assigned by the standard */
};

struct mbus_vif_info {
	const char *quantity;
	const char *unit;
	int exponent;
	enum mbus_vif_kind kind;
};

/*
 * Look up @code (extension bit ignored) in @table. Reserved codes give
 * kind MBUS_VK_RESERVED with quantity "reserved" rather than an error:
 * later editions of the standard assign them and a decoder must go on.
 */
void mbus_vif_lookup(enum mbus_vif_table table, uint8_t code,
		     struct mbus_vif_info *info);

enum mbus_vife_kind {
	MBUS_VIFE_NONE,		/* only a description */
	MBUS_VIFE_ERROR,	/* record error code (slave to master) */
	MBUS_VIFE_ACTION,	/* object action (master to slave) */
	MBUS_VIFE_UNIT,		/* appends unit_suffix ("/h", "/m^3") */
	MBUS_VIFE_SCALE,	/* adds exp to the exponent */
	MBUS_VIFE_OFFSET,	/* value is an additive constant, exp added */
	MBUS_VIFE_COUNT,	/* value becomes a count: no unit */
	MBUS_VIFE_DURATION,	/* value becomes a duration in unit_suffix */
	MBUS_VIFE_DATE,		/* value becomes a date/time */
	MBUS_VIFE_EXTENSION,	/* next VIFE is from the 0xFC table */
	MBUS_VIFE_MANUFACTURER,	/* the rest of the VIFEs are vendor defined */
};

struct mbus_vife_info {
	enum mbus_vife_kind kind;
	const char *text;	/* description, NULL if only a unit change */
	const char *unit_suffix;
	int exp;
	int code;		/* error or action number */
};

/* @from_master selects object actions instead of error codes for 0x00..0x1F. */
void mbus_vife_lookup(uint8_t code, bool from_master,
		      struct mbus_vife_info *info);

/* Name of a record error code (VIFE 0x00..0x1F from a slave), or NULL. */
const char *mbus_record_error_name(int code);

/* Unit code (6 bits) of the fixed data structure. */
void mbus_fixed_unit(uint8_t code, struct mbus_vif_info *info);

#endif
