/*
 * glue_mark: our own mail (released messages, notices) and the counters
 * behind `triagectl stats`.
 *
 * A released message carries X-Triage-Release and a notice carries
 * X-Triage-Notice (token.h).  Such a mark lets a message through only when
 * its HMAC verifies over the body the MTA passed and, for a release, the
 * quarantine database agrees that this release was made and not used yet
 * (so a token replayed on a copy passes nothing).
 *
 * The counters are kept in memory (a small fixed table, one mutex) and
 * written to the quarantine database by a thread every GLUE_FLUSH_S
 * seconds, so the mail flow never waits on a database write for them.
 * Thread-safe.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "glue.h"
#include "glue_int.h"
#include "hash.h"
#include "log.h"
#include "mem.h"
#include "msgctx.h"
#include "policy.h"
#include "quar.h"
#include "rules.h"
#include "token.h"

#define GLUE_NCOUNT	1024		/* distinct keys between flushes */
#define GLUE_KEYLEN	96

int
glue_mark_check(struct glue_msg *m)
{
	const struct policy *pol = m->mc->pol;
	struct token_key key;
	char body[HASH_SHA256_HEX];
	const char *err = NULL, *kind;
	struct quar *q;
	int ok, r;

	if (m->mark == GLUE_MARK_BAD)
		return 0;
	if (m->body_hash == NULL) {
		glue_fail(m, "hash", "no body digest for a marked message");
		return -1;
	}
	if (hash_sha256_final(m->body_hash, body, &err) == -1) {
		glue_fail(m, "hash", err);
		return -1;
	}
	if (token_key_load(pol->release_key_file, &key, &err) == -1) {
		log_msg(LOG_ERR, "%s: cannot check a mark: %s", m->mc->id, err);
		return 0;
	}
	kind = m->mark == GLUE_MARK_RELEASE ? "release" : "notice";
	ok = token_verify(&key, kind, m->mark_id, body, m->mark_tok);
	memset(&key, 0, sizeof(key));
	if (!ok || m->mark == GLUE_MARK_NOTICE)
		return ok;
	if ((q = quar_open(pol->quarantine_dir, 1, 5000, &err)) == NULL) {
		glue_fail(m, "quarantine", err);
		return -1;
	}
	r = quar_release_claim(q, strtoll(m->mark_id, NULL, 10), &err);
	if (r == -1)
		glue_fail(m, "quarantine", err);
	quar_close(&q);
	return r;
}

/* ---- counters ------------------------------------------------------ */

static struct {
	pthread_mutex_t	lock;
	char		key[GLUE_NCOUNT][GLUE_KEYLEN];
	uint64_t	n[GLUE_NCOUNT];
	size_t		used;
	uint64_t	dropped;
} glue_cnt = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void
glue_count_key(const char *key)
{
	size_t i, h = 2166136261u;
	const char *p;

	for (p = key; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	pthread_mutex_lock(&glue_cnt.lock);
	for (i = 0; i < GLUE_NCOUNT; i++) {
		size_t j = (h + i) % GLUE_NCOUNT;

		if (glue_cnt.key[j][0] == '\0') {
			if (glue_cnt.used >= GLUE_NCOUNT * 3 / 4)
				break;		/* full: count the loss */
			snprintf(glue_cnt.key[j], GLUE_KEYLEN, "%s", key);
			glue_cnt.used++;
		}
		if (strcmp(glue_cnt.key[j], key) == 0) {
			glue_cnt.n[j]++;
			pthread_mutex_unlock(&glue_cnt.lock);
			return;
		}
	}
	glue_cnt.dropped++;
	pthread_mutex_unlock(&glue_cnt.lock);
}

void
glue_count(const struct glue_msg *m, const char *verdict)
{
	const struct rule_def *t;
	const char *at;
	char key[GLUE_KEYLEN];
	size_t n, i;

	snprintf(key, sizeof(key), "verdict:%s", verdict);
	glue_count_key(key);
	t = rules_table(&n);
	for (i = 0; i < n; i++)
		if (m->mc->rule_fired[i]) {
			snprintf(key, sizeof(key), "rule:%s", t[i].id);
			glue_count_key(key);
		}
	if (strcmp(verdict, "accept") != 0 &&
	    (at = strrchr(m->env_from, '@')) != NULL && at[1] != '\0') {
		snprintf(key, sizeof(key), "sender_domain:%s", at + 1);
		glue_count_key(key);
	}
}

int
glue_counters_flush(const char *quarantine_dir)
{
	char (*keys)[GLUE_KEYLEN] = mem_alloc(sizeof(glue_cnt.key));
	uint64_t *counts = mem_alloc(sizeof(glue_cnt.n));
	const char *kp[GLUE_NCOUNT], *err = NULL;
	size_t i, n = 0;
	struct quar *q;
	char day[16];
	time_t now = time(NULL);
	struct tm tm;
	int r = 0;

	pthread_mutex_lock(&glue_cnt.lock);
	for (i = 0; i < GLUE_NCOUNT; i++)
		if (glue_cnt.key[i][0] != '\0') {
			memcpy(keys[n], glue_cnt.key[i], GLUE_KEYLEN);
			kp[n] = keys[n];
			counts[n++] = glue_cnt.n[i];
		}
	if (glue_cnt.dropped > 0)
		log_msg(LOG_WARNING, "stats: %llu counts dropped (table full)",
		    (unsigned long long)glue_cnt.dropped);
	memset(glue_cnt.key, 0, sizeof(glue_cnt.key));
	memset(glue_cnt.n, 0, sizeof(glue_cnt.n));
	glue_cnt.used = 0;
	glue_cnt.dropped = 0;
	pthread_mutex_unlock(&glue_cnt.lock);
	strftime(day, sizeof(day), "%Y-%m-%d", localtime_r(&now, &tm));
	if (n > 0) {
		if ((q = quar_open(quarantine_dir, 1, 5000, &err)) == NULL ||
		    quar_counters_add(q, day, kp, counts, n, &err) == -1) {
			log_msg(LOG_ERR, "stats: %s", err);
			r = -1;
		}
		quar_close(&q);
	}
	free(keys);
	free(counts);
	return r;
}
