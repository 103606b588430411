// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>

#include "mbus_error.h"

int mbus_fail(struct mbus_error *err, int code, size_t pos,
	      const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->pos = pos;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}
