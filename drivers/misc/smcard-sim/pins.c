// SPDX-License-Identifier: GPL-2.0
/*
 * smcard-sim: what happens at the pin terminals. Level changes pass the
 * controller's input filter (a level is accepted once it has been stable
 * for DEBOUNCE x 100 us); accepted edges update IN_LEVEL, edge interrupts
 * and counters. Pulse trains are computed from their parameters rather
 * than by toggling the input, so fast trains cost one timer tick per
 * millisecond instead of two per pulse.
 */

#include <linux/bitfield.h>
#include <linux/lockdep.h>
#include <linux/math64.h>
#include <linux/minmax.h>

#include "sim.h"

#define SIM_TRAIN_MAX_RATE_HZ	100000
#define SIM_TRAIN_MAX_COUNT	10000000

static u64 pin_filter_ns(const struct smcard_sim_pin *pin)
{
	return (u64)pin->debounce * SMCARD_DEBOUNCE_UNIT_US * NSEC_PER_USEC;
}

/* Apply an accepted level; returns true when INT has to be raised. */
bool smcard_sim_pin_edge(struct smcard_sim_pin *pin, bool level)
{
	struct smcard_sim *sim = pin->sim;
	u8 bit = BIT(pin->index);
	bool irq = false;
	u8 edge;

	lockdep_assert_held(&sim->lock);
	if (pin->accepted == level)
		return false;
	pin->accepted = level;
	if (!smcard_sim_pin_is_input(pin))
		return false;

	if ((level ? sim->irq_rise : sim->irq_fall) & bit)
		irq |= smcard_sim_ioc_set_irq(sim, SMCARD_SIM_IRQ_PIN, bit);

	edge = FIELD_GET(SMCARD_PIN_CFG_COUNT_EDGE, pin->cfg);
	if (edge != SMCARD_COUNT_EDGE_BOTH)
		edge = level ? edge == SMCARD_COUNT_EDGE_RISING :
			       edge == SMCARD_COUNT_EDGE_FALLING;
	if ((sim->cnt_enable & bit) && edge) {
		pin->count++;
		irq |= smcard_sim_ioc_set_irq(sim, SMCARD_SIM_IRQ_CNT, bit);
	}
	return irq;
}

static enum hrtimer_restart pin_filter_expired(struct hrtimer *timer)
{
	struct smcard_sim_pin *pin = container_of(timer, struct smcard_sim_pin,
						  filter_timer);
	struct smcard_sim *sim = pin->sim;
	unsigned long flags;
	bool irq;

	spin_lock_irqsave(&sim->lock, flags);
	irq = smcard_sim_pin_edge(pin, pin->raw);
	spin_unlock_irqrestore(&sim->lock, flags);
	if (irq)
		smcard_sim_raise_irq(sim);
	return HRTIMER_NORESTART;
}

int smcard_sim_pin_set_level(struct smcard_sim_pin *pin, bool level)
{
	struct smcard_sim *sim = pin->sim;
	unsigned long flags;
	bool irq = false;
	u64 filter;

	spin_lock_irqsave(&sim->lock, flags);
	if (pin->train.running) {
		spin_unlock_irqrestore(&sim->lock, flags);
		return -EBUSY;
	}
	pin->raw = level;
	filter = pin_filter_ns(pin);
	if (level == pin->accepted)
		/* A glitch shorter than the filter leaves no trace. */
		hrtimer_try_to_cancel(&pin->filter_timer);
	else if (!filter || !smcard_sim_pin_is_input(pin))
		irq = smcard_sim_pin_edge(pin, level);
	else
		hrtimer_start(&pin->filter_timer, ns_to_ktime(filter),
			      HRTIMER_MODE_REL);
	spin_unlock_irqrestore(&sim->lock, flags);
	if (irq)
		smcard_sim_raise_irq(sim);
	return 0;
}

static u32 train_edges(const struct smcard_sim_train *t)
{
	switch (t->mode) {
	case SMCARD_SIM_TRAIN_PULSES:
		return 2 * t->total;
	case SMCARD_SIM_TRAIN_MERGED:
		return 2;
	default:
		return 0;
	}
}

/* Time of accepted edge j after t0; even edges rise, odd edges fall. */
static u64 train_edge_ns(const struct smcard_sim_train *t, u32 j)
{
	if (t->mode == SMCARD_SIM_TRAIN_MERGED)
		return t->filter_ns + (j ? (u64)(t->total - 1) * t->period_ns +
					   t->width_ns : 0);
	return (u64)(j / 2) * t->period_ns + t->filter_ns +
	       (j & 1 ? t->width_ns : 0);
}

/* Time after t0 at which pulse k has ended and passed the filter. */
static u64 train_done_ns(const struct smcard_sim_train *t, u32 k)
{
	return (u64)k * t->period_ns + t->width_ns + t->filter_ns;
}

static enum hrtimer_restart pin_train_tick(struct hrtimer *timer)
{
	struct smcard_sim_pin *pin = container_of(timer, struct smcard_sim_pin,
						  train_timer);
	struct smcard_sim_train *t = &pin->train;
	struct smcard_sim *sim = pin->sim;
	u32 nedges = train_edges(t);
	unsigned long flags;
	bool irq = false;
	u64 elapsed, next;
	bool finished;

	spin_lock_irqsave(&sim->lock, flags);
	elapsed = ktime_to_ns(ktime_sub(ktime_get(), t->t0));
	while (t->edges < nedges && train_edge_ns(t, t->edges) <= elapsed) {
		bool level = !(t->edges & 1);

		pin->raw = level;
		irq |= smcard_sim_pin_edge(pin, level);
		t->edges++;
	}
	if (elapsed >= train_done_ns(t, 0))
		t->done = min_t(u64, t->total,
				div64_u64(elapsed - train_done_ns(t, 0),
					  t->period_ns) + 1);

	finished = t->done == t->total && t->edges == nedges;
	if (finished) {
		t->running = false;
	} else {
		next = U64_MAX;
		if (t->edges < nedges)
			next = train_edge_ns(t, t->edges);
		if (t->done < t->total)
			next = min(next, train_done_ns(t, t->done));
		next = max(next, elapsed + SMCARD_SIM_TICK_NS);
		hrtimer_set_expires(timer, ktime_add_ns(t->t0, next));
	}
	spin_unlock_irqrestore(&sim->lock, flags);

	if (irq)
		smcard_sim_raise_irq(sim);
	if (finished) {
		wake_up_all(&pin->train_wq);
		return HRTIMER_NORESTART;
	}
	return HRTIMER_RESTART;
}

int smcard_sim_pin_start_train(struct smcard_sim_pin *pin, u32 count,
			       u32 rate_hz, u32 width_us)
{
	struct smcard_sim_train *t = &pin->train;
	struct smcard_sim *sim = pin->sim;
	u64 period_ns, width_ns;
	unsigned long flags;

	if (!count || count > SIM_TRAIN_MAX_COUNT || !rate_hz ||
	    rate_hz > SIM_TRAIN_MAX_RATE_HZ || !width_us)
		return -EINVAL;
	period_ns = div_u64(NSEC_PER_SEC, rate_hz);
	width_ns = (u64)width_us * NSEC_PER_USEC;
	if (width_ns >= period_ns)
		return -EINVAL;

	spin_lock_irqsave(&sim->lock, flags);
	/* Trains start from an idle (low) input. */
	if (t->running || pin->raw || pin->accepted) {
		spin_unlock_irqrestore(&sim->lock, flags);
		return -EBUSY;
	}
	t->period_ns = period_ns;
	t->width_ns = width_ns;
	t->filter_ns = pin_filter_ns(pin);
	t->total = count;
	t->done = 0;
	t->edges = 0;
	if (width_ns < t->filter_ns)
		t->mode = SMCARD_SIM_TRAIN_FILTERED;
	else if (period_ns - width_ns < t->filter_ns)
		t->mode = SMCARD_SIM_TRAIN_MERGED;
	else
		t->mode = SMCARD_SIM_TRAIN_PULSES;
	t->running = true;
	t->t0 = ktime_get();
	hrtimer_start(&pin->train_timer,
		      ktime_add_ns(t->t0, t->mode == SMCARD_SIM_TRAIN_FILTERED ?
				   train_done_ns(t, 0) : train_edge_ns(t, 0)),
		      HRTIMER_MODE_ABS);
	spin_unlock_irqrestore(&sim->lock, flags);
	return 0;
}

u32 smcard_sim_pin_train_remaining(struct smcard_sim_pin *pin)
{
	unsigned long flags;
	u32 remaining;

	spin_lock_irqsave(&pin->sim->lock, flags);
	remaining = pin->train.running ? pin->train.total - pin->train.done : 0;
	spin_unlock_irqrestore(&pin->sim->lock, flags);
	return remaining;
}

void smcard_sim_pins_init(struct smcard_sim *sim)
{
	unsigned int i;

	for (i = 0; i < SMCARD_NUM_PINS; i++) {
		struct smcard_sim_pin *pin = &sim->pins[i];

		pin->sim = sim;
		pin->index = i;
		hrtimer_init(&pin->filter_timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL);
		pin->filter_timer.function = pin_filter_expired;
		hrtimer_init(&pin->train_timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_ABS);
		pin->train_timer.function = pin_train_tick;
		init_waitqueue_head(&pin->train_wq);
	}
}

void smcard_sim_pins_stop(struct smcard_sim *sim)
{
	unsigned int i;

	for (i = 0; i < SMCARD_NUM_PINS; i++) {
		hrtimer_cancel(&sim->pins[i].train_timer);
		hrtimer_cancel(&sim->pins[i].filter_timer);
		sim->pins[i].train.running = false;
		wake_up_all(&sim->pins[i].train_wq);
	}
}
