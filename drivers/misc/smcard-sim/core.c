// SPDX-License-Identifier: GPL-2.0
/*
 * smcard-sim: simulator of the OPTION CloudGate Smart Metering Expansion
 * Card for tests and demos. Bound to the "option,smcard-sim" node of the
 * reference board, it provides the slot's I2C bus with the emulated IO
 * controller, the controller's interrupt line (through irq_sim, with the
 * node as interrupt controller) and, through its child nodes, the three
 * UARTs routed to the card. See Documentation/hw/smcard-sim.rst.
 */

#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irq_sim.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_platform.h>
#include <linux/platform_device.h>

#include "sim.h"

/* hwirq of the IO controller's INT line in the sim's domain */
#define SMCARD_SIM_HWIRQ_IOC	0

/*
 * Each raise is one edge on INT. Without a consumer there is no mapping and
 * the edge is lost, as on a real unconnected line.
 *
 * The edge is handled here rather than through irq_set_irqchip_state():
 * irq_sim runs its handler as irq_work on the raising CPU, so two CPUs
 * raising at once run it twice in parallel, and one of them can find the
 * pending bit gone under it and handle a hwirq beyond the domain, which
 * has no descriptor.
 */
void smcard_sim_raise_irq(struct smcard_sim *sim)
{
	generic_handle_domain_irq_safe(sim->domain, SMCARD_SIM_HWIRQ_IOC);
}

static void smcard_sim_stop(void *data)
{
	smcard_sim_pins_stop(data);
}

static int smcard_sim_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct smcard_sim *sim;
	int ret;

	sim = devm_kzalloc(dev, sizeof(*sim), GFP_KERNEL);
	if (!sim)
		return -ENOMEM;
	sim->dev = dev;
	spin_lock_init(&sim->lock);
	sim->fail_reg = -1;
	smcard_sim_pins_init(sim);
	smcard_sim_ioc_init(sim);
	platform_set_drvdata(pdev, sim);

	sim->domain = devm_irq_domain_create_sim(dev, dev_fwnode(dev), 1);
	if (IS_ERR(sim->domain))
		return dev_err_probe(dev, PTR_ERR(sim->domain),
				     "cannot create interrupt domain\n");

	ret = devm_add_action_or_reset(dev, smcard_sim_stop, sim);
	if (ret)
		return ret;

	ret = smcard_sim_i2c_register(sim);
	if (ret)
		return dev_err_probe(dev, ret, "cannot add I2C adapter\n");

	smcard_sim_debugfs_init(sim);

	/* The UARTs are child nodes with their own driver (uart.c). */
	return devm_of_platform_populate(dev);
}

static const struct of_device_id smcard_sim_of_match[] = {
	{ .compatible = "option,smcard-sim" },
	{ }
};
MODULE_DEVICE_TABLE(of, smcard_sim_of_match);

static struct platform_driver smcard_sim_driver = {
	.probe = smcard_sim_probe,
	.driver = {
		.name = "smcard-sim",
		.of_match_table = smcard_sim_of_match,
	},
};

static int __init smcard_sim_init(void)
{
	int ret;

	ret = smcard_sim_uart_register();
	if (ret)
		return ret;
	ret = platform_driver_register(&smcard_sim_driver);
	if (ret)
		smcard_sim_uart_unregister();
	return ret;
}
module_init(smcard_sim_init);

static void __exit smcard_sim_exit(void)
{
	platform_driver_unregister(&smcard_sim_driver);
	smcard_sim_uart_unregister();
}
module_exit(smcard_sim_exit);

MODULE_DESCRIPTION("Simulator of the OPTION CloudGate Smart Metering Expansion Card");
MODULE_LICENSE("GPL");
