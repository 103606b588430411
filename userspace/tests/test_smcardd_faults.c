// SPDX-License-Identifier: GPL-2.0
/*
 * smcardd under faults, on the host with a real mosquitto broker and the
 * modbus-meter emulator over Modbus TCP (polled every 50 ms: 20 readings
 * a second):
 *
 *   - the broker stopped while readings are in flight (SIGSTOP, so that
 *     the window fills) and then killed with SIGKILL, many times;
 *   - the daemon killed with SIGKILL at random moments, many times;
 *   - the broker flapping (SIGKILL or SIGTERM, back after 0.5-2 s);
 *   - the spool at its cap while the broker is away;
 *   - SIGHUP that adds a Modbus meter that never answers: the running
 *     meter keeps its rate and loses no reading;
 *   - systemd's notification protocol (READY, WATCHDOG, RELOADING,
 *     STOPPING) and --check-config's error lines.
 *
 * "Produced" is every reading in the JSON lines file (written after the
 * reading is committed to the spool); "delivered" is what a persistent
 * QoS 1 subscriber got. Every produced reading must be delivered; a
 * reading that arrives twice carries the same id (counted, allowed); a
 * delivered reading missing from the file can only be one committed just
 * before a SIGKILL (at most one per kill).
 *
 * mosquitto sends its PUBACK before it saves the message: killed with
 * SIGKILL, it loses what it acknowledged since its last save (with the
 * default autosave_interval, up to 30 minutes of it; seen here with 1 s).
 * The broker here saves after every change (autosave_on_changes), and
 * the daemon logs the id of every reading the broker acknowledged: a
 * missing reading with such a line is the broker's loss (a figure), any
 * other is the daemon's (must be 0).
 *
 * SMCARDD_FAULT_SCALE (default 1) multiplies the rounds, kills and the
 * flapping time: selftests/e2e/stress_daemon.sh runs it at 10 with figure
 * lines. Skipped when mosquitto is not installed. Every wait is bounded.
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
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <mosquitto.h>
#include <sqlite3.h>

#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"

#define MAXMSG 200000

struct got {
	pthread_mutex_t lock;
	int64_t *id;			/* ids as they arrived */
	int n;
	int64_t last_ms;		/* when the last reading arrived */
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int scale(void)
{
	const char *s = getenv("SMCARDD_FAULT_SCALE");

	return s && atoi(s) > 0 ? atoi(s) : 1;
}

static void figure(const char *what, const char *value, const char *limit)
{
	printf("# figure: daemon faults | %s | %s | %s\n", what, value, limit);
	fflush(stdout);
}

static void on_msg(struct mosquitto *m, void *user, const struct mosquitto_message *msg)
{
	struct got *g = user;
	struct json_object *j, *v;

	(void)m;
	if (!strstr(msg->topic, "/modbus/"))
		return;
	j = json_tokener_parse(msg->payload);
	pthread_mutex_lock(&g->lock);
	if (j && json_object_object_get_ex(j, "id", &v) && g->n < MAXMSG) {
		g->id[g->n++] = json_object_get_int64(v);
		g->last_ms = now_ms();
	}
	pthread_mutex_unlock(&g->lock);
	json_object_put(j);
}

static void on_conn(struct mosquitto *m, void *user, int rc)
{
	(void)user;
	if (!rc)
		mosquitto_subscribe(m, NULL, "smcard/#", 1);
}

FIXTURE(faults) {
	char dir[PATH_MAX];
	char bin[PATH_MAX];
	int port, mport, silent_fd, silent_port;
	pid_t broker, meter, daemon;
	struct mosquitto *sub;
	struct got g;
	char extra[1024];		/* more config lines */
	char spool_extra[256];		/* more [spool] lines */
	char notify[108];		/* NOTIFY_SOCKET for the daemon, or empty */
};

static int listen_any(int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 16) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

static int free_port(void)
{
	int port = -1, fd = listen_any(&port);

	if (fd >= 0)
		close(fd);
	return port;
}

static pid_t spawn(const char *log, char *const argv[], const char *notify)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		char wpid[32];

		dup2(fd, 1);
		dup2(fd, 2);
		setpgid(0, 0);
		if (notify && *notify) {
			snprintf(wpid, sizeof(wpid), "%d", getpid());
			setenv("NOTIFY_SOCKET", notify, 1);
			setenv("WATCHDOG_USEC", "400000", 1);
			setenv("WATCHDOG_PID", wpid, 1);
		}
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

static bool start_broker(FIXTURE_DATA(faults) *self)
{
	char conf[PATH_MAX + 16], log[PATH_MAX + 16];
	char *argv[] = { "mosquitto", "-c", conf, NULL };

	snprintf(conf, sizeof(conf), "%s/mosquitto.conf", self->dir);
	snprintf(log, sizeof(log), "%s/mosquitto.log", self->dir);
	self->broker = spawn(log, argv, NULL);
	for (int i = 0; i < 200; i++) {
		if (port_open(self->port))
			return true;
		msleep(25);
	}
	return false;
}

static void write_config(FIXTURE_DATA(faults) *self)
{
	char path[PATH_MAX + 32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/smcardd.conf", self->dir);
	f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "[general]\nname = t\nlog_level = debug\n"
		"[mqtt]\nhost = 127.0.0.1\nport = %d\nkeepalive = 5\ndiscovery = no\n"
		"[spool]\npath = %s/spool.db\n%s"
		"[jsonl]\npath = %s/readings.jsonl\n"
		"[modbus.meter m]\ntransport = tcp\nhost = 127.0.0.1\nport = %d\n"
		"interval = 50ms\ntimeout_ms = 500\n"
		"register = seq input 20 uint32\n"
		"register = power input 4 float32 unit=W\n"
		"register = energy input 8 float32 unit=kWh\n%s",
		self->port, self->dir, self->spool_extra, self->dir, self->mport, self->extra);
	fclose(f);
}

static void start_daemon(FIXTURE_DATA(faults) *self)
{
	char exe[PATH_MAX + 16], conf[PATH_MAX + 16], log[PATH_MAX + 16];
	char *argv[] = { exe, "-f", "-c", conf, NULL };

	snprintf(exe, sizeof(exe), "%s/smcardd", self->bin);
	snprintf(conf, sizeof(conf), "%s/smcardd.conf", self->dir);
	snprintf(log, sizeof(log), "%s/smcardd.log", self->dir);
	self->daemon = spawn(log, argv, self->notify);
}

/* Ids of the readings in the JSON lines file: what the daemon produced. */
static int produced(FIXTURE_DATA(faults) *self, int64_t **out)
{
	char path[PATH_MAX + 32], line[1024];
	int n = 0, cap = 1024;
	int64_t *ids = malloc(cap * sizeof(*ids));
	FILE *f;

	snprintf(path, sizeof(path), "%s/readings.jsonl", self->dir);
	f = fopen(path, "r");
	while (f && ids && fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, "\"id\":");

		if (!p || !strstr(line, "/modbus/") || !strchr(line, '\n'))
			continue;	/* a line cut by a SIGKILL is no reading */
		if (n == cap) {
			int64_t *x = realloc(ids, (cap *= 2) * sizeof(*ids));

			if (!x)
				break;
			ids = x;
		}
		ids[n++] = atoll(p + 5);
	}
	if (f)
		fclose(f);
	*out = ids;
	return n;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

struct tally {
	int produced, delivered, missing, extra, dups, disorder;
	int broker_lost;	/* missing, but the broker had acknowledged it */
};

/* Ids the daemon logged as acknowledged by the broker (PUBACK), sorted. */
static int acknowledged(FIXTURE_DATA(faults) *self, int64_t **out)
{
	char path[PATH_MAX + 32], line[1024];
	int n = 0, cap = 1024;
	int64_t *ids = malloc(cap * sizeof(*ids));
	FILE *f;

	snprintf(path, sizeof(path), "%s/smcardd.log", self->dir);
	f = fopen(path, "r");
	while (f && ids && fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, "mqtt: reading ");

		if (!p || !strstr(line, " acknowledged (mid "))
			continue;
		if (n == cap) {
			int64_t *x = realloc(ids, (cap *= 2) * sizeof(*ids));

			if (!x)
				break;
			ids = x;
		}
		ids[n++] = atoll(p + 14);
	}
	if (f)
		fclose(f);
	qsort(ids, n, sizeof(*ids), cmp64);
	*out = ids;
	return n;
}

/* Compare what was produced with what arrived (both sorted copies). */
static void tally(FIXTURE_DATA(faults) *self, struct tally *t)
{
	int64_t *p, *d, *a, last = 0;
	int np, nd, na, i, j, k;

	memset(t, 0, sizeof(*t));
	np = produced(self, &p);
	pthread_mutex_lock(&self->g.lock);
	nd = self->g.n;
	d = malloc((nd ? nd : 1) * sizeof(*d));
	memcpy(d, self->g.id, nd * sizeof(*d));
	pthread_mutex_unlock(&self->g.lock);
	/* first arrivals in id order; a repeat is a QoS 1 resend */
	for (i = 0; i < nd; i++) {
		bool seen = false;

		for (j = i - 1; j >= 0 && j >= i - 200 && !seen; j--)
			seen = d[j] == d[i];
		if (!seen && d[i] < last)
			t->disorder++;
		if (!seen && d[i] > last)
			last = d[i];
	}
	qsort(p, np, sizeof(*p), cmp64);
	qsort(d, nd, sizeof(*d), cmp64);
	for (i = 1; i < nd; i++)
		t->dups += d[i] == d[i - 1];
	t->produced = np;
	t->delivered = nd - t->dups;
	na = acknowledged(self, &a);
	for (i = 0, j = 0, k = 0; i < np; i++) {
		while (j < nd && d[j] < p[i])
			j++;
		if (j < nd && d[j] == p[i])
			continue;
		t->missing++;
		while (k < na && a[k] < p[i])
			k++;
		t->broker_lost += k < na && a[k] == p[i];
	}
	t->extra = t->delivered - (np - t->missing);
	free(p);
	free(d);
	free(a);
}

/*
 * Until everything produced so far has arrived, or all that is missing is
 * what the broker acknowledged and nothing came for 5 s (bounded).
 */
static void settle(FIXTURE_DATA(faults) *self, struct tally *t, int timeout_ms)
{
	for (int w = 0; w < timeout_ms; w += 250) {
		int64_t quiet;

		tally(self, t);
		pthread_mutex_lock(&self->g.lock);
		quiet = now_ms() - self->g.last_ms;
		pthread_mutex_unlock(&self->g.lock);
		if (!t->missing || (t->missing == t->broker_lost && quiet > 5000))
			return;
		msleep(250);
	}
}

static int count_in_log(FIXTURE_DATA(faults) *self, const char *what)
{
	char path[PATH_MAX + 32], line[2048];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/smcardd.log", self->dir);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, what) != NULL;
	if (f)
		fclose(f);
	return n;
}

static int received(FIXTURE_DATA(faults) *self)
{
	int n;

	pthread_mutex_lock(&self->g.lock);
	n = self->g.n;
	pthread_mutex_unlock(&self->g.lock);
	return n;
}

/* Until @n more readings arrived after @since; returns the ms it took or -1. */
static long wait_more(FIXTURE_DATA(faults) *self, int since, int n, int timeout_ms)
{
	int64_t t0 = now_ms();

	while (now_ms() - t0 < timeout_ms) {
		if (received(self) >= since + n)
			return (long)(now_ms() - t0);
		msleep(20);
	}
	return -1;
}

FIXTURE_SETUP(faults)
{
	char path[PATH_MAX + 32], portfile[PATH_MAX + 16], log[PATH_MAX + 16];
	char exe[PATH_MAX + 16];
	char *margv[] = { exe, "--tcp", "0", "--port-file", portfile, "--quiet", NULL };
	FILE *f;
	ssize_t n;

	memset(&self->g, 0, sizeof(self->g));
	pthread_mutex_init(&self->g.lock, NULL);
	self->g.id = calloc(MAXMSG, sizeof(*self->g.id));
	self->silent_fd = -1;
	srand((unsigned int)getpid());
	if (system("command -v mosquitto >/dev/null 2>&1"))
		SKIP(return, "mosquitto is not installed");
	n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	ASSERT_GT(n, 0);
	path[n] = 0;
	snprintf(self->bin, sizeof(self->bin), "%s/../bin", dirname(path));
	snprintf(self->dir, sizeof(self->dir), "/tmp/smcardd-faults-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	self->port = free_port();
	snprintf(path, sizeof(path), "%s/mosquitto.conf", self->dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "listener %d 127.0.0.1\nallow_anonymous true\npersistence true\n"
		"persistence_location %s/\nautosave_on_changes true\nautosave_interval 1\n"
		"user %s\n", self->port, self->dir, getpwuid(getuid()) ? getpwuid(getuid())->pw_name : "root");
	fclose(f);
	ASSERT_TRUE(start_broker(self));

	snprintf(exe, sizeof(exe), "%s/modbus-meter", self->bin);
	snprintf(portfile, sizeof(portfile), "%s/mport", self->dir);
	snprintf(log, sizeof(log), "%s/meter.log", self->dir);
	self->meter = spawn(log, margv, NULL);
	for (int i = 0; i < 200 && self->mport <= 0; i++) {
		f = fopen(portfile, "r");
		if (f) {
			if (fscanf(f, "%d", &self->mport) != 1)
				self->mport = 0;
			fclose(f);
		}
		if (self->mport <= 0)
			msleep(25);
	}
	ASSERT_GT(self->mport, 0);

	mosquitto_lib_init();
	self->sub = mosquitto_new("faults-subscriber", false, &self->g);
	ASSERT_NE(NULL, self->sub);
	mosquitto_message_callback_set(self->sub, on_msg);
	mosquitto_connect_callback_set(self->sub, on_conn);
	mosquitto_reconnect_delay_set(self->sub, 1, 1, false);
	mosquitto_max_inflight_messages_set(self->sub, 0);
	ASSERT_EQ(MOSQ_ERR_SUCCESS, mosquitto_connect(self->sub, "127.0.0.1", self->port, 5));
	ASSERT_EQ(MOSQ_ERR_SUCCESS, mosquitto_loop_start(self->sub));
	msleep(300);
}

FIXTURE_TEARDOWN(faults)
{
	char cmd[PATH_MAX + 64];

	stop_pid(&self->daemon, SIGTERM);
	if (self->sub) {
		mosquitto_disconnect(self->sub);
		mosquitto_loop_stop(self->sub, true);
		mosquitto_destroy(self->sub);
		mosquitto_lib_cleanup();
	}
	if (self->broker > 0)
		kill(self->broker, SIGCONT);
	stop_pid(&self->meter, SIGTERM);
	stop_pid(&self->broker, SIGTERM);
	if (self->silent_fd >= 0)
		close(self->silent_fd);
	free(self->g.id);
	if (self->dir[0] && !getenv("SMCARDD_E2E_KEEP")) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
		system(cmd);
	}
}

static void report(struct __test_metadata *_metadata, const char *name,
		   const struct tally *t, int faults)
{
	char v[64];

	TH_LOG("%s: produced %d, delivered %d, missing %d (%d of them acknowledged by the broker), delivered without a line %d (at most %d), duplicates %d, out of order %d",
	       name, t->produced, t->delivered, t->missing, t->broker_lost, t->extra, faults,
	       t->dups, t->disorder);
	snprintf(v, sizeof(v), "%d / %d", t->produced, t->delivered);
	figure(name, v, "produced = delivered");
	snprintf(v, sizeof(v), "%d", t->dups);
	figure(name, v, "duplicates (same id, dropped by id)");
	snprintf(v, sizeof(v), "%d", t->broker_lost);
	figure(name, v, "lost by the broker after its PUBACK (its persistence)");
}

/*
 * The broker stops answering while the window is full, then dies: the
 * readings in flight were never acknowledged and must be sent again after
 * the reconnect.
 */
TEST_F_TIMEOUT(faults, broker_sigkill_in_flight, 600)
{
	int rounds = 5 * scale(), resent;
	long rec, worst = 0;
	struct tally t;
	char v[64];

	write_config(self);
	start_daemon(self);
	ASSERT_LE(0, wait_more(self, 0, 20, 20000));
	for (int r = 0; r < rounds; r++) {
		int mark;

		msleep(500 + rand() % 1000);
		kill(self->broker, SIGSTOP);
		msleep(300 + rand() % 300);
		stop_pid(&self->broker, SIGKILL);
		msleep(rand() % 1500);
		mark = received(self);
		ASSERT_TRUE(start_broker(self));
		rec = wait_more(self, mark, 1, 60000);
		ASSERT_LE(0, rec);
		worst = rec > worst ? rec : worst;
	}
	msleep(1000);
	settle(self, &t, 60000);
	resent = count_in_log(self, "sent again");
	report(_metadata, "broker SIGKILL in flight", &t, 0);
	snprintf(v, sizeof(v), "%d kills, %d readings resent", rounds, resent);
	figure("broker SIGKILL in flight", v, "resent > 0: readings were in flight");
	snprintf(v, sizeof(v), "%ld ms", worst);
	figure("broker SIGKILL in flight", v, "recovery: broker back to next reading (reconnect backoff)");
	EXPECT_EQ(0, t.missing - t.broker_lost);
	EXPECT_EQ(0, t.extra);
	EXPECT_EQ(0, t.disorder);
	EXPECT_GT(resent, 0);
	EXPECT_GT(t.produced, rounds * 20);
}

TEST_F_TIMEOUT(faults, daemon_sigkill_random, 900)
{
	int kills = 10 * scale();
	long rec, worst = 0;
	struct tally t;
	char v[64];

	write_config(self);
	start_daemon(self);
	ASSERT_LE(0, wait_more(self, 0, 10, 20000));
	for (int k = 0; k < kills; k++) {
		int mark;

		msleep(100 + rand() % 1400);
		stop_pid(&self->daemon, SIGKILL);
		mark = received(self);
		start_daemon(self);
		rec = wait_more(self, mark, 1, 60000);
		ASSERT_LE(0, rec);
		worst = rec > worst ? rec : worst;
	}
	msleep(1000);
	settle(self, &t, 60000);
	report(_metadata, "daemon SIGKILL", &t, kills);
	snprintf(v, sizeof(v), "%d kills, worst %ld ms", kills, worst);
	figure("daemon SIGKILL", v, "recovery: restart to next reading delivered");
	EXPECT_EQ(0, t.missing - t.broker_lost);
	EXPECT_LE(t.extra, kills);
	EXPECT_EQ(0, t.disorder);
	EXPECT_GT(t.produced, kills * 5);
}

TEST_F_TIMEOUT(faults, broker_flapping, 900)
{
	int64_t end = now_ms() + 12000LL * scale();
	int flaps = 0;
	long rec, worst = 0;
	struct tally t;
	char v[64];

	write_config(self);
	start_daemon(self);
	ASSERT_LE(0, wait_more(self, 0, 10, 20000));
	while (now_ms() < end) {
		int mark;

		msleep(1500 + rand() % 1500);
		stop_pid(&self->broker, flaps % 2 ? SIGTERM : SIGKILL);
		msleep(500 + rand() % 1500);
		mark = received(self);
		ASSERT_TRUE(start_broker(self));
		rec = wait_more(self, mark, 1, 60000);
		ASSERT_LE(0, rec);
		worst = rec > worst ? rec : worst;
		flaps++;
	}
	msleep(1000);
	settle(self, &t, 60000);
	report(_metadata, "broker flapping", &t, 0);
	snprintf(v, sizeof(v), "%d flaps in %d s, worst recovery %ld ms", flaps, 12 * scale(), worst);
	figure("broker flapping", v, "reconnect backoff 0.5 s doubling");
	EXPECT_EQ(0, t.missing - t.broker_lost);
	EXPECT_EQ(0, t.extra);
	EXPECT_EQ(0, t.disorder);
}

static long spool_rows(FIXTURE_DATA(faults) *self)
{
	char path[PATH_MAX + 32];
	sqlite3_stmt *st;
	sqlite3 *db;
	long n = -1;

	snprintf(path, sizeof(path), "%s/spool.db", self->dir);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM outbox", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return n;
}

/* The broker away, the spool at its cap: the oldest go, with a log line. */
TEST_F_TIMEOUT(faults, spool_cap, 120)
{
	long rows;
	char v[64];

	snprintf(self->spool_extra, sizeof(self->spool_extra), "max_rows = 30\n");
	write_config(self);
	start_daemon(self);
	ASSERT_LE(0, wait_more(self, 0, 5, 20000));
	stop_pid(&self->broker, SIGKILL);
	msleep(4000);			/* ~160 readings for 30 places */
	stop_pid(&self->daemon, SIGTERM);
	rows = spool_rows(self);
	TH_LOG("spool rows after 4 s without a broker: %ld (cap 30)", rows);
	snprintf(v, sizeof(v), "%ld rows", rows);
	figure("spool cap", v, "<= max_rows 30");
	EXPECT_GE(rows, 1);
	EXPECT_LE(rows, 30);
	EXPECT_GE(count_in_log(self, "spool full (max_rows 30, full_policy drop-oldest)"), 1);
}

/*
 * SIGHUP adds a meter at an address that accepts and never answers: the
 * running meters are kept (no reading lost across the reload) and keep
 * their rate while the dead one times out on its worker.
 */
TEST_F_TIMEOUT(faults, reload_with_dead_meter, 120)
{
	int a0, a1, b1, seq_gaps = 0;
	char path[PATH_MAX + 32], line[1024];
	long last = -1;
	FILE *f;

	self->silent_fd = listen_any(&self->silent_port);
	ASSERT_LE(0, self->silent_fd);
	write_config(self);
	start_daemon(self);
	ASSERT_LE(0, wait_more(self, 0, 10, 20000));
	a0 = received(self);
	msleep(3000);
	a1 = received(self);
	snprintf(self->extra, sizeof(self->extra),
		 "[modbus.meter dead]\ntransport = tcp\nhost = 127.0.0.1\nport = %d\n"
		 "interval = 50ms\ntimeout_ms = 1000\n"
		 "register = a input 0 float32\nregister = b input 4 float32\n"
		 "register = c input 8 float32\n", self->silent_port);
	write_config(self);
	kill(self->daemon, SIGHUP);
	msleep(3000);
	b1 = received(self);
	stop_pid(&self->daemon, SIGTERM);
	TH_LOG("readings in 3 s: %d before, %d with a dead meter beside them", a1 - a0, b1 - a1);
	EXPECT_GE(b1 - a1, (a1 - a0) * 6 / 10);
	EXPECT_EQ(1, count_in_log(self, "reload: 1 source(s) kept running, 1 (re)opened"));
	EXPECT_GE(count_in_log(self, "[modbus.meter dead]"), 1);
	/* meter m's sequence register: no read was lost in the reload */
	snprintf(path, sizeof(path), "%s/readings.jsonl", self->dir);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, "\"seq\":");

		if (!p || !strstr(line, "/modbus/m\""))
			continue;
		if (last >= 0 && atol(p + 6) != last + 1)
			seq_gaps++;
		last = atol(p + 6);
	}
	fclose(f);
	EXPECT_EQ(0, seq_gaps);
}

/* sd_notify: READY with a status, the watchdog, RELOADING, STOPPING. */
TEST_F_TIMEOUT(faults, systemd_notify, 60)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), dogs = 0;
	bool ready = false, reloading = false, ready2 = false, stopping = false;
	bool hup = false, term = false;
	struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };
	int64_t t0;
	char buf[512];

	ASSERT_LE(0, fd);
	snprintf(self->notify, sizeof(self->notify), "%.80s/notify", self->dir);
	memcpy(sa.sun_path, self->notify, sizeof(self->notify));
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	write_config(self);
	start_daemon(self);
	for (t0 = now_ms(); now_ms() - t0 < 20000 && !stopping; ) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

		if (n > 0) {
			buf[n] = 0;
			if (strstr(buf, "READY=1") && strstr(buf, "STATUS=")) {
				ready2 = reloading;
				ready = true;
			}
			dogs += strstr(buf, "WATCHDOG=1") != NULL;
			reloading |= strstr(buf, "RELOADING=1") != NULL;
			stopping |= strstr(buf, "STOPPING=1") != NULL;
		}
		if (ready && dogs >= 3 && !hup) {
			kill(self->daemon, SIGHUP);
			hup = true;
		}
		if (ready2 && !term) {
			kill(self->daemon, SIGTERM);
			term = true;
		}
	}
	close(fd);
	TH_LOG("watchdog pings before SIGHUP: %d", dogs);
	EXPECT_TRUE(ready);
	EXPECT_GE(dogs, 3);
	EXPECT_TRUE(reloading);
	EXPECT_TRUE(ready2);
	EXPECT_TRUE(stopping);
}

/* --check-config: every error, each with FILE:LINE. */
TEST_F(faults, check_config_lists_every_error)
{
	char path[PATH_MAX + 32], cmd[PATH_MAX * 4], out[PATH_MAX + 32], line[512];
	int found[4] = { 0 }, rc;
	FILE *f;

	snprintf(path, sizeof(path), "%s/bad.conf", self->dir);
	snprintf(out, sizeof(out), "%s/check.out", self->dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "[general]\nlog_level = loud\n[mqtt]\nport = 99999\n[spool]\n"
		"full_policy = drop-all\nsync_interval = 0\n");
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s/smcardd --check-config -c '%s' > '%s' 2>&1",
		 self->bin, path, out);
	rc = system(cmd);
	EXPECT_EQ(1, WEXITSTATUS(rc));
	f = fopen(out, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		static const unsigned int lines[4] = { 2, 4, 6, 7 };

		for (int i = 0; i < 4; i++) {
			char want[PATH_MAX + 48];

			snprintf(want, sizeof(want), "%s:%u: ", path, lines[i]);
			found[i] += !strncmp(line, want, strlen(want));
		}
	}
	fclose(f);
	for (int i = 0; i < 4; i++)
		EXPECT_EQ(1, found[i]);
}

TEST_HARNESS_MAIN
