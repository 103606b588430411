/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interface between the parts of smcard-core */
#ifndef __SMCARD_CORE_H
#define __SMCARD_CORE_H

struct i2c_client;
struct smcard;

int smcard_pins_parse(struct smcard *smcard);
int smcard_pins_configure(struct smcard *smcard);
bool smcard_pins_have(struct smcard *smcard, const u8 *functions,
		      unsigned int num_functions);
int smcard_irq_init(struct smcard *smcard, int irq);

#endif /* __SMCARD_CORE_H */
