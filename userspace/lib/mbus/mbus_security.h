/* SPDX-License-Identifier: GPL-2.0 */
/*
 * OMS / EN 13757-7 security of wired M-Bus telegrams, decrypted with
 * libcrypto (EVP): the configuration field (CF, the last two bytes of the
 * long or short header: mode in bits 12..8, encrypted 16-byte blocks in
 * bits 7..4) announces
 *
 *   mode 5  AES-128-CBC with the meter's key; IV = manufacturer (2), ID
 *           (4), version, medium as sent in the long header, then the
 *           access number eight times
 *   mode 7  AES-128-CBC with IV 0 and an ephemeral key from KDF-A
 *           (CMAC of the meter's key over 00h, the message counter, the
 *           ID and seven 07h bytes; 01h gives the MAC key); the message
 *           counter and the MAC come from the AFL (CI 90h) in front of
 *           the header, the configuration field extension (CFE: KDF
 *           selection in bits 5..4, key id in bits 3..0) follows the CF
 *
 * The decrypted data start with 2F 2F; a mismatch means a wrong key.
 * The AFL's MAC (AES-CMAC over MCL, MCR, ML if present, and the transport
 * layer from its CI on), when present, is checked before decrypting.
 */
#ifndef SMCARD_MBUS_SECURITY_H
#define SMCARD_MBUS_SECURITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbus_data.h"

#define MBUS_CI_AFL		0x90
#define MBUS_KEY_LEN		16

/* Bits of the AFL's fragmentation control field (FCL). */
#define MBUS_AFL_FCL_MCLP	0x2000	/* message control present */
#define MBUS_AFL_FCL_MLP	0x1000	/* message length present */
#define MBUS_AFL_FCL_MCRP	0x0800	/* message counter present */
#define MBUS_AFL_FCL_MACP	0x0400	/* MAC present */
#define MBUS_AFL_FCL_KIP	0x0200	/* key information present */

/* Security mode of a configuration field, and its name. */
static inline unsigned int mbus_cf_mode(uint16_t cf)
{
	return cf >> 8 & 0x1F;
}

const char *mbus_security_mode_name(unsigned int mode);

/* MAC length for the AFL's authentication type (MCL bits 3..0), or 0. */
unsigned int mbus_afl_mac_len(uint8_t mcl);

/*
 * Parse an AFL: @d points after its CI (at AFLL). Returns the number of
 * bytes up to the next CI, or -ENODATA / -EBADMSG.
 */
int mbus_afl_parse(const uint8_t *d, size_t len, size_t pos,
		   struct mbus_afl *afl, struct mbus_error *err);

/*
 * Parse a hex key ("00112233..." 32 digits, spaces allowed between
 * bytes). Returns 0 or -EINVAL.
 */
int mbus_key_parse(const char *s, uint8_t key[MBUS_KEY_LEN]);

/*
 * Decrypt the telegram's encrypted part: @tpl points at the transport
 * layer's CI (for the MAC), @d at the byte after the header (frame
 * offset @pos), @len bytes to the end. t->header, t->afl and t->sec.cf
 * must be set. On success t->plain holds t->sec.blocks * 16 decrypted
 * bytes and *@skip the number of bytes of @d they replace (plus the CFE
 * of mode 7). Errors: -ENOKEY, -EKEYREJECTED, -EPROTO, -ENOTSUP, -EIO;
 * t->sec.msg names the meter and the mode.
 */
int mbus_decrypt(struct mbus_telegram *t, const uint8_t *tpl, size_t tpl_len,
		 const uint8_t *d, size_t len, size_t pos,
		 const uint8_t key[MBUS_KEY_LEN], size_t *skip);

/*
 * The inverse for meters and tests: encrypt @n bytes (a multiple of 16)
 * of @in with AES-128-CBC into @out. Returns 0 or -EIO.
 */
int mbus_aes_cbc(const uint8_t key[MBUS_KEY_LEN], const uint8_t iv[16],
		 const uint8_t *in, size_t n, uint8_t *out, bool encrypt);

/* AES-CMAC of @n bytes (16-byte result). Returns 0 or -EIO. */
int mbus_aes_cmac(const uint8_t key[MBUS_KEY_LEN], const uint8_t *in,
		  size_t n, uint8_t mac[16]);

/* The mode 5 IV of a long header, and the mode 7 KDF-A keys. */
void mbus_mode5_iv(const struct mbus_header *h, uint8_t iv[16]);
int mbus_kdf_a(const uint8_t key[MBUS_KEY_LEN], uint8_t constant,
	       uint32_t counter, uint32_t id, uint8_t out[MBUS_KEY_LEN]);

#endif
