// SPDX-License-Identifier: GPL-2.0
/*
 * smcard-adc: threshold events. From ABI 1.2 on the IO controller compares
 * every conversion of an analog pin against a high and a low threshold with
 * hysteresis and interrupts on a crossing (Documentation/hw/smcard-ioc.rst,
 * "Threshold comparators"). The driver only programs the comparators and
 * forwards their interrupts, which come as resources of the MFD cell: one
 * per pin and direction, enabled while the IIO event is.
 */

#include <linux/bitops.h>
#include <linux/device.h>
#include <linux/iio/events.h>
#include <linux/interrupt.h>
#include <linux/math64.h>
#include <linux/platform_device.h>
#include <linux/regmap.h>

#include "smcard-adc.h"

/*
 * NAMUR NE43: below 3.6 mA the loop is broken, above 21 mA shorted; the
 * measuring range 3.8-20.5 mA ends a failure, hence the hysteresis.
 */
#define SMCARD_ADC_NE43_LOW_UA		3600
#define SMCARD_ADC_NE43_LOW_HYST_UA	200
#define SMCARD_ADC_NE43_HIGH_UA		21000
#define SMCARD_ADC_NE43_HIGH_HYST_UA	500
/* Voltage inputs: over-range above 10 V; no under-range by default. */
#define SMCARD_ADC_OVER_RANGE_UV	10000000

static const struct iio_event_spec smcard_adc_event_spec[] = {
	{
		.type = IIO_EV_TYPE_THRESH,
		.dir = IIO_EV_DIR_RISING,
		.mask_separate = BIT(IIO_EV_INFO_VALUE) |
				 BIT(IIO_EV_INFO_HYSTERESIS) |
				 BIT(IIO_EV_INFO_ENABLE),
	},
	{
		.type = IIO_EV_TYPE_THRESH,
		.dir = IIO_EV_DIR_FALLING,
		.mask_separate = BIT(IIO_EV_INFO_VALUE) |
				 BIT(IIO_EV_INFO_HYSTERESIS) |
				 BIT(IIO_EV_INFO_ENABLE),
	},
};

/* Code of @value in micro units at full scale @fs_milli (milli units) */
static u16 smcard_adc_code(u32 value, u32 fs_milli)
{
	return DIV_ROUND_CLOSEST_ULL((u64)value << SMCARD_ADC_BITS,
				     fs_milli * 1000);
}

static enum smcard_adc_dir smcard_adc_dir(enum iio_event_direction dir)
{
	return dir == IIO_EV_DIR_RISING ? SMCARD_ADC_RISING : SMCARD_ADC_FALLING;
}

/* The comparator register behind an event's value or hysteresis */
static int smcard_adc_thr_reg(const struct iio_chan_spec *chan,
			      enum iio_event_direction dir,
			      enum iio_event_info info)
{
	bool rising = dir == IIO_EV_DIR_RISING;
	unsigned int off;

	switch (info) {
	case IIO_EV_INFO_VALUE:
		off = rising ? SMCARD_THR_HIGH : SMCARD_THR_LOW;
		break;
	case IIO_EV_INFO_HYSTERESIS:
		off = rising ? SMCARD_THR_HYST_HIGH : SMCARD_THR_HYST_LOW;
		break;
	default:
		return -EINVAL;
	}
	return SMCARD_REG_THR(chan->address, off);
}

static irqreturn_t smcard_adc_event_irq(int irq, void *data)
{
	struct smcard_adc_event *ev = data;
	struct iio_dev *indio_dev = ev->adc->indio_dev;

	iio_push_event(indio_dev, ev->code, iio_get_time_ns(indio_dev));
	return IRQ_HANDLED;
}

int smcard_adc_read_event_config(struct iio_dev *indio_dev,
				 const struct iio_chan_spec *chan,
				 enum iio_event_type type,
				 enum iio_event_direction dir)
{
	struct smcard_adc *adc = iio_priv(indio_dev);

	guard(mutex)(&adc->lock);
	return adc->events[chan->address][smcard_adc_dir(dir)].enabled;
}

/*
 * regmap-irq writes the comparator's enable bit: setting it arms the
 * comparator, clearing it drops an event the host has not taken yet.
 */
int smcard_adc_write_event_config(struct iio_dev *indio_dev,
				  const struct iio_chan_spec *chan,
				  enum iio_event_type type,
				  enum iio_event_direction dir, int state)
{
	struct smcard_adc *adc = iio_priv(indio_dev);
	struct smcard_adc_event *ev;

	ev = &adc->events[chan->address][smcard_adc_dir(dir)];
	guard(mutex)(&adc->lock);
	if (ev->enabled == !!state)
		return 0;
	if (state)
		enable_irq(ev->irq);
	else
		disable_irq(ev->irq);
	ev->enabled = state;
	return 0;
}

/* What the comparator has: after a failed write the core re-reads it. */
int smcard_adc_read_event_value(struct iio_dev *indio_dev,
				const struct iio_chan_spec *chan,
				enum iio_event_type type,
				enum iio_event_direction dir,
				enum iio_event_info info, int *val, int *val2)
{
	struct smcard_adc *adc = iio_priv(indio_dev);
	int reg = smcard_adc_thr_reg(chan, dir, info);
	__le16 raw;
	int ret;

	if (reg < 0)
		return reg;
	ret = regmap_bulk_read(adc->regmap, reg, &raw, sizeof(raw));
	if (ret)
		return ret;
	*val = le16_to_cpu(raw);
	return IIO_VAL_INT;
}

/* The controller re-arms the comparator on a new value or hysteresis. */
int smcard_adc_write_event_value(struct iio_dev *indio_dev,
				 const struct iio_chan_spec *chan,
				 enum iio_event_type type,
				 enum iio_event_direction dir,
				 enum iio_event_info info, int val, int val2)
{
	struct smcard_adc *adc = iio_priv(indio_dev);
	int reg = smcard_adc_thr_reg(chan, dir, info);
	__le16 raw = cpu_to_le16(val);

	if (reg < 0)
		return reg;
	if (val < 0 || val > SMCARD_ADC_MAX || val2)
		return -EINVAL;
	return smcard_reg_write(adc->regmap, reg, &raw, sizeof(raw));
}

/* A threshold and its hysteresis as the comparator's registers hold them */
static void smcard_adc_thr_pair(__le16 *pair, u32 value, u32 hyst,
				u32 fs_milli)
{
	pair[0] = cpu_to_le16(smcard_adc_code(value, fs_milli));
	pair[1] = cpu_to_le16(smcard_adc_code(hyst, fs_milli));
}

/*
 * NAMUR NE43 on current inputs, over-range on voltage inputs. Cached
 * like every configuration register, so a controller reset restores them.
 */
static int smcard_adc_thr_defaults(struct smcard_adc *adc, unsigned int i)
{
	__le16 high[2], low[2] = { };
	int ret;

	if (adc->smcard->pins[i].function == SMCARD_FUNC_CURRENT_IN) {
		smcard_adc_thr_pair(high, SMCARD_ADC_NE43_HIGH_UA,
				    SMCARD_ADC_NE43_HIGH_HYST_UA,
				    SMCARD_ADC_CURRENT_FS_MA);
		smcard_adc_thr_pair(low, SMCARD_ADC_NE43_LOW_UA,
				    SMCARD_ADC_NE43_LOW_HYST_UA,
				    SMCARD_ADC_CURRENT_FS_MA);
	} else {
		smcard_adc_thr_pair(high, SMCARD_ADC_OVER_RANGE_UV, 0,
				    SMCARD_ADC_VOLTAGE_FS_MV);
	}

	ret = smcard_reg_write(adc->regmap, SMCARD_REG_THR(i, SMCARD_THR_HIGH),
			       high, sizeof(high));
	if (ret)
		return ret;
	return smcard_reg_write(adc->regmap, SMCARD_REG_THR(i, SMCARD_THR_LOW),
				low, sizeof(low));
}

static int smcard_adc_request_event(struct platform_device *pdev,
				    struct smcard_adc *adc, unsigned int i,
				    enum smcard_adc_dir d)
{
	static const char * const dir_names[] = {
		[SMCARD_ADC_RISING] = "high",
		[SMCARD_ADC_FALLING] = "low",
	};
	struct smcard_adc_event *ev = &adc->events[i][d];
	struct device *dev = &pdev->dev;
	enum iio_event_direction dir = d == SMCARD_ADC_RISING ?
				       IIO_EV_DIR_RISING : IIO_EV_DIR_FALLING;
	enum iio_chan_type type = IIO_VOLTAGE;
	char res[8];
	char *name;
	int irq;

	snprintf(res, sizeof(res), "%s%u", dir_names[d], i + 1);
	irq = platform_get_irq_byname(pdev, res);
	if (irq < 0)
		return irq;
	name = devm_kasprintf(dev, GFP_KERNEL, "smcard-adc-%s", res);
	if (!name)
		return -ENOMEM;

	if (adc->smcard->pins[i].function == SMCARD_FUNC_CURRENT_IN)
		type = IIO_CURRENT;
	ev->adc = adc;
	ev->irq = irq;
	ev->code = IIO_UNMOD_EVENT_CODE(type, i + 1, IIO_EV_TYPE_THRESH, dir);

	/* Off until userspace enables the event */
	return devm_request_threaded_irq(dev, irq, NULL, smcard_adc_event_irq,
					 IRQF_ONESHOT | IRQF_NO_AUTOEN, name,
					 ev);
}

/*
 * Program the comparators, request their interrupts and give the channels
 * their events. A controller without comparators leaves them eventless.
 */
int smcard_adc_events_init(struct platform_device *pdev,
			   struct smcard_adc *adc)
{
	struct device *dev = &pdev->dev;
	struct iio_chan_spec *chan;
	unsigned int minor, i, d;
	int ret;

	ret = regmap_read(adc->regmap, SMCARD_REG_ABI_MINOR, &minor);
	if (ret)
		return dev_err_probe(dev, ret, "cannot read ABI_MINOR\n");
	if (minor < SMCARD_ABI_MINOR_THR) {
		dev_info(dev, "IO controller ABI 1.%u has no threshold comparators (1.%u): no events\n",
			 minor, SMCARD_ABI_MINOR_THR);
		return 0;
	}

	for_each_set_bit(i, &adc->analog, SMCARD_NUM_PINS) {
		ret = smcard_adc_thr_defaults(adc, i);
		if (ret)
			return dev_err_probe(dev, ret,
					     "cannot set the thresholds of IO%u\n",
					     i + 1);
		for (d = 0; d < SMCARD_ADC_NUM_DIRS; d++) {
			ret = smcard_adc_request_event(pdev, adc, i, d);
			if (ret)
				return dev_err_probe(dev, ret,
						     "cannot request the interrupt of IO%u\n",
						     i + 1);
		}
	}

	for (chan = adc->chans; chan->type != IIO_TIMESTAMP; chan++) {
		chan->event_spec = smcard_adc_event_spec;
		chan->num_event_specs = ARRAY_SIZE(smcard_adc_event_spec);
	}
	return 0;
}
