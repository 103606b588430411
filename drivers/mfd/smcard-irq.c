// SPDX-License-Identifier: GPL-2.0
/*
 * smcard-core: interrupts of the IO controller and recovery from a
 * controller reset.
 */

#include <linux/bits.h>
#include <linux/device.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/mfd/smcard.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/regmap.h>

#include "smcard-core.h"

/* Pin edges: types are written by smcard_irq_set_type_config() */
#define SMCARD_IRQ_PIN_REG(_irq, _mask)					\
	[_irq] = {							\
		.mask = (_mask),					\
		.type.types_supported = IRQ_TYPE_EDGE_BOTH,		\
	}

static const struct regmap_irq smcard_irqs[] = {
	SMCARD_IRQ_PIN_REG(SMCARD_IRQ_PIN(0), BIT(0)),
	SMCARD_IRQ_PIN_REG(SMCARD_IRQ_PIN(1), BIT(1)),
	SMCARD_IRQ_PIN_REG(SMCARD_IRQ_PIN(2), BIT(2)),
	SMCARD_IRQ_PIN_REG(SMCARD_IRQ_PIN(3), BIT(3)),
	SMCARD_IRQ_PIN_REG(SMCARD_IRQ_PIN(4), BIT(4)),
	REGMAP_IRQ_REG(SMCARD_IRQ_COUNT(0), 1, BIT(0)),
	REGMAP_IRQ_REG(SMCARD_IRQ_COUNT(1), 1, BIT(1)),
	REGMAP_IRQ_REG(SMCARD_IRQ_COUNT(2), 1, BIT(2)),
	REGMAP_IRQ_REG(SMCARD_IRQ_COUNT(3), 1, BIT(3)),
	REGMAP_IRQ_REG(SMCARD_IRQ_COUNT(4), 1, BIT(4)),
	REGMAP_IRQ_REG(SMCARD_IRQ_RESET, 2, SMCARD_IRQ_SYS_RESET),
	REGMAP_IRQ_REG(SMCARD_IRQ_MBUS_OC, 2, SMCARD_IRQ_SYS_MBUS_OC),
	REGMAP_IRQ_REG(SMCARD_IRQ_POWER, 2, SMCARD_IRQ_SYS_POWER),
};

/* IRQ_PIN_RISE and IRQ_PIN_FALL, one bit per pin */
static const unsigned int smcard_irq_config_base[] = {
	SMCARD_REG_IRQ_PIN_RISE,
	SMCARD_REG_IRQ_PIN_FALL,
};

static int smcard_irq_set_type_config(unsigned int **buf, unsigned int type,
				      const struct regmap_irq *irq_data,
				      int idx, void *irq_drv_data)
{
	unsigned int mask = irq_data->mask;

	buf[0][idx] &= ~mask;
	buf[1][idx] &= ~mask;

	switch (type) {
	case IRQ_TYPE_NONE:
		break;
	case IRQ_TYPE_EDGE_RISING:
		buf[0][idx] |= mask;
		break;
	case IRQ_TYPE_EDGE_FALLING:
		buf[1][idx] |= mask;
		break;
	case IRQ_TYPE_EDGE_BOTH:
		buf[0][idx] |= mask;
		buf[1][idx] |= mask;
		break;
	default:
		return -EINVAL;
	}

	return 0;
}

static const struct regmap_irq_chip smcard_irq_chip = {
	.name = "smcard",
	.status_base = SMCARD_REG_IRQ_PIN_STATUS,
	.unmask_base = SMCARD_REG_IRQ_PIN_EN,
	.ack_base = SMCARD_REG_IRQ_PIN_STATUS,
	.use_ack = true,
	.num_regs = SMCARD_IRQ_NUM_REGS,
	.config_base = smcard_irq_config_base,
	.num_config_bases = ARRAY_SIZE(smcard_irq_config_base),
	.num_config_regs = 1,
	.set_type_config = smcard_irq_set_type_config,
	.irqs = smcard_irqs,
	.num_irqs = ARRAY_SIZE(smcard_irqs),
};

/*
 * ABI 1.2 comparators. A chip of their own rather than two more registers
 * of the one above: those sit apart from 0x08-0x0a, and regmap-irq reads
 * the status of a chip with a custom get_irq_reg() register by register,
 * which would cost every pin and counter interrupt five transfers instead
 * of one. Two chips on the shared line read one 3-byte and one 2-byte block.
 */
static const struct regmap_irq smcard_adc_irqs[] = {
	REGMAP_IRQ_REG(SMCARD_IRQ_ADC_HIGH(0), 0, BIT(0)),
	REGMAP_IRQ_REG(SMCARD_IRQ_ADC_HIGH(1), 0, BIT(1)),
	REGMAP_IRQ_REG(SMCARD_IRQ_ADC_HIGH(2), 0, BIT(2)),
	REGMAP_IRQ_REG(SMCARD_IRQ_ADC_HIGH(3), 0, BIT(3)),
	REGMAP_IRQ_REG(SMCARD_IRQ_ADC_HIGH(4), 0, BIT(4)),
	REGMAP_IRQ_REG(SMCARD_IRQ_ADC_LOW(0), 1, BIT(0)),
	REGMAP_IRQ_REG(SMCARD_IRQ_ADC_LOW(1), 1, BIT(1)),
	REGMAP_IRQ_REG(SMCARD_IRQ_ADC_LOW(2), 1, BIT(2)),
	REGMAP_IRQ_REG(SMCARD_IRQ_ADC_LOW(3), 1, BIT(3)),
	REGMAP_IRQ_REG(SMCARD_IRQ_ADC_LOW(4), 1, BIT(4)),
};

static const struct regmap_irq_chip smcard_adc_irq_chip = {
	.name = "smcard-adc",
	.domain_suffix = "adc",
	.status_base = SMCARD_REG_IRQ_ADC_HIGH_STATUS,
	.unmask_base = SMCARD_REG_IRQ_ADC_HIGH_EN,
	.ack_base = SMCARD_REG_IRQ_ADC_HIGH_STATUS,
	.use_ack = true,
	.num_regs = SMCARD_IRQ_ADC_NUM_REGS,
	.irqs = smcard_adc_irqs,
	.num_irqs = ARRAY_SIZE(smcard_adc_irqs),
};

/*
 * The controller lost its configuration: write back everything cached,
 * acknowledge the reset, then let the children restore what they keep
 * outside the register cache.
 */
static irqreturn_t smcard_reset_irq(int irq, void *data)
{
	struct smcard *smcard = data;
	int ret;

	dev_warn(smcard->dev, "IO controller reset, restoring configuration\n");

	regcache_mark_dirty(smcard->regmap);
	ret = regcache_sync(smcard->regmap);
	if (!ret)
		ret = regmap_write(smcard->regmap, SMCARD_REG_STATUS,
				   SMCARD_STATUS_RESET);
	if (ret)
		dev_err(smcard->dev, "failed to restore configuration: %d\n",
			ret);

	blocking_notifier_call_chain(&smcard->reset_notifier,
				     SMCARD_EVENT_RESET, smcard);

	return IRQ_HANDLED;
}

int smcard_irq_init(struct smcard *smcard, int irq)
{
	struct device *dev = smcard->dev;
	bool comparators = smcard->abi_minor >= SMCARD_ABI_MINOR_THR;
	unsigned long flags;
	int ret, virq;

	if (irq <= 0)
		return dev_err_probe(dev, -EINVAL, "no interrupt\n");

	flags = irq_get_trigger_type(irq) | IRQF_ONESHOT;
	if (comparators)
		flags |= IRQF_SHARED;

	ret = devm_regmap_add_irq_chip(dev, smcard->regmap, irq, flags, 0,
				       &smcard_irq_chip, &smcard->irq_data);
	if (ret)
		return dev_err_probe(dev, ret, "failed to add interrupt chip\n");

	if (comparators) {
		ret = devm_regmap_add_irq_chip(dev, smcard->regmap, irq, flags,
					       0, &smcard_adc_irq_chip,
					       &smcard->adc_irq_data);
		if (ret)
			return dev_err_probe(dev, ret,
					     "failed to add comparator interrupts\n");
	}

	virq = regmap_irq_get_virq(smcard->irq_data, SMCARD_IRQ_RESET);
	if (virq < 0)
		return dev_err_probe(dev, virq, "no reset interrupt\n");

	ret = devm_request_threaded_irq(dev, virq, NULL, smcard_reset_irq,
					IRQF_ONESHOT, "smcard-reset", smcard);
	if (ret)
		return dev_err_probe(dev, ret, "failed to request reset irq\n");

	return 0;
}

int smcard_register_reset_notifier(struct smcard *smcard,
				   struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&smcard->reset_notifier, nb);
}
EXPORT_SYMBOL_GPL(smcard_register_reset_notifier);

int smcard_unregister_reset_notifier(struct smcard *smcard,
				     struct notifier_block *nb)
{
	return blocking_notifier_chain_unregister(&smcard->reset_notifier, nb);
}
EXPORT_SYMBOL_GPL(smcard_unregister_reset_notifier);
