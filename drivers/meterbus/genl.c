// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "meterbus", as specified in
 * Documentation/netlink/specs/meterbus.yaml. The policies are written by
 * hand because the 6.12 ynl-gen cannot generate a binary attribute with
 * both a minimum and a maximum length; every limit in them is a constant
 * of the uapi header that ynl-gen makes of the spec, and the selftests
 * compare the kernel's policy dump with those constants.
 */

#include <linux/lockdep.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "internal.h"

enum {
	METERBUS_NLGRP_EVENTS,
	METERBUS_NLGRP_MONITOR,
};

static struct genl_family meterbus_nl_family;

/* 38400 does not fit the policy's inline s16 limits */
static const struct netlink_range_validation meterbus_baud_range = {
	.min = METERBUS_BAUD_MIN,
	.max = METERBUS_BAUD_MAX,
};

static const struct nla_policy meterbus_bus_get_nl_policy[METERBUS_A_BUS_NAME + 1] = {
	[METERBUS_A_BUS_ID] = { .type = NLA_U32, },
	[METERBUS_A_BUS_NAME] = { .type = NLA_NUL_STRING,
				  .len = METERBUS_NAME_MAX_LEN, },
};

static const struct nla_policy meterbus_bus_set_nl_policy[METERBUS_A_BUS_POWER + 1] = {
	[METERBUS_A_BUS_ID] = { .type = NLA_U32, },
	[METERBUS_A_BUS_NAME] = { .type = NLA_NUL_STRING,
				  .len = METERBUS_NAME_MAX_LEN, },
	[METERBUS_A_BUS_ROLE] = NLA_POLICY_MAX(NLA_U32, METERBUS_ROLE_SLAVE),
	[METERBUS_A_BUS_BAUD] = NLA_POLICY_FULL_RANGE(NLA_U32, &meterbus_baud_range),
	[METERBUS_A_BUS_POWER] = NLA_POLICY_MAX(NLA_U32, 1),
};

static const struct nla_policy meterbus_xfer_nl_policy[METERBUS_A_XFER_NO_REPLY + 1] = {
	[METERBUS_A_XFER_ID] = { .type = NLA_U32, },
	[METERBUS_A_XFER_FRAME] = NLA_POLICY_RANGE(NLA_BINARY, METERBUS_SHORT_LEN,
					       METERBUS_FRAME_MAX),
	[METERBUS_A_XFER_TIMEOUT_EXTRA] = NLA_POLICY_MAX(NLA_U32,
						     METERBUS_TIMEOUT_EXTRA_MAX),
	[METERBUS_A_XFER_NO_REPLY] = { .type = NLA_FLAG, },
};

static const struct nla_policy meterbus_slave_listen_nl_policy[METERBUS_A_SLAVE_ID + 1] = {
	[METERBUS_A_SLAVE_ID] = { .type = NLA_U32, },
};

static const struct nla_policy meterbus_slave_reply_nl_policy[METERBUS_A_SLAVE_FRAME + 1] = {
	[METERBUS_A_SLAVE_ID] = { .type = NLA_U32, },
	[METERBUS_A_SLAVE_SEQ] = { .type = NLA_U32, },
	[METERBUS_A_SLAVE_FRAME] = NLA_POLICY_RANGE(NLA_BINARY, 1, METERBUS_FRAME_MAX),
};

static void meterbus_nl_frame_error(struct netlink_ext_ack *extack,
				    const struct nlattr *nla, int res)
{
	switch (res) {
	case METERBUS_RESULT_COLLISION:
		NL_SET_ERR_MSG_ATTR(extack, nla, "frame: bytes after the frame");
		break;
	case METERBUS_RESULT_BAD_CHECKSUM:
		NL_SET_ERR_MSG_ATTR(extack, nla, "frame: bad checksum");
		break;
	case METERBUS_RESULT_BAD_LENGTH:
		NL_SET_ERR_MSG_ATTR(extack, nla, "frame: bad length field");
		break;
	case METERBUS_RESULT_BAD_STOP:
		NL_SET_ERR_MSG_ATTR(extack, nla, "frame: bad stop byte");
		break;
	case METERBUS_RESULT_INCOMPLETE:
		NL_SET_ERR_MSG_ATTR(extack, nla, "frame: incomplete");
		break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, nla, "frame: bad start byte");
		break;
	}
}

/* Validate a frame attribute: one complete frame, E5h only if @ack. */
static int meterbus_nl_check_frame(struct genl_info *info, unsigned int attr,
				   bool ack)
{
	struct nlattr *nla = info->attrs[attr];
	int res = meterbus_frame_check(nla_data(nla), nla_len(nla));

	if (res == METERBUS_RESULT_OK && !ack && nla_len(nla) == 1)
		res = METERBUS_RESULT_GARBAGE;
	if (res == METERBUS_RESULT_OK)
		return 0;
	meterbus_nl_frame_error(info->extack, nla, res);
	return -EINVAL;
}

/* The bus named by the id (or name) attribute, with a reference. */
static struct meterbus_bus *meterbus_nl_bus(struct genl_info *info,
					    unsigned int id_attr, unsigned int name_attr)
{
	struct nlattr *id = info->attrs[id_attr];
	struct nlattr *name = name_attr ? info->attrs[name_attr] : NULL;
	struct meterbus_bus *bus;

	if (!id && !name) {
		NL_SET_ERR_MSG(info->extack, "bus id or name required");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, id_attr);
		return ERR_PTR(-EINVAL);
	}
	bus = meterbus_bus_find(id ? nla_get_u32(id) : 0,
				id ? NULL : nla_data(name));
	if (!bus) {
		NL_SET_ERR_MSG_ATTR(info->extack, id ?: name, "no such bus");
		return ERR_PTR(-ENODEV);
	}
	return bus;
}

static int meterbus_nl_put_stats(struct sk_buff *skb, const struct meterbus_stats *s)
{
	struct nlattr *nest = nla_nest_start(skb, METERBUS_A_BUS_STATS);

	if (!nest ||
	    nla_put_uint(skb, METERBUS_A_STATS_FRAMES_TX, s->frames_tx) ||
	    nla_put_uint(skb, METERBUS_A_STATS_FRAMES_RX, s->frames_rx) ||
	    nla_put_uint(skb, METERBUS_A_STATS_TIMEOUTS, s->timeouts) ||
	    nla_put_uint(skb, METERBUS_A_STATS_COLLISIONS, s->collisions) ||
	    nla_put_uint(skb, METERBUS_A_STATS_BAD_FRAMES, s->bad_frames))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* Attributes common to bus-get replies and bus-ntf. */
static int meterbus_nl_put_state(struct sk_buff *skb, struct meterbus_bus *bus,
				 struct meterbus_stats *stats)
{
	int ret;

	mutex_lock(&bus->state_lock);
	if (stats)
		*stats = bus->stats;
	ret = nla_put_u32(skb, METERBUS_A_BUS_ID, bus->id) ||
	      nla_put_string(skb, METERBUS_A_BUS_NAME, dev_name(&bus->dev)) ||
	      nla_put_u32(skb, METERBUS_A_BUS_ROLE, bus->role) ||
	      nla_put_u32(skb, METERBUS_A_BUS_BAUD, bus->baud) ||
	      nla_put_u32(skb, METERBUS_A_BUS_POWER, bus->power) ||
	      nla_put_u32(skb, METERBUS_A_BUS_OVER_CURRENT, bus->over_current);
	mutex_unlock(&bus->state_lock);
	return ret ? -EMSGSIZE : 0;
}

/* Cached state only: unprivileged readers never reach the hardware. */
static int meterbus_nl_fill_bus(struct sk_buff *skb, struct meterbus_bus *bus,
				u32 portid, u32 seq, int flags)
{
	struct meterbus_supply supply;
	struct meterbus_stats stats;
	bool measured;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &meterbus_nl_family, flags,
			  METERBUS_CMD_BUS_GET);
	if (!hdr)
		return -EMSGSIZE;

	if (meterbus_nl_put_state(skb, bus, &stats))
		goto cancel;
	mutex_lock(&bus->state_lock);
	supply = bus->supply;
	measured = bus->measured;
	mutex_unlock(&bus->state_lock);

	if (meterbus_nl_put_stats(skb, &stats) ||
	    (bus->dev.parent &&
	     nla_put_string(skb, METERBUS_A_BUS_PARENT, dev_name(bus->dev.parent))) ||
	    nla_put_u32(skb, METERBUS_A_BUS_BATTERY, supply.battery) ||
	    (measured &&
	     nla_put_u32(skb, METERBUS_A_BUS_VOLTAGE, supply.bus_mv)) ||
	    (measured && supply.has_budget &&
	     (nla_put_u32(skb, METERBUS_A_BUS_SUPPLY_VOLTAGE, supply.supply_mv) ||
	      nla_put_u32(skb, METERBUS_A_BUS_UNIT_LOADS, supply.unit_loads) ||
	      nla_put_u32(skb, METERBUS_A_BUS_CURRENT_LIMIT, supply.limit_ua) ||
	      nla_put_u32(skb, METERBUS_A_BUS_CURRENT, supply.bus_ua))))
		goto cancel;

	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int meterbus_nl_bus_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct meterbus_bus *bus;
	struct sk_buff *msg;
	int ret;

	bus = meterbus_nl_bus(info, METERBUS_A_BUS_ID, METERBUS_A_BUS_NAME);
	if (IS_ERR(bus))
		return PTR_ERR(bus);

	ret = -ENOMEM;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		goto out;
	ret = meterbus_nl_fill_bus(msg, bus, info->snd_portid, info->snd_seq, 0);
	if (ret) {
		nlmsg_free(msg);
		goto out;
	}
	ret = genlmsg_reply(msg, info);
out:
	meterbus_bus_put(bus);
	return ret;
}

static int meterbus_nl_bus_get_dumpit(struct sk_buff *skb,
				      struct netlink_callback *cb)
{
	unsigned long *index = (unsigned long *)cb->ctx;
	struct meterbus_bus *bus;
	int ret = 0;

	while ((bus = meterbus_bus_next(index))) {
		ret = meterbus_nl_fill_bus(skb, bus, NETLINK_CB(cb->skb).portid,
					   cb->nlh->nlmsg_seq, NLM_F_MULTI);
		meterbus_bus_put(bus);
		if (ret)
			break;
		(*index)++;
	}
	return ret == -EMSGSIZE && skb->len ? skb->len : ret;
}

static int meterbus_nl_bus_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	static const u32 rates[] = { 300, 600, 1200, 2400, 4800, 9600,
				     19200, 38400 };
	struct nlattr **a = info->attrs;
	enum meterbus_role role;
	struct meterbus_bus *bus;
	bool power;
	u32 baud;
	int i, ret;

	if (a[METERBUS_A_BUS_BAUD]) {
		baud = nla_get_u32(a[METERBUS_A_BUS_BAUD]);
		for (i = 0; i < ARRAY_SIZE(rates) && rates[i] != baud; i++)
			;
		if (i == ARRAY_SIZE(rates)) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[METERBUS_A_BUS_BAUD],
					    "baud: 300, 600, 1200, 2400, 4800, 9600, 19200 or 38400");
			return -EINVAL;
		}
	}
	if (a[METERBUS_A_BUS_POWER])
		power = nla_get_u32(a[METERBUS_A_BUS_POWER]);
	if (a[METERBUS_A_BUS_ROLE])
		role = nla_get_u32(a[METERBUS_A_BUS_ROLE]);

	bus = meterbus_nl_bus(info, METERBUS_A_BUS_ID, METERBUS_A_BUS_NAME);
	if (IS_ERR(bus))
		return PTR_ERR(bus);
	ret = meterbus_bus_set(bus, a[METERBUS_A_BUS_BAUD] ? &baud : NULL,
			       a[METERBUS_A_BUS_POWER] ? &power : NULL,
			   a[METERBUS_A_BUS_ROLE] ? &role : NULL, info->extack);
	meterbus_bus_put(bus);
	return ret;
}

static int meterbus_nl_xfer_reply(struct genl_info *info, struct meterbus_bus *bus,
				  const struct meterbus_xfer *x)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_iput(msg, info);
	if (!hdr)
		goto err;
	if (nla_put_u32(msg, METERBUS_A_XFER_ID, bus->id) ||
	    nla_put_u32(msg, METERBUS_A_XFER_RESULT, x->result) ||
	    (x->reply_len &&
	     nla_put(msg, METERBUS_A_XFER_REPLY, x->reply_len, x->reply)) ||
	    (x->raw_len && nla_put(msg, METERBUS_A_XFER_RAW, x->raw_len, x->raw)) ||
	    (x->latency_us &&
	     nla_put_u32(msg, METERBUS_A_XFER_LATENCY, x->latency_us)) ||
	    (!x->no_reply &&
	     nla_put_u32(msg, METERBUS_A_XFER_ELAPSED, x->elapsed_us)))
		goto err;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int meterbus_nl_xfer_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct meterbus_bus *bus;
	struct meterbus_xfer *x;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, METERBUS_A_XFER_FRAME))
		return -EINVAL;
	ret = meterbus_nl_check_frame(info, METERBUS_A_XFER_FRAME, false);
	if (ret)
		return ret;

	bus = meterbus_nl_bus(info, METERBUS_A_XFER_ID, 0);
	if (IS_ERR(bus))
		return PTR_ERR(bus);

	ret = -ENOMEM;
	x = kzalloc(sizeof(*x), GFP_KERNEL);
	if (!x)
		goto out;
	x->frame = nla_data(a[METERBUS_A_XFER_FRAME]);
	x->len = nla_len(a[METERBUS_A_XFER_FRAME]);
	if (a[METERBUS_A_XFER_TIMEOUT_EXTRA])
		x->extra_ms = nla_get_u32(a[METERBUS_A_XFER_TIMEOUT_EXTRA]);
	x->no_reply = nla_get_flag(a[METERBUS_A_XFER_NO_REPLY]);

	ret = meterbus_bus_transfer(bus, x);
	switch (ret) {
	case 0:
		ret = meterbus_nl_xfer_reply(info, bus, x);
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
	meterbus_bus_put(bus);
	return ret;
}

static int meterbus_nl_slave_listen_doit(struct sk_buff *skb,
					 struct genl_info *info)
{
	struct meterbus_bus *bus;
	int ret;

	bus = meterbus_nl_bus(info, METERBUS_A_SLAVE_ID, 0);
	if (IS_ERR(bus))
		return PTR_ERR(bus);
	ret = meterbus_bus_slave_listen(bus, info->snd_portid, info->extack);
	meterbus_bus_put(bus);
	return ret;
}

static int meterbus_nl_slave_reply_doit(struct sk_buff *skb,
					struct genl_info *info)
{
	struct nlattr *frame = info->attrs[METERBUS_A_SLAVE_FRAME];
	struct meterbus_bus *bus;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, METERBUS_A_SLAVE_SEQ))
		return -EINVAL;
	if (frame) {
		ret = meterbus_nl_check_frame(info, METERBUS_A_SLAVE_FRAME, true);
		if (ret)
			return ret;
	}

	bus = meterbus_nl_bus(info, METERBUS_A_SLAVE_ID, 0);
	if (IS_ERR(bus))
		return PTR_ERR(bus);
	ret = meterbus_bus_slave_reply(bus,
				       nla_get_u32(info->attrs[METERBUS_A_SLAVE_SEQ]),
				   frame ? nla_data(frame) : NULL,
				   frame ? nla_len(frame) : 0, info->extack);
	meterbus_bus_put(bus);
	return ret;
}

static const struct genl_split_ops meterbus_nl_ops[] = {
	{
		.cmd		= METERBUS_CMD_BUS_GET,
		.doit		= meterbus_nl_bus_get_doit,
		.policy		= meterbus_bus_get_nl_policy,
		.maxattr	= METERBUS_A_BUS_NAME,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= METERBUS_CMD_BUS_GET,
		.dumpit		= meterbus_nl_bus_get_dumpit,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= METERBUS_CMD_BUS_SET,
		.doit		= meterbus_nl_bus_set_doit,
		.policy		= meterbus_bus_set_nl_policy,
		.maxattr	= METERBUS_A_BUS_POWER,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= METERBUS_CMD_XFER,
		.doit		= meterbus_nl_xfer_doit,
		.policy		= meterbus_xfer_nl_policy,
		.maxattr	= METERBUS_A_XFER_NO_REPLY,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= METERBUS_CMD_SLAVE_LISTEN,
		.doit		= meterbus_nl_slave_listen_doit,
		.policy		= meterbus_slave_listen_nl_policy,
		.maxattr	= METERBUS_A_SLAVE_ID,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= METERBUS_CMD_SLAVE_REPLY,
		.doit		= meterbus_nl_slave_reply_doit,
		.policy		= meterbus_slave_reply_nl_policy,
		.maxattr	= METERBUS_A_SLAVE_FRAME,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
};

static const struct genl_multicast_group meterbus_nl_mcgrps[] = {
	[METERBUS_NLGRP_EVENTS] = { .name = METERBUS_MCGRP_EVENTS, },
	/* every frame on the wire: meter readings are personal data */
	[METERBUS_NLGRP_MONITOR] = {
		.name = METERBUS_MCGRP_MONITOR,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

static struct genl_family meterbus_nl_family __ro_after_init = {
	.name		= METERBUS_FAMILY_NAME,
	.version	= METERBUS_FAMILY_VERSION,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.split_ops	= meterbus_nl_ops,
	.n_split_ops	= ARRAY_SIZE(meterbus_nl_ops),
	.mcgrps		= meterbus_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(meterbus_nl_mcgrps),
};

void meterbus_nl_bus_event(struct meterbus_bus *bus, enum meterbus_event event)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&meterbus_nl_family, &init_net, METERBUS_NLGRP_EVENTS))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &meterbus_nl_family, 0, METERBUS_CMD_BUS_NTF);
	if (!hdr || meterbus_nl_put_state(msg, bus, NULL) ||
	    nla_put_u32(msg, METERBUS_A_BUS_EVENT, event)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&meterbus_nl_family, msg, 0, METERBUS_NLGRP_EVENTS,
			  GFP_KERNEL);
}

void meterbus_nl_monitor(struct meterbus_bus *bus, enum meterbus_direction dir,
			 const u8 *data, size_t len, int result)
{
	struct sk_buff *msg;
	void *hdr;

	lockdep_assert_held(&bus->state_lock);
	if (!genl_has_listeners(&meterbus_nl_family, &init_net, METERBUS_NLGRP_MONITOR))
		return;
	msg = genlmsg_new(nla_total_size(len) + 128, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &meterbus_nl_family, 0, METERBUS_CMD_MONITOR_NTF);
	if (!hdr ||
	    nla_put_u32(msg, METERBUS_A_MONITOR_ID, bus->id) ||
	    nla_put_u32(msg, METERBUS_A_MONITOR_DIRECTION, dir) ||
	    nla_put_uint(msg, METERBUS_A_MONITOR_TIMESTAMP, ktime_get_real_ns()) ||
	    nla_put(msg, METERBUS_A_MONITOR_FRAME, len, data) ||
	    nla_put_u32(msg, METERBUS_A_MONITOR_RESULT, result)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&meterbus_nl_family, msg, 0, METERBUS_NLGRP_MONITOR,
			  GFP_KERNEL);
}

/* Unicast a request of the external master to the listener at @portid. */
int meterbus_nl_slave_frame(struct meterbus_bus *bus, u32 portid, const u8 *frame,
			    size_t len, u32 window_us)
{
	struct sk_buff *msg;
	void *hdr;

	lockdep_assert_held(&bus->state_lock);
	msg = genlmsg_new(nla_total_size(len) + 128, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, 0, 0, &meterbus_nl_family, 0, METERBUS_CMD_SLAVE_FRAME);
	if (!hdr ||
	    nla_put_u32(msg, METERBUS_A_SLAVE_ID, bus->id) ||
	    nla_put_u32(msg, METERBUS_A_SLAVE_SEQ, bus->slave_seq) ||
	    nla_put(msg, METERBUS_A_SLAVE_FRAME, len, frame) ||
	    nla_put_uint(msg, METERBUS_A_SLAVE_TIMESTAMP, ktime_get_real_ns()) ||
	    nla_put_u32(msg, METERBUS_A_SLAVE_WINDOW, window_us)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_unicast(&init_net, msg, portid);
}

/* A closed socket stops listening as a slave. */
static int meterbus_nl_urelease(struct notifier_block *nb, unsigned long event,
				void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC &&
	    n->portid)
		meterbus_release_port(n->net, n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block meterbus_nl_notifier = {
	.notifier_call = meterbus_nl_urelease,
};

int meterbus_nl_init(void)
{
	int ret;

	ret = netlink_register_notifier(&meterbus_nl_notifier);
	if (ret)
		return ret;
	ret = genl_register_family(&meterbus_nl_family);
	if (ret)
		netlink_unregister_notifier(&meterbus_nl_notifier);
	return ret;
}

void meterbus_nl_exit(void)
{
	genl_unregister_family(&meterbus_nl_family);
	netlink_unregister_notifier(&meterbus_nl_notifier);
}
