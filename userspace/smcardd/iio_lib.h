/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libiio, loaded when the first analog source opens. libiio brings
 * libxml2, ICU, libstdc++, libusb and avahi with it (about 2 MiB of
 * resident pages in smcardd), which a daemon without analog inputs never
 * needs; so it is opened with dlopen() instead of being linked.
 */
#ifndef SMCARDD_IIO_LIB_H
#define SMCARDD_IIO_LIB_H

#include <iio.h>

#define SD_IIO_SONAME	"libiio.so.0"

/* The libiio calls smcardd makes, typed by libiio's own declarations. */
struct sd_iio {
	void *dl;
	__typeof__(&iio_create_local_context) create_local_context;
	__typeof__(&iio_context_destroy) context_destroy;
	__typeof__(&iio_context_find_device) context_find_device;
	__typeof__(&iio_context_get_devices_count) context_get_devices_count;
	__typeof__(&iio_context_get_device) context_get_device;
	__typeof__(&iio_device_get_id) device_get_id;
	__typeof__(&iio_device_get_name) device_get_name;
	__typeof__(&iio_device_find_channel) device_find_channel;
	__typeof__(&iio_device_get_channel) device_get_channel;
	__typeof__(&iio_device_get_channels_count) device_get_channels_count;
	__typeof__(&iio_channel_get_id) channel_get_id;
	__typeof__(&iio_channel_is_output) channel_is_output;
	__typeof__(&iio_channel_find_attr) channel_find_attr;
	__typeof__(&iio_channel_attr_read) channel_attr_read;
	__typeof__(&iio_channel_attr_read_double) channel_attr_read_double;
};

struct daemon;

/* libiio's calls, loaded on first use; NULL (and a logged error) when it cannot be. */
const struct sd_iio *sd_iio_load(struct daemon *d);
void sd_iio_unload(struct daemon *d);

#endif
