// SPDX-License-Identifier: GPL-2.0
/*
 * smcard-sim: the far end of a simulated UART, /dev/smcard-sim-<label>,
 * for userspace emulators (meters, terminals). read() returns what the
 * tty side transmitted, after its wire time; write() queues bytes that the
 * tty side receives at the wire rate; fsync() waits until everything
 * written has left the wire. One opener at a time; bytes arriving while
 * nobody has the device open are lost, as on an unplugged cable. The
 * serial UART's peer deasserts CTS while its read buffer is nearly full.
 */

#include <linux/device.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "sim.h"
#include "uart.h"

#define PEER_CHUNK	1024

static void peer_release_uart(struct kref *kref)
{
	struct smcard_sim_uart *u = container_of(kref, struct smcard_sim_uart,
						 kref);

	kfifo_free(&u->rx_fifo);
	kfifo_free(&u->peer_fifo);
	kfree(u);
}

static void peer_put(void *data)
{
	struct smcard_sim_uart *u = data;

	kref_put(&u->kref, peer_release_uart);
}

struct smcard_sim_uart *smcard_sim_peer_alloc(struct device *dev)
{
	struct smcard_sim_uart *u;
	int ret;

	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u)
		return ERR_PTR(-ENOMEM);
	kref_init(&u->kref);
	init_waitqueue_head(&u->peer_wq);
	ret = devm_add_action_or_reset(dev, peer_put, u);
	if (ret)
		return ERR_PTR(ret);
	if (kfifo_alloc(&u->rx_fifo, SMCARD_SIM_RX_FIFO, GFP_KERNEL) ||
	    kfifo_alloc(&u->peer_fifo, SMCARD_SIM_PEER_FIFO, GFP_KERNEL))
		return ERR_PTR(-ENOMEM);
	return u;
}

static bool peer_readable(struct smcard_sim_uart *u)
{
	return !kfifo_is_empty(&u->peer_fifo) || READ_ONCE(u->gone);
}

static bool peer_writable(struct smcard_sim_uart *u)
{
	return kfifo_avail(&u->rx_fifo) || READ_ONCE(u->gone);
}

static bool peer_drained(struct smcard_sim_uart *u)
{
	unsigned long flags;
	bool drained;

	uart_port_lock_irqsave(&u->port, &flags);
	drained = (kfifo_is_empty(&u->rx_fifo) && !u->rx.busy) || u->gone;
	uart_port_unlock_irqrestore(&u->port, flags);
	return drained;
}

static int peer_open(struct inode *inode, struct file *file)
{
	struct smcard_sim_uart *u = container_of(file->private_data,
						 struct smcard_sim_uart, peer);
	unsigned long flags;

	if (test_and_set_bit(0, &u->peer_busy))
		return -EBUSY;
	kref_get(&u->kref);
	uart_port_lock_irqsave(&u->port, &flags);
	kfifo_reset(&u->peer_fifo);
	u->peer_open = true;
	smcard_sim_uart_peer_read(u);
	uart_port_unlock_irqrestore(&u->port, flags);
	file->private_data = u;
	return stream_open(inode, file);
}

static int peer_release(struct inode *inode, struct file *file)
{
	struct smcard_sim_uart *u = file->private_data;
	unsigned long flags;

	uart_port_lock_irqsave(&u->port, &flags);
	u->peer_open = false;
	kfifo_reset(&u->peer_fifo);
	smcard_sim_uart_peer_read(u);
	uart_port_unlock_irqrestore(&u->port, flags);
	clear_bit(0, &u->peer_busy);
	kref_put(&u->kref, peer_release_uart);
	return 0;
}

static ssize_t peer_read(struct file *file, char __user *buf, size_t count,
			 loff_t *ppos)
{
	struct smcard_sim_uart *u = file->private_data;
	unsigned long flags;
	unsigned int n;
	u8 *tmp;
	int ret;

	if (!count)
		return 0;
	tmp = kmalloc(PEER_CHUNK, GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;
	count = min_t(size_t, count, PEER_CHUNK);
	for (;;) {
		uart_port_lock_irqsave(&u->port, &flags);
		n = u->gone ? 0 : kfifo_out(&u->peer_fifo, tmp, count);
		ret = u->gone ? -ENODEV : 0;
		if (n)
			smcard_sim_uart_peer_read(u);
		uart_port_unlock_irqrestore(&u->port, flags);
		if (n || ret)
			break;
		ret = -EAGAIN;
		if (file->f_flags & O_NONBLOCK)
			break;
		ret = wait_event_interruptible(u->peer_wq, peer_readable(u));
		if (ret)
			break;
	}
	if (n && copy_to_user(buf, tmp, n))
		ret = -EFAULT;
	kfree(tmp);
	return ret ? ret : (ssize_t)n;
}

static ssize_t peer_write(struct file *file, const char __user *buf,
			  size_t count, loff_t *ppos)
{
	struct smcard_sim_uart *u = file->private_data;
	unsigned long flags;
	size_t done = 0;
	unsigned int n;
	int ret = 0;
	u8 *tmp;

	tmp = kmalloc(PEER_CHUNK, GFP_KERNEL);
	if (!tmp)
		return -ENOMEM;
	while (done < count) {
		n = min_t(size_t, count - done, PEER_CHUNK);
		if (copy_from_user(tmp, buf + done, n)) {
			ret = -EFAULT;
			break;
		}
		uart_port_lock_irqsave(&u->port, &flags);
		if (u->gone) {
			ret = -ENODEV;
			n = 0;
		} else {
			n = kfifo_in(&u->rx_fifo, tmp, n);
			smcard_sim_uart_peer_written(u);
		}
		uart_port_unlock_irqrestore(&u->port, flags);
		done += n;
		if (ret)
			break;
		if (n)
			continue;
		if (file->f_flags & O_NONBLOCK) {
			ret = -EAGAIN;
			break;
		}
		ret = wait_event_interruptible(u->peer_wq, peer_writable(u));
		if (ret)
			break;
	}
	kfree(tmp);
	return done ? (ssize_t)done : ret;
}

static int peer_fsync(struct file *file, loff_t start, loff_t end,
		      int datasync)
{
	struct smcard_sim_uart *u = file->private_data;

	return wait_event_interruptible(u->peer_wq, peer_drained(u));
}

static __poll_t peer_poll(struct file *file, poll_table *wait)
{
	struct smcard_sim_uart *u = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &u->peer_wq, wait);
	if (READ_ONCE(u->gone))
		return EPOLLHUP | EPOLLERR;
	if (!kfifo_is_empty(&u->peer_fifo))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (kfifo_avail(&u->rx_fifo))
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

static const struct file_operations peer_fops = {
	.owner = THIS_MODULE,
	.open = peer_open,
	.release = peer_release,
	.read = peer_read,
	.write = peer_write,
	.fsync = peer_fsync,
	.poll = peer_poll,
};

static void peer_unregister(void *data)
{
	struct smcard_sim_uart *u = data;
	unsigned long flags;

	misc_deregister(&u->peer);
	uart_port_lock_irqsave(&u->port, &flags);
	u->gone = true;
	uart_port_unlock_irqrestore(&u->port, flags);
	wake_up_all(&u->peer_wq);
}

int smcard_sim_peer_register(struct smcard_sim_uart *u)
{
	int ret;

	snprintf(u->peer_name, sizeof(u->peer_name), "smcard-sim-%s", u->label);
	u->peer.minor = MISC_DYNAMIC_MINOR;
	u->peer.name = u->peer_name;
	u->peer.fops = &peer_fops;
	u->peer.parent = u->port.dev;
	ret = misc_register(&u->peer);
	if (ret)
		return ret;
	return devm_add_action_or_reset(u->port.dev, peer_unregister, u);
}
