/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A slave's side of EN 13757-2/-3: given one received frame, produce the
 * reply bytes. Used by the meter emulator and by the daemon's slave
 * responder; holds no I/O, no timing and no global state.
 *
 *   SND_NKE                   -> E5; restarts FCB tracking and the
 *                                 multi-telegram sequence; to address
 *                                 0xFD it also deselects
 *   REQ_UD2                   -> RSP_UD (CI 0x72, long header); with FCV
 *                                 set and the FCB unchanged since the last
 *                                 REQ_UD2, the previous telegram again;
 *                                 otherwise the next telegram of a
 *                                 multi-telegram answer
 *   REQ_UD1                   -> E5 (no class 1 data)
 *   SND_UD CI 0x52 to 0xFD    -> select (E5) or deselect (silence) by
 *                                 secondary address with wildcards
 *   SND_UD CI 0x51            -> E5; VIF 0x7A sets the primary address,
 *                                 VIF 0x79 (BCD8) the identification number
 *   SND_UD CI 0x50            -> E5, application reset
 *   SND_UD CI 0xB8..0xBF      -> E5, then the caller switches baud rate
 *   other SND_UD              -> E5
 * Address 0xFE is answered, 0xFF is executed silently, 0xFD is ours only
 * while selected. Frames that fail validation get no reply.
 */
#ifndef SMCARD_MBUS_METER_H
#define SMCARD_MBUS_METER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbus_addr.h"
#include "mbus_build.h"
#include "mbus_frame.h"

/* Bits of the events reported by mbus_meter_handle(). */
#define MBUS_METER_EV_ADDRESS	0x01	/* primary address changed */
#define MBUS_METER_EV_ID	0x02	/* identification number changed */
#define MBUS_METER_EV_BAUD	0x04	/* switch to m->baud after replying */
#define MBUS_METER_EV_RESET	0x08	/* application reset */
#define MBUS_METER_EV_SELECT	0x10	/* selection state changed */
#define MBUS_METER_EV_READ	0x20	/* a new RSP_UD was produced */

struct mbus_meter {
	/* configuration, set by the owner */
	uint8_t primary;
	struct mbus_secaddr addr;
	uint8_t status;
	uint16_t signature;
	const struct mbus_record_spec *records;	/* owned by the caller */
	size_t n_records;

	/* protocol state */
	bool selected;
	bool fcb_valid;		/* last REQ_UD2 had FCV set */
	bool last_fcb;
	uint8_t access_number;
	size_t tele_start;	/* first record of the last telegram */
	size_t tele_next;	/* first record of the next telegram */
	unsigned int baud;	/* after MBUS_METER_EV_BAUD */
	uint8_t last[MBUS_MAX_FRAME];
	size_t last_len;
};

/* Reset the protocol state (as after power-up); configuration stays. */
void mbus_meter_reset(struct mbus_meter *m);

/*
 * Handle the frame @req (exactly one frame). Returns the reply length
 * (0: stay silent) or a negative errno from building the reply
 * (-ENOSPC, -EMSGSIZE, ...). *@events (may be NULL) gets MBUS_METER_EV_*.
 */
int mbus_meter_handle(struct mbus_meter *m, const uint8_t *req, size_t len,
		      uint8_t *reply, size_t size, unsigned int *events);

#endif
