// SPDX-License-Identifier: GPL-2.0
/*
 * smcardctl mbus read ADDRESS [--max N] [--raw] [common options]
 * Reads a meter by primary or secondary address, every telegram of a
 * multi-telegram answer (FCB toggled after each valid reply, kept when a
 * request is repeated), decoded; --json prints the decoder's JSON form.
 * --key decrypts OMS security modes 5 and 7; a telegram that stays
 * encrypted is shown with its header, plain records and the error.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mbus_cmd.h"
#include "mbus_common.h"
#include "mbus.h"

struct reader {
	struct mbus_ctx *c;
	struct json_object *telegrams;
	bool raw;
	unsigned int n;
	const uint8_t *key;	/* NULL: no key */
	unsigned int undecrypted;
};

static void print_hex(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02X%s", p[i], i + 1 == n ? "\n" : " ");
}

static void print_text(const struct mbus_telegram *t)
{
	char sa[128];

	mbus_secaddr_text(&(struct mbus_secaddr){ t->header.id,
		t->header.manufacturer, t->header.version, t->header.medium },
		sa, sizeof(sa));
	printf("  address %u  %s  access %u  status 0x%02X\n", t->frame.a, sa,
	       t->header.access_number, t->header.status);
	for (size_t i = 0; i < t->n_records; i++) {
		const struct mbus_record *r = &t->records[i];
		char v[2 * MBUS_VALUE_MAX_BYTES + 1];

		mbus_value_format(&r->value, v, sizeof(v));
		printf("  %-24s %s %s", r->quantity, v, r->unit);
		if (r->function != MBUS_FUNC_INSTANTANEOUS)
			printf("  (%s)", mbus_function_name(r->function));
		if (r->storage)
			printf("  storage %llu", (unsigned long long)r->storage);
		if (r->tariff)
			printf("  tariff %u", r->tariff);
		if (r->subunit)
			printf("  subunit %u", r->subunit);
		if (r->description[0])
			printf("  [%s]", r->description);
		putchar('\n');
	}
}

static int on_telegram(void *arg, const uint8_t *frame, size_t len)
{
	struct reader *rd = arg;
	struct mbus_telegram t;
	struct mbus_error err = { 0 };
	int ret;

	rd->n++;
	mbus_telegram_init(&t);
	ret = mbus_telegram_parse_key(frame, len, rd->key, &t, &err);
	if (ret && t.sec.error) {
		/* the telegram is whole; only its encrypted part stays closed */
		rd->undecrypted++;
		fprintf(stderr, "smcardctl mbus read: telegram %u: %s\n", rd->n,
			t.sec.msg);
		ret = 0;
	}
	if (rd->c->json) {
		struct json_object *j = ret ? json_object_new_object() :
					      mbus_telegram_to_json(&t);
		char *hex = malloc(3 * len + 1);

		if (hex) {
			for (size_t i = 0; i < len; i++)
				sprintf(hex + 3 * i, "%02X ", frame[i]);
			hex[len ? 3 * len - 1 : 0] = '\0';
			json_object_object_add(j, "raw",
					       json_object_new_string(hex));
			free(hex);
		}
		if (ret)
			json_object_object_add(j, "error", json_object_new_string(err.msg));
		json_object_array_add(rd->telegrams, j);
	} else {
		printf("telegram %u (%zu bytes)\n", rd->n, len);
		if (rd->raw || ret)
			print_hex(frame, len);
		if (ret)
			printf("  cannot decode: byte %zu: %s\n", err.pos, err.msg);
		else
			print_text(&t);
	}
	mbus_telegram_free(&t);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: smcardctl mbus read ADDRESS [--max N] [--raw] [OPTIONS]\n\n"
		"  ADDRESS              primary address 0..250, or secondary address as\n"
		"                       16 hex digits (ID, manufacturer, version, medium)\n"
		"  --max N              at most N telegrams of a multi-telegram answer (16)\n"
		"  --raw                also print the frames as hex\n"
		"  --key HEX            the meter's AES-128 key (32 hex digits) for OMS\n"
		"                       security modes 5 and 7\n"
		MBUS_COMMON_USAGE);
}

int mbus_cmd_read(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "max", required_argument, NULL, 'm' },
		{ "raw", no_argument, NULL, 'r' },
		{ "key", required_argument, NULL, 'k' },
		MBUS_COMMON_OPTIONS,
		{ 0 }
	};
	struct mbus_ctx c;
	struct reader rd = { .c = &c };
	struct mbus_target t;
	unsigned long max = 16;
	uint8_t key[MBUS_KEY_LEN];
	char *end, name[32];
	double t0;
	int opt, ret;

	mbus_ctx_init(&c, "read");
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		ret = mbus_ctx_option(&c, opt, optarg);
		if (ret < 0)
			return 2;
		if (ret)
			continue;
		switch (opt) {
		case 'm':
			max = strtoul(optarg, &end, 10);
			if (*end || !max || max > 1000) {
				mbus_ctx_error(&c, "--max: 1..1000");
				return 2;
			}
			break;
		case 'r':
			rd.raw = true;
			break;
		case 'k':
			if (mbus_key_parse(optarg, key)) {
				mbus_ctx_error(&c, "--key: 32 hex digits (16 bytes)");
				return 2;
			}
			rd.key = key;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	if (mbus_target_parse(argv[optind], &t)) {
		mbus_ctx_error(&c, "bad address '%s': 0..250 or 16 hex digits",
			       argv[optind]);
		return 2;
	}
	if (mbus_ctx_open(&c, 2))
		return 1;
	rd.telegrams = json_object_new_array();
	t0 = mbus_now();
	ret = mbus_read(&c.link, &t, (unsigned int)max, on_telegram, &rd);
	t0 = mbus_now() - t0;
	if (ret < 0) {
		mbus_ctx_fail(&c, ret);
		json_object_put(rd.telegrams);
		mbus_ctx_close(&c);
		return 1;
	}
	if (c.json) {
		struct json_object *j = json_object_new_object();

		mbus_target_format(&t, name, sizeof(name));
		json_object_object_add(j, "bus", json_object_new_string(c.bus.name));
		json_object_object_add(j, "address", json_object_new_string(name));
		json_object_object_add(j, "telegrams", rd.telegrams);
		json_object_object_add(j, "traffic", mbus_traffic_json(&c, t0));
		mbus_print_json(j);
	} else {
		json_object_put(rd.telegrams);
	}
	mbus_ctx_close(&c);
	return rd.undecrypted ? 1 : 0;
}
