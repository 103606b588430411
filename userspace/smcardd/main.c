// SPDX-License-Identifier: GPL-2.0
/*
 * smcardd: the OPTION CloudGate Smart Metering Expansion Card as MQTT and
 * JSON data. Command line, signals (signalfd: SIGTERM/SIGINT stop, SIGHUP
 * reloads the configuration) and the poll() loop, with systemd's
 * notification protocol (READY, RELOADING, STOPPING, the watchdog).
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <mosquitto.h>
#include <systemd/sd-daemon.h>

#include "daemon.h"

#define DEFAULT_CONFIG	"/etc/smcard/smcardd.conf"
#define MAX_POLL	256

static void usage(FILE *f)
{
	fprintf(f,
		"usage: smcardd [-c FILE] [--check-config] [--foreground] [--version]\n"
		"  -c, --config FILE   configuration (default " DEFAULT_CONFIG ")\n"
		"  -t, --check-config  check the configuration and exit (0: fine)\n"
		"  -f, --foreground    stay in the foreground (what systemd wants too)\n"
		"  -V, --version       print the version\n"
		"SIGHUP reloads the configuration, SIGTERM stops after flushing.\n");
}

static void print_errors(const struct sd_config *c)
{
	for (size_t i = 0; i < c->nerrors; i++)
		fprintf(stderr, "%s\n", c->errors[i]);
}

/* Device name: [general] name, else the host name made topic-safe. */
static void node_name(const struct sd_config *c, char *node, size_t size,
		      char *base, size_t bsize)
{
	char host[64] = "smcard";

	if (c->general.name[0]) {
		snprintf(node, size, "%s", c->general.name);
	} else {
		if (gethostname(host, sizeof(host) - 1))
			snprintf(host, sizeof(host), "smcard");
		host[sizeof(host) - 1] = 0;
		for (char *p = host; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
				*p = '_';
		snprintf(node, size, "%s", host);
	}
	snprintf(base, bsize, "%s/%s", c->mqtt.topic_prefix, node);
}

static void set_node(struct daemon *d)
{
	node_name(&d->cfg, d->node, sizeof(d->node), d->base, sizeof(d->base));
}

static int open_store(struct daemon *d)
{
	char err[512];
	int ret;

	if (d->store && !strcmp(d->store_path, d->cfg.spool.path))
		return 0;
	sd_store_close(d->store);
	d->store = NULL;
	ret = sd_store_open(&d->store, d->cfg.spool.path, err, sizeof(err));
	if (ret) {
		sd_log(d, SD_LOG_ERR, "[spool] cannot open the store: %s", err);
		return ret;
	}
	snprintf(d->store_path, sizeof(d->store_path), "%s", d->cfg.spool.path);
	sd_log(d, SD_LOG_INFO, "store %s: %lld reading(s) waiting for the broker",
	       d->store_path, (long long)sd_store_pending(d->store));
	return 0;
}

static int start(struct daemon *d)
{
	int ret;

	set_node(d);
	sd_log_open(d);
	ret = open_store(d);
	if (!ret)
		ret = sd_jsonl_open(d);
	if (!ret && d->cfg.mqtt.enabled && !d->mqtt)
		ret = sd_mqtt_start(d);
	if (!ret && !d->src)
		ret = sd_sources_create(d);
	if (!ret)
		ret = sd_http_start(d);
	if (!ret && !sd_config_has_sources(&d->cfg))
		sd_log(d, SD_LOG_WARN, "%s: no source configured; nothing to do", d->cfg.file);
	if (!ret && !d->cfg.mqtt.enabled && !d->cfg.jsonl.enabled && !d->cfg.http.enabled)
		sd_log(d, SD_LOG_WARN, "%s: no sink configured ([mqtt], [jsonl] or [http]); readings go nowhere",
		       d->cfg.file);
	return ret;
}

static void stop(struct daemon *d)
{
	sd_http_stop(d);
	sd_sources_destroy(d);
	sd_mqtt_stop(d, 2000);
	sd_jsonl_close(d);
	free(d->ent);
	d->ent = NULL;
	d->nent = 0;
}

static bool same_mqtt(const struct sd_mqtt *a, const struct sd_mqtt *b)
{
	struct sd_mqtt x = *a, y = *b;

	x.line = y.line = 0;
	return !memcmp(&x, &y, sizeof(x));
}

static bool same_http(const struct sd_http *a, const struct sd_http *b)
{
	struct sd_http x = *a, y = *b;

	x.line = y.line = 0;
	return !memcmp(&x, &y, sizeof(x));
}

static void notify_status(struct daemon *d, const char *state)
{
	sd_notifyf(0, "%s\nSTATUS=%zu source(s), %lld reading(s) queued", state, d->nsrc,
		   d->store ? (long long)sd_store_pending(d->store) : 0LL);
}

/*
 * SIGHUP: a source whose sections did not change keeps running (its
 * device stays open, its worker goes on), so a reload loses no reading;
 * the others are closed and opened from the new configuration. The MQTT
 * connection is kept unless [mqtt] changed; readings in flight stay in
 * the spool either way.
 */
static void reload(struct daemon *d)
{
	struct sd_config next, old;
	char node[SD_NAME_MAX], base[sizeof(d->base)];
	struct source *old_src;
	size_t old_n, kept = 0;
	bool *keep, base_same;
	int ret = sd_config_load(&next, d->cfg_path);

	if (ret) {
		for (size_t i = 0; i < next.nerrors; i++)
			sd_log(d, SD_LOG_ERR, "%s", next.errors[i]);
		sd_log(d, SD_LOG_ERR, "SIGHUP: %s has errors; keeping the running configuration",
		       d->cfg_path);
		sd_config_free(&next);
		return;
	}
	sd_notify(0, "RELOADING=1");
	sd_log(d, SD_LOG_INFO, "SIGHUP: reloading %s", d->cfg_path);
	node_name(&next, node, sizeof(node), base, sizeof(base));
	base_same = !strcmp(base, d->base);
	keep = calloc(d->nsrc ? d->nsrc : 1, sizeof(*keep));
	for (size_t i = 0; keep && i < d->nsrc; i++) {
		struct source *s = &d->src[i];

		keep[i] = base_same && s->up &&
			  sd_config_fingerprint(&d->cfg, s->ops->kind, s->name) ==
			  sd_config_fingerprint(&next, s->ops->kind, s->name);
		if (!keep[i] && s->up) {
			s->ops->close(s);
			s->up = false;
		}
	}
	if (d->mqtt && (!next.mqtt.enabled || !same_mqtt(&d->cfg.mqtt, &next.mqtt) || !base_same))
		sd_mqtt_stop(d, 2000);
	/* the page keeps its history unless [http] changed */
	if (!same_http(&d->cfg.http, &next.http) || !base_same)
		sd_http_stop(d);
	sd_jsonl_close(d);
	sd_log_close(d);
	if (!base_same) {
		free(d->ent);
		d->ent = NULL;
		d->nent = 0;
	}
	old = d->cfg;
	d->cfg = next;
	old_src = d->src;
	old_n = d->nsrc;
	d->src = NULL;
	d->nsrc = 0;
	if (sd_sources_create(d))
		sd_log(d, SD_LOG_ERR, "reload: out of memory for the sources");
	/* the kept ones carry on with the new, equal section */
	for (size_t i = 0; i < old_n; i++) {
		struct source *o = &old_src[i];
		bool adopted = false;

		if (!keep || !keep[i])
			continue;
		for (size_t j = 0; j < d->nsrc && !adopted; j++) {
			struct source *n = &d->src[j];

			if (n->ops != o->ops || strcmp(n->name, o->name) || n->up)
				continue;
			n->priv = o->priv;
			n->fd = o->fd;
			n->events = o->events;
			n->due = o->due;
			n->up = true;
			n->failing = o->failing;
			n->failures = o->failures;
			n->last_err = o->last_err;
			adopted = true;
			kept++;
		}
		if (!adopted)
			o->ops->close(o);
	}
	free(keep);
	free(old_src);
	sd_config_free(&old);
	if (start(d))
		sd_log(d, SD_LOG_ERR, "reload: some parts did not start (see above)");
	sd_log(d, SD_LOG_INFO, "reload: %zu source(s) kept running, %zu (re)opened", kept,
	       d->nsrc - kept);
	notify_status(d, "READY=1");
}

/* Open sources that are due for a (re)try. */
static void retry_sources(struct daemon *d, int64_t now)
{
	for (size_t i = 0; i < d->nsrc; i++) {
		struct source *s = &d->src[i];
		int ret;

		if (s->up || now < s->retry_at)
			continue;
		s->fd = -1;
		s->due = SD_NEVER;
		ret = s->ops->open(s);
		if (ret) {
			sd_source_fail(s, ret, "cannot open");
			continue;
		}
		s->up = true;
		if (s->failures)
			sd_log(d, SD_LOG_INFO, "[%s %s] is back after %u failed attempt(s)",
			       s->ops->kind, s->name, s->failures);
		s->failures = 0;
		s->backoff_ms = 0;
	}
}

static int run(struct daemon *d)
{
	struct pollfd pfd[MAX_POLL];
	struct source *owner[MAX_POLL];
	int64_t dog_due = 0, dog_ms = 0;
	uint64_t usec;

	/* systemd's watchdog: a ping at half its period, from this loop only */
	if (sd_watchdog_enabled(0, &usec) > 0)
		dog_ms = (int64_t)(usec / 2000) > 0 ? (int64_t)(usec / 2000) : 1;
	for (;;) {
		int64_t now = sd_now_ms(), due = SD_NEVER, t;
		int n = 0, mq = -1, web = -1, timeout, ret;
		short ev;

		retry_sources(d, now);
		sd_mqtt_tick(d);
		/* cheap when there is nothing to do; new acknowledgements come any time */
		due = sd_store_tick(d->store, now, (int64_t)(d->cfg.spool.sync_interval * 1000));
		if (dog_ms && now >= dog_due) {
			sd_notify(0, "WATCHDOG=1");
			dog_due = now + dog_ms;
		}
		if (dog_ms && dog_due < due)
			due = dog_due;

		pfd[n] = (struct pollfd){ .fd = d->sigfd, .events = POLLIN };
		owner[n++] = NULL;
		ret = sd_mqtt_fd(d, &ev);
		if (ret >= 0) {
			mq = n;
			pfd[n] = (struct pollfd){ .fd = ret, .events = ev };
			owner[n++] = NULL;
		}
		t = sd_mqtt_due(d);
		due = t < due ? t : due;
		ret = sd_http_fd(d);
		if (ret >= 0) {
			web = n;
			pfd[n] = (struct pollfd){ .fd = ret, .events = POLLIN };
			owner[n++] = NULL;
		}
		t = sd_http_due(d);
		due = t < due ? t : due;
		for (size_t i = 0; i < d->nsrc && n < MAX_POLL; i++) {
			struct source *s = &d->src[i];

			if (!s->up) {
				due = s->retry_at < due ? s->retry_at : due;
				continue;
			}
			if (s->fd >= 0) {
				pfd[n] = (struct pollfd){ .fd = s->fd, .events = s->events };
				owner[n++] = s;
			}
			due = s->due < due ? s->due : due;
		}
		timeout = due == SD_NEVER ? 60000 :
			  due <= now ? 0 : (int)(due - now > 60000 ? 60000 : due - now);
		ret = poll(pfd, (nfds_t)n, timeout);
		if (ret < 0 && errno != EINTR) {
			sd_log(d, SD_LOG_ERR, "poll: %s", strerror(errno));
			return 1;
		}
		if (ret > 0 && (pfd[0].revents & POLLIN)) {
			struct signalfd_siginfo si;

			if (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGHUP) {
					reload(d);
					continue;	/* the poll set is stale */
				}
				sd_log(d, SD_LOG_INFO, "%s: shutting down",
				       strsignal((int)si.ssi_signo));
				return 0;
			}
		}
		if (ret > 0 && mq >= 0 && pfd[mq].revents)
			sd_mqtt_handle(d, pfd[mq].revents);
		/* also when its timeout is due: idle connections are closed */
		if (web >= 0)
			sd_http_run(d);
		for (int i = 1; ret > 0 && i < n; i++) {
			struct source *s = owner[i];

			if (!s || !pfd[i].revents || !s->up || s->fd != pfd[i].fd)
				continue;
			ret = s->ops->on_fd(s, pfd[i].revents);
			if (ret < 0)
				sd_source_fail(s, ret, "device error");
			ret = 1;
		}
		now = sd_now_ms();
		for (size_t i = 0; i < d->nsrc; i++) {
			struct source *s = &d->src[i];

			if (!s->up || s->due > now)
				continue;
			ret = s->ops->on_tick(s);
			if (ret < 0)
				sd_source_fail(s, ret, "read failed");
		}
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", no_argument, NULL, 't' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct daemon d = { .cfg_path = DEFAULT_CONFIG, .sigfd = -1 };
	bool check = false;
	sigset_t mask;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "c:tfVh", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			d.cfg_path = optarg;
			break;
		case 't':
			check = true;
			break;
		case 'f':
			d.foreground = true;
			break;
		case 'V':
			printf("smcardd %s\n", SMCARD_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	ret = sd_config_load(&d.cfg, d.cfg_path);
	if (ret) {
		print_errors(&d.cfg);
		fprintf(stderr, "smcardd: %s: %zu error(s)%s\n", d.cfg_path, d.cfg.nerrors,
			ret == -ENOMEM ? " (out of memory)" : "");
		sd_config_free(&d.cfg);
		return 1;
	}
	if (check) {
		printf("%s: OK (%s%s%s%zu mbus, %zu modbus, %zu analog, %zu counter, %zu digital, %zu output)\n",
		       d.cfg_path, d.cfg.mqtt.enabled ? "mqtt, " : "",
		       d.cfg.jsonl.enabled ? "jsonl, " : "", d.cfg.p1.enabled ? "p1, " : "",
		       d.cfg.mbus.enabled ? d.cfg.nmbus_meter : 0, d.cfg.nmodbus, d.cfg.nanalog, d.cfg.ncounter, d.cfg.ndigital,
		       d.cfg.noutput);
		sd_config_free(&d.cfg);
		return 0;
	}
	if (!d.foreground && daemon(0, 1)) {
		fprintf(stderr, "smcardd: daemon(): %s\n", strerror(errno));
		return 1;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	signal(SIGPIPE, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) ||
	    (d.sigfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0) {
		fprintf(stderr, "smcardd: signalfd: %s\n", strerror(errno));
		return 1;
	}
	/* the workers' few allocations need no arenas of their own */
	mallopt(M_ARENA_MAX, 2);
	mosquitto_lib_init();
	sd_log(&d, SD_LOG_INFO, "smcardd %s starting with %s", SMCARD_VERSION, d.cfg_path);
	ret = start(&d);
	if (ret) {
		sd_log(&d, SD_LOG_ERR, "cannot start: %s", strerror(-ret));
		ret = 1;
	} else {
		notify_status(&d, "READY=1");
		ret = run(&d);
	}
	sd_notify(0, "STOPPING=1");
	stop(&d);
	if (d.store) {
		struct sd_store_stats st;

		sd_store_get_stats(d.store, &st);
		sd_log(&d, SD_LOG_INFO, "spool: %llu reading(s) written with %llu sync(s) and %llu checkpoint(s)",
		       (unsigned long long)st.commits, (unsigned long long)st.syncs,
		       (unsigned long long)st.checkpoints);
	}
	sd_store_close(d.store);
	sd_iio_unload(&d);
	sd_log(&d, SD_LOG_INFO, "stopped");
	sd_log_close(&d);
	sd_config_free(&d.cfg);
	mosquitto_lib_cleanup();
	close(d.sigfd);
	return ret;
}
