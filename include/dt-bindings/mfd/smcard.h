/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Pin functions of the IO controller on the OPTION CloudGate Smart Metering
 * Expansion Card, for the "option,pin-function" property of its channel@N
 * nodes. The values are the controller's PIN_FUNC register codes.
 */
#ifndef _DT_BINDINGS_MFD_SMCARD_H
#define _DT_BINDINGS_MFD_SMCARD_H

#define SMCARD_PIN_FUNC_DISABLED	0x00
#define SMCARD_PIN_FUNC_DIGITAL_IN	0x01
#define SMCARD_PIN_FUNC_VOLTAGE_IN	0x02
#define SMCARD_PIN_FUNC_CURRENT_IN	0x03
#define SMCARD_PIN_FUNC_S0_IN		0x04
#define SMCARD_PIN_FUNC_DIGITAL_OUT	0x05
#define SMCARD_PIN_FUNC_OPEN_DRAIN_OUT	0x06

/*
 * GPIO lines of the serial transceiver (option,smcard-serial), one per
 * struct serial_rs485 flag: TERMINATE_BUS and RX_DURING_TX for the serial
 * core's rs485-term-gpios and rs485-rx-during-tx-gpios, ENABLED and
 * MODE_RS422 for the slot UART's driver.
 */
#define SMCARD_SERIAL_LINE_TERM		0
#define SMCARD_SERIAL_LINE_RX_DURING_TX	1
#define SMCARD_SERIAL_LINE_ENABLED	2
#define SMCARD_SERIAL_LINE_MODE_RS422	3

#endif /* _DT_BINDINGS_MFD_SMCARD_H */
