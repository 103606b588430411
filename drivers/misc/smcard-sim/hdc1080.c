// SPDX-License-Identifier: GPL-2.0
/*
 * smcard-sim: a TI HDC1080 temperature and humidity sensor on the card's
 * I2C connector, enough for the mainline hdc100x driver. Registers are
 * 16 bit big-endian behind a pointer byte; writing the pointer of the
 * temperature register starts a conversion whose result (temperature, then
 * humidity in acquisition mode) is read without a new pointer write.
 * Conversions complete instantly.
 */

#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/unaligned.h>

#include "sim.h"

#define HDC1080_REG_TEMP	0x00
#define HDC1080_REG_HUMIDITY	0x01
#define HDC1080_REG_CONFIG	0x02
#define HDC1080_REG_MANUF_ID	0xfe
#define HDC1080_REG_DEVICE_ID	0xff

#define HDC1080_CONFIG_RESET	BIT(15)
#define HDC1080_CONFIG_ACQ_MODE	BIT(12)
#define HDC1080_CONFIG_DEFAULT	HDC1080_CONFIG_ACQ_MODE
#define HDC1080_CONFIG_MASK	(BIT(13) | BIT(12) | BIT(10) | GENMASK(9, 8))

#define HDC1080_MANUF_ID	0x5449
#define HDC1080_DEVICE_ID	0x1050

/* T = code / 2^16 * 165 C - 40 C, RH = code / 2^16 * 100 % */
static u16 hdc1080_code(s64 value, s64 offset, u32 span)
{
	s64 v = value + offset;

	if (v <= 0)
		return 0;
	return min_t(u64, div_u64((u64)v << 16, span), U16_MAX);
}

static u16 hdc1080_reg(struct smcard_sim_hdc1080 *hdc, u8 reg)
{
	switch (reg) {
	case HDC1080_REG_TEMP:
		return hdc1080_code(hdc->temp_mc, 40000, 165000);
	case HDC1080_REG_HUMIDITY:
		return hdc1080_code(hdc->humidity_pcm, 0, 100000);
	case HDC1080_REG_CONFIG:
		return hdc->config;
	case HDC1080_REG_MANUF_ID:
		return HDC1080_MANUF_ID;
	case HDC1080_REG_DEVICE_ID:
		return HDC1080_DEVICE_ID;
	default:
		return 0;
	}
}

int smcard_sim_hdc1080_xfer(struct smcard_sim *sim, struct i2c_msg *msg)
{
	struct smcard_sim_hdc1080 *hdc = &sim->hdc;
	unsigned long flags;
	u8 reg;
	u16 i;

	spin_lock_irqsave(&sim->lock, flags);
	if (msg->flags & I2C_M_RD) {
		reg = hdc->pointer;
		for (i = 0; i + 1 < msg->len; i += 2) {
			put_unaligned_be16(hdc1080_reg(hdc, reg), &msg->buf[i]);
			/* Acquisition mode: humidity follows temperature. */
			if (reg == HDC1080_REG_TEMP &&
			    (hdc->config & HDC1080_CONFIG_ACQ_MODE))
				reg = HDC1080_REG_HUMIDITY;
		}
		if (i < msg->len)
			msg->buf[i] = 0xff;
	} else if (msg->len) {
		hdc->pointer = msg->buf[0];
		if (msg->len >= 3 && hdc->pointer == HDC1080_REG_CONFIG) {
			u16 val = get_unaligned_be16(&msg->buf[1]);

			hdc->config = val & HDC1080_CONFIG_RESET ?
				      HDC1080_CONFIG_DEFAULT :
				      val & HDC1080_CONFIG_MASK;
		}
	}
	spin_unlock_irqrestore(&sim->lock, flags);
	return 0;
}

void smcard_sim_hdc1080_init(struct smcard_sim_hdc1080 *hdc)
{
	hdc->config = HDC1080_CONFIG_DEFAULT;
	hdc->temp_mc = 21500;
	hdc->humidity_pcm = 45000;
}
