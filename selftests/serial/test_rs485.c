// SPDX-License-Identifier: GPL-2.0
/*
 * TIOCSRS485 / TIOCGRS485 on the card's serial tty and the transceiver's
 * sysfs knobs are two views of one state. Setting the RS485 flags with
 * the ioctl switches the transceiver (seen in the simulator and in
 * serial_mode / rs485_termination); writing the knobs changes what
 * TIOCGRS485 reports, whether the tty is open or not. The documented
 * mapping: rs232 = 0, rs422 = ENABLED | MODE_RS422, rs485-half = ENABLED,
 * rs485-full = ENABLED | RX_DURING_TX; termination = TERMINATE_BUS.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <linux/serial.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define SIM		"/sys/kernel/debug/smcard-sim"
#define MODE_FLAGS	(SER_RS485_ENABLED | SER_RS485_MODE_RS422 | \
			 SER_RS485_RX_DURING_TX)

static const struct {
	const char *name;
	__u32 flags;
} modes[] = {
	{ "rs232", 0 },
	{ "rs422", SER_RS485_ENABLED | SER_RS485_MODE_RS422 },
	{ "rs485-half", SER_RS485_ENABLED },
	{ "rs485-full", SER_RS485_ENABLED | SER_RS485_RX_DURING_TX },
};

static int read_str(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fgets(buf, len, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int write_str(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs(val, f) < 0;
	ret |= fclose(f) != 0;
	return ret ? -1 : 0;
}

/* The smcard-serial device directory and the tty of its UART */
static int find_port(char *knobs, size_t klen, char *tty, size_t tlen)
{
	char uart[PATH_MAX], path[PATH_MAX], real[PATH_MAX];
	struct dirent *de;
	glob_t g;
	DIR *d;
	int ret = -1;

	if (glob("/sys/bus/platform/devices/smcard-serial.*", 0, NULL, &g))
		return -1;
	snprintf(knobs, klen, "%s", g.gl_pathv[0]);
	globfree(&g);
	snprintf(path, sizeof(path), "%s/uart", knobs);
	if (!realpath(path, uart))
		return -1;
	d = opendir("/sys/class/tty");
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		snprintf(path, sizeof(path), "/sys/class/tty/%s", de->d_name);
		if (!realpath(path, real) ||
		    strncmp(real, uart, strlen(uart)) || real[strlen(uart)] != '/')
			continue;
		snprintf(tty, tlen, "/dev/%s", de->d_name);
		ret = 0;
		break;
	}
	closedir(d);
	return ret;
}

/* The transceiver as the simulated controller has it: "MODE TERM" */
static void sim_state(char *buf, size_t len)
{
	char mode[32] = "?", term[8] = "?";

	read_str(SIM "/serial_mode", mode, sizeof(mode));
	read_str(SIM "/rs485_termination", term, sizeof(term));
	snprintf(buf, len, "%s %s", mode, term);
}

static void knob_state(const char *knobs, char *buf, size_t len)
{
	char path[PATH_MAX], mode[32] = "?", term[8] = "?";

	snprintf(path, sizeof(path), "%s/serial_mode", knobs);
	read_str(path, mode, sizeof(mode));
	snprintf(path, sizeof(path), "%s/rs485_termination", knobs);
	read_str(path, term, sizeof(term));
	snprintf(buf, len, "%s %s", mode, term);
}

/*
 * The UART's driver passes the mode on from a work after TIOCSRS485
 * returns: wait up to 5 s for the controller and the knobs to agree.
 */
static int wait_state(const char *knobs, const char *want, char *sim,
		      char *knob, size_t len)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	int i;

	for (i = 0; i < 250; i++) {
		sim_state(sim, len);
		knob_state(knobs, knob, len);
		if (!strcmp(sim, want) && !strcmp(knob, want))
			return 0;
		nanosleep(&pause, NULL);
	}
	return -1;
}

static int set_knobs(const char *knobs, const char *mode, int term)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/serial_mode", knobs);
	if (write_str(path, mode))
		return -1;
	snprintf(path, sizeof(path), "%s/rs485_termination", knobs);
	return write_str(path, term ? "1" : "0");
}

FIXTURE(rs485) {
	char knobs[PATH_MAX];
	char tty[PATH_MAX];
	int fd;
};

FIXTURE_SETUP(rs485)
{
	ASSERT_EQ(0, find_port(self->knobs, sizeof(self->knobs), self->tty,
			       sizeof(self->tty)))
		TH_LOG("no smcard-serial device with a tty behind its uart link");
	/* from a known state: an earlier user may have left RS485 on */
	set_knobs(self->knobs, "rs232", 0);
	self->fd = open(self->tty, O_RDWR | O_NOCTTY | O_NONBLOCK);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", self->tty, strerror(errno));
}

FIXTURE_TEARDOWN(rs485)
{
	struct serial_rs485 rs = { };

	ioctl(self->fd, TIOCSRS485, &rs);
	close(self->fd);
	set_knobs(self->knobs, "rs232", 0);
}

/* TIOCSRS485 switches the transceiver; TIOCGRS485 reports what was set */
TEST_F(rs485, ioctl_drives_transceiver)
{
	char want[64], sim[64], knob[64];
	struct serial_rs485 rs;
	unsigned int m;
	int term;

	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		for (term = 0; term <= 1; term++) {
			/* RS232: the serial core clears every flag */
			if (!modes[m].flags && term)
				continue;
			memset(&rs, 0, sizeof(rs));
			rs.flags = modes[m].flags;
			if (term)
				rs.flags |= SER_RS485_TERMINATE_BUS;
			ASSERT_EQ(0, ioctl(self->fd, TIOCSRS485, &rs))
				TH_LOG("TIOCSRS485 %s: %s", modes[m].name,
				       strerror(errno));
			memset(&rs, 0, sizeof(rs));
			ASSERT_EQ(0, ioctl(self->fd, TIOCGRS485, &rs));
			EXPECT_EQ(modes[m].flags, rs.flags & MODE_FLAGS);
			EXPECT_EQ(term ? SER_RS485_TERMINATE_BUS : 0,
				  rs.flags & SER_RS485_TERMINATE_BUS);
			snprintf(want, sizeof(want), "%s %d", modes[m].name,
				 term);
			EXPECT_EQ(0, wait_state(self->knobs, want, sim, knob,
						sizeof(sim)))
				TH_LOG("TIOCSRS485 %s term %d: controller '%s', knobs '%s'",
				       modes[m].name, term, sim, knob);
		}
	}
}

/* Back to RS232 from every mode: the transceiver follows */
TEST_F(rs485, ioctl_rs232_after_each_mode)
{
	char sim[64], knob[64];
	struct serial_rs485 rs;
	unsigned int m;

	for (m = 1; m < ARRAY_SIZE(modes); m++) {
		memset(&rs, 0, sizeof(rs));
		rs.flags = modes[m].flags;
		ASSERT_EQ(0, ioctl(self->fd, TIOCSRS485, &rs));
		memset(&rs, 0, sizeof(rs));
		ASSERT_EQ(0, ioctl(self->fd, TIOCSRS485, &rs));
		sim_state(sim, sizeof(sim));
		EXPECT_EQ(0, wait_state(self->knobs, "rs232 0", sim, knob,
					sizeof(sim)))
			TH_LOG("from %s: controller '%s', knobs '%s'",
			       modes[m].name, sim, knob);
	}
}

/* The knobs change what TIOCGRS485 reports, at once */
TEST_F(rs485, knobs_show_in_ioctl)
{
	char sim[64];
	struct serial_rs485 rs;
	unsigned int m;
	__u32 want;
	int term;

	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		for (term = 0; term <= 1; term++) {
			ASSERT_EQ(0, set_knobs(self->knobs, modes[m].name, term));
			memset(&rs, 0, sizeof(rs));
			ASSERT_EQ(0, ioctl(self->fd, TIOCGRS485, &rs));
			want = modes[m].flags;
			/* RS485 off: TIOCGRS485 has no flags at all */
			if (want && term)
				want |= SER_RS485_TERMINATE_BUS;
			EXPECT_EQ(want, rs.flags & (MODE_FLAGS |
						    SER_RS485_TERMINATE_BUS))
				TH_LOG("knobs %s %d: TIOCGRS485 flags 0x%x",
				       modes[m].name, term, rs.flags);
			/* RTS drives the bus in RS485 (not RS422) */
			if (want & ~SER_RS485_TERMINATE_BUS &&
			    !(want & SER_RS485_MODE_RS422))
				EXPECT_NE(0, rs.flags & (SER_RS485_RTS_ON_SEND |
							 SER_RS485_RTS_AFTER_SEND));
			sim_state(sim, sizeof(sim));
			EXPECT_EQ(0, strncmp(sim, modes[m].name,
					     strlen(modes[m].name)))
				TH_LOG("knobs %s: controller '%s'",
				       modes[m].name, sim);
		}
	}
}

/* A knob written while nobody has the tty open shows at the next open */
TEST_F(rs485, knobs_while_closed)
{
	struct serial_rs485 rs = { };
	int fd;

	close(self->fd);
	ASSERT_EQ(0, set_knobs(self->knobs, "rs485-full", 1));
	fd = open(self->tty, O_RDWR | O_NOCTTY | O_NONBLOCK);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, TIOCGRS485, &rs));
	EXPECT_EQ(SER_RS485_ENABLED | SER_RS485_RX_DURING_TX |
		  SER_RS485_TERMINATE_BUS,
		  rs.flags & (MODE_FLAGS | SER_RS485_TERMINATE_BUS));
	self->fd = fd;
}

/*
 * What libmodbus does for RS485: read the settings, add ENABLED, set them.
 * Modes and termination chosen with the knobs must survive it.
 */
TEST_F(rs485, read_modify_write_keeps_knobs)
{
	char sim[64], knob[64];
	struct serial_rs485 rs = { };

	ASSERT_EQ(0, set_knobs(self->knobs, "rs485-full", 1));
	ASSERT_EQ(0, ioctl(self->fd, TIOCGRS485, &rs));
	rs.flags |= SER_RS485_ENABLED;
	ASSERT_EQ(0, ioctl(self->fd, TIOCSRS485, &rs));
	usleep(100000);
	EXPECT_EQ(0, wait_state(self->knobs, "rs485-full 1", sim, knob,
				sizeof(sim)))
		TH_LOG("controller '%s', knobs '%s'", sim, knob);
}

TEST_HARNESS_MAIN
