// SPDX-License-Identifier: GPL-2.0
/*
 * Isolated serial transceiver of the OPTION CloudGate Smart Metering
 * Expansion Card: RS232 / RS422 / RS485 half or full duplex and the RS485
 * termination, switched by the IO controller (SERIAL_CTRL).
 *
 * The state lives in the controller and the core's register cache, so it
 * survives unbinding this driver and a controller reset; probe does not
 * change it. sysfs: Documentation/ABI/testing/sysfs-driver-smcard-serial
 */

#include <linux/bitfield.h>
#include <linux/device.h>
#include <linux/kstrtox.h>
#include <linux/mfd/smcard.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_platform.h>
#include <linux/platform_device.h>
#include <linux/regmap.h>
#include <linux/string.h>
#include <linux/sysfs.h>

/* Indexed by SERIAL_CTRL.MODE */
static const char * const smcard_serial_modes[] = {
	[SMCARD_SERIAL_MODE_RS232] = "rs232",
	[SMCARD_SERIAL_MODE_RS422] = "rs422",
	[SMCARD_SERIAL_MODE_RS485_HALF] = "rs485-half",
	[SMCARD_SERIAL_MODE_RS485_FULL] = "rs485-full",
};

static struct regmap *smcard_serial_regmap(struct device *dev)
{
	struct smcard *smcard = dev_get_drvdata(dev);

	return smcard->regmap;
}

static ssize_t serial_mode_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	unsigned int val;
	int ret;

	ret = regmap_read(smcard_serial_regmap(dev), SMCARD_REG_SERIAL_CTRL,
			  &val);
	if (ret)
		return ret;

	return sysfs_emit(buf, "%s\n",
			  smcard_serial_modes[FIELD_GET(SMCARD_SERIAL_CTRL_MODE,
							val)]);
}

static ssize_t serial_mode_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t count)
{
	int mode, ret;

	mode = sysfs_match_string(smcard_serial_modes, buf);
	if (mode < 0)
		return mode;

	ret = smcard_reg_update(smcard_serial_regmap(dev),
				SMCARD_REG_SERIAL_CTRL, SMCARD_SERIAL_CTRL_MODE,
				FIELD_PREP(SMCARD_SERIAL_CTRL_MODE, mode));

	return ret ?: count;
}
static DEVICE_ATTR_RW(serial_mode);

static ssize_t rs485_termination_show(struct device *dev,
				      struct device_attribute *attr, char *buf)
{
	unsigned int val;
	int ret;

	ret = regmap_read(smcard_serial_regmap(dev), SMCARD_REG_SERIAL_CTRL,
			  &val);
	if (ret)
		return ret;

	return sysfs_emit(buf, "%u\n", !!(val & SMCARD_SERIAL_CTRL_TERM));
}

static ssize_t rs485_termination_store(struct device *dev,
				       struct device_attribute *attr,
				       const char *buf, size_t count)
{
	unsigned int on;
	int ret;

	ret = kstrtouint(buf, 10, &on);
	if (ret)
		return ret;
	if (on > 1)
		return -EINVAL;

	ret = smcard_reg_update(smcard_serial_regmap(dev),
				SMCARD_REG_SERIAL_CTRL, SMCARD_SERIAL_CTRL_TERM,
				on ? SMCARD_SERIAL_CTRL_TERM : 0);

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

/* "uart" links to the UART this transceiver belongs to, if described */
static int smcard_serial_link_uart(struct device *dev)
{
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

	ret = sysfs_create_link(&dev->kobj, &uart->dev.kobj, "uart");
	if (ret)
		return ret;

	return devm_add_action_or_reset(dev, smcard_serial_unlink, dev);
}

static int smcard_serial_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct smcard *smcard = dev_get_drvdata(dev->parent);

	if (!smcard)
		return -ENODEV;

	platform_set_drvdata(pdev, smcard);

	return smcard_serial_link_uart(dev);
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
