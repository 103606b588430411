// SPDX-License-Identifier: GPL-2.0
/*
 * mb_client: libmodbus's client against smcardd's Modbus server, for the
 * gateway tests.
 *   mb_client PORT ADDR            several clients at once: 4 threads,
 *                                  each its own connection, read the
 *                                  header and the float32 at ADDR 200 times
 *   mb_client PORT coil SLOT 0|1   write a coil
 *   mb_client PORT errors SLOT     the exceptions a client sees: a coil
 *                                  that is no output, an address beyond
 *                                  the map
 * Prints what it saw; exits 0 when it is what the server documents.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <modbus.h>

#define THREADS	4
#define READS	200

static int port, addr;

static modbus_t *open_client(void)
{
	modbus_t *ctx = modbus_new_tcp("127.0.0.1", port);

	if (!ctx)
		return NULL;
	modbus_set_response_timeout(ctx, 5, 0);
	if (modbus_connect(ctx)) {
		fprintf(stderr, "connect: %s\n", modbus_strerror(errno));
		modbus_free(ctx);
		return NULL;
	}
	return ctx;
}

static void *reader(void *arg)
{
	modbus_t *ctx = open_client();
	long bad = 0;

	(void)arg;
	if (!ctx)
		return (void *)(long)READS;
	for (int i = 0; i < READS; i++) {
		uint16_t h[2], v[2];

		if (modbus_read_registers(ctx, 0, 2, h) != 2 || h[0] != 0x534d || h[1] != 1 ||
		    modbus_read_input_registers(ctx, addr, 2, v) != 2 ||
		    !(modbus_get_float_abcd(v) == modbus_get_float_abcd(v)))	/* not NaN */
			bad++;
	}
	modbus_close(ctx);
	modbus_free(ctx);
	return (void *)bad;
}

static int concurrent(void)
{
	pthread_t t[THREADS];
	long bad = 0;

	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, reader, NULL);
	for (int i = 0; i < THREADS; i++) {
		void *r;

		pthread_join(t[i], &r);
		bad += (long)r;
	}
	printf("%d clients at once: %d reads, %ld failed\n", THREADS, THREADS * READS * 2, bad);
	return bad ? 1 : 0;
}

static int coil(int slot, int on)
{
	modbus_t *ctx = open_client();
	uint8_t back = 2;
	int ret;

	if (!ctx)
		return 1;
	ret = modbus_write_bit(ctx, slot, on);
	if (ret == 1)
		ret = modbus_read_bits(ctx, slot, 1, &back);
	printf("write coil %d = %d: %s, reads back %d\n", slot, on,
	       ret == 1 ? "done" : modbus_strerror(errno), back);
	modbus_close(ctx);
	modbus_free(ctx);
	return ret == 1 && back == on ? 0 : 1;
}

static int errors(int slot)
{
	modbus_t *ctx = open_client();
	uint16_t r;
	int e1, e2;

	if (!ctx)
		return 1;
	e1 = modbus_write_bit(ctx, slot, 1) == -1 ? errno : 0;
	e2 = modbus_read_registers(ctx, 60000, 1, &r) == -1 ? errno : 0;
	printf("coil %d (not an output): %s; register 60000: %s\n", slot,
	       e1 ? modbus_strerror(e1) : "accepted", e2 ? modbus_strerror(e2) : "read");
	modbus_close(ctx);
	modbus_free(ctx);
	return e1 == EMBXILADD && e2 == EMBXILADD ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		goto usage;
	port = atoi(argv[1]);
	if (argc == 3) {
		addr = atoi(argv[2]);
		return concurrent();
	}
	if (!strcmp(argv[2], "coil") && argc == 5)
		return coil(atoi(argv[3]), atoi(argv[4]));
	if (!strcmp(argv[2], "errors") && argc == 4)
		return errors(atoi(argv[3]));
usage:
	fprintf(stderr, "usage: mb_client PORT ADDR | PORT coil SLOT 0|1 | PORT errors SLOT\n");
	return 2;
}
