/*
 * arena.h - a region allocator: one per request or command.
 *
 * Everything a request allocates comes from its arena and is released at
 * once with arena_free, so handlers never free piecemeal and cannot leak.
 * Allocation failure aborts.
 */
#ifndef BLOODOPS_BASE_ARENA_H
#define BLOODOPS_BASE_ARENA_H

#include <stddef.h>

typedef struct arena arena;

arena *arena_new(void);
/* Memory aligned for any type, zero-filled. */
void *arena_alloc(arena *a, size_t size);
char *arena_strdup(arena *a, const char *text);           /* NULL gives NULL */
char *arena_strndup(arena *a, const char *text, size_t length);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Bytes handed out so far (for tests and memory accounting). */
size_t arena_used(const arena *a);
void arena_free(arena *a); /* NULL is fine */

#endif
