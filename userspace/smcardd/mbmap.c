// SPDX-License-Identifier: GPL-2.0
/*
 * The Modbus server's register map. Values are found by "SUB KEY" in a
 * small open-addressing hash; slots are kept in the store's settings as
 * "modbus.value SUB KEY" and "modbus.source KIND/NAME" with the next free
 * slot in "modbus.next_value" / "modbus.next_source", so a slot once
 * given is never given to anything else.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mbmap.h"
#include "store.h"

struct mbval {
	char *id;			/* "SUB KEY" */
	int slot;			/* -1: not mapped */
	int src;			/* source slot, -1: none */
	enum mbreg_type type;
	enum mbreg_order order;
	double scale;
	int64_t updated;		/* ms, 0: never */
	bool fault;
};

struct mbsrc {
	char id[SD_NAME_MAX + 20];	/* KIND/NAME, empty: free slot */
	size_t kind_len;		/* its topic level: modbus for modbus.meter */
	const char *name;		/* in id */
	bool output;
	bool up;
	unsigned int failures;
	unsigned int alarms;
	int64_t updated;
};

struct sd_mbmap {
	const struct sd_mbsrv *cfg;
	struct sd_store *store;
	modbus_mapping_t *mb;
	struct mbval **hash;
	size_t hcap, nval;
	struct mbval *byslot[SD_MBMAP_NVALUES];
	struct mbsrc src[SD_MBMAP_NSOURCES];
	int next_value, next_source, mapped;
	bool pinned[SD_MBMAP_NVALUES];
	int overflow;			/* values that found no free slot */
	bool dirty;
};

int sd_mbsrv_type_parse(const char *s, enum mbreg_type *t)
{
	if (!strcmp(s, "float32"))
		*t = MBREG_FLOAT32;
	else if (!strcmp(s, "int32"))
		*t = MBREG_INT32;
	else if (!strcmp(s, "uint32"))
		*t = MBREG_UINT32;
	else
		return -1;
	return 0;
}

static const char *type_name(enum mbreg_type t)
{
	return t == MBREG_INT32 ? "int32" : t == MBREG_UINT32 ? "uint32" : "float32";
}

static uint64_t fnv(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static struct mbval **find(struct sd_mbmap *m, const char *id)
{
	size_t i = fnv(id) & (m->hcap - 1);

	while (m->hash[i] && strcmp(m->hash[i]->id, id))
		i = (i + 1) & (m->hcap - 1);
	return &m->hash[i];
}

static int grow(struct sd_mbmap *m)
{
	struct mbval **old = m->hash;
	size_t ocap = m->hcap;

	m->hcap = ocap ? ocap * 2 : 64;
	m->hash = calloc(m->hcap, sizeof(*m->hash));
	if (!m->hash) {
		m->hash = old;
		m->hcap = ocap;
		return -ENOMEM;
	}
	for (size_t i = 0; i < ocap; i++)
		if (old[i])
			*find(m, old[i]->id) = old[i];
	free(old);
	return 0;
}

static int setting_int(struct sd_mbmap *m, const char *key, int dflt)
{
	char buf[32];

	if (!m->store || sd_store_setting_get(m->store, key, buf, sizeof(buf)))
		return dflt;
	return atoi(buf);
}

static void setting_put_int(struct sd_mbmap *m, const char *key, int v)
{
	char buf[32];

	if (!m->store)
		return;
	snprintf(buf, sizeof(buf), "%d", v);
	sd_store_setting_put(m->store, key, buf);
}

static void put_u32(struct sd_mbmap *m, int addr, uint32_t v)
{
	mbreg_encode(v, MBREG_UINT32, m->cfg->order, &m->mb->tab_registers[addr]);
}

/* Unmapped slots read 0 with quality "none". */
static void show_empty(struct sd_mbmap *m, int slot)
{
	m->mb->tab_registers[SD_MBMAP_AGE + slot] = SD_MB_AGE_NONE;
	m->mb->tab_registers[SD_MBMAP_QUALITY + slot] = SD_MBQ_NONE;
}

int sd_mbmap_new(struct sd_mbmap **out, const struct sd_mbsrv *cfg,
		 struct sd_store *store)
{
	struct sd_mbmap *m = calloc(1, sizeof(*m));

	*out = NULL;
	if (!m)
		return -ENOMEM;
	m->cfg = cfg;
	m->store = store;
	m->mb = modbus_mapping_new_start_address(0, SD_MBMAP_NBITS, 0, SD_MBMAP_NBITS,
						 0, SD_MBMAP_NREGS, 0, 0);
	if (!m->mb || grow(m)) {
		sd_mbmap_free(m);
		return -ENOMEM;
	}
	/* the input registers are the holding registers: one copy, read only */
	m->mb->tab_input_registers = m->mb->tab_registers;
	m->mb->nb_input_registers = m->mb->nb_registers;
	for (size_t i = 0; i < cfg->nmap; i++)
		m->pinned[(cfg->map[i].address - SD_MBMAP_VALUES) / 2] = true;
	for (int s = 0; s < SD_MBMAP_NVALUES; s++)
		show_empty(m, s);
	for (int s = 0; s < SD_MBMAP_NSOURCES; s++)
		m->mb->tab_registers[SD_MBMAP_SOURCES + 4 * s + SD_MBS_AGE] = SD_MB_AGE_NONE;
	m->next_value = setting_int(m, "modbus.next_value", 0);
	m->next_source = setting_int(m, "modbus.next_source", 0);
	m->dirty = true;
	*out = m;
	return 0;
}

void sd_mbmap_free(struct sd_mbmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->hcap; i++) {
		if (m->hash[i])
			free(m->hash[i]->id);
		free(m->hash[i]);
	}
	free(m->hash);
	if (m->mb) {
		m->mb->tab_input_registers = NULL;
		modbus_mapping_free(m->mb);
	}
	free(m);
}

modbus_mapping_t *sd_mbmap_tables(struct sd_mbmap *m)
{
	return m->mb;
}

int sd_mbmap_source(struct sd_mbmap *m, const char *kind, const char *name,
		    bool output)
{
	char id[sizeof(m->src[0].id)], key[sizeof(id) + 16];
	int slot;

	snprintf(id, sizeof(id), "%s/%s", kind, name);
	for (slot = 0; slot < SD_MBMAP_NSOURCES; slot++)
		if (!strcmp(m->src[slot].id, id))
			return slot;
	snprintf(key, sizeof(key), "modbus.source %s", id);
	slot = setting_int(m, key, -1);
	if (slot < 0 || slot >= SD_MBMAP_NSOURCES || m->src[slot].id[0]) {
		while (m->next_source < SD_MBMAP_NSOURCES && m->src[m->next_source].id[0])
			m->next_source++;
		if (m->next_source >= SD_MBMAP_NSOURCES)
			return -ENOSPC;
		slot = m->next_source++;
		setting_put_int(m, key, slot);
		setting_put_int(m, "modbus.next_source", m->next_source);
	}
	snprintf(m->src[slot].id, sizeof(m->src[slot].id), "%s", id);
	m->src[slot].kind_len = strcspn(kind, ".");
	m->src[slot].name = m->src[slot].id + strlen(kind) + 1;
	m->src[slot].output = output;
	m->dirty = true;
	return slot;
}

void sd_mbmap_source_state(struct sd_mbmap *m, int slot, bool up,
			   unsigned int failures)
{
	if (slot < 0 || slot >= SD_MBMAP_NSOURCES)
		return;
	m->src[slot].up = up;
	m->src[slot].failures = failures;
}

void sd_mbmap_source_alarms(struct sd_mbmap *m, int slot, unsigned int mask)
{
	if (slot < 0 || slot >= SD_MBMAP_NSOURCES)
		return;
	m->src[slot].alarms = mask;
	m->mb->tab_input_bits[SD_MBMAP_DI_ALARM + slot] = mask != 0;
}

/*
 * The source a reading under @sub comes from: KIND/NAME itself, a
 * source named like the topic (p1, status), or the only source of the
 * topic's first level (the M-Bus master's meters).
 */
static int source_of(const struct sd_mbmap *m, const char *sub)
{
	size_t first = strcspn(sub, "/");
	int only = -1, n = 0;

	for (int s = 0; s < SD_MBMAP_NSOURCES; s++) {
		const struct mbsrc *r = &m->src[s];

		if (!r->id[0] || r->kind_len != first || strncmp(r->id, sub, first))
			continue;
		if (!strcmp(r->name, sub[first] ? sub + first + 1 : sub))
			return s;
		only = s;
		n++;
	}
	return n == 1 ? only : -1;
}

static const struct sd_mbsrv_map *pinned(const struct sd_mbmap *m, const char *sub,
					 const char *key)
{
	for (size_t i = 0; i < m->cfg->nmap; i++)
		if (!strcmp(m->cfg->map[i].sub, sub) && !strcmp(m->cfg->map[i].key, key))
			return &m->cfg->map[i];
	return NULL;
}

/* A free slot for an automatic value, or -1. */
static int take_slot(struct sd_mbmap *m, const char *id)
{
	char key[320];
	int slot;

	snprintf(key, sizeof(key), "modbus.value %s", id);
	slot = setting_int(m, key, -1);
	if (slot >= 0 && slot < SD_MBMAP_NVALUES && !m->pinned[slot] && !m->byslot[slot])
		return slot;
	while (m->next_value < SD_MBMAP_NVALUES &&
	       (m->pinned[m->next_value] || m->byslot[m->next_value]))
		m->next_value++;
	if (m->next_value >= SD_MBMAP_NVALUES)
		return -1;
	slot = m->next_value++;
	setting_put_int(m, key, slot);
	setting_put_int(m, "modbus.next_value", m->next_value);
	return slot;
}

static struct mbval *value(struct sd_mbmap *m, const char *sub, const char *key)
{
	char id[300];
	const struct sd_mbsrv_map *pin;
	struct mbval **at, *v;

	snprintf(id, sizeof(id), "%s %s", sub, key);
	at = find(m, id);
	v = *at;
	if (v)
		return v;
	if ((m->nval + 1) * 2 > m->hcap) {
		if (grow(m))
			return NULL;
		at = find(m, id);
	}
	v = calloc(1, sizeof(*v));
	if (!v || !(v->id = strdup(id))) {
		free(v);
		return NULL;
	}
	pin = pinned(m, sub, key);
	v->type = pin ? pin->type : m->cfg->type;
	v->order = pin ? pin->order : m->cfg->order;
	v->scale = pin ? pin->scale : m->cfg->scale;
	v->src = source_of(m, sub);
	if (pin)
		v->slot = (pin->address - SD_MBMAP_VALUES) / 2;
	else if (m->cfg->auto_map && strncmp(sub, "alarm/", 6) && strncmp(sub, "rule/", 5))
		v->slot = take_slot(m, id);
	else
		v->slot = -1;
	if (v->slot < 0 && !pin && m->cfg->auto_map && strncmp(sub, "alarm/", 6) &&
	    strncmp(sub, "rule/", 5))
		m->overflow++;
	if (v->slot >= 0) {
		m->byslot[v->slot] = v;
		m->mapped++;
		m->dirty = true;
	}
	*at = v;
	m->nval++;
	return v;
}

void sd_mbmap_reading(struct sd_mbmap *m, const char *sub,
		      struct json_object *payload, int64_t now_ms)
{
	struct json_object *j;
	bool fault = json_object_object_get_ex(payload, "fault", &j);
	int src = -1;

	json_object_object_foreach(payload, key, val) {
		enum json_type t = json_object_get_type(val);
		struct mbval *v;
		double d;

		if (t != json_type_int && t != json_type_double && t != json_type_boolean)
			continue;
		v = value(m, sub, key);
		if (!v)
			continue;
		src = v->src;
		d = json_object_get_double(val);
		if (!strcmp(key, "value") && v->src >= 0 && !strcmp(m->src[v->src].id, sub) &&
		    (!strncmp(sub, "digital/", 8) || !strncmp(sub, "output/", 7))) {
			m->mb->tab_input_bits[SD_MBMAP_DI_STATE + v->src] = d != 0;
			if (m->src[v->src].output)
				m->mb->tab_bits[SD_MBMAP_COILS + v->src] = d != 0;
		}
		if (v->slot < 0)
			continue;
		v->updated = now_ms ? now_ms : 1;
		v->fault = fault;
		mbreg_encode_sat(d * v->scale, v->type, v->order,
				 &m->mb->tab_registers[SD_MBMAP_VALUES + 2 * v->slot]);
	}
	if (src >= 0)
		m->src[src].updated = now_ms ? now_ms : 1;
}

static uint16_t age(int64_t updated, int64_t now)
{
	int64_t s;

	if (!updated)
		return SD_MB_AGE_NONE;
	s = (now - updated) / 1000;
	return s < 0 ? 0 : s >= SD_MB_AGE_NONE ? SD_MB_AGE_NONE : (uint16_t)s;
}

void sd_mbmap_refresh(struct sd_mbmap *m, int64_t now_ms,
		      const struct sd_mbmap_status *st)
{
	uint16_t *r = m->mb->tab_registers;
	int nsrc = 0, up = 0, down = 0, alarms = 0;

	for (int s = 0; s < SD_MBMAP_NSOURCES; s++) {
		uint16_t *b = &r[SD_MBMAP_SOURCES + 4 * s];
		const struct mbsrc *c = &m->src[s];

		if (!c->id[0])
			continue;
		nsrc++;
		up += c->up;
		down += !c->up;
		alarms += c->alarms != 0;
		b[SD_MBS_STATE] = c->up ? SD_MBS_UP : SD_MBS_DOWN;
		b[SD_MBS_FAILURES] = c->failures > 65535 ? 65535 : (uint16_t)c->failures;
		b[SD_MBS_ALARMS] = (uint16_t)c->alarms;
		b[SD_MBS_AGE] = age(c->updated, now_ms);
	}
	for (int s = 0; s < SD_MBMAP_NVALUES; s++) {
		const struct mbval *v = m->byslot[s];
		const struct mbsrc *c;
		uint16_t q;

		if (!v)
			continue;
		c = v->src >= 0 ? &m->src[v->src] : NULL;
		if (!v->updated)
			q = SD_MBQ_NONE;
		else if (c && !c->up)
			q = SD_MBQ_DOWN;
		else if (v->fault || (c && c->alarms))
			q = SD_MBQ_ALARM;
		else
			q = SD_MBQ_GOOD;
		r[SD_MBMAP_AGE + s] = age(v->updated, now_ms);
		r[SD_MBMAP_QUALITY + s] = q;
		if (!v->updated)
			mbreg_encode_sat(NAN, v->type, v->order, &r[SD_MBMAP_VALUES + 2 * s]);
	}
	r[SD_MBH_MAGIC] = SD_MBMAP_MAGIC;
	r[SD_MBH_LAYOUT] = SD_MBMAP_LAYOUT;
	put_u32(m, SD_MBH_UPTIME, st->uptime_s);
	r[SD_MBH_VALUES] = (uint16_t)m->mapped;
	r[SD_MBH_SOURCES] = (uint16_t)nsrc;
	r[SD_MBH_UP] = (uint16_t)up;
	r[SD_MBH_DOWN] = (uint16_t)down;
	r[SD_MBH_ALARMS] = (uint16_t)alarms;
	r[SD_MBH_MQTT] = (uint16_t)st->mqtt;
	put_u32(m, SD_MBH_SPOOL, st->spool);
	r[SD_MBH_WRITE] = m->cfg->allow_write;
	r[SD_MBH_TYPE] = m->cfg->type == MBREG_FLOAT32 ? 0 : m->cfg->type == MBREG_INT32 ? 1 : 2;
	r[SD_MBH_ORDER] = (uint16_t)m->cfg->order;
}

const char *sd_mbmap_coil_output(const struct sd_mbmap *m, int addr)
{
	int s = addr - SD_MBMAP_COILS;

	if (s < 0 || s >= SD_MBMAP_NSOURCES || !m->src[s].output)
		return NULL;
	return m->src[s].name;
}

int sd_mbmap_count(const struct sd_mbmap *m)
{
	return m->mapped;
}

bool sd_mbmap_dirty(const struct sd_mbmap *m)
{
	return m->dirty;
}

int sd_mbmap_overflow(const struct sd_mbmap *m)
{
	return m->overflow;
}

int sd_mbmap_write(struct sd_mbmap *m, const char *path)
{
	static const char *const orders[] = { "abcd", "cdab", "badc", "dcba" };
	char tmp[SD_PATH_MAX + 8];
	FILE *f;
	int err = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "# smcardd Modbus register map (layout %d): paste into [modbus.server]\n"
		"# to pin it. Sources (4 registers at %d + 4 * slot; coil / discrete input = slot):\n",
		SD_MBMAP_LAYOUT, SD_MBMAP_SOURCES);
	for (int s = 0; s < SD_MBMAP_NSOURCES; s++)
		if (m->src[s].id[0])
			fprintf(f, "#   slot %d: %s%s\n", s, m->src[s].id,
				m->src[s].output ? " (coil)" : "");
	for (int s = 0; s < SD_MBMAP_NVALUES; s++) {
		const struct mbval *v = m->byslot[s];

		if (!v)
			continue;
		fprintf(f, "map = %d %s type=%s order=%s scale=%g\n", SD_MBMAP_VALUES + 2 * s,
			v->id, type_name(v->type), orders[v->order], v->scale);
	}
	if (fflush(f) || fsync(fileno(f)))
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	else
		m->dirty = false;
	return err;
}
