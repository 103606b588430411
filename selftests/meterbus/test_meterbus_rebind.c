// SPDX-License-Identifier: GPL-2.0
/*
 * Teardown of an M-Bus interface racing what uses it, 100 cycles each:
 * - the card's M-Bus driver unbound and bound while the simulator trips
 *   the bus supply's over-current latch and switches the card between
 *   battery and mains in a tight loop (supply events queue work in the
 *   driver);
 * - the simulator's M-Bus UART unbound and bound (the interface's parent
 *   device goes away) while unprivileged processes dump bus-get.
 * The kernel must stay clean (the test kernel reports any use after free)
 * and the interface must work afterwards.
 */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/meterbus.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "kselftest_harness.h"

#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 600

#define SIM "/sys/kernel/debug/smcard-sim"
#define MBUS_DRV "/sys/bus/serial/drivers/smcard-mbus"
#define UART_DRV "/sys/bus/platform/drivers/smcard-sim-uart"
#define UART_DEV "smcard-sim:serial-mbus"
#define CYCLES 100

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	int ret;

	if (fd < 0)
		return -1;
	ret = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
	close(fd);
	return ret;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct nl_sock *nl_open(int *family)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk || genl_connect(sk)) {
		nl_socket_free(sk);
		return NULL;
	}
	*family = genl_ctrl_resolve(sk, METERBUS_FAMILY_NAME);
	if (*family < 0) {
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

struct dump {
	int buses;
	__u32 id;
};

static int on_bus(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[METERBUS_A_BUS_MAX + 1];
	struct dump *d = arg;

	if (!genlmsg_parse(nlmsg_hdr(msg), 0, tb, METERBUS_A_BUS_MAX, NULL) &&
	    tb[METERBUS_A_BUS_ID]) {
		d->id = nla_get_u32(tb[METERBUS_A_BUS_ID]);
		d->buses++;
	}
	return NL_OK;
}

/* Send a request without attributes but @id; 0 or a negative error. */
static int request(struct nl_sock *sk, int family, int cmd, int flags,
		   const __u32 *id, bool power_on, struct dump *d)
{
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	if (!msg)
		return -ENOMEM;
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd, 1);
	if (id)
		nla_put_u32(msg, METERBUS_A_BUS_ID, *id);
	if (power_on)
		nla_put_u32(msg, METERBUS_A_BUS_POWER, 1);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_bus, d);
	ret = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (ret < 0)
		return ret;
	return nl_wait_for_ack(sk);
}

/* The interfaces: their number, and the id of the last one. */
static int bus_dump(struct nl_sock *sk, int family, struct dump *d)
{
	memset(d, 0, sizeof(*d));
	return request(sk, family, METERBUS_CMD_BUS_GET, NLM_F_DUMP, NULL,
		       false, d);
}

static int power_on(struct nl_sock *sk, int family, __u32 id)
{
	struct dump d = { };

	return request(sk, family, METERBUS_CMD_BUS_SET, NLM_F_ACK, &id, true,
		       &d);
}

/* Set by the test while the busy loops should run */
static volatile int *busy;

/*
 * Fork a child that runs @fn until killed, with scheduling @policy at
 * priority @prio, on CPU @cpu (-1: any); it dies with the test.
 */
static pid_t spawn(void (*fn)(void), int policy, int prio, int cpu)
{
	struct sched_param sp = { .sched_priority = prio };
	pid_t pid = fork();
	cpu_set_t set;

	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (cpu >= 0) {
			CPU_ZERO(&set);
			CPU_SET(cpu, &set);
			if (sched_setaffinity(0, sizeof(set), &set))
				_exit(1);
		}
		if (sched_setscheduler(0, policy, &sp))
			_exit(1);
		fn();
		_exit(0);
	}
	return pid;
}

static void stop(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/* Keep a CPU busy while *busy is set. */
static void hog(void)
{
	for (;;) {
		while (!*busy)
			usleep(200);
		while (*busy)
			;
	}
}

/* The test itself as a real-time task of priority @prio (0: ordinary). */
static int set_rt(int prio)
{
	struct sched_param sp = { .sched_priority = prio };

	return sched_setscheduler(0, prio ? SCHED_FIFO : SCHED_OTHER, &sp);
}

/* Supply faults as fast as the simulator takes them. */
static void tripper(void)
{
	for (;;) {
		write_file(SIM "/mbus_overcurrent", "1");
		write_file(SIM "/battery", "1");
		write_file(SIM "/battery", "0");
	}
}

/* Switch the supply on whenever there is an interface, so faults cut it. */
static void powerer(void)
{
	struct nl_sock *sk;
	struct dump d;
	int family;

	for (;;) {
		sk = nl_open(&family);
		if (!sk) {
			usleep(1000);
			continue;
		}
		while (!bus_dump(sk, family, &d) && d.buses)
			power_on(sk, family, d.id);
		nl_socket_free(sk);
	}
}

/*
 * Many sockets on the events group, never read: every supply fault's
 * notification takes a while to reach them all, so a fault that began
 * before the unbind may end after it.
 */
static void listeners(void)
{
	struct nl_sock *sk;
	int family, grp, i;

	for (i = 0; i < 500; i++) {
		sk = nl_open(&family);
		if (!sk)
			break;
		grp = genl_ctrl_resolve_grp(sk, METERBUS_FAMILY_NAME,
					    METERBUS_MCGRP_EVENTS);
		if (grp < 0 || nl_socket_add_membership(sk, grp))
			break;
	}
	for (;;)
		pause();
}

/* bus-get dumps as nobody, as fast as they go. */
static void dumper(void)
{
	struct nl_sock *sk;
	struct dump d;
	int family;

	if (setgid(65534) || setuid(65534))
		_exit(1);
	for (;;) {
		sk = nl_open(&family);
		if (!sk) {
			usleep(1000);
			continue;
		}
		while (!bus_dump(sk, family, &d))
			;
		nl_socket_free(sk);
	}
}

/* The serdev device (e.g. serial0-0) of the first M-Bus interface. */
static int mbus_device(char *name, size_t size)
{
	char path[PATH_MAX], link[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir("/sys/class/meterbus");
	ssize_t n = -1;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/class/meterbus/%s/device",
			 e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n > 0)
			break;
	}
	closedir(d);
	if (n <= 0)
		return -1;
	link[n] = 0;
	snprintf(name, size, "%s", strrchr(link, '/') + 1);
	return 0;
}

/*
 * @cycles unbind/bind pairs of @dev on the driver at @drv. With @hold, the
 * CPUs are busy with real-time loops while the unbind runs: the kernel's
 * ordinary workers (workqueues) run only after it, as on a loaded system,
 * so work that the driver queued during its teardown runs after the
 * teardown freed what the work uses.
 */
static int rebind(const char *drv, const char *dev, int cycles, bool hold,
		  double *secs)
{
	char unbind[PATH_MAX], bind[PATH_MAX];
	double t0 = now();
	int i, ret = 0;

	snprintf(unbind, sizeof(unbind), "%s/unbind", drv);
	snprintf(bind, sizeof(bind), "%s/bind", drv);
	for (i = 0; i < cycles && !ret; i++) {
		*busy = hold;
		ret = write_file(unbind, dev);
		*busy = 0;
		ret = ret ?: write_file(bind, dev);
	}
	*secs = now() - t0;
	return ret ? i - 1 : i;
}

/* After the storm: one interface, and its supply switches on. */
static void check_works(struct __test_metadata *_metadata)
{
	struct nl_sock *sk;
	struct dump d;
	int family;

	write_file(SIM "/battery", "0");
	sk = nl_open(&family);
	ASSERT_NE(NULL, sk);
	ASSERT_EQ(0, bus_dump(sk, family, &d));
	EXPECT_EQ(1, d.buses);
	EXPECT_EQ(0, power_on(sk, family, d.id));
	nl_socket_free(sk);
}

/*
 * The tripper outranks the busy loops, the test outranks both: faults
 * keep coming while the driver unbinds, and the unbind itself runs.
 */
TEST(faults_during_rebind)
{
	pid_t trip, pwr, lis, hogs[2];
	char dev[64];
	double secs;
	int i, n;

	if (access(SIM "/mbus_overcurrent", W_OK))
		SKIP(return, "no simulator");
	ASSERT_EQ(0, mbus_device(dev, sizeof(dev)));

	lis = spawn(listeners, SCHED_OTHER, 0, -1);
	sleep(2);
	for (i = 0; i < 2; i++)
		hogs[i] = spawn(hog, SCHED_FIFO, 1, i);
	trip = spawn(tripper, SCHED_FIFO, 30, -1);
	pwr = spawn(powerer, SCHED_OTHER, 0, -1);
	ASSERT_EQ(0, set_rt(60));
	n = rebind(MBUS_DRV, dev, CYCLES, true, &secs);
	set_rt(0);
	stop(trip);
	stop(pwr);
	for (i = 0; i < 2; i++)
		stop(hogs[i]);
	stop(lis);
	TH_LOG("%d unbind/bind cycles of %s in %.1f s under supply faults",
	       n, dev, secs);
	EXPECT_EQ(CYCLES, n);
	check_works(_metadata);
}

/*
 * Unprivileged bus-get dumps while the interface's parent goes away. The
 * dumpers run in the idle class beside ordinary busy loops: one that
 * waited for the bus's lock gets a CPU back only much later, while the
 * real-time unbinding runs on.
 */
TEST(dump_during_uart_rebind)
{
	pid_t dump[4], hogs[2];
	double secs;
	int i, n;

	if (access(UART_DRV "/" UART_DEV, F_OK))
		SKIP(return, "no simulated M-Bus UART");

	for (i = 0; i < 4; i++)
		dump[i] = spawn(dumper, SCHED_IDLE, 0, -1);
	for (i = 0; i < 2; i++)
		hogs[i] = spawn(hog, SCHED_OTHER, 0, i);
	*busy = 1;
	ASSERT_EQ(0, set_rt(60));
	n = rebind(UART_DRV, UART_DEV, CYCLES, false, &secs);
	set_rt(0);
	*busy = 0;
	for (i = 0; i < 2; i++)
		stop(hogs[i]);
	for (i = 0; i < 4; i++)
		stop(dump[i]);
	TH_LOG("%d unbind/bind cycles of the M-Bus UART in %.1f s under bus-get dumps",
	       n, secs);
	EXPECT_EQ(CYCLES, n);
	check_works(_metadata);
}

static void __attribute__((constructor)) shared_flag(void)
{
	busy = mmap(NULL, sizeof(*busy), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (busy == MAP_FAILED)
		abort();
}

TEST_HARNESS_MAIN
