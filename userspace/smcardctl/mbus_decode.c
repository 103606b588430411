// SPDX-License-Identifier: GPL-2.0
/*
 * smcardctl mbus decode [--compact] [--key HEX] [FILE]: one frame as hex
 * bytes (the usual capture format; '#' starts a comment up to the end of
 * the line) from FILE or stdin, printed as JSON. With --key, an OMS
 * encrypted telegram (security mode 5 or 7) is decrypted. A telegram that
 * cannot be decrypted is still printed (header, plain records, the
 * encrypted bytes) and the error goes to stderr with status 1.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hexdump.h"
#include "mbus_cmd.h"
#include "mbus.h"

/* Captures are small; anything near this is not one M-Bus frame. */
#define MAX_TEXT	(64 * 1024)

static char *read_all(FILE *f, size_t *len)
{
	char *buf = malloc(MAX_TEXT + 1);
	size_t n;

	if (!buf)
		return NULL;
	n = fread(buf, 1, MAX_TEXT, f);
	if (ferror(f) || (n == MAX_TEXT && fgetc(f) != EOF)) {
		free(buf);
		errno = ferror(f) ? EIO : EFBIG;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Blank out comments so offsets in the text stay those of the file. */
static void strip_comments(char *s)
{
	bool comment = false;

	for (; *s; s++) {
		if (*s == '\n')
			comment = false;
		else if (*s == '#')
			comment = true;
		if (comment)
			*s = ' ';
	}
}

static void usage(FILE *f)
{
	fprintf(f, "usage: smcardctl mbus decode [--compact] [--key HEX] [FILE]\n\n"
		"  --compact            one line of JSON\n"
		"  --key HEX            the meter's AES-128 key (32 hex digits) for OMS\n"
		"                       security modes 5 and 7\n");
}

/*
 * Compact: the JSON text written straight from the telegram. Pretty: the
 * same through json-c, whose layout is the other tools'.
 */
static int print_json(const struct mbus_telegram *t, bool pretty)
{
	yajl_gen g;
	const unsigned char *buf;
	size_t len;
	int ret = -ENOMEM;

	if (pretty) {
		struct json_object *j = mbus_telegram_to_json(t);

		if (!j)
			return ret;
		printf("%s\n", json_object_to_json_string_ext(j,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
		return 0;
	}
	g = yajl_gen_alloc(NULL);
	if (!g)
		return ret;
	if (mbus_telegram_json_gen(g, t) == 0 &&
	    yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
		fwrite(buf, 1, len, stdout);
		if (!len || buf[len - 1] != '\n')
			putchar('\n');
		ret = 0;
	}
	yajl_gen_free(g);
	return ret;
}

int mbus_decode(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "compact", no_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *path = NULL;
	bool pretty = true, have_key = false;
	uint8_t frame[MBUS_MAX_FRAME + 1], key[MBUS_KEY_LEN];
	struct mbus_telegram t;
	struct mbus_error err = { 0 };
	size_t text_len, pos;
	char *text;
	FILE *in = stdin;
	long n;
	int opt, ret;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "ch", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			pretty = false;
			break;
		case 'k':
			if (mbus_key_parse(optarg, key)) {
				fprintf(stderr, "smcardctl mbus decode: --key: 32 hex digits (16 bytes)\n");
				return 2;
			}
			have_key = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind > 1) {
		usage(stderr);
		return 2;
	}
	if (optind < argc && strcmp(argv[optind], "-")) {
		path = argv[optind];
		in = fopen(path, "r");
		if (!in) {
			fprintf(stderr, "smcardctl mbus decode: %s: %s\n", path,
				strerror(errno));
			return 1;
		}
	}
	text = read_all(in, &text_len);
	if (in != stdin)
		fclose(in);
	if (!text) {
		fprintf(stderr, "smcardctl mbus decode: %s: %s\n",
			path ? path : "stdin", strerror(errno));
		return 1;
	}
	strip_comments(text);
	n = smcard_hex_parse(text, frame, sizeof(frame), &pos);
	free(text);
	if (n < 0) {
		fprintf(stderr,
			"smcardctl mbus decode: %s: bad hex input at character %zu%s\n",
			path ? path : "stdin", pos,
			pos >= text_len ? "" : " (or more bytes than one frame)");
		return 1;
	}
	if (n == 0) {
		fprintf(stderr, "smcardctl mbus decode: %s: no bytes\n",
			path ? path : "stdin");
		return 1;
	}

	mbus_telegram_init(&t);
	ret = mbus_telegram_parse_key(frame, (size_t)n, have_key ? key : NULL,
				      &t, &err);
	/* an encrypted telegram that stays encrypted is still shown */
	if (ret && !t.sec.error) {
		fprintf(stderr, "smcardctl mbus decode: %s: byte %zu: %s\n",
			path ? path : "stdin", err.pos, err.msg);
		mbus_telegram_free(&t);
		return 1;
	}
	if (print_json(&t, pretty)) {
		fprintf(stderr, "smcardctl mbus decode: out of memory\n");
		ret = 1;
	} else if (ret) {
		fprintf(stderr, "smcardctl mbus decode: %s: %s\n",
			path ? path : "stdin", t.sec.msg);
	}
	mbus_telegram_free(&t);
	return ret ? 1 : 0;
}
