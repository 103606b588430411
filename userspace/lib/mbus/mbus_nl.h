/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Client of the kernel's "meterbus" generic netlink family
 * (Documentation/netlink/specs/meterbus.yaml), built on libnl-genl-3.
 *
 * One struct mbus_nl per user; it holds two sockets (requests, and
 * multicast notifications once subscribed) and the message of the last
 * error, so nothing is global and several handles may live in one
 * process. A handle must not be used by two threads at the same time.
 *
 * Every function that can fail returns 0 (or a count) on success and a
 * negative errno on failure; mbus_nl_errmsg() then says what went wrong,
 * including the kernel's extended ACK message when there is one.
 */
#ifndef SMCARD_MBUS_NL_H
#define SMCARD_MBUS_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/meterbus.h>

struct mbus_nl;

struct mbus_nl_stats {
	uint64_t frames_tx;
	uint64_t frames_rx;
	uint64_t timeouts;
	uint64_t collisions;
	uint64_t bad_frames;
};

struct mbus_nl_bus {
	uint32_t id;
	char name[16];
	char parent[64];
	uint32_t role;		/* enum meterbus_role */
	uint32_t baud;
	bool power;
	bool over_current;
	bool battery;
	bool has_voltage;
	uint32_t voltage_mv;
	/* the master supply's budget, when the hardware measures its input */
	bool has_supply;
	uint32_t supply_mv;		/* input supply (the card's VDC) */
	uint32_t unit_loads;		/* 1.5 mA each; 0: supply too low */
	uint32_t current_limit_ua;	/* over-current limit */
	uint32_t current_ua;		/* what the bus draws */
	struct mbus_nl_stats stats;
};

/* Fields to change with mbus_nl_bus_set(); negative / 0 leaves alone. */
struct mbus_nl_bus_cfg {
	uint32_t baud;		/* 0: unchanged */
	int power;		/* -1: unchanged, 0 off, 1 on */
	int role;		/* -1: unchanged, MBUS_ROLE_* */
};

#define MBUS_NL_BUS_CFG_NONE ((struct mbus_nl_bus_cfg){ 0, -1, -1 })

struct mbus_nl_xfer {
	/* request */
	const uint8_t *frame;
	size_t len;
	uint32_t timeout_extra_ms;
	bool no_reply;
	/* reply */
	uint32_t result;	/* enum meterbus_result */
	uint8_t reply[METERBUS_FRAME_MAX];	/* the frame when result is ok */
	size_t reply_len;
	uint8_t raw[METERBUS_FRAME_MAX];	/* what arrived otherwise */
	size_t raw_len;
	uint32_t latency_us;
};

/* Multicast groups for mbus_nl_subscribe(). */
#define MBUS_NL_GRP_EVENTS	0x1
#define MBUS_NL_GRP_MONITOR	0x2

enum mbus_nl_ntf_kind {
	MBUS_NL_NTF_BUS,	/* bus-ntf: event and bus state */
	MBUS_NL_NTF_MONITOR,	/* monitor-ntf: a frame on the wire */
};

struct mbus_nl_ntf {
	enum mbus_nl_ntf_kind kind;
	uint32_t id;
	/* MBUS_NL_NTF_BUS: bus.{id,name,role,baud,power,over_current} */
	uint32_t event;		/* enum meterbus_event */
	struct mbus_nl_bus bus;
	/* MBUS_NL_NTF_MONITOR */
	uint32_t direction;	/* enum meterbus_direction */
	uint64_t timestamp_ns;	/* CLOCK_REALTIME */
	uint32_t result;	/* enum meterbus_result */
	uint8_t frame[METERBUS_FRAME_MAX];
	size_t frame_len;
};

/*
 * Open a handle. Returns 0, or -ENOENT when the family is not registered
 * (the mbus module is not loaded), or another negative errno; *@nl is
 * then a handle that only carries the message (free it with
 * mbus_nl_close()), or NULL when even that failed (-ENOMEM).
 */
int mbus_nl_open(struct mbus_nl **nl);
void mbus_nl_close(struct mbus_nl *nl);

/* Message of the last failure ("" if none). Valid until the next call. */
const char *mbus_nl_errmsg(const struct mbus_nl *nl);

/* All buses; *@buses is malloc'ed (free() it). Returns the count. */
int mbus_nl_bus_list(struct mbus_nl *nl, struct mbus_nl_bus **buses);

/* One bus by @name, or by @id when @name is NULL. -ENODEV if absent. */
int mbus_nl_bus_get(struct mbus_nl *nl, const char *name, uint32_t id,
		    struct mbus_nl_bus *bus);

/*
 * The bus called @name, or the only bus when @name is NULL (-ENODEV when
 * there is none, -EEXIST when there are several: name one).
 */
int mbus_nl_bus_find(struct mbus_nl *nl, const char *name,
		     struct mbus_nl_bus *bus);

/* bus-set (needs CAP_NET_ADMIN: -EPERM otherwise). */
int mbus_nl_bus_set(struct mbus_nl *nl, uint32_t id,
		    const struct mbus_nl_bus_cfg *cfg);

/*
 * One master transaction. Returns 0 with x->result set (the outcome on
 * the wire), or a negative errno for failures before the wire: -EPERM
 * (no CAP_NET_ADMIN), -ENETDOWN (supply off), -EBUSY (slave role),
 * -ENODEV, -EINVAL (malformed frame), -EINTR.
 */
int mbus_nl_xfer(struct mbus_nl *nl, uint32_t id, struct mbus_nl_xfer *x);

/*
 * Join multicast groups (MBUS_NL_GRP_*). The events group needs no
 * privilege, the monitor group CAP_NET_ADMIN (-EPERM otherwise).
 */
int mbus_nl_subscribe(struct mbus_nl *nl, unsigned int groups);

/* File descriptor to poll() for notifications, after mbus_nl_subscribe(). */
int mbus_nl_ntf_fd(const struct mbus_nl *nl);

/*
 * Wait up to @timeout_ms (-1: forever) for one notification. Returns 1
 * with *@n filled, 0 on timeout, or a negative errno (-EINTR on a signal,
 * -ENOBUFS when the kernel dropped notifications: the socket overran).
 */
int mbus_nl_ntf_recv(struct mbus_nl *nl, struct mbus_nl_ntf *n,
		     int timeout_ms);

/* A request of the external master, for the slave-role listener. */
struct mbus_nl_slave_req {
	uint32_t id;
	uint32_t seq;		/* give it back in mbus_nl_slave_reply() */
	uint64_t timestamp_ns;	/* CLOCK_REALTIME when the kernel sent it */
	uint32_t window_us;	/* time left to reply when it was sent */
	uint8_t frame[METERBUS_FRAME_MAX];
	size_t frame_len;
};

/*
 * slave-listen (CAP_NET_ADMIN): from now on the master's requests on bus
 * @id arrive on a socket of this handle (mbus_nl_slave_fd()) until the
 * handle is closed. -EBUSY when another process listens.
 */
int mbus_nl_slave_listen(struct mbus_nl *nl, uint32_t id);
int mbus_nl_slave_fd(const struct mbus_nl *nl);

/*
 * Wait up to @timeout_ms (-1: forever) for one request. Returns 1 with
 * *@q filled, 0 on timeout, or a negative errno.
 */
int mbus_nl_slave_recv(struct mbus_nl *nl, struct mbus_nl_slave_req *q,
		       int timeout_ms);

/*
 * Answer request @seq with @frame (NULL: stay silent). Returns when the
 * answer has left the wire; -ETIME when the reply window had closed,
 * -ESTALE when @seq is not the open request.
 */
int mbus_nl_slave_reply(struct mbus_nl *nl, uint32_t id, uint32_t seq,
			const uint8_t *frame, size_t len);

/* Names for the uapi enums ("ok", "timeout", ...; "master"; "tx"). */
const char *mbus_nl_result_name(uint32_t result);
const char *mbus_nl_role_name(uint32_t role);
const char *mbus_nl_event_name(uint32_t event);
const char *mbus_nl_direction_name(uint32_t dir);

#endif
