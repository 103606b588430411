// SPDX-License-Identifier: GPL-2.0
/*
 * smcard-sim: the control interface in /sys/kernel/debug/smcard-sim/,
 * documented in Documentation/hw/smcard-sim.rst. It plays the world around
 * the card: signals at the pin terminals, the power source, the M-Bus load,
 * faults on the I2C bus, and it shows what the card drives.
 */

#include <linux/bitfield.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kstrtox.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "sim.h"

/* More unit loads than any M-Bus segment carries */
#define SIM_MBUS_LOADS_MAX	1000

static const char * const serial_modes[] = {
	[SMCARD_SERIAL_MODE_RS232] = "rs232",
	[SMCARD_SERIAL_MODE_RS422] = "rs422",
	[SMCARD_SERIAL_MODE_RS485_HALF] = "rs485-half",
	[SMCARD_SERIAL_MODE_RS485_FULL] = "rs485-full",
};

static const char * const func_names[] = {
	[SMCARD_FUNC_DISABLED] = "disabled",
	[SMCARD_FUNC_DIGITAL_IN] = "digital-in",
	[SMCARD_FUNC_VOLTAGE_IN] = "voltage-in",
	[SMCARD_FUNC_CURRENT_IN] = "current-in",
	[SMCARD_FUNC_S0_IN] = "s0-in",
	[SMCARD_FUNC_DIGITAL_OUT] = "digital-out",
	[SMCARD_FUNC_OPEN_DRAIN_OUT] = "open-drain-out",
};

static const char * const fault_names[SMCARD_SIM_NUM_FAULTS] = {
	[SMCARD_SIM_FAULT_NACK] = "nack",
	[SMCARD_SIM_FAULT_TIMEOUT] = "timeout",
	[SMCARD_SIM_FAULT_LATE] = "late",
};

/* Top level: power, M-Bus, card lines, faults, reset */

static int battery_get(void *data, u64 *val)
{
	struct smcard_sim *sim = data;

	*val = READ_ONCE(sim->battery);
	return 0;
}

static int battery_set(void *data, u64 val)
{
	struct smcard_sim *sim = data;
	unsigned long flags;
	bool irq;

	if (val > 1)
		return -EINVAL;

	spin_lock_irqsave(&sim->lock, flags);
	irq = smcard_sim_ioc_set_battery(sim, val);
	spin_unlock_irqrestore(&sim->lock, flags);
	if (irq)
		smcard_sim_raise_irq(sim);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(battery_fops, battery_get, battery_set, "%llu\n");

static int mbus_oc_get(void *data, u64 *val)
{
	struct smcard_sim *sim = data;

	*val = READ_ONCE(sim->mbus_oc);
	return 0;
}

static int mbus_oc_set(void *data, u64 val)
{
	struct smcard_sim *sim = data;
	unsigned long flags;
	bool irq;

	if (val != 1)
		return -EINVAL;

	spin_lock_irqsave(&sim->lock, flags);
	irq = smcard_sim_ioc_mbus_trip(sim);
	spin_unlock_irqrestore(&sim->lock, flags);
	if (irq)
		smcard_sim_raise_irq(sim);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(mbus_oc_fops, mbus_oc_get, mbus_oc_set, "%llu\n");

static int mbus_supply_get(void *data, u64 *val)
{
	struct smcard_sim *sim = data;

	*val = READ_ONCE(sim->mbus_supply_mv);
	return 0;
}

static int mbus_supply_set(void *data, u64 val)
{
	struct smcard_sim *sim = data;

	if (val > U16_MAX)
		return -ERANGE;
	WRITE_ONCE(sim->mbus_supply_mv, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(mbus_supply_fops, mbus_supply_get, mbus_supply_set,
			 "%llu\n");

static int vdc_get(void *data, u64 *val)
{
	struct smcard_sim *sim = data;

	*val = READ_ONCE(sim->vdc_mv);
	return 0;
}

static int vdc_set(void *data, u64 val)
{
	struct smcard_sim *sim = data;

	if (val > U16_MAX)
		return -ERANGE;
	WRITE_ONCE(sim->vdc_mv, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vdc_fops, vdc_get, vdc_set, "%llu\n");

static int mbus_loads_get(void *data, u64 *val)
{
	struct smcard_sim *sim = data;

	*val = READ_ONCE(sim->mbus_loads);
	return 0;
}

/* More load than the over-current limit allows trips the latch. */
static int mbus_loads_set(void *data, u64 val)
{
	struct smcard_sim *sim = data;
	unsigned long flags;
	bool irq;

	if (val > SIM_MBUS_LOADS_MAX)
		return -ERANGE;
	spin_lock_irqsave(&sim->lock, flags);
	sim->mbus_loads = val;
	irq = smcard_sim_ioc_mbus_check_current(sim);
	spin_unlock_irqrestore(&sim->lock, flags);
	if (irq)
		smcard_sim_raise_irq(sim);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(mbus_loads_fops, mbus_loads_get, mbus_loads_set,
			 "%llu\n");

static int mbus_current_get(void *data, u64 *val)
{
	struct smcard_sim *sim = data;
	unsigned long flags;

	spin_lock_irqsave(&sim->lock, flags);
	*val = smcard_sim_ioc_mbus_ua(sim);
	spin_unlock_irqrestore(&sim->lock, flags);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(mbus_current_fops, mbus_current_get, NULL, "%llu\n");

static int reset_set(void *data, u64 val)
{
	struct smcard_sim *sim = data;
	unsigned long flags;
	bool irq;

	if (val != 1)
		return -EINVAL;

	spin_lock_irqsave(&sim->lock, flags);
	irq = smcard_sim_ioc_reset(sim);
	spin_unlock_irqrestore(&sim->lock, flags);
	if (irq)
		smcard_sim_raise_irq(sim);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(reset_fops, NULL, reset_set, "%llu\n");

/* Transfers to the IO controller since the sim was bound */
static int ioc_transfers_get(void *data, u64 *val)
{
	struct smcard_sim *sim = data;
	unsigned long flags;

	spin_lock_irqsave(&sim->lock, flags);
	*val = sim->ioc_transfers;
	spin_unlock_irqrestore(&sim->lock, flags);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(ioc_transfers_fops, ioc_transfers_get, NULL,
			 "%llu\n");

static int abi_minor_get(void *data, u64 *val)
{
	struct smcard_sim *sim = data;

	*val = READ_ONCE(sim->abi_minor);
	return 0;
}

/* 1 or SMCARD_ABI_MINOR: the controller restarts with that firmware */
static int abi_minor_set(void *data, u64 val)
{
	struct smcard_sim *sim = data;
	unsigned long flags;
	bool irq;

	if (val < 1 || val > SMCARD_ABI_MINOR)
		return -EINVAL;
	spin_lock_irqsave(&sim->lock, flags);
	irq = smcard_sim_ioc_set_abi_minor(sim, val);
	spin_unlock_irqrestore(&sim->lock, flags);
	if (irq)
		smcard_sim_raise_irq(sim);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(abi_minor_fops, abi_minor_get, abi_minor_set,
			 "%llu\n");

/* The INT line: 1 while asserted */
static int int_get(void *data, u64 *val)
{
	struct smcard_sim *sim = data;
	unsigned long flags;

	spin_lock_irqsave(&sim->lock, flags);
	*val = smcard_sim_ioc_int_asserted(sim);
	spin_unlock_irqrestore(&sim->lock, flags);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(int_fops, int_get, NULL, "%llu\n");

static int card_show(struct seq_file *s, const char *name)
{
	struct smcard_sim *sim = s->private;
	unsigned long flags;
	u8 serial, mbus, p1;

	spin_lock_irqsave(&sim->lock, flags);
	serial = sim->serial_ctrl;
	mbus = sim->mbus_ctrl;
	p1 = sim->p1_ctrl;
	spin_unlock_irqrestore(&sim->lock, flags);

	if (!strcmp(name, "serial_mode"))
		seq_printf(s, "%s\n", serial_modes[FIELD_GET(SMCARD_SERIAL_CTRL_MODE,
							     serial)]);
	else if (!strcmp(name, "rs485_termination"))
		seq_printf(s, "%d\n", !!(serial & SMCARD_SERIAL_CTRL_TERM));
	else if (!strcmp(name, "mbus_power"))
		seq_printf(s, "%d\n", !!(mbus & SMCARD_MBUS_CTRL_POWER));
	else if (!strcmp(name, "mbus_role"))
		seq_printf(s, "%s\n", mbus & SMCARD_MBUS_CTRL_SLAVE ? "slave" :
								    "master");
	else
		seq_printf(s, "%d\n", !!(p1 & SMCARD_P1_CTRL_REQ));
	return 0;
}

#define CARD_FILE(_name)						\
static int _name##_show(struct seq_file *s, void *unused)		\
{									\
	return card_show(s, #_name);					\
}									\
DEFINE_SHOW_ATTRIBUTE(_name)

CARD_FILE(serial_mode);
CARD_FILE(rs485_termination);
CARD_FILE(mbus_power);
CARD_FILE(mbus_role);
CARD_FILE(p1_req);

static int i2c_fail_show(struct seq_file *s, void *unused)
{
	struct smcard_sim *sim = s->private;
	enum smcard_sim_fault mode;
	unsigned long flags;
	unsigned int count;
	int reg;

	spin_lock_irqsave(&sim->lock, flags);
	count = sim->fail_count;
	mode = sim->fail_mode;
	reg = sim->fail_reg;
	spin_unlock_irqrestore(&sim->lock, flags);
	if (reg < 0)
		seq_printf(s, "%u %s\n", count, fault_names[mode]);
	else
		seq_printf(s, "%u %s 0x%02x\n", count, fault_names[mode], reg);
	return 0;
}

/*
 * Text written to a debugfs file, into @buf of @size and trimmed: its
 * first word, and in *@rest what follows it (NULL if nothing does).
 */
static char *sim_written_words(const char __user *ubuf, size_t len,
			       char *buf, size_t size, char **rest)
{
	if (len >= size)
		return ERR_PTR(-EINVAL);
	if (copy_from_user(buf, ubuf, len))
		return ERR_PTR(-EFAULT);
	buf[len] = '\0';
	*rest = strim(buf);
	return strsep(rest, " \t");
}

/*
 * "N [nack|timeout|late [REG]]": fail the next N transfers, or with REG the
 * next N that write data to the controller's register REG.
 */
static ssize_t i2c_fail_write(struct file *file, const char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	struct smcard_sim *sim = file_inode(file)->i_private;
	enum smcard_sim_fault mode = SMCARD_SIM_FAULT_NACK;
	char buf[32], *arg, *p;
	unsigned long flags;
	unsigned int count;
	int ret, reg = -1;
	u8 r;

	arg = sim_written_words(ubuf, len, buf, sizeof(buf), &p);
	if (IS_ERR(arg))
		return PTR_ERR(arg);
	ret = kstrtouint(arg, 0, &count);
	if (ret)
		return ret;
	if (p) {
		p = skip_spaces(p);
		arg = strsep(&p, " \t");
		ret = match_string(fault_names, ARRAY_SIZE(fault_names), arg);
		if (ret < 0)
			return ret;
		mode = ret;
	}
	if (p) {
		ret = kstrtou8(skip_spaces(p), 0, &r);
		if (ret)
			return ret;
		reg = r;
	}
	spin_lock_irqsave(&sim->lock, flags);
	sim->fail_count = count;
	sim->fail_mode = mode;
	sim->fail_reg = reg;
	spin_unlock_irqrestore(&sim->lock, flags);
	return len;
}

DEFINE_SHOW_STORE_ATTRIBUTE(i2c_fail);

static int i2c_storm_show(struct seq_file *s, void *unused)
{
	struct smcard_sim *sim = s->private;
	struct smcard_sim_storm storm;
	unsigned long flags;

	spin_lock_irqsave(&sim->lock, flags);
	storm = sim->storm;
	spin_unlock_irqrestore(&sim->lock, flags);
	seq_printf(s, "%u %llu %llu %llu %llu %llu\n", storm.permille,
		   storm.seed, storm.transfers,
		   storm.faults[SMCARD_SIM_FAULT_NACK],
		   storm.faults[SMCARD_SIM_FAULT_TIMEOUT],
		   storm.faults[SMCARD_SIM_FAULT_LATE]);
	return 0;
}

/*
 * "PERMILLE [SEED]": from now on every transfer fails with a chance of
 * PERMILLE in 1000, in a mode drawn at random; the counters restart.
 * 0 ends the storm and keeps its counters readable.
 */
static ssize_t i2c_storm_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	struct smcard_sim *sim = file_inode(file)->i_private;
	struct smcard_sim_storm storm = { };
	char buf[48], *arg, *p;
	unsigned long flags;
	int ret;

	arg = sim_written_words(ubuf, len, buf, sizeof(buf), &p);
	if (IS_ERR(arg))
		return PTR_ERR(arg);
	ret = kstrtouint(arg, 10, &storm.permille);
	if (ret)
		return ret;
	if (storm.permille > 1000)
		return -ERANGE;
	if (!storm.permille) {
		spin_lock_irqsave(&sim->lock, flags);
		sim->storm.permille = 0;
		spin_unlock_irqrestore(&sim->lock, flags);
		return len;
	}
	if (p) {
		ret = kstrtou64(skip_spaces(p), 0, &storm.seed);
		if (ret)
			return ret;
	} else {
		storm.seed = get_random_u64();
	}
	prandom_seed_state(&storm.rnd, storm.seed);

	spin_lock_irqsave(&sim->lock, flags);
	sim->storm = storm;
	spin_unlock_irqrestore(&sim->lock, flags);
	return len;
}

DEFINE_SHOW_STORE_ATTRIBUTE(i2c_storm);

static int regs_show(struct seq_file *s, void *unused)
{
	struct smcard_sim *sim = s->private;
	unsigned long flags;
	u8 img[256];

	spin_lock_irqsave(&sim->lock, flags);
	smcard_sim_ioc_snapshot(sim, img);
	spin_unlock_irqrestore(&sim->lock, flags);
	seq_hex_dump(s, "", DUMP_PREFIX_OFFSET, 16, 1, img,
		     SMCARD_REG_THR_LAST + 1, false);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(regs);

/* The environmental sensor */

static int hdc_temp_get(void *data, u64 *val)
{
	struct smcard_sim *sim = data;

	*val = (s64)READ_ONCE(sim->hdc.temp_mc);
	return 0;
}

static int hdc_temp_set(void *data, u64 val)
{
	struct smcard_sim *sim = data;
	s64 v = (s64)val;

	if (v < -40000 || v > 125000)
		return -ERANGE;
	WRITE_ONCE(sim->hdc.temp_mc, v);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE_SIGNED(hdc_temp_fops, hdc_temp_get, hdc_temp_set,
				"%lld\n");

static int hdc_hum_get(void *data, u64 *val)
{
	struct smcard_sim *sim = data;

	*val = READ_ONCE(sim->hdc.humidity_pcm);
	return 0;
}

static int hdc_hum_set(void *data, u64 val)
{
	struct smcard_sim *sim = data;

	if (val > 100000)
		return -ERANGE;
	WRITE_ONCE(sim->hdc.humidity_pcm, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(hdc_hum_fops, hdc_hum_get, hdc_hum_set, "%llu\n");

/* Pins */

static int pin_level_get(void *data, u64 *val)
{
	struct smcard_sim_pin *pin = data;

	*val = READ_ONCE(pin->raw);
	return 0;
}

static int pin_level_set(void *data, u64 val)
{
	if (val > 1)
		return -EINVAL;
	return smcard_sim_pin_set_level(data, val);
}
DEFINE_DEBUGFS_ATTRIBUTE(pin_level_fops, pin_level_get, pin_level_set,
			 "%llu\n");

static int pin_uv_get(void *data, u64 *val)
{
	struct smcard_sim_pin *pin = data;

	*val = (s64)READ_ONCE(pin->uv);
	return 0;
}

/* A new input value is converted, and compared, within one period. */
static int pin_analog_set(struct smcard_sim_pin *pin, s32 *value, s64 v)
{
	struct smcard_sim *sim = pin->sim;
	unsigned long flags;
	bool irq;

	if (v < S32_MIN || v > S32_MAX)
		return -ERANGE;
	spin_lock_irqsave(&sim->lock, flags);
	WRITE_ONCE(*value, v);
	irq = smcard_sim_ioc_adc_check(sim);
	spin_unlock_irqrestore(&sim->lock, flags);
	if (irq)
		smcard_sim_raise_irq(sim);
	return 0;
}

static int pin_uv_set(void *data, u64 val)
{
	struct smcard_sim_pin *pin = data;

	return pin_analog_set(pin, &pin->uv, (s64)val);
}
DEFINE_DEBUGFS_ATTRIBUTE_SIGNED(pin_uv_fops, pin_uv_get, pin_uv_set, "%lld\n");

static int pin_ua_get(void *data, u64 *val)
{
	struct smcard_sim_pin *pin = data;

	*val = (s64)READ_ONCE(pin->ua);
	return 0;
}

static int pin_ua_set(void *data, u64 val)
{
	struct smcard_sim_pin *pin = data;

	return pin_analog_set(pin, &pin->ua, (s64)val);
}
DEFINE_DEBUGFS_ATTRIBUTE_SIGNED(pin_ua_fops, pin_ua_get, pin_ua_set, "%lld\n");

static int pin_count_get(void *data, u64 *val)
{
	struct smcard_sim_pin *pin = data;
	unsigned long flags;

	spin_lock_irqsave(&pin->sim->lock, flags);
	*val = pin->count;
	spin_unlock_irqrestore(&pin->sim->lock, flags);
	return 0;
}

static int pin_count_set(void *data, u64 val)
{
	struct smcard_sim_pin *pin = data;
	unsigned long flags;

	if (val > U32_MAX)
		return -ERANGE;
	spin_lock_irqsave(&pin->sim->lock, flags);
	pin->count = val;
	spin_unlock_irqrestore(&pin->sim->lock, flags);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(pin_count_fops, pin_count_get, pin_count_set,
			 "%llu\n");

static int pin_adc_reads_get(void *data, u64 *val)
{
	struct smcard_sim_pin *pin = data;
	unsigned long flags;

	spin_lock_irqsave(&pin->sim->lock, flags);
	*val = pin->adc_reads;
	spin_unlock_irqrestore(&pin->sim->lock, flags);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(pin_adc_reads_fops, pin_adc_reads_get, NULL, "%llu\n");

static int pin_output_show(struct seq_file *s, void *unused)
{
	struct smcard_sim_pin *pin = s->private;
	unsigned long flags;
	char state;

	spin_lock_irqsave(&pin->sim->lock, flags);
	state = smcard_sim_pin_output(pin);
	spin_unlock_irqrestore(&pin->sim->lock, flags);
	seq_printf(s, "%c\n", state);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pin_output);

static int pin_function_show(struct seq_file *s, void *unused)
{
	struct smcard_sim_pin *pin = s->private;

	seq_printf(s, "%s\n", func_names[READ_ONCE(pin->func)]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pin_function);

static int pin_pulses_show(struct seq_file *s, void *unused)
{
	seq_printf(s, "%u\n", smcard_sim_pin_train_remaining(s->private));
	return 0;
}

/* "COUNT RATE_HZ WIDTH_US": start a pulse train, return at once. */
static ssize_t pin_pulses_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	struct smcard_sim_pin *pin = file_inode(file)->i_private;
	char buf[64], *p = buf, *arg;
	u32 v[3];
	int i, ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	/* kstrtou32 refuses what does not fit; sscanf would wrap it */
	for (i = 0; i < ARRAY_SIZE(v); i++) {
		do
			arg = strsep(&p, " \t\n");
		while (arg && !*arg);
		if (!arg)
			return -EINVAL;
		ret = kstrtou32(arg, 10, &v[i]);
		if (ret)
			return ret;
	}
	if (p && *skip_spaces(p))
		return -EINVAL;
	ret = smcard_sim_pin_start_train(pin, v[0], v[1], v[2]);
	return ret ?: len;
}

DEFINE_SHOW_STORE_ATTRIBUTE(pin_pulses);

/* Reading blocks until the pin's pulse train has completed. */
static ssize_t pin_pulses_wait_read(struct file *file, char __user *ubuf,
				    size_t len, loff_t *ppos)
{
	struct smcard_sim_pin *pin = file_inode(file)->i_private;
	int ret;

	if (*ppos)
		return 0;
	ret = wait_event_interruptible(pin->train_wq,
				       !smcard_sim_pin_train_remaining(pin));
	if (ret)
		return ret;
	return simple_read_from_buffer(ubuf, len, ppos, "0\n", 2);
}

static const struct file_operations pin_pulses_wait_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = pin_pulses_wait_read,
	.llseek = default_llseek,
};

static void sim_debugfs_pin(struct smcard_sim_pin *pin, struct dentry *root)
{
	struct dentry *dir;
	char name[8];

	snprintf(name, sizeof(name), "io%u", pin->index + 1);
	dir = debugfs_create_dir(name, root);
	debugfs_create_file_unsafe("level", 0600, dir, pin, &pin_level_fops);
	debugfs_create_file_unsafe("voltage_uv", 0600, dir, pin, &pin_uv_fops);
	debugfs_create_file_unsafe("current_ua", 0600, dir, pin, &pin_ua_fops);
	debugfs_create_file_unsafe("count", 0600, dir, pin, &pin_count_fops);
	debugfs_create_file_unsafe("adc_reads", 0400, dir, pin,
				   &pin_adc_reads_fops);
	debugfs_create_file("pulses", 0600, dir, pin, &pin_pulses_fops);
	debugfs_create_file("pulses_wait", 0400, dir, pin,
			    &pin_pulses_wait_fops);
	debugfs_create_file("output", 0400, dir, pin, &pin_output_fops);
	debugfs_create_file("function", 0400, dir, pin, &pin_function_fops);
}

static void sim_debugfs_remove(void *data)
{
	debugfs_remove_recursive(data);
}

void smcard_sim_debugfs_init(struct smcard_sim *sim)
{
	struct dentry *root, *hdc;
	unsigned int i;

	root = debugfs_create_dir("smcard-sim", NULL);
	if (IS_ERR(root)) {
		dev_warn(sim->dev, "no control interface: %pe\n", root);
		return;
	}
	sim->debugfs = root;
	debugfs_create_file_unsafe("battery", 0600, root, sim, &battery_fops);
	debugfs_create_file_unsafe("mbus_overcurrent", 0600, root, sim,
				   &mbus_oc_fops);
	debugfs_create_file_unsafe("mbus_supply_mv", 0600, root, sim,
				   &mbus_supply_fops);
	debugfs_create_file_unsafe("vdc_mv", 0600, root, sim, &vdc_fops);
	debugfs_create_file_unsafe("mbus_loads", 0600, root, sim,
				   &mbus_loads_fops);
	debugfs_create_file_unsafe("mbus_current_ua", 0400, root, sim,
				   &mbus_current_fops);
	debugfs_create_file_unsafe("reset", 0200, root, sim, &reset_fops);
	debugfs_create_file_unsafe("int", 0400, root, sim, &int_fops);
	debugfs_create_file_unsafe("abi_minor", 0600, root, sim,
				   &abi_minor_fops);
	debugfs_create_file_unsafe("ioc_transfers", 0400, root, sim,
				   &ioc_transfers_fops);
	debugfs_create_file("serial_mode", 0444, root, sim, &serial_mode_fops);
	debugfs_create_file("rs485_termination", 0444, root, sim,
			    &rs485_termination_fops);
	debugfs_create_file("mbus_power", 0444, root, sim, &mbus_power_fops);
	debugfs_create_file("mbus_role", 0444, root, sim, &mbus_role_fops);
	debugfs_create_file("p1_req", 0444, root, sim, &p1_req_fops);
	debugfs_create_file("i2c_fail", 0600, root, sim, &i2c_fail_fops);
	debugfs_create_file("i2c_storm", 0600, root, sim, &i2c_storm_fops);
	debugfs_create_file("regs", 0400, root, sim, &regs_fops);

	hdc = debugfs_create_dir("hdc1080", root);
	debugfs_create_file_unsafe("temperature_mc", 0600, hdc, sim,
				   &hdc_temp_fops);
	debugfs_create_file_unsafe("humidity_pcm", 0600, hdc, sim,
				   &hdc_hum_fops);

	for (i = 0; i < SMCARD_NUM_PINS; i++)
		sim_debugfs_pin(&sim->pins[i], root);

	if (devm_add_action_or_reset(sim->dev, sim_debugfs_remove, root))
		sim->debugfs = NULL;
}
