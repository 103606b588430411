// SPDX-License-Identifier: GPL-2.0
/*
 * smcardd end to end on the host: a real mosquitto broker on 127.0.0.1 at
 * a free port, the modbus-meter emulator over Modbus TCP, and smcardd
 * polling it every 100 ms. The emulator's register 20 counts its reads,
 * so the readings carry 1, 2, 3 ... and any loss, repeat or reordering
 * shows. A persistent-session subscriber (clean session off, QoS 1, broker
 * persistence on) collects them across broker restarts.
 *
 * Skipped when mosquitto is not installed. Every wait is bounded.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <mosquitto.h>

/* the harness's TEST_F setjmp trips -Wclobbered at -O2 */
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"

#define MAXSEQ 4096

struct collect {
	pthread_mutex_t lock;
	long seq[MAXSEQ];
	char time[MAXSEQ][32];		/* "time" member of each reading */
	int n;
	char energy_config[2048];
	bool online;
};

static void on_msg(struct mosquitto *m, void *user, const struct mosquitto_message *msg)
{
	struct collect *c = user;
	struct json_object *j, *v;

	(void)m;
	pthread_mutex_lock(&c->lock);
	if (!strcmp(msg->topic, "smcard/test/modbus/m")) {
		j = json_tokener_parse(msg->payload);
		if (j && json_object_object_get_ex(j, "seq", &v) && c->n < MAXSEQ) {
			c->seq[c->n] = json_object_get_int64(v);
			snprintf(c->time[c->n], sizeof(c->time[0]), "%s",
				 json_object_object_get_ex(j, "time", &v) ?
				 json_object_get_string(v) : "");
			c->n++;
		}
		json_object_put(j);
	} else if (strstr(msg->topic, "modbus_m_energy/config")) {
		snprintf(c->energy_config, sizeof(c->energy_config), "%.*s",
			 msg->payloadlen, (const char *)msg->payload);
	} else if (!strcmp(msg->topic, "smcard/test/availability")) {
		c->online = msg->payloadlen == 6 && !memcmp(msg->payload, "online", 6);
	}
	pthread_mutex_unlock(&c->lock);
}

static void on_conn(struct mosquitto *m, void *user, int rc)
{
	(void)user;
	if (!rc)
		mosquitto_subscribe(m, NULL, "#", 1);
}

FIXTURE(e2e) {
	char dir[PATH_MAX];
	char bin[PATH_MAX];
	int port;
	pid_t broker, meter, daemon;
	struct mosquitto *sub;
	struct collect c;
};

static int free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	getsockname(fd, (struct sockaddr *)&sa, &len);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static pid_t spawn(const char *log, char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

		dup2(fd, 1);
		dup2(fd, 2);
		setpgid(0, 0);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static void stop_pid(pid_t *pid, int sig)
{
	if (*pid <= 0)
		return;
	kill(*pid, sig);
	waitpid(*pid, NULL, 0);
	*pid = 0;
}

static bool port_open(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	bool ok = !connect(fd, (struct sockaddr *)&sa, sizeof(sa));

	close(fd);
	return ok;
}

static void msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static bool start_broker(FIXTURE_DATA(e2e) *self)
{
	char conf[PATH_MAX + 16], log[PATH_MAX + 16];
	char *argv[] = { "mosquitto", "-c", conf, NULL };

	snprintf(conf, sizeof(conf), "%s/mosquitto.conf", self->dir);
	snprintf(log, sizeof(log), "%s/mosquitto.log", self->dir);
	self->broker = spawn(log, argv);
	for (int i = 0; i < 100; i++) {
		if (port_open(self->port))
			return true;
		msleep(50);
	}
	return false;
}

static void start_daemon(FIXTURE_DATA(e2e) *self)
{
	char exe[PATH_MAX + 16], conf[PATH_MAX + 16], log[PATH_MAX + 16];
	char *argv[] = { exe, "-f", "-c", conf, NULL };

	snprintf(exe, sizeof(exe), "%s/smcardd", self->bin);
	snprintf(conf, sizeof(conf), "%s/smcardd.conf", self->dir);
	snprintf(log, sizeof(log), "%s/smcardd.log", self->dir);
	self->daemon = spawn(log, argv);
}

static long served(FIXTURE_DATA(e2e) *self)
{
	char path[PATH_MAX + 16];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/seq", self->dir);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int received(FIXTURE_DATA(e2e) *self, long *last)
{
	int n;

	pthread_mutex_lock(&self->c.lock);
	n = self->c.n;
	*last = n ? self->c.seq[n - 1] : 0;
	pthread_mutex_unlock(&self->c.lock);
	return n;
}

/* Wait until the subscriber has seen reading @want (bounded). */
static bool wait_seq(FIXTURE_DATA(e2e) *self, long want, int timeout_ms)
{
	long last;

	for (int t = 0; t < timeout_ms; t += 50) {
		received(self, &last);
		if (last >= want)
			return true;
		msleep(50);
	}
	return false;
}

/*
 * Readings 1..n in order without gaps? QoS 1 is at least once: a reading
 * whose PUBACK was lost with the connection is published again, byte
 * identical (same "time"), and a consumer can drop it. Such repeats are
 * counted and allowed up to the in-flight window; anything else that
 * comes twice is a fault.
 */
/*
 * @lost_ok: a reading the daemon may never have had to spool (it was
 * killed between the meter's answer and the commit), or 0.
 */
static void verify(struct __test_metadata *_metadata, FIXTURE_DATA(e2e) *self,
		   long upto, long lost_ok)
{
	int dup = 0, gap = 0, order = 0, repeat = 0;
	long expect = 1;

	pthread_mutex_lock(&self->c.lock);
	for (int i = 0; i < self->c.n; i++) {
		long s = self->c.seq[i];
		int first = -1;

		for (int k = 0; k < i && first < 0; k++)
			if (self->c.seq[k] == s)
				first = k;
		if (first >= 0) {
			if (!strcmp(self->c.time[first], self->c.time[i]))
				repeat++;
			else
				dup++;
			continue;
		}
		if (s == expect) {
			expect++;
		} else if (s < expect) {
			order++;
		} else {
			gap += (int)(s - expect);
			if (s - expect == 1 && expect == lost_ok) {
				TH_LOG("reading %ld, in flight at the SIGKILL, is missing", lost_ok);
				gap--;
			}
			expect = s + 1;
		}
	}
	pthread_mutex_unlock(&self->c.lock);
	TH_LOG("received %d readings, up to %ld; %d gap(s), %d duplicate(s), %d out of order, %d QoS 1 repeat(s) of in-flight readings",
	       self->c.n, expect - 1, gap, dup, order, repeat);
	EXPECT_GE(expect - 1, upto);
	EXPECT_EQ(0, gap);
	EXPECT_EQ(0, order);
	EXPECT_EQ(0, dup);
	EXPECT_LE(repeat, 20);		/* [mqtt] max_inflight */
}

FIXTURE_SETUP(e2e)
{
	char path[PATH_MAX + 32], portfile[PATH_MAX + 16], seqfile[PATH_MAX + 16];
	char exe[PATH_MAX + 16], log[PATH_MAX + 16], mport[16];
	char *margv[] = { exe, "--tcp", "0", "--port-file", portfile, "--seq-file",
			  seqfile, "--quiet", NULL };
	FILE *f;
	ssize_t n;
	int port = -1;

	memset(&self->c, 0, sizeof(self->c));
	pthread_mutex_init(&self->c.lock, NULL);
	if (system("command -v mosquitto >/dev/null 2>&1"))
		SKIP(return, "mosquitto is not installed");
	n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	ASSERT_GT(n, 0);
	path[n] = 0;
	snprintf(self->bin, sizeof(self->bin), "%s/../bin", dirname(path));
	snprintf(self->dir, sizeof(self->dir), "/tmp/smcardd-e2e-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	self->port = free_port();

	snprintf(path, sizeof(path), "%s/mosquitto.conf", self->dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	/* as root mosquitto would drop to its own user, who cannot write here */
	fprintf(f, "listener %d 127.0.0.1\nallow_anonymous true\npersistence true\n"
		"persistence_location %s/\nautosave_interval 1\nuser %s\n", self->port,
		self->dir, getpwuid(getuid()) ? getpwuid(getuid())->pw_name : "root");
	fclose(f);
	ASSERT_TRUE(start_broker(self));

	snprintf(exe, sizeof(exe), "%s/modbus-meter", self->bin);
	snprintf(portfile, sizeof(portfile), "%s/mport", self->dir);
	snprintf(seqfile, sizeof(seqfile), "%s/seq", self->dir);
	snprintf(log, sizeof(log), "%s/meter.log", self->dir);
	self->meter = spawn(log, margv);
	for (int i = 0; i < 100 && port <= 0; i++) {
		f = fopen(portfile, "r");
		if (f) {
			if (fscanf(f, "%d", &port) != 1)
				port = -1;
			fclose(f);
		}
		if (port <= 0)
			msleep(50);
	}
	ASSERT_GT(port, 0);
	snprintf(mport, sizeof(mport), "%d", port);

	snprintf(path, sizeof(path), "%s/smcardd.conf", self->dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "[general]\nname = test\nlog_level = debug\n"
		"[mqtt]\nhost = 127.0.0.1\nport = %d\nkeepalive = 5\n"
		"[spool]\npath = %s/spool.db\n"
		"[jsonl]\npath = %s/readings.jsonl\n"
		"[modbus.meter m]\ntransport = tcp\nhost = 127.0.0.1\nport = %s\n"
		"interval = 100ms\ntimeout_ms = 500\n"
		"register = seq input 20 uint32\n"
		"register = power input 4 float32 unit=W\n"
		"register = energy input 8 float32 unit=kWh\n",
		self->port, self->dir, self->dir, mport);
	fclose(f);

	mosquitto_lib_init();
	self->sub = mosquitto_new("e2e-subscriber", false, &self->c);
	ASSERT_NE(NULL, self->sub);
	mosquitto_message_callback_set(self->sub, on_msg);
	mosquitto_connect_callback_set(self->sub, on_conn);
	mosquitto_reconnect_delay_set(self->sub, 1, 1, false);
	ASSERT_EQ(MOSQ_ERR_SUCCESS, mosquitto_connect(self->sub, "127.0.0.1", self->port, 5));
	ASSERT_EQ(MOSQ_ERR_SUCCESS, mosquitto_loop_start(self->sub));
	msleep(300);
	start_daemon(self);
}

FIXTURE_TEARDOWN(e2e)
{
	char cmd[PATH_MAX + 64];

	stop_pid(&self->daemon, SIGTERM);
	if (self->sub) {
		mosquitto_disconnect(self->sub);
		mosquitto_loop_stop(self->sub, true);
		mosquitto_destroy(self->sub);
		mosquitto_lib_cleanup();
	}
	stop_pid(&self->meter, SIGTERM);
	stop_pid(&self->broker, SIGTERM);
	if (self->dir[0] && !getenv("SMCARDD_E2E_KEEP")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
		system(cmd);
	}
}

TEST_F_TIMEOUT(e2e, readings_and_discovery, 60)
{
	struct json_object *j, *v;

	ASSERT_TRUE(wait_seq(self, 10, 10000));
	verify(_metadata, self, 10, 0);
	pthread_mutex_lock(&self->c.lock);
	j = json_tokener_parse(self->c.energy_config);
	EXPECT_TRUE(self->c.online);
	pthread_mutex_unlock(&self->c.lock);
	ASSERT_NE(NULL, j);
	ASSERT_TRUE(json_object_object_get_ex(j, "device_class", &v));
	EXPECT_STREQ("energy", json_object_get_string(v));
	ASSERT_TRUE(json_object_object_get_ex(j, "state_class", &v));
	EXPECT_STREQ("total_increasing", json_object_get_string(v));
	ASSERT_TRUE(json_object_object_get_ex(j, "unit_of_measurement", &v));
	EXPECT_STREQ("kWh", json_object_get_string(v));
	ASSERT_TRUE(json_object_object_get_ex(j, "state_topic", &v));
	EXPECT_STREQ("smcard/test/modbus/m", json_object_get_string(v));
	json_object_put(j);
}

TEST_F_TIMEOUT(e2e, broker_restart, 90)
{
	long mark;

	ASSERT_TRUE(wait_seq(self, 5, 10000));
	stop_pid(&self->broker, SIGTERM);
	msleep(3000);			/* ~30 readings go to the spool */
	mark = served(self);
	TH_LOG("broker away; meter served %ld readings so far", mark);
	ASSERT_TRUE(start_broker(self));
	ASSERT_TRUE(wait_seq(self, mark + 5, 30000));
	verify(_metadata, self, mark + 5, 0);
}

TEST_F_TIMEOUT(e2e, sigkill_replays_spool, 90)
{
	long mark;

	ASSERT_TRUE(wait_seq(self, 5, 10000));
	stop_pid(&self->broker, SIGTERM);
	msleep(2000);
	stop_pid(&self->daemon, SIGKILL);	/* readings stranded in the spool */
	mark = served(self);
	TH_LOG("daemon killed with %ld readings served", mark);
	ASSERT_TRUE(start_broker(self));
	start_daemon(self);
	ASSERT_TRUE(wait_seq(self, mark + 5, 30000));
	verify(_metadata, self, mark + 5, mark);
}

TEST_HARNESS_MAIN
