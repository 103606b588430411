/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcardctl overlay: the card's device-tree overlay from a short
 * description (one setting per argument or line):
 *   ioN=FUNCTION[,debounce=TIME][,label=TEXT]     N = 1..5
 *   i2c=SENSOR[@ADDRESS]                           sensor on the I2C connector
 */
#ifndef SMCARDCTL_OVERLAY_H
#define SMCARDCTL_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define OVL_PINS		5
#define OVL_LABEL_MAX		31
#define OVL_SENSORS_MAX		8
/* The controller's input filter: 16 bit, 100 us steps */
#define OVL_DEBOUNCE_STEP_US	100u
#define OVL_DEBOUNCE_MAX_US	(65535u * OVL_DEBOUNCE_STEP_US)
/* The IO controller's own address on the slot's I2C bus */
#define OVL_IOC_ADDR		0x28
#define OVL_ERR_MAX		256

/* Values are the binding's SMCARD_PIN_FUNC_* codes. */
enum ovl_func {
	OVL_FUNC_DISABLED,
	OVL_FUNC_DIGITAL_IN,
	OVL_FUNC_VOLTAGE_IN,
	OVL_FUNC_CURRENT_IN,
	OVL_FUNC_S0_IN,
	OVL_FUNC_DIGITAL_OUT,
	OVL_FUNC_OPEN_DRAIN_OUT,
	OVL_FUNC_COUNT
};

struct ovl_func_info {
	const char *name;		/* canonical name in a description */
	const char *aliases[4];
	const char *macro;		/* dt-bindings/mfd/smcard.h */
	const char *what;		/* for people */
	bool filter;			/* has an input filter (debounce) */
};

extern const struct ovl_func_info ovl_funcs[OVL_FUNC_COUNT];

struct ovl_pin {
	bool set;			/* described; otherwise disabled, no node */
	enum ovl_func func;
	bool has_debounce;
	unsigned int debounce_us;
	char label[OVL_LABEL_MAX + 1];	/* empty: the driver's default "IOn" */
};

struct ovl_sensor {
	const char *compatible;
	const char *node;		/* generic node name */
	unsigned int addr;
	char name[48];			/* as described, for messages */
	char custom[64];		/* storage of a "vendor,device" given as is */
};

struct ovl_desc {
	struct ovl_pin pins[OVL_PINS];
	struct ovl_sensor sensors[OVL_SENSORS_MAX];
	size_t nsensors;
};

/* Add one setting; on error returns -1 with a message in err. */
int ovl_parse_setting(struct ovl_desc *d, const char *setting, char *err);
/* Checks across settings (labels, addresses); -1 with a message. */
int ovl_check(const struct ovl_desc *d, char *err);
/* The description, one canonical setting per line, with a prefix. */
void ovl_print_desc(const struct ovl_desc *d, FILE *f, const char *prefix);
/* The overlay source, plain dtc input (no preprocessor needed). */
int ovl_write_dts(const struct ovl_desc *d, FILE *f);
/* Settings from the description in the header of an overlay this tool
 * wrote: 0 and the settings added, or -1 with a message. */
int ovl_parse_dts_header(struct ovl_desc *d, FILE *f, char *err);
/* The known sensors, for help texts. */
void ovl_print_sensors(FILE *f);

/* Validation with dt-schema (overlay_check.c): 1 valid, 0 invalid (the
 * findings are printed), -1 when it cannot run (reason in err). */
int ovl_validate(const char *dtbo, const char *bindings, char *err);
/* Run a program; stdout (and stderr too if asked) to out_path unless NULL.
 * Its exit status, or -1. */
int ovl_run(char *const argv[], const char *out_path, bool with_stderr);
bool ovl_have_program(const char *name);

#endif
