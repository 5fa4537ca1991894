/*
 * idempotency.h - replaying the answer to a retried POST (docs/api.md,
 * "Retries: Idempotency-Key").
 *
 * A client that sends `Idempotency-Key: K` with a POST and loses the answer
 * may send the same request with the same key again: it gets the first
 * answer back and nothing is done twice. The same key with a different
 * request is refused. Keys are per user and kept for 24 hours.
 */
#ifndef BLOODOPS_SERVICE_IDEMPOTENCY_H
#define BLOODOPS_SERVICE_IDEMPOTENCY_H

#include "service/service.h"

enum { IDEMPOTENCY_KEY_MAX = 255, IDEMPOTENCY_HASH_TEXT = 65, IDEMPOTENCY_SECONDS = 24 * 3600 };

/* A key is 1 to 255 printable ASCII characters. */
int idempotency_key_check(const char *key, err *e);

/* Digest of what makes two requests the same request. */
void idempotency_request_hash(const char *method, const char *path, const char *body,
                              size_t body_length, char out[IDEMPOTENCY_HASH_TEXT]);

typedef struct {
    int found;      /* an answer is remembered for this user and key */
    int status;     /* its HTTP status */
    char *response; /* its body (free() it) */
} idempotency_answer;

/* Look the key up. A remembered key whose request differs is ERR_CONFLICT
 * naming the Idempotency-Key header. */
int idempotency_lookup(db_conn *db, int64_t user_id, const char *key, const char *request_hash,
                       idempotency_answer *out, err *e);

/* Remember the answer (a cache of what was already done and audited, so it
 * has no audit record of its own). A key remembered meanwhile by a
 * concurrent request wins. Expired keys of the user are dropped. */
int idempotency_remember(db_conn *db, int64_t user_id, const char *key, const char *request_hash,
                         int status, const char *response, err *e);

#endif
