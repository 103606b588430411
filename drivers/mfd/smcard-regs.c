// SPDX-License-Identifier: GPL-2.0
/*
 * smcard-core: configuration writes of the card's drivers.
 *
 * regmap updates its cache before the bus transfer, and a transfer that
 * fails may or may not have reached the controller (a timeout after the
 * last byte still commits it). The controller also ignores values it does
 * not support (Documentation/hw/smcard-ioc.rst, "Atomicity rules"). So
 * every configuration write is read back from the controller, bypassing
 * the cache, and whenever the two may differ the cached bytes are read
 * again from the controller: cached reads (sysfs) then show what the
 * hardware has, and a cache sync after a controller reset restores it.
 */

#include <linux/device.h>
#include <linux/mfd/smcard.h>
#include <linux/module.h>
#include <linux/regmap.h>

/*
 * Replace the cached bytes by the controller's. If the controller does not
 * answer, leave them uncached: the next read goes to the controller.
 */
static void smcard_reg_resync(struct regmap *map, unsigned int reg,
			      size_t len)
{
	unsigned int i, val;

	regcache_drop_region(map, reg, reg + len - 1);
	for (i = 0; i < len; i++)
		if (regmap_read(map, reg + i, &val))
			break;
}

/* 0 when the controller has @val (under @mask) at @reg, else an error */
static int smcard_reg_verify(struct regmap *map, unsigned int reg,
			     const u8 *val, const u8 *mask, size_t len)
{
	unsigned int i, hw;
	int ret;

	for (i = 0; i < len; i++) {
		ret = regmap_read_bypassed(map, reg + i, &hw);
		if (ret)
			return ret;
		if ((hw ^ val[i]) & mask[i])
			return -EIO;
	}

	return 0;
}

/**
 * smcard_reg_write() - write a configuration register of the IO controller
 * @map: the controller's regmap (dev_get_regmap() of the smcard-core device)
 * @reg: first register
 * @val: @len bytes, little-endian for multi-byte registers
 * @len: 1 to 4 bytes, written in one transaction
 *
 * Return: 0 when the controller holds @val; the transfer's error, or -EIO
 * when it refused the value. On error the cache holds what the controller
 * has, or nothing for these registers if it could not be read.
 */
int smcard_reg_write(struct regmap *map, unsigned int reg, const void *val,
		     size_t len)
{
	static const u8 all[4] = { 0xff, 0xff, 0xff, 0xff };
	int ret;

	if (!len || len > sizeof(all))
		return -EINVAL;

	ret = regmap_bulk_write(map, reg, val, len);
	if (!ret)
		ret = smcard_reg_verify(map, reg, val, all, len);
	if (ret)
		smcard_reg_resync(map, reg, len);

	return ret;
}
EXPORT_SYMBOL_GPL(smcard_reg_write);

/**
 * smcard_reg_update() - change bits of a configuration register
 * @map: the controller's regmap
 * @reg: the register
 * @mask: bits to change
 * @val: their new values
 *
 * Like smcard_reg_write(), for the bits in @mask.
 */
int smcard_reg_update(struct regmap *map, unsigned int reg, unsigned int mask,
		      unsigned int val)
{
	u8 want = val & mask, bits = mask;
	int ret;

	ret = regmap_update_bits(map, reg, mask, val);
	if (!ret)
		ret = smcard_reg_verify(map, reg, &want, &bits, 1);
	if (ret)
		smcard_reg_resync(map, reg, 1);

	return ret;
}
EXPORT_SYMBOL_GPL(smcard_reg_update);
