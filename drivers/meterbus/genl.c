// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "mbus", as specified in
 * Documentation/netlink/specs/mbus.yaml. The policies follow the spec;
 * the binary length limits are written out because ynl-gen of this kernel
 * cannot express them.
 */

#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "internal.h"

enum {
	MBUS_NLGRP_EVENTS,
	MBUS_NLGRP_MONITOR,
};

static struct genl_family mbus_nl_family;

/* 38400 does not fit the policy's inline s16 limits */
static const struct netlink_range_validation mbus_baud_range = {
	.min = MBUS_BAUD_MIN,
	.max = MBUS_BAUD_MAX,
};

static const struct nla_policy mbus_bus_get_nl_policy[MBUS_A_BUS_NAME + 1] = {
	[MBUS_A_BUS_ID] = { .type = NLA_U32, },
	[MBUS_A_BUS_NAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

static const struct nla_policy mbus_bus_set_nl_policy[MBUS_A_BUS_POWER + 1] = {
	[MBUS_A_BUS_ID] = { .type = NLA_U32, },
	[MBUS_A_BUS_NAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[MBUS_A_BUS_ROLE] = NLA_POLICY_MAX(NLA_U32, MBUS_ROLE_SLAVE),
	[MBUS_A_BUS_BAUD] = NLA_POLICY_FULL_RANGE(NLA_U32, &mbus_baud_range),
	[MBUS_A_BUS_POWER] = NLA_POLICY_MAX(NLA_U8, 1),
};

static const struct nla_policy mbus_xfer_nl_policy[MBUS_A_XFER_NO_REPLY + 1] = {
	[MBUS_A_XFER_ID] = { .type = NLA_U32, },
	[MBUS_A_XFER_FRAME] = NLA_POLICY_RANGE(NLA_BINARY, MBUS_SHORT_LEN,
					       MBUS_FRAME_MAX),
	[MBUS_A_XFER_TIMEOUT_EXTRA] = NLA_POLICY_MAX(NLA_U32,
						     MBUS_TIMEOUT_EXTRA_MAX),
	[MBUS_A_XFER_NO_REPLY] = { .type = NLA_FLAG, },
};

static const struct nla_policy mbus_slave_listen_nl_policy[MBUS_A_SLAVE_ID + 1] = {
	[MBUS_A_SLAVE_ID] = { .type = NLA_U32, },
};

static const struct nla_policy mbus_slave_reply_nl_policy[MBUS_A_SLAVE_FRAME + 1] = {
	[MBUS_A_SLAVE_ID] = { .type = NLA_U32, },
	[MBUS_A_SLAVE_SEQ] = { .type = NLA_U32, },
	[MBUS_A_SLAVE_FRAME] = NLA_POLICY_RANGE(NLA_BINARY, 1, MBUS_FRAME_MAX),
};

static void mbus_nl_frame_error(struct netlink_ext_ack *extack,
				const struct nlattr *nla, int res)
{
	switch (res) {
	case MBUS_RESULT_COLLISION:
		NL_SET_ERR_MSG_ATTR(extack, nla, "frame: bytes after the frame");
		break;
	case MBUS_RESULT_BAD_CHECKSUM:
		NL_SET_ERR_MSG_ATTR(extack, nla, "frame: bad checksum");
		break;
	case MBUS_RESULT_BAD_LENGTH:
		NL_SET_ERR_MSG_ATTR(extack, nla, "frame: bad length field");
		break;
	case MBUS_RESULT_BAD_STOP:
		NL_SET_ERR_MSG_ATTR(extack, nla, "frame: bad stop byte");
		break;
	case MBUS_RESULT_INCOMPLETE:
		NL_SET_ERR_MSG_ATTR(extack, nla, "frame: incomplete");
		break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, nla, "frame: bad start byte");
		break;
	}
}

/* Validate a frame attribute: one complete frame, E5h only if @ack. */
static int mbus_nl_check_frame(struct genl_info *info, unsigned int attr,
			       bool ack)
{
	struct nlattr *nla = info->attrs[attr];
	int res = mbus_frame_check(nla_data(nla), nla_len(nla));

	if (res == MBUS_RESULT_OK && !ack && nla_len(nla) == 1)
		res = MBUS_RESULT_GARBAGE;
	if (res == MBUS_RESULT_OK)
		return 0;
	mbus_nl_frame_error(info->extack, nla, res);
	return -EINVAL;
}

/* The bus named by the id (or name) attribute, with a reference. */
static struct mbus_bus *mbus_nl_bus(struct genl_info *info,
				    unsigned int id_attr, unsigned int name_attr)
{
	struct nlattr *id = info->attrs[id_attr];
	struct nlattr *name = name_attr ? info->attrs[name_attr] : NULL;
	struct mbus_bus *bus;

	if (!id && !name) {
		NL_SET_ERR_MSG(info->extack, "bus id or name required");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, id_attr);
		return ERR_PTR(-EINVAL);
	}
	bus = mbus_bus_find(id ? nla_get_u32(id) : 0,
			    id ? NULL : nla_data(name));
	if (!bus) {
		NL_SET_ERR_MSG_ATTR(info->extack, id ?: name, "no such bus");
		return ERR_PTR(-ENODEV);
	}
	return bus;
}

static int mbus_nl_put_stats(struct sk_buff *skb, const struct mbus_stats *s)
{
	struct nlattr *nest = nla_nest_start(skb, MBUS_A_BUS_STATS);

	if (!nest ||
	    nla_put_u64_64bit(skb, MBUS_A_STATS_FRAMES_TX, s->frames_tx,
			      MBUS_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, MBUS_A_STATS_FRAMES_RX, s->frames_rx,
			      MBUS_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, MBUS_A_STATS_TIMEOUTS, s->timeouts,
			      MBUS_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, MBUS_A_STATS_COLLISIONS, s->collisions,
			      MBUS_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, MBUS_A_STATS_BAD_FRAMES, s->bad_frames,
			      MBUS_A_STATS_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* Attributes common to bus-get replies and bus-ntf. */
static int mbus_nl_put_state(struct sk_buff *skb, struct mbus_bus *bus,
			     struct mbus_stats *stats)
{
	int ret;

	mutex_lock(&bus->state_lock);
	if (stats)
		*stats = bus->stats;
	ret = nla_put_u32(skb, MBUS_A_BUS_ID, bus->id) ||
	      nla_put_string(skb, MBUS_A_BUS_NAME, dev_name(&bus->dev)) ||
	      nla_put_u32(skb, MBUS_A_BUS_ROLE, bus->role) ||
	      nla_put_u32(skb, MBUS_A_BUS_BAUD, bus->baud) ||
	      nla_put_u8(skb, MBUS_A_BUS_POWER, bus->power) ||
	      nla_put_u8(skb, MBUS_A_BUS_OVER_CURRENT, bus->over_current);
	mutex_unlock(&bus->state_lock);
	return ret ? -EMSGSIZE : 0;
}

static int mbus_nl_fill_bus(struct sk_buff *skb, struct mbus_bus *bus,
			    u32 portid, u32 seq, int flags)
{
	struct mbus_stats stats;
	bool battery = false;
	bool dead;
	void *hdr;
	u32 mv;
	int ret = 0;

	hdr = genlmsg_put(skb, portid, seq, &mbus_nl_family, flags,
			  MBUS_CMD_BUS_GET);
	if (!hdr)
		return -EMSGSIZE;

	if (mbus_nl_put_state(skb, bus, &stats) ||
	    mbus_nl_put_stats(skb, &stats) ||
	    (bus->dev.parent &&
	     nla_put_string(skb, MBUS_A_BUS_PARENT, dev_name(bus->dev.parent))))
		goto cancel;

	/* The line driver may sleep (I2C); it must still be there. */
	down_read(&bus->ops_rwsem);
	dead = bus->dead;
	if (!dead && bus->ops->on_battery)
		battery = bus->ops->on_battery(bus);
	if (!dead && bus->ops->get_voltage)
		ret = bus->ops->get_voltage(bus, &mv);
	up_read(&bus->ops_rwsem);
	if (nla_put_u8(skb, MBUS_A_BUS_BATTERY, battery) ||
	    (!dead && bus->ops->get_voltage && !ret &&
	     nla_put_u32(skb, MBUS_A_BUS_VOLTAGE, mv)))
		goto cancel;

	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int mbus_nl_bus_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mbus_bus *bus;
	struct sk_buff *msg;
	int ret;

	bus = mbus_nl_bus(info, MBUS_A_BUS_ID, MBUS_A_BUS_NAME);
	if (IS_ERR(bus))
		return PTR_ERR(bus);

	ret = -ENOMEM;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		goto out;
	ret = mbus_nl_fill_bus(msg, bus, info->snd_portid, info->snd_seq, 0);
	if (ret) {
		nlmsg_free(msg);
		goto out;
	}
	ret = genlmsg_reply(msg, info);
out:
	mbus_bus_put(bus);
	return ret;
}

static int mbus_nl_bus_get_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	unsigned long *index = (unsigned long *)cb->ctx;
	struct mbus_bus *bus;
	int ret = 0;

	while ((bus = mbus_bus_next(index))) {
		ret = mbus_nl_fill_bus(skb, bus, NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI);
		mbus_bus_put(bus);
		if (ret)
			break;
		(*index)++;
	}
	return ret == -EMSGSIZE && skb->len ? skb->len : ret;
}

static int mbus_nl_bus_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	static const u32 rates[] = { 300, 600, 1200, 2400, 4800, 9600,
				     19200, 38400 };
	struct nlattr **a = info->attrs;
	enum mbus_role role;
	struct mbus_bus *bus;
	bool power;
	u32 baud;
	int i, ret;

	if (a[MBUS_A_BUS_BAUD]) {
		baud = nla_get_u32(a[MBUS_A_BUS_BAUD]);
		for (i = 0; i < ARRAY_SIZE(rates) && rates[i] != baud; i++)
			;
		if (i == ARRAY_SIZE(rates)) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[MBUS_A_BUS_BAUD],
					    "baud: 300, 600, 1200, 2400, 4800, 9600, 19200 or 38400");
			return -EINVAL;
		}
	}
	if (a[MBUS_A_BUS_POWER])
		power = nla_get_u8(a[MBUS_A_BUS_POWER]);
	if (a[MBUS_A_BUS_ROLE])
		role = nla_get_u32(a[MBUS_A_BUS_ROLE]);

	bus = mbus_nl_bus(info, MBUS_A_BUS_ID, MBUS_A_BUS_NAME);
	if (IS_ERR(bus))
		return PTR_ERR(bus);
	ret = mbus_bus_set(bus, a[MBUS_A_BUS_BAUD] ? &baud : NULL,
			   a[MBUS_A_BUS_POWER] ? &power : NULL,
			   a[MBUS_A_BUS_ROLE] ? &role : NULL, info->extack);
	mbus_bus_put(bus);
	return ret;
}

static int mbus_nl_xfer_reply(struct genl_info *info, struct mbus_bus *bus,
			      const struct mbus_xfer *x)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_iput(msg, info);
	if (!hdr)
		goto err;
	if (nla_put_u32(msg, MBUS_A_XFER_ID, bus->id) ||
	    nla_put_u32(msg, MBUS_A_XFER_RESULT, x->result) ||
	    (x->reply_len &&
	     nla_put(msg, MBUS_A_XFER_REPLY, x->reply_len, x->reply)) ||
	    (x->raw_len && nla_put(msg, MBUS_A_XFER_RAW, x->raw_len, x->raw)) ||
	    (x->latency_us &&
	     nla_put_u32(msg, MBUS_A_XFER_LATENCY, x->latency_us)) ||
	    (!x->no_reply &&
	     nla_put_u32(msg, MBUS_A_XFER_ELAPSED, x->elapsed_us)))
		goto err;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int mbus_nl_xfer_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct mbus_bus *bus;
	struct mbus_xfer *x;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, MBUS_A_XFER_FRAME))
		return -EINVAL;
	ret = mbus_nl_check_frame(info, MBUS_A_XFER_FRAME, false);
	if (ret)
		return ret;

	bus = mbus_nl_bus(info, MBUS_A_XFER_ID, 0);
	if (IS_ERR(bus))
		return PTR_ERR(bus);

	ret = -ENOMEM;
	x = kzalloc(sizeof(*x), GFP_KERNEL);
	if (!x)
		goto out;
	x->frame = nla_data(a[MBUS_A_XFER_FRAME]);
	x->len = nla_len(a[MBUS_A_XFER_FRAME]);
	if (a[MBUS_A_XFER_TIMEOUT_EXTRA])
		x->extra_ms = nla_get_u32(a[MBUS_A_XFER_TIMEOUT_EXTRA]);
	x->no_reply = nla_get_flag(a[MBUS_A_XFER_NO_REPLY]);

	ret = mbus_bus_transfer(bus, x);
	switch (ret) {
	case 0:
		ret = mbus_nl_xfer_reply(info, bus, x);
		break;
	case -ENETDOWN:
		NL_SET_ERR_MSG(info->extack, "the bus supply is off");
		break;
	case -EBUSY:
		NL_SET_ERR_MSG(info->extack, "the bus is in slave role");
		break;
	case -ENODEV:
		NL_SET_ERR_MSG(info->extack, "the bus went away");
		break;
	}
	kfree(x);
out:
	mbus_bus_put(bus);
	return ret;
}

static int mbus_nl_slave_listen_doit(struct sk_buff *skb,
				     struct genl_info *info)
{
	struct mbus_bus *bus;
	int ret;

	bus = mbus_nl_bus(info, MBUS_A_SLAVE_ID, 0);
	if (IS_ERR(bus))
		return PTR_ERR(bus);
	ret = mbus_bus_slave_listen(bus, info->snd_portid, info->extack);
	mbus_bus_put(bus);
	return ret;
}

static int mbus_nl_slave_reply_doit(struct sk_buff *skb,
				    struct genl_info *info)
{
	struct nlattr *frame = info->attrs[MBUS_A_SLAVE_FRAME];
	struct mbus_bus *bus;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, MBUS_A_SLAVE_SEQ))
		return -EINVAL;
	if (frame) {
		ret = mbus_nl_check_frame(info, MBUS_A_SLAVE_FRAME, true);
		if (ret)
			return ret;
	}

	bus = mbus_nl_bus(info, MBUS_A_SLAVE_ID, 0);
	if (IS_ERR(bus))
		return PTR_ERR(bus);
	ret = mbus_bus_slave_reply(bus,
				   nla_get_u32(info->attrs[MBUS_A_SLAVE_SEQ]),
				   frame ? nla_data(frame) : NULL,
				   frame ? nla_len(frame) : 0, info->extack);
	mbus_bus_put(bus);
	return ret;
}

static const struct genl_split_ops mbus_nl_ops[] = {
	{
		.cmd		= MBUS_CMD_BUS_GET,
		.doit		= mbus_nl_bus_get_doit,
		.policy		= mbus_bus_get_nl_policy,
		.maxattr	= MBUS_A_BUS_NAME,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= MBUS_CMD_BUS_GET,
		.dumpit		= mbus_nl_bus_get_dumpit,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= MBUS_CMD_BUS_SET,
		.doit		= mbus_nl_bus_set_doit,
		.policy		= mbus_bus_set_nl_policy,
		.maxattr	= MBUS_A_BUS_POWER,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= MBUS_CMD_XFER,
		.doit		= mbus_nl_xfer_doit,
		.policy		= mbus_xfer_nl_policy,
		.maxattr	= MBUS_A_XFER_NO_REPLY,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= MBUS_CMD_SLAVE_LISTEN,
		.doit		= mbus_nl_slave_listen_doit,
		.policy		= mbus_slave_listen_nl_policy,
		.maxattr	= MBUS_A_SLAVE_ID,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= MBUS_CMD_SLAVE_REPLY,
		.doit		= mbus_nl_slave_reply_doit,
		.policy		= mbus_slave_reply_nl_policy,
		.maxattr	= MBUS_A_SLAVE_FRAME,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
};

static const struct genl_multicast_group mbus_nl_mcgrps[] = {
	[MBUS_NLGRP_EVENTS] = { MBUS_MCGRP_EVENTS, },
	[MBUS_NLGRP_MONITOR] = { MBUS_MCGRP_MONITOR, },
};

static struct genl_family mbus_nl_family __ro_after_init = {
	.name		= MBUS_FAMILY_NAME,
	.version	= MBUS_FAMILY_VERSION,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.split_ops	= mbus_nl_ops,
	.n_split_ops	= ARRAY_SIZE(mbus_nl_ops),
	.mcgrps		= mbus_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(mbus_nl_mcgrps),
};

void mbus_nl_bus_event(struct mbus_bus *bus, enum mbus_event event)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&mbus_nl_family, &init_net, MBUS_NLGRP_EVENTS))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &mbus_nl_family, 0, MBUS_CMD_BUS_NTF);
	if (!hdr || mbus_nl_put_state(msg, bus, NULL) ||
	    nla_put_u32(msg, MBUS_A_BUS_EVENT, event)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&mbus_nl_family, msg, 0, MBUS_NLGRP_EVENTS,
			  GFP_KERNEL);
}

/* Called with state_lock held. */
void mbus_nl_monitor(struct mbus_bus *bus, enum mbus_direction dir,
		     const u8 *data, size_t len, int result)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&mbus_nl_family, &init_net, MBUS_NLGRP_MONITOR))
		return;
	msg = genlmsg_new(nla_total_size(len) + 128, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &mbus_nl_family, 0, MBUS_CMD_MONITOR_NTF);
	if (!hdr ||
	    nla_put_u32(msg, MBUS_A_MONITOR_ID, bus->id) ||
	    nla_put_u32(msg, MBUS_A_MONITOR_DIRECTION, dir) ||
	    nla_put_u64_64bit(msg, MBUS_A_MONITOR_TIMESTAMP, ktime_get_real_ns(),
			      MBUS_A_MONITOR_PAD) ||
	    nla_put(msg, MBUS_A_MONITOR_FRAME, len, data) ||
	    nla_put_u32(msg, MBUS_A_MONITOR_RESULT, result)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&mbus_nl_family, msg, 0, MBUS_NLGRP_MONITOR,
			  GFP_KERNEL);
}

/* Called with state_lock held. */
int mbus_nl_slave_frame(struct mbus_bus *bus, const u8 *frame, size_t len,
			u32 window_us)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size(len) + 128, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, 0, 0, &mbus_nl_family, 0, MBUS_CMD_SLAVE_FRAME);
	if (!hdr ||
	    nla_put_u32(msg, MBUS_A_SLAVE_ID, bus->id) ||
	    nla_put_u32(msg, MBUS_A_SLAVE_SEQ, bus->slave_seq) ||
	    nla_put(msg, MBUS_A_SLAVE_FRAME, len, frame) ||
	    nla_put_u64_64bit(msg, MBUS_A_SLAVE_TIMESTAMP, ktime_get_real_ns(),
			      MBUS_A_SLAVE_PAD) ||
	    nla_put_u32(msg, MBUS_A_SLAVE_WINDOW, window_us)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_unicast(&init_net, msg, READ_ONCE(bus->listener));
}

/* A closed socket stops listening as a slave. */
static int mbus_nl_urelease(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC &&
	    n->portid)
		mbus_release_port(n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block mbus_nl_notifier = {
	.notifier_call = mbus_nl_urelease,
};

int mbus_nl_init(void)
{
	int ret;

	ret = netlink_register_notifier(&mbus_nl_notifier);
	if (ret)
		return ret;
	ret = genl_register_family(&mbus_nl_family);
	if (ret)
		netlink_unregister_notifier(&mbus_nl_notifier);
	return ret;
}

void mbus_nl_exit(void)
{
	genl_unregister_family(&mbus_nl_family);
	netlink_unregister_notifier(&mbus_nl_notifier);
}
