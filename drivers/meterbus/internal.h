/* SPDX-License-Identifier: GPL-2.0 */
/* Private to the mbus core: bus state shared by core.c and genl.c. */
#ifndef __METERBUS_INTERNAL_H
#define __METERBUS_INTERNAL_H

#include <linux/device.h>
#include <linux/ktime.h>
#include <linux/meterbus.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/wait.h>

struct net;

struct meterbus_stats {
	u64 frames_tx;
	u64 frames_rx;
	u64 timeouts;
	u64 collisions;
	u64 bad_frames;
};

/**
 * struct meterbus_xfer - one master transaction
 * @frame: request frame
 * @len: its length
 * @extra_ms: added to the reply window
 * @no_reply: do not wait for a reply
 * @result: METERBUS_RESULT_* of the reply
 * @reply: the reply frame if @result is ok
 * @reply_len: its length
 * @raw: bytes received, if @result is not ok
 * @raw_len: their number
 * @latency_us: end of the request to the end of the first reply character
 * @elapsed_us: end of the request to the end of the transaction
 *
 * The fields below are private to the core and change under state_lock.
 * @sent: the request is counted and shown to monitors (by the first reply
 *	byte if that comes before the line driver's write() returns)
 * @settled: a first frame or garbage run ended; waiting for a quiet line
 * @fault: METERBUS_RESULT_OVER_CURRENT/POWER_FAULT, or METERBUS_RESULT_OK
 * @end: end of the request's last stop bit
 * @first: arrival of the first reply byte
 * @last: arrival of the latest reply byte
 */
struct meterbus_xfer {
	const u8 *frame;
	size_t len;
	u32 extra_ms;
	bool no_reply;
	int result;
	u8 reply[METERBUS_FRAME_MAX];
	unsigned int reply_len;
	u8 raw[METERBUS_FRAME_MAX];
	unsigned int raw_len;
	u32 latency_us;
	u32 elapsed_us;

	bool sent;
	bool settled;
	int fault;
	ktime_t end;
	ktime_t first;
	ktime_t last;
};

/**
 * struct meterbus_bus - one M-Bus interface
 * @dev: the mbusN device
 * @id: N
 * @ops: the line driver's operations
 * @priv: the line driver's data
 * @lock: serializes transfers, settings and slave replies (the line)
 * @ops_rwsem: held for reading around calls of @ops, for writing once by
 *	meterbus_bus_unregister() to wait for them
 * @state_lock: protects everything below; taken by the receive path
 * @dead: the line driver is gone; set with both @state_lock and
 *	@ops_rwsem
 * @baud: line speed
 * @role: master or slave
 * @power: master supply on
 * @over_current: tripped since the supply was last switched on
 * @stats: counters
 * @supply: the bus supply at the last measurement
 * @measured: the line driver has measured the supply
 * @measured_at: jiffies of the last measurement
 * @parser: assembler of the received byte stream
 * @xfer: the transaction in flight, or NULL
 * @rx_last: arrival of the latest received chunk
 * @rx_events: bumped on every received chunk or fault, wakes @wq
 * @wq: transaction waits here
 * @listener: netlink port of the slave-role listener, 0 for none
 * @slave_seq: number of the latest request delivered to the listener
 * @slave_open: the latest request has not been answered yet
 * @slave_end: arrival of the latest request's last byte
 */
struct meterbus_bus {
	struct device dev;
	u32 id;
	const struct meterbus_bus_ops *ops;
	void *priv;
	struct mutex lock;		/* the line */
	struct rw_semaphore ops_rwsem;

	struct mutex state_lock;	/* the state below */
	bool dead;
	u32 baud;
	enum meterbus_role role;
	bool power;
	bool over_current;
	struct meterbus_stats stats;
	struct meterbus_supply supply;
	bool measured;
	unsigned long measured_at;
	struct meterbus_parser parser;
	struct meterbus_xfer *xfer;
	ktime_t rx_last;
	u64 rx_events;
	wait_queue_head_t wq;
	u32 listener;
	u32 slave_seq;
	bool slave_open;
	ktime_t slave_end;
};

/* EN 13757-2 reply window: 330 bit times + 50 ms */
static inline u64 meterbus_bits_ns(const struct meterbus_bus *bus, unsigned int bits)
{
	return div_u64((u64)bits * NSEC_PER_SEC, bus->baud);
}

static inline u64 meterbus_window_ns(const struct meterbus_bus *bus)
{
	return meterbus_bits_ns(bus, 330) + 50 * NSEC_PER_MSEC;
}

/* core.c */
void meterbus_bus_remeasure(struct meterbus_bus *bus);
struct meterbus_bus *meterbus_bus_find(u32 id, const char *name);
struct meterbus_bus *meterbus_bus_next(unsigned long *index);
int meterbus_bus_transfer(struct meterbus_bus *bus, struct meterbus_xfer *x);
int meterbus_bus_set(struct meterbus_bus *bus, const u32 *baud, const bool *power,
		     const enum meterbus_role *role, struct netlink_ext_ack *extack);
int meterbus_bus_slave_listen(struct meterbus_bus *bus, u32 portid,
			      struct netlink_ext_ack *extack);
int meterbus_bus_slave_reply(struct meterbus_bus *bus, u32 seq, const u8 *frame,
			     size_t len, struct netlink_ext_ack *extack);
void meterbus_slave_request(struct meterbus_bus *bus, ktime_t end);
void meterbus_release_port(struct net *net, u32 portid);
void meterbus_rx_event(struct meterbus_bus *bus, int res, ktime_t now);
void meterbus_xfer_sent(struct meterbus_bus *bus, struct meterbus_xfer *x);

/* genl.c */
int meterbus_nl_init(void);
void meterbus_nl_exit(void);
void meterbus_nl_bus_event(struct meterbus_bus *bus, enum meterbus_event event);
void meterbus_nl_monitor(struct meterbus_bus *bus, enum meterbus_direction dir,
			 const u8 *data, size_t len, int result);
int meterbus_nl_slave_frame(struct meterbus_bus *bus, u32 portid, const u8 *frame,
			    size_t len, u32 window_us);

#endif /* __METERBUS_INTERNAL_H */
