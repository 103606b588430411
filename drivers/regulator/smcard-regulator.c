// SPDX-License-Identifier: GPL-2.0
/*
 * M-Bus master supply of the OPTION CloudGate Smart Metering Expansion Card,
 * switched by the IO controller (MBUS_CTRL.POWER) and protected by its
 * over-current latch (MBUS_STATUS.OC).
 *
 * The supply cannot run on battery power or while the card is an M-Bus
 * slave: enabling it then fails with -EBUSY. An over-current trip or a
 * switch to battery cuts it; consumers see REGULATOR_EVENT_OVER_CURRENT
 * resp. REGULATOR_EVENT_DISABLE and re-enable (disable, then enable) when
 * they want power again. Enabling clears a latched over-current.
 *
 * The over-current limit (MBUS_OC_LIMIT, ABI 1.1) is the regulator's
 * current limit, in mA steps from 10 to 600 mA; the consumer sets it from
 * the load the supply can feed.
 */

#include <linux/device.h>
#include <linux/interrupt.h>
#include <linux/minmax.h>
#include <linux/mfd/smcard.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/platform_device.h>
#include <linux/regmap.h>
#include <linux/regulator/driver.h>
#include <linux/regulator/of_regulator.h>
#include <linux/unaligned.h>

/* EN 13757-2 master: the card feeds the bus from 30 V VDC */
#define SMCARD_MBUS_UV		30000000

struct smcard_regulator {
	struct smcard *smcard;
	struct regulator_dev *rdev;
	struct notifier_block reset_nb;
	/* the supply should be on: restored after a controller reset */
	bool enabled;
};

static int smcard_regulator_power(struct smcard_regulator *sr)
{
	struct regmap *regmap = sr->smcard->regmap;
	unsigned int status, ctrl;
	int ret;

	ret = regmap_read(regmap, SMCARD_REG_STATUS, &status);
	if (ret)
		return ret;
	if (status & SMCARD_STATUS_BATTERY)
		return -EBUSY;

	ret = regmap_read(regmap, SMCARD_REG_MBUS_CTRL, &ctrl);
	if (ret)
		return ret;
	if (ctrl & SMCARD_MBUS_CTRL_SLAVE)
		return -EBUSY;

	/* A new attempt after an over-current trip */
	ret = regmap_write(regmap, SMCARD_REG_MBUS_STATUS,
			   SMCARD_MBUS_STATUS_OC);
	if (ret)
		return ret;

	ret = regmap_update_bits(regmap, SMCARD_REG_MBUS_CTRL,
				 SMCARD_MBUS_CTRL_POWER, SMCARD_MBUS_CTRL_POWER);
	if (ret)
		return ret;

	/* The controller drops the bit when the supply cannot start */
	ret = regmap_read(regmap, SMCARD_REG_MBUS_CTRL, &ctrl);
	if (ret)
		return ret;

	return ctrl & SMCARD_MBUS_CTRL_POWER ? 0 : -EIO;
}

static int smcard_regulator_enable(struct regulator_dev *rdev)
{
	struct smcard_regulator *sr = rdev_get_drvdata(rdev);
	int ret;

	ret = smcard_regulator_power(sr);
	if (!ret)
		sr->enabled = true;
	else
		/*
		 * A failed transfer may have switched the supply on anyway
		 * (a timeout after the controller took the write): the core
		 * counts it as off, so it must be off.
		 */
		regmap_update_bits(sr->smcard->regmap, SMCARD_REG_MBUS_CTRL,
				   SMCARD_MBUS_CTRL_POWER, 0);

	return ret;
}

static int smcard_regulator_disable(struct regulator_dev *rdev)
{
	struct smcard_regulator *sr = rdev_get_drvdata(rdev);
	struct regmap *regmap = sr->smcard->regmap;
	unsigned int ctrl;
	int ret;

	sr->enabled = false;

	ret = regmap_update_bits(regmap, SMCARD_REG_MBUS_CTRL,
				 SMCARD_MBUS_CTRL_POWER, 0);
	/* A transfer that failed after the controller took it did its job */
	if (ret && !regmap_read(regmap, SMCARD_REG_MBUS_CTRL, &ctrl) &&
	    !(ctrl & SMCARD_MBUS_CTRL_POWER))
		ret = 0;
	if (ret)
		sr->enabled = true;

	return ret;
}

static int smcard_regulator_is_enabled(struct regulator_dev *rdev)
{
	struct smcard_regulator *sr = rdev_get_drvdata(rdev);
	unsigned int ctrl;
	int ret;

	ret = regmap_read(sr->smcard->regmap, SMCARD_REG_MBUS_CTRL, &ctrl);

	return ret ?: !!(ctrl & SMCARD_MBUS_CTRL_POWER);
}

static int smcard_regulator_get_error_flags(struct regulator_dev *rdev,
					    unsigned int *flags)
{
	struct smcard_regulator *sr = rdev_get_drvdata(rdev);
	unsigned int status, ctrl;
	int ret;

	ret = regmap_read(sr->smcard->regmap, SMCARD_REG_MBUS_STATUS, &status);
	if (!ret)
		ret = regmap_read(sr->smcard->regmap, SMCARD_REG_MBUS_CTRL,
				  &ctrl);
	if (ret)
		return ret;

	*flags = 0;
	if (status & SMCARD_MBUS_STATUS_OC)
		*flags |= REGULATOR_ERROR_OVER_CURRENT;
	if ((ctrl & SMCARD_MBUS_CTRL_POWER) &&
	    !(status & SMCARD_MBUS_STATUS_PGOOD))
		*flags |= REGULATOR_ERROR_UNDER_VOLTAGE;

	return 0;
}

/* The highest limit within [min_uA, max_uA] that the controller has. */
static int smcard_regulator_set_current_limit(struct regulator_dev *rdev,
					      int min_uA, int max_uA)
{
	struct smcard_regulator *sr = rdev_get_drvdata(rdev);
	int ma = min(max_uA / 1000, SMCARD_MBUS_OC_LIMIT_MAX_MA);
	u8 buf[2];

	if (ma < SMCARD_MBUS_OC_LIMIT_MIN_MA || ma * 1000 < min_uA)
		return -EINVAL;

	put_unaligned_le16(ma, buf);

	return smcard_reg_write(sr->smcard->regmap, SMCARD_REG_MBUS_OC_LIMIT,
				buf, sizeof(buf));
}

static int smcard_regulator_get_current_limit(struct regulator_dev *rdev)
{
	struct smcard_regulator *sr = rdev_get_drvdata(rdev);
	u8 buf[2];
	int ret;

	ret = regmap_bulk_read(sr->smcard->regmap, SMCARD_REG_MBUS_OC_LIMIT,
			       buf, sizeof(buf));
	if (ret)
		return ret;

	return clamp_t(int, get_unaligned_le16(buf), SMCARD_MBUS_OC_LIMIT_MIN_MA,
		       SMCARD_MBUS_OC_LIMIT_MAX_MA) * 1000;
}

static const struct regulator_ops smcard_regulator_ops = {
	.enable = smcard_regulator_enable,
	.disable = smcard_regulator_disable,
	.is_enabled = smcard_regulator_is_enabled,
	.get_error_flags = smcard_regulator_get_error_flags,
	.set_current_limit = smcard_regulator_set_current_limit,
	.get_current_limit = smcard_regulator_get_current_limit,
};

static const struct regulator_desc smcard_regulator_desc = {
	.name = "mbus-vbus",
	.type = REGULATOR_VOLTAGE,
	.owner = THIS_MODULE,
	.ops = &smcard_regulator_ops,
	.n_voltages = 1,
	.fixed_uV = SMCARD_MBUS_UV,
};

static irqreturn_t smcard_regulator_oc_irq(int irq, void *data)
{
	struct smcard_regulator *sr = data;

	regulator_notifier_call_chain(sr->rdev, REGULATOR_EVENT_OVER_CURRENT |
				      REGULATOR_EVENT_DISABLE, NULL);

	return IRQ_HANDLED;
}

/* The power source changed; on battery the controller cut the supply */
static irqreturn_t smcard_regulator_power_irq(int irq, void *data)
{
	struct smcard_regulator *sr = data;
	unsigned int status;

	if (regmap_read(sr->smcard->regmap, SMCARD_REG_STATUS, &status))
		return IRQ_HANDLED;

	if (sr->enabled && (status & SMCARD_STATUS_BATTERY))
		regulator_notifier_call_chain(sr->rdev, REGULATOR_EVENT_DISABLE,
					      NULL);

	return IRQ_HANDLED;
}

static int smcard_regulator_reset(struct notifier_block *nb,
				  unsigned long event, void *data)
{
	struct smcard_regulator *sr = container_of(nb, struct smcard_regulator,
						   reset_nb);

	if (event != SMCARD_EVENT_RESET || !sr->enabled)
		return NOTIFY_DONE;

	if (smcard_regulator_power(sr))
		regulator_notifier_call_chain(sr->rdev, REGULATOR_EVENT_DISABLE,
					      NULL);

	return NOTIFY_OK;
}

static void smcard_regulator_unregister_reset(void *data)
{
	struct smcard_regulator *sr = data;

	smcard_unregister_reset_notifier(sr->smcard, &sr->reset_nb);
}

static int smcard_regulator_request_irq(struct smcard_regulator *sr,
					struct device *dev, int hwirq,
					irq_handler_t handler,
					unsigned long flags, const char *name)
{
	int irq, ret;

	irq = regmap_irq_get_virq(sr->smcard->irq_data, hwirq);
	if (irq < 0)
		return dev_err_probe(dev, irq, "no %s interrupt\n", name);

	ret = devm_request_threaded_irq(dev, irq, NULL, handler,
					IRQF_ONESHOT | flags, name, sr);
	if (ret)
		return dev_err_probe(dev, ret, "failed to request %s irq\n",
				     name);

	return 0;
}

static int smcard_regulator_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct regulator_config config = { };
	struct smcard_regulator *sr;
	int ret;

	sr = devm_kzalloc(dev, sizeof(*sr), GFP_KERNEL);
	if (!sr)
		return -ENOMEM;

	sr->smcard = dev_get_drvdata(dev->parent);
	if (!sr->smcard)
		return -ENODEV;

	config.dev = dev;
	config.of_node = dev->of_node;
	config.driver_data = sr;
	config.regmap = sr->smcard->regmap;
	config.init_data = of_get_regulator_init_data(dev, dev->of_node,
						      &smcard_regulator_desc);

	sr->rdev = devm_regulator_register(dev, &smcard_regulator_desc,
					   &config);
	if (IS_ERR(sr->rdev))
		return dev_err_probe(dev, PTR_ERR(sr->rdev),
				     "failed to register regulator\n");

	sr->reset_nb.notifier_call = smcard_regulator_reset;
	ret = smcard_register_reset_notifier(sr->smcard, &sr->reset_nb);
	if (ret)
		return ret;
	ret = devm_add_action_or_reset(dev, smcard_regulator_unregister_reset,
				       sr);
	if (ret)
		return ret;

	ret = smcard_regulator_request_irq(sr, dev, SMCARD_IRQ_MBUS_OC,
					   smcard_regulator_oc_irq, 0,
					   "mbus-overcurrent");
	if (ret)
		return ret;

	/* Shared: the M-Bus line driver may watch the power source too */
	return smcard_regulator_request_irq(sr, dev, SMCARD_IRQ_POWER,
					    smcard_regulator_power_irq,
					    IRQF_SHARED, "power-source");
}

static const struct platform_device_id smcard_regulator_id[] = {
	{ "smcard-regulator" },
	{ }
};
MODULE_DEVICE_TABLE(platform, smcard_regulator_id);

static struct platform_driver smcard_regulator_driver = {
	.driver = {
		.name = "smcard-regulator",
	},
	.probe = smcard_regulator_probe,
	.id_table = smcard_regulator_id,
};
module_platform_driver(smcard_regulator_driver);

MODULE_DESCRIPTION("OPTION CloudGate Smart Metering card M-Bus master supply");
MODULE_LICENSE("GPL");
