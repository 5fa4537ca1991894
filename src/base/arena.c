/*
 * arena.c - a region allocator made of chained blocks.
 *
 * Allocation bumps a cursor in the current block; when the block is full a
 * new one is chained in front. A request larger than a quarter of a block
 * gets a block of its own, chained behind the current one, so that one big
 * allocation neither wastes the rest of the current block nor forces the
 * next small ones into a fresh block. Nothing is freed until arena_free.
 *
 * Each allocation is zero-filled as it is handed out, not the whole block
 * when it is made: a request's arena is 32 KiB of which most requests use
 * a few hundred bytes, and clearing the rest showed in the DIN lookup's
 * profile.
 */
#include "base/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 16 bytes is the alignment of max_align_t on the 64-bit targets we build
 * for (long double, SSE vectors); it suits any type a caller stores. */
enum { ARENA_ALIGN = 16, ARENA_BLOCK_SIZE = 32 * 1024, ARENA_LARGE = ARENA_BLOCK_SIZE / 4 };

_Static_assert((ARENA_ALIGN & (ARENA_ALIGN - 1)) == 0, "alignment must be a power of two");

typedef struct block {
    struct block *next;
    size_t capacity; /* usable bytes from data */
    size_t used;
    /* The header is padded so that data starts ARENA_ALIGN-aligned
     * whenever the block itself is (malloc gives 16 on glibc x86-64 and
     * arm64); arena_alloc still aligns addresses, not offsets, so a
     * smaller malloc alignment costs only padding. */
    _Alignas(ARENA_ALIGN) unsigned char data[];
} block;

struct arena {
    block *current; /* where small allocations go; never NULL */
    size_t used;    /* bytes handed out */
};

_Noreturn static void die(const char *what)
{
    fprintf(stderr, "bloodops: arena: %s\n", what);
    abort();
}

static block *block_new(size_t capacity)
{
    if (capacity > SIZE_MAX - sizeof(block))
        die("size overflow");
    block *b = malloc(sizeof(block) + capacity);
    if (b == NULL)
        die("out of memory");
    b->next = NULL;
    b->capacity = capacity;
    b->used = 0;
    return b;
}

arena *arena_new(void)
{
    arena *a = calloc(1, sizeof *a);
    if (a == NULL)
        die("out of memory");
    a->current = block_new(ARENA_BLOCK_SIZE);
    return a;
}

/* Padding needed at b's cursor for an ARENA_ALIGN-aligned address. */
static size_t padding_at(const block *b)
{
    uintptr_t address = (uintptr_t)(b->data + b->used);
    return (size_t)(-address & (ARENA_ALIGN - 1));
}

void *arena_alloc(arena *a, size_t size)
{
    if (size == 0)
        size = 1; /* distinct pointers for distinct calls, like malloc */
    if (size > SIZE_MAX - 2 * ARENA_ALIGN)
        die("size overflow");

    block *b = a->current;
    size_t padding = padding_at(b);
    if (padding + size > b->capacity - b->used) {
        if (size > ARENA_LARGE) {
            /* Room for the worst-case padding should malloc align less. */
            b = block_new(size + ARENA_ALIGN);
            b->next = a->current->next;
            a->current->next = b;
        } else {
            b = block_new(ARENA_BLOCK_SIZE);
            b->next = a->current;
            a->current = b;
        }
        padding = padding_at(b);
    }
    void *memory = b->data + b->used + padding;
    b->used += padding + size;
    a->used += size;
    return memset(memory, 0, size);
}

char *arena_strndup(arena *a, const char *text, size_t length)
{
    if (text == NULL)
        return NULL;
    length = strnlen(text, length);
    char *copy = arena_alloc(a, length + 1);
    memcpy(copy, text, length);
    return copy; /* already NUL-terminated: arena memory is zeroed */
}

char *arena_strdup(arena *a, const char *text)
{
    if (text == NULL)
        return NULL;
    return arena_strndup(a, text, strlen(text));
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    va_list copy;
    va_copy(copy, args);
    int length = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (length < 0)
        die("bad format");
    char *text = arena_alloc(a, (size_t)length + 1);
    vsnprintf(text, (size_t)length + 1, fmt, args);
    va_end(args);
    return text;
}

size_t arena_used(const arena *a)
{
    return a->used;
}

void arena_free(arena *a)
{
    if (a == NULL)
        return;
    block *b = a->current;
    while (b != NULL) {
        block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}
