/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the P1 unit tests. */
#ifndef TEST_P1_UTIL_H
#define TEST_P1_UTIL_H

#include <math.h>
#include <string.h>

#include "p1.h"
#include "test_p1_fixtures.h"

#define EXPECT_NEAR(want, got, tol) do {				\
	double __w = (want), __g = (got);				\
	EXPECT_TRUE(fabs(__w - __g) <= (tol))				\
		TH_LOG("expected %.6f, got %.6f", __w, __g);		\
} while (0)

/* Number value of @code in @t, NAN when absent or not a number. */
static inline double obj_number(const struct p1_telegram *t, const char *code)
{
	const struct p1_object *o = p1_find(t, code);

	return o && o->kind == P1_KIND_NUMBER ? o->number : NAN;
}

static inline const char *obj_unit(const struct p1_telegram *t,
				   const char *code)
{
	const struct p1_object *o = p1_find(t, code);

	return o && o->unit ? o->unit : "";
}

static inline int parse_str(const char *s, struct p1_telegram *t,
			    struct p1_error *err)
{
	return p1_parse(s, strlen(s), 0, NULL, t, err);
}

#endif
