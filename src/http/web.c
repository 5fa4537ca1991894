/*
 * web.c - serving the web application: its files, compiled into the binary
 * (web_assets.h), from the same origin as the API.
 *
 *   GET /assets/<hash>/...   a file of the application, cached for a year
 *   GET /<anything else>     the page shell (index.html), which routes in the
 *                            browser: /dashboard, /quarterly, /centers, ...
 *
 * /api/ and /health belong to the router. A path whose last segment has a
 * dot (favicon.ico, robots.txt) is a file, not a page: 404 when unknown.
 * The shell carries an ETag (the assets' hash) so a reload costs a 304.
 * Security headers for every answer are set where answers are sent
 * (server.c); the shell's strict Content-Security-Policy is chosen there
 * from response->page.
 */
#include <string.h>
#include "http/http.h"
#include "http/web_assets.h"

static const web_asset *asset_find(const char *path)
{
    for (int i = 0; i < web_asset_count; i++)
        if (strcmp(web_assets[i].path, path) == 0)
            return &web_assets[i];
    return NULL;
}

static int is_page_path(const char *path)
{
    const char *last = strrchr(path, '/');
    return last && !strchr(last, '.');
}

static int accepts_gzip(const char *accept_encoding)
{
    /* "gzip" listed, and not refused with q=0: browsers send "gzip, deflate, br". */
    if (!accept_encoding)
        return 0;
    const char *at = strstr(accept_encoding, "gzip");
    return at && strncmp(at + 4, ";q=0", 4) != 0;
}

int http_web_serve(const char *method, const char *path, const char *accept_encoding,
                   const char *if_none_match, http_response *response)
{
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return 0;
    if (strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0 || strcmp(path, "/health") == 0)
        return 0;
    const web_asset *asset = NULL;
    if (strncmp(path, "/assets/", 8) == 0)
        asset = asset_find(path);
    else if (strcmp(path, "/api-reference") == 0)
        asset = asset_find("/api-reference.html");
    else if (is_page_path(path))
        asset = asset_find("/index.html");
    if (!asset) {
        static const char not_found[] = "not found\n";
        http_reply_static(response, 404, "text/plain; charset=utf-8", not_found,
                          sizeof not_found - 1);
        return 1;
    }
    response->vary_encoding = asset->gzip_data != NULL;
    if (asset->immutable) {
        response->cache_control = "public, max-age=31536000, immutable";
    } else {
        /* The shell: always revalidated, so a new build is seen at once. */
        response->cache_control = "no-cache";
        response->etag = web_assets_folder + 8; /* the hash */
        response->page = strcmp(asset->path, "/api-reference.html") == 0 ? HTTP_PAGE_API_REFERENCE
                                                                         : HTTP_PAGE_APPLICATION;
        if (if_none_match && strstr(if_none_match, response->etag)) {
            http_reply(response, 304, NULL);
            return 1;
        }
    }
    if (asset->gzip_data && accepts_gzip(accept_encoding)) {
        http_reply_static(response, 200, asset->content_type, asset->gzip_data,
                          asset->gzip_length);
        response->content_encoding = "gzip";
    } else {
        http_reply_static(response, 200, asset->content_type, asset->data, asset->length);
    }
    return 1;
}
