// SPDX-License-Identifier: GPL-2.0
/* Client address lists: parsing and matching. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netacl.h"

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

int sd_netacl_parse(const char *text, struct sd_netacl *acl, char *err,
		    size_t err_size)
{
	char copy[512], *save = NULL, *t;

	memset(acl, 0, sizeof(*acl));
	if (strlen(text) >= sizeof(copy)) {
		snprintf(err, err_size, "list too long");
		return -1;
	}
	strcpy(copy, text);
	for (t = strtok_r(copy, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
		char *slash = strchr(t, '/'), *end;
		int max;

		if (acl->n == SD_NETACL_MAX) {
			snprintf(err, err_size, "more than %d entries", SD_NETACL_MAX);
			return -1;
		}
		if (slash)
			*slash = 0;
		if (inet_pton(AF_INET, t, acl->e[acl->n].addr) == 1) {
			acl->e[acl->n].family = AF_INET;
			max = 32;
		} else if (inet_pton(AF_INET6, t, acl->e[acl->n].addr) == 1) {
			acl->e[acl->n].family = AF_INET6;
			max = 128;
		} else {
			snprintf(err, err_size, "'%s' is not an IPv4 or IPv6 address", t);
			return -1;
		}
		acl->e[acl->n].bits = max;
		if (slash) {
			long b = strtol(slash + 1, &end, 10);

			if (end == slash + 1 || *end || b < 0 || b > max) {
				snprintf(err, err_size, "bad prefix length '/%s' (0 .. %d)", slash + 1, max);
				return -1;
			}
			acl->e[acl->n].bits = (int)b;
		}
		acl->n++;
	}
	if (!acl->n) {
		snprintf(err, err_size, "no address");
		return -1;
	}
	return 0;
}

int sd_netacl_check(const char *text, char *err, size_t err_size)
{
	struct sd_netacl acl;

	return sd_netacl_parse(text, &acl, err, err_size);
}

static bool prefix_eq(const uint8_t *a, const uint8_t *b, int bits)
{
	int whole = bits / 8, rest = bits % 8;

	if (memcmp(a, b, (size_t)whole))
		return false;
	return !rest || !((a[whole] ^ b[whole]) & (0xff << (8 - rest)));
}

bool sd_netacl_match(const struct sd_netacl *acl, const struct sockaddr *sa)
{
	const uint8_t *v4 = NULL, *v6 = NULL;

	if (!acl->n)
		return true;
	if (sa->sa_family == AF_INET) {
		v4 = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
	} else if (sa->sa_family == AF_INET6) {
		v6 = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
		if (!memcmp(v6, v4mapped, sizeof(v4mapped)))
			v4 = v6 + 12;
	}
	for (size_t i = 0; i < acl->n; i++) {
		if (acl->e[i].family == AF_INET && v4 &&
		    prefix_eq(acl->e[i].addr, v4, acl->e[i].bits))
			return true;
		if (acl->e[i].family == AF_INET6 && v6 &&
		    prefix_eq(acl->e[i].addr, v6, acl->e[i].bits))
			return true;
	}
	return false;
}

int sd_netacl_listen_check(const char *addr, bool *loopback, char *err,
			   size_t err_size)
{
	uint8_t a[16];

	if (inet_pton(AF_INET, addr, a) == 1) {
		*loopback = a[0] == 127;
		return 0;
	}
	if (inet_pton(AF_INET6, addr, a) == 1) {
		*loopback = !memcmp(a, &in6addr_loopback, 16) ||
			    (!memcmp(a, v4mapped, sizeof(v4mapped)) && a[12] == 127);
		return 0;
	}
	snprintf(err, err_size, "an IPv4 or IPv6 address is needed (no host names)");
	return -1;
}

void sd_netacl_peer(const struct sockaddr *sa, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN] = "?";

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &s->sin_addr, a, sizeof(a));
		snprintf(buf, size, "%s:%u", a, ntohs(s->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof(a));
		snprintf(buf, size, "[%s]:%u", a, ntohs(s->sin6_port));
	} else {
		snprintf(buf, size, "?");
	}
}
