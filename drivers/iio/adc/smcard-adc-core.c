// SPDX-License-Identifier: GPL-2.0
/*
 * smcard-adc: the 0-10 V and 4-20 mA inputs of the OPTION CloudGate Smart
 * Metering Expansion Card as one IIO device. The IO controller converts all
 * analog pins at ADC_RATE; channel index = pin number, see
 * Documentation/drivers/smcard-adc.rst.
 */

#include <linux/bitops.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/iio/iio.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/regmap.h>
#include <linux/unaligned.h>

#include "smcard-adc.h"

/* Conversion rates by ADC_RATE code */
static const int smcard_adc_rates[] = { 10, 50, 100, 250, 500, 1000 };

/*
 * Read the results of @pins in one transaction, which the controller
 * serves from one snapshot: a scan is coherent. codes[i] is IO(i+1).
 */
int smcard_adc_read_codes(struct smcard_adc *adc, unsigned long pins,
			  u16 *codes)
{
	u8 buf[2 * SMCARD_NUM_PINS];
	unsigned int first, last, i;
	int ret;

	if (!pins)
		return 0;
	first = __ffs(pins);
	last = __fls(pins);
	ret = regmap_bulk_read(adc->regmap, SMCARD_REG_ADC(first), buf,
			       2 * (last - first + 1));
	if (ret)
		return ret;
	for (i = first; i <= last; i++)
		codes[i] = get_unaligned_le16(&buf[2 * (i - first)]);
	return 0;
}

/*
 * The conversion rate as the controller has it: the core keeps the cache
 * in line with the controller after failed or refused writes.
 */
int smcard_adc_rate_hz(struct smcard_adc *adc)
{
	unsigned int code;
	int ret;

	ret = regmap_read(adc->regmap, SMCARD_REG_ADC_RATE, &code);
	if (ret)
		return ret;
	if (code >= ARRAY_SIZE(smcard_adc_rates))
		return -EIO;
	return smcard_adc_rates[code];
}

static int smcard_adc_set_rate(struct smcard_adc *adc, int hz)
{
	unsigned int code;

	for (code = 0; code < ARRAY_SIZE(smcard_adc_rates); code++)
		if (smcard_adc_rates[code] == hz)
			break;
	if (code == ARRAY_SIZE(smcard_adc_rates))
		return -EINVAL;

	return smcard_reg_update(adc->regmap, SMCARD_REG_ADC_RATE, 0xff, code);
}

static int smcard_adc_read_raw(struct iio_dev *indio_dev,
			       struct iio_chan_spec const *chan,
			       int *val, int *val2, long mask)
{
	struct smcard_adc *adc = iio_priv(indio_dev);
	u16 codes[SMCARD_NUM_PINS];
	int ret;

	switch (mask) {
	case IIO_CHAN_INFO_RAW:
		/*
		 * A single read is one transaction like a buffered scan, so
		 * it may run during buffered capture.
		 */
		ret = smcard_adc_read_codes(adc, BIT(chan->address), codes);
		if (ret)
			return ret;
		*val = codes[chan->address];
		return IIO_VAL_INT;
	case IIO_CHAN_INFO_SCALE:
		/* Full scale is code 65536: 12.5 V resp. 25 mA. */
		*val = chan->type == IIO_VOLTAGE ? SMCARD_ADC_VOLTAGE_FS_MV :
						   SMCARD_ADC_CURRENT_FS_MA;
		*val2 = SMCARD_ADC_BITS;
		return IIO_VAL_FRACTIONAL_LOG2;
	case IIO_CHAN_INFO_SAMP_FREQ:
		ret = smcard_adc_rate_hz(adc);
		if (ret < 0)
			return ret;
		*val = ret;
		return IIO_VAL_INT;
	default:
		return -EINVAL;
	}
}

static int smcard_adc_write_raw(struct iio_dev *indio_dev,
				struct iio_chan_spec const *chan,
				int val, int val2, long mask)
{
	struct smcard_adc *adc = iio_priv(indio_dev);

	switch (mask) {
	case IIO_CHAN_INFO_SAMP_FREQ:
		if (val2)
			return -EINVAL;
		return smcard_adc_set_rate(adc, val);
	default:
		return -EINVAL;
	}
}

static int smcard_adc_read_avail(struct iio_dev *indio_dev,
				 struct iio_chan_spec const *chan,
				 const int **vals, int *type, int *length,
				 long mask)
{
	switch (mask) {
	case IIO_CHAN_INFO_SAMP_FREQ:
		*vals = smcard_adc_rates;
		*type = IIO_VAL_INT;
		*length = ARRAY_SIZE(smcard_adc_rates);
		return IIO_AVAIL_LIST;
	default:
		return -EINVAL;
	}
}

static int smcard_adc_read_label(struct iio_dev *indio_dev,
				 struct iio_chan_spec const *chan, char *label)
{
	struct smcard_adc *adc = iio_priv(indio_dev);

	return sysfs_emit(label, "%s\n", adc->smcard->pins[chan->address].label);
}

static const struct iio_info smcard_adc_info = {
	.read_raw = smcard_adc_read_raw,
	.write_raw = smcard_adc_write_raw,
	.read_avail = smcard_adc_read_avail,
	.read_label = smcard_adc_read_label,
	.read_event_config = smcard_adc_read_event_config,
	.write_event_config = smcard_adc_write_event_config,
	.read_event_value = smcard_adc_read_event_value,
	.write_event_value = smcard_adc_write_event_value,
};

/* One channel per analog pin, scan index = pin index, then the timestamp. */
static int smcard_adc_init_channels(struct smcard_adc *adc)
{
	struct iio_chan_spec *chan = adc->chans;
	unsigned int i;

	for (i = 0; i < SMCARD_NUM_PINS; i++) {
		switch (adc->smcard->pins[i].function) {
		case SMCARD_FUNC_VOLTAGE_IN:
			chan->type = IIO_VOLTAGE;
			break;
		case SMCARD_FUNC_CURRENT_IN:
			chan->type = IIO_CURRENT;
			break;
		default:
			continue;
		}
		chan->indexed = 1;
		chan->channel = i + 1;
		chan->address = i;
		chan->scan_index = i;
		chan->scan_type.sign = 'u';
		chan->scan_type.realbits = SMCARD_ADC_BITS;
		chan->scan_type.storagebits = 16;
		chan->scan_type.endianness = IIO_CPU;
		chan->info_mask_separate = BIT(IIO_CHAN_INFO_RAW) |
					   BIT(IIO_CHAN_INFO_SCALE);
		chan->info_mask_shared_by_all = BIT(IIO_CHAN_INFO_SAMP_FREQ);
		chan->info_mask_shared_by_all_available =
			BIT(IIO_CHAN_INFO_SAMP_FREQ);
		adc->analog |= BIT(i);
		chan++;
	}
	if (!adc->analog)
		return -ENODEV;
	chan->type = IIO_TIMESTAMP;
	chan->channel = -1;
	chan->scan_index = SMCARD_NUM_PINS;
	chan->scan_type.sign = 's';
	chan->scan_type.realbits = 64;
	chan->scan_type.storagebits = 64;
	return chan - adc->chans + 1;
}

static int smcard_adc_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct smcard *smcard = dev_get_drvdata(dev->parent);
	struct iio_dev *indio_dev;
	struct smcard_adc *adc;
	int ret;

	if (!smcard || !smcard->regmap)
		return dev_err_probe(dev, -ENODEV, "no smcard-core parent\n");

	indio_dev = devm_iio_device_alloc(dev, sizeof(*adc));
	if (!indio_dev)
		return -ENOMEM;
	adc = iio_priv(indio_dev);
	adc->indio_dev = indio_dev;
	adc->smcard = smcard;
	adc->regmap = smcard->regmap;

	ret = smcard_adc_init_channels(adc);
	if (ret < 0)
		return dev_err_probe(dev, ret, "no pin is an analog input\n");
	indio_dev->num_channels = ret;
	indio_dev->channels = adc->chans;
	indio_dev->name = "smcard-adc";
	indio_dev->info = &smcard_adc_info;
	indio_dev->modes = INDIO_DIRECT_MODE;

	ret = devm_mutex_init(dev, &adc->lock);
	if (ret)
		return ret;

	ret = smcard_adc_rate_hz(adc);
	if (ret < 0)
		return dev_err_probe(dev, ret, "cannot read ADC_RATE\n");

	ret = smcard_adc_events_init(pdev, adc);
	if (ret)
		return ret;

	ret = smcard_adc_buffer_setup(dev, indio_dev);
	if (ret)
		return dev_err_probe(dev, ret, "cannot set up the buffer\n");

	return devm_iio_device_register(dev, indio_dev);
}

static const struct platform_device_id smcard_adc_id[] = {
	{ .name = "smcard-adc" },
	{ }
};
MODULE_DEVICE_TABLE(platform, smcard_adc_id);

static struct platform_driver smcard_adc_driver = {
	.driver = {
		.name = "smcard-adc",
	},
	.probe = smcard_adc_probe,
	.id_table = smcard_adc_id,
};
module_platform_driver(smcard_adc_driver);

MODULE_DESCRIPTION("Smart Metering Expansion Card 0-10 V / 4-20 mA inputs");
MODULE_LICENSE("GPL");
