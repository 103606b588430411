/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Master-side procedures of EN 13757-2/-3 above single transactions:
 * retries with the same FCB, reading a meter (multi-telegram), primary
 * scan, secondary wildcard search, addressing commands.
 *
 * They talk through struct mbus_link, a transaction callback: in the
 * tools it wraps mbus_nl_xfer() (the kernel's link layer), in the unit
 * tests an in-process bus of emulated meters (mbus_meterset.h). No I/O
 * and no global state here.
 */
#ifndef SMCARD_MBUS_SCAN_H
#define SMCARD_MBUS_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbus_addr.h"
#include "mbus_frame.h"

/* Outcome of one transaction: MBUS_RESULT_* of <linux/meterbus.h>. */
struct mbus_reply {
	uint32_t result;
	uint8_t buf[MBUS_MAX_FRAME];	/* the reply frame if ok, else raw bytes */
	size_t len;
	uint32_t latency_us;
};

/* Traffic of a link, for the wire-time figures of the benchmarks. */
struct mbus_link_stats {
	unsigned long requests;
	unsigned long replies;	/* transactions that got bytes back */
	unsigned long timeouts;
	unsigned long damaged;	/* collision, bad frame */
	unsigned long bytes_tx;
	unsigned long bytes_rx;
};

struct mbus_link {
	/*
	 * One transaction: send @req, fill @r. Returns 0 (r->result says
	 * what came back) or a negative errno when nothing went on the wire;
	 * the transport keeps the message.
	 */
	int (*xfer)(void *ctx, const uint8_t *req, size_t len, bool no_reply,
		    struct mbus_reply *r);
	void *ctx;
	/* Repeats of a request that should be answered (read, commands). */
	unsigned int retries;
	/* Repeats of a scan probe that timed out (absent address). */
	unsigned int probe_retries;
	struct mbus_link_stats stats;
	/* set by the procedures below: what failed, for the caller */
	char msg[160];
};

/* One transaction, counted in l->stats. */
int mbus_link_xfer(struct mbus_link *l, const uint8_t *req, size_t len,
		   bool no_reply, struct mbus_reply *r);

/*
 * The same request again (with the same FCB) while it times out or the
 * reply is damaged, up to @retries repeats. Returns 0 with r->result of
 * the last attempt, or a negative errno from the transport.
 */
int mbus_link_request(struct mbus_link *l, const uint8_t *req, size_t len,
		      unsigned int retries, struct mbus_reply *r);

/* A meter given by primary or secondary address (wildcards allowed). */
struct mbus_target {
	bool secondary;
	uint8_t primary;
	struct mbus_secaddr sa;
};

/*
 * "5", "250", or 16 hex digits of a secondary address (shorter: padded
 * with wildcards, see mbus_secaddr_parse()). Returns 0 or -EINVAL.
 */
int mbus_target_parse(const char *s, struct mbus_target *t);
void mbus_target_format(const struct mbus_target *t, char *out, size_t size);

/*
 * Address the target: SND_NKE for a primary address; for a secondary one
 * SND_NKE to 0xFD (deselect whoever is selected), then the selection.
 * *@a gets the address to use afterwards (primary or 0xFD). Returns 0,
 * -ENOENT when nobody answers, or a transport error.
 */
int mbus_target_open(struct mbus_link *l, const struct mbus_target *t,
		     uint8_t *a);

/* Secondary address from the header of an RSP_UD (CI 0x72/0x76). */
bool mbus_reply_secaddr(const uint8_t *frame, size_t len,
			struct mbus_secaddr *sa, uint8_t *a_field);

/*
 * Read a meter: REQ_UD2 with FCV set, the FCB toggled after each valid
 * RSP_UD and kept when a request is repeated after a timeout or a
 * damaged reply; follows DIF 0x1F up to @max telegrams. @fn gets each
 * RSP_UD frame (return non-zero to stop). Returns the number of
 * telegrams, or -ETIMEDOUT / -EIO (collision, not an RSP_UD) /
 * -ENOENT (target absent) / a transport error; l->msg says which.
 */
int mbus_read(struct mbus_link *l, const struct mbus_target *t,
	      unsigned int max,
	      int (*fn)(void *arg, const uint8_t *frame, size_t len),
	      void *arg);

/* SND_UD helpers; each expects E5 from the target. */
int mbus_set_primary(struct mbus_link *l, const struct mbus_target *t,
		     uint8_t new_addr);
int mbus_set_baud(struct mbus_link *l, const struct mbus_target *t,
		  unsigned int baud);
int mbus_app_reset(struct mbus_link *l, const struct mbus_target *t);
int mbus_link_reset(struct mbus_link *l, const struct mbus_target *t);

/* What a scan found. */
struct mbus_found {
	uint8_t primary;	/* the probed address, or the reply's A field */
	bool has_secaddr;
	struct mbus_secaddr sa;
	/* several meters answered and could not be told apart: same
	 * primary address, or (secondary search) the same secondary address */
	bool collision;
	uint8_t frame[MBUS_MAX_FRAME];	/* the RSP_UD that identified it */
	size_t frame_len;
};

struct mbus_scan_progress {
	bool secondary;
	unsigned int address;	/* primary scan: address being probed */
	struct mbus_secaddr pattern;	/* secondary: pattern being probed */
	unsigned int level;	/* secondary: 0..7 ID digits, 8.. fields */
	unsigned long probes;
	unsigned int found;
	unsigned int notes;	/* limits the search kept to (opts.note) */
};

struct mbus_scan_opts {
	unsigned int first, last;	/* primary scan range (0..250) */
	bool read_id;		/* primary: REQ_UD2 each address found */
	/*
	 * Secondary: keep searching a manufacturer/version/medium field after
	 * the meters found explain the collided reply (see mbus_scan.c).
	 */
	bool exhaustive;
	int (*found)(void *arg, const struct mbus_found *f);
	void (*progress)(void *arg, const struct mbus_scan_progress *p);
	/* secondary: a limit the search kept to, as a sentence */
	void (*note)(void *arg, const char *text);
	void *arg;
};

/*
 * Primary scan: SND_NKE to each address (E5: present), then REQ_UD2 to
 * learn its secondary address. Returns the number found or an error.
 */
int mbus_scan_primary(struct mbus_link *l, const struct mbus_scan_opts *o);

/*
 * Secondary search under @pattern (MBUS_SECADDR_WILDCARD: everything):
 * selection with wildcards, E5 means at least one match, then REQ_UD2 to
 * 0xFD tells one meter (a valid RSP_UD) from several (a damaged reply,
 * the wired-AND of their answers). Several: recurse on the next ID digit
 * (0..9, then A..E), then manufacturer, version and medium, guided by
 * the AND when the collided answers are one (meters that started
 * together). Meters that answer after delays of their own give garbage:
 * then medium (likely media first, the assigned codes), manufacturer
 * (known codes; all 26^3 only when exhaustive, else a note says what was
 * left out) and version (all). Returns the number found or an error.
 */
int mbus_scan_secondary(struct mbus_link *l, const struct mbus_secaddr *pattern,
			const struct mbus_scan_opts *o);

#endif
