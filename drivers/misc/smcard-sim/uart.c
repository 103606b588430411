// SPDX-License-Identifier: GPL-2.0
/*
 * smcard-sim: the UARTs the host routes to the card, on the serial core so
 * that termios, TIOCSRS485 and serdev work as on a SoC UART. The far end of
 * each wire is a character device (peer.c). Characters are paced in both
 * directions at the configured baud rate and frame (start, data, parity and
 * stop bits): a character reaches the other side when its last stop bit
 * ends. The M-Bus UART carries nothing while the card is bus master with
 * the bus supply off.
 */

#include <linux/debugfs.h>
#include <linux/gpio/consumer.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tty.h>
#include <linux/tty_flip.h>

#include "sim.h"
#include "uart.h"

#define SIM_UART_MAX_BAUD	4000000
#define SIM_UART_DEFAULT_BAUD	9600
/* Coalesce fast streams: the wire is advanced at most this often. */
#define SIM_UART_TICK_NS	(500 * NSEC_PER_USEC)
#define SIM_UART_WAKEUP_CHARS	(UART_XMIT_SIZE / 2)
/*
 * The serial UART's peer has RTS/CTS flow control: it deasserts CTS with
 * less room than this in its buffer, and asserts it again once half of
 * the buffer is free.
 */
#define SIM_UART_PEER_HIGH	64

/* The label of a UART node selects its line and its peer's name. */
static const char * const sim_uart_labels[] = { "serial", "mbus", "p1" };

static struct uart_driver sim_uart_driver = {
	.owner = THIS_MODULE,
	.driver_name = "smcard-sim",
	.dev_name = "ttySIM",
	.nr = ARRAY_SIZE(sim_uart_labels),
};

static struct smcard_sim_uart *to_sim_uart(struct uart_port *port)
{
	return container_of(port, struct smcard_sim_uart, port);
}

bool smcard_sim_mbus_live(struct smcard_sim *sim)
{
	return READ_ONCE(sim->mbus_live);
}

static bool sim_uart_wire_live(struct smcard_sim_uart *u)
{
	if (u->mbus && !smcard_sim_mbus_live(u->sim)) {
		u->wire_dropped++;
		return false;
	}
	return true;
}

static ktime_t sim_uart_next_tick(ktime_t end, ktime_t now)
{
	return max(end, ktime_add_ns(now, SIM_UART_TICK_NS));
}

/* Start shifting out the next character at @start. */
static bool sim_uart_tx_next(struct smcard_sim_uart *u, ktime_t start)
{
	struct uart_port *port = &u->port;
	u8 ch;

	lockdep_assert_held(&port->lock);
	if (port->x_char) {
		ch = port->x_char;
		port->x_char = 0;
		port->icount.tx++;
	} else if (uart_tx_stopped(port) || !uart_fifo_get(port, &ch)) {
		return false;
	}
	u->tx.ch = ch;
	u->tx.busy = true;
	u->tx.end = ktime_add_ns(start, u->char_ns);
	return true;
}

/*
 * CTS on the wire: as the peer asks, and deasserted while its buffer is
 * nearly full. With CRTSCTS, the serial core stops the transmitter
 * (stop_tx(): sim_uart_tx_next() starts no more while uart_tx_stopped())
 * or starts it again (start_tx()).
 */
static void sim_uart_cts_update(struct smcard_sim_uart *u)
{
	struct uart_port *port = &u->port;
	bool cts = u->cts && !u->peer_full;

	lockdep_assert_held(&port->lock);
	if (cts == u->cts_line)
		return;
	u->cts_line = cts;
	if (!u->started)
		return;
	uart_handle_cts_change(port, cts);
	wake_up_interruptible(&port->state->port.delta_msr_wait);
}

static void sim_uart_to_peer(struct smcard_sim_uart *u, u8 ch)
{
	if (!sim_uart_wire_live(u) || !u->peer_open)
		return;
	if (!kfifo_put(&u->peer_fifo, ch)) {
		u->peer_dropped++;
		return;
	}
	if (u->modem && !u->peer_full &&
	    kfifo_avail(&u->peer_fifo) < SIM_UART_PEER_HIGH) {
		u->peer_full = true;
		u->peer_held++;
		sim_uart_cts_update(u);
	}
}

/* The peer read from its buffer, or emptied it. */
void smcard_sim_uart_peer_read(struct smcard_sim_uart *u)
{
	lockdep_assert_held(&u->port.lock);
	if (!u->peer_full || u->gone ||
	    kfifo_len(&u->peer_fifo) > SMCARD_SIM_PEER_FIFO / 2)
		return;
	u->peer_full = false;
	sim_uart_cts_update(u);
}

/*
 * Bring the tty -> peer wire up to @now: the characters whose last stop
 * bit has ended by then arrive, each next one starting where the one
 * before it ended, as long as the transmitter may go on.
 */
static void sim_uart_tx_advance(struct smcard_sim_uart *u, ktime_t now)
{
	lockdep_assert_held(&u->port.lock);
	while (u->tx.busy && !ktime_after(u->tx.end, now)) {
		u->tx.busy = false;
		sim_uart_to_peer(u, u->tx.ch);
		sim_uart_tx_next(u, u->tx.end);
	}
}

static enum hrtimer_restart sim_uart_tx_tick(struct hrtimer *timer)
{
	struct smcard_sim_uart *u = container_of(timer, struct smcard_sim_uart,
						 tx.timer);
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	struct uart_port *port = &u->port;
	unsigned long flags;
	ktime_t now;

	uart_port_lock_irqsave(port, &flags);
	now = ktime_get();
	sim_uart_tx_advance(u, now);
	/*
	 * Wake writers while half the buffer is still queued rather than at
	 * WAKEUP_CHARS: a busy guest then refills the transmitter before it
	 * runs dry, so the stream stays back to back.
	 */
	if (kfifo_len(&port->state->port.xmit_fifo) < SIM_UART_WAKEUP_CHARS)
		uart_write_wakeup(port);
	/*
	 * A CTS change may have finished the character in flight while this
	 * tick waited for the lock, and start_tx() armed the timer for the
	 * next one: then it stays as armed.
	 */
	if (u->tx.busy && !hrtimer_is_queued(timer)) {
		hrtimer_set_expires(timer, sim_uart_next_tick(u->tx.end, now));
		ret = HRTIMER_RESTART;
	}
	uart_port_unlock_irqrestore(port, flags);

	wake_up_interruptible(&u->peer_wq);
	return ret;
}

/* Take the next character the peer wrote onto the wire. */
static bool sim_uart_rx_next(struct smcard_sim_uart *u, ktime_t start)
{
	lockdep_assert_held(&u->port.lock);
	if (u->rx.busy || !kfifo_get(&u->rx_fifo, &u->rx.ch))
		return false;
	u->rx.busy = true;
	u->rx.end = ktime_add_ns(start, u->char_ns);
	return true;
}

void smcard_sim_uart_peer_written(struct smcard_sim_uart *u)
{
	if (sim_uart_rx_next(u, ktime_get()))
		hrtimer_start(&u->rx.timer, u->rx.end, HRTIMER_MODE_ABS);
}

static bool sim_uart_to_tty(struct smcard_sim_uart *u, u8 ch)
{
	struct uart_port *port = &u->port;

	if (!sim_uart_wire_live(u) || !u->started || !u->rx_on ||
	    !(u->cflag & CREAD))
		return false;
	if (!tty_insert_flip_char(&port->state->port, ch, TTY_NORMAL)) {
		port->icount.buf_overrun++;
		return false;
	}
	port->icount.rx++;
	return true;
}

static enum hrtimer_restart sim_uart_rx_tick(struct hrtimer *timer)
{
	struct smcard_sim_uart *u = container_of(timer, struct smcard_sim_uart,
						 rx.timer);
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	struct uart_port *port = &u->port;
	unsigned long flags;
	bool push = false;
	ktime_t now;

	uart_port_lock_irqsave(port, &flags);
	now = ktime_get();
	while (u->rx.busy && !ktime_after(u->rx.end, now)) {
		u->rx.busy = false;
		u->rx_idle_since = u->rx.end;
		u->turn_armed = true;
		push |= sim_uart_to_tty(u, u->rx.ch);
		sim_uart_rx_next(u, u->rx.end);
	}
	if (u->rx.busy) {
		hrtimer_set_expires(timer, sim_uart_next_tick(u->rx.end, now));
		ret = HRTIMER_RESTART;
	}
	uart_port_unlock_irqrestore(port, flags);

	if (push)
		tty_flip_buffer_push(&port->state->port);
	wake_up_interruptible(&u->peer_wq);
	return ret;
}

static unsigned int sim_uart_tx_empty(struct uart_port *port)
{
	struct smcard_sim_uart *u = to_sim_uart(port);
	unsigned long flags;
	bool busy;

	uart_port_lock_irqsave(port, &flags);
	busy = u->tx.busy;
	uart_port_unlock_irqrestore(port, flags);
	return busy ? 0 : TIOCSER_TEMT;
}

/*
 * CTS is the peer's (the serial UART's only; the others have no modem
 * lines on the wire and read a ready DCE). DSR and DCD read asserted.
 */
static unsigned int sim_uart_get_mctrl(struct uart_port *port)
{
	struct smcard_sim_uart *u = to_sim_uart(port);

	lockdep_assert_held(&port->lock);
	return (u->cts_line ? TIOCM_CTS : 0) | TIOCM_DSR | TIOCM_CAR;
}

/* RTS and DTR go to the peer, which reads them in debugfs. */
static void sim_uart_set_mctrl(struct uart_port *port, unsigned int mctrl)
{
	struct smcard_sim_uart *u = to_sim_uart(port);

	lockdep_assert_held(&port->lock);
	u->mctrl = mctrl & (TIOCM_RTS | TIOCM_DTR | TIOCM_OUT1 | TIOCM_OUT2 |
			    TIOCM_LOOP);
}

/*
 * The peer drives CTS. The wire is brought up to this moment first, so
 * the character being shifted out when CTS drops is the last one that
 * arrives.
 */
static void sim_uart_set_cts(struct smcard_sim_uart *u, bool cts)
{
	struct uart_port *port = &u->port;
	unsigned long flags;

	uart_port_lock_irqsave(port, &flags);
	sim_uart_tx_advance(u, ktime_get());
	u->cts = cts;
	sim_uart_cts_update(u);
	uart_port_unlock_irqrestore(port, flags);
	wake_up_interruptible(&u->peer_wq);
}

/* The character being shifted out completes; tx_next() starts no more. */
static void sim_uart_stop_tx(struct uart_port *port)
{
}

/* The tty side answers the peer: record the quiet time in between. */
static void sim_uart_turnaround(struct smcard_sim_uart *u, ktime_t start)
{
	u64 gap;

	if (!u->turn_armed || u->rx.busy)
		return;
	u->turn_armed = false;
	gap = ktime_to_ns(ktime_sub(start, u->rx_idle_since));
	if (!u->turns++ || gap < u->turn_min_ns)
		u->turn_min_ns = gap;
	if (gap > u->turn_max_ns)
		u->turn_max_ns = gap;
}

static void sim_uart_start_tx(struct uart_port *port)
{
	struct smcard_sim_uart *u = to_sim_uart(port);
	ktime_t now;

	if (u->tx.busy || !u->started)
		return;
	now = ktime_get();
	if (sim_uart_tx_next(u, now)) {
		sim_uart_turnaround(u, now);
		hrtimer_start(&u->tx.timer, u->tx.end, HRTIMER_MODE_ABS);
	}
}

static void sim_uart_stop_rx(struct uart_port *port)
{
	to_sim_uart(port)->rx_on = false;
}

static int sim_uart_startup(struct uart_port *port)
{
	struct smcard_sim_uart *u = to_sim_uart(port);
	unsigned long flags;

	uart_port_lock_irqsave(port, &flags);
	u->started = true;
	u->rx_on = true;
	uart_port_unlock_irqrestore(port, flags);
	return 0;
}

static void sim_uart_shutdown(struct uart_port *port)
{
	struct smcard_sim_uart *u = to_sim_uart(port);
	unsigned long flags;

	uart_port_lock_irqsave(port, &flags);
	u->started = false;
	u->rx_on = false;
	uart_port_unlock_irqrestore(port, flags);

	hrtimer_cancel(&u->tx.timer);
	uart_port_lock_irqsave(port, &flags);
	u->tx.busy = false;
	uart_port_unlock_irqrestore(port, flags);
}

static void sim_uart_set_termios(struct uart_port *port,
				 struct ktermios *termios,
				 const struct ktermios *old)
{
	struct smcard_sim_uart *u = to_sim_uart(port);
	unsigned int baud;
	unsigned long flags;

	baud = uart_get_baud_rate(port, termios, old, 50, SIM_UART_MAX_BAUD);

	uart_port_lock_irqsave(port, &flags);
	uart_update_timeout(port, termios->c_cflag, baud);
	u->baud = baud;
	u->cflag = termios->c_cflag;
	u->char_ns = div_u64((u64)tty_get_frame_size(termios->c_cflag) *
			     NSEC_PER_SEC, baud);
	uart_port_unlock_irqrestore(port, flags);
}

static const struct serial_rs485 sim_uart_rs485_supported = {
	.flags = SER_RS485_ENABLED | SER_RS485_RTS_ON_SEND |
		 SER_RS485_RTS_AFTER_SEND | SER_RS485_RX_DURING_TX |
		 SER_RS485_TERMINATE_BUS | SER_RS485_MODE_RS422,
	.delay_rts_before_send = 1,
	.delay_rts_after_send = 1,
};

/*
 * The transceiver is outside the UART: the serial core sets its
 * termination and RX-during-TX lines; this driver sets its mode lines
 * (ENABLED, MODE_RS422) from a work, with the settings of the moment.
 */
static void sim_uart_rs485_work(struct work_struct *work)
{
	struct smcard_sim_uart *u = container_of(work, struct smcard_sim_uart,
						 rs485_work);
	DECLARE_BITMAP(values, 2) = { };
	unsigned long flags;
	u32 rs485;

	uart_port_lock_irqsave(&u->port, &flags);
	rs485 = u->port.rs485.flags;
	uart_port_unlock_irqrestore(&u->port, flags);

	__assign_bit(0, values, rs485 & SER_RS485_ENABLED);
	__assign_bit(1, values, rs485 & SER_RS485_MODE_RS422);
	if (gpiod_set_array_value_cansleep(u->rs485_mode->ndescs,
					   u->rs485_mode->desc,
					   u->rs485_mode->info, values))
		dev_warn_ratelimited(u->port.dev,
				     "cannot switch the transceiver mode\n");
}

static int sim_uart_rs485_config(struct uart_port *port,
				 struct ktermios *termios,
				 struct serial_rs485 *rs485)
{
	struct smcard_sim_uart *u = to_sim_uart(port);

	if (u->rs485_mode)
		schedule_work(&u->rs485_work);
	return 0;
}

static void sim_uart_cancel_rs485(void *data)
{
	struct smcard_sim_uart *u = data;

	cancel_work_sync(&u->rs485_work);
}

/* RS485 settings and the transceiver's lines, of the serial UART only */
static int sim_uart_init_rs485(struct smcard_sim_uart *u)
{
	struct uart_port *port = &u->port;
	struct device *dev = port->dev;
	int ret;

	port->rs485_config = sim_uart_rs485_config;
	port->rs485_supported = sim_uart_rs485_supported;
	ret = uart_get_rs485_mode(port);
	if (ret)
		return ret;

	u->rs485_mode = devm_gpiod_get_array_optional(dev, "option,rs485-mode",
						      GPIOD_OUT_LOW);
	if (IS_ERR(u->rs485_mode))
		return dev_err_probe(dev, PTR_ERR(u->rs485_mode),
				     "cannot get option,rs485-mode-gpios\n");
	if (u->rs485_mode && u->rs485_mode->ndescs != 2)
		return dev_err_probe(dev, -EINVAL,
				     "option,rs485-mode-gpios needs 2 lines\n");
	INIT_WORK(&u->rs485_work, sim_uart_rs485_work);
	return devm_add_action_or_reset(dev, sim_uart_cancel_rs485, u);
}

static const char *sim_uart_type(struct uart_port *port)
{
	return "smcard-sim";
}

static void sim_uart_release_port(struct uart_port *port)
{
}

static int sim_uart_request_port(struct uart_port *port)
{
	return 0;
}

static void sim_uart_config_port(struct uart_port *port, int flags)
{
	port->type = PORT_GENERIC;
}

static int sim_uart_verify_port(struct uart_port *port,
				struct serial_struct *ser)
{
	return ser->type == PORT_GENERIC ? 0 : -EINVAL;
}

static const struct uart_ops sim_uart_ops = {
	.tx_empty = sim_uart_tx_empty,
	.set_mctrl = sim_uart_set_mctrl,
	.get_mctrl = sim_uart_get_mctrl,
	.stop_tx = sim_uart_stop_tx,
	.start_tx = sim_uart_start_tx,
	.stop_rx = sim_uart_stop_rx,
	.startup = sim_uart_startup,
	.shutdown = sim_uart_shutdown,
	.set_termios = sim_uart_set_termios,
	.type = sim_uart_type,
	.release_port = sim_uart_release_port,
	.request_port = sim_uart_request_port,
	.config_port = sim_uart_config_port,
	.verify_port = sim_uart_verify_port,
};

static char sim_uart_parity(tcflag_t cflag)
{
	if (!(cflag & PARENB))
		return 'N';
	if (cflag & CMSPAR)
		return cflag & PARODD ? 'M' : 'S';
	return cflag & PARODD ? 'O' : 'E';
}

static int sim_uart_termios_show(struct seq_file *s, void *unused)
{
	struct smcard_sim_uart *u = s->private;
	unsigned long flags;
	unsigned int baud;
	tcflag_t cflag;

	uart_port_lock_irqsave(&u->port, &flags);
	baud = u->baud;
	cflag = u->cflag;
	uart_port_unlock_irqrestore(&u->port, flags);

	seq_printf(s, "%u %u%c%u\n", baud, tty_get_char_size(cflag),
		   sim_uart_parity(cflag), cflag & CSTOPB ? 2 : 1);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_uart_termios);

static int sim_uart_stats_show(struct seq_file *s, void *unused)
{
	struct smcard_sim_uart *u = s->private;
	struct uart_port *port = &u->port;
	unsigned long flags;

	uart_port_lock_irqsave(port, &flags);
	seq_printf(s, "tx %u\nrx %u\nrx_overrun %u\npeer_dropped %llu\nwire_dropped %llu\n",
		   port->icount.tx, port->icount.rx, port->icount.buf_overrun,
		   u->peer_dropped, u->wire_dropped);
	if (u->modem)
		seq_printf(s, "peer_held %llu\n", u->peer_held);
	uart_port_unlock_irqrestore(port, flags);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_uart_stats);

static int sim_uart_modem_show(struct seq_file *s, void *unused)
{
	struct smcard_sim_uart *u = s->private;
	unsigned long flags;
	unsigned int mctrl;
	bool cts;

	uart_port_lock_irqsave(&u->port, &flags);
	mctrl = u->mctrl;
	cts = u->cts_line;
	uart_port_unlock_irqrestore(&u->port, flags);

	seq_printf(s, "rts %d dtr %d cts %d\n", !!(mctrl & TIOCM_RTS),
		   !!(mctrl & TIOCM_DTR), cts);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_uart_modem);

static int sim_uart_cts_show(struct seq_file *s, void *unused)
{
	struct smcard_sim_uart *u = s->private;

	seq_printf(s, "%d\n", READ_ONCE(u->cts));
	return 0;
}

/* The peer asserts (1) or deasserts (0) the tty side's CTS. */
static ssize_t sim_uart_cts_write(struct file *file, const char __user *buf,
				  size_t len, loff_t *ppos)
{
	struct smcard_sim_uart *u = file_inode(file)->i_private;
	bool cts;
	int ret;

	ret = kstrtobool_from_user(buf, len, &cts);
	if (ret)
		return ret;
	sim_uart_set_cts(u, cts);
	return len;
}

DEFINE_SHOW_STORE_ATTRIBUTE(sim_uart_cts);

static int sim_uart_turnaround_show(struct seq_file *s, void *unused)
{
	struct smcard_sim_uart *u = s->private;
	unsigned long flags;

	uart_port_lock_irqsave(&u->port, &flags);
	seq_printf(s, "%llu %llu %llu\n", u->turns, u->turn_min_ns,
		   u->turn_max_ns);
	uart_port_unlock_irqrestore(&u->port, flags);
	return 0;
}

/* Any write starts a new measurement. */
static ssize_t sim_uart_turnaround_write(struct file *file,
					 const char __user *buf, size_t len,
					 loff_t *ppos)
{
	struct smcard_sim_uart *u = file_inode(file)->i_private;
	unsigned long flags;

	uart_port_lock_irqsave(&u->port, &flags);
	u->turn_armed = false;
	u->turns = 0;
	u->turn_min_ns = 0;
	u->turn_max_ns = 0;
	uart_port_unlock_irqrestore(&u->port, flags);
	return len;
}

DEFINE_SHOW_STORE_ATTRIBUTE(sim_uart_turnaround);

static void sim_uart_remove_port(void *data)
{
	struct smcard_sim_uart *u = data;

	/* The peer is gone already, nothing restarts the receive side. */
	hrtimer_cancel(&u->rx.timer);
	uart_remove_one_port(&sim_uart_driver, &u->port);
	hrtimer_cancel(&u->tx.timer);
}

static void sim_uart_remove_debugfs(void *data)
{
	debugfs_remove_recursive(data);
}

static int sim_uart_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct smcard_sim *sim = dev_get_drvdata(dev->parent);
	struct smcard_sim_uart *u;
	struct uart_port *port;
	struct dentry *dir;
	const char *label;
	int line, ret;

	if (!sim)
		return dev_err_probe(dev, -ENODEV, "parent is not a bound smcard-sim\n");
	ret = device_property_read_string(dev, "label", &label);
	if (ret)
		return dev_err_probe(dev, ret, "no label\n");
	line = match_string(sim_uart_labels, ARRAY_SIZE(sim_uart_labels), label);
	if (line < 0)
		return dev_err_probe(dev, line, "unknown label '%s'\n", label);

	u = smcard_sim_peer_alloc(dev);
	if (IS_ERR(u))
		return PTR_ERR(u);
	u->sim = sim;
	u->label = sim_uart_labels[line];
	u->mbus = !strcmp(u->label, "mbus");
	/* Until the first open: 9600 8N1, ten bits per character. */
	u->baud = SIM_UART_DEFAULT_BAUD;
	u->cflag = CS8 | CREAD;
	u->char_ns = div_u64(10ULL * NSEC_PER_SEC, SIM_UART_DEFAULT_BAUD);
	u->modem = !strcmp(u->label, "serial");
	u->cts = true;
	u->cts_line = true;
	hrtimer_init(&u->tx.timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	u->tx.timer.function = sim_uart_tx_tick;
	hrtimer_init(&u->rx.timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	u->rx.timer.function = sim_uart_rx_tick;

	port = &u->port;
	port->dev = dev;
	port->line = line;
	port->type = PORT_GENERIC;
	port->iotype = UPIO_MEM;
	port->ops = &sim_uart_ops;
	port->uartclk = SIM_UART_MAX_BAUD * 16;
	port->fifosize = 1;
	if (!strcmp(u->label, "serial")) {
		ret = sim_uart_init_rs485(u);
		if (ret)
			return ret;
	}

	ret = uart_add_one_port(&sim_uart_driver, port);
	if (ret)
		return dev_err_probe(dev, ret, "cannot add port\n");
	ret = devm_add_action_or_reset(dev, sim_uart_remove_port, u);
	if (ret)
		return ret;
	/*
	 * An RS485 mode enabled at boot (linux,rs485-enabled-at-boot-time),
	 * once the port and its lock exist, and before probe returns: a
	 * later setting must not be overtaken by the boot-time one.
	 */
	if (u->rs485_mode)
		sim_uart_rs485_work(&u->rs485_work);

	ret = smcard_sim_peer_register(u);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register peer device\n");

	if (!sim->debugfs)
		return 0;
	dir = debugfs_create_dir(u->label, sim->debugfs);
	debugfs_create_file("termios", 0444, dir, u, &sim_uart_termios_fops);
	debugfs_create_file("stats", 0444, dir, u, &sim_uart_stats_fops);
	debugfs_create_file("turnaround", 0644, dir, u,
			    &sim_uart_turnaround_fops);
	if (u->modem) {
		debugfs_create_file("modem", 0444, dir, u,
				    &sim_uart_modem_fops);
		debugfs_create_file("cts", 0644, dir, u, &sim_uart_cts_fops);
	}
	return devm_add_action_or_reset(dev, sim_uart_remove_debugfs, dir);
}

static const struct of_device_id sim_uart_of_match[] = {
	{ .compatible = "option,smcard-sim-uart" },
	{ }
};
MODULE_DEVICE_TABLE(of, sim_uart_of_match);

static struct platform_driver sim_uart_platform_driver = {
	.probe = sim_uart_probe,
	.driver = {
		.name = "smcard-sim-uart",
		.of_match_table = sim_uart_of_match,
	},
};

int smcard_sim_uart_register(void)
{
	int ret;

	ret = uart_register_driver(&sim_uart_driver);
	if (ret)
		return ret;
	ret = platform_driver_register(&sim_uart_platform_driver);
	if (ret)
		uart_unregister_driver(&sim_uart_driver);
	return ret;
}

void smcard_sim_uart_unregister(void)
{
	platform_driver_unregister(&sim_uart_platform_driver);
	uart_unregister_driver(&sim_uart_driver);
}
