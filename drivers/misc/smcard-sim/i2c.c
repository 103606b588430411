// SPDX-License-Identifier: GPL-2.0
/*
 * smcard-sim: the slot's I2C bus. A virtual adapter whose of_node is the
 * sim's "i2c" child node, so devices the card overlay puts there are
 * instantiated by the I2C core. It hosts the IO controller and an
 * environmental sensor, takes the time the transfers would take on the
 * wire and can be told to fail the next transfers, or any transfer at
 * random (a fault storm).
 */

#include <linux/bitops.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/math64.h>
#include <linux/of.h>

#include "sim.h"

#define SIM_I2C_DEFAULT_HZ	100000
#define SIM_HDC1080_ADDR	0x40
/* How long a controller that holds SCL low takes to be given up on. */
#define SIM_I2C_TIMEOUT_MS	25

/* Bits on the wire: START, address byte + ACK, data bytes + ACK, STOP. */
static unsigned int xfer_bits(const struct i2c_msg *msgs, int num)
{
	unsigned int bits = 1;
	int i;

	for (i = 0; i < num; i++)
		bits += 1 + 9 + 9 * msgs[i].len;
	return bits;
}

static void sim_i2c_wire_time(struct smcard_sim *sim, unsigned int bits)
{
	fsleep(div_u64((u64)bits * USEC_PER_SEC, sim->bus_hz));
}

/*
 * One message to the IO controller: a pointer write with data bytes, which
 * commit together at the end of the message, or a read phase, which is
 * served from one snapshot of the register file.
 */
static int sim_ioc_xfer(struct smcard_sim *sim, struct i2c_msg *msg)
{
	bool touched_irq = false, reset = false, irq = false;
	unsigned long flags;
	u8 img[256];
	u16 i;

	spin_lock_irqsave(&sim->lock, flags);
	if (msg->flags & I2C_M_RD) {
		unsigned long adc = 0;
		unsigned int pin;

		smcard_sim_ioc_snapshot(sim, img);
		for (i = 0; i < msg->len; i++) {
			u8 reg = sim->ioc_pointer++;

			msg->buf[i] = img[reg];
			if (reg >= SMCARD_REG_ADC(0) &&
			    reg < SMCARD_REG_ADC(SMCARD_NUM_PINS))
				__set_bit((reg - SMCARD_REG_ADC(0)) / 2, &adc);
		}
		/* Tests wait on these to know that the host has seen a value. */
		for_each_set_bit(pin, &adc, SMCARD_NUM_PINS)
			sim->pins[pin].adc_reads++;
	} else if (msg->len) {
		sim->ioc_pointer = msg->buf[0];
		for (i = 1; i < msg->len; i++)
			touched_irq |= smcard_sim_ioc_write(sim,
							    sim->ioc_pointer++,
							    msg->buf[i], &reset);
		/* the committed supply state against the bus load */
		touched_irq |= smcard_sim_ioc_mbus_check_current(sim);
		/* the committed pin functions and comparator settings */
		touched_irq |= smcard_sim_ioc_adc_check(sim);
	}
	if (reset)
		irq = smcard_sim_ioc_reset(sim);
	else if (touched_irq)
		irq = smcard_sim_ioc_int_asserted(sim);
	spin_unlock_irqrestore(&sim->lock, flags);

	if (irq)
		smcard_sim_raise_irq(sim);
	return 0;
}

/*
 * INT is a level line that the sim delivers as edges. A host whose
 * transfer failed cannot have cleared what it was handling, and on a level
 * line its interrupt would fire again: give it a new edge.
 */
static void sim_i2c_retrigger(struct smcard_sim *sim)
{
	unsigned long flags;
	bool irq;

	spin_lock_irqsave(&sim->lock, flags);
	irq = smcard_sim_ioc_int_asserted(sim);
	spin_unlock_irqrestore(&sim->lock, flags);
	if (irq)
		smcard_sim_raise_irq(sim);
}

/* A transfer to the IO controller that writes data to @reg */
static bool sim_i2c_writes(const struct i2c_msg *msgs, int num, int reg)
{
	return num && msgs[0].addr == SMCARD_I2C_ADDR &&
	       !(msgs[0].flags & I2C_M_RD) && msgs[0].len > 1 &&
	       msgs[0].buf[0] == reg;
}

/*
 * Count the transfer and consume one injected fault, if any: the next-N
 * faults of i2c_fail first (only on writes to its register if it has one),
 * else one of the storm, drawn for every transfer while it blows.
 */
static enum smcard_sim_fault sim_i2c_fault(struct smcard_sim *sim,
					   const struct i2c_msg *msgs, int num,
					   bool *fail)
{
	struct smcard_sim_storm *storm = &sim->storm;
	enum smcard_sim_fault mode;
	unsigned long flags;

	spin_lock_irqsave(&sim->lock, flags);
	if (num && msgs[0].addr == SMCARD_I2C_ADDR)
		sim->ioc_transfers++;
	*fail = false;
	mode = sim->fail_mode;
	if (sim->fail_count && (sim->fail_reg < 0 ||
				sim_i2c_writes(msgs, num, sim->fail_reg))) {
		sim->fail_count--;
		*fail = true;
	} else if (storm->permille) {
		storm->transfers++;
		if (prandom_u32_state(&storm->rnd) % 1000 < storm->permille) {
			mode = prandom_u32_state(&storm->rnd) %
			       SMCARD_SIM_NUM_FAULTS;
			storm->faults[mode]++;
			*fail = true;
		}
	}
	spin_unlock_irqrestore(&sim->lock, flags);
	return mode;
}

static int sim_i2c_do_xfer(struct smcard_sim *sim, struct i2c_msg *msgs,
			   int num)
{
	int i, ret;

	sim_i2c_wire_time(sim, xfer_bits(msgs, num));
	for (i = 0; i < num; i++) {
		if (msgs[i].flags & I2C_M_TEN)
			return -EOPNOTSUPP;
		switch (msgs[i].addr) {
		case SMCARD_I2C_ADDR:
			ret = sim_ioc_xfer(sim, &msgs[i]);
			break;
		case SIM_HDC1080_ADDR:
			ret = smcard_sim_hdc1080_xfer(sim, &msgs[i]);
			break;
		default:
			ret = -ENXIO;
		}
		if (ret)
			return ret;
	}
	return num;
}

/*
 * A NACK ends the transfer at its address byte; a timeout holds SCL before
 * anything was committed. A late timeout holds SCL after the last byte: the
 * controller has acted on the transfer, the host still sees it fail.
 */
static int sim_i2c_xfer(struct i2c_adapter *adap, struct i2c_msg *msgs,
			int num)
{
	struct smcard_sim *sim = i2c_get_adapdata(adap);
	enum smcard_sim_fault mode;
	bool fail;
	int ret;

	mode = sim_i2c_fault(sim, msgs, num, &fail);
	if (!fail)
		return sim_i2c_do_xfer(sim, msgs, num);

	switch (mode) {
	case SMCARD_SIM_FAULT_NACK:
		ret = -ENXIO;
		break;
	case SMCARD_SIM_FAULT_LATE:
		sim_i2c_do_xfer(sim, msgs, num);
		fallthrough;
	default:
		msleep(SIM_I2C_TIMEOUT_MS);
		ret = -ETIMEDOUT;
	}
	if (mode != SMCARD_SIM_FAULT_LATE)
		sim_i2c_wire_time(sim, xfer_bits(msgs, 1) - 9 * msgs[0].len);
	sim_i2c_retrigger(sim);
	return ret;
}

static u32 sim_i2c_func(struct i2c_adapter *adap)
{
	return I2C_FUNC_I2C | I2C_FUNC_SMBUS_EMUL;
}

static const struct i2c_algorithm sim_i2c_algo = {
	.master_xfer = sim_i2c_xfer,
	.functionality = sim_i2c_func,
};

static void sim_i2c_put_node(void *data)
{
	of_node_put(data);
}

int smcard_sim_i2c_register(struct smcard_sim *sim)
{
	struct i2c_adapter *adap = &sim->adap;
	struct device *dev = sim->dev;
	struct device_node *np;
	int ret;

	np = of_get_child_by_name(dev->of_node, "i2c");
	if (!np)
		return dev_err_probe(dev, -ENODEV, "no i2c child node\n");
	ret = devm_add_action_or_reset(dev, sim_i2c_put_node, np);
	if (ret)
		return ret;

	if (of_property_read_u32(np, "clock-frequency", &sim->bus_hz) ||
	    !sim->bus_hz)
		sim->bus_hz = SIM_I2C_DEFAULT_HZ;
	smcard_sim_hdc1080_init(&sim->hdc);

	adap->owner = THIS_MODULE;
	adap->algo = &sim_i2c_algo;
	adap->dev.parent = dev;
	device_set_node(&adap->dev, of_fwnode_handle(np));
	strscpy(adap->name, "smcard-sim", sizeof(adap->name));
	i2c_set_adapdata(adap, sim);

	return devm_i2c_add_adapter(dev, adap);
}
