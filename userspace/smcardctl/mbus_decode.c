// SPDX-License-Identifier: GPL-2.0
/*
 * smcardctl mbus decode [--compact] [FILE]: one frame as hex bytes (the
 * usual capture format; '#' starts a comment up to the end of the line)
 * from FILE or stdin, printed as JSON.
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
	fprintf(f, "usage: smcardctl mbus decode [--compact] [FILE]\n");
}

int mbus_decode(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "compact", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *path = NULL;
	int flags = JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE;
	uint8_t frame[MBUS_MAX_FRAME + 1];
	struct mbus_telegram t;
	struct mbus_error err = { 0 };
	struct json_object *j;
	size_t text_len, pos;
	char *text;
	FILE *in = stdin;
	long n;
	int opt, ret;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "ch", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			flags = JSON_C_TO_STRING_PLAIN |
				JSON_C_TO_STRING_NOSLASHESCAPE;
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
	ret = mbus_telegram_parse(frame, (size_t)n, &t, &err);
	if (ret) {
		fprintf(stderr, "smcardctl mbus decode: %s: byte %zu: %s\n",
			path ? path : "stdin", err.pos, err.msg);
		mbus_telegram_free(&t);
		return 1;
	}
	j = mbus_telegram_to_json(&t);
	mbus_telegram_free(&t);
	if (!j) {
		fprintf(stderr, "smcardctl mbus decode: out of memory\n");
		return 1;
	}
	printf("%s\n", json_object_to_json_string_ext(j, flags));
	json_object_put(j);
	return 0;
}
