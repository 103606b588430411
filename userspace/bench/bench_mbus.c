// SPDX-License-Identifier: GPL-2.0
/*
 * Decode cost of M-Bus telegrams, split into parse (frame, header,
 * records, normalised values) and JSON output (the json-c tree of
 * mbus_telegram_to_json() and its text), for a corpus of varied
 * telegrams: every file of the unit-test corpus (tests/data/mbus, real
 * meter layouts and quirks), the benchmark's 100-byte RSP_UD and the
 * RSP_UDs of generated meters of every medium. Heap allocations in the
 * parse path are counted too (malloc is interposed in this program).
 *
 *   bench_mbus [--iterations N] [--data DIR] [--typical FILE]
 *              [--only parse|json|object [--frame NAME]]
 *
 * --only repeats one operation over the corpus (or one telegram of it)
 * and prints only the number of telegrams: the instruction counts of
 * selftests/mbus-user/bench_mbus_callgrind.sh are the difference between
 * such a run and one with --iterations 0.
 * Each figure is printed beside a reference: the wire time of the same
 * telegram at 38400 Bd (11 bits a byte), or the target. The encrypted
 * telegrams of the corpus are decrypted with their key (AES in the
 * parse figure).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hexdump.h"
#include "mbus.h"

#define MAX_FRAMES	128
#define GENERATED	24

/* --- counting the heap allocations of the code under test ------------- */

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);
void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);

static unsigned long allocations;

void *malloc(size_t size)
{
	allocations++;
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	allocations++;
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	allocations++;
	return __libc_realloc(p, size);
}

/* --- the corpus -------------------------------------------------------- */

struct frame {
	char name[64];
	uint8_t b[MBUS_MAX_FRAME];
	size_t len;
};

struct corpus {
	struct frame f[MAX_FRAMES];
	size_t n;
	size_t files;
};

static long load_hex(const char *path, uint8_t *out, size_t size)
{
	char text[8192];
	bool comment = false;
	size_t n, pos;
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '\n')
			comment = false;
		else if (text[i] == '#')
			comment = true;
		if (comment)
			text[i] = ' ';
	}
	return smcard_hex_parse(text, out, size, &pos);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct frame *)a)->name,
		      ((const struct frame *)b)->name);
}

static int add_file(struct corpus *c, const char *dir, const char *name)
{
	struct frame *f = &c->f[c->n];
	char path[1024];
	long n;

	if (c->n == MAX_FRAMES)
		return -ENOSPC;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	n = load_hex(path, f->b, sizeof(f->b));
	if (n <= 0) {
		fprintf(stderr, "bench_mbus: %s: %s\n", path,
			n < 0 ? "cannot read or bad hex" : "empty");
		return -EINVAL;
	}
	snprintf(f->name, sizeof(f->name), "%.*s", (int)strcspn(name, "."),
		 name);
	f->len = (size_t)n;
	c->n++;
	return 0;
}

static int load_dir(struct corpus *c, const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	size_t first = c->n;

	if (!d) {
		fprintf(stderr, "bench_mbus: %s: %s\n", dir, strerror(errno));
		return -errno;
	}
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (l > 4 && !strcmp(e->d_name + l - 4, ".hex") &&
		    add_file(c, dir, e->d_name)) {
			closedir(d);
			return -EINVAL;
		}
	}
	closedir(d);
	qsort(c->f + first, c->n - first, sizeof(c->f[0]), by_name);
	return 0;
}

/* RSP_UDs of generated meters, one per medium and record set. */
static int add_generated(struct corpus *c, size_t n)
{
	struct mbus_meterset ms;
	uint8_t req[5];
	int ret;

	mbus_meterset_init(&ms);
	ret = mbus_meterset_generate(&ms, n, 23, true);
	for (size_t i = 0; !ret && i < ms.n && c->n < MAX_FRAMES; i++) {
		struct mbus_meter *m = &ms.meters[i]->m;
		struct frame *f = &c->f[c->n];
		int len;

		mbus_frame_build_short(req, sizeof(req), MBUS_C_REQ_UD2,
				       m->primary);
		len = mbus_meter_handle(m, req, sizeof(req), f->b,
					sizeof(f->b), NULL);
		if (len <= 0) {
			ret = len < 0 ? len : -EIO;
			break;
		}
		f->len = (size_t)len;
		snprintf(f->name, sizeof(f->name), "generated_%02zu_medium_%02X",
			 i, m->addr.medium);
		c->n++;
	}
	mbus_meterset_free(&ms);
	return ret;
}

/* --- measuring --------------------------------------------------------- */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* The key of the corpus's encrypted telegrams (tests/data/mbus/README.md). */
static const uint8_t corpus_key[MBUS_KEY_LEN] = {
	0x51, 0x72, 0x89, 0x10, 0xE6, 0x6D, 0x83, 0xF8,
	0x51, 0x72, 0x89, 0x10, 0xE6, 0x6D, 0x83, 0xF8,
};

static int parse(const struct frame *f, struct mbus_telegram *t)
{
	mbus_telegram_init(t);
	return mbus_telegram_parse_key(f->b, f->len, corpus_key, t, NULL);
}

/* The text, as smcardctl writes it: one generator, cleared per telegram. */
static size_t to_json(const struct mbus_telegram *t)
{
	static yajl_gen g;
	const unsigned char *buf;
	size_t len = 0;

	if (!g)
		g = yajl_gen_alloc(NULL);
	yajl_gen_reset(g, NULL);
	yajl_gen_clear(g);
	if (g && mbus_telegram_json_gen(g, t) == 0)
		yajl_gen_get_buf(g, &buf, &len);
	return len;
}

/* The json-c object that tools add to, and its text. */
static size_t to_json_object(const struct mbus_telegram *t)
{
	struct json_object *j = mbus_telegram_to_json(t);
	size_t len = 0;

	if (j) {
		len = strlen(json_object_to_json_string_ext(j,
				JSON_C_TO_STRING_PLAIN |
				JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
	}
	return len;
}

struct cost {
	double parse_ns, json_ns, object_ns;
	double parse_allocs, reused_ns, reused_allocs;
	size_t records, json_len;
	bool encrypted;
	int ret;
};

static void measure(const struct frame *f, long n, struct cost *c)
{
	struct mbus_telegram t;
	unsigned long a0;
	double t0;

	memset(c, 0, sizeof(*c));
	c->ret = parse(f, &t);
	c->records = t.n_records;
	c->encrypted = t.sec.decrypted;
	c->json_len = c->ret ? 0 : to_json(&t);
	mbus_telegram_free(&t);
	if (n <= 0)
		return;

	a0 = allocations;
	t0 = now_ns();
	for (long i = 0; i < n; i++) {
		parse(f, &t);
		mbus_telegram_free(&t);
	}
	c->parse_ns = (now_ns() - t0) / (double)n;
	c->parse_allocs = (double)(allocations - a0) / (double)n;

	/* one telegram parsed into again and again keeps its records */
	mbus_telegram_init(&t);
	mbus_telegram_parse_key(f->b, f->len, corpus_key, &t, NULL);
	a0 = allocations;
	t0 = now_ns();
	for (long i = 0; i < n; i++)
		mbus_telegram_parse_key(f->b, f->len, corpus_key, &t, NULL);
	c->reused_ns = (now_ns() - t0) / (double)n;
	c->reused_allocs = (double)(allocations - a0) / (double)n;
	mbus_telegram_free(&t);

	if (c->ret)
		return;
	parse(f, &t);
	t0 = now_ns();
	for (long i = 0; i < n; i++)
		to_json(&t);
	c->json_ns = (now_ns() - t0) / (double)n;
	t0 = now_ns();
	for (long i = 0; i < n / 4; i++)
		to_json_object(&t);
	c->object_ns = (now_ns() - t0) / (double)(n / 4 ? n / 4 : 1);
	mbus_telegram_free(&t);
}

static bool access_ok(const char *path)
{
	FILE *f = fopen(path, "r");

	if (f)
		fclose(f);
	return f != NULL;
}

/*
 * Only one operation over the corpus, @n times, nothing printed: what
 * callgrind counts, less a run with @n = 0 (loading and, for JSON, the
 * one parse per telegram that the JSON needs).
 */
static void repeat_only(const struct corpus *c, const char *what, long n)
{
	static struct mbus_telegram t[MAX_FRAMES];
	bool json = !strcmp(what, "json") || !strcmp(what, "object");
	bool object = !strcmp(what, "object");

	for (size_t k = 0; json && k < c->n; k++)
		parse(&c->f[k], &t[k]);
	for (long i = 0; i < n; i++) {
		for (size_t k = 0; k < c->n; k++) {
			if (object) {
				to_json_object(&t[k]);
			} else if (json) {
				to_json(&t[k]);
			} else {
				parse(&c->f[k], &t[k]);
				mbus_telegram_free(&t[k]);
			}
		}
	}
	for (size_t k = 0; json && k < c->n; k++)
		mbus_telegram_free(&t[k]);
}

static double wire_ns(size_t len, unsigned int baud)
{
	return (double)len * 11 / baud * 1e9;
}

int main(int argc, char **argv)
{
	static struct corpus c;
	const char *data = getenv("SMCARD_MBUS_DATA");
	const char *typical = NULL, *only = NULL, *frame = NULL;
	double sum_p = 0, sum_j = 0, sum_o = 0, sum_a = 0, sum_ra = 0;
	double sum_len = 0, max_p = 0, enc_a = 0;
	size_t enc = 0, plain_records = 0;
	const char *max_name = "";
	size_t failed = 0, records = 0;
	long n = 20000;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--iterations") && i + 1 < argc) {
			n = strtol(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--data") && i + 1 < argc) {
			data = argv[++i];
		} else if (!strcmp(argv[i], "--typical") && i + 1 < argc) {
			typical = argv[++i];
		} else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
			only = argv[++i];
		} else if (!strcmp(argv[i], "--frame") && i + 1 < argc) {
			frame = argv[++i];
		} else {
			fprintf(stderr, "usage: bench_mbus [--iterations N] [--data DIR] "
				"[--typical FILE] [--only parse|json|object [--frame NAME]]\n");
			return 2;
		}
	}
	if (n < 0) {
		fprintf(stderr, "bench_mbus: --iterations must be >= 0\n");
		return 2;
	}
	if (!data)
		data = access_ok("userspace/tests/data/mbus") ?
		       "userspace/tests/data/mbus" : "tests/data/mbus";
	ret = load_dir(&c, data);
	c.files = c.n;
	if (!ret && !typical)
		typical = access_ok("selftests/mbus-user/read100.hex") ?
			  "selftests/mbus-user/read100.hex" :
			  "../selftests/mbus-user/read100.hex";
	if (!ret) {
		char dir[512];
		const char *slash = strrchr(typical, '/');

		snprintf(dir, sizeof(dir), "%.*s",
			 slash ? (int)(slash - typical) : 1,
			 slash ? typical : ".");
		ret = add_file(&c, dir, slash ? slash + 1 : typical);
	}
	if (!ret)
		ret = add_generated(&c, GENERATED);
	if (ret) {
		fprintf(stderr, "bench_mbus: cannot load the corpus\n");
		return 1;
	}
	if (only) {
		if (frame) {
			size_t k = 0;

			while (k < c.n && strcmp(c.f[k].name, frame))
				k++;
			if (k == c.n) {
				fprintf(stderr, "bench_mbus: no telegram %s\n", frame);
				return 1;
			}
			c.f[0] = c.f[k];
			c.n = 1;
		}
		repeat_only(&c, only, n);
		printf("%zu\n", c.n);
		return 0;
	}
	if (!n)
		return 0;
	printf("M-Bus decode cost per telegram, %zu telegrams (%zu files of %s, "
	       "1 typical RSP_UD, %zu generated meters), %ld runs each\n",
	       c.n, c.files, data, c.n - c.files - 1, n);
	printf("%-34s %5s %4s %8s %8s %8s %6s %9s\n", "telegram", "bytes",
	       "recs", "parse", "JSON", "json-c", "allocs", "wire 38400");
	for (size_t i = 0; i < c.n; i++) {
		struct cost k;

		measure(&c.f[i], n, &k);
		printf("%-34s %5zu %4zu %5.0f ns %5.0f ns %5.0f ns %6.1f %6.0f us%s\n",
		       c.f[i].name, c.f[i].len, k.records, k.parse_ns,
		       k.json_ns, k.object_ns, k.parse_allocs,
		       wire_ns(c.f[i].len, 38400) / 1e3,
		       k.ret ? "  (does not decode)" : "");
		failed += k.ret != 0;
		records += k.records;
		sum_p += k.parse_ns;
		sum_j += k.json_ns;
		sum_o += k.object_ns;
		if (k.encrypted) {
			enc++;
			enc_a += k.reused_allocs;
		} else {
			plain_records += k.records;
			sum_a += k.parse_allocs;
			sum_ra += k.reused_allocs;
		}
		sum_len += (double)c.f[i].len;
		if (k.parse_ns > max_p) {
			max_p = k.parse_ns;
			max_name = c.f[i].name;
		}
	}
	printf("# figure: mbus decode | telegrams in the corpus (that do not decode) "
	       "| %zu (%zu) | >= 30 (0)\n", c.n, failed);
	printf("# figure: mbus decode | parse, corpus mean (%.0f bytes, %.1f records) "
	       "| %.0f ns | wire time at 38400 Bd: %.0f us\n",
	       sum_len / (double)c.n, (double)records / (double)c.n,
	       sum_p / (double)c.n,
	       wire_ns((size_t)(sum_len / (double)c.n), 38400) / 1e3);
	printf("# figure: mbus decode | parse, slowest (%s) | %.0f ns | \n",
	       max_name, max_p);
	printf("# figure: mbus decode | JSON text, corpus mean | %.0f ns | \n",
	       sum_j / (double)(c.n - failed));
	printf("# figure: mbus decode | json-c object and text, corpus mean | %.0f ns | \n",
	       sum_o / (double)(c.n - failed));
	printf("# figure: mbus decode | heap allocations per record in parse, plain "
	       "telegrams | %.3f (%.2f per telegram; %.2f into a reused telegram) | 0\n",
	       sum_a / (double)(plain_records ? plain_records : 1),
	       sum_a / (double)(c.n - enc), sum_ra / (double)(c.n - enc));
	printf("# figure: mbus decode | heap allocations of decryption (libcrypto "
	       "contexts) | %.1f per encrypted telegram (%zu telegrams) | \n",
	       enc ? enc_a / (double)enc : 0.0, enc);
	{
		struct cost k;
		const struct frame *f = &c.f[c.files];

		measure(f, n, &k);
		printf("# figure: mbus decode | typical %zu-byte RSP_UD (%s, %zu "
		       "records): parse + normalise | %.0f ns (%.0f ns reused) | < 1000 ns\n",
		       f->len, f->name, k.records, k.parse_ns, k.reused_ns);
		printf("# figure: mbus decode | typical %zu-byte RSP_UD: JSON "
		       "text (%zu characters) | %.0f ns | < 3000 ns\n", f->len,
		       k.json_len, k.json_ns);
		printf("# figure: mbus decode | typical %zu-byte RSP_UD: json-c "
		       "object and text | %.0f ns | \n", f->len, k.object_ns);
	}
	return failed ? 1 : 0;
}
