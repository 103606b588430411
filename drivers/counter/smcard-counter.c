// SPDX-License-Identifier: GPL-2.0
/*
 * Pulse counters of the OPTION CloudGate Smart Metering Expansion Card:
 * one Count per S0 or digital (dry-contact) input pin of the IO controller.
 *
 * The controller counts accepted edges in a 32-bit register per pin. The
 * driver extends it to 64 bits, applies ceiling and preset, and serves the
 * value from a cache that the count interrupt thread refreshes, because
 * counter_push_event() reads watched values with interrupts off.
 *
 * See Documentation/drivers/smcard-counter.rst.
 */

#include <linux/bitfield.h>
#include <linux/counter.h>
#include <linux/devm-helpers.h>
#include <linux/interrupt.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/mfd/smcard.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/regmap.h>
#include <linux/spinlock.h>
#include <linux/unaligned.h>
#include <linux/workqueue.h>

/* EN 62053-31: S0 pulses last at least 30 ms */
#define SMCARD_CNT_DEFAULT_DEBOUNCE	300
#define SMCARD_CNT_DEBOUNCE_UNIT_NS	(SMCARD_DEBOUNCE_UNIT_US * NSEC_PER_USEC)
#define SMCARD_CNT_RETRY_MS		20

/* Written under smcard_counter.lock; value also under value_lock */
struct smcard_cnt_channel {
	unsigned int pin;
	u64 value;
	u64 ceiling;
	u64 preset;
	bool preset_enable;
	u32 hw_last;
	bool restarted;
};

struct smcard_counter {
	struct device *dev;
	struct regmap *regmap;
	struct smcard *smcard;
	struct counter_device *counter;
	/* serialises register access and channel state updates */
	struct mutex lock;
	/* the count values, read under counter_push_event()'s spinlock */
	spinlock_t value_lock;
	struct delayed_work retry;
	struct notifier_block reset_nb;
	unsigned int num;
	struct smcard_cnt_channel ch[SMCARD_NUM_PINS];
	struct counter_signal signals[SMCARD_NUM_PINS];
	struct counter_synapse synapses[SMCARD_NUM_PINS];
	struct counter_count counts[SMCARD_NUM_PINS];
};

static int smcard_cnt_update_bits(struct smcard_counter *priv,
				  unsigned int reg, unsigned int mask,
				  unsigned int val)
{
	return smcard_reg_update(priv->regmap, reg, mask, val);
}

static int smcard_cnt_write_le16(struct smcard_counter *priv,
				 unsigned int reg, u16 val)
{
	u8 buf[2];

	put_unaligned_le16(val, buf);

	return smcard_reg_write(priv->regmap, reg, buf, sizeof(buf));
}

static void smcard_cnt_set_value(struct smcard_counter *priv,
				 struct smcard_cnt_channel *ch, u64 value)
{
	spin_lock_irq(&priv->value_lock);
	ch->value = value;
	spin_unlock_irq(&priv->value_lock);
}

/*
 * Add @delta counted pulses; past the ceiling the count continues from the
 * reload value (preset if preset_enable, else 0). Returns true on overflow.
 */
static bool smcard_cnt_advance(struct smcard_counter *priv,
			       struct smcard_cnt_channel *ch, u64 delta)
{
	u64 room = ch->ceiling - ch->value;
	u64 reload, period, excess, rem;

	if (delta <= room) {
		smcard_cnt_set_value(priv, ch, ch->value + delta);
		return false;
	}

	reload = ch->preset_enable ? ch->preset : 0;
	excess = delta - room - 1;
	period = ch->ceiling - reload + 1;
	/* period is 0 only for a full 64-bit range: no modulo needed */
	if (period)
		div64_u64_rem(excess, period, &rem);
	else
		rem = excess;
	smcard_cnt_set_value(priv, ch, reload + rem);

	return true;
}

/* Fold the hardware counters into the cached counts */
static int smcard_cnt_refresh(struct smcard_counter *priv)
{
	u8 buf[4 * SMCARD_NUM_PINS];
	bool changed[SMCARD_NUM_PINS] = { };
	bool overflow[SMCARD_NUM_PINS] = { };
	unsigned int i;
	int ret;

	lockdep_assert_held(&priv->lock);

	/* One transaction: the controller serves it from one snapshot */
	ret = regmap_bulk_read(priv->regmap, SMCARD_REG_COUNT(0), buf,
			       sizeof(buf));
	if (ret) {
		dev_warn_ratelimited(priv->dev, "reading counters: %d\n", ret);
		schedule_delayed_work(&priv->retry,
				      msecs_to_jiffies(SMCARD_CNT_RETRY_MS));
		return ret;
	}

	for (i = 0; i < priv->num; i++) {
		struct smcard_cnt_channel *ch = &priv->ch[i];
		u32 hw = get_unaligned_le32(&buf[4 * ch->pin]);
		u32 delta = hw - ch->hw_last;

		/*
		 * A jump back is not a wrap (that would take 2^31 pulses
		 * between two reads) but a restarted controller: the
		 * register counts from 0 again.
		 */
		if (delta > S32_MAX) {
			delta = hw;
			ch->restarted = true;
		}
		ch->hw_last = hw;
		if (!delta)
			continue;

		overflow[i] = smcard_cnt_advance(priv, ch, delta);
		changed[i] = true;
	}

	for (i = 0; i < priv->num; i++) {
		if (overflow[i])
			counter_push_event(priv->counter,
					   COUNTER_EVENT_OVERFLOW, i);
		if (changed[i])
			counter_push_event(priv->counter,
					   COUNTER_EVENT_CHANGE_OF_STATE, i);
	}

	return 0;
}

static irqreturn_t smcard_cnt_irq(int irq, void *data)
{
	struct smcard_counter *priv = data;

	guard(mutex)(&priv->lock);
	smcard_cnt_refresh(priv);

	return IRQ_HANDLED;
}

/* A failed refresh lost its interrupt: retry until the bus answers */
static void smcard_cnt_retry(struct work_struct *work)
{
	struct smcard_counter *priv = container_of(to_delayed_work(work),
						   struct smcard_counter,
						   retry);

	guard(mutex)(&priv->lock);
	smcard_cnt_refresh(priv);
}

/*
 * The controller was reset and the core restored its configuration: the
 * counters restarted from 0. The last value read before the reset is
 * already in the count, so count on from 0, unless a refresh has seen the
 * restart already.
 */
static int smcard_cnt_reset_event(struct notifier_block *nb,
				  unsigned long event, void *data)
{
	struct smcard_counter *priv = container_of(nb, struct smcard_counter,
						   reset_nb);
	unsigned int i;

	if (event != SMCARD_EVENT_RESET)
		return NOTIFY_DONE;

	guard(mutex)(&priv->lock);
	for (i = 0; i < priv->num; i++) {
		if (!priv->ch[i].restarted)
			priv->ch[i].hw_last = 0;
		priv->ch[i].restarted = false;
	}
	smcard_cnt_refresh(priv);

	return NOTIFY_OK;
}

static int smcard_cnt_count_read(struct counter_device *counter,
				 struct counter_count *count, u64 *val)
{
	struct smcard_counter *priv = counter_priv(counter);
	unsigned long flags;

	spin_lock_irqsave(&priv->value_lock, flags);
	*val = priv->ch[count->id].value;
	spin_unlock_irqrestore(&priv->value_lock, flags);

	return 0;
}

/* Writing the count presets the hardware register with its low 32 bits */
static int smcard_cnt_count_write(struct counter_device *counter,
				  struct counter_count *count, u64 val)
{
	struct smcard_counter *priv = counter_priv(counter);
	struct smcard_cnt_channel *ch = &priv->ch[count->id];
	u8 buf[4];
	int ret;

	put_unaligned_le32(lower_32_bits(val), buf);

	guard(mutex)(&priv->lock);
	if (val > ch->ceiling)
		return -EINVAL;

	ret = regmap_bulk_write(priv->regmap, SMCARD_REG_COUNT(ch->pin), buf,
				sizeof(buf));
	if (ret)
		return ret;

	ch->hw_last = lower_32_bits(val);
	smcard_cnt_set_value(priv, ch, val);

	return 0;
}

static const enum counter_function smcard_cnt_functions[] = {
	COUNTER_FUNCTION_INCREASE,
};

static int smcard_cnt_function_read(struct counter_device *counter,
				    struct counter_count *count,
				    enum counter_function *function)
{
	*function = COUNTER_FUNCTION_INCREASE;

	return 0;
}

/* Indexed by SMCARD_COUNT_EDGE_* */
static const enum counter_synapse_action smcard_cnt_actions[] = {
	[SMCARD_COUNT_EDGE_RISING] = COUNTER_SYNAPSE_ACTION_RISING_EDGE,
	[SMCARD_COUNT_EDGE_FALLING] = COUNTER_SYNAPSE_ACTION_FALLING_EDGE,
	[SMCARD_COUNT_EDGE_BOTH] = COUNTER_SYNAPSE_ACTION_BOTH_EDGES,
};

static int smcard_cnt_action_read(struct counter_device *counter,
				  struct counter_count *count,
				  struct counter_synapse *synapse,
				  enum counter_synapse_action *action)
{
	struct smcard_counter *priv = counter_priv(counter);
	unsigned int cfg, edge;
	int ret;

	ret = regmap_read(priv->regmap,
			  SMCARD_REG_PIN(priv->ch[count->id].pin, SMCARD_PIN_CFG),
			  &cfg);
	if (ret)
		return ret;

	edge = FIELD_GET(SMCARD_PIN_CFG_COUNT_EDGE, cfg);
	if (edge >= ARRAY_SIZE(smcard_cnt_actions))
		return -EIO;
	*action = smcard_cnt_actions[edge];

	return 0;
}

static int smcard_cnt_action_write(struct counter_device *counter,
				   struct counter_count *count,
				   struct counter_synapse *synapse,
				   enum counter_synapse_action action)
{
	struct smcard_counter *priv = counter_priv(counter);
	unsigned int edge;

	for (edge = 0; edge < ARRAY_SIZE(smcard_cnt_actions); edge++)
		if (smcard_cnt_actions[edge] == action)
			break;
	if (edge == ARRAY_SIZE(smcard_cnt_actions))
		return -EINVAL;

	return smcard_cnt_update_bits(priv,
				      SMCARD_REG_PIN(priv->ch[count->id].pin,
						     SMCARD_PIN_CFG),
				      SMCARD_PIN_CFG_COUNT_EDGE,
				      FIELD_PREP(SMCARD_PIN_CFG_COUNT_EDGE, edge));
}

static int smcard_cnt_signal_read(struct counter_device *counter,
				  struct counter_signal *signal,
				  enum counter_signal_level *level)
{
	struct smcard_counter *priv = counter_priv(counter);
	unsigned int val;
	int ret;

	ret = regmap_read(priv->regmap, SMCARD_REG_IN_LEVEL, &val);
	if (ret)
		return ret;

	*level = val & BIT(signal->id) ? COUNTER_SIGNAL_LEVEL_HIGH :
					 COUNTER_SIGNAL_LEVEL_LOW;

	return 0;
}

/*
 * Only the count value is served from the cache; every other component is
 * read over I2C, which must not happen under the event spinlock.
 */
static int smcard_cnt_watch_validate(struct counter_device *counter,
				     const struct counter_watch *watch)
{
	struct smcard_counter *priv = counter_priv(counter);

	if (watch->channel >= priv->num)
		return -EINVAL;

	switch (watch->component.type) {
	case COUNTER_COMPONENT_NONE:
	case COUNTER_COMPONENT_COUNT:
		break;
	default:
		return -EINVAL;
	}

	switch (watch->event) {
	case COUNTER_EVENT_OVERFLOW:
	case COUNTER_EVENT_CHANGE_OF_STATE:
		return 0;
	default:
		return -EINVAL;
	}
}

static const struct counter_ops smcard_cnt_ops = {
	.count_read = smcard_cnt_count_read,
	.count_write = smcard_cnt_count_write,
	.function_read = smcard_cnt_function_read,
	.action_read = smcard_cnt_action_read,
	.action_write = smcard_cnt_action_write,
	.signal_read = smcard_cnt_signal_read,
	.watch_validate = smcard_cnt_watch_validate,
};

static int smcard_cnt_enable_read(struct counter_device *counter,
				  struct counter_count *count, u8 *enable)
{
	struct smcard_counter *priv = counter_priv(counter);
	unsigned int val;
	int ret;

	ret = regmap_read(priv->regmap, SMCARD_REG_CNT_ENABLE, &val);
	if (ret)
		return ret;

	*enable = !!(val & BIT(priv->ch[count->id].pin));

	return 0;
}

static int smcard_cnt_enable_write(struct counter_device *counter,
				   struct counter_count *count, u8 enable)
{
	struct smcard_counter *priv = counter_priv(counter);
	unsigned int bit = BIT(priv->ch[count->id].pin);

	return smcard_cnt_update_bits(priv, SMCARD_REG_CNT_ENABLE, bit,
				      enable ? bit : 0);
}

static int smcard_cnt_ceiling_read(struct counter_device *counter,
				   struct counter_count *count, u64 *ceiling)
{
	struct smcard_counter *priv = counter_priv(counter);

	guard(mutex)(&priv->lock);
	*ceiling = priv->ch[count->id].ceiling;

	return 0;
}

static int smcard_cnt_ceiling_write(struct counter_device *counter,
				    struct counter_count *count, u64 ceiling)
{
	struct smcard_counter *priv = counter_priv(counter);
	struct smcard_cnt_channel *ch = &priv->ch[count->id];

	guard(mutex)(&priv->lock);
	/* The count stays within [0, ceiling], so does the reload value */
	if (ceiling < ch->value || ceiling < ch->preset)
		return -EINVAL;
	ch->ceiling = ceiling;

	return 0;
}

static int smcard_cnt_preset_read(struct counter_device *counter,
				  struct counter_count *count, u64 *preset)
{
	struct smcard_counter *priv = counter_priv(counter);

	guard(mutex)(&priv->lock);
	*preset = priv->ch[count->id].preset;

	return 0;
}

static int smcard_cnt_preset_write(struct counter_device *counter,
				   struct counter_count *count, u64 preset)
{
	struct smcard_counter *priv = counter_priv(counter);
	struct smcard_cnt_channel *ch = &priv->ch[count->id];

	guard(mutex)(&priv->lock);
	if (preset > ch->ceiling)
		return -EINVAL;
	ch->preset = preset;

	return 0;
}

static int smcard_cnt_preset_enable_read(struct counter_device *counter,
					 struct counter_count *count,
					 u8 *enable)
{
	struct smcard_counter *priv = counter_priv(counter);

	guard(mutex)(&priv->lock);
	*enable = priv->ch[count->id].preset_enable;

	return 0;
}

static int smcard_cnt_preset_enable_write(struct counter_device *counter,
					  struct counter_count *count,
					  u8 enable)
{
	struct smcard_counter *priv = counter_priv(counter);

	guard(mutex)(&priv->lock);
	priv->ch[count->id].preset_enable = enable;

	return 0;
}

static int smcard_cnt_spike_filter_read(struct counter_device *counter,
					struct counter_count *count,
					u64 *length)
{
	struct smcard_counter *priv = counter_priv(counter);
	u8 buf[2];
	int ret;

	ret = regmap_bulk_read(priv->regmap,
			       SMCARD_REG_PIN(priv->ch[count->id].pin,
					      SMCARD_PIN_DEBOUNCE),
			       buf, sizeof(buf));
	if (ret)
		return ret;

	*length = (u64)get_unaligned_le16(buf) * SMCARD_CNT_DEBOUNCE_UNIT_NS;

	return 0;
}

/*
 * The filter has 100 us steps: round up so no shorter spike passes. The
 * range is checked first: rounding a length near U64_MAX up wraps to 0.
 */
static int smcard_cnt_spike_filter_write(struct counter_device *counter,
					 struct counter_count *count,
					 u64 length)
{
	struct smcard_counter *priv = counter_priv(counter);
	u64 units;

	if (length > (u64)U16_MAX * SMCARD_CNT_DEBOUNCE_UNIT_NS)
		return -ERANGE;
	units = DIV_ROUND_UP_ULL(length, SMCARD_CNT_DEBOUNCE_UNIT_NS);

	return smcard_cnt_write_le16(priv,
				     SMCARD_REG_PIN(priv->ch[count->id].pin,
						    SMCARD_PIN_DEBOUNCE),
				     units);
}

static struct counter_comp smcard_cnt_ext[] = {
	COUNTER_COMP_ENABLE(smcard_cnt_enable_read, smcard_cnt_enable_write),
	COUNTER_COMP_CEILING(smcard_cnt_ceiling_read, smcard_cnt_ceiling_write),
	COUNTER_COMP_PRESET(smcard_cnt_preset_read, smcard_cnt_preset_write),
	COUNTER_COMP_PRESET_ENABLE(smcard_cnt_preset_enable_read,
				   smcard_cnt_preset_enable_write),
	COUNTER_COMP_COUNT_U64("spike_filter_ns", smcard_cnt_spike_filter_read,
			       smcard_cnt_spike_filter_write),
};

/*
 * S0 pins get the driver's defaults: rising edges (the S0 output starts
 * conducting), 30 ms filter, counting on. Digital inputs share their
 * filter with the GPIO driver, so they are left as they are.
 */
static int smcard_cnt_init_pin(struct smcard_counter *priv, unsigned int pin)
{
	int ret;

	if (priv->smcard->pins[pin].function != SMCARD_FUNC_S0_IN)
		return 0;

	ret = smcard_cnt_write_le16(priv,
				    SMCARD_REG_PIN(pin, SMCARD_PIN_DEBOUNCE),
				    SMCARD_CNT_DEFAULT_DEBOUNCE);
	if (ret)
		return ret;

	ret = smcard_cnt_update_bits(priv, SMCARD_REG_PIN(pin, SMCARD_PIN_CFG),
				     SMCARD_PIN_CFG_COUNT_EDGE,
				     FIELD_PREP(SMCARD_PIN_CFG_COUNT_EDGE,
						SMCARD_COUNT_EDGE_RISING));
	if (ret)
		return ret;

	return smcard_cnt_update_bits(priv, SMCARD_REG_CNT_ENABLE, BIT(pin),
				      BIT(pin));
}

static int smcard_cnt_setup_channel(struct smcard_counter *priv,
				    unsigned int pin)
{
	const struct smcard_pin *p = &priv->smcard->pins[pin];
	unsigned int id = priv->num;
	struct counter_signal *signal = &priv->signals[id];
	struct counter_synapse *synapse = &priv->synapses[id];
	struct counter_count *count = &priv->counts[id];

	priv->ch[id].pin = pin;
	priv->ch[id].ceiling = U64_MAX;

	signal->id = pin;
	signal->name = devm_kasprintf(priv->dev, GFP_KERNEL, "IO%u", pin + 1);
	if (!signal->name)
		return -ENOMEM;

	synapse->actions_list = smcard_cnt_actions;
	synapse->num_actions = ARRAY_SIZE(smcard_cnt_actions);
	synapse->signal = signal;

	count->id = id;
	count->name = p->label;
	count->functions_list = smcard_cnt_functions;
	count->num_functions = ARRAY_SIZE(smcard_cnt_functions);
	count->synapses = synapse;
	count->num_synapses = 1;
	count->ext = smcard_cnt_ext;
	count->num_ext = ARRAY_SIZE(smcard_cnt_ext);

	priv->num++;

	return smcard_cnt_init_pin(priv, pin);
}

/* Start from what the hardware counted, also while no driver was bound */
static int smcard_cnt_read_initial(struct smcard_counter *priv)
{
	u8 buf[4 * SMCARD_NUM_PINS];
	unsigned int i;
	int ret;

	ret = regmap_bulk_read(priv->regmap, SMCARD_REG_COUNT(0), buf,
			       sizeof(buf));
	if (ret)
		return ret;

	for (i = 0; i < priv->num; i++) {
		priv->ch[i].hw_last = get_unaligned_le32(&buf[4 * priv->ch[i].pin]);
		priv->ch[i].value = priv->ch[i].hw_last;
	}

	return 0;
}

static void smcard_cnt_unregister_reset(void *data)
{
	struct smcard_counter *priv = data;

	smcard_unregister_reset_notifier(priv->smcard, &priv->reset_nb);
}

/* Interrupts and notifier after the counter: they go before it on removal */
static int smcard_cnt_request_events(struct smcard_counter *priv)
{
	struct device *dev = priv->dev;
	unsigned int i;
	int irq, ret;

	ret = devm_delayed_work_autocancel(dev, &priv->retry, smcard_cnt_retry);
	if (ret)
		return ret;

	for (i = 0; i < priv->num; i++) {
		irq = regmap_irq_get_virq(priv->smcard->irq_data,
					  SMCARD_IRQ_COUNT(priv->ch[i].pin));
		if (irq < 0)
			return dev_err_probe(dev, irq, "no count interrupt\n");

		ret = devm_request_threaded_irq(dev, irq, NULL, smcard_cnt_irq,
						IRQF_ONESHOT, dev_name(dev),
						priv);
		if (ret)
			return dev_err_probe(dev, ret, "request IRQ %d\n", irq);
	}

	priv->reset_nb.notifier_call = smcard_cnt_reset_event;
	ret = smcard_register_reset_notifier(priv->smcard, &priv->reset_nb);
	if (ret)
		return dev_err_probe(dev, ret, "reset notifier\n");

	ret = devm_add_action_or_reset(dev, smcard_cnt_unregister_reset, priv);
	if (ret)
		return ret;

	/* Pulses counted before the interrupts were requested */
	guard(mutex)(&priv->lock);
	smcard_cnt_refresh(priv);

	return 0;
}

static int smcard_cnt_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct counter_device *counter;
	struct smcard_counter *priv;
	unsigned int pin;
	int ret;

	counter = devm_counter_alloc(dev, sizeof(*priv));
	if (!counter)
		return -ENOMEM;
	priv = counter_priv(counter);

	priv->dev = dev;
	priv->counter = counter;
	priv->smcard = dev_get_drvdata(dev->parent);
	if (!priv->smcard)
		return dev_err_probe(dev, -ENODEV, "no smcard core\n");
	priv->regmap = priv->smcard->regmap;
	spin_lock_init(&priv->value_lock);
	ret = devm_mutex_init(dev, &priv->lock);
	if (ret)
		return ret;

	for (pin = 0; pin < SMCARD_NUM_PINS; pin++) {
		switch (priv->smcard->pins[pin].function) {
		case SMCARD_FUNC_S0_IN:
		case SMCARD_FUNC_DIGITAL_IN:
			ret = smcard_cnt_setup_channel(priv, pin);
			if (ret)
				return dev_err_probe(dev, ret, "set up IO%u\n",
						     pin + 1);
			break;
		default:
			break;
		}
	}
	if (!priv->num)
		return dev_err_probe(dev, -ENODEV, "no pulse input pins\n");

	ret = smcard_cnt_read_initial(priv);
	if (ret)
		return dev_err_probe(dev, ret, "read counters\n");

	counter->name = dev_name(dev);
	counter->parent = dev;
	counter->ops = &smcard_cnt_ops;
	counter->signals = priv->signals;
	counter->num_signals = priv->num;
	counter->counts = priv->counts;
	counter->num_counts = priv->num;

	ret = devm_counter_add(dev, counter);
	if (ret)
		return dev_err_probe(dev, ret, "add counter\n");

	return smcard_cnt_request_events(priv);
}

static const struct platform_device_id smcard_cnt_id[] = {
	{ "smcard-counter" },
	{ }
};
MODULE_DEVICE_TABLE(platform, smcard_cnt_id);

static struct platform_driver smcard_cnt_driver = {
	.driver = {
		.name = "smcard-counter",
	},
	.probe = smcard_cnt_probe,
	.id_table = smcard_cnt_id,
};
module_platform_driver(smcard_cnt_driver);

MODULE_DESCRIPTION("Smart Metering Expansion Card pulse counters");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(COUNTER);
