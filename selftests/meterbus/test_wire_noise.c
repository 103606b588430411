// SPDX-License-Identifier: GPL-2.0
/*
 * Wire noise on the M-Bus, master and slave role, at 2400 and 9600 Bd:
 * random bytes, truncated frames, frames whose length field lies, bursts
 * in the middle of a frame, a stuck line and a slave at the wrong baud
 * rate, played on the simulator's M-Bus peer (/dev/smcard-sim-mbus) by
 * this program. After each fault the card must come back to a good
 * transfer on its own: the time from the fault's last byte on the wire to
 * the next good transfer is the figure.
 *
 *   test_wire_noise [ROUNDS]   faults of each kind per role and baud
 *                              (default 1, or $STRESS_NOISE_ROUNDS)
 *   $STRESS_NOISE_STUCK_MS     how long the line is stuck (default 1000)
 *
 * The models:
 * - a stuck line (a continuous break, or a slave holding the line low) is
 *   a stream of 0x00 characters back to back: a UART decodes a break as
 *   0x00 with a framing error, and serdev hands the bytes over without
 *   their flags;
 * - a slave at the wrong baud rate: its answer, sent at another rate
 *   (8E1), is decoded by a UART at the card's rate, bit by bit (16 times
 *   oversampling, start bit checked in its middle, a character with a
 *   low stop bit delivered all the same, the next start looked for once
 *   the line is high again); the bytes that UART hands over are sent at
 *   the card's rate, back to back.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "meterbus_nl.h"
#include "stallwatch.h"

#define PEER "/dev/smcard-sim-mbus"
#define SIM "/sys/kernel/debug/smcard-sim"
#define GROUP "wire noise"

/* The M-Bus character: start, 8 data, even parity, stop */
#define CHAR_BITS 11
#define ADDR 5
/* The slave role: the card answers as this primary address */
#define SLAVE_ADDR 11

enum fault {
	F_RANDOM,	/* random bytes instead of the answer */
	F_TRUNCATED,	/* the answer cut short */
	F_OVERLONG,	/* the length field lies: larger, smaller, a tail */
	F_BURST,	/* random bytes in the middle of the answer */
	F_STUCK,	/* the line stuck at 0 for a while */
	F_BAUD,		/* the answer at another baud rate */
	F_NUM,
	F_GOOD = F_NUM,	/* no fault: answer right */
};

static const char *const fault_name[F_NUM] = {
	"random bytes", "truncated frame", "overlong frame",
	"burst in a frame", "stuck line", "wrong baud rate",
};

/* ---- netlink ---------------------------------------------------------- */

/* A slave-frame on the listener socket within @ms, else .done == 0 */
static struct mbnl_reply wait_frame(struct mbnl *nl, int ms)
{
	return mbnl_wait_ntf(nl, METERBUS_CMD_SLAVE_FRAME, ms);
}

/* ---- frames and noise ------------------------------------------------- */

/* RSP_UD of meter ADDR; the access number carries @seq */
static size_t rsp_ud(unsigned char *f, unsigned char seq)
{
	static const unsigned char body[] = {
		0x08, ADDR, 0x72, 0x78, 0x56, 0x34, 0x12, 0x77, 0x04, 0x01,
		0x07, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x13, 0x12, 0x13, 0x14,
		0x15,
	};
	unsigned char sum = 0;
	size_t n = 0, i;

	f[n++] = 0x68;
	f[n++] = sizeof(body);
	f[n++] = sizeof(body);
	f[n++] = 0x68;
	memcpy(f + n, body, sizeof(body));
	f[n + 11] = seq;	/* access number */
	n += sizeof(body);
	for (i = 4; i < n; i++)
		sum += f[i];
	f[n++] = sum;
	f[n++] = 0x16;
	return n;
}

#define RSP_LEN 27

static unsigned int rnd(unsigned int *seed, unsigned int n)
{
	return rand_r(seed) % n;
}

/* Wire level at time @t (s) of @in sent at @baud, 8E1, from t = 0 */
static int line_at(const unsigned char *in, size_t n, double baud, double t)
{
	long bit = (long)(t * baud);
	long ch = bit / CHAR_BITS;
	int k = bit % CHAR_BITS, par = 0, i;

	if (t < 0 || ch >= (long)n)
		return 1;
	if (k == 0)
		return 0;
	if (k <= 8)
		return (in[ch] >> (k - 1)) & 1;
	if (k == 9) {
		for (i = 0; i < 8; i++)
			par ^= (in[ch] >> i) & 1;
		return par;
	}
	return 1;
}

/*
 * What a UART at @card Bd hands over from @in sent at @peer Bd (see the
 * head of the file). Returns the number of bytes in @out (at most @max).
 */
static size_t wrong_baud(const unsigned char *in, size_t n, double peer,
			 double card, unsigned char *out, size_t max)
{
	double step = 1 / (16 * card), bit = 1 / card;
	double end = n * CHAR_BITS / peer + 2 * CHAR_BITS * bit, t = 0;
	size_t m = 0;
	int prev = 1, k;

	while (t < end && m < max) {
		int lvl = line_at(in, n, peer, t);
		unsigned char b = 0;

		if (!(prev == 1 && lvl == 0)) {
			prev = lvl;
			t += step;
			continue;
		}
		/* a falling edge: check the start bit in its middle */
		if (line_at(in, n, peer, t + bit / 2)) {
			prev = 1;
			t += step;
			continue;
		}
		for (k = 0; k < 8; k++)
			b |= line_at(in, n, peer, t + (k + 1.5) * bit) << k;
		out[m++] = b;
		/* after the stop bit's middle, wait for the line to go high */
		t += (CHAR_BITS - 0.5) * bit;
		while (t < end && !line_at(in, n, peer, t))
			t += step;
		prev = 1;
	}
	return m;
}

/* ---- the peer --------------------------------------------------------- */

static int peer_fd = -1;

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int put(const unsigned char *b, size_t n)
{
	while (n) {
		ssize_t w = write(peer_fd, b, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= w;
	}
	return 0;
}

/* Everything written has left the wire; returns the time it did. */
static double drained(void)
{
	while (fsync(peer_fd) && errno == EINTR)
		;
	return mono();
}

/* Drop what the card sent so far */
static void peer_flush(void)
{
	unsigned char buf[512];
	int fl = fcntl(peer_fd, F_GETFL);

	fcntl(peer_fd, F_SETFL, fl | O_NONBLOCK);
	while (read(peer_fd, buf, sizeof(buf)) > 0)
		;
	fcntl(peer_fd, F_SETFL, fl);
}

static unsigned int stuck_ms = 1000;
static long injected;		/* noise bytes put on the wire */

/*
 * Noise of kind @f for one frame @good (length @n), into @out; the
 * stuck line is not built here. Returns the number of bytes.
 */
static size_t make_fault(enum fault f, const unsigned char *good, size_t n,
			 unsigned int *seed, unsigned int baud, unsigned int round,
			 unsigned char *out, size_t max)
{
	size_t m, i, at;

	switch (f) {
	case F_RANDOM:
		m = 2 + rnd(seed, 300);
		for (i = 0; i < m; i++)
			out[i] = rand_r(seed);
		return m;
	case F_TRUNCATED:
		m = 1 + rnd(seed, n - 1);
		memcpy(out, good, m);
		return m;
	case F_OVERLONG:
		/* the variants in turn, the first in every role and baud */
		memcpy(out, good, n);
		switch (round % 3) {
		case 0:	/* L says far more than there is */
			if (good[0] == 0x68)
				out[1] = out[2] = 200 + rnd(seed, 56);
			else	/* a short frame: make it a long one's head */
				out[0] = 0x68;
			return n;
		case 1:	/* L says less: checksum and stop are wrong */
			if (good[0] == 0x68)
				out[1] = out[2] = 3 + rnd(seed, good[1] - 3);
			else
				out[3] ^= 0x5a;
			return n;
		default:	/* bytes after the frame */
			m = n + 1 + rnd(seed, 40);
			for (i = n; i < m; i++)
				out[i] = rand_r(seed);
			return m;
		}
	case F_BURST:
		at = 1 + rnd(seed, n - 1);
		m = 1 + rnd(seed, 30);
		memcpy(out, good, at);
		for (i = 0; i < m; i++)
			out[at + i] = rand_r(seed);
		memcpy(out + at + m, good + at, n - at);
		return n + m;
	case F_BAUD: {
		static const unsigned int other[2][2] = { { 9600, 300 },
							  { 38400, 2400 } };

		return wrong_baud(good, n, other[baud == 9600][rnd(seed, 2)],
				  baud, out, max);
	}
	default:
		return 0;
	}
}

/* The stuck line: 0x00 back to back for stuck_ms */
static void stuck(unsigned int baud)
{
	static const unsigned char zero[256];
	long n = (long)stuck_ms * baud / (1000 * CHAR_BITS);

	injected += n;
	while (n > 0) {
		long k = n < (long)sizeof(zero) ? n : (long)sizeof(zero);

		if (put(zero, k))
			return;
		n -= k;
	}
}

/* ---- master role ------------------------------------------------------ */

/*
 * The meter: reads requests, answers each according to the plan that the
 * transfer in flight set. After a fault it drops what the card sent
 * meanwhile (a meter does not hear requests while the line is held) and
 * stamps the fault's end.
 */
struct plan {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	enum fault fault;
	unsigned char seq;
	unsigned int baud;
	unsigned int seed;
	unsigned int round;
	int stop;
	double fault_end;	/* 0 until the fault has left the wire */
};

static struct plan plan = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

/* Read one request (resyncing on garbage); 0 if told to stop */
static size_t get_request(unsigned char *f)
{
	struct pollfd p = { .fd = peer_fd, .events = POLLIN };
	size_t n = 0, want = 0;

	for (;;) {
		if (__atomic_load_n(&plan.stop, __ATOMIC_ACQUIRE))
			return 0;
		if (poll(&p, 1, 50) <= 0)
			continue;
		if (read(peer_fd, f + n, 1) != 1)
			continue;
		n++;
		if (n == 1 && f[0] == 0x10)
			want = 5;
		else if (n == 1 && f[0] != 0x68)
			n = 0;
		else if (n == 2 && f[0] == 0x68)
			want = f[1] + 6;
		if (want && n == want)
			return n;
	}
}

static void *meter(void *arg)
{
	unsigned char req[METERBUS_FRAME_MAX], good[METERBUS_FRAME_MAX];
	unsigned char out[4096];
	double end;
	size_t n, m;

	while ((n = get_request(req))) {
		enum fault f;

		if (n != 5 || req[1] != 0x7b || req[2] != ADDR)
			continue;
		pthread_mutex_lock(&plan.lock);
		f = plan.fault;
		n = rsp_ud(good, plan.seq);
		if (f == F_STUCK) {
			m = 0;
		} else if (f != F_GOOD) {
			m = make_fault(f, good, n, &plan.seed, plan.baud,
				       plan.round, out, sizeof(out));
		} else {
			memcpy(out, good, n);
			m = n;
		}
		plan.fault = F_GOOD;	/* a fault once */
		pthread_mutex_unlock(&plan.lock);

		if (f == F_STUCK)
			stuck(plan.baud);
		else if (put(out, m))
			break;
		if (f == F_GOOD)
			continue;
		if (f != F_STUCK)
			injected += m;
		end = drained();
		peer_flush();
		pthread_mutex_lock(&plan.lock);
		plan.fault_end = end;
		pthread_cond_broadcast(&plan.cond);
		pthread_mutex_unlock(&plan.lock);
	}
	return NULL;
}

struct ctx {
	struct mbnl nl;
	__u32 id;
	struct stallwatch sw;
	unsigned int rounds;
	unsigned int seed;
};

static const char *const result_name[] = {
	"ok", "timeout", "collision", "bad checksum", "bad length", "bad stop",
	"incomplete", "garbage", "over-current", "power fault",
};

static const char *res_name(unsigned int r)
{
	return r < sizeof(result_name) / sizeof(result_name[0]) ?
	       result_name[r] : "?";
}

/*
 * A faulted transfer ends with a timeout or a frame error; it is "ok" only
 * if the noise happened to be one valid frame, never the meter's answer
 * (which was not sent).
 */
static int sane(enum fault f, const struct mbnl_reply *r)
{
	unsigned char good[RSP_LEN];

	switch (r->result) {
	case METERBUS_RESULT_OK:
		rsp_ud(good, r->frame_len == RSP_LEN ? r->frame[15] : 0);
		return (f == F_RANDOM || f == F_BAUD) &&
		       (r->frame_len != RSP_LEN || memcmp(r->frame, good, RSP_LEN));
	case METERBUS_RESULT_TIMEOUT:
	case METERBUS_RESULT_COLLISION:
	case METERBUS_RESULT_BAD_CHECKSUM:
	case METERBUS_RESULT_BAD_LENGTH:
	case METERBUS_RESULT_BAD_STOP:
	case METERBUS_RESULT_INCOMPLETE:
		return 1;
	default:
		return 0;
	}
}

static double med(double *v, int n)
{
	int i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n ? v[n / 2] : 0;
}

/* EN 13757-2 reply window at @baud, s */
static double window(unsigned int baud)
{
	return 330.0 / baud + 0.050;
}

static double chars(unsigned int baud, double n)
{
	return n * CHAR_BITS / baud;
}

/*
 * How much later than the physics a recovery may be before it counts
 * against the kernel, beyond the emulator's stalls: the meter and the
 * test are processes in an emulated guest (netlink, scheduling, the
 * meter's turnaround), and a good transfer whose answer the meter sent
 * late is asked again.
 */
#define SLACK_S 0.5

static struct mbnl_reply xfer(struct ctx *c, const unsigned char *f, size_t n)
{
	return mbnl_req(&c->nl, METERBUS_CMD_XFER, 0, (struct mbnl_attr []){
		MBNL_U32(METERBUS_A_XFER_ID, c->id),
		MBNL_BIN_N(METERBUS_A_XFER_FRAME, f, n), MBNL_END });
}

/*
 * A transfer that ends at @t1 (ns); *@longest keeps the longest transfer
 * beyond the emulator's stalls.
 */
static struct mbnl_reply timed_xfer(struct ctx *c, const unsigned char *f,
				    size_t n, int64_t *t1, double *longest)
{
	int64_t t0 = stallwatch_now();
	struct mbnl_reply r = xfer(c, f, n);
	double dt, stalled;

	*t1 = stallwatch_now();
	stallwatch_settle();
	dt = (*t1 - t0) / 1e9;
	stalled = stallwatch_stalled(&c->sw, t0, *t1) / 1e9;
	if (dt - stalled > *longest)
		*longest = dt - stalled;
	return r;
}

static void master(struct ctx *c, unsigned int baud)
{
	static const unsigned char req_ud2[] = { 0x10, 0x7b, ADDR, 0x80, 0x16 };
	/*
	 * The faulted transfer ends at most one reply window after the last
	 * noise byte (a frame cut short waits that long for its rest); then
	 * a good transfer: the request, the meter's turnaround (at least 11
	 * bit times), the answer and 11 quiet bit times.
	 */
	double limit = window(baud) + chars(baud, 5 + 1 + RSP_LEN + 1) + 0.002;
	/* a line that never goes quiet: the core gives up after 2 frames */
	double hard = window(baud) + chars(baud, 2 * METERBUS_FRAME_MAX);
	int total = c->rounds * F_NUM, k = 0, insane = 0, lost = 0, shifted = 0;
	double *rec = calloc(total, sizeof(double)), worst = 0, worst_net = 0;
	double longest = 0;
	struct mbnl_reply before, after, r;
	unsigned char good[RSP_LEN];
	unsigned int i, seq = 0, results[F_NUM][8] = { };
	double kind_worst[F_NUM] = { };
	pthread_t th;
	enum fault f;

	ksft_print_msg("master at %u Bd: %u faults of each kind\n", baud, c->rounds);
	if (mbnl_bus_set(&c->nl, c->id, baud, 1, METERBUS_ROLE_MASTER).err)
		ksft_exit_fail_msg("bus-set master %u\n", baud);
	before = mbnl_bus_get(&c->nl, c->id);
	plan.baud = baud;
	plan.seed = c->seed;
	plan.stop = 0;
	plan.fault = F_GOOD;
	peer_flush();
	pthread_create(&th, NULL, meter, NULL);

	for (i = 0; i < c->rounds; i++)
		for (f = 0; f < F_NUM; f++) {
			int64_t t1;
			double end, ok_at = 0, dt, stalled;
			int tries;

			/* the faulted transfer */
			pthread_mutex_lock(&plan.lock);
			plan.fault = f;
			plan.round = i;
			plan.seq = ++seq;
			plan.fault_end = 0;
			pthread_mutex_unlock(&plan.lock);
			r = timed_xfer(c, req_ud2, sizeof(req_ud2), &t1, &longest);
			if (!r.err && r.result < 8)
				results[f][r.result]++;
			if (r.err || !sane(f, &r)) {
				insane++;
				ksft_print_msg("%u Bd %s: err %d result %s (%d bytes)\n",
					       baud, fault_name[f], r.err,
					       res_name(r.result), r.frame_len);
			}
			/* wait until the fault has left the wire */
			pthread_mutex_lock(&plan.lock);
			for (tries = 0; !plan.fault_end && tries < 30; tries++) {
				struct timespec ts;

				clock_gettime(CLOCK_REALTIME, &ts);
				ts.tv_sec += 1;
				if (pthread_cond_timedwait(&plan.cond, &plan.lock, &ts) &&
				    !plan.fault_end && plan.fault != F_GOOD) {
					/* the meter missed the request: ask again */
					pthread_mutex_unlock(&plan.lock);
					xfer(c, req_ud2, sizeof(req_ud2));
					pthread_mutex_lock(&plan.lock);
				}
			}
			end = plan.fault_end;
			pthread_mutex_unlock(&plan.lock);

			/* good transfers until one succeeds */
			for (tries = 0; tries < 20; tries++) {
				pthread_mutex_lock(&plan.lock);
				plan.seq = ++seq;
				pthread_mutex_unlock(&plan.lock);
				r = timed_xfer(c, req_ud2, sizeof(req_ud2), &t1,
					       &longest);
				if (r.err)
					break;
				if (r.result != METERBUS_RESULT_OK)
					continue;
				rsp_ud(good, seq);
				if (r.frame_len != RSP_LEN ||
				    memcmp(r.frame, good, RSP_LEN)) {
					shifted++;
					ksft_print_msg("%u Bd after %s: a reply that is not the answer to this request (%d bytes, access number %u, want %u)\n",
						       baud, fault_name[f], r.frame_len,
						       r.frame[15], seq & 0xff);
					continue;
				}
				ok_at = t1 / 1e9;
				break;
			}
			if (!ok_at) {
				lost++;
				ksft_print_msg("%u Bd: no good transfer after %s (err %d, result %s)\n",
					       baud, fault_name[f], r.err,
					       res_name(r.result));
				continue;
			}
			dt = ok_at - end;
			stalled = stallwatch_stalled(&c->sw, (int64_t)(end * 1e9),
						     (int64_t)(ok_at * 1e9)) / 1e9;
			rec[k++] = dt;
			if (dt > worst)
				worst = dt;
			if (dt > kind_worst[f])
				kind_worst[f] = dt;
			if (dt - stalled > worst_net)
				worst_net = dt - stalled;
			if (dt - stalled > limit + SLACK_S)
				ksft_print_msg("%u Bd %s: recovered after %.0f ms, %.0f ms of them stalled, %d tries\n",
					       baud, fault_name[f], dt * 1e3,
					       stalled * 1e3, tries + 1);
		}
	__atomic_store_n(&plan.stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	after = mbnl_bus_get(&c->nl, c->id);

	for (f = 0; f < F_NUM; f++) {
		char line[256];
		int o = 0, j;

		for (j = 0; j < 8; j++)
			if (results[f][j])
				o += snprintf(line + o, sizeof(line) - o, " %s %u,",
					      res_name(j), results[f][j]);
		line[o ? o - 1 : 0] = 0;
		ksft_print_msg("%u Bd %s:%s; recovered after %.0f ms at worst\n",
			       baud, fault_name[f], line, kind_worst[f] * 1e3);
	}
	ksft_test_result(!insane, "master %u Bd: every faulted transfer ends with a timeout or a frame error\n",
			 baud);
	ksft_test_result(!lost, "master %u Bd: a good transfer after every fault (%d lost)\n",
			 baud, lost);
	ksft_test_result(!shifted, "master %u Bd: every good reply answers its own request\n",
			 baud);
	ksft_test_result(k == total && worst_net <= limit + SLACK_S,
			 "master %u Bd: recovered within %.0f ms + %.0f ms beyond the stalls (worst %.0f ms)\n",
			 baud, limit * 1e3, SLACK_S * 1e3, worst_net * 1e3);
	ksft_test_result(longest <= hard + SLACK_S,
			 "master %u Bd: no transfer longer than %.0f ms + %.0f ms beyond the stalls (longest %.0f ms)\n",
			 baud, hard * 1e3, SLACK_S * 1e3, longest * 1e3);
	ksft_test_result(after.bad_frames > before.bad_frames &&
			 after.collisions > before.collisions,
			 "master %u Bd: bus statistics count the noise (%llu bad frames, %llu collisions, %llu timeouts)\n",
			 baud, after.bad_frames - before.bad_frames,
			 after.collisions - before.collisions,
			 after.timeouts - before.timeouts);
	printf("# figure: %s | master %u Bd: worst time to recover | %.0f ms | <= %.0f ms (reply window + request + answer)\n",
	       GROUP, baud, worst * 1e3, limit * 1e3);
	printf("# figure: %s | master %u Bd: median time to recover | %.0f ms | <= %.0f ms\n",
	       GROUP, baud, med(rec, k) * 1e3, limit * 1e3);
	printf("# figure: %s | master %u Bd: worst time to recover beyond the emulator's stalls | %.0f ms | <= %.0f ms\n",
	       GROUP, baud, worst_net * 1e3, limit * 1e3);
	free(rec);
}

/* ---- slave role ------------------------------------------------------- */

/*
 * The peer is the master, this process the card's listener. A fault, then
 * the master's good request after 33 quiet bit times; a master whose
 * request went unanswered asks again when its reply timeout ends (the
 * window and 100 ms: its own margin for slow slaves).
 */
static void slave(struct ctx *c, unsigned int baud)
{
	static const unsigned char good[] = { 0x10, 0x7b, SLAVE_ADDR, 0x86, 0x16 };
	/* SND_UD to the card, 3 data bytes */
	static const unsigned char snd_ud[] = { 0x68, 0x06, 0x06, 0x68, 0x53,
		SLAVE_ADDR, 0x51, 0x01, 0x02, 0x03, 0xb5, 0x16 };
	static const unsigned char ack = 0xe5;
	/*
	 * Worst case: the first request after the fault is taken as the rest
	 * of a cut frame, the master's timeout, its request again, the card's
	 * turnaround (at least 11 bit times) and answer.
	 */
	double retry = window(baud) + 0.100;
	double limit = chars(baud, 3) + chars(baud, 5) + retry +
		       chars(baud, 5 + 1 + 1);
	int total = c->rounds * F_NUM, k = 0, lost = 0, strays = 0, refused = 0;
	double *rec = calloc(total, sizeof(double)), worst = 0, worst_net = 0;
	unsigned char out[4096];
	struct mbnl_reply before, after, r;
	unsigned int i;
	struct mbnl sl;
	enum fault f;

	ksft_print_msg("slave at %u Bd: %u faults of each kind\n", baud, c->rounds);
	if (mbnl_bus_set(&c->nl, c->id, baud, -1, METERBUS_ROLE_SLAVE).err)
		ksft_exit_fail_msg("bus-set slave %u\n", baud);
	if (mbnl_open(&sl))
		ksft_exit_fail_msg("netlink\n");
	nl_socket_disable_seq_check(sl.sk);
	r = mbnl_req(&sl, METERBUS_CMD_SLAVE_LISTEN, 0, (struct mbnl_attr []){
		MBNL_U32(METERBUS_A_SLAVE_ID, c->id), MBNL_END });
	if (r.err)
		ksft_exit_fail_msg("slave-listen: %d %s\n", r.err, r.ext);
	before = mbnl_bus_get(&c->nl, c->id);
	peer_flush();

	for (i = 0; i < c->rounds; i++)
		for (f = 0; f < F_NUM; f++) {
			double end, ok_at = 0, dt, stalled;
			struct pollfd p = { .fd = peer_fd, .events = POLLIN };
			int tries;
			size_t m;

			if (f == F_STUCK) {
				stuck(baud);
			} else {
				/* damaged long frames can hold the bytes after them */
				m = f == F_RANDOM || f == F_BAUD ?
				    make_fault(f, good, sizeof(good), &c->seed,
					       baud, i, out, sizeof(out)) :
				    make_fault(f, snd_ud, sizeof(snd_ud), &c->seed,
					       baud, i, out, sizeof(out));
				put(out, m);
				injected += m;
			}
			end = drained();
			/* a listener sees only valid frames: noise may be one */
			while ((r = wait_frame(&sl, 0)).done)
				if (r.frame_len != sizeof(good) ||
				    memcmp(r.frame, good, sizeof(good)))
					strays++;

			for (tries = 0; tries < 10; tries++) {
				unsigned char b = 0;
				double sent, left;

				if (!tries)
					usleep(chars(baud, 3) * 1e6);
				while ((r = wait_frame(&sl, 0)).done)
					strays++;
				put(good, sizeof(good));
				sent = drained();
				do {
					left = sent + retry - mono();
					r = wait_frame(&sl, left > 0 ? left * 1e3 : 0);
				} while (r.done && (r.frame_len != sizeof(good) ||
					 memcmp(r.frame, good, sizeof(good))) &&
					 ++strays);
				if (!r.done)
					continue;
				r = mbnl_req(&sl, METERBUS_CMD_SLAVE_REPLY, 0, (struct mbnl_attr []){
					MBNL_U32(METERBUS_A_SLAVE_ID, c->id),
					MBNL_U32(METERBUS_A_SLAVE_SEQ, r.seq),
					MBNL_BIN_N(METERBUS_A_SLAVE_FRAME, &ack, 1), MBNL_END });
				if (r.err) {
					refused++;
					continue;
				}
				left = sent + retry + 0.2 - mono();
				if (poll(&p, 1, left > 0 ? left * 1e3 : 0) > 0 &&
				    read(peer_fd, &b, 1) == 1 && b == ack) {
					ok_at = mono();
					break;
				}
			}
			peer_flush();
			if (!ok_at) {
				lost++;
				ksft_print_msg("%u Bd: the card never answered after %s\n",
					       baud, fault_name[f]);
				continue;
			}
			dt = ok_at - end;
			stallwatch_settle();
			stalled = stallwatch_stalled(&c->sw, (int64_t)(end * 1e9),
						     (int64_t)(ok_at * 1e9)) / 1e9;
			rec[k++] = dt;
			if (dt > worst)
				worst = dt;
			if (dt - stalled > worst_net)
				worst_net = dt - stalled;
			if (tries || dt - stalled > limit + SLACK_S)
				ksft_print_msg("%u Bd %s: answered after %.0f ms, %.0f ms of them stalled, %d requests\n",
					       baud, fault_name[f], dt * 1e3,
					       stalled * 1e3, tries + 1);
		}
	after = mbnl_bus_get(&c->nl, c->id);
	mbnl_close(&sl);

	ksft_test_result(!lost, "slave %u Bd: the card answers a good request after every fault (%d lost)\n",
			 baud, lost);
	ksft_test_result(k == total && worst_net <= limit + SLACK_S,
			 "slave %u Bd: answered within %.0f ms + %.0f ms beyond the stalls (worst %.0f ms)\n",
			 baud, limit * 1e3, SLACK_S * 1e3, worst_net * 1e3);
	ksft_test_result(after.bad_frames > before.bad_frames,
			 "slave %u Bd: bus statistics count the noise (%llu bad frames)\n",
			 baud, after.bad_frames - before.bad_frames);
	ksft_print_msg("slave %u Bd: %d valid frames in the noise delivered, %d answers refused\n",
		       baud, strays, refused);
	printf("# figure: %s | slave %u Bd: worst time to answer | %.0f ms | <= %.0f ms (quiet + request + master timeout + request + answer)\n",
	       GROUP, baud, worst * 1e3, limit * 1e3);
	printf("# figure: %s | slave %u Bd: median time to answer | %.0f ms | <= %.0f ms\n",
	       GROUP, baud, med(rec, k) * 1e3, limit * 1e3);
	printf("# figure: %s | slave %u Bd: worst time to answer beyond the emulator's stalls | %.0f ms | <= %.0f ms\n",
	       GROUP, baud, worst_net * 1e3, limit * 1e3);
	free(rec);
}

/* ---- kernel reports --------------------------------------------------- */

static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* Lines since kmsg_open() that are kernel reports */
static int kmsg_reports(int fd)
{
	static const char *const pat[] = {
		"BUG:", "WARNING:", "KASAN", "UBSAN", "possible recursive locking",
		"possible circular locking", "blocked for more than", "Oops",
		"kmemleak",
	};
	char line[8192];
	int n = 0;
	ssize_t len;
	size_t i;

	while ((len = read(fd, line, sizeof(line) - 1)) != 0) {
		if (len < 0) {
			if (errno == EPIPE)
				continue;
			break;
		}
		line[len] = 0;
		for (i = 0; i < sizeof(pat) / sizeof(pat[0]); i++)
			if (strstr(line, pat[i])) {
				ksft_print_msg("kernel: %s", line);
				n++;
				break;
			}
	}
	return n;
}

int main(int argc, char **argv)
{
	static const unsigned int bauds[] = { 2400, 9600 };
	const char *e = getenv("STRESS_NOISE_ROUNDS");
	struct ctx c = { .rounds = 1, .seed = 1 };
	struct mbnl_reply r;
	int kmsg, reports;
	double t0 = mono();
	unsigned int b;

	if (argc > 1)
		c.rounds = atoi(argv[1]);
	else if (e)
		c.rounds = atoi(e);
	e = getenv("STRESS_NOISE_STUCK_MS");
	if (e)
		stuck_ms = atoi(e);
	if (getenv("STRESS_NOISE_SEED"))
		c.seed = atoi(getenv("STRESS_NOISE_SEED"));
	if (c.rounds < 1)
		c.rounds = 1;

	ksft_print_header();
	if (mbnl_open(&c.nl))
		ksft_exit_skip("no meterbus netlink family\n");
	r = mbnl_req(&c.nl, METERBUS_CMD_BUS_GET, NLM_F_DUMP, NULL);
	if (!r.done)
		ksft_exit_skip("no M-Bus interface\n");
	c.id = r.id;
	peer_fd = open(PEER, O_RDWR | O_NOCTTY);
	if (peer_fd < 0)
		ksft_exit_skip("%s: %s\n", PEER, strerror(errno));
	if (stallwatch_start(&c.sw, NULL))
		ksft_exit_fail_msg("stallwatch\n");
	kmsg = kmsg_open();
	ksft_set_plan(2 * (6 + 3) + 1);
	ksft_print_msg("seed %u, stuck line %u ms\n", c.seed, stuck_ms);

	for (b = 0; b < 2; b++) {
		master(&c, bauds[b]);
		slave(&c, bauds[b]);
	}
	mbnl_bus_set(&c.nl, c.id, 2400, 1, METERBUS_ROLE_MASTER);
	stallwatch_stop(&c.sw);
	reports = kmsg < 0 ? 0 : kmsg_reports(kmsg);
	ksft_test_result(!reports, "no kernel report (%d)\n", reports);
	ksft_print_msg("%d stalls of the emulator, %.0f s\n",
		       stallwatch_count(&c.sw), mono() - t0);
	printf("# figure: %s | bytes injected | %ld | %u faults of each kind, role and baud\n",
	       GROUP, injected, c.rounds);
	printf("# figure: %s | kernel reports | %d | 0\n", GROUP, reports);
	stallwatch_free(&c.sw);
	ksft_finished();
}
