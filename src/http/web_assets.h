/*
 * web_assets.h - the web application's files, compiled into the binary.
 *
 * tools/embed-web.js generates the table from web/ and the npm files the
 * front end uses (build/<variant>/gen/web_embedded.c). Every asset but the
 * page shell lives under web_assets_folder, "/assets/<hash of them all>/",
 * so its URL changes whenever any asset does and browsers may cache it for
 * good; the shell is "/index.html" and is served for every page path.
 */
#ifndef BLOODOPS_HTTP_WEB_ASSETS_H
#define BLOODOPS_HTTP_WEB_ASSETS_H

#include <stddef.h>

typedef struct {
    const char *path;         /* "/assets/0123456789abcdef/js/main.js", or "/index.html" */
    const char *content_type; /* "text/javascript; charset=utf-8" */
    const char *data;
    size_t length;
    const char *gzip_data;    /* the same bytes gzipped, or NULL when that saves little */
    size_t gzip_length;
    int immutable;            /* under the hashed folder: cacheable for good */
} web_asset;

extern const char web_assets_folder[];
extern const web_asset web_assets[];
extern const int web_asset_count;

#endif
