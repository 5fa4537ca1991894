/*
 * worklist.h - the work of the day each operational role finds on its home
 * page (docs/worklists.md): the sections of a worklist, in the order they
 * are shown, each with the product area it belongs to and the capability
 * of the role matrix (capability.h) that gives it to a user. A user gets
 * the sections their roles allow, and no other: a user with none has an
 * empty worklist.
 */
#ifndef BLOODOPS_DOMAIN_WORKLIST_H
#define BLOODOPS_DOMAIN_WORKLIST_H

#include "domain/area.h"
#include "domain/capability.h"

typedef enum {
    WORKLIST_COLLECTIONS_TODAY, /* collections recorded today at the user's centers */
    WORKLIST_DONORS_DUE_BACK,   /* donors whose donation interval ended in the last days */
    WORKLIST_RELEASE_QUEUE,     /* quarantined units: ready, waiting for results, held */
    /* ABO/RhD discrepancies to resolve: held by nobody (CAPABILITY_NONE) until
     * the laboratory's discrepancy workflow is on record; its row then names
     * the capability that resolves them and service/worklist.c its builder. */
    WORKLIST_ABO_DISCREPANCIES,
    WORKLIST_LOOKBACK_DEADLINES, /* lookback cases with a step due soon or overdue */
    WORKLIST_PERIODS_TO_CLOSE,   /* months ended, after the last closed period, with postings */
    WORKLIST_QUARTER_FINDINGS,   /* the consistency findings of the latest quarter on record */
    WORKLIST_SECTION_COUNT
} worklist_section;

typedef struct {
    const char *name;  /* "collections_today": its key in the answers */
    const char *title; /* "Collections today" */
    area area;
    capability capability; /* what a user must hold to get the section */
} worklist_section_entry;

enum {
    /* Donors due back: eligible today and not this many days ago. */
    WORKLIST_DUE_BACK_DAYS = 7,
    /* Lookback cases whose next step is due within this many days (or late). */
    WORKLIST_LOOKBACK_DUE_DAYS = 3,
    /* The first items of a section shown (every item is counted). */
    WORKLIST_ITEMS_DEFAULT = 10,
    WORKLIST_ITEMS_MAX = 500,
};

/* The row of section `s`; NULL out of range. */
const worklist_section_entry *worklist_section_get(worklist_section s);
/* 1 when a user with `roles` gets section `s`. */
int worklist_section_allowed(role_set roles, worklist_section s);

#endif
