// SPDX-License-Identifier: GPL-2.0
/*
 * smcard-adc: threshold events. The IO controller has no comparator, so
 * while any event is enabled a work reads the watched pins once per
 * conversion period (at most every SMCARD_ADC_POLL_MIN_MS) and compares in
 * software. An event fires once when the input crosses its threshold and
 * re-arms only after the input is back beyond the hysteresis.
 */

#include <linux/bitops.h>
#include <linux/device.h>
#include <linux/iio/events.h>
#include <linux/jiffies.h>
#include <linux/math64.h>
#include <linux/minmax.h>

#include "smcard-adc.h"

/* Bound on the bus load of polling: 10 ms keeps it under 25 % at 100 kHz. */
#define SMCARD_ADC_POLL_MIN_MS		10

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

const struct iio_event_spec smcard_adc_event_spec[SMCARD_ADC_NUM_DIRS] = {
	[SMCARD_ADC_RISING] = {
		.type = IIO_EV_TYPE_THRESH,
		.dir = IIO_EV_DIR_RISING,
		.mask_separate = BIT(IIO_EV_INFO_VALUE) |
				 BIT(IIO_EV_INFO_HYSTERESIS) |
				 BIT(IIO_EV_INFO_ENABLE),
	},
	[SMCARD_ADC_FALLING] = {
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

static struct smcard_adc_thresh *
smcard_adc_thresh(struct smcard_adc *adc, const struct iio_chan_spec *chan,
		  enum iio_event_direction dir)
{
	return &adc->thresh[chan->address][dir == IIO_EV_DIR_RISING ?
					   SMCARD_ADC_RISING :
					   SMCARD_ADC_FALLING];
}

static unsigned long smcard_adc_watched(struct smcard_adc *adc)
{
	unsigned long pins = 0;
	unsigned int i;

	for (i = 0; i < SMCARD_NUM_PINS; i++)
		if (adc->thresh[i][SMCARD_ADC_RISING].enabled ||
		    adc->thresh[i][SMCARD_ADC_FALLING].enabled)
			pins |= BIT(i);
	return pins;
}

static void smcard_adc_push(struct smcard_adc *adc, unsigned int i,
			    enum iio_event_direction dir, s64 ts)
{
	enum iio_chan_type type = IIO_VOLTAGE;

	if (adc->smcard->pins[i].function == SMCARD_FUNC_CURRENT_IN)
		type = IIO_CURRENT;
	iio_push_event(adc->indio_dev,
		       IIO_UNMOD_EVENT_CODE(type, i + 1, IIO_EV_TYPE_THRESH,
					    dir), ts);
}

static void smcard_adc_check(struct smcard_adc *adc, unsigned int i,
			     int code, s64 ts)
{
	struct smcard_adc_thresh *r = &adc->thresh[i][SMCARD_ADC_RISING];
	struct smcard_adc_thresh *f = &adc->thresh[i][SMCARD_ADC_FALLING];

	if (r->enabled) {
		if (r->armed && code > r->value) {
			smcard_adc_push(adc, i, IIO_EV_DIR_RISING, ts);
			r->armed = false;
		} else if (!r->armed && code + r->hyst <= r->value) {
			r->armed = true;
		}
	}
	if (f->enabled) {
		if (f->armed && code < f->value) {
			smcard_adc_push(adc, i, IIO_EV_DIR_FALLING, ts);
			f->armed = false;
		} else if (!f->armed && code >= f->value + f->hyst) {
			f->armed = true;
		}
	}
}

static unsigned long smcard_adc_poll_delay(struct smcard_adc *adc)
{
	int hz = smcard_adc_rate_hz(adc);

	return msecs_to_jiffies(max(hz > 0 ? MSEC_PER_SEC / hz : 0,
				    SMCARD_ADC_POLL_MIN_MS));
}

static void smcard_adc_poll(struct work_struct *work)
{
	struct smcard_adc *adc = container_of(to_delayed_work(work),
					      struct smcard_adc, poll);
	u16 codes[SMCARD_NUM_PINS];
	unsigned long pins;
	unsigned int i;
	s64 ts;
	int ret;

	guard(mutex)(&adc->lock);
	pins = smcard_adc_watched(adc);
	if (!pins)
		return;
	ret = smcard_adc_read_codes(adc, pins, codes);
	ts = iio_get_time_ns(adc->indio_dev);
	if (ret)
		dev_err_ratelimited(adc->indio_dev->dev.parent,
				    "threshold poll failed: %d\n", ret);
	else
		for_each_set_bit(i, &pins, SMCARD_NUM_PINS)
			smcard_adc_check(adc, i, codes[i], ts);
	queue_delayed_work(system_freezable_wq, &adc->poll,
			   smcard_adc_poll_delay(adc));
}

int smcard_adc_read_event_config(struct iio_dev *indio_dev,
				 const struct iio_chan_spec *chan,
				 enum iio_event_type type,
				 enum iio_event_direction dir)
{
	struct smcard_adc *adc = iio_priv(indio_dev);

	guard(mutex)(&adc->lock);
	return smcard_adc_thresh(adc, chan, dir)->enabled;
}

int smcard_adc_write_event_config(struct iio_dev *indio_dev,
				  const struct iio_chan_spec *chan,
				  enum iio_event_type type,
				  enum iio_event_direction dir, int state)
{
	struct smcard_adc *adc = iio_priv(indio_dev);
	struct smcard_adc_thresh *t = smcard_adc_thresh(adc, chan, dir);

	scoped_guard(mutex, &adc->lock) {
		if (state && !t->enabled)
			t->armed = true;
		t->enabled = state;
	}
	/* The work stops by itself once nothing is enabled. */
	if (state)
		queue_delayed_work(system_freezable_wq, &adc->poll, 0);
	return 0;
}

int smcard_adc_read_event_value(struct iio_dev *indio_dev,
				const struct iio_chan_spec *chan,
				enum iio_event_type type,
				enum iio_event_direction dir,
				enum iio_event_info info, int *val, int *val2)
{
	struct smcard_adc *adc = iio_priv(indio_dev);
	struct smcard_adc_thresh *t = smcard_adc_thresh(adc, chan, dir);

	guard(mutex)(&adc->lock);
	switch (info) {
	case IIO_EV_INFO_VALUE:
		*val = t->value;
		return IIO_VAL_INT;
	case IIO_EV_INFO_HYSTERESIS:
		*val = t->hyst;
		return IIO_VAL_INT;
	default:
		return -EINVAL;
	}
}

int smcard_adc_write_event_value(struct iio_dev *indio_dev,
				 const struct iio_chan_spec *chan,
				 enum iio_event_type type,
				 enum iio_event_direction dir,
				 enum iio_event_info info, int val, int val2)
{
	struct smcard_adc *adc = iio_priv(indio_dev);
	struct smcard_adc_thresh *t = smcard_adc_thresh(adc, chan, dir);

	if (val < 0 || val > SMCARD_ADC_MAX || val2)
		return -EINVAL;

	guard(mutex)(&adc->lock);
	switch (info) {
	case IIO_EV_INFO_VALUE:
		t->value = val;
		break;
	case IIO_EV_INFO_HYSTERESIS:
		t->hyst = val;
		break;
	default:
		return -EINVAL;
	}
	/* Judge the input against the new setting from scratch. */
	t->armed = true;
	return 0;
}

static void smcard_adc_events_stop(void *data)
{
	struct smcard_adc *adc = data;

	cancel_delayed_work_sync(&adc->poll);
}

int smcard_adc_events_init(struct device *dev, struct smcard_adc *adc)
{
	struct smcard_adc_thresh *r, *f;
	unsigned int i;

	for (i = 0; i < SMCARD_NUM_PINS; i++) {
		r = &adc->thresh[i][SMCARD_ADC_RISING];
		f = &adc->thresh[i][SMCARD_ADC_FALLING];
		if (adc->smcard->pins[i].function == SMCARD_FUNC_CURRENT_IN) {
			r->value = smcard_adc_code(SMCARD_ADC_NE43_HIGH_UA,
						   SMCARD_ADC_CURRENT_FS_MA);
			r->hyst = smcard_adc_code(SMCARD_ADC_NE43_HIGH_HYST_UA,
						  SMCARD_ADC_CURRENT_FS_MA);
			f->value = smcard_adc_code(SMCARD_ADC_NE43_LOW_UA,
						   SMCARD_ADC_CURRENT_FS_MA);
			f->hyst = smcard_adc_code(SMCARD_ADC_NE43_LOW_HYST_UA,
						  SMCARD_ADC_CURRENT_FS_MA);
		} else {
			r->value = smcard_adc_code(SMCARD_ADC_OVER_RANGE_UV,
						   SMCARD_ADC_VOLTAGE_FS_MV);
		}
	}
	INIT_DELAYED_WORK(&adc->poll, smcard_adc_poll);
	return devm_add_action_or_reset(dev, smcard_adc_events_stop, adc);
}
