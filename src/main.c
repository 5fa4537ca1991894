/*
 * main.c - the entry point of the one bloodops binary. Everything, the
 * command line and the server alike, starts in cli_main (src/cli/cli.c),
 * once the process's memory allocator is tuned (malloc_tune below).
 */
#include <malloc.h>

#include "cli/cli.h"

/*
 * glibc gives the free memory at the top of a thread's heap back to the
 * kernel as soon as it passes the trim threshold (128 KiB to start with),
 * and the next allocation faults the same pages in again, zeroed. The
 * server's writer thread frees its savepoint and statement journals
 * (tens of KiB of page copies, store/sqlite.c) after every request of a
 * group commit: with the default thresholds that was an madvise call per
 * collection and the page faults after it, half the writer's time
 * (docs/DESIGN.md, "Group commit").
 * Keeping up to 64 MiB of free heap, and serving blocks up to 4 MiB from
 * the heap rather than from mmap, costs no more memory at the peak: the
 * memory is reused, not given back and taken again.
 * The program links mimalloc, whose malloc and free replace glibc's
 * (Makefile, MALLOC_LIBS): then this tunes an allocator nothing uses. It
 * still matters to a build made without it (make MALLOC_LIBS=).
 */
static void malloc_tune(void)
{
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
    mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
}

int main(int argc, char **argv)
{
    malloc_tune();
    return cli_main(argc, argv);
}
