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

struct platform_device;

/* Index of the rising and falling threshold of a pin in events[][] */
enum smcard_adc_dir {
	SMCARD_ADC_RISING,
	SMCARD_ADC_FALLING,
	SMCARD_ADC_NUM_DIRS,
};

struct smcard_adc;

/**
 * struct smcard_adc_event - the interrupt of one threshold comparator
 * @adc: driver state
 * @irq: the interrupt, in the core's comparator domain
 * @code: IIO event code the interrupt pushes
 * @enabled: userspace enabled the event, and with it the interrupt
 */
struct smcard_adc_event {
	struct smcard_adc *adc;
	int irq;
	u64 code;
	bool enabled;
};

/**
 * struct smcard_adc - driver state
 * @indio_dev: the IIO device this is the private part of
 * @smcard: the card's core
 * @regmap: the IO controller's registers
 * @analog: pins in VOLTAGE_IN or CURRENT_IN function, bit i = IO(i+1)
 * @chans: IIO channels, one per analog pin plus the timestamp
 * @lock: see its comment
 * @events: comparator interrupts per pin and direction
 * @scan: one buffered scan: the active channels packed, then the timestamp
 */
struct smcard_adc {
	struct iio_dev *indio_dev;
	struct smcard *smcard;
	struct regmap *regmap;
	unsigned long analog;
	struct iio_chan_spec chans[SMCARD_NUM_PINS + 1];
	struct mutex lock; /* events[][].enabled with the interrupts' state */
	struct smcard_adc_event events[SMCARD_NUM_PINS][SMCARD_ADC_NUM_DIRS];
	struct {
		u16 code[SMCARD_NUM_PINS];
		aligned_s64 ts;
	} scan;
};

int smcard_adc_rate_hz(struct smcard_adc *adc);
int smcard_adc_read_codes(struct smcard_adc *adc, unsigned long pins,
			  u16 *codes);
int smcard_adc_buffer_setup(struct device *dev, struct iio_dev *indio_dev);
int smcard_adc_events_init(struct platform_device *pdev,
			   struct smcard_adc *adc);

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
