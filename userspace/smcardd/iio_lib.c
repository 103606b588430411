// SPDX-License-Identifier: GPL-2.0
/* libiio through dlopen() (see iio_lib.h). */
#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

#include "daemon.h"

#define SYM(field, name)	{ #name, offsetof(struct sd_iio, field) }

static const struct {
	const char *name;
	size_t off;
} syms[] = {
	SYM(create_local_context, iio_create_local_context),
	SYM(context_destroy, iio_context_destroy),
	SYM(context_find_device, iio_context_find_device),
	SYM(context_get_devices_count, iio_context_get_devices_count),
	SYM(context_get_device, iio_context_get_device),
	SYM(device_get_id, iio_device_get_id),
	SYM(device_get_name, iio_device_get_name),
	SYM(device_find_channel, iio_device_find_channel),
	SYM(device_get_channel, iio_device_get_channel),
	SYM(device_get_channels_count, iio_device_get_channels_count),
	SYM(channel_get_id, iio_channel_get_id),
	SYM(channel_is_output, iio_channel_is_output),
	SYM(channel_find_attr, iio_channel_find_attr),
	SYM(channel_attr_read, iio_channel_attr_read),
	SYM(channel_attr_read_double, iio_channel_attr_read_double),
};

const struct sd_iio *sd_iio_load(struct daemon *d)
{
	struct sd_iio *l = &d->iio;
	void *dl;

	if (l->dl)
		return l;
	dl = dlopen(SD_IIO_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		sd_log(d, SD_LOG_ERR, "analog inputs need libiio: %s", dlerror());
		return NULL;
	}
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		void *f = dlsym(dl, syms[i].name);

		if (!f) {
			sd_log(d, SD_LOG_ERR, "%s has no %s", SD_IIO_SONAME, syms[i].name);
			dlclose(dl);
			memset(l, 0, sizeof(*l));
			return NULL;
		}
		memcpy((char *)l + syms[i].off, &f, sizeof(f));
	}
	l->dl = dl;
	return l;
}

void sd_iio_unload(struct daemon *d)
{
	if (d->iio.dl)
		dlclose(d->iio.dl);
	memset(&d->iio, 0, sizeof(d->iio));
}
