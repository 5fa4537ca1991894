/*
 * audit.h - the audit trail: who changed what, when, from what to what, why.
 *
 * Every service that changes state calls audit_append inside its own
 * transaction, so the change and its record commit or vanish together.
 * Records form a hash chain (BLAKE2b-256 over the record and the previous
 * hash); audit_head holds the newest link. audit_verify recomputes the chain
 * and names the first record that was altered, removed or inserted.
 */
#ifndef BLOODOPS_SERVICE_AUDIT_H
#define BLOODOPS_SERVICE_AUDIT_H

#include "service/service.h"

/* Append one record. before/after may be NULL (creation, deletion); they are
 * stored as compact JSON with sorted keys. reason may be NULL. */
int audit_append(service_context *ctx, const char *entity, const char *entity_id,
                 const char *action, json_t *before, json_t *after, const char *reason,
                 err *e);

/* The same with before/after given as their canonical text (compact JSON,
 * keys in byte order, as json_dumps with JSON_SORT_KEYS writes them), for
 * a hot path that writes its record's JSON straight from its values
 * (base/json_writer.h). */
int audit_append_text(service_context *ctx, const char *entity, const char *entity_id,
                      const char *action, const char *before_json, const char *after_json,
                      const char *reason, err *e);

/* The canonical text audit_append stores for `value` (compact JSON, keys
 * in byte order: what json_dumps writes with JSON_COMPACT |
 * JSON_SORT_KEYS | JSON_ENCODE_ANY, byte for byte), malloc'd; NULL for
 * NULL or out of memory. */
char *audit_json_canonical(json_t *value);

typedef struct {
    int64_t records_checked;
    int64_t first_bad_seq; /* 0 when the chain is intact */
    char problem[256];     /* what is wrong with first_bad_seq */
} audit_verification;

/* Walk the whole chain. Returns 0 when it could be read (intact or not: see
 * first_bad_seq), -1 on a database error. */
int audit_verify(db_conn *db, audit_verification *out, err *e);

/* What the trail is listed by. Every filter is optional (NULL or "" for
 * all); given together, a record must match each. */
typedef struct {
    const char *entity;    /* the kind of record: user, center, unit... (any case) */
    const char *entity_id; /* its id, as recorded or in upper case; needs `entity` */
    const char *actor;     /* who acted: a user name, or cli:NAME for the command line */
    const char *action;    /* create, update, disable... (any case) */
    const char *from;      /* YYYY-MM-DD: records of this day (UTC) and after */
    const char *to;        /* YYYY-MM-DD: records of this day (UTC) and before */
    const char *since;     /* the older name of `from` (refused beside it) */
    int newest_first;      /* keyset pages from the newest record back (`after`: seq below) */
    service_page page;     /* `after` is a seq number; sort by seq, at, actor, entity,
                            * entity_id or action */
} audit_filter;

/* Records as {"items": [...], "next_after": seq|null}, in order of seq (the
 * newest first with newest_first), or in the order of page.sort at
 * page.offset with "total", the records the filters match. ERR_INVALID
 * naming the filter at fault. */
int audit_list(service_context *ctx, audit_filter *filter, json_t **out, err *e);

#endif
