/*
 * api_auth.c - logging in and out, who am I, and user administration:
 *   POST /api/v1/login            {"username","password"} -> token, csrf_token
 *   POST /api/v1/logout
 *   GET  /api/v1/me
 *   GET  /api/v1/users            (admin)
 *   POST /api/v1/users            (admin) {"username","full_name","roles","password"}
 *   POST /api/v1/users/{username}/password (admin) {"password"}
 *   POST /api/v1/users/{username}/disable  (admin) {"reason"}
 */
#include <inttypes.h>
#include <stdio.h>
#include "base/date.h"
#include "http/http.h"
#include "service/auth.h"

static void login(http_request *request, http_response *response)
{
    static const http_field fields[] = {
        {"username", FIELD_STRING, 1}, {"password", FIELD_STRING, 1}, {0}};
    err e;
    auth_login_result result;
    if (http_body_check(request, fields, &e) ||
        auth_login(&request->service, http_body_string(request, "username"),
                   http_body_string(request, "password"), request->client_address, &result,
                   &e)) {
        http_reply_error(response, &e);
        return;
    }
    char expires[TIMESTAMP_TEXT_MAX];
    /* The cookie is for the browser application: HttpOnly (no script reads
     * it) and SameSite=Strict (no other site sends it); API clients use the
     * token as a bearer token instead. */
    response->set_cookie = arena_printf(
        request->arena, "bloodops_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%" PRId64,
        result.token, auth_session_seconds());
    http_reply(response, 200,
               json_pack("{s:s, s:s, s:s, s:o}", "token", result.token, "csrf_token",
                         result.csrf_token, "expires_at",
                         timestamp_format(result.expires_at, expires, sizeof expires), "user",
                         result.user));
}

static void logout(http_request *request, http_response *response)
{
    err e;
    if (auth_logout(&request->service, request->session.session_id, &e)) {
        http_reply_error(response, &e);
        return;
    }
    response->set_cookie = arena_strdup(
        request->arena, "bloodops_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    http_reply(response, 200, json_pack("{s:b}", "logged_out", 1));
}

static void me(http_request *request, http_response *response)
{
    char expires[TIMESTAMP_TEXT_MAX];
    json_t *role_list = json_array();
    for (int i = 0; i < ROLE_COUNT; i++)
        if (request->session.actor.roles & (1u << i))
            json_array_append_new(role_list, json_string(role_name((role)(1u << i))));
    http_reply(response, 200,
               json_pack("{s:s, s:o, s:s, s:s}", "username", request->session.actor.username,
                         "roles", role_list, "csrf_token", request->session.csrf_token,
                         "expires_at",
                         timestamp_format(request->session.expires_at, expires, sizeof expires)));
}

static void users_list(http_request *request, http_response *response)
{
    err e;
    service_page page;
    json_t *result;
    if (http_query_page(request, &page, &e) || user_list(&request->service, &page, &result, &e)) {
        http_reply_error(response, &e);
        return;
    }
    http_reply(response, 200, result);
}

static void users_add(http_request *request, http_response *response)
{
    static const http_field fields[] = {{"username", FIELD_STRING, 1},
                                        {"full_name", FIELD_STRING, 1},
                                        {"roles", FIELD_STRING, 1},
                                        {"password", FIELD_STRING, 1},
                                        {0}};
    err e;
    json_t *user;
    if (http_body_check(request, fields, &e)) {
        http_reply_error(response, &e);
        return;
    }
    user_input in = {
        .username = http_body_string(request, "username"),
        .full_name = http_body_string(request, "full_name"),
        .roles = http_body_string(request, "roles"),
        .password = http_body_string(request, "password"),
    };
    if (user_add(&request->service, &in, NULL, &user, &e)) {
        http_reply_error(response, &e);
        return;
    }
    http_reply(response, 201, user);
}

static void users_password(http_request *request, http_response *response)
{
    static const http_field fields[] = {{"password", FIELD_STRING, 1}, {0}};
    err e;
    if (http_body_check(request, fields, &e) ||
        user_set_password(&request->service, request->path_params[0],
                          http_body_string(request, "password"), &e)) {
        http_reply_error(response, &e);
        return;
    }
    http_reply(response, 200, json_pack("{s:s, s:b}", "username", request->path_params[0],
                                        "password_changed", 1));
}

static void users_disable(http_request *request, http_response *response)
{
    static const http_field fields[] = {{"reason", FIELD_STRING, 1}, {0}};
    err e;
    if (http_body_check(request, fields, &e) ||
        user_disable(&request->service, request->path_params[0],
                     http_body_string(request, "reason"), &e)) {
        http_reply_error(response, &e);
        return;
    }
    http_reply(response, 200,
               json_pack("{s:s, s:b}", "username", request->path_params[0], "disabled", 1));
}

const http_route http_routes_auth[] = {
    {"POST", "/api/v1/login", login, 0, 1},
    {"POST", "/api/v1/logout", logout, ROLES_ALL, 0},
    {"GET", "/api/v1/me", me, ROLES_ALL, 0},
    {"GET", "/api/v1/users", users_list, ROLE_ADMIN | ROLE_AUDITOR, 0},
    {"POST", "/api/v1/users", users_add, ROLE_ADMIN, 1},
    {"POST", "/api/v1/users/{username}/password", users_password, ROLE_ADMIN, 1},
    {"POST", "/api/v1/users/{username}/disable", users_disable, ROLE_ADMIN, 1},
    {0},
};
