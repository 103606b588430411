// SPDX-License-Identifier: GPL-2.0
/* The meter's P1 output: a tty (115200 8N1), any character device or file. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "emu.h"

int port_open(const char *path)
{
	struct termios tio;
	int fd;

	if (!strcmp(path, "-"))
		return dup(STDOUT_FILENO);
	fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (tcgetattr(fd, &tio) == 0) {
		cfmakeraw(&tio);
		tio.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | CSTOPB | CRTSCTS);
		tio.c_cflag |= CS8 | CLOCAL | CREAD;
		cfsetispeed(&tio, B115200);
		cfsetospeed(&tio, B115200);
		if (tcsetattr(fd, TCSANOW, &tio)) {
			int err = -errno;

			close(fd);
			return err;
		}
	}
	return fd;
}

int port_write(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
