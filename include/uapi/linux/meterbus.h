/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/meterbus.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_METERBUS_H
#define _UAPI_LINUX_METERBUS_H

#define METERBUS_FAMILY_NAME	"meterbus"
#define METERBUS_FAMILY_VERSION	1

#define METERBUS_FRAME_MAX		261
#define METERBUS_BAUD_MIN		300
#define METERBUS_BAUD_MAX		38400
#define METERBUS_NAME_MAX_LEN		15
#define METERBUS_TIMEOUT_EXTRA_MAX	10000

/**
 * enum meterbus_role - Role of the card's transceiver on the bus.
 * @METERBUS_ROLE_MASTER: The card powers the bus and queries meters.
 * @METERBUS_ROLE_SLAVE: The card is a meter on a bus powered by an external
 *   master.
 */
enum meterbus_role {
	METERBUS_ROLE_MASTER,
	METERBUS_ROLE_SLAVE,
};

/**
 * enum meterbus_direction
 * @METERBUS_DIRECTION_TX: Frame sent by this interface.
 * @METERBUS_DIRECTION_RX: Frame received from the wire.
 */
enum meterbus_direction {
	METERBUS_DIRECTION_TX,
	METERBUS_DIRECTION_RX,
};

/**
 * enum meterbus_result - Outcome of a transfer, or the verdict on a received
 *   frame.
 * @METERBUS_RESULT_OK: A complete valid frame (or the single character E5h).
 * @METERBUS_RESULT_TIMEOUT: No reply within 330 bit times + 50 ms + the extra
 *   timeout.
 * @METERBUS_RESULT_COLLISION: Overlapping or garbled answers: bytes that do
 *   not start a frame, or more bytes after a complete frame.
 * @METERBUS_RESULT_BAD_CHECKSUM: Frame structure right, checksum wrong.
 * @METERBUS_RESULT_BAD_LENGTH: The two L fields of a long or control frame
 *   differ, L is below 3, or the second start byte is missing.
 * @METERBUS_RESULT_BAD_STOP: The byte after the checksum is not the stop byte
 *   16h.
 * @METERBUS_RESULT_INCOMPLETE: The reply stopped in the middle of a frame.
 * @METERBUS_RESULT_GARBAGE: Monitor only, bytes that do not start a frame.
 * @METERBUS_RESULT_OVER_CURRENT: The bus supply tripped on over-current during
 *   the transfer.
 * @METERBUS_RESULT_POWER_FAULT: The bus supply went away during the transfer.
 */
enum meterbus_result {
	METERBUS_RESULT_OK,
	METERBUS_RESULT_TIMEOUT,
	METERBUS_RESULT_COLLISION,
	METERBUS_RESULT_BAD_CHECKSUM,
	METERBUS_RESULT_BAD_LENGTH,
	METERBUS_RESULT_BAD_STOP,
	METERBUS_RESULT_INCOMPLETE,
	METERBUS_RESULT_GARBAGE,
	METERBUS_RESULT_OVER_CURRENT,
	METERBUS_RESULT_POWER_FAULT,
};

/**
 * enum meterbus_event - Kind of a bus-ntf notification.
 * @METERBUS_EVENT_NEW: An interface appeared.
 * @METERBUS_EVENT_DEL: An interface is going away.
 * @METERBUS_EVENT_OVER_CURRENT: The master supply tripped; the bus is off.
 * @METERBUS_EVENT_POWER_FAULT: The master supply went off by itself (e.g.
 *   battery operation).
 * @METERBUS_EVENT_POWER: The supply was switched on or off by a bus-set.
 * @METERBUS_EVENT_ROLE: The role changed.
 * @METERBUS_EVENT_BAUD: The baud rate changed.
 */
enum meterbus_event {
	METERBUS_EVENT_NEW,
	METERBUS_EVENT_DEL,
	METERBUS_EVENT_OVER_CURRENT,
	METERBUS_EVENT_POWER_FAULT,
	METERBUS_EVENT_POWER,
	METERBUS_EVENT_ROLE,
	METERBUS_EVENT_BAUD,
};

enum {
	METERBUS_A_STATS_FRAMES_TX = 1,
	METERBUS_A_STATS_FRAMES_RX,
	METERBUS_A_STATS_TIMEOUTS,
	METERBUS_A_STATS_COLLISIONS,
	METERBUS_A_STATS_BAD_FRAMES,

	__METERBUS_A_STATS_MAX,
	METERBUS_A_STATS_MAX = (__METERBUS_A_STATS_MAX - 1)
};

enum {
	METERBUS_A_BUS_ID = 1,
	METERBUS_A_BUS_NAME,
	METERBUS_A_BUS_PARENT,
	METERBUS_A_BUS_ROLE,
	METERBUS_A_BUS_BAUD,
	METERBUS_A_BUS_POWER,
	METERBUS_A_BUS_OVER_CURRENT,
	METERBUS_A_BUS_BATTERY,
	METERBUS_A_BUS_VOLTAGE,
	METERBUS_A_BUS_STATS,
	METERBUS_A_BUS_EVENT,
	METERBUS_A_BUS_SUPPLY_VOLTAGE,
	METERBUS_A_BUS_UNIT_LOADS,
	METERBUS_A_BUS_CURRENT_LIMIT,
	METERBUS_A_BUS_CURRENT,

	__METERBUS_A_BUS_MAX,
	METERBUS_A_BUS_MAX = (__METERBUS_A_BUS_MAX - 1)
};

enum {
	METERBUS_A_XFER_ID = 1,
	METERBUS_A_XFER_FRAME,
	METERBUS_A_XFER_TIMEOUT_EXTRA,
	METERBUS_A_XFER_NO_REPLY,
	METERBUS_A_XFER_RESULT,
	METERBUS_A_XFER_REPLY,
	METERBUS_A_XFER_RAW,
	METERBUS_A_XFER_LATENCY,
	METERBUS_A_XFER_ELAPSED,

	__METERBUS_A_XFER_MAX,
	METERBUS_A_XFER_MAX = (__METERBUS_A_XFER_MAX - 1)
};

enum {
	METERBUS_A_MONITOR_ID = 1,
	METERBUS_A_MONITOR_DIRECTION,
	METERBUS_A_MONITOR_TIMESTAMP,
	METERBUS_A_MONITOR_FRAME,
	METERBUS_A_MONITOR_RESULT,

	__METERBUS_A_MONITOR_MAX,
	METERBUS_A_MONITOR_MAX = (__METERBUS_A_MONITOR_MAX - 1)
};

enum {
	METERBUS_A_SLAVE_ID = 1,
	METERBUS_A_SLAVE_SEQ,
	METERBUS_A_SLAVE_FRAME,
	METERBUS_A_SLAVE_TIMESTAMP,
	METERBUS_A_SLAVE_WINDOW,

	__METERBUS_A_SLAVE_MAX,
	METERBUS_A_SLAVE_MAX = (__METERBUS_A_SLAVE_MAX - 1)
};

enum {
	METERBUS_CMD_BUS_GET = 1,
	METERBUS_CMD_BUS_SET,
	METERBUS_CMD_XFER,
	METERBUS_CMD_SLAVE_LISTEN,
	METERBUS_CMD_SLAVE_REPLY,
	METERBUS_CMD_SLAVE_FRAME,
	METERBUS_CMD_BUS_NTF,
	METERBUS_CMD_MONITOR_NTF,

	__METERBUS_CMD_MAX,
	METERBUS_CMD_MAX = (__METERBUS_CMD_MAX - 1)
};

#define METERBUS_MCGRP_EVENTS	"events"
#define METERBUS_MCGRP_MONITOR	"monitor"

#endif /* _UAPI_LINUX_METERBUS_H */
