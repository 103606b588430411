// SPDX-License-Identifier: GPL-2.0
/*
 * GPIO lines of the OPTION CloudGate Smart Metering Expansion Card.
 *
 * Line offset = pin number: offset 0 is the P1 data-request line, offsets
 * 1..5 are IO1..IO5. A pin is a valid line only in a digital function;
 * its direction follows the function chosen in the device tree.
 */

#include <linux/bitops.h>
#include <linux/device.h>
#include <linux/gpio/driver.h>
#include <linux/math.h>
#include <linux/mfd/smcard.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/regmap.h>

#define SMCARD_GPIO_P1_REQ	0
#define SMCARD_GPIO_NUM		(SMCARD_NUM_PINS + 1)
/* DEBOUNCE register: 16 bit, 100 us units */
#define SMCARD_DEBOUNCE_MAX_US	(U16_MAX * SMCARD_DEBOUNCE_UNIT_US)

struct smcard_gpio {
	struct gpio_chip gc;
	struct smcard *smcard;
	const char *names[SMCARD_GPIO_NUM];
	/* lines whose input filter a consumer changed */
	unsigned long debounced;
	/* open-drain lines a consumer requested as open drain */
	unsigned long open_drain;
};

/* Function of the pin behind a line; P1_REQ behaves like a push-pull pin */
static u8 smcard_gpio_function(struct smcard_gpio *sg, unsigned int offset)
{
	if (offset == SMCARD_GPIO_P1_REQ)
		return SMCARD_FUNC_DIGITAL_OUT;

	return sg->smcard->pins[offset - 1].function;
}

static bool smcard_gpio_is_output(struct smcard_gpio *sg, unsigned int offset)
{
	u8 function = smcard_gpio_function(sg, offset);

	return function == SMCARD_FUNC_DIGITAL_OUT ||
	       function == SMCARD_FUNC_OPEN_DRAIN_OUT;
}

static int smcard_gpio_init_valid_mask(struct gpio_chip *gc,
				       unsigned long *valid_mask,
				       unsigned int ngpios)
{
	struct smcard_gpio *sg = gpiochip_get_data(gc);
	unsigned int offset;

	for (offset = 0; offset < ngpios; offset++) {
		if (smcard_gpio_is_output(sg, offset) ||
		    smcard_gpio_function(sg, offset) == SMCARD_FUNC_DIGITAL_IN)
			continue;
		clear_bit(offset, valid_mask);
	}

	return 0;
}

/*
 * gpiolib refuses lines outside the valid mask only to chips with this hook.
 * An input's edges latch in IRQ_PIN_STATUS while nobody listens, once a
 * previous user selected the edge types: clear them, so that a new user
 * sees only the edges after its request.
 */
static int smcard_gpio_request(struct gpio_chip *gc, unsigned int offset)
{
	struct smcard_gpio *sg = gpiochip_get_data(gc);

	if (smcard_gpio_function(sg, offset) != SMCARD_FUNC_DIGITAL_IN)
		return 0;

	return regmap_write(sg->smcard->regmap, SMCARD_REG_IRQ_PIN_STATUS,
			    BIT(offset - 1));
}

static int smcard_gpio_get_direction(struct gpio_chip *gc, unsigned int offset)
{
	struct smcard_gpio *sg = gpiochip_get_data(gc);

	return smcard_gpio_is_output(sg, offset) ? GPIO_LINE_DIRECTION_OUT :
						   GPIO_LINE_DIRECTION_IN;
}

static int smcard_gpio_write(struct smcard_gpio *sg, unsigned int offset,
			     int value)
{
	unsigned int reg = SMCARD_REG_OUT_LEVEL, mask = BIT(offset - 1);

	if (offset == SMCARD_GPIO_P1_REQ) {
		reg = SMCARD_REG_P1_CTRL;
		mask = SMCARD_P1_CTRL_REQ;
	}

	return smcard_reg_update(sg->smcard->regmap, reg, mask,
				 value ? mask : 0);
}

/*
 * Directions are fixed by the pin function: refuse to turn a line round.
 * gpiolib sets an open-drain line to 1 by making it an input, so for a
 * line requested as open drain this releases the pin (OUT_LEVEL = 1).
 */
static int smcard_gpio_direction_input(struct gpio_chip *gc,
				       unsigned int offset)
{
	struct smcard_gpio *sg = gpiochip_get_data(gc);

	if (test_bit(offset, &sg->open_drain))
		return smcard_gpio_write(sg, offset, 1);

	return smcard_gpio_is_output(sg, offset) ? -EIO : 0;
}

static int smcard_gpio_direction_output(struct gpio_chip *gc,
					unsigned int offset, int value)
{
	struct smcard_gpio *sg = gpiochip_get_data(gc);

	if (!smcard_gpio_is_output(sg, offset))
		return -EIO;

	return smcard_gpio_write(sg, offset, value);
}

static void smcard_gpio_set(struct gpio_chip *gc, unsigned int offset,
			    int value)
{
	struct smcard_gpio *sg = gpiochip_get_data(gc);
	int ret;

	ret = smcard_gpio_write(sg, offset, value);
	if (ret)
		dev_err_ratelimited(gc->parent, "failed to set line %u: %d\n",
				    offset, ret);
}

/* Pins read the controller's accepted level (the wire for open drain) */
static int smcard_gpio_get(struct gpio_chip *gc, unsigned int offset)
{
	struct smcard_gpio *sg = gpiochip_get_data(gc);
	struct regmap *regmap = sg->smcard->regmap;
	unsigned int val;
	int ret;

	if (offset == SMCARD_GPIO_P1_REQ) {
		ret = regmap_read(regmap, SMCARD_REG_P1_CTRL, &val);
		return ret ?: !!(val & SMCARD_P1_CTRL_REQ);
	}

	ret = regmap_read(regmap, SMCARD_REG_IN_LEVEL, &val);
	return ret ?: !!(val & BIT(offset - 1));
}

static int smcard_gpio_set_debounce(struct smcard_gpio *sg,
				    unsigned int offset, u32 us)
{
	__le16 val;
	int ret;

	if (smcard_gpio_function(sg, offset) != SMCARD_FUNC_DIGITAL_IN)
		return -ENOTSUPP;
	if (us > SMCARD_DEBOUNCE_MAX_US)
		return -EINVAL;

	val = cpu_to_le16(DIV_ROUND_UP(us, SMCARD_DEBOUNCE_UNIT_US));
	ret = smcard_reg_write(sg->smcard->regmap,
			       SMCARD_REG_PIN(offset - 1, SMCARD_PIN_DEBOUNCE),
			       &val, sizeof(val));
	if (!ret)
		assign_bit(offset, &sg->debounced, us);

	return ret;
}

static int smcard_gpio_set_config(struct gpio_chip *gc, unsigned int offset,
				  unsigned long config)
{
	struct smcard_gpio *sg = gpiochip_get_data(gc);
	u8 function = smcard_gpio_function(sg, offset);

	switch (pinconf_to_config_param(config)) {
	case PIN_CONFIG_INPUT_DEBOUNCE:
		return smcard_gpio_set_debounce(sg, offset,
						pinconf_to_config_argument(config));
	case PIN_CONFIG_DRIVE_OPEN_DRAIN:
		if (function != SMCARD_FUNC_OPEN_DRAIN_OUT)
			return -ENOTSUPP;
		set_bit(offset, &sg->open_drain);
		return 0;
	case PIN_CONFIG_DRIVE_PUSH_PULL:
		clear_bit(offset, &sg->open_drain);
		return function == SMCARD_FUNC_DIGITAL_OUT ? 0 : -ENOTSUPP;
	default:
		return -ENOTSUPP;
	}
}

/* A released line does not keep its consumer's input filter or drive */
static void smcard_gpio_free(struct gpio_chip *gc, unsigned int offset)
{
	struct smcard_gpio *sg = gpiochip_get_data(gc);

	clear_bit(offset, &sg->open_drain);
	if (test_bit(offset, &sg->debounced))
		smcard_gpio_set_debounce(sg, offset, 0);
}

static int smcard_gpio_to_irq(struct gpio_chip *gc, unsigned int offset)
{
	struct smcard_gpio *sg = gpiochip_get_data(gc);

	if (smcard_gpio_function(sg, offset) != SMCARD_FUNC_DIGITAL_IN)
		return -ENXIO;

	return regmap_irq_get_virq(sg->smcard->irq_data,
				   SMCARD_IRQ_PIN(offset - 1));
}

static int smcard_gpio_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct smcard_gpio *sg;
	unsigned int i;

	sg = devm_kzalloc(dev, sizeof(*sg), GFP_KERNEL);
	if (!sg)
		return -ENOMEM;

	sg->smcard = dev_get_drvdata(dev->parent);
	if (!sg->smcard)
		return -ENODEV;

	/* Pin labels name the lines unless gpio-line-names does */
	sg->names[SMCARD_GPIO_P1_REQ] = "P1_REQ";
	for (i = 0; i < SMCARD_NUM_PINS; i++)
		sg->names[i + 1] = sg->smcard->pins[i].label;

	sg->gc = (struct gpio_chip) {
		.label = "smcard",
		.parent = dev,
		.fwnode = dev_fwnode(dev->parent),
		.owner = THIS_MODULE,
		.base = -1,
		.ngpio = SMCARD_GPIO_NUM,
		.names = sg->names,
		.can_sleep = true,
		.init_valid_mask = smcard_gpio_init_valid_mask,
		.request = smcard_gpio_request,
		.get_direction = smcard_gpio_get_direction,
		.direction_input = smcard_gpio_direction_input,
		.direction_output = smcard_gpio_direction_output,
		.get = smcard_gpio_get,
		.set = smcard_gpio_set,
		.set_config = smcard_gpio_set_config,
		.free = smcard_gpio_free,
		.to_irq = smcard_gpio_to_irq,
	};

	return devm_gpiochip_add_data(dev, &sg->gc, sg);
}

static const struct platform_device_id smcard_gpio_id[] = {
	{ "smcard-gpio" },
	{ }
};
MODULE_DEVICE_TABLE(platform, smcard_gpio_id);

static struct platform_driver smcard_gpio_driver = {
	.driver = {
		.name = "smcard-gpio",
	},
	.probe = smcard_gpio_probe,
	.id_table = smcard_gpio_id,
};
module_platform_driver(smcard_gpio_driver);

MODULE_DESCRIPTION("OPTION CloudGate Smart Metering card GPIO lines");
MODULE_LICENSE("GPL");
