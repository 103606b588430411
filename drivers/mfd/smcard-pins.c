// SPDX-License-Identifier: GPL-2.0
/*
 * smcard-core: pin table of IO1..IO5 from the channel@N firmware nodes.
 */

#include <linux/bitmap.h>
#include <linux/device.h>
#include <linux/mfd/smcard.h>
#include <linux/property.h>
#include <linux/regmap.h>

#include "smcard-core.h"

static void smcard_pins_put(void *data)
{
	struct smcard *smcard = data;
	unsigned int i;

	for (i = 0; i < SMCARD_NUM_PINS; i++)
		fwnode_handle_put(smcard->pins[i].fwnode);
}

static int smcard_pin_parse(struct smcard *smcard,
			    struct fwnode_handle *child)
{
	struct device *dev = smcard->dev;
	struct smcard_pin *pin;
	u32 reg, function;
	int ret;

	ret = fwnode_property_read_u32(child, "reg", &reg);
	if (ret)
		return dev_err_probe(dev, ret, "%pfw: missing reg\n", child);
	if (reg < 1 || reg > SMCARD_NUM_PINS)
		return dev_err_probe(dev, -EINVAL, "%pfw: pin %u out of range\n",
				     child, reg);

	pin = &smcard->pins[reg - 1];
	if (pin->fwnode)
		return dev_err_probe(dev, -EINVAL,
				     "%pfw: pin %u already described by %pfw\n",
				     child, reg, pin->fwnode);

	ret = fwnode_property_read_u32(child, "option,pin-function", &function);
	if (ret)
		return dev_err_probe(dev, ret, "%pfw: missing option,pin-function\n",
				     child);
	if (function > SMCARD_FUNC_MAX)
		return dev_err_probe(dev, -EINVAL, "%pfw: unknown pin function %u\n",
				     child, function);

	pin->function = function;
	fwnode_property_read_string(child, "label", &pin->label);
	pin->fwnode = fwnode_handle_get(child);

	return 0;
}

/* Fill smcard->pins[] from the channel@N child nodes of the controller */
int smcard_pins_parse(struct smcard *smcard)
{
	struct device *dev = smcard->dev;
	unsigned int i;
	int ret;

	ret = devm_add_action_or_reset(dev, smcard_pins_put, smcard);
	if (ret)
		return ret;

	device_for_each_child_node_scoped(dev, child) {
		if (!fwnode_name_eq(child, "channel"))
			continue;
		ret = smcard_pin_parse(smcard, child);
		if (ret)
			return ret;
	}

	for (i = 0; i < SMCARD_NUM_PINS; i++) {
		if (smcard->pins[i].label)
			continue;
		smcard->pins[i].label = devm_kasprintf(dev, GFP_KERNEL, "IO%u",
						       i + 1);
		if (!smcard->pins[i].label)
			return -ENOMEM;
	}

	return 0;
}

/*
 * Program the pin blocks. Output levels go first so that an output pin
 * starts inactive: push-pull low, open drain released.
 */
int smcard_pins_configure(struct smcard *smcard)
{
	unsigned int i, out = 0;
	int ret;

	for (i = 0; i < SMCARD_NUM_PINS; i++)
		if (smcard->pins[i].function == SMCARD_FUNC_OPEN_DRAIN_OUT)
			out |= BIT(i);

	ret = regmap_write(smcard->regmap, SMCARD_REG_OUT_LEVEL, out);
	if (ret)
		return ret;

	/* Function, no counting edge, no input filter: the children set those */
	for (i = 0; i < SMCARD_NUM_PINS; i++) {
		u8 block[4] = { smcard->pins[i].function };

		ret = regmap_bulk_write(smcard->regmap,
					SMCARD_REG_PIN(i, SMCARD_PIN_FUNC),
					block, sizeof(block));
		if (ret)
			return ret;
	}

	return 0;
}

bool smcard_pins_have(struct smcard *smcard, const u8 *functions,
		      unsigned int num_functions)
{
	unsigned int i, j;

	for (i = 0; i < SMCARD_NUM_PINS; i++)
		for (j = 0; j < num_functions; j++)
			if (smcard->pins[i].function == functions[j])
				return true;

	return false;
}
