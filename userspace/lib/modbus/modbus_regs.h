/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Values in Modbus registers: 16- and 32-bit integers and IEEE 754 floats
 * over one or two 16-bit registers, in any of the four byte orders meters
 * use. Shared by the daemon's Modbus client and server and the emulator.
 */
#ifndef SMCARD_MODBUS_REGS_H
#define SMCARD_MODBUS_REGS_H

#include <stdint.h>

enum mbreg_type {
	MBREG_INT16, MBREG_UINT16, MBREG_INT32, MBREG_UINT32, MBREG_FLOAT32,
	MBREG_BOOL,
};
/* Byte order of a 32-bit value over two registers, A = most significant. */
enum mbreg_order { MBREG_ABCD, MBREG_CDAB, MBREG_BADC, MBREG_DCBA };

/* Registers a value of @t occupies (1 or 2; bool counts as 1 bit). */
unsigned int mbreg_width(enum mbreg_type t);

/*
 * Decode @regs (as received, one 16-bit word per register) into a
 * number. Returns 0, or -1 for a float32 that is NaN or infinite.
 */
int mbreg_decode(const uint16_t *regs, enum mbreg_type t, enum mbreg_order o,
		 double *out);

/* Inverse: fill @regs with @v. */
void mbreg_encode(double v, enum mbreg_type t, enum mbreg_order o,
		  uint16_t *regs);

/*
 * Same for any @v: integer types saturate at their range and take 0 for
 * NaN, float32 keeps NaN and infinities. Returns 0, or 1 when the value
 * did not fit (saturated, or NaN in an integer).
 */
int mbreg_encode_sat(double v, enum mbreg_type t, enum mbreg_order o,
		     uint16_t *regs);

#endif
