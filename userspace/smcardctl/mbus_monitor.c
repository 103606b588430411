// SPDX-License-Identifier: GPL-2.0
/*
 * smcardctl mbus monitor [--json] [--count N] [--bus NAME]
 * Every frame the kernel sees on the bus (monitor group) and the bus
 * events, as they happen: time stamp, direction, the time since the
 * previous frame, a summary (C field, address, CI, and the records of a
 * decodable telegram) and the bytes. Needs CAP_NET_ADMIN (meter readings
 * are personal data). On exit (signal
 * or --count), the totals: frames, collisions and bad frames seen, and
 * the timeouts the kernel counted meanwhile (a timeout has no frame).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mbus_cmd.h"
#include "mbus_common.h"
#include "mbus.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

struct counts {
	unsigned long frames, timeouts, collisions, bad;
	uint64_t last_ns;
};

static void summary(const struct mbus_nl_ntf *n, char *out, size_t size)
{
	struct mbus_frame f;
	const char *cn;

	if (n->result != METERBUS_RESULT_OK) {
		snprintf(out, size, "%s", mbus_nl_result_name(n->result));
		return;
	}
	if (mbus_frame_parse(n->frame, n->frame_len, &f, NULL) < 0) {
		snprintf(out, size, "?");
		return;
	}
	if (f.type == MBUS_FRAME_ACK) {
		snprintf(out, size, "E5 (ack)");
		return;
	}
	cn = mbus_c_name(f.c & (f.c & MBUS_C_PRM ? 0xCF : 0x4F));
	if (f.type == MBUS_FRAME_SHORT)
		snprintf(out, size, "%s a=%u", cn ? cn : "?", f.a);
	else
		snprintf(out, size, "%s a=%u ci=%02X", cn ? cn : "?", f.a, f.ci);
}

/* The records of a decodable telegram, one per line. */
static void print_records(const struct mbus_nl_ntf *n)
{
	char v[2 * MBUS_VALUE_MAX_BYTES + 1];
	struct mbus_telegram t;

	mbus_telegram_init(&t);
	if (n->result == METERBUS_RESULT_OK && n->frame_len > 5 &&
	    mbus_telegram_parse(n->frame, n->frame_len, &t, NULL) == 0) {
		if (t.ci.kind == MBUS_CI_KIND_VARIABLE && t.ci.header == MBUS_HEADER_LONG)
			printf("    id %08X %s v%u %s access %u status 0x%02X\n",
			       t.header.id, mbus_manufacturer_code(t.header.manufacturer, v) ? v : "???",
			       t.header.version, mbus_medium_name(t.header.medium),
			       t.header.access_number, t.header.status);
		for (size_t i = 0; i < t.n_records; i++) {
			const struct mbus_record *r = &t.records[i];

			mbus_value_format(&r->value, v, sizeof(v));
			printf("    %-24s %s %s", r->quantity, v, r->unit);
			if (r->function != MBUS_FUNC_INSTANTANEOUS)
				printf(" (%s)", mbus_function_name(r->function));
			if (r->storage)
				printf(" storage %llu", (unsigned long long)r->storage);
			if (r->subunit)
				printf(" subunit %u", r->subunit);
			putchar('\n');
		}
		if (t.more_records)
			printf("    (more records follow)\n");
	}
	mbus_telegram_free(&t);
}

static void print_text(const struct mbus_nl_ntf *n, uint64_t last_ns)
{
	char ts[64], sum[64], gap[24] = "";
	struct tm tm;
	time_t sec = (time_t)(n->timestamp_ns / 1000000000u);

	localtime_r(&sec, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	summary(n, sum, sizeof(sum));
	if (last_ns && n->timestamp_ns >= last_ns)
		snprintf(gap, sizeof(gap), "+%.1fms",
			 (double)(n->timestamp_ns - last_ns) / 1e6);
	printf("%s.%06llu mbus%u %s %10s %-28s", ts,
	       (unsigned long long)(n->timestamp_ns % 1000000000u / 1000),
	       n->id, mbus_nl_direction_name(n->direction), gap, sum);
	for (size_t i = 0; i < n->frame_len; i++)
		printf(" %02X", n->frame[i]);
	putchar('\n');
	print_records(n);
}

static struct json_object *ntf_json(const struct mbus_nl_ntf *n)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "bus", json_object_new_int64(n->id));
	if (n->kind == MBUS_NL_NTF_BUS) {
		json_object_object_add(o, "event", json_object_new_string(
					       mbus_nl_event_name(n->event)));
		json_object_object_add(o, "name", json_object_new_string(n->bus.name));
		json_object_object_add(o, "baud", json_object_new_int64(n->bus.baud));
		json_object_object_add(o, "power", json_object_new_boolean(n->bus.power));
		json_object_object_add(o, "role", json_object_new_string(
					       mbus_nl_role_name(n->bus.role)));
		return o;
	}
	char hex[3 * METERBUS_FRAME_MAX + 1] = "";
	struct mbus_telegram t;

	for (size_t i = 0; i < n->frame_len; i++)
		sprintf(hex + 3 * i, "%02X ", n->frame[i]);
	hex[n->frame_len ? 3 * n->frame_len - 1 : 0] = '\0';
	json_object_object_add(o, "timestamp_ns",
			       json_object_new_int64((int64_t)n->timestamp_ns));
	json_object_object_add(o, "direction", json_object_new_string(
				       mbus_nl_direction_name(n->direction)));
	json_object_object_add(o, "result", json_object_new_string(
				       mbus_nl_result_name(n->result)));
	json_object_object_add(o, "frame", json_object_new_string(hex));
	mbus_telegram_init(&t);
	if (n->result == METERBUS_RESULT_OK && n->frame_len > 1 &&
	    mbus_telegram_parse(n->frame, n->frame_len, &t, NULL) == 0)
		json_object_object_add(o, "decoded", mbus_telegram_to_json(&t));
	mbus_telegram_free(&t);
	return o;
}

int mbus_cmd_monitor(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'c' },
		MBUS_COMMON_OPTIONS,
		{ 0 }
	};
	struct mbus_nl_ntf *n = malloc(sizeof(*n));
	struct counts cnt = { 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	struct mbus_ctx c;
	struct mbus_nl_stats before;
	unsigned long count = 0;
	char *end;
	int opt, ret;

	mbus_ctx_init(&c, "monitor");
	if (!n)
		return mbus_ctx_error(&c, "out of memory");
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		ret = mbus_ctx_option(&c, opt, optarg);
		if (ret > 0)
			continue;
		if (ret == 0 && opt == 'c') {
			count = strtoul(optarg, &end, 10);
			if (!*end)
				continue;
		}
		if (ret == 0 && opt == 'h') {
			printf("usage: smcardctl mbus monitor [--json] [--count N] [--bus NAME]\n");
			free(n);
			return 0;
		}
		fprintf(stderr, "usage: smcardctl mbus monitor [--json] [--count N] [--bus NAME]\n");
		free(n);
		return 2;
	}
	if (mbus_ctx_open(&c, 0)) {
		free(n);
		return 1;
	}
	ret = mbus_nl_subscribe(c.nl, MBUS_NL_GRP_EVENTS | MBUS_NL_GRP_MONITOR);
	if (ret) {
		mbus_ctx_error(&c, "%s", mbus_nl_errmsg(c.nl));
		goto out;
	}
	before = c.bus.stats;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (!stop && (!count || cnt.frames < count)) {
		ret = mbus_nl_ntf_recv(c.nl, n, 200);
		if (ret == -EINTR || ret == 0)
			continue;
		if (ret == -ENOBUFS) {
			fprintf(stderr, "smcardctl mbus monitor: %s\n",
				mbus_nl_errmsg(c.nl));
			continue;
		}
		if (ret < 0) {
			mbus_ctx_error(&c, "%s", mbus_nl_errmsg(c.nl));
			goto out;
		}
		if (n->id != c.bus.id)
			continue;
		if (n->kind == MBUS_NL_NTF_MONITOR) {
			cnt.frames++;
			if (n->result == METERBUS_RESULT_COLLISION)
				cnt.collisions++;
			else if (n->result == METERBUS_RESULT_TIMEOUT)
				cnt.timeouts++;
			else if (n->result != METERBUS_RESULT_OK)
				cnt.bad++;
		}
		if (c.json) {
			struct json_object *j = ntf_json(n);

			printf("%s\n", json_object_to_json_string_ext(j,
				JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
			json_object_put(j);
		} else if (n->kind == MBUS_NL_NTF_BUS) {
			printf("event %s: %s %u Bd supply %s\n",
			       mbus_nl_event_name(n->event),
			       mbus_nl_role_name(n->bus.role), n->bus.baud,
			       n->bus.power ? "on" : "off");
		} else {
			print_text(n, cnt.last_ns);
		}
		if (n->kind == MBUS_NL_NTF_MONITOR)
			cnt.last_ns = n->timestamp_ns;
	}
	ret = 0;
	{
		struct mbus_nl_bus now;

		/* timeouts leave no frame: take them from the bus counters */
		if (!mbus_nl_bus_get(c.nl, NULL, c.bus.id, &now))
			cnt.timeouts = (unsigned long)(now.stats.timeouts - before.timeouts);
	}
	if (c.json)
		printf("{\"summary\":{\"frames\":%lu,\"timeouts\":%lu,\"collisions\":%lu,\"bad_frames\":%lu}}\n",
		       cnt.frames, cnt.timeouts, cnt.collisions, cnt.bad);
	else
		fprintf(stderr, "%lu frames, %lu timeouts, %lu collisions, %lu bad frames\n",
			cnt.frames, cnt.timeouts, cnt.collisions, cnt.bad);
out:
	free(n);
	mbus_ctx_close(&c);
	return ret ? 1 : 0;
}
