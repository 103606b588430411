// SPDX-License-Identifier: GPL-2.0
/* OMS / EN 13757-7 security modes 5 and 7 with libcrypto; see the header. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "mbus_security.h"

const char *mbus_security_mode_name(unsigned int mode)
{
	switch (mode) {
	case 0:
		return "none";
	case 5:
		return "AES-128-CBC, IV from the header";
	case 7:
		return "AES-128-CBC, ephemeral key (KDF-A), IV 0";
	default:
		return "not supported";
	}
}

unsigned int mbus_afl_mac_len(uint8_t mcl)
{
	switch (mcl & 0x0F) {
	case 4:
		return 4;
	case 5:
		return 8;
	case 6:
		return 12;
	case 7:
		return 16;
	default:
		return 0;
	}
}

int mbus_afl_parse(const uint8_t *d, size_t len, size_t pos,
		   struct mbus_afl *afl, struct mbus_error *err)
{
	size_t at = 3, afll;

	memset(afl, 0, sizeof(*afl));
	if (len < 3)
		return mbus_fail(err, -ENODATA, pos + len,
				 "truncated AFL: %zu of at least 3 bytes", len);
	afll = d[0];
	if (afll < 2 || afll + 2 > len)
		return mbus_fail(err, afll < 2 ? -EBADMSG : -ENODATA, pos,
				 "AFL length %zu does not fit the %zu bytes that follow",
				 afll, len - 1);
	afl->present = true;
	afl->fcl = (uint16_t)(d[1] | d[2] << 8);
	if (afl->fcl & MBUS_AFL_FCL_MCLP)
		afl->mcl = d[at++];
	if (afl->fcl & MBUS_AFL_FCL_KIP) {
		afl->ki = (uint16_t)(d[at] | d[at + 1] << 8);
		at += 2;
	}
	if (afl->fcl & MBUS_AFL_FCL_MCRP) {
		afl->mcr = (uint32_t)d[at] | (uint32_t)d[at + 1] << 8 |
			   (uint32_t)d[at + 2] << 16 | (uint32_t)d[at + 3] << 24;
		at += 4;
	}
	if (afl->fcl & MBUS_AFL_FCL_MACP) {
		afl->mac_len = (uint8_t)mbus_afl_mac_len(afl->mcl);
		if (!afl->mac_len)
			return mbus_fail(err, -EBADMSG, pos + 3,
					 "AFL: MAC present, but authentication type %u has no MAC length",
					 afl->mcl & 0x0F);
		if (at + afl->mac_len <= afll + 1)
			memcpy(afl->mac, d + at, afl->mac_len);
		at += afl->mac_len;
	}
	if (afl->fcl & MBUS_AFL_FCL_MLP) {
		if (at + 2 <= afll + 1)
			afl->ml = (uint16_t)(d[at] | d[at + 1] << 8);
		at += 2;
	}
	if (at != afll + 1)
		return mbus_fail(err, -EBADMSG, pos,
				 "AFL length %zu, but its fields take %zu bytes",
				 afll, at - 1);
	afl->len = 1 + at;
	return (int)at;
}

int mbus_key_parse(const char *s, uint8_t key[MBUS_KEY_LEN])
{
	size_t n = 0;

	while (*s) {
		unsigned int x;

		if (isspace((unsigned char)*s) || *s == ':') {
			s++;
			continue;
		}
		if (n == MBUS_KEY_LEN || !isxdigit((unsigned char)s[0]) ||
		    !isxdigit((unsigned char)s[1]) ||
		    sscanf(s, "%2x", &x) != 1)
			return -EINVAL;
		key[n++] = (uint8_t)x;
		s += 2;
	}
	return n == MBUS_KEY_LEN ? 0 : -EINVAL;
}

int mbus_aes_cbc(const uint8_t key[MBUS_KEY_LEN], const uint8_t iv[16],
		 const uint8_t *in, size_t n, uint8_t *out, bool encrypt)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int ok, l1 = 0, l2 = 0;

	if (!ctx || n % 16 || n > 0x7FFFFFF0)
		ok = 0;
	else
		ok = EVP_CipherInit_ex(ctx, EVP_aes_128_cbc(), NULL, key, iv,
				       encrypt) &&
		     EVP_CIPHER_CTX_set_padding(ctx, 0) &&
		     EVP_CipherUpdate(ctx, out, &l1, in, (int)n) &&
		     EVP_CipherFinal_ex(ctx, out + l1, &l2) &&
		     (size_t)(l1 + l2) == n;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -EIO;
}

int mbus_aes_cmac(const uint8_t key[MBUS_KEY_LEN], const uint8_t *in,
		  size_t n, uint8_t mac[16])
{
	char cipher[] = "AES-128-CBC";
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *m = EVP_MAC_fetch(NULL, "CMAC", NULL);
	EVP_MAC_CTX *ctx = m ? EVP_MAC_CTX_new(m) : NULL;
	size_t out = 0;
	int ok = ctx && EVP_MAC_init(ctx, key, MBUS_KEY_LEN, params) &&
		 EVP_MAC_update(ctx, in, n) &&
		 EVP_MAC_final(ctx, mac, &out, 16) && out == 16;

	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(m);
	return ok ? 0 : -EIO;
}

void mbus_mode5_iv(const struct mbus_header *h, uint8_t iv[16])
{
	iv[0] = (uint8_t)h->manufacturer;
	iv[1] = (uint8_t)(h->manufacturer >> 8);
	for (int i = 0; i < 4; i++)
		iv[2 + i] = (uint8_t)(h->id >> (8 * i));
	iv[6] = h->version;
	iv[7] = h->medium;
	memset(iv + 8, h->access_number, 8);
}

int mbus_kdf_a(const uint8_t key[MBUS_KEY_LEN], uint8_t constant,
	       uint32_t counter, uint32_t id, uint8_t out[MBUS_KEY_LEN])
{
	uint8_t in[16];

	in[0] = constant;
	for (int i = 0; i < 4; i++) {
		in[1 + i] = (uint8_t)(counter >> (8 * i));
		in[5 + i] = (uint8_t)(id >> (8 * i));
	}
	memset(in + 9, 0x07, 7);
	return mbus_aes_cmac(key, in, sizeof(in), out);
}

static int sec_fail(struct mbus_telegram *t, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "meter 12345678 (KAM, water): security mode 5 (...): " + the reason */
static int sec_fail(struct mbus_telegram *t, int code, const char *fmt, ...)
{
	const struct mbus_header *h = &t->header;
	char man[4], reason[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	mbus_manufacturer_code(h->manufacturer, man);
	if (h->type == MBUS_HEADER_LONG)
		snprintf(t->sec.msg, sizeof(t->sec.msg),
			 "meter %08X (%s, %s): security mode %u (%s): %s",
			 (unsigned int)h->id, man, mbus_medium_name(h->medium),
			 t->sec.mode, mbus_security_mode_name(t->sec.mode),
			 reason);
	else
		snprintf(t->sec.msg, sizeof(t->sec.msg),
			 "meter at address %u: security mode %u (%s): %s",
			 t->frame.a, t->sec.mode,
			 mbus_security_mode_name(t->sec.mode), reason);
	t->sec.error = code;
	return code;
}

static int mode7_key(struct mbus_telegram *t, const uint8_t *tpl,
		     size_t tpl_len, const uint8_t key[MBUS_KEY_LEN],
		     uint8_t kenc[MBUS_KEY_LEN])
{
	const struct mbus_afl *afl = &t->afl;
	uint8_t kmac[MBUS_KEY_LEN], mac[16], in[8 + MBUS_MAX_DATA];
	size_t n = 0;

	if ((t->sec.cfe >> 4 & 3) != 1)
		return sec_fail(t, -ENOTSUP,
				"key derivation %u in the CFE, only KDF-A (1) is known",
				t->sec.cfe >> 4 & 3);
	if (!afl->present || !(afl->fcl & MBUS_AFL_FCL_MCRP))
		return sec_fail(t, -EPROTO,
				"no message counter: mode 7 needs an AFL (CI 90h) with one");
	if (t->header.type != MBUS_HEADER_LONG)
		return sec_fail(t, -EPROTO,
				"the key derivation needs the meter ID of a long header");
	if (mbus_kdf_a(key, 0x00, afl->mcr, t->header.id, kenc) ||
	    mbus_kdf_a(key, 0x01, afl->mcr, t->header.id, kmac))
		return sec_fail(t, -EIO, "libcrypto failed");
	if (!(afl->fcl & MBUS_AFL_FCL_MACP))
		return 0;
	/* MAC over MCL, MCR, ML and the transport layer from its CI on */
	in[n++] = afl->mcl;
	for (int i = 0; i < 4; i++)
		in[n++] = (uint8_t)(afl->mcr >> (8 * i));
	if (afl->fcl & MBUS_AFL_FCL_MLP) {
		in[n++] = (uint8_t)afl->ml;
		in[n++] = (uint8_t)(afl->ml >> 8);
	}
	memcpy(in + n, tpl, tpl_len);
	n += tpl_len;
	if (mbus_aes_cmac(kmac, in, n, mac))
		return sec_fail(t, -EIO, "libcrypto failed");
	if (memcmp(mac, afl->mac, afl->mac_len))
		return sec_fail(t, -EKEYREJECTED,
				"the AFL's MAC does not match: wrong key or altered telegram");
	t->sec.mac_checked = true;
	return 0;
}

int mbus_decrypt(struct mbus_telegram *t, const uint8_t *tpl, size_t tpl_len,
		 const uint8_t *d, size_t len, size_t pos,
		 const uint8_t key[MBUS_KEY_LEN], size_t *skip)
{
	struct mbus_security *s = &t->sec;
	uint8_t iv[16] = { 0 }, k[MBUS_KEY_LEN];
	size_t off = 0;
	int ret;

	s->mode = (uint8_t)mbus_cf_mode(s->cf);
	s->blocks = (uint8_t)(s->cf >> 4 & 0xF);
	*skip = 0;
	if (s->mode == 7) {
		if (!len)
			return sec_fail(t, -EPROTO,
					"the configuration field extension is missing");
		s->cfe = d[0];
		off = 1;
	}
	s->enc_pos = pos + off;
	s->enc_len = len - off;
	if (s->mode != 5 && s->mode != 7)
		return sec_fail(t, -ENOTSUP, "mode %u cannot be decrypted",
				s->mode);
	if ((size_t)s->blocks * 16 > len - off)
		return sec_fail(t, -EPROTO,
				"%u encrypted blocks (%u bytes) announced, %zu bytes present (truncated ciphertext or wrong length)",
				s->blocks, 16u * s->blocks, len - off);
	s->enc_len = (size_t)s->blocks * 16;
	if (!key)
		return sec_fail(t, -ENOKEY, "no key given for this meter");
	if (s->mode == 5) {
		if (t->header.type != MBUS_HEADER_LONG)
			return sec_fail(t, -EPROTO,
					"the IV needs the meter's address, which a short header does not carry");
		mbus_mode5_iv(&t->header, iv);
		memcpy(k, key, sizeof(k));
	} else {
		ret = mode7_key(t, tpl, tpl_len, key, k);
		if (ret)
			return ret;
	}
	if (mbus_aes_cbc(k, iv, d + off, s->enc_len, t->plain, false))
		return sec_fail(t, -EIO, "libcrypto failed");
	if (s->enc_len && (t->plain[0] != 0x2F || t->plain[1] != 0x2F))
		return sec_fail(t, -EKEYREJECTED,
				"the decrypted data do not start with 2F 2F: wrong key");
	s->decrypted = true;
	*skip = off + s->enc_len;
	return 0;
}
