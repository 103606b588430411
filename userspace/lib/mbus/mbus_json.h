/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON form of a decoded M-Bus telegram (json-c), shared by smcardctl and
 * the daemon so that every tool prints the same field names:
 *
 *   { "frame": { "type", "c", "c_name", "a", "ci", "ci_name" },
 *     "header": { "id", "manufacturer", "version", "medium",
 *                 "medium_code", "access_number", "status",
 *                 "status_flags", "signature" },
 *     "records": [ { "function", "storage", "tariff", "subunit",
 *                    "quantity", "unit", "value", "dif", "dife",
 *                    "vif", "vife", "description", "error" } ],
 *     "more_records": bool }
 *
 * Numeric values are JSON numbers printed with their exact decimal text
 * ("12.345", not 12.3449999); dates are ISO 8601 strings, text is a
 * string, binary data a hex string.
 */
#ifndef SMCARD_MBUS_JSON_H
#define SMCARD_MBUS_JSON_H

#include <json-c/json.h>

#include "mbus_data.h"

/* New reference, or NULL when out of memory. */
struct json_object *mbus_telegram_to_json(const struct mbus_telegram *t);
struct json_object *mbus_record_to_json(const struct mbus_record *r);
struct json_object *mbus_value_to_json(const struct mbus_value *v);

#endif
