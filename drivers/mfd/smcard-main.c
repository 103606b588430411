// SPDX-License-Identifier: GPL-2.0
/*
 * Core driver of the IO controller on the OPTION CloudGate Smart Metering
 * Expansion Card: register map, identity and ABI check, pin table,
 * interrupts, and the MFD children (GPIO, serial transceiver, M-Bus supply,
 * ADC, counter).
 *
 * Register interface: Documentation/hw/smcard-ioc.rst
 */

#include <linux/bitfield.h>
#include <linux/device.h>
#include <linux/i2c.h>
#include <linux/ioport.h>
#include <linux/mfd/core.h>
#include <linux/mfd/smcard.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/regmap.h>
#include <linux/sysfs.h>

#include "smcard-core.h"

/* FUNC, CFG and DEBOUNCE of each pin block; +4..+7 are reserved */
#define SMCARD_PIN_REGS_LAST(i)	SMCARD_REG_PIN(i, SMCARD_PIN_DEBOUNCE + 1)

static const struct regmap_range smcard_rd_ranges[] = {
	regmap_reg_range(SMCARD_REG_ID, SMCARD_REG_IRQ_SYS_STATUS),
	regmap_reg_range(SMCARD_REG_IRQ_PIN_EN, SMCARD_REG_IRQ_PIN_FALL),
	regmap_reg_range(SMCARD_REG_PIN(0, 0), SMCARD_PIN_REGS_LAST(0)),
	regmap_reg_range(SMCARD_REG_PIN(1, 0), SMCARD_PIN_REGS_LAST(1)),
	regmap_reg_range(SMCARD_REG_PIN(2, 0), SMCARD_PIN_REGS_LAST(2)),
	regmap_reg_range(SMCARD_REG_PIN(3, 0), SMCARD_PIN_REGS_LAST(3)),
	regmap_reg_range(SMCARD_REG_PIN(4, 0), SMCARD_PIN_REGS_LAST(4)),
	regmap_reg_range(SMCARD_REG_ADC(0), SMCARD_REG_ADC(SMCARD_NUM_PINS) - 1),
	regmap_reg_range(SMCARD_REG_COUNT(0), SMCARD_REG_LAST),
	regmap_reg_range(SMCARD_REG_VDC_VOLTAGE, SMCARD_REG_MBUS_CURRENT + 1),
	regmap_reg_range(SMCARD_REG_MBUS_OC_LIMIT, SMCARD_REG_MBUS_OC_LIMIT + 1),
	regmap_reg_range(SMCARD_REG_IRQ_ADC_HIGH_STATUS,
			 SMCARD_REG_IRQ_ADC_LOW_STATUS),
	regmap_reg_range(SMCARD_REG_IRQ_ADC_HIGH_EN, SMCARD_REG_IRQ_ADC_LOW_EN),
	regmap_reg_range(SMCARD_REG_THR_BASE, SMCARD_REG_THR_LAST),
};

static const struct regmap_range smcard_wr_ranges[] = {
	regmap_reg_range(SMCARD_REG_STATUS, SMCARD_REG_IRQ_SYS_STATUS),
	regmap_reg_range(SMCARD_REG_IRQ_PIN_EN, SMCARD_REG_SCRATCH),
	regmap_reg_range(SMCARD_REG_OUT_LEVEL, SMCARD_REG_ADC_RATE),
	regmap_reg_range(SMCARD_REG_IRQ_PIN_RISE, SMCARD_REG_IRQ_PIN_FALL),
	regmap_reg_range(SMCARD_REG_PIN(0, 0), SMCARD_PIN_REGS_LAST(0)),
	regmap_reg_range(SMCARD_REG_PIN(1, 0), SMCARD_PIN_REGS_LAST(1)),
	regmap_reg_range(SMCARD_REG_PIN(2, 0), SMCARD_PIN_REGS_LAST(2)),
	regmap_reg_range(SMCARD_REG_PIN(3, 0), SMCARD_PIN_REGS_LAST(3)),
	regmap_reg_range(SMCARD_REG_PIN(4, 0), SMCARD_PIN_REGS_LAST(4)),
	regmap_reg_range(SMCARD_REG_COUNT(0), SMCARD_REG_LAST),
	regmap_reg_range(SMCARD_REG_MBUS_OC_LIMIT, SMCARD_REG_MBUS_OC_LIMIT + 1),
	regmap_reg_range(SMCARD_REG_IRQ_ADC_HIGH_STATUS,
			 SMCARD_REG_IRQ_ADC_LOW_STATUS),
	regmap_reg_range(SMCARD_REG_IRQ_ADC_HIGH_EN, SMCARD_REG_IRQ_ADC_LOW_EN),
	regmap_reg_range(SMCARD_REG_THR_BASE, SMCARD_REG_THR_LAST),
};

/*
 * Registers the controller changes by itself. COMMAND is here too so that
 * a cache sync never repeats a reset command. MBUS_CTRL.POWER drops on
 * over-current and battery; its users restore it after a reset.
 */
static const struct regmap_range smcard_volatile_ranges[] = {
	regmap_reg_range(SMCARD_REG_STATUS, SMCARD_REG_IRQ_SYS_STATUS),
	regmap_reg_range(SMCARD_REG_IN_LEVEL, SMCARD_REG_IN_LEVEL),
	regmap_reg_range(SMCARD_REG_MBUS_CTRL, SMCARD_REG_MBUS_STATUS),
	regmap_reg_range(SMCARD_REG_MBUS_VOLTAGE, SMCARD_REG_MBUS_VOLTAGE + 1),
	regmap_reg_range(SMCARD_REG_VDC_VOLTAGE, SMCARD_REG_MBUS_CURRENT + 1),
	regmap_reg_range(SMCARD_REG_ADC(0), SMCARD_REG_ADC(SMCARD_NUM_PINS) - 1),
	regmap_reg_range(SMCARD_REG_COUNT(0), SMCARD_REG_LAST),
	regmap_reg_range(SMCARD_REG_IRQ_ADC_HIGH_STATUS,
			 SMCARD_REG_IRQ_ADC_LOW_STATUS),
};

static const struct regmap_access_table smcard_rd_table = {
	.yes_ranges = smcard_rd_ranges,
	.n_yes_ranges = ARRAY_SIZE(smcard_rd_ranges),
};

static const struct regmap_access_table smcard_wr_table = {
	.yes_ranges = smcard_wr_ranges,
	.n_yes_ranges = ARRAY_SIZE(smcard_wr_ranges),
};

static const struct regmap_access_table smcard_volatile_table = {
	.yes_ranges = smcard_volatile_ranges,
	.n_yes_ranges = ARRAY_SIZE(smcard_volatile_ranges),
};

static const struct regmap_config smcard_regmap_config = {
	.reg_bits = 8,
	.val_bits = 8,
	.max_register = SMCARD_REG_THR_LAST,
	.rd_table = &smcard_rd_table,
	.wr_table = &smcard_wr_table,
	.volatile_table = &smcard_volatile_table,
	.cache_type = REGCACHE_MAPLE,
};

static const struct mfd_cell smcard_cells[] = {
	MFD_CELL_NAME("smcard-gpio"),
	MFD_CELL_OF("smcard-serial", NULL, NULL, 0, 0, "option,smcard-serial"),
	MFD_CELL_OF("smcard-regulator", NULL, NULL, 0, 0,
		    "option,smcard-mbus-supply"),
};

static const struct mfd_cell smcard_adc_cell = MFD_CELL_NAME("smcard-adc");

/* ABI 1.2: the comparators' interrupts, in the comparator domain */
static const struct resource smcard_adc_resources[] = {
	DEFINE_RES_IRQ_NAMED(SMCARD_IRQ_ADC_HIGH(0), "high1"),
	DEFINE_RES_IRQ_NAMED(SMCARD_IRQ_ADC_HIGH(1), "high2"),
	DEFINE_RES_IRQ_NAMED(SMCARD_IRQ_ADC_HIGH(2), "high3"),
	DEFINE_RES_IRQ_NAMED(SMCARD_IRQ_ADC_HIGH(3), "high4"),
	DEFINE_RES_IRQ_NAMED(SMCARD_IRQ_ADC_HIGH(4), "high5"),
	DEFINE_RES_IRQ_NAMED(SMCARD_IRQ_ADC_LOW(0), "low1"),
	DEFINE_RES_IRQ_NAMED(SMCARD_IRQ_ADC_LOW(1), "low2"),
	DEFINE_RES_IRQ_NAMED(SMCARD_IRQ_ADC_LOW(2), "low3"),
	DEFINE_RES_IRQ_NAMED(SMCARD_IRQ_ADC_LOW(3), "low4"),
	DEFINE_RES_IRQ_NAMED(SMCARD_IRQ_ADC_LOW(4), "low5"),
};

static const struct mfd_cell smcard_adc_events_cell =
	MFD_CELL_RES("smcard-adc", smcard_adc_resources);

static const struct mfd_cell smcard_counter_cell = MFD_CELL_NAME("smcard-counter");

static const u8 smcard_analog_functions[] = {
	SMCARD_FUNC_VOLTAGE_IN, SMCARD_FUNC_CURRENT_IN,
};

/* Pulses are counted on S0 inputs and on (dry-contact) digital inputs */
static const u8 smcard_counting_functions[] = {
	SMCARD_FUNC_S0_IN, SMCARD_FUNC_DIGITAL_IN,
};

static int smcard_check_identity(struct smcard *smcard)
{
	struct device *dev = smcard->dev;
	unsigned int id, major, minor;
	__le16 fw;
	int ret;

	ret = regmap_read(smcard->regmap, SMCARD_REG_ID, &id);
	if (ret)
		return dev_err_probe(dev, ret, "failed to read ID\n");
	if (id != SMCARD_ID_VALUE)
		return dev_err_probe(dev, -ENODEV, "unknown ID 0x%02x\n", id);

	ret = regmap_read(smcard->regmap, SMCARD_REG_ABI_MAJOR, &major);
	if (!ret)
		ret = regmap_read(smcard->regmap, SMCARD_REG_ABI_MINOR, &minor);
	if (!ret)
		ret = regmap_bulk_read(smcard->regmap, SMCARD_REG_FW_VERSION,
				       &fw, sizeof(fw));
	if (ret)
		return dev_err_probe(dev, ret, "failed to read versions\n");

	if (major != SMCARD_ABI_MAJOR)
		return dev_err_probe(dev, -ENODEV,
				     "unsupported ABI %u.%u (driver supports %u.x)\n",
				     major, minor, SMCARD_ABI_MAJOR);

	smcard->abi_minor = minor;
	dev_info(dev, "IO controller firmware %lu.%lu, ABI %u.%u\n",
		 FIELD_GET(SMCARD_FW_VERSION_MAJOR, le16_to_cpu(fw)),
		 FIELD_GET(SMCARD_FW_VERSION_MINOR, le16_to_cpu(fw)),
		 major, minor);

	return 0;
}

/* The controller's versions, for tools that report what is installed */
static ssize_t firmware_version_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	struct smcard *smcard = dev_get_drvdata(dev);
	__le16 fw;
	int ret;

	ret = regmap_bulk_read(smcard->regmap, SMCARD_REG_FW_VERSION, &fw,
			       sizeof(fw));
	if (ret)
		return ret;

	return sysfs_emit(buf, "%lu.%lu\n",
			  FIELD_GET(SMCARD_FW_VERSION_MAJOR, le16_to_cpu(fw)),
			  FIELD_GET(SMCARD_FW_VERSION_MINOR, le16_to_cpu(fw)));
}
static DEVICE_ATTR_RO(firmware_version);

static ssize_t abi_version_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct smcard *smcard = dev_get_drvdata(dev);
	unsigned int major, minor;
	int ret;

	ret = regmap_read(smcard->regmap, SMCARD_REG_ABI_MAJOR, &major);
	if (!ret)
		ret = regmap_read(smcard->regmap, SMCARD_REG_ABI_MINOR, &minor);
	if (ret)
		return ret;

	return sysfs_emit(buf, "%u.%u\n", major, minor);
}
static DEVICE_ATTR_RO(abi_version);

static struct attribute *smcard_attrs[] = {
	&dev_attr_firmware_version.attr,
	&dev_attr_abi_version.attr,
	NULL
};
ATTRIBUTE_GROUPS(smcard);

static int smcard_add_cell(struct smcard *smcard, const struct mfd_cell *cell,
			   struct irq_domain *domain)
{
	return devm_mfd_add_devices(smcard->dev, PLATFORM_DEVID_AUTO, cell, 1,
				    NULL, 0, domain);
}

static int smcard_add_children(struct smcard *smcard)
{
	int ret;

	ret = devm_mfd_add_devices(smcard->dev, PLATFORM_DEVID_AUTO,
				   smcard_cells, ARRAY_SIZE(smcard_cells),
				   NULL, 0, NULL);
	if (ret)
		return ret;

	if (smcard_pins_have(smcard, smcard_analog_functions,
			     ARRAY_SIZE(smcard_analog_functions))) {
		const struct mfd_cell *cell = &smcard_adc_cell;
		struct irq_domain *domain = NULL;

		if (smcard->adc_irq_data) {
			cell = &smcard_adc_events_cell;
			domain = regmap_irq_get_domain(smcard->adc_irq_data);
		}
		ret = smcard_add_cell(smcard, cell, domain);
		if (ret)
			return ret;
	}

	if (smcard_pins_have(smcard, smcard_counting_functions,
			     ARRAY_SIZE(smcard_counting_functions)))
		return smcard_add_cell(smcard, &smcard_counter_cell, NULL);

	return 0;
}

static int smcard_probe(struct i2c_client *client)
{
	struct device *dev = &client->dev;
	struct smcard *smcard;
	int ret;

	smcard = devm_kzalloc(dev, sizeof(*smcard), GFP_KERNEL);
	if (!smcard)
		return -ENOMEM;

	smcard->dev = dev;
	BLOCKING_INIT_NOTIFIER_HEAD(&smcard->reset_notifier);
	i2c_set_clientdata(client, smcard);

	smcard->regmap = devm_regmap_init_i2c(client, &smcard_regmap_config);
	if (IS_ERR(smcard->regmap))
		return dev_err_probe(dev, PTR_ERR(smcard->regmap),
				     "failed to init regmap\n");

	ret = smcard_check_identity(smcard);
	if (ret)
		return ret;

	ret = smcard_pins_parse(smcard);
	if (ret)
		return ret;

	ret = smcard_pins_configure(smcard);
	if (ret)
		return dev_err_probe(dev, ret, "failed to configure pins\n");

	/* Configured: a reset seen from now on means the state was lost */
	ret = regmap_write(smcard->regmap, SMCARD_REG_STATUS,
			   SMCARD_STATUS_RESET);
	if (!ret)
		ret = regmap_write(smcard->regmap, SMCARD_REG_IRQ_SYS_STATUS,
				   SMCARD_IRQ_SYS_RESET);
	if (ret)
		return dev_err_probe(dev, ret, "failed to clear reset flag\n");

	ret = smcard_irq_init(smcard, client->irq);
	if (ret)
		return ret;

	/* The cells do no DMA: say so, or the OF core warns and guesses */
	dev->coherent_dma_mask = 0;
	dev->dma_mask = &dev->coherent_dma_mask;

	ret = smcard_add_children(smcard);
	if (ret)
		return dev_err_probe(dev, ret, "failed to add children\n");

	return 0;
}

static const struct of_device_id smcard_of_match[] = {
	{ .compatible = "option,smcard-ioc" },
	{ }
};
MODULE_DEVICE_TABLE(of, smcard_of_match);

static const struct i2c_device_id smcard_id[] = {
	{ "smcard-ioc" },
	{ }
};
MODULE_DEVICE_TABLE(i2c, smcard_id);

static struct i2c_driver smcard_driver = {
	.driver = {
		.name = "smcard-core",
		.of_match_table = smcard_of_match,
		.dev_groups = smcard_groups,
	},
	.probe = smcard_probe,
	.id_table = smcard_id,
};
module_i2c_driver(smcard_driver);

MODULE_DESCRIPTION("OPTION CloudGate Smart Metering card IO controller core");
MODULE_LICENSE("GPL");
