/*
 * temp_db.h - a temporary SQLite database file for the store tests: a new
 * name under /tmp (db_open creates the file), and its removal with the
 * write-ahead log and shared memory SQLite puts beside it.
 */
#ifndef BLOODOPS_TESTS_TEMP_DB_H
#define BLOODOPS_TESTS_TEMP_DB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* path: at least 32 bytes. */
static inline void temp_db_name(char *path, size_t size)
{
    snprintf(path, size, "/tmp/bloodops-unit-XXXXXX");
    int fd = mkstemp(path);
    if (fd >= 0)
        close(fd);
    unlink(path); /* db_open creates it */
}

static inline void temp_db_remove(const char *path)
{
    char side[128];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

#endif
