// SPDX-License-Identifier: GPL-2.0
/*
 * smcard-adc: triggered buffer. The controller has no data-ready interrupt,
 * so scans run from any trigger (hrtimer, sysfs, ...); each scan is one bulk
 * read of the active pins' results, timestamped when the trigger fired.
 */

#include <linux/bitops.h>
#include <linux/device.h>
#include <linux/iio/buffer.h>
#include <linux/iio/trigger.h>
#include <linux/iio/trigger_consumer.h>
#include <linux/iio/triggered_buffer.h>
#include <linux/interrupt.h>

#include "smcard-adc.h"

static irqreturn_t smcard_adc_trigger_handler(int irq, void *p)
{
	struct iio_poll_func *pf = p;
	struct iio_dev *indio_dev = pf->indio_dev;
	struct smcard_adc *adc = iio_priv(indio_dev);
	unsigned long pins = *indio_dev->active_scan_mask & SMCARD_PINS_MASK;
	u16 codes[SMCARD_NUM_PINS];
	unsigned int i, n = 0;
	int ret;

	ret = smcard_adc_read_codes(adc, pins, codes);
	if (ret) {
		/* Drop the scan rather than push stale or made-up data. */
		dev_err_ratelimited(indio_dev->dev.parent,
				    "scan failed: %d\n", ret);
		goto done;
	}
	for_each_set_bit(i, &pins, SMCARD_NUM_PINS)
		adc->scan.code[n++] = codes[i];
	iio_push_to_buffers_with_timestamp(indio_dev, &adc->scan,
					   pf->timestamp);
done:
	iio_trigger_notify_done(indio_dev->trig);
	return IRQ_HANDLED;
}

int smcard_adc_buffer_setup(struct device *dev, struct iio_dev *indio_dev)
{
	return devm_iio_triggered_buffer_setup(dev, indio_dev,
					       iio_pollfunc_store_time,
					       smcard_adc_trigger_handler,
					       NULL);
}
