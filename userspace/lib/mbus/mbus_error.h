/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Error reporting shared by the M-Bus library: every failure carries the
 * byte offset in the frame where it was detected and a readable message,
 * so a capture can be fixed or a bug report written without a debugger.
 */
#ifndef SMCARD_MBUS_ERROR_H
#define SMCARD_MBUS_ERROR_H

#include <stddef.h>

struct mbus_error {
	size_t pos;		/* byte offset in the frame */
	char msg[256];
};

/*
 * Fill @err (which may be NULL) and return @code, so a failing parser can
 * say "return mbus_fail(err, -EBADMSG, pos, ...)".
 */
int mbus_fail(struct mbus_error *err, int code, size_t pos,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
