/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Register interface of the IO controller on the OPTION CloudGate Smart
 * Metering Expansion Card. Shared by the card's drivers and by smcard-sim.
 *
 * The authoritative description (access rules, reset values, atomicity and
 * the interrupt model) is Documentation/hw/smcard-ioc.rst. Register
 * addresses are 8 bit, multi-byte registers are little-endian.
 */
#ifndef __LINUX_MFD_SMCARD_H
#define __LINUX_MFD_SMCARD_H

#include <linux/bits.h>
#include <linux/notifier.h>
#include <linux/types.h>

/* Default 7-bit I2C address of the IO controller */
#define SMCARD_I2C_ADDR			0x28

/* Number of multi-purpose pins IO1..IO5; pin n uses index n - 1 */
#define SMCARD_NUM_PINS			5
#define SMCARD_PINS_MASK		GENMASK(SMCARD_NUM_PINS - 1, 0)

/* ABI version implemented by this header */
#define SMCARD_ABI_MAJOR		1
#define SMCARD_ABI_MINOR		2

/* Identity */
#define SMCARD_REG_ID			0x00	/* R, 8 bit */
#define SMCARD_ID_VALUE			0x5c
#define SMCARD_REG_HW_REV		0x01	/* R, 8 bit */
#define SMCARD_REG_FW_VERSION		0x02	/* R, 16 bit */
#define SMCARD_FW_VERSION_MAJOR		GENMASK(15, 8)
#define SMCARD_FW_VERSION_MINOR		GENMASK(7, 0)
#define SMCARD_REG_ABI_MAJOR		0x04	/* R, 8 bit */
#define SMCARD_REG_ABI_MINOR		0x05	/* R, 8 bit */

/* Global status and command */
#define SMCARD_REG_STATUS		0x06	/* R, RESET is W1C */
#define SMCARD_STATUS_BATTERY		BIT(0)
#define SMCARD_STATUS_RESET		BIT(1)
#define SMCARD_REG_COMMAND		0x07	/* W, reads 0 */
#define SMCARD_COMMAND_RESET		0xa5

/*
 * Interrupts: three groups, each with a W1C status register and an enable
 * register (1 = enabled) at status + 4. INT is asserted (active low) while
 * any (STATUS & EN) bit is set.
 */
#define SMCARD_REG_IRQ_PIN_STATUS	0x08	/* W1C, bit n-1 = IOn edge */
#define SMCARD_REG_IRQ_CNT_STATUS	0x09	/* W1C, bit n-1 = COUNTn changed */
#define SMCARD_REG_IRQ_SYS_STATUS	0x0a	/* W1C */
#define SMCARD_IRQ_SYS_RESET		BIT(0)
#define SMCARD_IRQ_SYS_MBUS_OC		BIT(1)
#define SMCARD_IRQ_SYS_POWER		BIT(2)
#define SMCARD_IRQ_SYS_MASK		GENMASK(2, 0)
#define SMCARD_REG_IRQ_PIN_EN		0x0c	/* R/W, reset 0x00 */
#define SMCARD_REG_IRQ_CNT_EN		0x0d	/* R/W, reset 0x00 */
#define SMCARD_REG_IRQ_SYS_EN		0x0e	/* R/W, reset 0x01 */
#define SMCARD_IRQ_NUM_REGS		3
#define SMCARD_IRQ_EN_OFFSET		4

/* Free register for the host (bus tests, driver handshakes) */
#define SMCARD_REG_SCRATCH		0x0f	/* R/W, reset 0x00 */

/* Digital IO, counting enable, card lines */
#define SMCARD_REG_IN_LEVEL		0x10	/* R, bit n-1 = IOn level */
#define SMCARD_REG_OUT_LEVEL		0x11	/* R/W, bit n-1 = IOn drive */
#define SMCARD_REG_CNT_ENABLE		0x12	/* R/W, bit n-1 = COUNTn on */
#define SMCARD_REG_P1_CTRL		0x13	/* R/W */
#define SMCARD_P1_CTRL_REQ		BIT(0)
#define SMCARD_REG_SERIAL_CTRL		0x14	/* R/W */
#define SMCARD_SERIAL_CTRL_MODE		GENMASK(1, 0)
#define SMCARD_SERIAL_MODE_RS232	0
#define SMCARD_SERIAL_MODE_RS422	1
#define SMCARD_SERIAL_MODE_RS485_HALF	2
#define SMCARD_SERIAL_MODE_RS485_FULL	3
#define SMCARD_SERIAL_CTRL_TERM		BIT(2)
#define SMCARD_REG_MBUS_CTRL		0x15	/* R/W */
#define SMCARD_MBUS_CTRL_POWER		BIT(0)
#define SMCARD_MBUS_CTRL_SLAVE		BIT(1)
#define SMCARD_REG_MBUS_STATUS		0x16	/* R, OC is W1C */
#define SMCARD_MBUS_STATUS_OC		BIT(0)
#define SMCARD_MBUS_STATUS_PGOOD	BIT(1)
#define SMCARD_REG_ADC_RATE		0x17	/* R/W, reset SMCARD_ADC_RATE_100HZ */
#define SMCARD_ADC_RATE_10HZ		0
#define SMCARD_ADC_RATE_50HZ		1
#define SMCARD_ADC_RATE_100HZ		2
#define SMCARD_ADC_RATE_250HZ		3
#define SMCARD_ADC_RATE_500HZ		4
#define SMCARD_ADC_RATE_1000HZ		5
#define SMCARD_REG_MBUS_VOLTAGE		0x18	/* R, 16 bit, mV */
#define SMCARD_MBUS_PGOOD_MIN_MV	21000
/* Edges that set IRQ_PIN_STATUS, bit n-1 = IOn; both may be set */
#define SMCARD_REG_IRQ_PIN_RISE		0x1a	/* R/W, reset 0x00 */
#define SMCARD_REG_IRQ_PIN_FALL		0x1b	/* R/W, reset 0x00 */
/* ABI 1.1: the M-Bus master's supply */
#define SMCARD_REG_VDC_VOLTAGE		0x1c	/* R, 16 bit, mV */
#define SMCARD_REG_MBUS_CURRENT		0x1e	/* R, 16 bit, 10 uA units */
#define SMCARD_MBUS_CURRENT_UNIT_UA	10

/* Per-pin configuration: 8 bytes per pin, pin index i = n - 1 */
#define SMCARD_REG_PIN_BASE		0x20
#define SMCARD_PIN_STRIDE		8
#define SMCARD_REG_PIN(i, off)		(SMCARD_REG_PIN_BASE + \
					 (i) * SMCARD_PIN_STRIDE + (off))
#define SMCARD_PIN_FUNC			0	/* R/W, 8 bit, reset 0 */
#define SMCARD_PIN_CFG			1	/* R/W, 8 bit, reset 0 */
#define SMCARD_PIN_CFG_COUNT_EDGE	GENMASK(3, 2)
#define SMCARD_COUNT_EDGE_RISING	0
#define SMCARD_COUNT_EDGE_FALLING	1
#define SMCARD_COUNT_EDGE_BOTH		2
#define SMCARD_PIN_DEBOUNCE		2	/* R/W, 16 bit, 100 us units */
#define SMCARD_DEBOUNCE_UNIT_US		100
#define SMCARD_REG_PIN_LAST		(SMCARD_REG_PIN(SMCARD_NUM_PINS - 1, 0) + \
					 SMCARD_PIN_STRIDE - 1)

/* Pin function codes (SMCARD_PIN_FUNC) */
#define SMCARD_FUNC_DISABLED		0x00
#define SMCARD_FUNC_DIGITAL_IN		0x01
#define SMCARD_FUNC_VOLTAGE_IN		0x02	/* 0-10 V */
#define SMCARD_FUNC_CURRENT_IN		0x03	/* 4-20 mA */
#define SMCARD_FUNC_S0_IN		0x04	/* S0 pulse input */
#define SMCARD_FUNC_DIGITAL_OUT		0x05	/* push-pull 0-3.3 V */
#define SMCARD_FUNC_OPEN_DRAIN_OUT	0x06	/* open drain, 30 V, 250 mA */
#define SMCARD_FUNC_MAX			SMCARD_FUNC_OPEN_DRAIN_OUT

/* ADC results: 16 bit unsigned per pin */
#define SMCARD_REG_ADC_BASE		0x50
#define SMCARD_REG_ADC(i)		(SMCARD_REG_ADC_BASE + 2 * (i))
#define SMCARD_ADC_BITS			16
#define SMCARD_ADC_MAX			0xffff
/* Full scale: code 65536 would be this value (12.5 V resp. 25 mA) */
#define SMCARD_ADC_VOLTAGE_FS_MV	12500
#define SMCARD_ADC_CURRENT_FS_MA	25

/* Pulse counters: 32 bit unsigned per pin, writable (preset) */
#define SMCARD_REG_COUNT_BASE		0x60
#define SMCARD_REG_COUNT(i)		(SMCARD_REG_COUNT_BASE + 4 * (i))
#define SMCARD_REG_LAST			(SMCARD_REG_COUNT(SMCARD_NUM_PINS) - 1)

/* ABI 1.1: M-Bus master over-current limit, mA (16 bit, R/W) */
#define SMCARD_REG_MBUS_OC_LIMIT	0x80
#define SMCARD_MBUS_OC_LIMIT_MIN_MA	10
#define SMCARD_MBUS_OC_LIMIT_MAX_MA	600
#define SMCARD_MBUS_OC_LIMIT_RESET_MA	400

/*
 * ABI 1.2: threshold comparators of the analog inputs, two more interrupt
 * groups laid out like the first three (enable at status + 4).
 */
#define SMCARD_ABI_MINOR_THR		2	/* first minor that has them */
#define SMCARD_REG_IRQ_ADC_HIGH_STATUS	0x84	/* W1C, bit n-1 = IOn high */
#define SMCARD_REG_IRQ_ADC_LOW_STATUS	0x85	/* W1C, bit n-1 = IOn low */
#define SMCARD_REG_IRQ_ADC_HIGH_EN	0x88	/* R/W, reset 0x00 */
#define SMCARD_REG_IRQ_ADC_LOW_EN	0x89	/* R/W, reset 0x00 */
#define SMCARD_IRQ_ADC_NUM_REGS		2

/* Comparator block: 8 bytes per pin, pin index i = n - 1, all 16 bit */
#define SMCARD_REG_THR_BASE		0x90
#define SMCARD_THR_STRIDE		8
#define SMCARD_REG_THR(i, off)		(SMCARD_REG_THR_BASE + \
					 (i) * SMCARD_THR_STRIDE + (off))
#define SMCARD_THR_HIGH			0	/* R/W, reset 0xffff */
#define SMCARD_THR_HYST_HIGH		2	/* R/W, reset 0 */
#define SMCARD_THR_LOW			4	/* R/W, reset 0 */
#define SMCARD_THR_HYST_LOW		6	/* R/W, reset 0 */
#define SMCARD_THR_HIGH_RESET		0xffff
#define SMCARD_REG_THR_LAST		(SMCARD_REG_THR(SMCARD_NUM_PINS, 0) - 1)

/*
 * Driver interface of smcard-core for its MFD children (smcard-gpio,
 * smcard-adc, smcard-counter, smcard-serial, smcard-regulator) and for the
 * M-Bus line driver, which finds the core through a phandle.
 */
struct device;
struct fwnode_handle;
struct notifier_block;
struct regmap;
struct regmap_irq_chip_data;

/* Interrupts of the core's regmap-irq domain */
#define SMCARD_IRQ_PIN(i)		(i)		/* edge on IO(i+1) */
#define SMCARD_IRQ_COUNT(i)		(8 + (i))	/* COUNT(i+1) changed */
#define SMCARD_IRQ_RESET		16		/* controller reset */
#define SMCARD_IRQ_MBUS_OC		17		/* M-Bus over-current */
#define SMCARD_IRQ_POWER		18		/* power source changed */

/* Interrupts of the comparator domain (ABI 1.2, see smcard-irq.c) */
#define SMCARD_IRQ_ADC_HIGH(i)		(i)		/* IO(i+1) above THR_HIGH */
#define SMCARD_IRQ_ADC_LOW(i)		(8 + (i))	/* IO(i+1) below THR_LOW */

/**
 * struct smcard_pin - one of IO1..IO5 as described by firmware
 * @function: SMCARD_FUNC_* (the values of the dt-bindings constants)
 * @label: the channel node's "label", or "IOn"
 * @fwnode: the channel@n node, NULL if the pin is not described
 */
struct smcard_pin {
	u8 function;
	const char *label;
	struct fwnode_handle *fwnode;
};

/**
 * struct smcard - the IO controller, drvdata of the smcard-core device
 * @dev: the I2C client's device
 * @regmap: 8-bit register map of the controller (cached where allowed)
 * @irq_data: regmap-irq chip; see SMCARD_IRQ_*
 * @pins: pin table, index i is IO(i+1)
 */
struct smcard {
	struct device *dev;
	struct regmap *regmap;
	struct regmap_irq_chip_data *irq_data;
	struct smcard_pin pins[SMCARD_NUM_PINS];
	/* private to smcard-core */
	struct blocking_notifier_head reset_notifier;
	struct regmap_irq_chip_data *adc_irq_data;
	unsigned int abi_minor;
};

/*
 * Event of the reset notifier: the controller lost its state and the core
 * has restored the cached configuration. Counters restarted from 0.
 */
#define SMCARD_EVENT_RESET		1

/*
 * Configuration writes: read back from the controller, and on any doubt
 * (a failed transfer, a refused value) the cache is made to show what the
 * controller has. Every child uses these for registers it configures.
 */
int smcard_reg_write(struct regmap *map, unsigned int reg, const void *val,
		     size_t len);
int smcard_reg_update(struct regmap *map, unsigned int reg, unsigned int mask,
		      unsigned int val);

int smcard_register_reset_notifier(struct smcard *smcard,
				   struct notifier_block *nb);
int smcard_unregister_reset_notifier(struct smcard *smcard,
				     struct notifier_block *nb);
#endif /* __LINUX_MFD_SMCARD_H */
