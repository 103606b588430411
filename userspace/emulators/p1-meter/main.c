// SPDX-License-Identifier: GPL-2.0
/*
 * p1-meter: an electricity meter on a P1 port, like a Sagemcom XS211.
 * Writes a telegram every second while P1_REQ is asserted and nothing
 * while it is released: the XS211's own object set (single phase, or the
 * same on three phases), the Swedish standard's or DSMR 5.0.2's. The
 * household behind it keeps consuming either way, so the registers move on
 * in between. The meter's clock keeps local time in --tz.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "emu.h"
#include "p1.h"

#define POLL_MS	20

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

struct opts {
	const char *device;
	enum req_kind req;
	const char *req_spec;
	bool active_low;
	enum p1_meter_flavour flavour;
	long count;
	uint64_t seed;
	long interval_ms;
	int64_t start;
	bool has_key;
	uint8_t key[16];
	bool verbose;
	const char *zone;
	const char *sent_log;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: p1-meter --device PATH (--always | --req-file PATH | --req-gpio CHIP:LINE)\n"
		"                [--flavour swedish|xs211|xs211-3ph|dsmr5] [--count N] [--seed N]\n"
		"                [--interval MS] [--start EPOCH] [--tz ZONE] [--req-active-low]\n"
		"                [--smarty-key HEX] [-v]\n"
		"                [--sent-log FILE]\n\n"
		"Writes one telegram per interval (1000 ms) to PATH (a tty is set to 115200 8N1,\n"
		"'-' is stdout) while the request condition holds:\n"
		"  --always             send unconditionally\n"
		"  --req-file PATH      P1_REQ read from a file holding 1 or 0\n"
		"  --req-gpio CHIP:LINE P1_REQ read from a GPIO input (line name or offset)\n"
		"  --flavour F          swedish (default): the Swedish standard's objects, three\n"
		"                       phases; xs211: all a single-phase XS211 measures (eight\n"
		"                       tariffs, four-quadrant reactive and apparent energy,\n"
		"                       demand, breaker, power failures, voltage dips);\n"
		"                       xs211-3ph: the same on three phases; dsmr5: Dutch DSMR 5.0.2\n"
		"  --tz ZONE            the meter clock's time zone (default Europe/Amsterdam)\n"
		"  --count N            stop after N telegrams (0: run until killed)\n"
		"  --smarty-key HEX     wrap telegrams in Luxembourg AES-128-GCM frames\n"
		"  --sent-log FILE      append 'N SECONDS' (CLOCK_REALTIME) when telegram N is written\n");
}

static int hexkey(const char *s, uint8_t key[16])
{
	if (strlen(s) != 32)
		return -1;
	for (int i = 0; i < 16; i++) {
		unsigned int b;

		if (sscanf(s + 2 * i, "%2x", &b) != 1)
			return -1;
		key[i] = (uint8_t)b;
	}
	return 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "always", no_argument, NULL, 'a' },
		{ "req-file", required_argument, NULL, 'f' },
		{ "req-gpio", required_argument, NULL, 'g' },
		{ "req-active-low", no_argument, NULL, 'L' },
		{ "flavour", required_argument, NULL, 'F' },
		{ "count", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ "start", required_argument, NULL, 'S' },
		{ "smarty-key", required_argument, NULL, 'k' },
		{ "tz", required_argument, NULL, 'z' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "sent-log", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt, nreq = 0;
	char *end;

	*o = (struct opts){ .flavour = P1_METER_SWEDISH, .interval_ms = 1000,
			    .start = (int64_t)time(NULL), .seed = 1,
			    .zone = P1_DEFAULT_TZ };
	while ((opt = getopt_long(argc, argv, "d:af:g:LF:c:s:i:S:k:z:vl:h", lopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'd':
			o->device = optarg;
			break;
		case 'a':
			o->req = REQ_ALWAYS;
			nreq++;
			break;
		case 'f':
			o->req = REQ_FILE;
			o->req_spec = optarg;
			nreq++;
			break;
		case 'g':
			o->req = REQ_GPIO;
			o->req_spec = optarg;
			nreq++;
			break;
		case 'L':
			o->active_low = true;
			break;
		case 'F':
			if (!strcmp(optarg, "swedish"))
				o->flavour = P1_METER_SWEDISH;
			else if (!strcmp(optarg, "xs211"))
				o->flavour = P1_METER_XS211;
			else if (!strcmp(optarg, "xs211-3ph"))
				o->flavour = P1_METER_XS211_3PH;
			else if (!strcmp(optarg, "dsmr5"))
				o->flavour = P1_METER_DSMR5;
			else
				goto bad;
			break;
		case 'c':
			o->count = strtol(optarg, &end, 10);
			if (*end || o->count < 0)
				goto bad;
			break;
		case 's':
			o->seed = strtoull(optarg, &end, 0);
			if (*end)
				goto bad;
			break;
		case 'i':
			o->interval_ms = strtol(optarg, &end, 10);
			if (*end || o->interval_ms < 10)
				goto bad;
			break;
		case 'S':
			o->start = strtoll(optarg, &end, 10);
			if (*end)
				goto bad;
			break;
		case 'k':
			if (hexkey(optarg, o->key))
				goto bad;
			o->has_key = true;
			break;
		case 'z':
			o->zone = optarg;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'l':
			o->sent_log = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (!o->device || nreq != 1 || optind != argc) {
		fprintf(stderr, "p1-meter: need --device and exactly one of --always, --req-file, --req-gpio\n");
		usage(stderr);
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "p1-meter: bad option value '%s'\n", optarg);
	return -1;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int send_telegram(const struct opts *o, int fd,
			 const struct p1_meter *m, uint32_t counter)
{
	static const uint8_t title[8] = { 'S', 'M', 'C', 'E', 'M', 'U', 0, 1 };
	struct p1_error err;
	char buf[8192];
	uint8_t *frame;
	size_t flen;
	long n = p1_meter_telegram(m, buf, sizeof(buf));
	int ret;

	if (n < 0)
		return (int)n;
	if (!o->has_key)
		return port_write(fd, buf, (size_t)n);
	ret = p1_smarty_encrypt(buf, (size_t)n, o->key, NULL, title, counter,
				&frame, &flen, &err);
	if (ret) {
		fprintf(stderr, "p1-meter: %s\n", err.msg);
		return ret;
	}
	ret = port_write(fd, frame, flen);
	free(frame);
	return ret;
}

/* For latency measurements: when each telegram left the meter. */
static void log_sent(const struct opts *o, long n)
{
	struct timespec ts;
	FILE *f;

	if (!o->sent_log)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	f = fopen(o->sent_log, "a");
	if (!f)
		return;
	fprintf(f, "%ld %lld.%09ld\n", n, (long long)ts.tv_sec, ts.tv_nsec);
	fclose(f);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct req_source req;
	struct p1_error err;
	struct p1_tz *tz;
	struct p1_meter m;
	struct opts o;
	double last, next_send = 0;
	long sent = 0;
	bool was_asserted = false;
	int fd, ret = 0;

	if (parse(argc, argv, &o))
		return 2;
	if (p1_tz_load(o.zone, &tz, &err)) {
		fprintf(stderr, "p1-meter: --tz: %s\n", err.msg);
		return 2;
	}
	if (req_open(&req, o.req, o.req_spec, o.active_low)) {
		p1_tz_free(tz);
		return 1;
	}
	fd = port_open(o.device);
	if (fd < 0) {
		fprintf(stderr, "p1-meter: %s: %s\n", o.device, strerror(-fd));
		req_close(&req);
		p1_tz_free(tz);
		return 1;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	p1_meter_init(&m, o.flavour, o.seed, o.start, tz);
	last = mono();
	while (!stop && (!o.count || sent < o.count)) {
		double now = mono();
		bool asserted = req_asserted(&req) > 0;

		p1_meter_step(&m, now - last);
		last = now;
		if (asserted && !was_asserted) {
			/* a meter answers a fresh request within one period */
			next_send = now;
			if (o.verbose)
				fprintf(stderr, "p1-meter: P1_REQ asserted\n");
		} else if (!asserted && was_asserted && o.verbose) {
			fprintf(stderr, "p1-meter: P1_REQ released\n");
		}
		was_asserted = asserted;
		if (asserted && now >= next_send) {
			ret = send_telegram(&o, fd, &m, (uint32_t)sent + 1);
			if (ret) {
				fprintf(stderr, "p1-meter: %s: %s\n", o.device,
					strerror(-ret));
				break;
			}
			sent++;
			log_sent(&o, sent);
			next_send += (double)o.interval_ms / 1000.0;
			if (next_send < now)
				next_send = now + (double)o.interval_ms / 1000.0;
			if (o.verbose)
				fprintf(stderr, "p1-meter: telegram %ld sent\n", sent);
			continue;
		}
		usleep(POLL_MS * 1000);
	}
	if (o.verbose)
		fprintf(stderr, "p1-meter: %ld telegram(s) sent\n", sent);
	close(fd);
	req_close(&req);
	p1_tz_free(tz);
	return ret ? 1 : 0;
}
