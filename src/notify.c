/*
 * notify: the queue between the milter and the notify thread (see
 * notify.h for the contract and notify_int.h for the pieces).
 *
 * notify_submit() copies the event (bounded, notify_ev_copy) and appends
 * it to a queue of at most NOTIFY_QUEUE_MAX events under a mutex held
 * only for the append: mail flow never waits for a notice.  When the
 * queue is full the event is dropped, counted and logged.  One thread
 * takes the queue, runs the core (campaigns, rate limit, rendering,
 * sending) and sleeps until the next event, window end or resend.  It
 * runs with every signal blocked, so the milter's signal handling and a
 * sendmail that dies on its pipe cannot reach it.
 *
 * notify_stop() wakes the thread, which handles what is queued, sends
 * the digests of every open campaign, tries each failed notice once more
 * and exits; then it is joined.
 *
 * Untrusted input: events from the milter (strings from mail), copied
 * bounded.  Thread-safe: submit from any thread; start and stop from the
 * main thread.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "notify.h"
#include "notify_int.h"
#include "policy.h"

static struct {
	pthread_once_t		 once;
	struct notify_queue	 q;
	pthread_t		 thr;
	int			 running;
	notify_send_fn		 send;
	void			*send_arg;
} notify_g = { .once = PTHREAD_ONCE_INIT };

uint64_t
notify_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- the queue ---------------------------------------------------- */

void
notify_queue_init(struct notify_queue *q, size_t max)
{
	pthread_condattr_t ca;

	memset(q, 0, sizeof(*q));
	q->max = max;
	pthread_mutex_init(&q->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cv, &ca);
	pthread_condattr_destroy(&ca);
}

void
notify_queue_destroy(struct notify_queue *q)
{
	struct notify_ev *e = notify_queue_take(q), *next;

	for (; e != NULL; e = next) {
		next = e->next;
		notify_ev_free(&e);
	}
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
}

int
notify_queue_push(struct notify_queue *q, struct notify_ev *e)
{
	int full;

	e->next = NULL;
	pthread_mutex_lock(&q->mu);
	full = q->n >= q->max;
	if (full)
		q->dropped++;
	else {
		if (q->tail != NULL)
			q->tail->next = e;
		else
			q->head = e;
		q->tail = e;
		q->n++;
		pthread_cond_signal(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	if (full)
		notify_ev_free(&e);
	return full ? -1 : 0;
}

/* Take the list; the lock is held by the caller. */
static struct notify_ev *
notify_queue_take_locked(struct notify_queue *q)
{
	struct notify_ev *e = q->head;

	q->head = q->tail = NULL;
	q->n = 0;
	return e;
}

struct notify_ev *
notify_queue_take(struct notify_queue *q)
{
	struct notify_ev *e;

	pthread_mutex_lock(&q->mu);
	e = notify_queue_take_locked(q);
	pthread_mutex_unlock(&q->mu);
	return e;
}

/* ---- the thread --------------------------------------------------- */

static void
notify_init_once(void)
{
	notify_queue_init(&notify_g.q, NOTIFY_QUEUE_MAX);
	tzset();	/* localtime_r in the thread needs the zone */
}

/* Wait until there is work or until next (ms); take the queue. */
static struct notify_ev *
notify_wait(struct notify_queue *q, uint64_t next, int *stopping_r)
{
	struct notify_ev *e;
	struct timespec ts;

	pthread_mutex_lock(&q->mu);
	while (q->head == NULL && !q->stopping && notify_now_ms() < next) {
		if (next == UINT64_MAX) {
			pthread_cond_wait(&q->cv, &q->mu);
			continue;
		}
		ts.tv_sec = (time_t)(next / 1000);
		ts.tv_nsec = (long)(next % 1000) * 1000000;
		if (pthread_cond_timedwait(&q->cv, &q->mu, &ts) == ETIMEDOUT)
			break;
	}
	e = notify_queue_take_locked(q);
	*stopping_r = q->stopping;
	pthread_mutex_unlock(&q->mu);
	return e;
}

static void
notify_run_events(struct notify_core *core, struct notify_ev *e)
{
	struct notify_ev *next;

	for (; e != NULL; e = next) {
		next = e->next;
		notify_core_event(core, e, notify_now_ms());
	}
}

static void *
notify_thread(void *arg)
{
	struct notify_core core;
	struct notify_ev *e;
	int stopping = 0;

	(void)arg;
	notify_core_init(&core, notify_g.send, notify_g.send_arg);
	while (!stopping) {
		e = notify_wait(&notify_g.q, notify_core_next(&core),
		    &stopping);
		notify_run_events(&core, e);
		notify_core_tick(&core, notify_now_ms());
	}
	notify_run_events(&core, notify_queue_take(&notify_g.q));
	notify_core_flush(&core, notify_now_ms());
	log_msg(LOG_INFO, "notify: stopped: %llu notices sent, %llu sends "
	    "failed, %llu given up, %llu suppressed by notify_max_per_hour",
	    (unsigned long long)core.sent, (unsigned long long)core.failed,
	    (unsigned long long)core.dropped,
	    (unsigned long long)core.rate.suppressed_total);
	notify_core_free(&core);
	return NULL;
}

/* ---- the contract ------------------------------------------------- */

void
notify_set_sender(notify_send_fn fn, void *arg)
{
	notify_g.send = fn;
	notify_g.send_arg = arg;
}

uint64_t
notify_dropped(void)
{
	uint64_t n;

	pthread_once(&notify_g.once, notify_init_once);
	pthread_mutex_lock(&notify_g.q.mu);
	n = notify_g.q.dropped;
	pthread_mutex_unlock(&notify_g.q.mu);
	return n;
}

int
notify_start(const char **error_r)
{
	sigset_t all, old;
	int rc;

	pthread_once(&notify_g.once, notify_init_once);
	if (notify_g.running)
		return 0;
	pthread_mutex_lock(&notify_g.q.mu);
	notify_g.q.stopping = 0;
	pthread_mutex_unlock(&notify_g.q.mu);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&notify_g.thr, NULL, notify_thread, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		*error_r = "notify: cannot create the notify thread";
		return -1;
	}
	notify_g.running = 1;
	return 0;
}

void
notify_submit(const struct policy *pol, const struct notify_event *ev)
{
	struct notify_ev *e;
	uint64_t dropped;

	if (pol == NULL || ev == NULL || pol->notify_to == NULL ||
	    pol->notify_to[0] == '\0')
		return;
	pthread_once(&notify_g.once, notify_init_once);
	e = notify_ev_copy(pol, ev);
	if (notify_queue_push(&notify_g.q, e) == 0)
		return;
	dropped = notify_dropped();
	if (dropped == 1 || dropped % 100 == 0)	/* a flood: not every one */
		log_msg(LOG_WARNING, "%s notify: queue full (%d events): "
		    "notice dropped (%llu so far)", ev->msgid != NULL ?
		    ev->msgid : "-", NOTIFY_QUEUE_MAX,
		    (unsigned long long)dropped);
}

void
notify_stop(void)
{
	struct notify_ev *e, *next;
	size_t left = 0;

	if (!notify_g.running)
		return;
	pthread_mutex_lock(&notify_g.q.mu);
	notify_g.q.stopping = 1;
	pthread_cond_signal(&notify_g.q.cv);
	pthread_mutex_unlock(&notify_g.q.mu);
	pthread_join(notify_g.thr, NULL);
	notify_g.running = 0;
	for (e = notify_queue_take(&notify_g.q); e != NULL; e = next) {
		next = e->next;
		notify_ev_free(&e);
		left++;
	}
	if (left > 0)
		log_msg(LOG_WARNING, "notify: %zu events arrived during stop "
		    "and were not notified", left);
}
