/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Macros of system headers that cppcheck needs to parse userspace/ without
 * reading the system headers themselves (host_cppcheck.sh --include).
 */
/* json-c: iterate over the members of an object. */
#define json_object_object_foreach(obj, key, val) \
	for (char *key = 0; key;) \
		for (struct json_object *val = 0; val;)
