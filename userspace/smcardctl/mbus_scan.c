// SPDX-License-Identifier: GPL-2.0
/*
 * smcardctl mbus scan [--secondary [PATTERN]] [--first N] [--last N]
 *                     [--no-read] [--exhaustive] [common options]
 * Primary scan (SND_NKE to each address, REQ_UD2 to those that answer)
 * or secondary wildcard search; progress on stderr when it is a terminal.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mbus_cmd.h"
#include "mbus_common.h"

struct scan {
	struct mbus_ctx *c;
	struct json_object *meters;
	struct json_object *notes;
	bool tty;
	bool progress_shown;
};

static void clear_progress(struct scan *s)
{
	if (s->progress_shown) {
		fprintf(stderr, "\r\033[K");
		s->progress_shown = false;
	}
}

static void on_progress(void *arg, const struct mbus_scan_progress *p)
{
	struct scan *s = arg;

	if (!s->tty)
		return;
	if (p->secondary) {
		char pat[MBUS_SECADDR_STRLEN];

		mbus_secaddr_format(&p->pattern, pat);
		fprintf(stderr, "\r\033[Ksearching %s  probes %lu  found %u", pat,
			p->probes, p->found);
	} else {
		fprintf(stderr, "\r\033[Kaddress %3u/250  found %u", p->address,
			p->found);
	}
	fflush(stderr);
	s->progress_shown = true;
}

/* A limit the secondary search kept to: always on stderr, and in JSON. */
static void on_note(void *arg, const char *text)
{
	struct scan *s = arg;

	clear_progress(s);
	fprintf(stderr, "smcardctl mbus scan: note: %s\n", text);
	json_object_array_add(s->notes, json_object_new_string(text));
}

static int on_found(void *arg, const struct mbus_found *f)
{
	struct scan *s = arg;

	clear_progress(s);
	if (s->c->json) {
		struct json_object *o = f->has_secaddr ?
			mbus_secaddr_json(&f->sa) : json_object_new_object();

		json_object_object_add(o, "primary",
				       json_object_new_int(f->primary));
		json_object_object_add(o, "collision",
				       json_object_new_boolean(f->collision));
		json_object_array_add(s->meters, o);
		return 0;
	}
	if (f->has_secaddr) {
		char line[128];

		mbus_secaddr_text(&f->sa, line, sizeof(line));
		printf("%3u  %s%s\n", f->primary, line,
		       f->collision ? "  (several meters with this address)" : "");
	} else {
		printf("%3u  %s\n", f->primary, f->collision ?
		       "several meters answer at this address" :
		       "(no data)");
	}
	fflush(stdout);
	return 0;
}

/*
 * More meters than unit loads the supply can feed (each meter is at least
 * one): warn on stderr, and in the JSON output. Returns the warning or NULL.
 */
static const char *budget_warning(struct mbus_ctx *c, int found, char *buf,
				  size_t size)
{
	struct mbus_nl_bus b;

	if (mbus_nl_bus_get(c->nl, NULL, c->bus.id, &b) || !b.has_supply ||
	    (unsigned int)found <= b.unit_loads)
		return NULL;
	snprintf(buf, size,
		 "%d meters answered, but the %.1f V supply feeds %u unit loads (1.5 mA each): expect over-current trips or lost answers",
		 found, b.supply_mv / 1000.0, b.unit_loads);
	fprintf(stderr, "smcardctl mbus scan: warning: %s\n", buf);
	return buf;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: smcardctl mbus scan [--secondary [PATTERN]] [--first N] [--last N]\n"
		"                           [--no-read] [--exhaustive] [OPTIONS]\n\n"
		"  (default)            primary scan of the addresses 0..250\n"
		"  --secondary [PAT]    secondary wildcard search, below PATTERN (hex digits,\n"
		"                       F = any; e.g. 1234 for every ID starting with 1234)\n"
		"  --first N, --last N  primary address range\n"
		"  --no-read            primary: only SND_NKE, no REQ_UD2 for the identity\n"
		"  --exhaustive         secondary: try every value of manufacturer, version\n"
		"                       and medium even when the answers are explained, and\n"
		"                       all 26^3 manufacturer codes when collisions are garbage\n"
		MBUS_COMMON_USAGE
		"Probes that time out are not repeated unless --retries is given.\n");
}

int mbus_cmd_scan(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "secondary", optional_argument, NULL, 's' },
		{ "first", required_argument, NULL, 'f' },
		{ "last", required_argument, NULL, 'l' },
		{ "no-read", no_argument, NULL, 'n' },
		{ "exhaustive", no_argument, NULL, 'x' },
		MBUS_COMMON_OPTIONS,
		{ 0 }
	};
	struct mbus_ctx c;
	struct scan s = { .c = &c };
	struct mbus_scan_opts o = { .first = 0, .last = 250, .read_id = true,
				    .found = on_found, .note = on_note,
				    .progress = on_progress, .arg = &s };
	struct mbus_secaddr pattern = MBUS_SECADDR_WILDCARD;
	const char *warning;
	bool secondary = false;
	char warn[256];
	unsigned long v;
	double t0;
	char *end;
	int opt, ret;

	mbus_ctx_init(&c, "scan");
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		ret = mbus_ctx_option(&c, opt, optarg);
		if (ret < 0)
			return 2;
		if (ret)
			continue;
		switch (opt) {
		case 's':
			secondary = true;
			if (!optarg && optind < argc && argv[optind][0] != '-')
				optarg = argv[optind++];
			if (optarg && mbus_secaddr_parse(optarg, &pattern)) {
				mbus_ctx_error(&c, "bad pattern '%s' (up to 16 hex digits)",
					       optarg);
				return 2;
			}
			break;
		case 'f':
		case 'l':
			v = strtoul(optarg, &end, 10);
			if (*end || !*optarg || v > 250) {
				mbus_ctx_error(&c, "address 0..250 expected");
				return 2;
			}
			if (opt == 'f')
				o.first = (unsigned int)v;
			else
				o.last = (unsigned int)v;
			break;
		case 'n':
			o.read_id = false;
			break;
		case 'x':
			o.exhaustive = true;
			break;
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
	if (mbus_ctx_open(&c, 1))
		return 1;
	s.tty = isatty(STDERR_FILENO);
	s.meters = json_object_new_array();
	s.notes = json_object_new_array();
	t0 = mbus_now();
	if (secondary)
		ret = mbus_scan_secondary(&c.link, &pattern, &o);
	else
		ret = mbus_scan_primary(&c.link, &o);
	clear_progress(&s);
	if (ret < 0) {
		mbus_ctx_fail(&c, ret);
		json_object_put(s.meters);
		json_object_put(s.notes);
		mbus_ctx_close(&c);
		return 1;
	}
	warning = budget_warning(&c, ret, warn, sizeof(warn));
	if (c.json) {
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "bus", json_object_new_string(c.bus.name));
		if (warning)
			json_object_object_add(j, "warning",
					       json_object_new_string(warning));
		json_object_object_add(j, "mode", json_object_new_string(
					       secondary ? "secondary" : "primary"));
		json_object_object_add(j, "meters", s.meters);
		json_object_object_add(j, "notes", s.notes);
		json_object_object_add(j, "traffic",
				       mbus_traffic_json(&c, mbus_now() - t0));
		mbus_print_json(j);
	} else {
		json_object_put(s.meters);
		json_object_put(s.notes);
		printf("%d meter%s found (%lu requests, %.1f s)\n", ret,
		       ret == 1 ? "" : "s", c.link.stats.requests,
		       mbus_now() - t0);
	}
	mbus_ctx_close(&c);
	return 0;
}
