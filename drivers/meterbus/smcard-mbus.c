// SPDX-License-Identifier: GPL-2.0
/*
 * M-Bus line driver of the OPTION CloudGate Smart Metering Expansion Card:
 * the card's M-Bus transceiver on a UART (serdev), its master supply (a
 * regulator of smcard-core) and its role select (IO controller register
 * METERBUS_CTRL.SLAVE). Link-layer logic is in the mbus core.
 *
 * The master feeds the bus from the card's VDC input, and what it can feed
 * depends on that voltage: 250 unit loads at 30 V, 64 at 24 V (product
 * documentation), none below the 21 V bus minimum. Before switching the
 * supply on, the driver reads VDC (IO controller ABI 1.1), derives the
 * load budget and sets the supply's over-current limit from it.
 */

#include <linux/device.h>
#include <linux/devm-helpers.h>
#include <linux/i2c.h>
#include <linux/jiffies.h>
#include <linux/math.h>
#include <linux/mfd/smcard.h>
#include <linux/meterbus.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/of.h>
#include <linux/of_platform.h>
#include <linux/platform_device.h>
#include <linux/regmap.h>
#include <linux/regulator/consumer.h>
#include <linux/serdev.h>
#include <linux/unaligned.h>
#include <linux/workqueue.h>

#define SMCARD_MBUS_BAUD	2400
#define SMCARD_MBUS_CHAR_BITS	11	/* 8E1 */

/* EN 13757-2: a unit load draws 1.5 mA; an answer adds 11..20 mA */
#define SMCARD_MBUS_UNIT_LOAD_UA	1500
#define SMCARD_MBUS_ANSWER_UA		20000
/* The supply points of the card's master, and the bus minimum */
#define SMCARD_MBUS_BUS_MIN_MV		21000
#define SMCARD_MBUS_LOW_MV		24000
#define SMCARD_MBUS_LOW_LOADS		64
#define SMCARD_MBUS_FULL_MV		30000
#define SMCARD_MBUS_FULL_LOADS		250

struct smcard_mbus {
	struct serdev_device *serdev;
	struct meterbus_bus *bus;
	struct smcard *ioc;
	struct regulator *vbus;
	struct notifier_block vbus_nb;
	struct work_struct fault_work;
	/* serializes supply switching; protects supply_on writes */
	struct mutex supply_lock;
	bool supply_on;
	bool has_vdc;		/* the controller measures VDC (ABI >= 1.1) */
	u32 baud;
};

/*
 * Unit loads the master can feed from @vdc_mv: linear between the
 * documented points (no load at the bus minimum, where a drop on the
 * cable leaves the far meters without supply; 64 at 24 V; 250 at 30 V),
 * rounded down, so a documented point is never exceeded.
 */
static u32 smcard_mbus_unit_loads(u32 vdc_mv)
{
	if (vdc_mv < SMCARD_MBUS_BUS_MIN_MV)
		return 0;
	if (vdc_mv < SMCARD_MBUS_LOW_MV)
		return SMCARD_MBUS_LOW_LOADS * (vdc_mv - SMCARD_MBUS_BUS_MIN_MV) /
		       (SMCARD_MBUS_LOW_MV - SMCARD_MBUS_BUS_MIN_MV);
	if (vdc_mv < SMCARD_MBUS_FULL_MV)
		return SMCARD_MBUS_LOW_LOADS +
		       (SMCARD_MBUS_FULL_LOADS - SMCARD_MBUS_LOW_LOADS) *
		       (vdc_mv - SMCARD_MBUS_LOW_MV) /
		       (SMCARD_MBUS_FULL_MV - SMCARD_MBUS_LOW_MV);
	return SMCARD_MBUS_FULL_LOADS;
}

/* The over-current limit for @loads: their current and one answer, in mA steps. */
static int smcard_mbus_limit_ua(u32 loads)
{
	return rounddown(loads * SMCARD_MBUS_UNIT_LOAD_UA + SMCARD_MBUS_ANSWER_UA,
			 1000);
}

static int smcard_mbus_read_vdc(struct smcard_mbus *sm, u32 *mv)
{
	u8 buf[2];
	int ret;

	ret = regmap_bulk_read(sm->ioc->regmap, SMCARD_REG_VDC_VOLTAGE, buf,
			       sizeof(buf));
	if (!ret)
		*mv = get_unaligned_le16(buf);
	return ret;
}

/* Refuse a VDC below the bus minimum; set the limit for what it feeds. */
static int smcard_mbus_set_budget(struct smcard_mbus *sm,
				  struct netlink_ext_ack *extack)
{
	u32 mv, loads;
	int limit, ret;

	if (!sm->has_vdc)
		return 0;
	ret = smcard_mbus_read_vdc(sm, &mv);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot read the VDC supply voltage");
		return ret;
	}
	if (mv < SMCARD_MBUS_BUS_MIN_MV) {
		NL_SET_ERR_MSG_FMT(extack,
				   "VDC supply %u mV is below the bus minimum of %u mV: no master supply",
				   mv, SMCARD_MBUS_BUS_MIN_MV);
		return -EBUSY;
	}
	loads = smcard_mbus_unit_loads(mv);
	if (!loads) {
		NL_SET_ERR_MSG_FMT(extack,
				   "VDC supply %u mV feeds no unit load: no master supply",
				   mv);
		return -EBUSY;
	}
	limit = smcard_mbus_limit_ua(loads);
	ret = regulator_set_current_limit(sm->vbus, limit, limit);
	if (ret == -EPERM) {
		/* a device tree without regulator-{min,max}-microamp */
		dev_warn_once(&sm->serdev->dev,
			      "the supply's current limit is fixed: the controller keeps its own\n");
		return 0;
	}
	if (ret)
		NL_SET_ERR_MSG(extack, "cannot set the bus supply's current limit");
	return ret;
}

static int smcard_mbus_write(struct meterbus_bus *bus, const u8 *buf, size_t len)
{
	struct smcard_mbus *sm = meterbus_bus_priv(bus);
	/* wire time plus a second for the UART and the scheduler */
	long timeout = usecs_to_jiffies(div_u64((u64)len * SMCARD_MBUS_CHAR_BITS *
						USEC_PER_SEC, sm->baud)) + HZ;
	ssize_t n;

	n = serdev_device_write(sm->serdev, buf, len, timeout);
	if (n < 0)
		return n;
	if (n != len) {
		serdev_device_write_flush(sm->serdev);
		return -ETIMEDOUT;
	}
	serdev_device_wait_until_sent(sm->serdev, timeout);
	return 0;
}

static int smcard_mbus_set_baud(struct meterbus_bus *bus, u32 baud)
{
	struct smcard_mbus *sm = meterbus_bus_priv(bus);

	if (serdev_device_set_baudrate(sm->serdev, baud) != baud)
		return -EINVAL;
	sm->baud = baud;
	return 0;
}

static bool smcard_mbus_on_battery(struct meterbus_bus *bus)
{
	struct smcard_mbus *sm = meterbus_bus_priv(bus);
	unsigned int status;

	return !regmap_read(sm->ioc->regmap, SMCARD_REG_STATUS, &status) &&
	       (status & SMCARD_STATUS_BATTERY);
}

static int smcard_mbus_set_power(struct meterbus_bus *bus, bool on,
				 struct netlink_ext_ack *extack)
{
	struct smcard_mbus *sm = meterbus_bus_priv(bus);
	int ret = 0;

	if (on && smcard_mbus_on_battery(bus)) {
		NL_SET_ERR_MSG(extack, "the card runs on battery: no master supply");
		return -EBUSY;
	}

	mutex_lock(&sm->supply_lock);
	if (on && !sm->supply_on) {
		ret = smcard_mbus_set_budget(sm, extack);
		if (!ret) {
			ret = regulator_enable(sm->vbus);
			if (ret)
				NL_SET_ERR_MSG(extack,
					       "the bus supply did not start (over-current?)");
		}
		if (!ret)
			WRITE_ONCE(sm->supply_on, true);
	} else if (!on && sm->supply_on) {
		/* Cleared first: the DISABLE notification is ours. */
		WRITE_ONCE(sm->supply_on, false);
		ret = regulator_disable(sm->vbus);
		/* Still on for the regulator core: the next off tries again */
		if (ret)
			WRITE_ONCE(sm->supply_on, true);
	}
	mutex_unlock(&sm->supply_lock);
	return ret;
}

static int smcard_mbus_set_role(struct meterbus_bus *bus, enum meterbus_role role,
				struct netlink_ext_ack *extack)
{
	struct smcard_mbus *sm = meterbus_bus_priv(bus);
	int ret;

	if (role == METERBUS_ROLE_SLAVE) {
		ret = smcard_mbus_set_power(bus, false, extack);
		if (ret)
			return ret;
	}
	ret = regmap_update_bits(sm->ioc->regmap, SMCARD_REG_MBUS_CTRL,
				 SMCARD_MBUS_CTRL_SLAVE,
				 role == METERBUS_ROLE_SLAVE ? SMCARD_MBUS_CTRL_SLAVE : 0);
	if (ret)
		NL_SET_ERR_MSG(extack, "the IO controller did not switch the role");
	return ret;
}

static int smcard_mbus_measure(struct meterbus_bus *bus,
			       struct meterbus_supply *s)
{
	struct smcard_mbus *sm = meterbus_bus_priv(bus);
	unsigned int status;
	u8 buf[4];
	int limit, ret;

	ret = regmap_read(sm->ioc->regmap, SMCARD_REG_STATUS, &status);
	if (ret)
		return ret;
	ret = regmap_bulk_read(sm->ioc->regmap, SMCARD_REG_MBUS_VOLTAGE, buf, 2);
	if (ret)
		return ret;
	s->battery = status & SMCARD_STATUS_BATTERY;
	s->bus_mv = get_unaligned_le16(buf);
	if (!sm->has_vdc)
		return 0;

	/* VDC_VOLTAGE and MBUS_CURRENT: one read, one snapshot */
	ret = regmap_bulk_read(sm->ioc->regmap, SMCARD_REG_VDC_VOLTAGE, buf, 4);
	if (ret)
		return ret;
	limit = regulator_get_current_limit(sm->vbus);
	if (limit < 0)
		return limit;
	s->has_budget = true;
	s->supply_mv = get_unaligned_le16(buf);
	s->unit_loads = smcard_mbus_unit_loads(s->supply_mv);
	s->limit_ua = limit;
	s->bus_ua = get_unaligned_le16(buf + 2) * SMCARD_MBUS_CURRENT_UNIT_UA;
	return 0;
}

static const struct meterbus_bus_ops smcard_mbus_ops = {
	.write = smcard_mbus_write,
	.set_baud = smcard_mbus_set_baud,
	.set_power = smcard_mbus_set_power,
	.set_role = smcard_mbus_set_role,
	.measure = smcard_mbus_measure,
};

static size_t smcard_mbus_receive_buf(struct serdev_device *serdev,
				      const u8 *buf, size_t count)
{
	struct smcard_mbus *sm = serdev_device_get_drvdata(serdev);

	meterbus_bus_receive(sm->bus, buf, count);
	return count;
}

static const struct serdev_device_ops smcard_mbus_serdev_ops = {
	.receive_buf = smcard_mbus_receive_buf,
	.write_wakeup = serdev_device_write_wakeup,
};

/* The supply went off by itself: give back our enable. */
static void smcard_mbus_fault_work(struct work_struct *work)
{
	struct smcard_mbus *sm = container_of(work, struct smcard_mbus,
					      fault_work);

	mutex_lock(&sm->supply_lock);
	if (sm->supply_on) {
		WRITE_ONCE(sm->supply_on, false);
		if (regulator_disable(sm->vbus))
			WRITE_ONCE(sm->supply_on, true);
	}
	mutex_unlock(&sm->supply_lock);
	meterbus_bus_measure(sm->bus);
}

static int smcard_mbus_vbus_event(struct notifier_block *nb,
				  unsigned long event, void *data)
{
	struct smcard_mbus *sm = container_of(nb, struct smcard_mbus, vbus_nb);
	enum meterbus_event ev;

	if (event & REGULATOR_EVENT_OVER_CURRENT)
		ev = METERBUS_EVENT_OVER_CURRENT;
	else if ((event & REGULATOR_EVENT_DISABLE) && READ_ONCE(sm->supply_on))
		ev = METERBUS_EVENT_POWER_FAULT;
	else
		return NOTIFY_DONE;

	/* An unregistered bus gives the supply back itself. */
	if (!meterbus_bus_fault(sm->bus, ev))
		return NOTIFY_DONE;
	schedule_work(&sm->fault_work);
	return NOTIFY_OK;
}

static void smcard_mbus_put_ioc(void *data)
{
	put_device(data);
}

static void smcard_mbus_put_bus(void *data)
{
	meterbus_bus_put(data);
}

static void smcard_mbus_unregister(void *data)
{
	struct smcard_mbus *sm = data;

	meterbus_bus_unregister(sm->bus);
	mutex_lock(&sm->supply_lock);
	if (sm->supply_on) {
		sm->supply_on = false;
		regulator_disable(sm->vbus);
	}
	mutex_unlock(&sm->supply_lock);
}

/* The IO controller (smcard-core, an I2C client) behind option,io-controller */
static int smcard_mbus_get_ioc(struct smcard_mbus *sm, struct device *dev)
{
	struct i2c_client *client;
	struct device_node *np;
	int ret;

	np = of_parse_phandle(dev->of_node, "option,io-controller", 0);
	if (!np)
		return dev_err_probe(dev, -ENODEV, "no option,io-controller\n");
	client = of_find_i2c_device_by_node(np);
	of_node_put(np);
	if (!client)
		return dev_err_probe(dev, -EPROBE_DEFER, "no IO controller yet\n");
	ret = devm_add_action_or_reset(dev, smcard_mbus_put_ioc, &client->dev);
	if (ret)
		return ret;

	sm->ioc = i2c_get_clientdata(client);
	if (!sm->ioc)
		return dev_err_probe(dev, -EPROBE_DEFER, "IO controller not bound\n");
	/*
	 * A persistent link: unbinding the IO controller unbinds this driver,
	 * and binding it again probes this driver again.
	 */
	if (!device_link_add(dev, &client->dev, DL_FLAG_AUTOPROBE_CONSUMER))
		return dev_err_probe(dev, -EINVAL, "no link to the IO controller\n");
	return 0;
}

/*
 * The same for the bus supply, another cell of the card: its driver can be
 * unbound alone, and the regulator core only warns when a supply in use
 * goes away.
 */
static int smcard_mbus_link_supply(struct device *dev)
{
	struct device_node *np = of_parse_phandle(dev->of_node, "vbus-supply", 0);
	struct platform_device *pdev;
	struct device_link *link;

	if (!np)
		return dev_err_probe(dev, -ENODEV, "no vbus-supply\n");
	pdev = of_find_device_by_node(np);
	of_node_put(np);
	if (!pdev)
		return dev_err_probe(dev, -EPROBE_DEFER, "no supply device yet\n");
	link = device_link_add(dev, &pdev->dev, DL_FLAG_AUTOPROBE_CONSUMER);
	put_device(&pdev->dev);
	if (!link)
		return dev_err_probe(dev, -EINVAL, "no link to the supply\n");
	return 0;
}

static int smcard_mbus_probe(struct serdev_device *serdev)
{
	struct device *dev = &serdev->dev;
	struct smcard_mbus *sm;
	unsigned int minor;
	int ret;

	sm = devm_kzalloc(dev, sizeof(*sm), GFP_KERNEL);
	if (!sm)
		return -ENOMEM;
	sm->serdev = serdev;
	sm->baud = SMCARD_MBUS_BAUD;
	mutex_init(&sm->supply_lock);

	ret = smcard_mbus_get_ioc(sm, dev);
	if (ret)
		return ret;

	sm->vbus = devm_regulator_get(dev, "vbus");
	if (IS_ERR(sm->vbus))
		return dev_err_probe(dev, PTR_ERR(sm->vbus), "no vbus supply\n");
	ret = smcard_mbus_link_supply(dev);
	if (ret)
		return ret;

	ret = regmap_read(sm->ioc->regmap, SMCARD_REG_ABI_MINOR, &minor);
	if (ret)
		return dev_err_probe(dev, ret, "cannot read the ABI version\n");
	sm->has_vdc = minor >= 1;

	/* Start as master with the supply off, as after a controller reset. */
	ret = regmap_update_bits(sm->ioc->regmap, SMCARD_REG_MBUS_CTRL,
				 SMCARD_MBUS_CTRL_SLAVE | SMCARD_MBUS_CTRL_POWER, 0);
	if (ret)
		return dev_err_probe(dev, ret, "failed to select master role\n");

	sm->bus = meterbus_bus_alloc(dev, &smcard_mbus_ops, sm);
	if (IS_ERR(sm->bus))
		return PTR_ERR(sm->bus);
	ret = devm_add_action_or_reset(dev, smcard_mbus_put_bus, sm->bus);
	if (ret)
		return ret;

	/*
	 * Cancelled on unbind after the supply notifier, which queues it, is
	 * gone, and before the bus and the supply it uses are put.
	 */
	ret = devm_work_autocancel(dev, &sm->fault_work, smcard_mbus_fault_work);
	if (ret)
		return ret;

	serdev_device_set_drvdata(serdev, sm);
	serdev_device_set_client_ops(serdev, &smcard_mbus_serdev_ops);
	ret = devm_serdev_device_open(dev, serdev);
	if (ret)
		return dev_err_probe(dev, ret, "failed to open the UART\n");

	/* 8E1, no flow control: serdev opens with CRTSCTS on. */
	serdev_device_set_flow_control(serdev, false);
	ret = serdev_device_set_parity(serdev, SERDEV_PARITY_EVEN);
	if (ret)
		return dev_err_probe(dev, ret, "UART without even parity\n");
	if (serdev_device_set_baudrate(serdev, sm->baud) != sm->baud)
		return dev_err_probe(dev, -EINVAL, "UART refuses %u Bd\n",
				     sm->baud);

	sm->vbus_nb.notifier_call = smcard_mbus_vbus_event;
	ret = devm_regulator_register_notifier(sm->vbus, &sm->vbus_nb);
	if (ret)
		return dev_err_probe(dev, ret, "no supply notifications\n");

	ret = meterbus_bus_register(sm->bus, sm->baud, false);
	if (ret)
		return dev_err_probe(dev, ret, "failed to register the bus\n");
	return devm_add_action_or_reset(dev, smcard_mbus_unregister, sm);
}

static const struct of_device_id smcard_mbus_of_match[] = {
	{ .compatible = "option,smcard-mbus" },
	{ }
};
MODULE_DEVICE_TABLE(of, smcard_mbus_of_match);

static struct serdev_device_driver smcard_mbus_driver = {
	.probe = smcard_mbus_probe,
	.driver = {
		.name = "smcard-mbus",
		.of_match_table = smcard_mbus_of_match,
	},
};
module_serdev_device_driver(smcard_mbus_driver);

MODULE_DESCRIPTION("M-Bus line driver of the Smart Metering Expansion Card");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(METERBUS);
