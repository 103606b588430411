/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcard-adc: IIO driver for the 0-10 V and 4-20 mA inputs of the Smart
 * Metering Expansion Card. Shared between the driver's files.
 */
#ifndef __SMCARD_ADC_H
#define __SMCARD_ADC_H

#include <linux/iio/iio.h>
#include <linux/mfd/smcard.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/workqueue.h>

/* Index of the rising and falling threshold of a pin in thresh[][] */
enum smcard_adc_dir {
	SMCARD_ADC_RISING,
	SMCARD_ADC_FALLING,
	SMCARD_ADC_NUM_DIRS,
};

/**
 * struct smcard_adc_thresh - one software threshold of one pin
 * @value: threshold in ADC codes
 * @hyst: hysteresis in ADC codes
 * @enabled: userspace enabled the event
 * @armed: the next crossing pushes an event; cleared by the crossing and
 *	set again once the input is back beyond the hysteresis
 */
struct smcard_adc_thresh {
	u16 value;
	u16 hyst;
	bool enabled;
	bool armed;
};

/**
 * struct smcard_adc - driver state
 * @indio_dev: the IIO device this is the private part of
 * @smcard: the card's core
 * @regmap: the IO controller's registers
 * @analog: pins in VOLTAGE_IN or CURRENT_IN function, bit i = IO(i+1)
 * @chans: IIO channels, one per analog pin plus the timestamp
 * @lock: see its comment
 * @thresh: thresholds per pin and direction
 * @poll: evaluates the thresholds while any event is enabled
 * @scan: one buffered scan: the active channels packed, then the timestamp
 */
struct smcard_adc {
	struct iio_dev *indio_dev;
	struct smcard *smcard;
	struct regmap *regmap;
	unsigned long analog;
	struct iio_chan_spec chans[SMCARD_NUM_PINS + 1];
	struct mutex lock; /* thresh[], scheduling of poll */
	struct smcard_adc_thresh thresh[SMCARD_NUM_PINS][SMCARD_ADC_NUM_DIRS];
	struct delayed_work poll;
	struct {
		u16 code[SMCARD_NUM_PINS];
		aligned_s64 ts;
	} scan;
};

extern const struct iio_event_spec smcard_adc_event_spec[SMCARD_ADC_NUM_DIRS];

int smcard_adc_rate_hz(struct smcard_adc *adc);
int smcard_adc_read_codes(struct smcard_adc *adc, unsigned long pins,
			  u16 *codes);
int smcard_adc_buffer_setup(struct device *dev, struct iio_dev *indio_dev);
int smcard_adc_events_init(struct device *dev, struct smcard_adc *adc);

int smcard_adc_read_event_config(struct iio_dev *indio_dev,
				 const struct iio_chan_spec *chan,
				 enum iio_event_type type,
				 enum iio_event_direction dir);
int smcard_adc_write_event_config(struct iio_dev *indio_dev,
				  const struct iio_chan_spec *chan,
				  enum iio_event_type type,
				  enum iio_event_direction dir, int state);
int smcard_adc_read_event_value(struct iio_dev *indio_dev,
				const struct iio_chan_spec *chan,
				enum iio_event_type type,
				enum iio_event_direction dir,
				enum iio_event_info info, int *val, int *val2);
int smcard_adc_write_event_value(struct iio_dev *indio_dev,
				 const struct iio_chan_spec *chan,
				 enum iio_event_type type,
				 enum iio_event_direction dir,
				 enum iio_event_info info, int val, int val2);

#endif /* __SMCARD_ADC_H */
