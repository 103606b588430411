// SPDX-License-Identifier: GPL-2.0
/*
 * Test helper on the simulator's M-Bus peer (/dev/smcard-sim-mbus, or any
 * serial port set to the bus's baud rate and 8E1): plays the meters.
 *
 *   mbus_peer meter ADDR...   answer SND_NKE/SND_UD with E5, REQ_UD2 with
 *                             a fixed RSP_UD, for the primary addresses
 *   mbus_peer collide         answer every request with two meters at once
 *                             (the bus is a wired-AND of their bytes)
 *   mbus_peer silent          read and ignore
 *   mbus_peer random N SEED   send N random bytes, wait until sent, exit
 *   mbus_peer master HEX      send one frame as a master, print the reply
 *                             (hex) or nothing within 2 s
 *   mbus_peer flood HEX       send the frame as a master over and over,
 *                             reading and dropping whatever comes back
 *
 * Prints "ready" on stdout once the peer is open. -d DEV selects the port.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define FRAME_MAX 261

static int dev = -1;

static void put(const unsigned char *b, size_t n)
{
	while (n) {
		ssize_t w = write(dev, b, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			perror("meterbus_peer: write");
			exit(1);
		}
		b += w;
		n -= w;
	}
}

/* RSP_UD of meter @addr with identification @id (BCD), @extra data bytes */
static size_t rsp_ud(unsigned char *f, unsigned char addr, unsigned int id,
		     size_t extra)
{
	size_t n = 0, i;
	unsigned char sum = 0;

	f[n++] = 0x68;
	f[n++] = 0;
	f[n++] = 0;
	f[n++] = 0x68;
	f[n++] = 0x08;	/* C: RSP_UD */
	f[n++] = addr;
	f[n++] = 0x72;	/* CI: variable data, long header */
	for (i = 0; i < 4; i++)
		f[n++] = id >> (8 * i);
	f[n++] = 0x77;	/* manufacturer "MAW" */
	f[n++] = 0x04;
	f[n++] = 0x01;	/* version */
	f[n++] = 0x07;	/* medium: water */
	f[n++] = 0x2a;	/* access number */
	f[n++] = 0x00;	/* status */
	f[n++] = 0x00;	/* signature */
	f[n++] = 0x00;
	f[n++] = 0x0c;	/* DIF: 8 digit BCD */
	f[n++] = 0x13;	/* VIF: volume, l */
	for (i = 0; i < 4; i++)
		f[n++] = 0x12 + i;
	for (i = 0; i < extra; i++)
		f[n++] = 0x0f;	/* DIF idle filler */
	f[1] = f[2] = n - 4;
	for (i = 4; i < n; i++)
		sum += f[i];
	f[n++] = sum;
	f[n++] = 0x16;
	return n;
}

/* Read one request frame (resyncing on garbage); returns its length. */
static size_t get_frame(unsigned char *f)
{
	size_t n = 0, want = 0;

	for (;;) {
		ssize_t r = read(dev, f + n, 1);

		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			exit(r < 0);
		}
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

static int is_addr(unsigned char a, char **addrs, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (atoi(addrs[i]) == a)
			return 1;
	return 0;
}

static void meter(char **addrs, int n)
{
	static const unsigned char ack = 0xe5;
	unsigned char f[FRAME_MAX], r[FRAME_MAX];

	for (;;) {
		size_t len = get_frame(f);
		unsigned char c = f[0] == 0x10 ? f[1] : f[4];
		unsigned char a = f[0] == 0x10 ? f[2] : f[5];

		if (!is_addr(a, addrs, n))
			continue;
		if ((c & 0xcf) == 0x4b)			/* REQ_UD2 */
			put(r, rsp_ud(r, a, 0x12345678, 0));
		else if (c == 0x40 || (c & 0xcf) == 0x43)	/* SND_NKE, SND_UD */
			put(&ack, 1);
		(void)len;
	}
}

static void collide(void)
{
	unsigned char f[FRAME_MAX], a[FRAME_MAX], b[FRAME_MAX];
	size_t na, nb, i;

	for (;;) {
		get_frame(f);
		na = rsp_ud(a, 1, 0x11111111, 0);
		nb = rsp_ud(b, 2, 0x22222222, 10);
		for (i = 0; i < na; i++)
			b[i] &= a[i];
		put(b, nb);
	}
}

static void random_bytes(long count, unsigned int seed)
{
	unsigned char buf[256];

	srand(seed);
	while (count > 0) {
		size_t n = count < (long)sizeof(buf) ? count : sizeof(buf);
		size_t i;

		for (i = 0; i < n; i++)
			buf[i] = rand();
		put(buf, n);
		count -= n;
	}
	fsync(dev);
}

/* Parse a hex string into @f; returns the number of bytes. */
static size_t from_hex(const char *hex, unsigned char *f)
{
	size_t n = 0;
	unsigned int v;

	while (n < FRAME_MAX && sscanf(hex, "%2x", &v) == 1) {
		f[n++] = v;
		hex += 2;
	}
	return n;
}

static void master(const char *hex)
{
	unsigned char f[FRAME_MAX];
	struct pollfd p = { .fd = dev, .events = POLLIN };
	size_t n = from_hex(hex, f);

	put(f, n);
	fsync(dev);
	/* the reply: everything until the line is quiet for 200 ms */
	while (poll(&p, 1, n ? 2000 : 200) > 0) {
		unsigned char c;

		if (read(dev, &c, 1) != 1)
			break;
		printf("%02x", c);
		n = 0;
	}
	printf("\n");
}

static void flood(const char *hex)
{
	unsigned char f[FRAME_MAX], drop[64];
	size_t n = from_hex(hex, f);

	/* a child drops what comes back, so the port never fills */
	if (!fork()) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		while (read(dev, drop, sizeof(drop)) >= 0 || errno == EINTR)
			;
		exit(0);
	}
	for (;;)
		put(f, n);
}

int main(int argc, char **argv)
{
	const char *path = "/dev/smcard-sim-mbus";

	if (argc > 2 && !strcmp(argv[1], "-d")) {
		path = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: mbus_peer [-d DEV] meter ADDR...|collide|silent|random N SEED|master HEX|flood HEX\n");
		return 2;
	}
	dev = open(path, O_RDWR | O_NOCTTY);
	if (dev < 0) {
		perror(path);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);

	if (!strcmp(argv[1], "meter"))
		meter(argv + 2, argc - 2);
	else if (!strcmp(argv[1], "collide"))
		collide();
	else if (!strcmp(argv[1], "silent"))
		for (;;)
			pause();
	else if (!strcmp(argv[1], "random") && argc == 4)
		random_bytes(atol(argv[2]), atoi(argv[3]));
	else if (!strcmp(argv[1], "master") && argc == 3)
		master(argv[2]);
	else if (!strcmp(argv[1], "flood") && argc == 3)
		flood(argv[2]);
	else
		return 2;
	return 0;
}
