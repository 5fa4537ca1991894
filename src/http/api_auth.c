/*
 * api_auth.c - logging in and out, who am I, and user administration.
 * Its routes, each with the capability it needs, are declared at the end of
 * this file; `bloodops api routes` lists every route of every module.
 */
#include <inttypes.h>
#include <stdio.h>
#include "base/date.h"
#include "domain/worklist.h"
#include "http/http.h"
#include "service/auth.h"

/* The names of the capabilities `roles` hold, in the matrix's order: what
 * the web application shows and offers (GET /api/v1/me, the login). */
static json_t *capabilities_json(role_set roles)
{
    json_t *names = json_array();
    for (int c = 1; c < CAPABILITY_COUNT; c++)
        if (capability_allows(roles, (capability)c))
            json_array_append_new(names, json_string(capability_get((capability)c)->name));
    return names;
}

/* The names of the worklist sections `roles` get (domain/worklist.h): the
 * web application shows a worklist on the home page when there is one. */
static json_t *worklist_json(role_set roles)
{
    json_t *names = json_array();
    for (int s = 0; s < WORKLIST_SECTION_COUNT; s++)
        if (worklist_section_allowed(roles, (worklist_section)s))
            json_array_append_new(names,
                                  json_string(worklist_section_get((worklist_section)s)->name));
    return names;
}

/* The roles of a user as the auth service answers them ("roles": names). */
static role_set roles_of_user(json_t *user)
{
    role_set roles = 0;
    size_t index;
    json_t *name;
    json_array_foreach(json_object_get(user, "roles"), index, name)
        if (json_is_string(name))
            roles |= role_from_name(json_string_value(name));
    return roles;
}

/* The areas of the product in their order, for grouping the navigation. */
static json_t *areas_json(void)
{
    json_t *areas = json_array();
    for (int a = 0; a < AREA_COUNT; a++)
        json_array_append_new(areas, json_pack("{s:s, s:s}", "key", area_key((area)a), "title",
                                               area_title((area)a)));
    return areas;
}

static const http_field login_body[] = {
    {"username", FIELD_STRING, 1}, {"password", FIELD_STRING, 1}, {0}};

static void login(http_request *request, http_response *response)
{
    err e;
    auth_login_result result;
    if (auth_login(&request->service, http_body_string(request, "username"),
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
    role_set roles = roles_of_user(result.user);
    http_reply(response, 200,
               json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:b, s:o}", "token", result.token,
                         "csrf_token", result.csrf_token, "expires_at",
                         timestamp_format(result.expires_at, expires, sizeof expires), "user",
                         result.user, "capabilities", capabilities_json(roles), "areas",
                         areas_json(), "limited_to_centers", capability_limits_centers(roles),
                         "worklist", worklist_json(roles)));
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
    err e;
    json_t *centers = NULL;
    if (auth_my_centers(&request->service, &centers, &e)) {
        http_reply_error(response, &e);
        return;
    }
    json_t *role_list = json_array();
    for (int i = 0; i < ROLE_COUNT; i++)
        if (request->session.actor.roles & (1u << i))
            json_array_append_new(role_list, json_string(role_name((role)(1u << i))));
    http_reply(response, 200,
               json_pack("{s:s, s:o, s:o, s:o, s:o, s:b, s:s, s:s, s:o}", "username",
                         request->session.actor.username, "roles", role_list, "capabilities",
                         capabilities_json(request->session.actor.roles), "areas", areas_json(),
                         "centers", centers, "limited_to_centers",
                         capability_limits_centers(request->session.actor.roles), "csrf_token",
                         request->session.csrf_token, "expires_at",
                         timestamp_format(request->session.expires_at, expires, sizeof expires),
                         "worklist", worklist_json(request->session.actor.roles)));
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

static const http_field users_add_body[] = {
    {"username", FIELD_STRING, 1},
    {"full_name", FIELD_STRING, 1},
    {"roles", FIELD_STRING, 1},
    {"password", FIELD_STRING, 1},
    {0}};

static void users_add(http_request *request, http_response *response)
{
    err e;
    json_t *user;
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

static const http_field users_password_body[] = {{"password", FIELD_STRING, 1}, {0}};

static void users_password(http_request *request, http_response *response)
{
    err e;
    if (user_set_password(&request->service, request->path_params[0],
                          http_body_string(request, "password"), &e)) {
        http_reply_error(response, &e);
        return;
    }
    http_reply(response, 200, json_pack("{s:s, s:b}", "username", request->path_params[0],
                                        "password_changed", 1));
}

static const http_field users_disable_body[] = {{"reason", FIELD_STRING, 1}, {0}};

static void users_disable(http_request *request, http_response *response)
{
    err e;
    if (user_disable(&request->service, request->path_params[0],
                     http_body_string(request, "reason"), &e)) {
        http_reply_error(response, &e);
        return;
    }
    http_reply(response, 200,
               json_pack("{s:s, s:b}", "username", request->path_params[0], "disabled", 1));
}

/* Each list replaces the one before ("" for none; absent: unchanged). */
static const http_field users_scope_body[] = {
    {"centers", FIELD_STRING, 0}, {"markets", FIELD_STRING, 0}, {0}};

static void users_scope(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = user_scope_set(&request->service, request->path_params[0],
                            http_body_string(request, "centers"),
                            http_body_string(request, "markets"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field users_roles_body[] = {{"roles", FIELD_STRING, 1}, {0}};

static void users_roles(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = user_roles_set(&request->service, request->path_params[0],
                            http_body_string(request, "roles"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_field users_enable_body[] = {{"reason", FIELD_STRING, 0}, {0}};

static void users_enable(http_request *request, http_response *response)
{
    err e;
    json_t *result = NULL;
    int rc = user_enable(&request->service, request->path_params[0],
                         http_body_string(request, "reason"), &result, &e);
    http_reply_result(response, 200, rc, result, &e);
}

static const http_route auth_routes[] = {
    {.method = "POST", .pattern = "/api/v1/login", .handler = login, .public_access = 1,
     .body = login_body, .response = "Login",
     .summary = "Log in: a session token, its CSRF token and the user's capabilities"},
    {.method = "POST", .pattern = "/api/v1/logout", .handler = logout,
     .capability = CAPABILITY_SESSION, .response = "LoggedOut", .summary = "End the session"},
    {.method = "GET", .pattern = "/api/v1/me", .handler = me, .capability = CAPABILITY_SESSION,
     .response = "Me", .summary = "Who is logged in, their roles and capabilities"},
    {.method = "GET", .pattern = "/api/v1/users", .handler = users_list,
     .capability = CAPABILITY_USERS, .query = "limit,after", .response = "UserList",
     .summary = "List users and their roles"},
    {.method = "POST", .pattern = "/api/v1/users", .handler = users_add,
     .capability = CAPABILITY_USERS_WRITE, .body = users_add_body, .response = "User",
     .status = 201, .summary = "Add a user"},
    {.method = "POST", .pattern = "/api/v1/users/{username}/password", .handler = users_password,
     .capability = CAPABILITY_USERS_WRITE, .body = users_password_body,
     .response = "PasswordChanged",
     .summary = "Set a user's password (ends their sessions)"},
    {.method = "POST", .pattern = "/api/v1/users/{username}/disable", .handler = users_disable,
     .capability = CAPABILITY_USERS_WRITE, .body = users_disable_body,
     .response = "UserDisabled", .summary = "Disable a user (ends their sessions)"},
    {.method = "PUT", .pattern = "/api/v1/users/{username}/scope", .handler = users_scope,
     .capability = CAPABILITY_USERS_WRITE, .body = users_scope_body, .response = "User",
     .summary = "Assign a user the donor centers and the markets they work in"},
    {.method = "PUT", .pattern = "/api/v1/users/{username}/roles", .handler = users_roles,
     .capability = CAPABILITY_USERS_WRITE, .body = users_roles_body, .response = "User",
     .summary = "Give a user their roles (the list replaces the one before)"},
    {.method = "POST", .pattern = "/api/v1/users/{username}/enable", .handler = users_enable,
     .capability = CAPABILITY_USERS_WRITE, .body = users_enable_body, .response = "User",
     .summary = "Let a disabled user log in again"},
    {0},
};

const http_module http_module_auth = {
    .name = "auth", .area = AREA_ADMINISTRATION, .routes = auth_routes};
