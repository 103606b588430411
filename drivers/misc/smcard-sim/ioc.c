// SPDX-License-Identifier: GPL-2.0
/*
 * smcard-sim: the IO controller's register file, implementing
 * Documentation/hw/smcard-ioc.rst. The functions returning bool report that
 * a new enabled interrupt status bit was set, so the caller raises INT
 * after dropping sim->lock.
 */

#include <linux/bitfield.h>
#include <linux/lockdep.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/unaligned.h>

#include "sim.h"

#define SIM_HW_REV		1
#define SIM_FW_VERSION		0x0100

static const u8 irq_masks[SMCARD_SIM_NUM_IRQ_GROUPS] = {
	SMCARD_PINS_MASK, SMCARD_PINS_MASK, SMCARD_IRQ_SYS_MASK,
	SMCARD_PINS_MASK, SMCARD_PINS_MASK,
};

/* Status register of each group; its enable register is at + 4 */
static const u8 irq_status_regs[SMCARD_SIM_NUM_IRQ_GROUPS] = {
	SMCARD_REG_IRQ_PIN_STATUS, SMCARD_REG_IRQ_CNT_STATUS,
	SMCARD_REG_IRQ_SYS_STATUS, SMCARD_REG_IRQ_ADC_HIGH_STATUS,
	SMCARD_REG_IRQ_ADC_LOW_STATUS,
};

bool smcard_sim_pin_is_input(const struct smcard_sim_pin *pin)
{
	return pin->func == SMCARD_FUNC_DIGITAL_IN ||
	       pin->func == SMCARD_FUNC_S0_IN;
}

/*
 * What the pin drives: '0'/'1' for outputs (open drain: '0' sinking,
 * '1' released), 'z' when it is not an output.
 */
char smcard_sim_pin_output(const struct smcard_sim_pin *pin)
{
	if (pin->func != SMCARD_FUNC_DIGITAL_OUT &&
	    pin->func != SMCARD_FUNC_OPEN_DRAIN_OUT)
		return 'z';
	return pin->sim->out_level & BIT(pin->index) ? '1' : '0';
}

static bool pin_in_level(const struct smcard_sim_pin *pin)
{
	bool out = pin->sim->out_level & BIT(pin->index);

	switch (pin->func) {
	case SMCARD_FUNC_DIGITAL_IN:
	case SMCARD_FUNC_S0_IN:
		return pin->accepted;
	case SMCARD_FUNC_DIGITAL_OUT:
		return out;
	case SMCARD_FUNC_OPEN_DRAIN_OUT:
		/* Released: the external circuit decides. */
		return out && pin->raw;
	default:
		return false;
	}
}

/* Round to the nearest code, saturate at both ends (never wrap). */
static u16 adc_code(s32 value, u32 full_scale)
{
	u64 code;

	if (value <= 0)
		return 0;
	code = DIV_ROUND_CLOSEST_ULL((u64)value << SMCARD_ADC_BITS, full_scale);
	return min_t(u64, code, SMCARD_ADC_MAX);
}

static u16 pin_adc(const struct smcard_sim_pin *pin)
{
	switch (pin->func) {
	case SMCARD_FUNC_VOLTAGE_IN:
		return adc_code(pin->uv, SMCARD_ADC_VOLTAGE_FS_MV * 1000);
	case SMCARD_FUNC_CURRENT_IN:
		return adc_code(pin->ua, SMCARD_ADC_CURRENT_FS_MA * 1000);
	default:
		return 0;
	}
}

bool smcard_sim_ioc_int_asserted(struct smcard_sim *sim)
{
	unsigned int i;

	lockdep_assert_held(&sim->lock);
	for (i = 0; i < SMCARD_SIM_NUM_IRQ_GROUPS; i++)
		if (sim->irq_status[i] & sim->irq_en[i])
			return true;
	return false;
}

bool smcard_sim_ioc_set_irq(struct smcard_sim *sim, unsigned int group,
			    u8 bits)
{
	u8 new = bits & ~sim->irq_status[group];

	lockdep_assert_held(&sim->lock);
	sim->irq_status[group] |= bits;
	return new & sim->irq_en[group];
}

/*
 * One conversion of an analog pin as its comparators see it: a crossing
 * sets the status bit once, and the comparator re-arms only when the
 * input is back beyond the hysteresis. Returns true when an enabled
 * status bit was newly set.
 */
static bool ioc_adc_compare(struct smcard_sim_pin *pin)
{
	struct smcard_sim *sim = pin->sim;
	u8 bit = BIT(pin->index);
	bool irq = false;
	u32 code;

	if (pin->func != SMCARD_FUNC_VOLTAGE_IN &&
	    pin->func != SMCARD_FUNC_CURRENT_IN)
		return false;
	code = pin_adc(pin);

	if (sim->irq_en[SMCARD_SIM_IRQ_ADC_HIGH] & bit) {
		if (pin->armed_high && code > pin->thr_high) {
			pin->armed_high = false;
			irq |= smcard_sim_ioc_set_irq(sim, SMCARD_SIM_IRQ_ADC_HIGH,
						      bit);
		} else if (!pin->armed_high &&
			   code + pin->hyst_high <= pin->thr_high) {
			pin->armed_high = true;
		}
	}
	if (sim->irq_en[SMCARD_SIM_IRQ_ADC_LOW] & bit) {
		if (pin->armed_low && code < pin->thr_low) {
			pin->armed_low = false;
			irq |= smcard_sim_ioc_set_irq(sim, SMCARD_SIM_IRQ_ADC_LOW,
						      bit);
		} else if (!pin->armed_low &&
			   code >= (u32)pin->thr_low + pin->hyst_low) {
			pin->armed_low = true;
		}
	}
	return irq;
}

/*
 * The controller converts continuously, so a conversion follows every
 * change of an input, a pin function or a comparator setting within one
 * period: the sim evaluates at those changes.
 */
bool smcard_sim_ioc_adc_check(struct smcard_sim *sim)
{
	unsigned int i;
	bool irq = false;

	lockdep_assert_held(&sim->lock);
	for (i = 0; i < SMCARD_NUM_PINS; i++)
		irq |= ioc_adc_compare(&sim->pins[i]);
	return irq;
}

/* Registers of ABI 1.2, which an older controller does not have */
static bool ioc_reg_is_thr(unsigned int reg)
{
	return reg >= SMCARD_REG_IRQ_ADC_HIGH_STATUS &&
	       reg <= SMCARD_REG_THR_LAST;
}

/* EN 13757-2 unit load */
#define SIM_UNIT_LOAD_UA	1500

/*
 * The bus voltage: in slave role the external master's, in master role
 * the card's VDC, which its master switches onto the bus.
 */
u16 smcard_sim_ioc_mbus_mv(struct smcard_sim *sim)
{
	lockdep_assert_held(&sim->lock);
	if (sim->mbus_ctrl & SMCARD_MBUS_CTRL_SLAVE)
		return min_t(u32, sim->mbus_supply_mv, U16_MAX);
	if (sim->mbus_ctrl & SMCARD_MBUS_CTRL_POWER)
		return min_t(u32, sim->vdc_mv, U16_MAX);
	return 0;
}

/* What the master supplies: 1.5 mA per unit load on the bus. */
u32 smcard_sim_ioc_mbus_ua(struct smcard_sim *sim)
{
	lockdep_assert_held(&sim->lock);
	if (!(sim->mbus_ctrl & SMCARD_MBUS_CTRL_POWER))
		return 0;
	return sim->mbus_loads * SIM_UNIT_LOAD_UA;
}

/*
 * The over-current latch trips above the limit (clamped to its range).
 * Checked when a write transaction has committed, so that a 16-bit limit
 * changes as a whole, and when the load changes. Returns true when the
 * trip raised an enabled interrupt.
 */
bool smcard_sim_ioc_mbus_check_current(struct smcard_sim *sim)
{
	u32 limit = clamp_t(u32, sim->mbus_oc_limit, SMCARD_MBUS_OC_LIMIT_MIN_MA,
			    SMCARD_MBUS_OC_LIMIT_MAX_MA);

	lockdep_assert_held(&sim->lock);
	if (smcard_sim_ioc_mbus_ua(sim) > limit * 1000)
		return smcard_sim_ioc_mbus_trip(sim);
	return false;
}

/* The wire carries data unless the card is master with the supply off. */
void smcard_sim_ioc_update_mbus(struct smcard_sim *sim)
{
	lockdep_assert_held(&sim->lock);
	WRITE_ONCE(sim->mbus_live,
		   !!(sim->mbus_ctrl & (SMCARD_MBUS_CTRL_SLAVE |
					SMCARD_MBUS_CTRL_POWER)));
}

/* The supply starts only from a VDC within the bus's range. */
static void ioc_write_mbus_ctrl(struct smcard_sim *sim, u8 val)
{
	u8 ctrl = val & SMCARD_MBUS_CTRL_SLAVE;

	if ((val & SMCARD_MBUS_CTRL_POWER) && !ctrl && !sim->battery &&
	    !sim->mbus_oc && sim->vdc_mv >= SMCARD_MBUS_PGOOD_MIN_MV)
		ctrl |= SMCARD_MBUS_CTRL_POWER;
	sim->mbus_ctrl = ctrl;
	smcard_sim_ioc_update_mbus(sim);
}

bool smcard_sim_ioc_set_battery(struct smcard_sim *sim, bool battery)
{
	lockdep_assert_held(&sim->lock);
	if (sim->battery == battery)
		return false;
	sim->battery = battery;
	if (battery) {
		sim->mbus_ctrl &= ~SMCARD_MBUS_CTRL_POWER;
		smcard_sim_ioc_update_mbus(sim);
	}
	return smcard_sim_ioc_set_irq(sim, SMCARD_SIM_IRQ_SYS,
				      SMCARD_IRQ_SYS_POWER);
}

bool smcard_sim_ioc_mbus_trip(struct smcard_sim *sim)
{
	lockdep_assert_held(&sim->lock);
	sim->mbus_oc = true;
	sim->mbus_ctrl &= ~SMCARD_MBUS_CTRL_POWER;
	smcard_sim_ioc_update_mbus(sim);
	return smcard_sim_ioc_set_irq(sim, SMCARD_SIM_IRQ_SYS,
				      SMCARD_IRQ_SYS_MBUS_OC);
}

/* Power-on state, except the power source, which is a fact of the world. */
bool smcard_sim_ioc_reset(struct smcard_sim *sim)
{
	unsigned int i;

	lockdep_assert_held(&sim->lock);
	for (i = 0; i < SMCARD_NUM_PINS; i++) {
		struct smcard_sim_pin *pin = &sim->pins[i];

		pin->func = SMCARD_FUNC_DISABLED;
		pin->cfg = 0;
		pin->debounce = 0;
		pin->count = 0;
		pin->thr_high = SMCARD_THR_HIGH_RESET;
		pin->hyst_high = 0;
		pin->thr_low = 0;
		pin->hyst_low = 0;
		pin->armed_high = true;
		pin->armed_low = true;
	}
	memset(sim->irq_status, 0, sizeof(sim->irq_status));
	memset(sim->irq_en, 0, sizeof(sim->irq_en));
	sim->reset_flag = true;
	sim->scratch = 0;
	sim->out_level = 0;
	sim->cnt_enable = 0;
	sim->irq_rise = 0;
	sim->irq_fall = 0;
	sim->p1_ctrl = 0;
	sim->serial_ctrl = 0;
	sim->mbus_ctrl = 0;
	sim->mbus_oc = false;
	sim->mbus_oc_limit = SMCARD_MBUS_OC_LIMIT_RESET_MA;
	sim->adc_rate = SMCARD_ADC_RATE_100HZ;
	sim->ioc_pointer = 0;
	smcard_sim_ioc_update_mbus(sim);
	sim->irq_en[SMCARD_SIM_IRQ_SYS] = SMCARD_IRQ_SYS_RESET;
	return smcard_sim_ioc_set_irq(sim, SMCARD_SIM_IRQ_SYS,
				      SMCARD_IRQ_SYS_RESET);
}

/*
 * Firmware of another ABI minor version (1 or this header's): the
 * controller restarts with it, as after a firmware update.
 */
bool smcard_sim_ioc_set_abi_minor(struct smcard_sim *sim, u8 minor)
{
	lockdep_assert_held(&sim->lock);
	sim->abi_minor = minor;
	return smcard_sim_ioc_reset(sim);
}

void smcard_sim_ioc_init(struct smcard_sim *sim)
{
	unsigned long flags;

	spin_lock_irqsave(&sim->lock, flags);
	sim->abi_minor = SMCARD_ABI_MINOR;
	sim->mbus_supply_mv = 30000;
	sim->vdc_mv = 30000;
	smcard_sim_ioc_reset(sim);
	spin_unlock_irqrestore(&sim->lock, flags);
}

static void ioc_snapshot_pin(struct smcard_sim_pin *pin, u8 *img)
{
	unsigned int i = pin->index;

	img[SMCARD_REG_PIN(i, SMCARD_PIN_FUNC)] = pin->func;
	img[SMCARD_REG_PIN(i, SMCARD_PIN_CFG)] = pin->cfg;
	put_unaligned_le16(pin->debounce,
			   &img[SMCARD_REG_PIN(i, SMCARD_PIN_DEBOUNCE)]);
	put_unaligned_le16(pin_adc(pin), &img[SMCARD_REG_ADC(i)]);
	put_unaligned_le32(pin->count, &img[SMCARD_REG_COUNT(i)]);
	put_unaligned_le16(pin->thr_high,
			   &img[SMCARD_REG_THR(i, SMCARD_THR_HIGH)]);
	put_unaligned_le16(pin->hyst_high,
			   &img[SMCARD_REG_THR(i, SMCARD_THR_HYST_HIGH)]);
	put_unaligned_le16(pin->thr_low,
			   &img[SMCARD_REG_THR(i, SMCARD_THR_LOW)]);
	put_unaligned_le16(pin->hyst_low,
			   &img[SMCARD_REG_THR(i, SMCARD_THR_HYST_LOW)]);
}

/* The whole register file as the host sees it at this instant. */
void smcard_sim_ioc_snapshot(struct smcard_sim *sim, u8 *img)
{
	u16 mv = smcard_sim_ioc_mbus_mv(sim);
	u8 in = 0, mbus_status = 0;
	unsigned int i;

	lockdep_assert_held(&sim->lock);
	memset(img, 0, 256);
	img[SMCARD_REG_ID] = SMCARD_ID_VALUE;
	img[SMCARD_REG_HW_REV] = SIM_HW_REV;
	put_unaligned_le16(SIM_FW_VERSION, &img[SMCARD_REG_FW_VERSION]);
	img[SMCARD_REG_ABI_MAJOR] = SMCARD_ABI_MAJOR;
	img[SMCARD_REG_ABI_MINOR] = sim->abi_minor;
	img[SMCARD_REG_STATUS] = (sim->battery ? SMCARD_STATUS_BATTERY : 0) |
				 (sim->reset_flag ? SMCARD_STATUS_RESET : 0);
	for (i = 0; i < SMCARD_SIM_NUM_IRQ_GROUPS; i++) {
		img[irq_status_regs[i]] = sim->irq_status[i];
		img[irq_status_regs[i] + SMCARD_IRQ_EN_OFFSET] = sim->irq_en[i];
	}
	img[SMCARD_REG_SCRATCH] = sim->scratch;
	for (i = 0; i < SMCARD_NUM_PINS; i++) {
		if (pin_in_level(&sim->pins[i]))
			in |= BIT(i);
		ioc_snapshot_pin(&sim->pins[i], img);
	}
	img[SMCARD_REG_IN_LEVEL] = in;
	img[SMCARD_REG_OUT_LEVEL] = sim->out_level;
	img[SMCARD_REG_CNT_ENABLE] = sim->cnt_enable;
	img[SMCARD_REG_IRQ_PIN_RISE] = sim->irq_rise;
	img[SMCARD_REG_IRQ_PIN_FALL] = sim->irq_fall;
	img[SMCARD_REG_P1_CTRL] = sim->p1_ctrl;
	img[SMCARD_REG_SERIAL_CTRL] = sim->serial_ctrl;
	img[SMCARD_REG_MBUS_CTRL] = sim->mbus_ctrl;
	if (sim->mbus_oc)
		mbus_status |= SMCARD_MBUS_STATUS_OC;
	if (mv >= SMCARD_MBUS_PGOOD_MIN_MV)
		mbus_status |= SMCARD_MBUS_STATUS_PGOOD;
	img[SMCARD_REG_MBUS_STATUS] = mbus_status;
	img[SMCARD_REG_ADC_RATE] = sim->adc_rate;
	put_unaligned_le16(mv, &img[SMCARD_REG_MBUS_VOLTAGE]);
	put_unaligned_le16(min_t(u32, sim->vdc_mv, U16_MAX),
			   &img[SMCARD_REG_VDC_VOLTAGE]);
	put_unaligned_le16(min_t(u32, smcard_sim_ioc_mbus_ua(sim) /
				 SMCARD_MBUS_CURRENT_UNIT_UA, U16_MAX),
			   &img[SMCARD_REG_MBUS_CURRENT]);
	put_unaligned_le16(sim->mbus_oc_limit, &img[SMCARD_REG_MBUS_OC_LIMIT]);
	/* A 1.1 controller reads 0 where 1.2 added registers */
	if (sim->abi_minor < SMCARD_ABI_MINOR_THR)
		memset(&img[SMCARD_REG_IRQ_ADC_HIGH_STATUS], 0,
		       SMCARD_REG_THR_LAST + 1 - SMCARD_REG_IRQ_ADC_HIGH_STATUS);
}

static void ioc_write_func(struct smcard_sim_pin *pin, u8 val)
{
	if (val > SMCARD_FUNC_MAX || val == pin->func)
		return;
	pin->func = val;
	/* Entering an input function restarts the filter without an edge. */
	if (smcard_sim_pin_is_input(pin))
		pin->accepted = pin->raw;
}

static void ioc_write_pin(struct smcard_sim_pin *pin, unsigned int off, u8 val)
{
	switch (off) {
	case SMCARD_PIN_FUNC:
		ioc_write_func(pin, val);
		break;
	case SMCARD_PIN_CFG:
		if (FIELD_GET(SMCARD_PIN_CFG_COUNT_EDGE, val) <=
		    SMCARD_COUNT_EDGE_BOTH)
			pin->cfg = val & SMCARD_PIN_CFG_COUNT_EDGE;
		break;
	case SMCARD_PIN_DEBOUNCE:
		pin->debounce = (pin->debounce & 0xff00) | val;
		break;
	case SMCARD_PIN_DEBOUNCE + 1:
		pin->debounce = (pin->debounce & 0x00ff) | (val << 8);
		break;
	}
}

/* Byte @byte of a 16-bit register */
static void ioc_write_u16(u16 *reg, unsigned int byte, u8 val)
{
	u16 mask = 0xff << (8 * byte);

	*reg = (*reg & ~mask) | (val << (8 * byte));
}

/* A new threshold or hysteresis judges the input from scratch. */
static void ioc_write_thr(struct smcard_sim_pin *pin, unsigned int off, u8 val)
{
	switch (off & ~1) {
	case SMCARD_THR_HIGH:
		ioc_write_u16(&pin->thr_high, off & 1, val);
		pin->armed_high = true;
		break;
	case SMCARD_THR_HYST_HIGH:
		ioc_write_u16(&pin->hyst_high, off & 1, val);
		pin->armed_high = true;
		break;
	case SMCARD_THR_LOW:
		ioc_write_u16(&pin->thr_low, off & 1, val);
		pin->armed_low = true;
		break;
	case SMCARD_THR_HYST_LOW:
		ioc_write_u16(&pin->hyst_low, off & 1, val);
		pin->armed_low = true;
		break;
	}
}

/*
 * Enabling a comparator arms it; disabling it clears its status bit, so a
 * host never sees an event of a comparator it had switched off.
 */
static void ioc_write_adc_en(struct smcard_sim *sim, unsigned int g, u8 val)
{
	u8 on = val & SMCARD_PINS_MASK;
	unsigned long rising = on & ~sim->irq_en[g];
	unsigned int i;

	for_each_set_bit(i, &rising, SMCARD_NUM_PINS) {
		if (g == SMCARD_SIM_IRQ_ADC_HIGH)
			sim->pins[i].armed_high = true;
		else
			sim->pins[i].armed_low = true;
	}
	sim->irq_status[g] &= on;
	sim->irq_en[g] = on;
}

static void ioc_write_count(struct smcard_sim_pin *pin, unsigned int byte,
			    u8 val)
{
	u32 mask = 0xffU << (8 * byte);

	pin->count = (pin->count & ~mask) | ((u32)val << (8 * byte));
}

/*
 * Commit one written byte. Returns true when the write touched an
 * interrupt status or enable register, after which a still asserted INT
 * produces a new edge. *reset is set by the reset command, which takes
 * effect at the end of the transaction.
 */
bool smcard_sim_ioc_write(struct smcard_sim *sim, u8 reg, u8 val, bool *reset)
{
	unsigned int g;

	lockdep_assert_held(&sim->lock);
	/* ... and ignores writes there */
	if (sim->abi_minor < SMCARD_ABI_MINOR_THR && ioc_reg_is_thr(reg))
		return false;
	switch (reg) {
	case SMCARD_REG_STATUS:
		if (val & SMCARD_STATUS_RESET)
			sim->reset_flag = false;
		return false;
	case SMCARD_REG_COMMAND:
		if (val == SMCARD_COMMAND_RESET)
			*reset = true;
		return false;
	case SMCARD_REG_IRQ_PIN_STATUS ... SMCARD_REG_IRQ_SYS_STATUS:
		g = reg - SMCARD_REG_IRQ_PIN_STATUS;
		sim->irq_status[g] &= ~val;
		return true;
	case SMCARD_REG_IRQ_PIN_EN ... SMCARD_REG_IRQ_SYS_EN:
		g = reg - SMCARD_REG_IRQ_PIN_EN;
		sim->irq_en[g] = val & irq_masks[g];
		return true;
	case SMCARD_REG_IRQ_ADC_HIGH_STATUS ... SMCARD_REG_IRQ_ADC_LOW_STATUS:
		g = SMCARD_SIM_IRQ_ADC_HIGH + reg - SMCARD_REG_IRQ_ADC_HIGH_STATUS;
		sim->irq_status[g] &= ~val;
		return true;
	case SMCARD_REG_IRQ_ADC_HIGH_EN ... SMCARD_REG_IRQ_ADC_LOW_EN:
		ioc_write_adc_en(sim, SMCARD_SIM_IRQ_ADC_HIGH + reg -
				 SMCARD_REG_IRQ_ADC_HIGH_EN, val);
		return true;
	case SMCARD_REG_THR_BASE ... SMCARD_REG_THR_LAST:
		g = reg - SMCARD_REG_THR_BASE;
		ioc_write_thr(&sim->pins[g / SMCARD_THR_STRIDE],
			      g % SMCARD_THR_STRIDE, val);
		return false;
	case SMCARD_REG_SCRATCH:
		sim->scratch = val;
		return false;
	case SMCARD_REG_OUT_LEVEL:
		sim->out_level = val & SMCARD_PINS_MASK;
		return false;
	case SMCARD_REG_CNT_ENABLE:
		sim->cnt_enable = val & SMCARD_PINS_MASK;
		return false;
	case SMCARD_REG_IRQ_PIN_RISE:
		sim->irq_rise = val & SMCARD_PINS_MASK;
		return false;
	case SMCARD_REG_IRQ_PIN_FALL:
		sim->irq_fall = val & SMCARD_PINS_MASK;
		return false;
	case SMCARD_REG_P1_CTRL:
		sim->p1_ctrl = val & SMCARD_P1_CTRL_REQ;
		return false;
	case SMCARD_REG_SERIAL_CTRL:
		sim->serial_ctrl = val & (SMCARD_SERIAL_CTRL_MODE |
					  SMCARD_SERIAL_CTRL_TERM);
		return false;
	case SMCARD_REG_MBUS_CTRL:
		ioc_write_mbus_ctrl(sim, val);
		return false;
	case SMCARD_REG_MBUS_OC_LIMIT ... SMCARD_REG_MBUS_OC_LIMIT + 1:
		ioc_write_u16(&sim->mbus_oc_limit,
			      reg - SMCARD_REG_MBUS_OC_LIMIT, val);
		return false;
	case SMCARD_REG_MBUS_STATUS:
		if (val & SMCARD_MBUS_STATUS_OC)
			sim->mbus_oc = false;
		return false;
	case SMCARD_REG_ADC_RATE:
		if (val <= SMCARD_ADC_RATE_1000HZ)
			sim->adc_rate = val;
		return false;
	case SMCARD_REG_PIN_BASE ... SMCARD_REG_PIN_LAST:
		g = reg - SMCARD_REG_PIN_BASE;
		ioc_write_pin(&sim->pins[g / SMCARD_PIN_STRIDE],
			      g % SMCARD_PIN_STRIDE, val);
		return false;
	case SMCARD_REG_COUNT_BASE ... SMCARD_REG_LAST:
		g = reg - SMCARD_REG_COUNT_BASE;
		ioc_write_count(&sim->pins[g / 4], g % 4, val);
		return false;
	default:
		/* Read-only and reserved addresses ignore writes. */
		return false;
	}
}
