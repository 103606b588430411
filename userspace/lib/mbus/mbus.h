/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libsmcard-mbus: M-Bus (EN 13757-2/-3) without I/O policy.
 *
 *   mbus_frame.h     link-layer frames: build, validate, find in a stream
 *   mbus_header.h    application header (CI field, long/short/none)
 *   mbus_data.h      telegram decoding: records, DIF/VIF/VIFE, normalised values
 *   mbus_value.h     numbers and dates out of a record's data field
 *   mbus_vif.h       the VIF/VIFE tables
 *   mbus_security.h  OMS / EN 13757-7 security modes 5 and 7 (libcrypto)
 *   mbus_json.h      a decoded telegram as JSON (json-c)
 *   mbus_build.h     RSP_UD telegrams from records (meters, emulators)
 *   mbus_addr.h      primary and secondary addresses, wildcards
 *   mbus_meter.h     a slave's answers to a master's requests
 *   mbus_meterset.h  many slaves on one simulated bus, with collisions
 *   mbus_scan.h      master procedures: read with FCB, scans, secondary search
 *   mbus_nl.h        the kernel's meterbus generic netlink family (libnl)
 *   mbus_error.h     error codes and their text
 *
 * A user includes this header only; the others are its parts.
 */
#ifndef SMCARD_MBUS_H
#define SMCARD_MBUS_H

#include "mbus_addr.h"
#include "mbus_build.h"
#include "mbus_data.h"
#include "mbus_error.h"
#include "mbus_frame.h"
#include "mbus_header.h"
#include "mbus_json.h"
#include "mbus_meter.h"
#include "mbus_meterset.h"
#include "mbus_nl.h"
#include "mbus_scan.h"
#include "mbus_security.h"
#include "mbus_value.h"
#include "mbus_vif.h"

#endif
