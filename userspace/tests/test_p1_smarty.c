// SPDX-License-Identifier: GPL-2.0
/*
 * Luxembourg Smarty frames. The frame is built here with libcrypto
 * directly, from the layout in the Luxembourg P1 specification, so the
 * library's own encryptor is not what checks its decryptor.
 */
#include <openssl/evp.h>

#include "kselftest_harness.h"
#include "test_p1_util.h"

static const uint8_t key[16] = {
	0xaa, 0xaa, 0xaa, 0xaa, 0xbb, 0xbb, 0xbb, 0xbb,
	0xcc, 0xcc, 0xcc, 0xcc, 0xdd, 0xdd, 0xdd, 0xdd,
};
static const uint8_t title[8] = { 'S', 'A', 'G', 'Y', 0x00, 0x12, 0x34, 0x56 };

/* DB 08 title 82 len SC fc ciphertext tag; returns the frame length. */
static size_t build_frame(const char *plain, uint8_t *out, uint32_t fc)
{
	static const uint8_t ak[16] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	};
	size_t plen = strlen(plain), body = 5 + plen + 12;
	uint8_t iv[12], aad[17];
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n;

	out[0] = 0xdb;
	out[1] = 0x08;
	memcpy(out + 2, title, 8);
	out[10] = 0x82;
	out[11] = (uint8_t)(body >> 8);
	out[12] = (uint8_t)body;
	out[13] = 0x30;
	out[14] = (uint8_t)(fc >> 24);
	out[15] = (uint8_t)(fc >> 16);
	out[16] = (uint8_t)(fc >> 8);
	out[17] = (uint8_t)fc;
	memcpy(iv, title, 8);
	memcpy(iv + 8, out + 14, 4);
	aad[0] = 0x30;
	memcpy(aad + 1, ak, 16);
	EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, NULL, NULL);
	EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL);
	EVP_EncryptInit_ex(ctx, NULL, NULL, key, iv);
	EVP_EncryptUpdate(ctx, NULL, &n, aad, sizeof(aad));
	EVP_EncryptUpdate(ctx, out + 18, &n, (const uint8_t *)plain, (int)plen);
	EVP_EncryptFinal_ex(ctx, out + 18 + n, &n);
	EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 12, out + 18 + plen);
	EVP_CIPHER_CTX_free(ctx);
	return 13 + body;
}

TEST(decrypt_and_parse)
{
	uint8_t frame[4096];
	size_t len = build_frame(fixture_smarty, frame, 0x0102);
	struct p1_telegram t;
	struct p1_error err;
	struct p1_summary s;
	size_t plen;
	char *plain;

	EXPECT_EQ((long)len, p1_smarty_frame_len(frame, len, sizeof(frame)));
	ASSERT_EQ(0, p1_smarty_decrypt(frame, len, key, NULL, &plain, &plen, &err))
		TH_LOG("%s", err.msg);
	EXPECT_EQ(strlen(fixture_smarty), plen);
	EXPECT_STREQ(fixture_smarty, plain);
	ASSERT_EQ(0, p1_parse(plain, plen, 0, NULL, &t, &err)) TH_LOG("%s", err.msg);
	p1_summarize(&t, &s);
	EXPECT_NEAR(12345.678, s.import_kwh, 1e-9);
	EXPECT_NEAR(123.456, s.export_kwh, 1e-9);
	EXPECT_NEAR(2345.678, s.reactive_export_kvarh, 1e-9);
	EXPECT_NEAR(789, s.power_import_w, 1e-9);
	EXPECT_STREQ("kVA", obj_unit(&t, "0-0:17.0.0"));
	p1_telegram_free(&t);
	free(plain);
}

TEST(wrong_key_or_tampering)
{
	uint8_t frame[4096], bad_key[16];
	size_t len = build_frame(fixture_smarty, frame, 7);
	struct p1_error err;
	size_t plen;
	char *plain;

	memcpy(bad_key, key, 16);
	bad_key[15] ^= 1;
	EXPECT_EQ(-EBADMSG, p1_smarty_decrypt(frame, len, bad_key, NULL, &plain,
					      &plen, &err));
	EXPECT_NE(NULL, strstr(err.msg, "tag")) TH_LOG("%s", err.msg);
	EXPECT_NULL(plain);

	frame[40] ^= 0x20;
	EXPECT_EQ(-EBADMSG, p1_smarty_decrypt(frame, len, key, NULL, &plain,
					      &plen, &err));
}

TEST(truncated_frame)
{
	uint8_t frame[4096];
	size_t len = build_frame(fixture_smarty, frame, 7);
	struct p1_error err;
	size_t plen;
	char *plain;

	EXPECT_EQ(-EPIPE, p1_smarty_decrypt(frame, len - 1, key, NULL, &plain,
					    &plen, &err));
	EXPECT_NE(NULL, strstr(err.msg, "truncated")) TH_LOG("%s", err.msg);
	EXPECT_EQ(-EINVAL, p1_smarty_decrypt(frame + 1, len - 1, key, NULL,
					     &plain, &plen, &err));
}

TEST(framer_finds_frames_in_noise)
{
	uint8_t stream[8192], frame[4096];
	size_t a = build_frame(fixture_smarty, frame, 1), n = 0;
	const uint8_t *f;
	struct p1_framer fr;
	struct p1_error err;
	size_t flen;
	int found = 0;

	memcpy(stream + n, "\xdb\x07noise\xdb", 8);
	n += 8;
	memcpy(stream + n, frame, a);
	n += a;
	memcpy(stream + n, frame, a);
	n += a;
	p1_framer_init(&fr, P1_FRAME_SMARTY, 0);
	for (size_t i = 0; i < n; i += 100) {
		ASSERT_EQ(0, p1_framer_push(&fr, stream + i, n - i < 100 ? n - i : 100));
		while (p1_framer_next(&fr, false, &f, &flen, &err) == 1) {
			size_t plen;
			char *plain;

			ASSERT_EQ(a, flen);
			ASSERT_EQ(0, p1_smarty_decrypt(f, flen, key, NULL,
						       &plain, &plen, &err));
			free(plain);
			found++;
		}
	}
	EXPECT_EQ(2, found);
	EXPECT_EQ(8, fr.skipped);
	p1_framer_free(&fr);
}

TEST(library_encryptor_round_trip)
{
	uint8_t ours[4096], *theirs;
	size_t a = build_frame(fixture_smarty, ours, 99), b;
	struct p1_error err;

	ASSERT_EQ(0, p1_smarty_encrypt(fixture_smarty, strlen(fixture_smarty),
				       key, NULL, title, 99, &theirs, &b, &err));
	ASSERT_EQ(a, b);
	EXPECT_EQ(0, memcmp(ours, theirs, a));
	free(theirs);
}

TEST_HARNESS_MAIN
