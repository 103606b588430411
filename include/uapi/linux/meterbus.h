/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/mbus.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_MBUS_H
#define _UAPI_LINUX_MBUS_H

#define MBUS_FAMILY_NAME	"mbus"
#define MBUS_FAMILY_VERSION	1

#define MBUS_FRAME_MAX		261
#define MBUS_BAUD_MIN		300
#define MBUS_BAUD_MAX		38400
#define MBUS_TIMEOUT_EXTRA_MAX	10000

/**
 * enum mbus_role - Role of the card's transceiver on the bus.
 * @MBUS_ROLE_MASTER: The card powers the bus and queries meters.
 * @MBUS_ROLE_SLAVE: The card is a meter on a bus powered by an external
 *   master.
 */
enum mbus_role {
	MBUS_ROLE_MASTER,
	MBUS_ROLE_SLAVE,
};

/**
 * enum mbus_direction
 * @MBUS_DIRECTION_TX: Frame sent by this interface.
 * @MBUS_DIRECTION_RX: Frame received from the wire.
 */
enum mbus_direction {
	MBUS_DIRECTION_TX,
	MBUS_DIRECTION_RX,
};

/**
 * enum mbus_result - Outcome of a transfer, or the verdict on a received
 *   frame.
 * @MBUS_RESULT_OK: A complete valid frame (or the single character E5h).
 * @MBUS_RESULT_TIMEOUT: No reply within 330 bit times + 50 ms + the extra
 *   timeout.
 * @MBUS_RESULT_COLLISION: Overlapping or garbled answers: bytes that do not
 *   start a frame, or more bytes after a complete frame.
 * @MBUS_RESULT_BAD_CHECKSUM: Frame structure right, checksum wrong.
 * @MBUS_RESULT_BAD_LENGTH: The two L fields of a long or control frame differ,
 *   L is below 3, or the second start byte is missing.
 * @MBUS_RESULT_BAD_STOP: The byte after the checksum is not the stop byte 16h.
 * @MBUS_RESULT_INCOMPLETE: The reply stopped in the middle of a frame.
 * @MBUS_RESULT_GARBAGE: Monitor only, bytes that do not start a frame.
 * @MBUS_RESULT_OVER_CURRENT: The bus supply tripped on over-current during the
 *   transfer.
 * @MBUS_RESULT_POWER_FAULT: The bus supply went away during the transfer.
 */
enum mbus_result {
	MBUS_RESULT_OK,
	MBUS_RESULT_TIMEOUT,
	MBUS_RESULT_COLLISION,
	MBUS_RESULT_BAD_CHECKSUM,
	MBUS_RESULT_BAD_LENGTH,
	MBUS_RESULT_BAD_STOP,
	MBUS_RESULT_INCOMPLETE,
	MBUS_RESULT_GARBAGE,
	MBUS_RESULT_OVER_CURRENT,
	MBUS_RESULT_POWER_FAULT,
};

/**
 * enum mbus_event - Kind of a bus-ntf notification.
 * @MBUS_EVENT_NEW: An interface appeared.
 * @MBUS_EVENT_DEL: An interface is going away.
 * @MBUS_EVENT_OVER_CURRENT: The master supply tripped; the bus is off.
 * @MBUS_EVENT_POWER_FAULT: The master supply went off by itself (e.g. battery
 *   operation).
 * @MBUS_EVENT_POWER: The supply was switched on or off by a bus-set.
 * @MBUS_EVENT_ROLE: The role changed.
 * @MBUS_EVENT_BAUD: The baud rate changed.
 */
enum mbus_event {
	MBUS_EVENT_NEW,
	MBUS_EVENT_DEL,
	MBUS_EVENT_OVER_CURRENT,
	MBUS_EVENT_POWER_FAULT,
	MBUS_EVENT_POWER,
	MBUS_EVENT_ROLE,
	MBUS_EVENT_BAUD,
};

enum {
	MBUS_A_STATS_PAD = 1,
	MBUS_A_STATS_FRAMES_TX,
	MBUS_A_STATS_FRAMES_RX,
	MBUS_A_STATS_TIMEOUTS,
	MBUS_A_STATS_COLLISIONS,
	MBUS_A_STATS_BAD_FRAMES,

	__MBUS_A_STATS_MAX,
	MBUS_A_STATS_MAX = (__MBUS_A_STATS_MAX - 1)
};

enum {
	MBUS_A_BUS_PAD = 1,
	MBUS_A_BUS_ID,
	MBUS_A_BUS_NAME,
	MBUS_A_BUS_PARENT,
	MBUS_A_BUS_ROLE,
	MBUS_A_BUS_BAUD,
	MBUS_A_BUS_POWER,
	MBUS_A_BUS_OVER_CURRENT,
	MBUS_A_BUS_BATTERY,
	MBUS_A_BUS_VOLTAGE,
	MBUS_A_BUS_STATS,
	MBUS_A_BUS_EVENT,

	__MBUS_A_BUS_MAX,
	MBUS_A_BUS_MAX = (__MBUS_A_BUS_MAX - 1)
};

enum {
	MBUS_A_XFER_PAD = 1,
	MBUS_A_XFER_ID,
	MBUS_A_XFER_FRAME,
	MBUS_A_XFER_TIMEOUT_EXTRA,
	MBUS_A_XFER_NO_REPLY,
	MBUS_A_XFER_RESULT,
	MBUS_A_XFER_REPLY,
	MBUS_A_XFER_RAW,
	MBUS_A_XFER_LATENCY,
	MBUS_A_XFER_ELAPSED,

	__MBUS_A_XFER_MAX,
	MBUS_A_XFER_MAX = (__MBUS_A_XFER_MAX - 1)
};

enum {
	MBUS_A_MONITOR_PAD = 1,
	MBUS_A_MONITOR_ID,
	MBUS_A_MONITOR_DIRECTION,
	MBUS_A_MONITOR_TIMESTAMP,
	MBUS_A_MONITOR_FRAME,
	MBUS_A_MONITOR_RESULT,

	__MBUS_A_MONITOR_MAX,
	MBUS_A_MONITOR_MAX = (__MBUS_A_MONITOR_MAX - 1)
};

enum {
	MBUS_A_SLAVE_PAD = 1,
	MBUS_A_SLAVE_ID,
	MBUS_A_SLAVE_SEQ,
	MBUS_A_SLAVE_FRAME,
	MBUS_A_SLAVE_TIMESTAMP,
	MBUS_A_SLAVE_WINDOW,

	__MBUS_A_SLAVE_MAX,
	MBUS_A_SLAVE_MAX = (__MBUS_A_SLAVE_MAX - 1)
};

enum {
	MBUS_CMD_BUS_GET = 1,
	MBUS_CMD_BUS_SET,
	MBUS_CMD_XFER,
	MBUS_CMD_SLAVE_LISTEN,
	MBUS_CMD_SLAVE_REPLY,
	MBUS_CMD_SLAVE_FRAME,
	MBUS_CMD_BUS_NTF,
	MBUS_CMD_MONITOR_NTF,

	__MBUS_CMD_MAX,
	MBUS_CMD_MAX = (__MBUS_CMD_MAX - 1)
};

#define MBUS_MCGRP_EVENTS	"events"
#define MBUS_MCGRP_MONITOR	"monitor"

#endif /* _UAPI_LINUX_MBUS_H */
