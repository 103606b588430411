// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module: emits a kernel WARNING when loaded with warn=1, so the
 * VM runner's kernel-log detector can be shown to fail a run.
 */
#include <linux/bug.h>
#include <linux/module.h>

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "emit a WARNING at load time");

static int __init smcard_test_warn_init(void)
{
	WARN(warn, "smcard-test-warn: warning on request\n");
	return 0;
}
module_init(smcard_test_warn_init);

static void __exit smcard_test_warn_exit(void)
{
}
module_exit(smcard_test_warn_exit);

MODULE_DESCRIPTION("Emit a kernel warning on request (VM runner self-test)");
MODULE_LICENSE("GPL");
