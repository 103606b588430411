// SPDX-License-Identifier: GPL-2.0
/*
 * M-Bus core: registration of the buses that line drivers provide, the
 * receive path and the bus state. Userspace reaches a bus through the
 * generic netlink family "meterbus" (genl.c).
 */

#include <linux/device.h>
#include <linux/err.h>
#include <linux/idr.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>

#include "internal.h"

static const struct class meterbus_class = {
	.name = "meterbus",
};

static DEFINE_IDA(meterbus_ida);
/* Registered buses by id; lookups take a device reference under xa_lock. */
static DEFINE_XARRAY(meterbus_buses);

static void meterbus_bus_release(struct device *dev)
{
	struct meterbus_bus *bus = container_of(dev, struct meterbus_bus, dev);

	put_device(bus->dev.parent);
	ida_free(&meterbus_ida, bus->id);
	kfree(bus);
}

/**
 * meterbus_bus_alloc() - allocate a bus for a line driver
 * @parent: the line driver's device
 * @ops: its operations
 * @priv: its data, see meterbus_bus_priv()
 *
 * The bus starts in master role at 2400 Bd; meterbus_bus_register() sets the
 * line's actual state. The bus holds a reference to @parent until it is
 * released: device_del() drops the one that device_add() took, and
 * userspace may still hold the bus then.
 *
 * Return: the bus, or an ERR_PTR(). Release it with meterbus_bus_put().
 */
struct meterbus_bus *meterbus_bus_alloc(struct device *parent,
					const struct meterbus_bus_ops *ops, void *priv)
{
	struct meterbus_bus *bus;
	int id;

	bus = kzalloc(sizeof(*bus), GFP_KERNEL);
	if (!bus)
		return ERR_PTR(-ENOMEM);

	id = ida_alloc(&meterbus_ida, GFP_KERNEL);
	if (id < 0) {
		kfree(bus);
		return ERR_PTR(id);
	}
	bus->id = id;
	bus->ops = ops;
	bus->priv = priv;
	bus->baud = 2400;
	bus->role = METERBUS_ROLE_MASTER;
	mutex_init(&bus->lock);
	init_rwsem(&bus->ops_rwsem);
	mutex_init(&bus->state_lock);
	init_waitqueue_head(&bus->wq);
	meterbus_parser_reset(&bus->parser);

	device_initialize(&bus->dev);
	bus->dev.class = &meterbus_class;
	bus->dev.parent = get_device(parent);
	bus->dev.release = meterbus_bus_release;
	dev_set_name(&bus->dev, "mbus%d", id);

	return bus;
}
EXPORT_SYMBOL_NS_GPL(meterbus_bus_alloc, METERBUS);

/**
 * meterbus_bus_register() - make a bus visible to userspace
 * @bus: the bus
 * @baud: the line's current speed
 * @power: whether the master supply is on
 *
 * Return: 0 or a negative error code.
 */
int meterbus_bus_register(struct meterbus_bus *bus, u32 baud, bool power)
{
	int ret;

	bus->baud = baud;
	bus->power = power;
	down_read(&bus->ops_rwsem);
	meterbus_bus_remeasure(bus);
	up_read(&bus->ops_rwsem);
	ret = device_add(&bus->dev);
	if (ret)
		return ret;

	ret = xa_insert(&meterbus_buses, bus->id, bus, GFP_KERNEL);
	if (ret) {
		device_del(&bus->dev);
		return ret;
	}
	meterbus_nl_bus_event(bus, METERBUS_EVENT_NEW);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(meterbus_bus_register, METERBUS);

/**
 * meterbus_bus_unregister() - remove a bus
 * @bus: the bus
 *
 * Fails the transaction in flight with -ENODEV and waits until no call of
 * the line driver's operations is running. Afterwards the core calls none.
 */
void meterbus_bus_unregister(struct meterbus_bus *bus)
{
	meterbus_nl_bus_event(bus, METERBUS_EVENT_DEL);
	xa_erase(&meterbus_buses, bus->id);

	mutex_lock(&bus->state_lock);
	bus->dead = true;
	bus->rx_events++;
	mutex_unlock(&bus->state_lock);
	wake_up_all(&bus->wq);

	down_write(&bus->ops_rwsem);
	up_write(&bus->ops_rwsem);

	device_del(&bus->dev);
}
EXPORT_SYMBOL_NS_GPL(meterbus_bus_unregister, METERBUS);

void meterbus_bus_put(struct meterbus_bus *bus)
{
	put_device(&bus->dev);
}
EXPORT_SYMBOL_NS_GPL(meterbus_bus_put, METERBUS);

void *meterbus_bus_priv(struct meterbus_bus *bus)
{
	return bus->priv;
}
EXPORT_SYMBOL_NS_GPL(meterbus_bus_priv, METERBUS);

/*
 * Refresh the cached supply state from the line driver. The caller holds
 * ops_rwsem for reading and has seen the bus alive.
 */
void meterbus_bus_remeasure(struct meterbus_bus *bus)
{
	struct meterbus_supply s = { };

	lockdep_assert_held_read(&bus->ops_rwsem);
	if (!bus->ops->measure || bus->ops->measure(bus, &s))
		return;
	mutex_lock(&bus->state_lock);
	bus->supply = s;
	bus->measured = true;
	bus->measured_at = jiffies;
	mutex_unlock(&bus->state_lock);
}

/**
 * meterbus_bus_measure() - the supply changed: read it again
 * @bus: the bus
 *
 * For line drivers, e.g. after a supply event. Sleeps; does nothing once
 * the bus is being unregistered.
 */
void meterbus_bus_measure(struct meterbus_bus *bus)
{
	down_read(&bus->ops_rwsem);
	if (!READ_ONCE(bus->dead))
		meterbus_bus_remeasure(bus);
	up_read(&bus->ops_rwsem);
}
EXPORT_SYMBOL_NS_GPL(meterbus_bus_measure, METERBUS);

/* Find a registered bus by id, or by name if @name is set; takes a ref. */
struct meterbus_bus *meterbus_bus_find(u32 id, const char *name)
{
	struct meterbus_bus *bus;
	unsigned long index;

	xa_lock(&meterbus_buses);
	if (name) {
		xa_for_each(&meterbus_buses, index, bus)
			if (!strcmp(dev_name(&bus->dev), name))
				break;
	} else {
		bus = xa_load(&meterbus_buses, id);
	}
	if (bus)
		get_device(&bus->dev);
	xa_unlock(&meterbus_buses);
	return bus;
}

/* The registered bus at or after *@index, with a ref; advances *@index. */
struct meterbus_bus *meterbus_bus_next(unsigned long *index)
{
	struct meterbus_bus *bus;

	xa_lock(&meterbus_buses);
	bus = xa_find(&meterbus_buses, index, ULONG_MAX, XA_PRESENT);
	if (bus)
		get_device(&bus->dev);
	xa_unlock(&meterbus_buses);
	return bus;
}

void meterbus_release_port(struct net *net, u32 portid)
{
	struct meterbus_bus *bus;
	unsigned long index;

	/* The family lives in init_net: another namespace's port is not ours. */
	if (!net_eq(net, &init_net))
		return;
	xa_lock(&meterbus_buses);
	xa_for_each(&meterbus_buses, index, bus)
		cmpxchg(&bus->listener, portid, 0);
	xa_unlock(&meterbus_buses);
}

/* A frame or a bad run of bytes ended. */
void meterbus_rx_event(struct meterbus_bus *bus, int res, ktime_t now)
{
	struct meterbus_parser *p = &bus->parser;
	struct meterbus_xfer *x = bus->xfer;

	lockdep_assert_held(&bus->state_lock);
	meterbus_nl_monitor(bus, METERBUS_DIRECTION_RX, p->buf, p->len, res);
	if (res == METERBUS_RESULT_OK)
		bus->stats.frames_rx++;
	else
		bus->stats.bad_frames++;

	if (x) {
		/* More than one frame, or garbage, means several talkers. */
		if (x->settled) {
			x->result = METERBUS_RESULT_COLLISION;
			return;
		}
		x->settled = true;
		x->result = res == METERBUS_RESULT_GARBAGE ?
			    METERBUS_RESULT_COLLISION : res;
		if (res == METERBUS_RESULT_OK) {
			memcpy(x->reply, p->buf, p->len);
			x->reply_len = p->len;
		}
		return;
	}
	if (bus->role == METERBUS_ROLE_SLAVE && res == METERBUS_RESULT_OK &&
	    p->buf[0] != METERBUS_ACK)
		meterbus_slave_request(bus, now);
}

/**
 * meterbus_bus_receive() - bytes from the wire
 * @bus: the bus
 * @data: the bytes
 * @len: their number
 *
 * Called by the line driver in process context, in order.
 */
void meterbus_bus_receive(struct meterbus_bus *bus, const u8 *data, size_t len)
{
	ktime_t now = ktime_get();
	struct meterbus_xfer *x;
	size_t n;
	int res;

	mutex_lock(&bus->state_lock);
	if (bus->dead)
		goto out;

	x = bus->xfer;
	/*
	 * Outside a master transaction (which times its reply itself) a
	 * frame that paused for a whole reply window is dead: a master
	 * whose request was cut short asks again after its reply timeout,
	 * and the new request is not the rest of the old one.
	 */
	if (!x && bus->rx_last &&
	    ktime_to_ns(ktime_sub(now, bus->rx_last)) > meterbus_window_ns(bus)) {
		res = meterbus_parser_flush(&bus->parser);
		if (res != METERBUS_PARSE_MORE)
			meterbus_rx_event(bus, res, now);
	}
	bus->rx_last = now;
	if (x) {
		meterbus_xfer_sent(bus, x);
		if (!x->first)
			x->first = now;
		x->last = now;
		n = min(len, sizeof(x->raw) - x->raw_len);
		memcpy(x->raw + x->raw_len, data, n);
		x->raw_len += n;
	}
	while (len) {
		n = meterbus_parser_feed(&bus->parser, data, len, &res);
		data += n;
		len -= n;
		if (res != METERBUS_PARSE_MORE)
			meterbus_rx_event(bus, res, now);
	}
	bus->rx_events++;
	wake_up(&bus->wq);
out:
	mutex_unlock(&bus->state_lock);
}
EXPORT_SYMBOL_NS_GPL(meterbus_bus_receive, METERBUS);

/**
 * meterbus_bus_fault() - the master supply went off by itself
 * @bus: the bus
 * @event: METERBUS_EVENT_OVER_CURRENT or METERBUS_EVENT_POWER_FAULT
 *
 * Fails the transaction in flight with the matching result and sends the
 * event. May be called from a regulator notifier.
 *
 * Return: false if the bus is being unregistered: the line driver then
 * starts no follow-up work for it.
 */
bool meterbus_bus_fault(struct meterbus_bus *bus, enum meterbus_event event)
{
	bool oc = event == METERBUS_EVENT_OVER_CURRENT;

	mutex_lock(&bus->state_lock);
	if (bus->dead) {
		mutex_unlock(&bus->state_lock);
		return false;
	}
	bus->power = false;
	if (oc)
		bus->over_current = true;
	if (bus->xfer)
		bus->xfer->fault = oc ? METERBUS_RESULT_OVER_CURRENT :
				  METERBUS_RESULT_POWER_FAULT;
	bus->rx_events++;
	mutex_unlock(&bus->state_lock);
	wake_up(&bus->wq);

	meterbus_nl_bus_event(bus, event);
	return true;
}
EXPORT_SYMBOL_NS_GPL(meterbus_bus_fault, METERBUS);

/* Apply the settings that are given, role first, then baud, then power. */
int meterbus_bus_set(struct meterbus_bus *bus, const u32 *baud, const bool *power,
		     const enum meterbus_role *role, struct netlink_ext_ack *extack)
{
	int ret;

	if (mutex_lock_interruptible(&bus->lock))
		return -EINTR;
	down_read(&bus->ops_rwsem);
	ret = -ENODEV;
	if (bus->dead)
		goto out;

	if (role && *role != bus->role) {
		ret = bus->ops->set_role(bus, *role, extack);
		if (ret)
			goto out;
		mutex_lock(&bus->state_lock);
		bus->role = *role;
		if (*role == METERBUS_ROLE_SLAVE)
			bus->power = false;
		mutex_unlock(&bus->state_lock);
		meterbus_nl_bus_event(bus, METERBUS_EVENT_ROLE);
	}
	if (baud && *baud != bus->baud) {
		ret = bus->ops->set_baud(bus, *baud);
		if (ret) {
			NL_SET_ERR_MSG(extack, "line refused the baud rate");
			goto out;
		}
		mutex_lock(&bus->state_lock);
		bus->baud = *baud;
		mutex_unlock(&bus->state_lock);
		meterbus_nl_bus_event(bus, METERBUS_EVENT_BAUD);
	}
	if (power && *power != bus->power) {
		ret = -EBUSY;
		if (bus->role != METERBUS_ROLE_MASTER) {
			NL_SET_ERR_MSG(extack, "the bus supply is a master function");
			goto out;
		}
		ret = bus->ops->set_power(bus, *power, extack);
		if (ret)
			goto out;
		mutex_lock(&bus->state_lock);
		bus->power = *power;
		if (*power)
			bus->over_current = false;
		mutex_unlock(&bus->state_lock);
		meterbus_nl_bus_event(bus, METERBUS_EVENT_POWER);
	}
	ret = 0;
out:
	if (!bus->dead)
		meterbus_bus_remeasure(bus);
	up_read(&bus->ops_rwsem);
	mutex_unlock(&bus->lock);
	return ret;
}

static int __init meterbus_init(void)
{
	int ret;

	ret = class_register(&meterbus_class);
	if (ret)
		return ret;

	ret = meterbus_nl_init();
	if (ret)
		class_unregister(&meterbus_class);
	return ret;
}
module_init(meterbus_init);

static void __exit meterbus_exit(void)
{
	meterbus_nl_exit();
	class_unregister(&meterbus_class);
}
module_exit(meterbus_exit);

MODULE_DESCRIPTION("M-Bus (EN 13757-2) link layer core");
MODULE_LICENSE("GPL");
