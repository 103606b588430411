// SPDX-License-Identifier: GPL-2.0
/*
 * M-Bus master transaction: one request, one reply, with the EN 13757-2
 * timing. A meter answers from 11 bit times up to 330 bit times + 50 ms
 * after the request's last stop bit. A reply ends when the line stays quiet
 * for 11 bit times after a complete frame; bytes after it mean that more
 * than one meter answered.
 */

#include <linux/jiffies.h>
#include <linux/wait.h>

#include "internal.h"

/* Scheduling and UART FIFO latency on top of the quiet time */
#define METERBUS_QUIET_SLACK_NS	(2 * NSEC_PER_MSEC)
/*
 * After a damaged frame the talkers may still be sending, and their bytes
 * reach us in bursts (receive FIFO timeout, scheduling). Ending the reply
 * at the first gap would cut it, and its rest would be taken for the next
 * reply: wait for the line to be quiet longer, 4 characters and 20 ms more.
 */
#define METERBUS_DAMAGED_SLACK_BITS	(4 * 11)
#define METERBUS_DAMAGED_SLACK_NS	(20 * NSEC_PER_MSEC)

static int meterbus_xfer_start(struct meterbus_bus *bus, struct meterbus_xfer *x)
{
	int res;

	mutex_lock(&bus->state_lock);
	if (bus->dead) {
		mutex_unlock(&bus->state_lock);
		return -ENODEV;
	}
	if (bus->role != METERBUS_ROLE_MASTER) {
		mutex_unlock(&bus->state_lock);
		return -EBUSY;
	}
	if (!bus->power) {
		mutex_unlock(&bus->state_lock);
		return -ENETDOWN;
	}
	/* Whatever arrived before the request is not part of the reply. */
	res = meterbus_parser_flush(&bus->parser);
	if (res != METERBUS_PARSE_MORE)
		meterbus_rx_event(bus, res, ktime_get());
	meterbus_parser_reset(&bus->parser);
	x->result = METERBUS_RESULT_OK;
	x->fault = METERBUS_RESULT_OK;
	x->sent = false;
	bus->xfer = x;
	mutex_unlock(&bus->state_lock);
	return 0;
}

/**
 * meterbus_xfer_sent() - count the request and show it to monitors, once
 * @bus: the bus
 * @x: the transaction in flight
 *
 * Called when write() returns, or earlier by the first reply byte: a fast
 * meter can answer while the line driver still waits for its transmitter
 * to drain, and monitors must see the request before the reply.
 */
void meterbus_xfer_sent(struct meterbus_bus *bus, struct meterbus_xfer *x)
{
	lockdep_assert_held(&bus->state_lock);
	if (x->sent)
		return;
	x->sent = true;
	bus->stats.frames_tx++;
	meterbus_nl_monitor(bus, METERBUS_DIRECTION_TX, x->frame, x->len,
			    METERBUS_RESULT_OK);
}

/* The line went quiet in the middle of a frame or garbage run. */
static void meterbus_xfer_flush(struct meterbus_bus *bus, ktime_t now)
{
	int res = meterbus_parser_flush(&bus->parser);

	if (res != METERBUS_PARSE_MORE)
		meterbus_rx_event(bus, res, now);
}

/*
 * Wait for the reply; sets x->result. Return 0, -ENODEV if the bus went
 * away, -EINTR on a signal.
 */
static int meterbus_xfer_wait(struct meterbus_bus *bus, struct meterbus_xfer *x)
{
	u64 window = meterbus_window_ns(bus) + (u64)x->extra_ms * NSEC_PER_MSEC;
	u64 quiet = meterbus_bits_ns(bus, 11) + METERBUS_QUIET_SLACK_NS;
	u64 damaged_quiet = meterbus_bits_ns(bus, 11 + METERBUS_DAMAGED_SLACK_BITS) +
			    METERBUS_DAMAGED_SLACK_NS;
	/* A line that never goes quiet: give up after two frames' time. */
	ktime_t hard = ktime_add_ns(x->end, window +
				    meterbus_bits_ns(bus, 2 * 11 * METERBUS_FRAME_MAX));
	ktime_t now, until;
	u64 seen;
	long ret;

	for (;;) {
		mutex_lock(&bus->state_lock);
		now = ktime_get();
		seen = bus->rx_events;
		if (bus->dead) {
			mutex_unlock(&bus->state_lock);
			return -ENODEV;
		}
		if (x->fault != METERBUS_RESULT_OK) {
			x->result = x->fault;
			break;
		}
		if (!x->first) {
			until = ktime_add_ns(x->end, window);
			if (now >= until) {
				x->result = METERBUS_RESULT_TIMEOUT;
				break;
			}
		} else if (x->settled) {
			until = ktime_add_ns(x->last,
					     x->result == METERBUS_RESULT_OK ?
					     quiet : damaged_quiet);
			if (now >= until) {
				/* a pending run after the frame: a second talker */
				meterbus_xfer_flush(bus, now);
				break;
			}
		} else {
			until = ktime_add_ns(x->last, window);
			if (now >= until) {
				meterbus_xfer_flush(bus, now);
				break;
			}
		}
		if (now >= hard) {
			meterbus_xfer_flush(bus, now);
			x->result = METERBUS_RESULT_COLLISION;
			break;
		}
		mutex_unlock(&bus->state_lock);

		until = ktime_sub(min(until, hard), now);
		ret = wait_event_interruptible_hrtimeout(bus->wq,
							 READ_ONCE(bus->rx_events) != seen,
							 until);
		if (ret == -ERESTARTSYS)
			return -EINTR;
	}
	x->elapsed_us = ktime_us_delta(now, x->end);
	mutex_unlock(&bus->state_lock);
	return 0;
}

static void meterbus_xfer_finish(struct meterbus_bus *bus, struct meterbus_xfer *x)
{
	mutex_lock(&bus->state_lock);
	bus->xfer = NULL;
	if (x->result == METERBUS_RESULT_TIMEOUT)
		bus->stats.timeouts++;
	else if (x->result == METERBUS_RESULT_COLLISION)
		bus->stats.collisions++;
	mutex_unlock(&bus->state_lock);

	if (x->first && x->first > x->end)
		x->latency_us = ktime_us_delta(x->first, x->end);
	if (x->result == METERBUS_RESULT_OK)
		x->raw_len = 0;
	else
		x->reply_len = 0;
}

/**
 * meterbus_bus_transfer() - one master transaction
 * @bus: the bus
 * @x: request in, result out
 *
 * Return: 0 with x->result set, or -ENODEV, -EBUSY (slave role),
 * -ENETDOWN (supply off), -EINTR or an error of the line driver.
 */
int meterbus_bus_transfer(struct meterbus_bus *bus, struct meterbus_xfer *x)
{
	int ret;

	if (mutex_lock_interruptible(&bus->lock))
		return -EINTR;
	down_read(&bus->ops_rwsem);

	ret = meterbus_xfer_start(bus, x);
	if (ret)
		goto out;

	ret = bus->ops->write(bus, x->frame, x->len);
	x->end = ktime_get();
	if (!ret) {
		mutex_lock(&bus->state_lock);
		meterbus_xfer_sent(bus, x);
		mutex_unlock(&bus->state_lock);
	}

	if (!ret && !x->no_reply)
		ret = meterbus_xfer_wait(bus, x);
	meterbus_xfer_finish(bus, x);
	/* a transfer draws current: keep the cached supply state fresh */
	if (!READ_ONCE(bus->dead) &&
	    time_after(jiffies, READ_ONCE(bus->measured_at) + HZ))
		meterbus_bus_remeasure(bus);
out:
	up_read(&bus->ops_rwsem);
	mutex_unlock(&bus->lock);
	return ret;
}
