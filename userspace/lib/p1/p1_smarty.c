// SPDX-License-Identifier: GPL-2.0
/*
 * Luxembourg "Smarty" P1: each telegram travels as a DLMS
 * general-glo-ciphering APDU, AES-128-GCM with a 12-byte tag:
 *
 *   DB 08 <system title:8> 82 <len:2> 30 <frame counter:4> <ciphertext> <tag:12>
 *
 * len counts from the security byte to the end of the tag. IV = system
 * title || frame counter, AAD = security byte || authentication key.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "p1.h"

const uint8_t p1_smarty_default_ak[16] = {
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
};

static int __attribute__((format(printf, 4, 5)))
fail(struct p1_error *err, int ret, size_t pos, const char *fmt, ...)
{
	va_list ap;

	err->pos = pos;
	err->line = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return ret;
}

long p1_smarty_frame_len(const uint8_t *buf, size_t len, size_t max)
{
	size_t body;

	if (len < 1)
		return 0;
	if (buf[0] != 0xdb)
		return -1;
	if (len < 2)
		return 0;
	if (buf[1] != 8)
		return -1;
	if (len < 11)
		return 0;
	if (buf[10] != 0x82)
		return -1;
	if (len < 14)
		return 0;
	body = (size_t)buf[11] << 8 | buf[12];
	if (buf[13] != P1_SMARTY_SC || body < 5 + P1_SMARTY_TAG ||
	    13 + body > max)
		return -1;
	return (long)(13 + body);
}

static void make_iv_aad(const uint8_t *title, const uint8_t *fc,
			const uint8_t *ak, uint8_t iv[12], uint8_t aad[17])
{
	memcpy(iv, title, 8);
	memcpy(iv + 8, fc, 4);
	aad[0] = P1_SMARTY_SC;
	memcpy(aad + 1, ak ? ak : p1_smarty_default_ak, 16);
}

int p1_smarty_decrypt(const uint8_t *frame, size_t len, const uint8_t *key,
		      const uint8_t *ak, char **plain, size_t *plain_len,
		      struct p1_error *err)
{
	uint8_t iv[12], aad[17];
	EVP_CIPHER_CTX *ctx;
	size_t clen;
	long want;
	int n, fin, ret = 0;
	char *out;

	memset(err, 0, sizeof(*err));
	*plain = NULL;
	want = p1_smarty_frame_len(frame, len, SIZE_MAX);
	if (want < 0)
		return fail(err, -EINVAL, 0,
			    "not a Smarty frame: expected DB 08 <title> 82 <len> 30");
	if (want == 0 || (size_t)want > len)
		return fail(err, -EPIPE, len,
			    "truncated encrypted frame: %zu of %ld bytes", len,
			    want ? want : (long)P1_SMARTY_HEADER);
	clen = (size_t)want - P1_SMARTY_HEADER - P1_SMARTY_TAG;
	make_iv_aad(frame + 2, frame + 14, ak, iv, aad);

	out = malloc(clen + 1);
	ctx = EVP_CIPHER_CTX_new();
	if (!out || !ctx) {
		ret = fail(err, -ENOMEM, 0, "out of memory");
		goto out;
	}
	if (EVP_DecryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) != 1 ||
	    EVP_DecryptInit_ex(ctx, NULL, NULL, key, iv) != 1 ||
	    EVP_DecryptUpdate(ctx, NULL, &n, aad, sizeof(aad)) != 1 ||
	    EVP_DecryptUpdate(ctx, (uint8_t *)out, &n,
			      frame + P1_SMARTY_HEADER, (int)clen) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, P1_SMARTY_TAG,
				(void *)(frame + want - P1_SMARTY_TAG)) != 1) {
		ret = fail(err, -EIO, 0, "AES-128-GCM setup failed");
		goto out;
	}
	fin = 0;
	if (EVP_DecryptFinal_ex(ctx, (uint8_t *)out + n, &fin) != 1) {
		ret = fail(err, -EBADMSG, (size_t)want - P1_SMARTY_TAG,
			   "GCM tag mismatch: wrong key or corrupted frame (counter %u)",
			   (unsigned int)frame[14] << 24 | frame[15] << 16 |
			   frame[16] << 8 | frame[17]);
		goto out;
	}
	out[n + fin] = '\0';
	*plain = out;
	*plain_len = (size_t)(n + fin);
	out = NULL;
out:
	EVP_CIPHER_CTX_free(ctx);
	free(out);
	return ret;
}

int p1_smarty_encrypt(const char *plain, size_t plain_len, const uint8_t *key,
		      const uint8_t *ak, const uint8_t title[8],
		      uint32_t counter, uint8_t **frame, size_t *frame_len,
		      struct p1_error *err)
{
	size_t body = 5 + plain_len + P1_SMARTY_TAG;
	size_t total = 13 + body;
	uint8_t iv[12], aad[17];
	EVP_CIPHER_CTX *ctx;
	uint8_t *f;
	int n, fin, ret = 0;

	memset(err, 0, sizeof(*err));
	*frame = NULL;
	if (body > 0xffff)
		return fail(err, -EMSGSIZE, 0,
			    "telegram of %zu bytes too long for one frame",
			    plain_len);
	f = malloc(total);
	ctx = EVP_CIPHER_CTX_new();
	if (!f || !ctx) {
		ret = fail(err, -ENOMEM, 0, "out of memory");
		goto out;
	}
	f[0] = 0xdb;
	f[1] = 8;
	memcpy(f + 2, title, 8);
	f[10] = 0x82;
	f[11] = (uint8_t)(body >> 8);
	f[12] = (uint8_t)body;
	f[13] = P1_SMARTY_SC;
	f[14] = (uint8_t)(counter >> 24);
	f[15] = (uint8_t)(counter >> 16);
	f[16] = (uint8_t)(counter >> 8);
	f[17] = (uint8_t)counter;
	make_iv_aad(title, f + 14, ak, iv, aad);
	if (EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) != 1 ||
	    EVP_EncryptInit_ex(ctx, NULL, NULL, key, iv) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &n, aad, sizeof(aad)) != 1 ||
	    EVP_EncryptUpdate(ctx, f + P1_SMARTY_HEADER, &n,
			      (const uint8_t *)plain, (int)plain_len) != 1 ||
	    EVP_EncryptFinal_ex(ctx, f + P1_SMARTY_HEADER + n, &fin) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, P1_SMARTY_TAG,
				f + total - P1_SMARTY_TAG) != 1) {
		ret = fail(err, -EIO, 0, "AES-128-GCM encryption failed");
		goto out;
	}
	*frame = f;
	*frame_len = total;
	f = NULL;
out:
	EVP_CIPHER_CTX_free(ctx);
	free(f);
	return ret;
}
