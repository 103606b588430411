// SPDX-License-Identifier: GPL-2.0
/* The P1 port's line settings, shared by smcardctl and smcardd. */
#include <errno.h>
#include <termios.h>

#include "p1.h"

int p1_tty_setup(int fd, bool dsmr22)
{
	struct termios tio;

	if (tcgetattr(fd, &tio))
		return errno == ENOTTY || errno == EINVAL ? 0 : -errno;
	cfmakeraw(&tio);
	tio.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
	tio.c_cflag |= CLOCAL | CREAD;
	if (dsmr22) {
		tio.c_cflag |= CS7 | PARENB;
		tio.c_iflag |= INPCK | ISTRIP;
	} else {
		tio.c_cflag |= CS8;
	}
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	cfsetispeed(&tio, dsmr22 ? B9600 : B115200);
	cfsetospeed(&tio, dsmr22 ? B9600 : B115200);
	if (tcsetattr(fd, TCSANOW, &tio))
		return -errno;
	tcflush(fd, TCIFLUSH);
	return 0;
}
