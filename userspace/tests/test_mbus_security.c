// SPDX-License-Identifier: GPL-2.0
/*
 * OMS / EN 13757-7 security modes 5 and 7. The telegrams are encrypted
 * here, with libcrypto's EVP interfaces called by the test itself (the
 * IV, the KDF input and the MAC input spelled out byte by byte), and
 * decrypted by the library: the records must come back as sent. Wrong or
 * missing keys, truncated ciphertext and a wrong length byte must give a
 * clear error naming the meter and the mode, with the encrypted bytes
 * kept in the JSON.
 */
#include <errno.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "kselftest_harness.h"
#include "mbus.h"
#include "test_mbus_util.h"

static const uint8_t key[16] = {
	0x51, 0x72, 0x89, 0x10, 0xE6, 0x6D, 0x83, 0xF8,
	0x51, 0x72, 0x89, 0x10, 0xE6, 0x6D, 0x83, 0xF8,
};

/* Records the meter sends inside the encrypted part. */
#define PLAIN_RECORDS "2F 2F 04 13 39 30 00 00 02 5A 2C 01 04 6D 0A 2B 21 31 2F 2F"

static void evp_cbc(const uint8_t k[16], const uint8_t iv[16],
		    const uint8_t *in, size_t n, uint8_t *out)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int l1 = 0, l2 = 0;

	if (!c || !EVP_EncryptInit_ex(c, EVP_aes_128_cbc(), NULL, k, iv) ||
	    !EVP_CIPHER_CTX_set_padding(c, 0) ||
	    !EVP_EncryptUpdate(c, out, &l1, in, (int)n) ||
	    !EVP_EncryptFinal_ex(c, out + l1, &l2) || (size_t)(l1 + l2) != n)
		abort();
	EVP_CIPHER_CTX_free(c);
}

static void evp_cmac(const uint8_t k[16], const uint8_t *in, size_t n,
		     uint8_t out[16])
{
	char cipher[] = "AES-128-CBC";
	OSSL_PARAM p[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *m = EVP_MAC_fetch(NULL, "CMAC", NULL);
	EVP_MAC_CTX *c = EVP_MAC_CTX_new(m);
	size_t l = 0;

	if (!c || !EVP_MAC_init(c, k, 16, p) || !EVP_MAC_update(c, in, n) ||
	    !EVP_MAC_final(c, out, &l, 16) || l != 16)
		abort();
	EVP_MAC_CTX_free(c);
	EVP_MAC_free(m);
}

/* Plain records padded with 2Fh to whole blocks; returns their length. */
static size_t padded(const char *hexrec, uint8_t *out, size_t size)
{
	size_t n = hex(hexrec, out, size);

	while (n % 16)
		out[n++] = 0x2F;
	return n;
}

/*
 * Mode 5 telegram of a water meter KAM 12345678 v1Bh, access number 2Ah:
 * long header with CF 05N0h, the encrypted blocks, then @tail in plain.
 * Returns the frame length; @data_cut shortens the data (a wrong L).
 */
static size_t mode5_frame(const uint8_t *k, const char *tail, int blocks_delta,
			  size_t data_cut, uint8_t *f, size_t size)
{
	uint8_t plain[64], d[MBUS_MAX_DATA], iv[16];
	size_t n = padded(PLAIN_RECORDS, plain, sizeof(plain)), len = 0;
	uint8_t blocks = (uint8_t)(n / 16 + blocks_delta);
	int fl;

	len = hex("78 56 34 12 2D 2C 1B 07 2A 00", d, sizeof(d));
	d[len++] = (uint8_t)(blocks << 4);	/* CF, LSB first */
	d[len++] = 0x05;
	/* IV: manufacturer, ID, version, medium, 8 x access number */
	hex("2D 2C 78 56 34 12 1B 07 2A 2A 2A 2A 2A 2A 2A 2A", iv, sizeof(iv));
	evp_cbc(k, iv, plain, n, d + len);
	len += n;
	len += hex(tail, d + len, sizeof(d) - len);
	fl = mbus_frame_build_long(f, size, MBUS_C_RSP_UD, 3, 0x72, d,
				   len - data_cut);
	if (fl < 0)
		abort();
	return (size_t)fl;
}

static void expect_plain_records(struct __test_metadata *_metadata,
				 const struct mbus_telegram *t)
{
	char s[64];

	ASSERT_LE(3, t->n_records);
	EXPECT_STREQ("volume", t->records[0].quantity);
	EXPECT_STREQ("12.345", vstr(&t->records[0], s, sizeof(s)));
	EXPECT_STREQ("flow_temperature", t->records[1].quantity);
	EXPECT_STREQ("30.0", vstr(&t->records[1], s, sizeof(s)));
	EXPECT_STREQ("datetime", t->records[2].quantity);
	EXPECT_STREQ("2025-01-01T11:10:00", vstr(&t->records[2], s, sizeof(s)));
}

TEST(mode5_decrypts)
{
	uint8_t f[MBUS_MAX_FRAME];
	size_t n = mode5_frame(key, "01 FD 17 04", 0, 0, f, sizeof(f));
	struct mbus_telegram t;
	struct mbus_error err = { 0 };

	mbus_telegram_init(&t);
	ASSERT_EQ(0, mbus_telegram_parse_key(f, n, key, &t, &err))
		TH_LOG("%s", err.msg);
	EXPECT_EQ(5, t.sec.mode);
	EXPECT_EQ(2, t.sec.blocks);
	EXPECT_TRUE(t.sec.decrypted);
	ASSERT_EQ(4, t.n_records);
	expect_plain_records(_metadata, &t);
	/* the unencrypted record after the encrypted part */
	EXPECT_STREQ("error_flags", t.records[3].quantity);
	mbus_telegram_free(&t);
}

static const char *json_of(const struct mbus_telegram *t, char *buf,
			   size_t size)
{
	struct json_object *j = mbus_telegram_to_json(t);

	snprintf(buf, size, "%s", json_object_to_json_string_ext(j,
		 JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
	return buf;
}

/* The ciphertext as the JSON must keep it. */
static void cipher_hex(const uint8_t *f, char *out)
{
	for (size_t i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02X", f[7 + 12 + i]);
}

TEST(mode5_without_key)
{
	uint8_t f[MBUS_MAX_FRAME];
	size_t n = mode5_frame(key, "01 FD 17 04", 0, 0, f, sizeof(f));
	struct mbus_telegram t;
	struct mbus_error err = { 0 };
	char js[4096], raw[80], want[100];

	mbus_telegram_init(&t);
	EXPECT_EQ(-ENOKEY, mbus_telegram_parse(f, n, &t, &err));
	EXPECT_NE(NULL, strstr(err.msg, "meter 12345678 (KAM, water)"));
	EXPECT_NE(NULL, strstr(err.msg, "security mode 5"));
	EXPECT_NE(NULL, strstr(err.msg, "no key"));
	EXPECT_EQ(19, err.pos);
	/* the plain record after the encrypted part is still read */
	ASSERT_EQ(1, t.n_records);
	EXPECT_STREQ("error_flags", t.records[0].quantity);
	json_of(&t, js, sizeof(js));
	cipher_hex(f, raw);
	snprintf(want, sizeof(want), "\"raw\":\"%s\"", raw);
	EXPECT_NE(NULL, strstr(js, want)) TH_LOG("%s", js);
	EXPECT_NE(NULL, strstr(js, "\"decrypted\":false"));
	EXPECT_NE(NULL, strstr(js, "no key given"));
	mbus_telegram_free(&t);
}

TEST(mode5_wrong_key)
{
	uint8_t f[MBUS_MAX_FRAME], other[16];
	size_t n = mode5_frame(key, "", 0, 0, f, sizeof(f));
	struct mbus_telegram t;
	struct mbus_error err = { 0 };

	memcpy(other, key, 16);
	other[15] ^= 1;
	mbus_telegram_init(&t);
	EXPECT_EQ(-EKEYREJECTED, mbus_telegram_parse_key(f, n, other, &t, &err));
	EXPECT_NE(NULL, strstr(err.msg, "meter 12345678"));
	EXPECT_NE(NULL, strstr(err.msg, "security mode 5"));
	EXPECT_NE(NULL, strstr(err.msg, "wrong key"));
	EXPECT_EQ(0, t.n_records);
	EXPECT_FALSE(t.sec.decrypted);
	mbus_telegram_free(&t);
}

/* More blocks announced than sent: a clear error, nothing read past. */
TEST(mode5_truncated_ciphertext)
{
	uint8_t f[MBUS_MAX_FRAME];
	size_t n = mode5_frame(key, "", 1, 0, f, sizeof(f));
	struct mbus_telegram t;
	struct mbus_error err = { 0 };

	mbus_telegram_init(&t);
	EXPECT_EQ(-EPROTO, mbus_telegram_parse_key(f, n, key, &t, &err));
	EXPECT_NE(NULL, strstr(err.msg, "3 encrypted blocks (48 bytes) announced, 32 bytes present"))
		TH_LOG("%s", err.msg);
	mbus_telegram_free(&t);
}

/*
 * A length byte one short (checksum made to match): the frame is valid,
 * the ciphertext is not whole.
 */
TEST(mode5_wrong_length_byte)
{
	uint8_t f[MBUS_MAX_FRAME];
	size_t n = mode5_frame(key, "", 0, 1, f, sizeof(f));
	struct mbus_telegram t;
	struct mbus_error err = { 0 };

	mbus_telegram_init(&t);
	EXPECT_EQ(-EPROTO, mbus_telegram_parse_key(f, n, key, &t, &err));
	EXPECT_NE(NULL, strstr(err.msg, "31 bytes present")) TH_LOG("%s", err.msg);
	/* and a length byte that disagrees with the frame: link layer */
	n = mode5_frame(key, "", 0, 0, f, sizeof(f));
	f[1]--;
	f[2]--;
	EXPECT_GT(0, mbus_telegram_parse_key(f, n, key, &t, &err));
	mbus_telegram_free(&t);
}

/* A short header has no address for the IV: said so, no crash. */
TEST(mode5_short_header)
{
	uint8_t f[MBUS_MAX_FRAME];
	struct mbus_telegram t;
	struct mbus_error err = { 0 };
	size_t n = long_frame(MBUS_C_RSP_UD, 3, 0x7A,
			      "2A 00 10 05 00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF",
			      f, sizeof(f));

	mbus_telegram_init(&t);
	EXPECT_EQ(-EPROTO, mbus_telegram_parse_key(f, n, key, &t, &err));
	EXPECT_NE(NULL, strstr(err.msg, "meter at address 3: security mode 5"));
	mbus_telegram_free(&t);
}

/*
 * Mode 7: AFL (CI 90h) with message control (AT 5: 8-byte CMAC), counter
 * and MAC, then the TPL with CF 07N0h, CFE 10h (KDF-A) and the blocks.
 */
static size_t mode7_frame(const uint8_t *k, bool with_mac, uint8_t *f,
			  size_t size)
{
	uint8_t plain[64], tpl[MBUS_MAX_DATA], d[MBUS_MAX_DATA];
	uint8_t kin[16], kenc[16], kmac[16], mac[16], macin[300];
	uint8_t iv[16] = { 0 };
	size_t n = padded(PLAIN_RECORDS, plain, sizeof(plain)), tl, dl = 0, ml;
	const uint8_t mcr[4] = { 0x2A, 0x00, 0x00, 0x00 };
	int fl;

	/* KDF-A: CMAC(K, 00|01, counter, ID, 07 x 7) */
	hex("00 2A 00 00 00 78 56 34 12 07 07 07 07 07 07 07", kin, sizeof(kin));
	evp_cmac(k, kin, 16, kenc);
	kin[0] = 0x01;
	evp_cmac(k, kin, 16, kmac);

	tl = hex("72 78 56 34 12 2D 2C 1B 07 2B 00", tpl, sizeof(tpl));
	tpl[tl++] = (uint8_t)((n / 16) << 4);
	tpl[tl++] = 0x07;
	tpl[tl++] = 0x10;			/* CFE: KDF-A, key 0 */
	evp_cbc(kenc, iv, plain, n, tpl + tl);
	tl += n;

	/* MAC input: MCL, MCR, then the TPL from its CI on */
	ml = hex("05 2A 00 00 00", macin, sizeof(macin));
	memcpy(macin + ml, tpl, tl);
	evp_cmac(kmac, macin, ml + tl, mac);

	if (with_mac) {
		dl = hex("0F 00 2C 05", d, sizeof(d));	/* AFLL 15, FCL, MCL */
		memcpy(d + dl, mcr, 4);
		dl += 4;
		memcpy(d + dl, mac, 8);
		dl += 8;
	} else {
		dl = hex("06 00 08", d, sizeof(d));	/* AFLL 6, FCL: MCR only */
		memcpy(d + dl, mcr, 4);
		dl += 4;
	}
	memcpy(d + dl, tpl, tl);
	dl += tl;
	/* the frame's CI is the AFL's: 90h, and the AFL starts with AFLL */
	fl = mbus_frame_build_long(f, size, MBUS_C_RSP_UD, 3, 0x90, d, dl);
	if (fl < 0)
		abort();
	return (size_t)fl;
}

TEST(mode7_decrypts_and_checks_the_mac)
{
	uint8_t f[MBUS_MAX_FRAME];
	size_t n = mode7_frame(key, true, f, sizeof(f));
	struct mbus_telegram t;
	struct mbus_error err = { 0 };
	char js[4096];

	mbus_telegram_init(&t);
	ASSERT_EQ(0, mbus_telegram_parse_key(f, n, key, &t, &err))
		TH_LOG("%s", err.msg);
	EXPECT_TRUE(t.afl.present);
	EXPECT_EQ(0x2A, t.afl.mcr);
	EXPECT_EQ(8, t.afl.mac_len);
	EXPECT_EQ(7, t.sec.mode);
	EXPECT_TRUE(t.sec.mac_checked);
	EXPECT_TRUE(t.sec.decrypted);
	EXPECT_EQ(0x12345678, t.header.id);
	ASSERT_EQ(3, t.n_records);
	expect_plain_records(_metadata, &t);
	json_of(&t, js, sizeof(js));
	EXPECT_NE(NULL, strstr(js, "\"message_counter\":42"));
	EXPECT_NE(NULL, strstr(js, "\"mac_checked\":true"));
	mbus_telegram_free(&t);
}

TEST(mode7_without_mac)
{
	uint8_t f[MBUS_MAX_FRAME];
	size_t n = mode7_frame(key, false, f, sizeof(f));
	struct mbus_telegram t;
	struct mbus_error err = { 0 };

	mbus_telegram_init(&t);
	ASSERT_EQ(0, mbus_telegram_parse_key(f, n, key, &t, &err))
		TH_LOG("%s", err.msg);
	EXPECT_FALSE(t.sec.mac_checked);
	expect_plain_records(_metadata, &t);
	mbus_telegram_free(&t);
}

TEST(mode7_wrong_key_and_altered_data)
{
	uint8_t f[MBUS_MAX_FRAME], other[16];
	size_t n = mode7_frame(key, true, f, sizeof(f));
	struct mbus_telegram t;
	struct mbus_error err = { 0 };

	memcpy(other, key, 16);
	other[0] ^= 0x80;
	mbus_telegram_init(&t);
	EXPECT_EQ(-EKEYREJECTED, mbus_telegram_parse_key(f, n, other, &t, &err));
	EXPECT_NE(NULL, strstr(err.msg, "security mode 7"));
	EXPECT_NE(NULL, strstr(err.msg, "MAC does not match"));
	/* one ciphertext bit flipped, the link checksum made to match */
	f[n - 5] ^= 0x01;
	f[n - 2] = mbus_checksum(f + 4, n - 6);
	EXPECT_EQ(-EKEYREJECTED, mbus_telegram_parse_key(f, n, key, &t, &err));
	EXPECT_EQ(-ENOKEY, mbus_telegram_parse_key(f, n, NULL, &t, &err));
	EXPECT_NE(NULL, strstr(err.msg, "meter 12345678 (KAM, water): security mode 7"));
	mbus_telegram_free(&t);
}

/* Mode 7 without an AFL has no message counter: a clear error. */
TEST(mode7_needs_the_counter)
{
	uint8_t f[MBUS_MAX_FRAME];
	struct mbus_telegram t;
	struct mbus_error err = { 0 };
	size_t n = long_frame(MBUS_C_RSP_UD, 3, 0x72,
			      "78 56 34 12 2D 2C 1B 07 2B 00 10 07 10 "
			      "00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF",
			      f, sizeof(f));

	mbus_telegram_init(&t);
	EXPECT_EQ(-EPROTO, mbus_telegram_parse_key(f, n, key, &t, &err));
	EXPECT_NE(NULL, strstr(err.msg, "message counter")) TH_LOG("%s", err.msg);
	mbus_telegram_free(&t);
}

/*
 * An old meter's signature field that is no security mode (here 0100h,
 * "mode 1") over plain records: read as plain records, with a note.
 */
TEST(old_signature_is_not_encryption)
{
	struct mbus_telegram t;
	struct mbus_error err = { 0 };
	char js[4096];

	ASSERT_EQ(0, decode_rsp(0x72,
		"78 56 34 12 2D 2C 1B 07 2A 00 00 01 04 13 39 30 00 00", &t, &err))
		TH_LOG("%s", err.msg);
	ASSERT_EQ(1, t.n_records);
	EXPECT_EQ(1, t.sec.mode);
	EXPECT_FALSE(t.sec.decrypted);
	json_of(&t, js, sizeof(js));
	EXPECT_NE(NULL, strstr(js, "an old signature"));
	mbus_telegram_free(&t);
}

TEST(key_parse)
{
	uint8_t k[16];

	EXPECT_EQ(0, mbus_key_parse("51728910E66D83F851728910E66D83F8", k));
	EXPECT_EQ(0, memcmp(k, key, 16));
	EXPECT_EQ(0, mbus_key_parse("51 72 89 10 E6 6D 83 F8 51 72 89 10 e6 6d 83 f8", k));
	EXPECT_EQ(0, memcmp(k, key, 16));
	EXPECT_EQ(-EINVAL, mbus_key_parse("51728910E66D83F851728910E66D83", k));
	EXPECT_EQ(-EINVAL, mbus_key_parse("51728910E66D83F851728910E66D83F800", k));
	EXPECT_EQ(-EINVAL, mbus_key_parse("5172891XE66D83F851728910E66D83F8", k));
	EXPECT_EQ(-EINVAL, mbus_key_parse("", k));
}

TEST_HARNESS_MAIN
