// SPDX-License-Identifier: GPL-2.0
/*
 * smcardctl p1 read: telegrams live from the P1 tty. P1_REQ is asserted
 * for the duration of the read and released on the way out, also on
 * SIGINT / SIGTERM, so the meter falls silent again.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <json-c/json.h>

#include "p1_cmd.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

struct read_opts {
	const char *device;
	const char *chip;
	const char *line;
	bool no_req;
	bool json;
	bool dsmr22;
	bool has_key;
	uint8_t key[16];
	long count;
	int timeout_s;
	const char *zone;
	struct p1_tz *tz;
};

static void show(const struct read_opts *o, const struct p1_telegram *t)
{
	if (o->json) {
		struct json_object *j = p1_to_json(t);

		puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
		fflush(stdout);
		json_object_put(j);
	} else {
		p1_print_human(stdout, t);
	}
}

/* Hand every complete frame to show(); returns telegrams decoded. */
static long drain(const struct read_opts *o, struct p1_framer *fr, bool eof,
		  long *errors)
{
	const uint8_t *frame;
	size_t len;
	long good = 0;
	int ret;

	for (;;) {
		struct p1_telegram t;
		struct p1_error err = { 0 };

		ret = p1_framer_next(fr, eof, &frame, &len, &err);
		if (ret == 0)
			break;
		if (ret < 0) {
			fprintf(stderr, "smcardctl p1 read: stream byte %zu: %s\n",
				err.pos, err.msg);
			(*errors)++;
			continue;
		}
		uint64_t at = fr->offset + (uint64_t)(frame - fr->buf);

		ret = p1_decode_frame(frame, len, o->has_key ? o->key : NULL,
				      NULL, 0, o->tz, &t, &err);
		if (ret) {
			fprintf(stderr, "smcardctl p1 read: telegram at stream byte %llu: byte %zu: %s\n",
				(unsigned long long)at, err.pos, err.msg);
			(*errors)++;
		} else if (good < o->count || o->count == 0) {
			show(o, &t);
			good++;
		}
		p1_telegram_free(&t);
		if (o->count && good >= o->count)
			break;
	}
	return good;
}

static int read_loop(const struct read_opts *o, int fd)
{
	struct p1_framer fr;
	long got = 0, errors = 0;
	uint8_t buf[4096];
	int ret = 0;

	p1_framer_init(&fr, o->has_key ? P1_FRAME_SMARTY : P1_FRAME_TEXT, 0);
	while (!stop && (!o->count || got < o->count)) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int n = poll(&pfd, 1, o->timeout_s * 1000);
		ssize_t r;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			fprintf(stderr, "smcardctl p1 read: poll: %s\n", strerror(errno));
			break;
		}
		if (n == 0) {
			fprintf(stderr, "smcardctl p1 read: %s: no telegram within %d s%s\n",
				o->device, o->timeout_s,
				o->no_req ? "" : " although P1_REQ is asserted");
			ret = -ETIMEDOUT;
			break;
		}
		r = read(fd, buf, sizeof(buf));
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0) {
			ret = -errno;
			fprintf(stderr, "smcardctl p1 read: %s: %s\n", o->device,
				strerror(errno));
			break;
		}
		if (r > 0 && p1_framer_push(&fr, buf, (size_t)r)) {
			ret = -ENOMEM;
			break;
		}
		got += drain(o, &fr, r == 0, &errors);
		if (r == 0) {
			if (o->count && got < o->count) {
				fprintf(stderr, "smcardctl p1 read: %s: end of input after %ld telegram(s)\n",
					o->device, got);
				ret = -ENODATA;
			}
			break;
		}
	}
	if (fr.skipped || fr.truncated)
		fprintf(stderr, "smcardctl p1 read: skipped %llu byte(s) outside telegrams, %llu truncated telegram(s)\n",
			(unsigned long long)fr.skipped,
			(unsigned long long)fr.truncated);
	p1_framer_free(&fr);
	return ret;
}

static const struct option opts[] = {
	{ "device", required_argument, NULL, 'd' },
	{ "gpiochip", required_argument, NULL, 'g' },
	{ "line", required_argument, NULL, 'l' },
	{ "no-req", no_argument, NULL, 'n' },
	{ "count", required_argument, NULL, 'c' },
	{ "timeout", required_argument, NULL, 't' },
	{ "json", no_argument, NULL, 'j' },
	{ "dsmr22", no_argument, NULL, '2' },
	{ "key", required_argument, NULL, 'k' },
	{ "tz", required_argument, NULL, 'z' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

static int parse_opts(int argc, char **argv, struct read_opts *o)
{
	char *end;
	int opt;

	*o = (struct read_opts){ .line = "P1_REQ", .count = 1, .timeout_s = 10,
				 .zone = P1_DEFAULT_TZ };
	while ((opt = getopt_long(argc, argv, "d:g:l:nc:t:j2k:z:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			o->device = optarg;
			break;
		case 'g':
			o->chip = optarg;
			break;
		case 'l':
			o->line = optarg;
			break;
		case 'n':
			o->no_req = true;
			break;
		case 'c':
			o->count = strtol(optarg, &end, 10);
			if (*end || o->count < 0) {
				fprintf(stderr, "smcardctl p1 read: bad --count '%s'\n", optarg);
				return 2;
			}
			break;
		case 't':
			o->timeout_s = (int)strtol(optarg, &end, 10);
			if (*end || o->timeout_s <= 0) {
				fprintf(stderr, "smcardctl p1 read: bad --timeout '%s'\n", optarg);
				return 2;
			}
			break;
		case 'j':
			o->json = true;
			break;
		case '2':
			o->dsmr22 = true;
			break;
		case 'k':
			if (p1_parse_key(optarg, o->key)) {
				fprintf(stderr, "smcardctl p1 read: --key wants 32 hex digits\n");
				return 2;
			}
			o->has_key = true;
			break;
		case 'z':
			o->zone = optarg;
			break;
		case 'h':
			printf("usage: smcardctl p1 read --device TTY [--gpiochip CHIP] [--line NAME] [--no-req]\n"
			       "       [--count N (default 1, 0 = forever)] [--timeout SEC] [--json] [--dsmr22] [--key HEX]\n"
			       "       [--tz ZONE (default %s)]\n", P1_DEFAULT_TZ);
			return 1;
		default:
			return 2;
		}
	}
	if (!o->device || optind != argc) {
		fprintf(stderr, "smcardctl p1 read: --device TTY is required\n");
		return 2;
	}
	return p1_load_tz("read", o->zone, &o->tz) ? 2 : 0;
}

int p1_read(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct read_opts o;
	struct p1_req req = { 0 };
	int fd, ret;

	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret == 1 ? 0 : ret;

	fd = open(o.device, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "smcardctl p1 read: %s: %s\n", o.device, strerror(errno));
		p1_tz_free(o.tz);
		return 1;
	}
	ret = p1_tty_setup(fd, o.dsmr22);
	if (ret) {
		fprintf(stderr, "smcardctl p1 read: %s: cannot set up the line: %s\n",
			o.device, strerror(-ret));
		close(fd);
		p1_tz_free(o.tz);
		return 1;
	}
	if (!o.no_req && p1_req_assert(&req, o.chip, o.line)) {
		close(fd);
		p1_tz_free(o.tz);
		return 1;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	ret = read_loop(&o, fd);

	p1_req_release(&req);
	close(fd);
	p1_tz_free(o.tz);
	return ret ? 1 : 0;
}
