/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Local rules: [rule NAME] sets an output when an analog alarm or a
 * digital input becomes active ("when = digital/leak on", "then =
 * output/valve off"), and optionally back when it ends ("restore = yes").
 * The rules act in the daemon's loop as the input changes, without the
 * broker; each action is logged and published under BASE/rule/NAME.
 */
#ifndef SMCARDD_RULES_H
#define SMCARDD_RULES_H

#include <stddef.h>

#include "config.h"

struct daemon;

/* Parse key @key ("when" or "then") of @r; 0 or -1 with @err. */
int sd_rule_parse(struct sd_rule *r, const char *key, const char *val,
		  char *err, size_t err_size);
/* Check @r against the rest of @c (the sections it names); 0 or -1. */
int sd_rule_check(const struct sd_config *c, const struct sd_rule *r,
		  char *err, size_t err_size);

/*
 * Input KIND/NAME changed: @state is the mask of active alarms
 * (1 << enum sd_alarm) of an analog input, or 1/0 for a digital input.
 */
void sd_rules_input(struct daemon *d, const char *kind, const char *name,
		    unsigned int state);

#endif
