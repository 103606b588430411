/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Client address lists for the daemon's servers: "ADDRESS[/BITS], ..."
 * with IPv4 and IPv6 addresses; an IPv4 client that reaches an IPv6
 * socket (::ffff:a.b.c.d) matches its IPv4 entry. Pure, no I/O.
 */
#ifndef SMCARDD_NETACL_H
#define SMCARDD_NETACL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define SD_NETACL_MAX	16

struct sd_netacl {
	size_t n;
	struct {
		int family;		/* AF_INET or AF_INET6 */
		uint8_t addr[16];
		int bits;
	} e[SD_NETACL_MAX];
};

/* Parse @text into @acl; 0, or -1 with the reason in @err. */
int sd_netacl_parse(const char *text, struct sd_netacl *acl, char *err,
		    size_t err_size);
/* Same, only checking. */
int sd_netacl_check(const char *text, char *err, size_t err_size);
/* Whether @sa is on the list; an empty list takes everyone. */
bool sd_netacl_match(const struct sd_netacl *acl, const struct sockaddr *sa);
/* A literal address to listen on; *@loopback says whether it is one. */
int sd_netacl_listen_check(const char *addr, bool *loopback, char *err,
			   size_t err_size);
/* "ADDRESS:PORT" or "[ADDRESS]:PORT" of @sa. */
void sd_netacl_peer(const struct sockaddr *sa, char *buf, size_t size);

#endif
