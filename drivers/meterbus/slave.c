// SPDX-License-Identifier: GPL-2.0
/*
 * M-Bus slave role: the external master's requests go to one listening
 * netlink socket, which answers with slave-reply. The core sends the answer
 * no earlier than 11 bit times after the request and refuses it once the
 * 330 bit times + 50 ms window has closed.
 */

#include <linux/delay.h>
#include <linux/lockdep.h>
#include <linux/math64.h>
#include <linux/netlink.h>

#include "internal.h"

/*
 * A valid request arrived. The listener is read once: a socket that closes
 * meanwhile clears it, and a second read would unicast to port 0, the
 * kernel's own socket.
 */
void meterbus_slave_request(struct meterbus_bus *bus, ktime_t end)
{
	u32 portid = READ_ONCE(bus->listener);
	s64 left;

	lockdep_assert_held(&bus->state_lock);
	if (!portid)
		return;

	bus->slave_seq++;
	bus->slave_open = true;
	bus->slave_end = end;
	left = (s64)meterbus_window_ns(bus) - ktime_to_ns(ktime_sub(ktime_get(), end));
	left = max_t(s64, left, 0);
	if (meterbus_nl_slave_frame(bus, portid, bus->parser.buf, bus->parser.len,
				    div_s64(left, NSEC_PER_USEC)) == -ECONNREFUSED)
		cmpxchg(&bus->listener, portid, 0);
}

int meterbus_bus_slave_listen(struct meterbus_bus *bus, u32 portid,
			      struct netlink_ext_ack *extack)
{
	u32 old = cmpxchg(&bus->listener, 0, portid);

	if (old && old != portid) {
		NL_SET_ERR_MSG(extack, "another socket listens on this bus");
		return -EBUSY;
	}
	return 0;
}

int meterbus_bus_slave_reply(struct meterbus_bus *bus, u32 seq, const u8 *frame,
			     size_t len, struct netlink_ext_ack *extack)
{
	ktime_t end, now;
	u64 earliest;
	int ret;

	if (mutex_lock_interruptible(&bus->lock))
		return -EINTR;
	down_read(&bus->ops_rwsem);

	mutex_lock(&bus->state_lock);
	ret = -ENODEV;
	if (bus->dead)
		goto unlock_state;
	ret = -EBUSY;
	if (bus->role != METERBUS_ROLE_SLAVE) {
		NL_SET_ERR_MSG(extack, "the bus is not in slave role");
		goto unlock_state;
	}
	ret = -ESTALE;
	if (seq != bus->slave_seq || !bus->slave_open) {
		NL_SET_ERR_MSG(extack, "no open request with this seq");
		goto unlock_state;
	}
	bus->slave_open = false;
	end = bus->slave_end;
	earliest = meterbus_bits_ns(bus, 11);
	now = ktime_get();
	ret = -ETIME;
	if (ktime_to_ns(ktime_sub(now, end)) > meterbus_window_ns(bus)) {
		NL_SET_ERR_MSG(extack, "the reply window has closed");
		goto unlock_state;
	}
	mutex_unlock(&bus->state_lock);

	ret = 0;
	if (!frame)
		goto out;
	now = ktime_get();
	if (ktime_to_ns(ktime_sub(now, end)) < earliest)
		fsleep(div_u64(earliest - ktime_to_ns(ktime_sub(now, end)),
			       NSEC_PER_USEC) + 1);

	ret = bus->ops->write(bus, frame, len);
	if (!ret) {
		mutex_lock(&bus->state_lock);
		bus->stats.frames_tx++;
		meterbus_nl_monitor(bus, METERBUS_DIRECTION_TX, frame, len,
				    METERBUS_RESULT_OK);
		mutex_unlock(&bus->state_lock);
	}
	goto out;

unlock_state:
	mutex_unlock(&bus->state_lock);
out:
	up_read(&bus->ops_rwsem);
	mutex_unlock(&bus->lock);
	return ret;
}
