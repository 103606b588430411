// SPDX-License-Identifier: GPL-2.0
/* smcardctl p1 decode: one telegram from a file or stdin to JSON. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "hexdump.h"
#include "p1_cmd.h"

static int read_all(FILE *f, uint8_t **data, size_t *len)
{
	size_t cap = 0, n = 0;
	uint8_t *buf = NULL;

	for (;;) {
		if (n == cap) {
			uint8_t *p;

			cap = cap ? cap * 2 : 65536;
			p = realloc(buf, cap + 1);
			if (!p) {
				free(buf);
				return -ENOMEM;
			}
			buf = p;
		}
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		return -EIO;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

/* Smarty captures come as raw bytes or as a hex dump of them. */
static int unhex_if_text(uint8_t **data, size_t *len)
{
	size_t pos;
	long n;

	if (!*len || (*data)[0] == 0xdb)
		return 0;
	n = smcard_hex_parse((const char *)*data, *data, *len, &pos);
	if (n < 0)
		return -1;
	*len = (size_t)n;
	return 0;
}

static void report(const char *name, const struct p1_error *err)
{
	if (err->line)
		fprintf(stderr, "smcardctl p1 decode: %s: byte %zu (line %u): %s\n",
			name, err->pos, err->line, err->msg);
	else
		fprintf(stderr, "smcardctl p1 decode: %s: byte %zu: %s\n",
			name, err->pos, err->msg);
}

static const struct option opts[] = {
	{ "key", required_argument, NULL, 'k' },
	{ "ak", required_argument, NULL, 'a' },
	{ "ignore-crc", no_argument, NULL, 'i' },
	{ "compact", no_argument, NULL, 'c' },
	{ "tz", required_argument, NULL, 'z' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

int p1_decode(int argc, char **argv)
{
	uint8_t key[16], ak[16];
	bool has_key = false, has_ak = false, compact = false;
	unsigned int flags = 0;
	const char *name = "stdin", *zone = P1_DEFAULT_TZ;
	struct p1_tz *tz = NULL;
	struct p1_framer fr;
	struct p1_telegram t;
	struct p1_error err = { 0 };
	const uint8_t *frame;
	size_t len, flen;
	uint8_t *data;
	FILE *f = stdin;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "k:a:icz:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'k':
			if (p1_parse_key(optarg, key)) {
				fprintf(stderr, "smcardctl p1 decode: --key wants 32 hex digits\n");
				return 2;
			}
			has_key = true;
			break;
		case 'a':
			if (p1_parse_key(optarg, ak)) {
				fprintf(stderr, "smcardctl p1 decode: --ak wants 32 hex digits\n");
				return 2;
			}
			has_ak = true;
			break;
		case 'i':
			flags |= P1_PARSE_IGNORE_CRC;
			break;
		case 'c':
			compact = true;
			break;
		case 'z':
			zone = optarg;
			break;
		case 'h':
			printf("usage: smcardctl p1 decode [--key HEX] [--ak HEX] [--ignore-crc] [--compact]\n"
			       "                           [--tz ZONE (default %s)] [FILE]\n", P1_DEFAULT_TZ);
			return 0;
		default:
			return 2;
		}
	}
	if (optind < argc - 1) {
		fprintf(stderr, "smcardctl p1 decode: one FILE at most\n");
		return 2;
	}
	if (p1_load_tz("decode", zone, &tz))
		return 2;
	if (optind == argc - 1 && strcmp(argv[optind], "-")) {
		name = argv[optind];
		f = fopen(name, "rb");
		if (!f) {
			fprintf(stderr, "smcardctl p1 decode: %s: %s\n", name,
				strerror(errno));
			p1_tz_free(tz);
			return 1;
		}
	}
	ret = read_all(f, &data, &len);
	if (f != stdin)
		fclose(f);
	if (ret) {
		fprintf(stderr, "smcardctl p1 decode: %s: %s\n", name,
			strerror(-ret));
		p1_tz_free(tz);
		return 1;
	}
	if (has_key && unhex_if_text(&data, &len)) {
		fprintf(stderr, "smcardctl p1 decode: %s: neither a Smarty frame (starting with DB) nor a hex dump of one\n",
			name);
		free(data);
		p1_tz_free(tz);
		return 1;
	}

	p1_framer_init(&fr, has_key ? P1_FRAME_SMARTY : P1_FRAME_TEXT, len + 1);
	ret = p1_framer_push(&fr, data, len);
	if (!ret)
		ret = p1_framer_next(&fr, true, &frame, &flen, &err);
	if (ret <= 0) {
		if (ret < 0)
			report(name, &err);
		else
			fprintf(stderr, "smcardctl p1 decode: %s: no telegram found in %zu bytes\n",
				name, len);
		p1_framer_free(&fr);
		free(data);
		p1_tz_free(tz);
		return 1;
	}

	ret = p1_decode_frame(frame, flen, has_key ? key : NULL,
			      has_ak ? ak : NULL, flags, tz, &t, &err);
	if (ret) {
		err.pos += (size_t)(frame - fr.buf) + (size_t)fr.offset;
		report(name, &err);
	} else {
		struct json_object *j = p1_to_json(&t);

		puts(json_object_to_json_string_ext(j, compact ?
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE :
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
	}
	p1_telegram_free(&t);
	p1_framer_free(&fr);
	free(data);
	p1_tz_free(tz);
	return ret ? 1 : 0;
}
