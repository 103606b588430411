/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON form of a decoded M-Bus telegram, shared by smcardctl and the
 * daemon so that every tool prints the same field names:
 *
 *   { "frame": { "type", "c", "c_name", "a", "ci", "ci_name" },
 *     "header": { "id", "manufacturer", "version", "medium",
 *                 "medium_code", "access_number", "status",
 *                 "status_flags", "status_text", "signature" },
 *     "afl": { "fcl", "mcl", "message_counter", "mac" },
 *     "security": { "configuration_field", "mode", "name",
 *                   "encrypted_blocks", "cfe", "decrypted", "mac_checked",
 *                   "error", "raw" },
 *     "records": [ { "function", "storage", "tariff", "subunit",
 *                    "quantity", "unit", "value", "raw", "text_order",
 *                    "warnings", "problem", "dif", "dife", "vif", "vife",
 *                    "description", "error" } ],
 *     "more_records": bool, "undecodable_records": n,
 *     "app_status", "app_error": { "code", "text", "code_sent" },
 *     "alarm_text", "select", "baud" }
 *
 * Numeric values are JSON numbers printed with their exact decimal text
 * ("12.345", not 12.3449999); dates are ISO 8601 strings, text is a
 * string, binary data a hex string.
 *
 * The text is written straight by a yajl generator, without building a
 * tree (the fast path: mbus_telegram_json_gen()); the json-c objects for
 * tools that add to them are parsed from that text, so both forms are
 * the same by construction.
 */
#ifndef SMCARD_MBUS_JSON_H
#define SMCARD_MBUS_JSON_H

#include <json-c/json.h>
#include <yajl/yajl_gen.h>

#include "mbus_data.h"

/* Write @t as one JSON object to @g. Returns 0 or -EIO (generator state). */
int mbus_telegram_json_gen(yajl_gen g, const struct mbus_telegram *t);

/* New reference, or NULL when out of memory. */
struct json_object *mbus_telegram_to_json(const struct mbus_telegram *t);
struct json_object *mbus_record_to_json(const struct mbus_record *r);
struct json_object *mbus_value_to_json(const struct mbus_value *v);

#endif
