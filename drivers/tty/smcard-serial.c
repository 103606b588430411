// SPDX-License-Identifier: GPL-2.0
/*
 * Isolated serial transceiver of the OPTION CloudGate Smart Metering
 * Expansion Card: RS232 / RS422 / RS485 half or full duplex and the RS485
 * termination, switched by the IO controller (SERIAL_CTRL).
 *
 * The transceiver follows the RS485 settings of the slot's UART
 * (TIOCSRS485): it is a GPIO provider whose lines carry the struct
 * serial_rs485 flags the card cares about. The serial core drives the
 * termination and RX-during-TX lines (rs485-term-gpios,
 * rs485-rx-during-tx-gpios); the slot UART's driver drives the enable and
 * RS422 lines. The sysfs knobs are a second view of the same state: a
 * write changes the transceiver and the UART's settings alike.
 *
 * sysfs: Documentation/ABI/testing/sysfs-driver-smcard-serial
 */

#include <dt-bindings/mfd/smcard.h>
#include <linux/bitfield.h>
#include <linux/bitops.h>
#include <linux/device.h>
#include <linux/gpio/driver.h>
#include <linux/kstrtox.h>
#include <linux/mfd/smcard.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/of_platform.h>
#include <linux/platform_device.h>
#include <linux/regmap.h>
#include <linux/serial_core.h>
#include <linux/string.h>
#include <linux/sysfs.h>

/* The serial_rs485 flags the transceiver implements */
#define SMCARD_SERIAL_FLAGS	(SER_RS485_ENABLED | SER_RS485_MODE_RS422 | \
				 SER_RS485_RX_DURING_TX | \
				 SER_RS485_TERMINATE_BUS)

/* Indexed by SERIAL_CTRL.MODE */
static const char * const smcard_serial_modes[] = {
	[SMCARD_SERIAL_MODE_RS232] = "rs232",
	[SMCARD_SERIAL_MODE_RS422] = "rs422",
	[SMCARD_SERIAL_MODE_RS485_HALF] = "rs485-half",
	[SMCARD_SERIAL_MODE_RS485_FULL] = "rs485-full",
};

/* The documented mapping of modes to serial_rs485 flags */
static const u32 smcard_serial_mode_flags[] = {
	[SMCARD_SERIAL_MODE_RS232] = 0,
	[SMCARD_SERIAL_MODE_RS422] = SER_RS485_ENABLED | SER_RS485_MODE_RS422,
	[SMCARD_SERIAL_MODE_RS485_HALF] = SER_RS485_ENABLED,
	[SMCARD_SERIAL_MODE_RS485_FULL] = SER_RS485_ENABLED |
					  SER_RS485_RX_DURING_TX,
};

/* GPIO line -> flag */
static const u32 smcard_serial_line_flags[] = {
	[SMCARD_SERIAL_LINE_TERM] = SER_RS485_TERMINATE_BUS,
	[SMCARD_SERIAL_LINE_RX_DURING_TX] = SER_RS485_RX_DURING_TX,
	[SMCARD_SERIAL_LINE_ENABLED] = SER_RS485_ENABLED,
	[SMCARD_SERIAL_LINE_MODE_RS422] = SER_RS485_MODE_RS422,
};

static const char * const smcard_serial_line_names[] = {
	[SMCARD_SERIAL_LINE_TERM] = "RS485_TERM",
	[SMCARD_SERIAL_LINE_RX_DURING_TX] = "RS485_RX_DURING_TX",
	[SMCARD_SERIAL_LINE_ENABLED] = "RS485_ENABLED",
	[SMCARD_SERIAL_LINE_MODE_RS422] = "RS485_MODE_RS422",
};

/**
 * struct smcard_serial - the transceiver
 * @dev: the MFD cell
 * @regmap: the IO controller's registers
 * @gc: the lines of the serial_rs485 flags
 * @uart: the slot's UART (option,uart), NULL if not described
 * @knob_lock: see its comment
 * @lock: see its comment
 * @flags: the flags the lines and the knobs set. SERIAL_CTRL holds them
 *	except RX_DURING_TX and MODE_RS422 while RS485 is off, which the
 *	lines may set before the UART's driver sets ENABLED.
 */
struct smcard_serial {
	struct device *dev;
	struct regmap *regmap;
	struct gpio_chip gc;
	struct device *uart;
	struct mutex knob_lock;	/* a knob write: transceiver and UART */
	struct mutex lock;	/* flags and SERIAL_CTRL */
	u32 flags;
};

static unsigned int smcard_serial_mode(u32 flags)
{
	if (!(flags & SER_RS485_ENABLED))
		return SMCARD_SERIAL_MODE_RS232;
	if (flags & SER_RS485_MODE_RS422)
		return SMCARD_SERIAL_MODE_RS422;
	if (flags & SER_RS485_RX_DURING_TX)
		return SMCARD_SERIAL_MODE_RS485_FULL;
	return SMCARD_SERIAL_MODE_RS485_HALF;
}

static u32 smcard_serial_ctrl_flags(unsigned int ctrl)
{
	u32 flags = smcard_serial_mode_flags[FIELD_GET(SMCARD_SERIAL_CTRL_MODE,
						       ctrl)];

	if (ctrl & SMCARD_SERIAL_CTRL_TERM)
		flags |= SER_RS485_TERMINATE_BUS;
	return flags;
}

/* Give the transceiver @flags */
static int smcard_serial_apply(struct smcard_serial *ss, u32 flags)
{
	unsigned int ctrl;
	int ret;

	lockdep_assert_held(&ss->lock);

	ctrl = FIELD_PREP(SMCARD_SERIAL_CTRL_MODE, smcard_serial_mode(flags));
	if (flags & SER_RS485_TERMINATE_BUS)
		ctrl |= SMCARD_SERIAL_CTRL_TERM;

	ret = smcard_reg_update(ss->regmap, SMCARD_REG_SERIAL_CTRL,
				SMCARD_SERIAL_CTRL_MODE | SMCARD_SERIAL_CTRL_TERM,
				ctrl);
	if (!ret)
		ss->flags = flags;
	else if (!regmap_read(ss->regmap, SMCARD_REG_SERIAL_CTRL, &ctrl))
		/* The core made the cache show what the controller took */
		ss->flags = smcard_serial_ctrl_flags(ctrl);

	return ret;
}

static int smcard_serial_get_direction(struct gpio_chip *gc,
				       unsigned int offset)
{
	return GPIO_LINE_DIRECTION_OUT;
}

static int smcard_serial_get(struct gpio_chip *gc, unsigned int offset)
{
	struct smcard_serial *ss = gpiochip_get_data(gc);

	guard(mutex)(&ss->lock);
	return !!(ss->flags & smcard_serial_line_flags[offset]);
}

static int smcard_serial_set_multiple(struct gpio_chip *gc,
				      unsigned long *mask, unsigned long *bits)
{
	struct smcard_serial *ss = gpiochip_get_data(gc);
	unsigned int line;
	u32 flags;

	guard(mutex)(&ss->lock);
	flags = ss->flags;
	for_each_set_bit(line, mask, ARRAY_SIZE(smcard_serial_line_flags)) {
		if (test_bit(line, bits))
			flags |= smcard_serial_line_flags[line];
		else
			flags &= ~smcard_serial_line_flags[line];
	}

	return smcard_serial_apply(ss, flags);
}

static int smcard_serial_set(struct gpio_chip *gc, unsigned int offset,
			     int value)
{
	unsigned long mask = BIT(offset), bits = value ? BIT(offset) : 0;

	return smcard_serial_set_multiple(gc, &mask, &bits);
}

static int smcard_serial_direction_output(struct gpio_chip *gc,
					  unsigned int offset, int value)
{
	return smcard_serial_set(gc, offset, value);
}

/*
 * The uart_port behind the slot UART's tty device. The serial core keeps
 * the port's tty_port as the tty device's drvdata, inside its uart_state
 * (its own sysfs attributes find the port the same way).
 */
static int smcard_serial_find_tty(struct device *dev, void *data)
{
	struct device **tty = data;

	if (dev->class && !strcmp(dev->class->name, "tty") &&
	    dev->parent && dev->parent->bus &&
	    !strcmp(dev->parent->bus->name, "serial-base")) {
		*tty = get_device(dev);
		return 1;
	}

	return device_for_each_child(dev, data, smcard_serial_find_tty);
}

/*
 * Apply the transceiver's @flags to the UART's RS485 settings, as
 * TIOCSRS485 would: the UART's rs485_config() under the port lock, RS485
 * off clears every setting. Called under the port's mutex.
 */
static int smcard_serial_port_update(struct uart_port *uport, u32 flags)
{
	const u32 supported = uport->rs485_supported.flags;
	struct serial_rs485 rs485;
	unsigned long irqflags;
	int ret;

	rs485 = uport->rs485;
	if (!(flags & SER_RS485_ENABLED)) {
		memset(&rs485, 0, sizeof(rs485));
	} else {
		if ((flags & SMCARD_SERIAL_FLAGS) & ~supported)
			return -EOPNOTSUPP;
		rs485.flags &= ~SMCARD_SERIAL_FLAGS;
		rs485.flags |= flags;
		if (flags & SER_RS485_MODE_RS422)
			rs485.flags &= SER_RS485_ENABLED |
				       SER_RS485_MODE_RS422 |
				       SER_RS485_TERMINATE_BUS;
		else if (!(rs485.flags & (SER_RS485_RTS_ON_SEND |
					  SER_RS485_RTS_AFTER_SEND)))
			rs485.flags |= supported & SER_RS485_RTS_ON_SEND ?:
				       SER_RS485_RTS_AFTER_SEND;
	}

	uart_port_lock_irqsave(uport, &irqflags);
	ret = uport->rs485_config(uport, NULL, &rs485);
	if (!ret) {
		uport->rs485 = rs485;
		if (!(rs485.flags & SER_RS485_ENABLED))
			uport->ops->set_mctrl(uport, uport->mctrl);
	}
	uart_port_unlock_irqrestore(uport, irqflags);

	return ret;
}

/*
 * Give the transceiver and the UART @flags. The UART stays bound while
 * its device lock is held, so its port and the serial core's state for it
 * stay allocated; the port's mutex orders this against TIOCSRS485, which
 * sets the lines under the same mutex.
 */
static int smcard_serial_set_flags(struct smcard_serial *ss, u32 flags)
{
	struct device *tty = NULL;
	struct uart_state *state;
	struct uart_port *uport;
	int ret;

	guard(mutex)(&ss->knob_lock);

	if (ss->uart) {
		device_lock(ss->uart);
		if (ss->uart->driver)
			device_for_each_child(ss->uart, &tty,
					      smcard_serial_find_tty);
		if (!tty)
			device_unlock(ss->uart);
	}
	if (!tty) {
		guard(mutex)(&ss->lock);
		return smcard_serial_apply(ss, flags);
	}

	state = container_of((struct tty_port *)dev_get_drvdata(tty),
			     struct uart_state, port);
	mutex_lock(&state->port.mutex);
	scoped_guard(mutex, &ss->lock)
		ret = smcard_serial_apply(ss, flags);
	uport = state->uart_port;
	if (!ret && uport && uport->rs485_config &&
	    (uport->rs485_supported.flags & SER_RS485_ENABLED))
		ret = smcard_serial_port_update(uport, flags);
	mutex_unlock(&state->port.mutex);
	put_device(tty);
	device_unlock(ss->uart);

	return ret;
}

static int smcard_serial_read_ctrl(struct smcard_serial *ss,
				   unsigned int *ctrl)
{
	return regmap_read(ss->regmap, SMCARD_REG_SERIAL_CTRL, ctrl);
}

static ssize_t serial_mode_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct smcard_serial *ss = dev_get_drvdata(dev);
	unsigned int ctrl;
	int ret;

	ret = smcard_serial_read_ctrl(ss, &ctrl);
	if (ret)
		return ret;

	return sysfs_emit(buf, "%s\n",
			  smcard_serial_modes[FIELD_GET(SMCARD_SERIAL_CTRL_MODE,
							ctrl)]);
}

static ssize_t serial_mode_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t count)
{
	struct smcard_serial *ss = dev_get_drvdata(dev);
	u32 flags;
	int mode, ret;

	mode = sysfs_match_string(smcard_serial_modes, buf);
	if (mode < 0)
		return mode;

	scoped_guard(mutex, &ss->lock)
		flags = (ss->flags & SER_RS485_TERMINATE_BUS) |
			smcard_serial_mode_flags[mode];
	ret = smcard_serial_set_flags(ss, flags);

	return ret ?: count;
}
static DEVICE_ATTR_RW(serial_mode);

static ssize_t rs485_termination_show(struct device *dev,
				      struct device_attribute *attr, char *buf)
{
	struct smcard_serial *ss = dev_get_drvdata(dev);
	unsigned int ctrl;
	int ret;

	ret = smcard_serial_read_ctrl(ss, &ctrl);
	if (ret)
		return ret;

	return sysfs_emit(buf, "%u\n", !!(ctrl & SMCARD_SERIAL_CTRL_TERM));
}

static ssize_t rs485_termination_store(struct device *dev,
				       struct device_attribute *attr,
				       const char *buf, size_t count)
{
	struct smcard_serial *ss = dev_get_drvdata(dev);
	unsigned int on;
	u32 flags;
	int ret;

	ret = kstrtouint(buf, 10, &on);
	if (ret)
		return ret;
	if (on > 1)
		return -EINVAL;

	scoped_guard(mutex, &ss->lock)
		flags = ss->flags & ~SER_RS485_TERMINATE_BUS;
	if (on)
		flags |= SER_RS485_TERMINATE_BUS;
	ret = smcard_serial_set_flags(ss, flags);

	return ret ?: count;
}
static DEVICE_ATTR_RW(rs485_termination);

static struct attribute *smcard_serial_attrs[] = {
	&dev_attr_serial_mode.attr,
	&dev_attr_rs485_termination.attr,
	NULL
};
ATTRIBUTE_GROUPS(smcard_serial);

static void smcard_serial_unlink(void *data)
{
	struct device *dev = data;

	sysfs_remove_link(&dev->kobj, "uart");
}

static void smcard_serial_put_device(void *data)
{
	put_device(data);
}

/*
 * The UART this transceiver belongs to, if described: linked as "uart" in
 * sysfs, and a consumer of the lines, so it is unbound while they are gone
 * and probed again when they are back.
 */
static int smcard_serial_link_uart(struct smcard_serial *ss)
{
	struct device *dev = ss->dev;
	struct platform_device *uart;
	struct device_node *np;
	int ret;

	np = of_parse_phandle(dev->of_node, "option,uart", 0);
	if (!np)
		return 0;

	uart = of_find_device_by_node(np);
	of_node_put(np);
	if (!uart)
		return dev_err_probe(dev, -EPROBE_DEFER, "UART not there yet\n");

	ret = devm_add_action_or_reset(dev, smcard_serial_put_device,
				       &uart->dev);
	if (ret)
		return ret;
	ss->uart = &uart->dev;

	if (!device_link_add(ss->uart, dev, DL_FLAG_AUTOPROBE_CONSUMER))
		return dev_err_probe(dev, -EINVAL, "cannot link the UART\n");
	/*
	 * fw_devlink may have linked it first, from its *-gpios properties,
	 * and an existing link does not take the auto-probe flag: ask for a
	 * probe, which waits on the deferred list until this one is bound.
	 */
	ret = device_attach(ss->uart);
	if (ret < 0 && ret != -EPROBE_DEFER)
		dev_warn(dev, "cannot probe the UART: %pe\n", ERR_PTR(ret));

	ret = sysfs_create_link(&dev->kobj, &uart->dev.kobj, "uart");
	if (ret)
		return ret;

	return devm_add_action_or_reset(dev, smcard_serial_unlink, dev);
}

static int smcard_serial_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct smcard_serial *ss;
	unsigned int ctrl;
	int ret;

	ss = devm_kzalloc(dev, sizeof(*ss), GFP_KERNEL);
	if (!ss)
		return -ENOMEM;
	ss->dev = dev;
	platform_set_drvdata(pdev, ss);

	ss->regmap = dev_get_regmap(dev->parent, NULL);
	if (!ss->regmap)
		return dev_err_probe(dev, -ENODEV, "no regmap of the IO controller\n");

	ret = devm_mutex_init(dev, &ss->knob_lock);
	if (!ret)
		ret = devm_mutex_init(dev, &ss->lock);
	if (ret)
		return ret;

	/* The controller keeps its state: start from it */
	ret = smcard_serial_read_ctrl(ss, &ctrl);
	if (ret)
		return dev_err_probe(dev, ret, "cannot read SERIAL_CTRL\n");
	ss->flags = smcard_serial_ctrl_flags(ctrl);

	ss->gc = (struct gpio_chip) {
		.label = "smcard-serial",
		.parent = dev,
		.owner = THIS_MODULE,
		.base = -1,
		.ngpio = ARRAY_SIZE(smcard_serial_line_flags),
		.names = smcard_serial_line_names,
		.can_sleep = true,
		.get_direction = smcard_serial_get_direction,
		.direction_output = smcard_serial_direction_output,
		.get = smcard_serial_get,
		.set_rv = smcard_serial_set,
		.set_multiple_rv = smcard_serial_set_multiple,
	};
	ret = devm_gpiochip_add_data(dev, &ss->gc, ss);
	if (ret)
		return dev_err_probe(dev, ret, "cannot add the transceiver lines\n");

	return smcard_serial_link_uart(ss);
}

static const struct platform_device_id smcard_serial_id[] = {
	{ "smcard-serial" },
	{ }
};
MODULE_DEVICE_TABLE(platform, smcard_serial_id);

static struct platform_driver smcard_serial_driver = {
	.driver = {
		.name = "smcard-serial",
		.dev_groups = smcard_serial_groups,
	},
	.probe = smcard_serial_probe,
	.id_table = smcard_serial_id,
};
module_platform_driver(smcard_serial_driver);

MODULE_DESCRIPTION("OPTION CloudGate Smart Metering card serial transceiver");
MODULE_LICENSE("GPL");
