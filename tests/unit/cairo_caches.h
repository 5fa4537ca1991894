/*
 * cairo_caches.h - for the unit tests that draw text through cairo (labels,
 * PDFs): cairo and fontconfig keep caches for the life of the process;
 * cairo_caches_release lets them go at the end (a cmocka group teardown),
 * so that LeakSanitizer (make unit-asan) reports only real leaks. FcFini is
 * found at run time: fontconfig comes with cairo, and the tests do not link
 * it by name.
 */
#ifndef BLOODOPS_TESTS_CAIRO_CACHES_H
#define BLOODOPS_TESTS_CAIRO_CACHES_H

#include <dlfcn.h>
#include <cairo/cairo.h>

static inline int cairo_caches_release(void **state)
{
    (void)state;
    cairo_debug_reset_static_data();
    void (*fontconfig_fini)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "FcFini");
    if (fontconfig_fini)
        fontconfig_fini();
    return 0;
}

#endif
