/* SPDX-License-Identifier: GPL-2.0 */
/* smcard-sim: a UART routed to the card and its peer character device */
#ifndef __SMCARD_SIM_UART_H
#define __SMCARD_SIM_UART_H

#include <linux/hrtimer.h>
#include <linux/kfifo.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/serial_core.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

struct gpio_descs;
struct smcard_sim;

/* Bytes the peer has written that are not on the wire yet */
#define SMCARD_SIM_RX_FIFO	4096
/* Bytes off the wire that the peer has not read yet */
#define SMCARD_SIM_PEER_FIFO	16384

/*
 * One direction of the wire: the character being shifted out and when its
 * last stop bit ends. Characters follow each other back to back.
 */
struct smcard_sim_wire {
	struct hrtimer timer;
	ktime_t end;
	u8 ch;
	bool busy;
};

/*
 * Reference counted: an open peer file keeps it alive after the UART is
 * unbound; its operations then fail with -ENODEV.
 */
struct smcard_sim_uart {
	struct kref kref;
	struct uart_port port;
	struct smcard_sim *sim;
	const char *label;
	bool mbus;

	/* Protected by port.lock */
	u64 char_ns;		/* start + data + parity + stop bits */
	unsigned int baud;
	tcflag_t cflag;
	bool started;		/* between startup() and shutdown() */
	bool rx_on;
	/*
	 * Modem lines of the serial UART: RTS and DTR as the tty side sets
	 * them; CTS as the peer drives it (asserted unless it says not),
	 * and held deasserted while the peer's buffer is nearly full.
	 */
	bool modem;		/* the serial UART: CTS is wired */
	unsigned int mctrl;
	bool cts;		/* as the peer asks */
	bool peer_full;
	bool cts_line;		/* on the wire: cts && !peer_full */
	u64 peer_held;		/* times peer_full held the transmitter */
	struct smcard_sim_wire tx;	/* tty -> peer */
	struct smcard_sim_wire rx;	/* peer -> tty */
	DECLARE_KFIFO_PTR(rx_fifo, u8);
	DECLARE_KFIFO_PTR(peer_fifo, u8);
	bool peer_open;
	bool gone;		/* the UART was unbound */
	u64 peer_dropped;	/* the peer did not read fast enough */
	u64 wire_dropped;	/* no bus: M-Bus master with supply off */
	/*
	 * Turnaround on the wire: from the last stop bit the peer sent to
	 * the start bit of the tty side's next transmission after it.
	 */
	ktime_t rx_idle_since;
	bool turn_armed;
	u64 turns;
	u64 turn_min_ns;
	u64 turn_max_ns;

	/*
	 * The reference board passes SER_RS485_ENABLED and MODE_RS422 on to
	 * the slot's transceiver mode lines; they may sleep, so rs485_config()
	 * hands them to a work.
	 */
	struct gpio_descs *rs485_mode;
	struct work_struct rs485_work;

	wait_queue_head_t peer_wq;
	unsigned long peer_busy;	/* bit 0: peer device is open */
	struct miscdevice peer;
	char peer_name[32];
};

struct smcard_sim_uart *smcard_sim_peer_alloc(struct device *dev);
int smcard_sim_peer_register(struct smcard_sim_uart *u);
void smcard_sim_uart_peer_written(struct smcard_sim_uart *u);
void smcard_sim_uart_peer_read(struct smcard_sim_uart *u);

#endif /* __SMCARD_SIM_UART_H */
