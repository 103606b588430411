/* SPDX-License-Identifier: GPL-2.0 */
/*
 * M-Bus link layer frames (EN 13757-2 / IEC 60870-5-2 format FT1.2):
 *
 *   single character  E5
 *   short frame       10 C A CS 16
 *   control frame     68 03 03 68 C A CI CS 16
 *   long frame        68 L L 68 C A CI data... CS 16
 *
 * The parser never copies: struct mbus_frame points into the caller's
 * buffer. Builders write into a caller buffer and return the length.
 */
#ifndef SMCARD_MBUS_FRAME_H
#define SMCARD_MBUS_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbus_error.h"

#define MBUS_ACK		0xE5
#define MBUS_START_SHORT	0x10
#define MBUS_START_LONG		0x68
#define MBUS_STOP		0x16

/* Application data of a long frame: L counts C, A, CI and data, L <= 255. */
#define MBUS_MAX_DATA		252
#define MBUS_MAX_FRAME		(MBUS_MAX_DATA + 9)

/* C field (EN 13757-2 table 2). Master to slave has bit 6 (PRM) set. */
#define MBUS_C_SND_NKE		0x40
#define MBUS_C_SND_UD		0x53
#define MBUS_C_REQ_UD1		0x5A
#define MBUS_C_REQ_UD2		0x5B
#define MBUS_C_RSP_UD		0x08
#define MBUS_C_PRM		0x40
#define MBUS_C_FCB		0x20	/* master: frame count bit */
#define MBUS_C_FCV		0x10	/* master: FCB valid */
#define MBUS_C_ACD		0x20	/* slave: access demand */
#define MBUS_C_DFC		0x10	/* slave: data flow control */

/* A field. */
#define MBUS_ADDR_UNCONFIGURED	0
#define MBUS_ADDR_MAX_PRIMARY	250
#define MBUS_ADDR_SELECTED	0xFD	/* network layer: the selected slave */
#define MBUS_ADDR_BROADCAST	0xFE	/* all slaves answer (test only) */
#define MBUS_ADDR_BROADCAST_NR	0xFF	/* all slaves, nobody answers */

enum mbus_frame_type {
	MBUS_FRAME_ACK,
	MBUS_FRAME_SHORT,
	MBUS_FRAME_CONTROL,
	MBUS_FRAME_LONG,
};

struct mbus_frame {
	enum mbus_frame_type type;
	uint8_t c;
	uint8_t a;
	uint8_t ci;		/* control and long frames */
	const uint8_t *data;	/* long frames: bytes after CI */
	size_t data_len;
	size_t data_pos;	/* offset of data[0] in the frame */
};

/*
 * Parse one frame at the start of @buf. Returns the frame's length in
 * bytes (trailing bytes are left to the caller), -ENODATA if @buf ends
 * before the frame does, -EBADMSG for a malformed frame; @err says where.
 */
int mbus_frame_parse(const uint8_t *buf, size_t len, struct mbus_frame *f,
		     struct mbus_error *err);

/*
 * Write @f as a frame. Returns the length, -ENOSPC if @size is too small,
 * -EINVAL if the data do not fit a long frame or a control frame has data.
 */
int mbus_frame_build(uint8_t *out, size_t size, const struct mbus_frame *f);

int mbus_frame_build_ack(uint8_t *out, size_t size);
int mbus_frame_build_short(uint8_t *out, size_t size, uint8_t c, uint8_t a);
int mbus_frame_build_long(uint8_t *out, size_t size, uint8_t c, uint8_t a,
			  uint8_t ci, const uint8_t *data, size_t len);

/* Arithmetic sum modulo 256, as used for the CS byte. */
uint8_t mbus_checksum(const uint8_t *p, size_t len);

/* Name of a C field ("SND_NKE", "REQ_UD2", "RSP_UD", ...) or NULL. */
const char *mbus_c_name(uint8_t c);

/*
 * Frame count bit handling for a master (EN 13757-2 5.4): the FCB of
 * SND_UD / REQ_UD2 toggles after each successful exchange and is
 * repeated unchanged when a request is retried after a timeout. SND_NKE
 * resets the slave's expectation, so the next request uses FCB = 1.
 */
struct mbus_fcb {
	bool fcb;
};

static inline void mbus_fcb_reset(struct mbus_fcb *s)
{
	s->fcb = true;
}

/* C field for a request with FCV set and the current FCB. */
static inline uint8_t mbus_fcb_c(const struct mbus_fcb *s, uint8_t c)
{
	c = (uint8_t)((c & ~MBUS_C_FCB) | MBUS_C_FCV);
	return s->fcb ? (uint8_t)(c | MBUS_C_FCB) : c;
}

/* Call after a valid reply; not after a timeout. */
static inline void mbus_fcb_done(struct mbus_fcb *s)
{
	s->fcb = !s->fcb;
}

#endif
