/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Meter-Bus (EN 13757-2) link layer: the interface between the mbus core
 * and the line drivers that register a bus, and the frame assembler.
 */
#ifndef __LINUX_METERBUS_H
#define __LINUX_METERBUS_H

#include <linux/types.h>
#include <uapi/linux/meterbus.h>

struct device;
struct meterbus_bus;
struct netlink_ext_ack;

/* Link-layer frame bytes */
#define METERBUS_ACK		0xe5
#define METERBUS_START_SHORT	0x10
#define METERBUS_START_LONG		0x68
#define METERBUS_STOP		0x16
#define METERBUS_SHORT_LEN		5
#define METERBUS_LONG_OVERHEAD	6	/* 68 L L 68 ... CS 16 */
#define METERBUS_L_MIN		3	/* C, A, CI */

/* meterbus_parser_feed() consumed everything without finishing a frame */
#define METERBUS_PARSE_MORE		(-1)

/**
 * struct meterbus_parser - frame assembler for a received byte stream
 * @buf: the frame (or garbage run) being collected; after an event it
 *	holds that frame's bytes until the next feed or flush
 * @len: bytes in @buf
 * @want: total length of the frame being collected, 0 while unknown
 * @garbage: @buf collects bytes that cannot start a frame
 * @done: @buf holds a finished event
 */
struct meterbus_parser {
	u8 buf[METERBUS_FRAME_MAX];
	unsigned int len;
	unsigned int want;
	bool garbage;
	bool done;
};

void meterbus_parser_reset(struct meterbus_parser *p);
size_t meterbus_parser_feed(struct meterbus_parser *p, const u8 *data, size_t len,
			    int *res);
int meterbus_parser_flush(struct meterbus_parser *p);
int meterbus_frame_check(const u8 *frame, size_t len);

/**
 * struct meterbus_supply - the bus supply, as the line driver measured it
 * @battery: the card runs on battery: no master supply is possible
 * @bus_mv: bus voltage in mV
 * @has_budget: the fields below are known
 * @supply_mv: the master's input supply in mV
 * @unit_loads: unit loads (1.5 mA each) that supply can feed, 0 if none
 * @limit_ua: over-current limit of the master supply in uA
 * @bus_ua: current the master supplies to the bus in uA
 */
struct meterbus_supply {
	bool battery;
	u32 bus_mv;
	bool has_budget;
	u32 supply_mv;
	u32 unit_loads;
	u32 limit_ua;
	u32 bus_ua;
};

/**
 * struct meterbus_bus_ops - what a line driver does for the core
 * @write: transmit @len bytes; return once the last stop bit has left
 * @set_baud: switch the line to @baud (8E1)
 * @set_power: switch the master bus supply
 * @set_role: switch the transceiver between master and slave
 * @measure: optional, read the bus supply's state from the hardware
 *
 * The core serializes all calls of one bus. Errors of @set_power and
 * @set_role may carry an extack message. The core calls @measure when the
 * bus registers, after a bus-set, after transfers (at most once a second)
 * and when the line driver asks (meterbus_bus_measure()); bus-get reports
 * the last result, so unprivileged readers never reach the hardware.
 */
struct meterbus_bus_ops {
	int (*write)(struct meterbus_bus *bus, const u8 *buf, size_t len);
	int (*set_baud)(struct meterbus_bus *bus, u32 baud);
	int (*set_power)(struct meterbus_bus *bus, bool on,
			 struct netlink_ext_ack *extack);
	int (*set_role)(struct meterbus_bus *bus, enum meterbus_role role,
			struct netlink_ext_ack *extack);
	int (*measure)(struct meterbus_bus *bus, struct meterbus_supply *s);
};

struct meterbus_bus *meterbus_bus_alloc(struct device *parent,
					const struct meterbus_bus_ops *ops, void *priv);
int meterbus_bus_register(struct meterbus_bus *bus, u32 baud, bool power);
void meterbus_bus_unregister(struct meterbus_bus *bus);
void meterbus_bus_put(struct meterbus_bus *bus);
void *meterbus_bus_priv(struct meterbus_bus *bus);

void meterbus_bus_receive(struct meterbus_bus *bus, const u8 *data, size_t len);
bool meterbus_bus_fault(struct meterbus_bus *bus, enum meterbus_event event);
void meterbus_bus_measure(struct meterbus_bus *bus);

#endif /* __LINUX_METERBUS_H */
