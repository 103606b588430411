/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of smcard-sim, the simulator of the OPTION CloudGate
 * Smart Metering Expansion Card. See Documentation/hw/smcard-sim.rst.
 */
#ifndef __SMCARD_SIM_H
#define __SMCARD_SIM_H

#include <linux/hrtimer.h>
#include <linux/i2c.h>
#include <linux/mfd/smcard.h>
#include <linux/prandom.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

struct dentry;
struct irq_domain;

/* Pulse trains advance at least this often (coalescing fast trains). */
#define SMCARD_SIM_TICK_NS		(1 * NSEC_PER_MSEC)

enum smcard_sim_train_mode {
	SMCARD_SIM_TRAIN_PULSES,	/* every pulse passes the filter */
	SMCARD_SIM_TRAIN_MERGED,	/* gaps too short: one long pulse */
	SMCARD_SIM_TRAIN_FILTERED,	/* pulses too short: nothing */
};

struct smcard_sim_train {
	ktime_t t0;
	u64 period_ns;
	u64 width_ns;
	u64 filter_ns;
	u32 total;		/* pulses in the train */
	u32 done;		/* pulses whose filtered end has passed */
	u32 edges;		/* accepted edges applied */
	enum smcard_sim_train_mode mode;
	bool running;
};

struct smcard_sim_pin {
	struct smcard_sim *sim;
	unsigned int index;

	/* Register file (protected by sim->lock) */
	u8 func;
	u8 cfg;
	u16 debounce;
	u32 count;

	/* Signals at the terminal (protected by sim->lock) */
	bool raw;		/* raw digital level */
	bool accepted;		/* level after the input filter */
	s32 uv;			/* terminal voltage, microvolts */
	s32 ua;			/* loop current, microamps */

	/* Threshold comparator, ABI 1.2 (protected by sim->lock) */
	u16 thr_high;
	u16 hyst_high;
	u16 thr_low;
	u16 hyst_low;
	bool armed_high;	/* the next crossing sets the status bit */
	bool armed_low;

	/* Reads of the pin's ADC result by the host (protected by sim->lock) */
	u32 adc_reads;

	struct hrtimer filter_timer;
	struct hrtimer train_timer;
	struct smcard_sim_train train;
	wait_queue_head_t train_wq;
};

enum smcard_sim_fault {
	SMCARD_SIM_FAULT_NACK,		/* address not acknowledged */
	SMCARD_SIM_FAULT_TIMEOUT,	/* SCL held before the transfer */
	SMCARD_SIM_FAULT_LATE,		/* SCL held after it took effect */
	SMCARD_SIM_NUM_FAULTS
};

/* Random faults on the bus (debugfs i2c_storm), under sim->lock */
struct smcard_sim_storm {
	unsigned int permille;	/* chance of a transfer to fail, 0: off */
	u64 seed;
	struct rnd_state rnd;
	u64 transfers;		/* transfers since the storm was set */
	u64 faults[SMCARD_SIM_NUM_FAULTS];
};

struct smcard_sim_hdc1080 {
	u16 config;
	u8 pointer;
	s32 temp_mc;		/* milli degrees Celsius */
	u32 humidity_pcm;	/* per cent mille relative humidity */
};

/* Interrupt groups: the three of ABI 1.0, the comparators of ABI 1.2 */
enum smcard_sim_irq_group {
	SMCARD_SIM_IRQ_PIN,
	SMCARD_SIM_IRQ_CNT,
	SMCARD_SIM_IRQ_SYS,
	SMCARD_SIM_IRQ_ADC_HIGH,
	SMCARD_SIM_IRQ_ADC_LOW,
	SMCARD_SIM_NUM_IRQ_GROUPS
};

struct smcard_sim {
	struct device *dev;
	spinlock_t lock;	/* register file, pins, faults */

	/* IO controller register file */
	u8 abi_minor;		/* of the emulated firmware */
	bool battery;
	bool reset_flag;
	u8 irq_status[SMCARD_SIM_NUM_IRQ_GROUPS];
	u8 irq_en[SMCARD_SIM_NUM_IRQ_GROUPS];
	u8 scratch;
	u8 out_level;
	u8 cnt_enable;
	u8 irq_rise;
	u8 irq_fall;
	u8 p1_ctrl;
	u8 serial_ctrl;
	u8 mbus_ctrl;
	bool mbus_oc;
	u8 adc_rate;
	u32 mbus_supply_mv;	/* an external master's bus voltage (slave) */
	u32 vdc_mv;		/* the card's VDC supply input */
	u32 mbus_loads;		/* unit loads (1.5 mA each) on the bus */
	u16 mbus_oc_limit;	/* MBUS_OC_LIMIT register, mA */
	bool mbus_live;		/* M-Bus wire carries data (READ_ONCE) */
	struct smcard_sim_pin pins[SMCARD_NUM_PINS];

	/* I2C */
	struct i2c_adapter adap;
	u32 bus_hz;
	u8 ioc_pointer;
	unsigned int fail_count;
	enum smcard_sim_fault fail_mode;
	int fail_reg;		/* faults only hit writes to it; -1: any */
	struct smcard_sim_storm storm;
	u64 ioc_transfers;	/* transfers to the IO controller */
	struct smcard_sim_hdc1080 hdc;

	/* Interrupt line of the IO controller */
	struct irq_domain *domain;

	struct dentry *debugfs;
};

/* ioc.c: the IO controller register file, under sim->lock */
void smcard_sim_ioc_init(struct smcard_sim *sim);
bool smcard_sim_ioc_reset(struct smcard_sim *sim);
void smcard_sim_ioc_snapshot(struct smcard_sim *sim, u8 *img);
bool smcard_sim_ioc_write(struct smcard_sim *sim, u8 reg, u8 val,
			  bool *reset);
bool smcard_sim_ioc_int_asserted(struct smcard_sim *sim);
bool smcard_sim_ioc_set_irq(struct smcard_sim *sim, unsigned int group,
			    u8 bits);
bool smcard_sim_ioc_set_battery(struct smcard_sim *sim, bool battery);
bool smcard_sim_ioc_mbus_trip(struct smcard_sim *sim);
bool smcard_sim_ioc_adc_check(struct smcard_sim *sim);
bool smcard_sim_ioc_set_abi_minor(struct smcard_sim *sim, u8 minor);
bool smcard_sim_ioc_mbus_check_current(struct smcard_sim *sim);
void smcard_sim_ioc_update_mbus(struct smcard_sim *sim);
u16 smcard_sim_ioc_mbus_mv(struct smcard_sim *sim);
u32 smcard_sim_ioc_mbus_ua(struct smcard_sim *sim);
bool smcard_sim_pin_is_input(const struct smcard_sim_pin *pin);
char smcard_sim_pin_output(const struct smcard_sim_pin *pin);

/* pins.c: input filter, edges and pulse trains */
void smcard_sim_pins_init(struct smcard_sim *sim);
void smcard_sim_pins_stop(struct smcard_sim *sim);
int smcard_sim_pin_set_level(struct smcard_sim_pin *pin, bool level);
int smcard_sim_pin_start_train(struct smcard_sim_pin *pin, u32 count,
			       u32 rate_hz, u32 width_us);
u32 smcard_sim_pin_train_remaining(struct smcard_sim_pin *pin);
bool smcard_sim_pin_edge(struct smcard_sim_pin *pin, bool level);

/* core.c */
void smcard_sim_raise_irq(struct smcard_sim *sim);

/* i2c.c */
int smcard_sim_i2c_register(struct smcard_sim *sim);

/* hdc1080.c */
int smcard_sim_hdc1080_xfer(struct smcard_sim *sim, struct i2c_msg *msg);
void smcard_sim_hdc1080_init(struct smcard_sim_hdc1080 *hdc);

/* debugfs.c */
void smcard_sim_debugfs_init(struct smcard_sim *sim);

/* uart.c */
bool smcard_sim_mbus_live(struct smcard_sim *sim);
int smcard_sim_uart_register(void);
void smcard_sim_uart_unregister(void);

#endif /* __SMCARD_SIM_H */
