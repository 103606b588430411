// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "mbus_data.h"
#include "mbus_meter.h"
#include "mbus_vif.h"

void mbus_meter_reset(struct mbus_meter *m)
{
	m->selected = false;
	m->fcb_valid = false;
	m->last_fcb = false;
	m->tele_start = 0;
	m->tele_next = 0;
	m->last_len = 0;
}

static bool addressed(const struct mbus_meter *m, uint8_t a)
{
	if (a == MBUS_ADDR_SELECTED)
		return m->selected;
	return a == m->primary || a == MBUS_ADDR_BROADCAST ||
	       a == MBUS_ADDR_BROADCAST_NR;
}

static int ack(uint8_t a, uint8_t *reply, size_t size)
{
	return a == MBUS_ADDR_BROADCAST_NR ? 0 : mbus_frame_build_ack(reply, size);
}

static int read_data(struct mbus_meter *m, uint8_t c, uint8_t a,
		     uint8_t *reply, size_t size, unsigned int *ev)
{
	bool fcv = c & MBUS_C_FCV, fcb = c & MBUS_C_FCB;
	struct mbus_header h = {
		.type = MBUS_HEADER_LONG,
		.id = m->addr.id,
		.manufacturer = m->addr.manufacturer,
		.version = m->addr.version,
		.medium = m->addr.medium,
		.status = m->status,
		.signature = m->signature,
	};
	size_t next;
	int n;

	/* same FCB as the last answered REQ_UD2: the master missed it */
	if (fcv && m->fcb_valid && fcb == m->last_fcb && m->last_len) {
		if (a == MBUS_ADDR_BROADCAST_NR || m->last_len > size)
			return a == MBUS_ADDR_BROADCAST_NR ? 0 : -ENOSPC;
		memcpy(reply, m->last, m->last_len);
		return (int)m->last_len;
	}
	/* FCV clear or a fresh exchange: continue a multi-telegram answer
	 * only on a toggled FCB, otherwise start over */
	if (!fcv || !m->fcb_valid || m->tele_next >= m->n_records)
		m->tele_next = 0;
	next = m->tele_next;
	h.access_number = ++m->access_number;
	n = mbus_build_rsp_ud(m->last, sizeof(m->last), MBUS_C_RSP_UD,
			      m->primary, &h, m->records, m->n_records, &next);
	if (n < 0)
		return n;
	m->last_len = (size_t)n;
	m->tele_start = m->tele_next;
	m->tele_next = next;
	m->fcb_valid = fcv;
	m->last_fcb = fcb;
	*ev |= MBUS_METER_EV_READ;
	if (a == MBUS_ADDR_BROADCAST_NR)
		return 0;
	if ((size_t)n > size)
		return -ENOSPC;
	memcpy(reply, m->last, (size_t)n);
	return n;
}

static void write_data(struct mbus_meter *m, const struct mbus_frame *f,
		       unsigned int *ev)
{
	struct mbus_telegram t;

	mbus_telegram_init(&t);
	if (mbus_records_parse(f->data, f->data_len, f->data_pos, true, false,
			       &t, NULL) == 0) {
		for (size_t i = 0; i < t.n_records; i++) {
			const struct mbus_record *r = &t.records[i];

			if (r->value.type != MBUS_VALUE_NUMBER || r->n_vife ||
			    r->vif == 0)
				continue;
			if (r->vif == MBUS_VIF_BUS_ADDRESS &&
			    r->value.magnitude <= MBUS_ADDR_MAX_PRIMARY) {
				m->primary = (uint8_t)r->value.magnitude;
				*ev |= MBUS_METER_EV_ADDRESS;
			} else if (r->vif == 0x79 &&
				   (r->dif & 0xF) == MBUS_DF_BCD8) {
				/* the raw nibbles are the ID as sent */
				const uint8_t *p = f->data + (r->data_pos -
							      f->data_pos);

				m->addr.id = (uint32_t)p[0] |
					     (uint32_t)p[1] << 8 |
					     (uint32_t)p[2] << 16 |
					     (uint32_t)p[3] << 24;
				*ev |= MBUS_METER_EV_ID;
			}
		}
	}
	mbus_telegram_free(&t);
}

static int send_data(struct mbus_meter *m, const struct mbus_frame *f,
		     uint8_t *reply, size_t size, unsigned int *ev)
{
	struct mbus_secaddr sa;
	bool was = m->selected;

	if (f->ci == MBUS_CI_SELECTION) {
		/* selection addresses everybody on the bus via 0xFD */
		if (f->a != MBUS_ADDR_SELECTED || f->data_len != 8)
			return 0;
		mbus_secaddr_decode(f->data, &sa);
		m->selected = mbus_secaddr_match(&sa, &m->addr);
		if (m->selected != was)
			*ev |= MBUS_METER_EV_SELECT;
		if (m->selected && !was)
			m->fcb_valid = false;
		return m->selected ? mbus_frame_build_ack(reply, size) : 0;
	}
	if (!addressed(m, f->a))
		return 0;
	/*
	 * SND_UD takes part in the FCB sequence: the next REQ_UD2 is new
	 * whatever its FCB, since the last exchange was not a read.
	 */
	if (f->c & MBUS_C_FCV) {
		m->fcb_valid = true;
		m->last_fcb = f->c & MBUS_C_FCB;
		m->last_len = 0;
	}
	if (f->ci == MBUS_CI_DATA_SEND) {
		write_data(m, f, ev);
	} else if (f->ci == MBUS_CI_APP_RESET) {
		m->tele_next = 0;
		m->fcb_valid = false;
		m->last_len = 0;
		*ev |= MBUS_METER_EV_RESET;
	} else if (mbus_ci_baud(f->ci)) {
		m->baud = mbus_ci_baud(f->ci);
		*ev |= MBUS_METER_EV_BAUD;
	}
	return ack(f->a, reply, size);
}

int mbus_meter_handle(struct mbus_meter *m, const uint8_t *req, size_t len,
		      uint8_t *reply, size_t size, unsigned int *events)
{
	struct mbus_frame f;
	unsigned int ev = 0;
	int ret = mbus_frame_parse(req, len, &f, NULL);

	if (events)
		*events = 0;
	if (ret < 0 || (size_t)ret != len || f.type == MBUS_FRAME_ACK ||
	    !(f.c & MBUS_C_PRM))
		return 0;
	if (f.type != MBUS_FRAME_SHORT &&
	    (f.c & ~(MBUS_C_FCB | MBUS_C_FCV)) ==
		    (MBUS_C_SND_UD & ~(MBUS_C_FCB | MBUS_C_FCV))) {
		ret = send_data(m, &f, reply, size, &ev);
	} else if (f.type != MBUS_FRAME_SHORT || !addressed(m, f.a)) {
		ret = 0;
	} else if (f.c == MBUS_C_SND_NKE) {
		if (f.a == MBUS_ADDR_SELECTED) {
			m->selected = false;
			ev |= MBUS_METER_EV_SELECT;
		}
		m->fcb_valid = false;
		m->tele_next = 0;
		ret = ack(f.a, reply, size);
	} else if ((f.c & ~(MBUS_C_FCB | MBUS_C_FCV)) ==
		   (MBUS_C_REQ_UD2 & ~(MBUS_C_FCB | MBUS_C_FCV))) {
		ret = read_data(m, f.c, f.a, reply, size, &ev);
	} else if ((f.c & ~(MBUS_C_FCB | MBUS_C_FCV)) ==
		   (MBUS_C_REQ_UD1 & ~(MBUS_C_FCB | MBUS_C_FCV))) {
		ret = ack(f.a, reply, size);
	} else {
		ret = 0;
	}
	if (events)
		*events = ev;
	return ret;
}
