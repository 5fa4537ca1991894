/*
 * report.c - trial balance, income statement, balance sheet and the
 * quarterly results, read from the ledger's monthly balances (see
 * report.h). The arithmetic, the checks and the rendering of the quarterly
 * results are in domain/results.c; this file gathers the amounts.
 */
#include <stdlib.h>
#include <string.h>
#include "base/money.h"
#include "domain/ledger.h"
#include "domain/registry.h"
#include "service/allowance.h"
#include "service/apheresis_procedure.h"
#include "service/company.h"
#include "service/covenant.h"
#include "service/ledger.h"
#include "service/report.h"
#include "service/sales.h"

/* --- shared --------------------------------------------------------------- */

static json_t *money_json(int64_t cents)
{
    char text[MONEY_TEXT_MAX];
    return json_string(money_format(cents, MONEY_PLAIN, text, sizeof text));
}

static json_t *date_json(civil_day day)
{
    char text[DATE_TEXT_MAX];
    return json_string(date_format(day, text, sizeof text));
}

static json_t *tenths_json(int ok, int64_t tenths)
{
    char text[SERVICE_TENTHS_TEXT_MAX];
    return ok ? json_string(service_tenths_format(tenths, text)) : json_null();
}

/* The amount of an account in its natural sign: debit balances for assets
 * and expenses, credit balances for liabilities, equity and revenue. */
static int64_t natural_amount(const ledger_account *account, const ledger_sum *sum)
{
    switch (account->type) {
    case ACCOUNT_LIABILITY:
    case ACCOUNT_EQUITY:
    case ACCOUNT_REVENUE:
        return sum->credit - sum->debit;
    default:
        return sum->debit - sum->credit;
    }
}

static int is_income_statement(account_type type)
{
    return !account_type_is_balance_sheet(type);
}

static int range_resolve(const report_range *range, civil_day *from, civil_day *to, err *e)
{
    int has_period = range->period && *range->period;
    int has_dates = (range->from && *range->from) || (range->to && *range->to);
    if (has_period && has_dates)
        return err_set(e, ERR_INVALID, "period", "give a period or from/to dates, not both");
    if (has_period) {
        ledger_period period;
        if (ledger_period_parse(range->period, &period, "period", e))
            return -1;
        *from = period.first_day;
        *to = period.last_day;
        return 0;
    }
    if (!range->from || !*range->from)
        return err_set(e, ERR_INVALID, "period", "is required (or from and to dates)");
    if (!range->to || !*range->to)
        return err_set(e, ERR_INVALID, "to", "is required with from");
    if (date_parse(range->from, from, "from", e) || date_parse(range->to, to, "to", e))
        return -1;
    if (*from > *to)
        return err_set(e, ERR_INVALID, "to", "must not be before from");
    return 0;
}

/* Sum of natural amounts per account over the sums (centers merged). */
typedef struct {
    int64_t *amount, *debit, *credit; /* indexed like chart->items */
} account_totals;

static int totals_of(const ledger_chart *chart, const ledger_sums *sums, account_totals *t, err *e)
{
    size_t n = chart->count ? chart->count : 1;
    t->amount = calloc(n, sizeof *t->amount);
    t->debit = calloc(n, sizeof *t->debit);
    t->credit = calloc(n, sizeof *t->credit);
    if (!t->amount || !t->debit || !t->credit)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    for (size_t i = 0; i < sums->count; i++) {
        const ledger_account *account = ledger_chart_find(chart, sums->items[i].account_id);
        if (!account)
            continue;
        size_t index = (size_t)(account - chart->items);
        t->amount[index] += natural_amount(account, &sums->items[i]);
        t->debit[index] += sums->items[i].debit;
        t->credit[index] += sums->items[i].credit;
    }
    return 0;
}

static void totals_free(account_totals *t)
{
    free(t->amount);
    free(t->debit);
    free(t->credit);
}

/* Read the chart and the sums of from..to in one read transaction. */
typedef struct {
    ledger_chart chart;
    ledger_sums sums;
    account_totals totals;
} report_data;

static int data_load(db_conn *db, civil_day from, civil_day to, report_data *d, err *e)
{
    memset(d, 0, sizeof *d);
    if (ledger_chart_load(db, &d->chart, e) || ledger_sums_between(db, from, to, &d->sums, e) ||
        totals_of(&d->chart, &d->sums, &d->totals, e))
        return -1;
    return 0;
}

static void data_free(report_data *d)
{
    ledger_chart_free(&d->chart);
    ledger_sums_free(&d->sums);
    totals_free(&d->totals);
}

static json_t *account_line(const ledger_account *account, int64_t amount)
{
    return json_pack("{s:s, s:s, s:o}", "code", account->code, "name", account->name, "amount",
                     money_json(amount));
}

/* --- trial balance --------------------------------------------------------- */

int report_trial_balance(service_context *ctx, const report_range *range, json_t **out, err *e)
{
    civil_day from, to;
    if (range_resolve(range, &from, &to, e))
        return -1;
    int year, month, day;
    date_to_ymd(to, &year, &month, &day);
    civil_day fiscal_start = 0;
    date_from_ymd(year, 1, 1, &fiscal_start, NULL, NULL);
    if (db_begin_read(ctx->db, e))
        return -1;
    report_data activity, since_beginning, year_to_date;
    int rc = data_load(ctx->db, from, to, &activity, e);
    if (rc == 0)
        rc = data_load(ctx->db, ledger_beginning(), to, &since_beginning, e);
    if (rc == 0)
        rc = data_load(ctx->db, fiscal_start, to, &year_to_date, e);
    db_rollback(ctx->db);
    if (rc == 0) {
        json_t *rows = json_array();
        int64_t total_debits = 0, total_credits = 0, debit_balances = 0, credit_balances = 0;
        int64_t earlier_earnings = 0;
        for (size_t i = 0; i < activity.chart.count; i++) {
            const ledger_account *account = &activity.chart.items[i];
            int balance_sheet = account_type_is_balance_sheet(account->type);
            int64_t balance = balance_sheet
                                  ? since_beginning.totals.debit[i] - since_beginning.totals.credit[i]
                                  : year_to_date.totals.debit[i] - year_to_date.totals.credit[i];
            if (!balance_sheet)
                earlier_earnings += (since_beginning.totals.credit[i] -
                                     since_beginning.totals.debit[i]) -
                                    (year_to_date.totals.credit[i] - year_to_date.totals.debit[i]);
            if (!balance && !activity.totals.debit[i] && !activity.totals.credit[i])
                continue;
            total_debits += activity.totals.debit[i];
            total_credits += activity.totals.credit[i];
            debit_balances += balance > 0 ? balance : 0;
            credit_balances += balance < 0 ? -balance : 0;
            json_array_append_new(
                rows, json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "code", account->code,
                                "name", account->name, "type", account_type_name(account->type),
                                "debits", money_json(activity.totals.debit[i]), "credits",
                                money_json(activity.totals.credit[i]), "debit_balance",
                                money_json(balance > 0 ? balance : 0), "credit_balance",
                                money_json(balance < 0 ? -balance : 0)));
        }
        if (earlier_earnings) {
            /* Earnings of earlier fiscal years, not yet closed into retained
             * earnings by an entry: shown so the balances add up. */
            debit_balances += earlier_earnings < 0 ? -earlier_earnings : 0;
            credit_balances += earlier_earnings > 0 ? earlier_earnings : 0;
            json_array_append_new(
                rows, json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "code", "", "name",
                                "Earnings of earlier fiscal years", "type", "equity", "debits",
                                money_json(0), "credits", money_json(0), "debit_balance",
                                money_json(earlier_earnings < 0 ? -earlier_earnings : 0),
                                "credit_balance",
                                money_json(earlier_earnings > 0 ? earlier_earnings : 0)));
        }
        *out = json_pack("{s:o, s:o, s:o, s:{s:o, s:o, s:o, s:o}}", "from", date_json(from),
                         "to", date_json(to), "items", rows, "totals", "debits",
                         money_json(total_debits), "credits", money_json(total_credits),
                         "debit_balances", money_json(debit_balances), "credit_balances",
                         money_json(credit_balances));
    }
    data_free(&activity);
    data_free(&since_beginning);
    data_free(&year_to_date);
    return rc;
}

/* --- income statement ------------------------------------------------------ */

int report_income_statement(service_context *ctx, const report_range *range, json_t **out, err *e)
{
    civil_day from, to;
    if (range_resolve(range, &from, &to, e))
        return -1;
    if (db_begin_read(ctx->db, e))
        return -1;
    report_data d;
    int rc = data_load(ctx->db, from, to, &d, e);
    db_rollback(ctx->db);
    if (rc == 0) {
        json_t *lists[ACCOUNT_TYPE_COUNT] = {0};
        int64_t sums[ACCOUNT_TYPE_COUNT] = {0};
        for (size_t i = 0; i < d.chart.count; i++) {
            const ledger_account *account = &d.chart.items[i];
            if (!is_income_statement(account->type) || (!d.totals.debit[i] && !d.totals.credit[i]))
                continue;
            if (!lists[account->type])
                lists[account->type] = json_array();
            json_array_append_new(lists[account->type], account_line(account, d.totals.amount[i]));
            sums[account->type] += d.totals.amount[i];
        }
        for (int t = 0; t < ACCOUNT_TYPE_COUNT; t++)
            if (!lists[t])
                lists[t] = json_array();
        int64_t gross = sums[ACCOUNT_REVENUE] - sums[ACCOUNT_COST_OF_REVENUE];
        int64_t operating = gross - sums[ACCOUNT_GENERAL_ADMINISTRATIVE];
        int64_t before_taxes = operating - sums[ACCOUNT_OTHER];
        json_t *statement = json_pack("{s:o, s:o}", "from", date_json(from), "to", date_json(to));
        const struct {
            const char *list_key, *total_key;
            account_type type;
        } sections[] = {
            {"revenue", "total_revenue", ACCOUNT_REVENUE},
            {"cost_of_revenue", "total_cost_of_revenue", ACCOUNT_COST_OF_REVENUE},
            {"general_administrative", "total_general_administrative",
             ACCOUNT_GENERAL_ADMINISTRATIVE},
            {"other", "total_other", ACCOUNT_OTHER},
            {"income_taxes", "total_income_taxes", ACCOUNT_INCOME_TAX},
        };
        for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
            json_object_set_new(statement, sections[i].list_key, lists[sections[i].type]);
            json_object_set_new(statement, sections[i].total_key,
                                money_json(sums[sections[i].type]));
        }
        json_object_set_new(statement, "gross_profit", money_json(gross));
        json_object_set_new(statement, "operating_income", money_json(operating));
        json_object_set_new(statement, "income_before_taxes", money_json(before_taxes));
        json_object_set_new(statement, "net_income",
                            money_json(before_taxes - sums[ACCOUNT_INCOME_TAX]));
        for (int t = 0; t < ACCOUNT_TYPE_COUNT; t++)
            if (account_type_is_balance_sheet(t))
                json_decref(lists[t]);
        *out = statement;
    }
    data_free(&d);
    return rc;
}

/* --- balance sheet ---------------------------------------------------------- */

int report_balance_sheet(service_context *ctx, const char *date_text, json_t **out, err *e)
{
    civil_day date;
    if (!date_text || !*date_text)
        return err_set(e, ERR_INVALID, "date", "is required");
    if (date_parse(date_text, &date, "date", e))
        return -1;
    if (db_begin_read(ctx->db, e))
        return -1;
    report_data d;
    int rc = data_load(ctx->db, ledger_beginning(), date, &d, e);
    db_rollback(ctx->db);
    if (rc == 0) {
        json_t *current_assets = json_array(), *non_current_assets = json_array();
        json_t *current_liabilities = json_array(), *long_term = json_array();
        json_t *equity = json_array();
        int64_t ca = 0, nca = 0, cl = 0, ltl = 0, eq = 0, earnings = 0;
        for (size_t i = 0; i < d.chart.count; i++) {
            const ledger_account *account = &d.chart.items[i];
            int64_t amount = d.totals.amount[i];
            if (is_income_statement(account->type)) {
                earnings += d.totals.credit[i] - d.totals.debit[i];
                continue;
            }
            if (!d.totals.debit[i] && !d.totals.credit[i])
                continue;
            if (account->type == ACCOUNT_ASSET || account->type == ACCOUNT_CONTRA_ASSET) {
                json_array_append_new(account->non_current ? non_current_assets : current_assets,
                                      account_line(account, amount));
                *(account->non_current ? &nca : &ca) += amount;
            } else if (account->type == ACCOUNT_LIABILITY) {
                json_array_append_new(account->non_current ? long_term : current_liabilities,
                                      account_line(account, amount));
                *(account->non_current ? &ltl : &cl) += amount;
            } else {
                json_array_append_new(equity, account_line(account, amount));
                eq += amount;
            }
        }
        json_array_append_new(equity, json_pack("{s:s, s:s, s:o}", "code", "", "name",
                                                "Earnings not yet closed to retained earnings",
                                                "amount", money_json(earnings)));
        eq += earnings;
        *out = json_pack("{s:o, s:{s:o, s:o, s:o, s:o, s:o}, s:{s:o, s:o, s:o, s:o, s:o}, "
                         "s:{s:o, s:o}, s:o, s:o}",
                         "date", date_json(date), "assets", "current", current_assets,
                         "total_current", money_json(ca), "non_current", non_current_assets,
                         "total_non_current", money_json(nca), "total", money_json(ca + nca),
                         "liabilities", "current", current_liabilities, "total_current",
                         money_json(cl), "long_term", long_term, "total_long_term",
                         money_json(ltl), "total", money_json(cl + ltl), "equity", "accounts",
                         equity, "total", money_json(eq), "total_liabilities_and_equity",
                         money_json(cl + ltl + eq), "working_capital", money_json(ca - cl));
    }
    data_free(&d);
    return rc;
}

/* --- quarterly results: loading from the ledger ---------------------------- */

typedef struct {
    char code[RESULTS_CODE_MAX];
    char name[RESULTS_NAME_MAX];
    civil_day close_date;
    int has_close;
} center_info;

typedef struct {
    center_info *items;
    size_t count;
} center_table;

static int centers_load(db_conn *db, center_table *t, err *e)
{
    memset(t, 0, sizeof *t);
    db_stmt *stmt;
    if (db_prepare(db, "SELECT code, name, close_date FROM centers ORDER BY code", &stmt, e))
        return -1;
    size_t capacity = 0;
    db_step_result step;
    while ((step = db_step(stmt, e)) == DB_ROW) {
        if (t->count == capacity) {
            capacity = capacity ? capacity * 2 : 32;
            center_info *grown = realloc(t->items, capacity * sizeof *grown);
            if (!grown) {
                db_reset(stmt);
                return err_set(e, ERR_INTERNAL, NULL, "out of memory");
            }
            t->items = grown;
        }
        center_info *c = &t->items[t->count++];
        memset(c, 0, sizeof *c);
        snprintf(c->code, sizeof c->code, "%s", db_column_text(stmt, 0));
        snprintf(c->name, sizeof c->name, "%s", db_column_text(stmt, 1));
        c->has_close = !db_column_is_null(stmt, 2) &&
                       date_parse(db_column_text(stmt, 2), &c->close_date, NULL, NULL) == 0;
    }
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

static const center_info *center_find(const center_table *t, const char *code)
{
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->items[i].code, code) == 0)
            return &t->items[i];
    return NULL;
}

/* The blood products row of a center (created on first use). */
static results_center *center_row(results_period *p, const center_info *info, const char *code,
                                  civil_day closed_as_of)
{
    for (size_t i = 0; i < p->center_count; i++)
        if (strcmp(p->centers[i].code, code) == 0)
            return &p->centers[i];
    results_center *grown = realloc(p->centers, (p->center_count + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    p->centers = grown;
    results_center *row = &p->centers[p->center_count++];
    memset(row, 0, sizeof *row);
    snprintf(row->code, sizeof row->code, "%s", code);
    snprintf(row->name, sizeof row->name, "%s",
             info ? info->name : (*code ? code : "Not assigned to a donor center"));
    row->closed = info && registry_center_closed_for(info->has_close, info->close_date,
                                                     closed_as_of);
    return row;
}

static int compare_centers(const void *a, const void *b)
{
    return strcmp(((const results_center *)a)->code, ((const results_center *)b)->code);
}

/* Add `amount` to the line of `code` in lines[*count], a new line at the
 * end when it has none (management revenue by market, units by family...). */
static int line_add(results_line **lines, size_t *count, const char *code, int64_t amount)
{
    for (size_t i = 0; i < *count; i++)
        if (strcmp((*lines)[i].code, code) == 0) {
            (*lines)[i].amount += amount;
            return 0;
        }
    results_line *grown = realloc(*lines, (*count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    *lines = grown;
    results_line *line = &grown[(*count)++];
    memset(line, 0, sizeof *line);
    snprintf(line->code, sizeof line->code, "%s", code);
    line->amount = amount;
    return 0;
}

/* Add `amount` to the management contract revenue of market `code`. */
static int management_market_add(results_period *p, const char *code, int64_t amount)
{
    return line_add(&p->management_markets, &p->management_market_count, code, amount);
}

static int compare_lines(const void *a, const void *b)
{
    return strcmp(((const results_line *)a)->code, ((const results_line *)b)->code);
}

static int64_t revenue_of(const ledger_chart *chart, const ledger_sums *sums)
{
    int64_t revenue = 0;
    for (size_t i = 0; i < sums->count; i++) {
        const ledger_account *account = ledger_chart_find(chart, sums->items[i].account_id);
        if (account && account->type == ACCOUNT_REVENUE)
            revenue += natural_amount(account, &sums->items[i]);
    }
    return revenue;
}

/* The income-statement figures of one quarter. */
static int period_amounts(const ledger_chart *chart, const center_table *centers,
                          const ledger_sums *sums, civil_day closed_as_of, results_period *p,
                          err *e)
{
    for (size_t i = 0; i < sums->count; i++) {
        const ledger_sum *sum = &sums->items[i];
        const ledger_account *account = ledger_chart_find(chart, sum->account_id);
        if (!account)
            continue;
        int64_t amount = natural_amount(account, sum);
        int blood_products = !account->segment_services;
        results_center *row = NULL;
        if (account_type_has_segment(account->type) && blood_products) {
            const center_info *info = center_find(centers, sum->center);
            /* Only donor centers have rows; market-level or unassigned
             * blood products postings count as ongoing. */
            if (info && !(row = center_row(p, info, sum->center, closed_as_of)))
                return err_set(e, ERR_INTERNAL, NULL, "out of memory");
        }
        switch (account->type) {
        case ACCOUNT_REVENUE:
            p->revenue += amount;
            if (!blood_products) {
                p->blood_services_revenue += amount;
                /* Management contracts post under their market. */
                if (strcmp(account->code, "4200") == 0 && sum->center[0] &&
                    !center_find(centers, sum->center) &&
                    management_market_add(p, sum->center, amount))
                    return err_set(e, ERR_INTERNAL, NULL, "out of memory");
                break;
            }
            p->blood_products_revenue += amount;
            *(row && row->closed ? &p->closed_revenue : &p->ongoing_revenue) += amount;
            if (row)
                row->revenue += amount;
            break;
        case ACCOUNT_COST_OF_REVENUE:
            p->cost_of_revenue += amount;
            if (!blood_products) {
                p->blood_services_gross_profit -= amount;
                break;
            }
            *(row && row->closed ? &p->closed_gross_profit : &p->ongoing_gross_profit) -= amount;
            if (row)
                row->cost += amount;
            break;
        case ACCOUNT_GENERAL_ADMINISTRATIVE:
            p->general_administrative += amount;
            for (size_t g = 0; g < p->ga_count; g++)
                if (strcmp(p->ga_lines[g].code, account->code) == 0)
                    p->ga_lines[g].amount += amount;
            break;
        case ACCOUNT_OTHER:
            p->other_expense += amount;
            break;
        case ACCOUNT_INCOME_TAX:
            p->income_taxes += amount;
            break;
        default:
            break;
        }
    }
    p->blood_services_gross_profit += p->blood_services_revenue;
    p->ongoing_gross_profit += p->ongoing_revenue;
    p->closed_gross_profit += p->closed_revenue;
    p->blood_products_gross_profit = p->ongoing_gross_profit + p->closed_gross_profit;
    for (size_t c = 0; c < p->center_count; c++)
        p->centers[c].gross_profit = p->centers[c].revenue - p->centers[c].cost;
    if (p->center_count)
        qsort(p->centers, p->center_count, sizeof *p->centers, compare_centers);
    if (p->management_market_count)
        qsort(p->management_markets, p->management_market_count, sizeof *p->management_markets,
              compare_lines);
    return 0;
}

/* One line per G&A account of the chart, in code order (zero when idle). */
static int ga_lines_init(const ledger_chart *chart, results_period *p, err *e)
{
    for (size_t i = 0; i < chart->count; i++) {
        const ledger_account *account = &chart->items[i];
        if (account->type != ACCOUNT_GENERAL_ADMINISTRATIVE)
            continue;
        results_line *grown = realloc(p->ga_lines, (p->ga_count + 1) * sizeof *grown);
        if (!grown)
            return err_set(e, ERR_INTERNAL, NULL, "out of memory");
        p->ga_lines = grown;
        results_line *line = &p->ga_lines[p->ga_count++];
        memset(line, 0, sizeof *line);
        snprintf(line->code, sizeof line->code, "%s", account->code);
        snprintf(line->name, sizeof line->name, "%.120s", account->name);
    }
    return 0;
}

/* The balance-sheet position at the end of `date`, a quarter's last day,
 * with that quarter's revenue for DSO: `quarter_revenue` when the caller
 * has it already (the period reported), else read here (the year end). */
static int position_load(db_conn *db, const ledger_chart *chart, civil_day date,
                         const int64_t *quarter_revenue, results_position *position, err *e)
{
    memset(position, 0, sizeof *position);
    position->date = date;
    ledger_sums sums;
    if (ledger_sums_between(db, ledger_beginning(), date, &sums, e))
        return -1;
    int64_t earnings = 0, receivable_1100 = 0;
    for (size_t i = 0; i < sums.count; i++) {
        const ledger_account *account = ledger_chart_find(chart, sums.items[i].account_id);
        if (!account)
            continue;
        int64_t amount = natural_amount(account, &sums.items[i]);
        if (strcmp(account->report_group, "receivables") == 0) {
            if (account->type == ACCOUNT_CONTRA_ASSET)
                position->allowance -= amount;
            else if (strcmp(account->code, "1100") == 0)
                receivable_1100 += amount;
        }
        switch (account->type) {
        case ACCOUNT_ASSET:
        case ACCOUNT_CONTRA_ASSET:
            if (account->non_current)
                position->non_current_assets += amount;
            else if (strcmp(account->report_group, "cash") == 0)
                position->cash_and_securities += amount;
            else
                position->other_current_assets += amount;
            if (strcmp(account->report_group, "receivables") == 0)
                position->net_receivables += amount;
            break;
        case ACCOUNT_LIABILITY:
            *(account->non_current ? &position->long_term_liabilities
                                   : &position->current_liabilities) += amount;
            break;
        case ACCOUNT_EQUITY:
            position->equity += amount;
            break;
        default:
            earnings += sums.items[i].credit - sums.items[i].debit; /* profit: revenue - costs */
            break;
        }
    }
    position->equity += earnings;
    ledger_sums_free(&sums);
    /* Where invoices exist, what they leave open replaces account 1100 and
     * the allowance's documents replace its account (they tie unless an
     * entry was posted to either by hand; the aging then says so). */
    int has_documents;
    int64_t open, allowance;
    if (receivables_documents_at(db, date, &has_documents, &open, &allowance, e))
        return -1;
    if (has_documents) {
        position->net_receivables += open - receivable_1100 + position->allowance - allowance;
        position->allowance = allowance;
        position->receivables_from_documents = 1;
    }
    quarter q = quarter_of(date);
    position->quarter_days = quarter_days(q);
    if (quarter_revenue) {
        position->quarter_revenue = *quarter_revenue;
    } else {
        ledger_sums revenue_sums;
        if (ledger_sums_between(db, quarter_first_day(q), date, &revenue_sums, e))
            return -1;
        position->quarter_revenue = revenue_of(chart, &revenue_sums);
        ledger_sums_free(&revenue_sums);
    }
    results_derive_position(position);
    return 0;
}

/* One quarter's figures. `kept`, when given, receives the quarter's sums
 * (the caller frees them) for a caller that needs them by account. */
static int period_load(db_conn *db, const ledger_chart *chart, const center_table *centers,
                       quarter q, civil_day closed_as_of, results_period *p, ledger_sums *kept,
                       err *e)
{
    memset(p, 0, sizeof *p);
    p->period = q;
    p->first_day = quarter_first_day(q);
    p->last_day = quarter_last_day(q);
    ledger_sums sums;
    char text[LEDGER_PERIOD_TEXT_MAX];
    if (ga_lines_init(chart, p, e) ||
        ledger_entries_between(db, p->first_day, p->last_day, &p->entries, e) ||
        ledger_sums_between(db, p->first_day, p->last_day, &sums, e))
        return -1;
    int rc = period_amounts(chart, centers, &sums, closed_as_of, p, e);
    if (kept && rc == 0)
        *kept = sums;
    else
        ledger_sums_free(&sums);
    if (rc == 0)
        rc = ledger_shares_of(db, quarter_format(q, text, sizeof text), &p->shares_basic,
                              &p->shares_diluted, &p->has_shares, e);
    if (rc == 0)
        rc = position_load(db, chart, p->last_day, &p->revenue, &p->position, e);
    if (rc == 0)
        results_derive(p);
    return rc;
}

/* The blood products' units of period `p` (its days filled), in total and
 * net by family, and its signed apheresis procedures, in total and by
 * market. */
static int units_load(db_conn *db, results_period *p, err *e)
{
    char from[DATE_TEXT_MAX], to[DATE_TEXT_MAX];
    json_t *sales = NULL, *markets = NULL, *row;
    size_t i;
    if (sales_units_between(db, date_format(p->first_day, from, sizeof from),
                            date_format(p->last_day, to, sizeof to), &sales, e))
        return -1;
    json_t *total = json_object_get(sales, "total");
    p->units_shipped = json_integer_value(json_object_get(total, "units_shipped"));
    p->units_returned_credited =
        json_integer_value(json_object_get(total, "units_returned_credited"));
    p->net_units_sold = json_integer_value(json_object_get(total, "net_units"));
    int rc = 0;
    json_array_foreach(json_object_get(sales, "families"), i, row)
        if (rc == 0)
            rc = line_add(&p->family_units, &p->family_unit_count,
                          json_string_value(json_object_get(row, "family")),
                          json_integer_value(json_object_get(row, "net_units")));
    json_decref(sales);
    if (rc)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    if (apheresis_market_volumes_between(db, p->first_day, p->last_day, &markets, e))
        return -1;
    int64_t revenue = 0;
    p->apheresis_procedures = 0;
    json_array_foreach(markets, i, row) {
        int64_t procedures = json_integer_value(json_object_get(row, "procedures"));
        p->apheresis_procedures += procedures;
        revenue += json_integer_value(json_object_get(row, "revenue_cents"));
        if (rc == 0)
            rc = line_add(&p->apheresis_markets, &p->apheresis_market_count,
                          json_string_value(json_object_get(row, "market")), procedures);
    }
    json_decref(markets);
    if (rc)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    p->apheresis_average_price = p->apheresis_procedures
                                     ? (revenue + p->apheresis_procedures / 2) /
                                           p->apheresis_procedures
                                     : 0;
    return 0;
}

/* The quarterly results of `current` (against `prior` when out->has_prior)
 * inside the caller's read transaction. `kept`, when given, receives the
 * sums of the two quarters (kept[0] current, kept[1] prior; the caller
 * frees both). */
static int quarterly_load_in(db_conn *db, const ledger_chart *chart, quarter current,
                             quarter prior, results_report *out, ledger_sums kept[2], err *e)
{
    center_table centers = {0};
    int rc = centers_load(db, &centers, e);
    civil_day closed_as_of = quarter_last_day(current);
    if (rc == 0)
        rc = period_load(db, chart, &centers, current, closed_as_of, &out->current,
                         kept ? &kept[0] : NULL, e);
    if (rc == 0 && out->has_prior)
        rc = period_load(db, chart, &centers, prior, closed_as_of, &out->prior,
                         kept ? &kept[1] : NULL, e);
    if (rc == 0)
        rc = units_load(db, &out->current, e);
    if (rc == 0 && out->has_prior)
        rc = units_load(db, &out->prior, e);
    if (rc == 0) {
        int year, month, day;
        date_to_ymd(quarter_first_day(current), &year, &month, &day);
        civil_day year_end = quarter_first_day((quarter){year, 1}) - 1;
        out->has_year_end = 1;
        rc = position_load(db, chart, year_end, NULL, &out->year_end, e);
    }
    free(centers.items);
    return rc;
}

/* The covenants in force at the quarter's end, judged on its figures. The
 * default chart holds no intangible asset: tangible net worth is equity. */
static int covenants_load_in(db_conn *db, results_report *report, err *e)
{
    const results_position *p = &report->current.position;
    covenant_figures figures = {
        .equity = p->equity,
        .intangibles = 0,
        .current_liabilities = p->current_liabilities,
        .long_term_liabilities = p->long_term_liabilities,
        .quick_assets = p->cash_and_securities + p->net_receivables,
        .net_income = report->current.net_income,
    };
    return covenant_section_load_in(db, report->current.last_day, &figures, &report->covenants,
                                    e);
}

int report_quarterly_load(service_context *ctx, const char *period_text, const char *compare_text,
                          results_report *out, err *e)
{
    memset(out, 0, sizeof *out);
    quarter current, prior;
    if (!period_text || !*period_text)
        return err_set(e, ERR_INVALID, "period", "is required, like 2004Q1");
    if (quarter_parse(period_text, &current, "period", e))
        return -1;
    out->has_prior = !(compare_text && strcmp(compare_text, "none") == 0);
    prior = quarter_year_earlier(current);
    if (out->has_prior && compare_text && *compare_text &&
        quarter_parse(compare_text, &prior, "compare", e))
        return -1;
    if (out->has_prior && quarter_first_day(prior) >= quarter_first_day(current))
        return err_set(e, ERR_INVALID, "compare", "must be a quarter before %s", period_text);
    if (db_begin_read(ctx->db, e))
        return -1;
    ledger_chart chart;
    int rc = ledger_chart_load(ctx->db, &chart, e);
    if (rc == 0) {
        rc = quarterly_load_in(ctx->db, &chart, current, prior, out, NULL, e);
        ledger_chart_free(&chart);
    }
    if (rc == 0)
        rc = covenants_load_in(ctx->db, out, e);
    if (rc == 0)
        rc = company_name(ctx->db, out->company, e);
    db_rollback(ctx->db);
    if (rc)
        results_report_free(out);
    return rc;
}

/* --- quarterly results as JSON, and back ------------------------------------- */

static json_t *percent_of(int64_t part, int64_t whole)
{
    int64_t tenths = 0;
    int ok = results_percent_tenths(part, whole, &tenths);
    return tenths_json(ok, tenths);
}

static json_t *position_json(const results_position *p)
{
    json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:o, s:o}",
                     "date", date_json(p->date), "cash_and_securities",
                     money_json(p->cash_and_securities), "other_current_assets",
                     money_json(p->other_current_assets), "non_current_assets",
                     money_json(p->non_current_assets), "total_assets",
                     money_json(p->total_assets), "current_liabilities",
                     money_json(p->current_liabilities), "long_term_liabilities",
                     money_json(p->long_term_liabilities), "equity", money_json(p->equity),
                     "total_liabilities_and_equity", money_json(p->total_liabilities_and_equity),
                     "working_capital", money_json(p->working_capital), "net_receivables",
                     money_json(p->net_receivables), "quarter_revenue",
                     money_json(p->quarter_revenue), "quarter_days", (json_int_t)p->quarter_days,
                     "dso_days", p->has_dso ? json_integer(p->dso_days) : json_null(), "dso",
                     tenths_json(p->has_dso, p->dso_tenths));
    json_object_set_new(o, "allowance", money_json(p->allowance));
    json_object_set_new(o, "receivables_source",
                        json_string(p->receivables_from_documents ? "billing" : "ledger"));
    return o;
}

static json_t *eps_json(int has, int64_t cents)
{
    return has ? money_json(cents) : json_null();
}

static json_t *period_json(const results_period *p)
{
    char text[LEDGER_PERIOD_TEXT_MAX];
    json_t *ga = json_array(), *centers = json_array();
    for (size_t i = 0; i < p->ga_count; i++)
        json_array_append_new(ga, json_pack("{s:s, s:s, s:o}", "code", p->ga_lines[i].code, "name",
                                            p->ga_lines[i].name, "amount",
                                            money_json(p->ga_lines[i].amount)));
    for (size_t i = 0; i < p->center_count; i++) {
        const results_center *c = &p->centers[i];
        json_array_append_new(
            centers, json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "code", c->code, "name",
                               c->name, "status", c->closed ? "closed" : "ongoing", "revenue",
                               money_json(c->revenue), "cost", money_json(c->cost),
                               "gross_profit", money_json(c->gross_profit),
                               "gross_margin_percent", percent_of(c->gross_profit, c->revenue)));
    }
    json_t *json = json_pack(
        "{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
        "period", quarter_format(p->period, text, sizeof text), "first_day",
        date_json(p->first_day), "last_day", date_json(p->last_day), "revenue",
        money_json(p->revenue), "blood_products_revenue", money_json(p->blood_products_revenue),
        "ongoing_revenue", money_json(p->ongoing_revenue), "closed_revenue",
        money_json(p->closed_revenue), "blood_services_revenue",
        money_json(p->blood_services_revenue), "cost_of_revenue", money_json(p->cost_of_revenue),
        "gross_profit", money_json(p->gross_profit), "blood_products_gross_profit",
        money_json(p->blood_products_gross_profit), "ongoing_gross_profit",
        money_json(p->ongoing_gross_profit), "closed_gross_profit",
        money_json(p->closed_gross_profit), "blood_services_gross_profit",
        money_json(p->blood_services_gross_profit), "gross_margin_percent",
        percent_of(p->gross_profit, p->revenue), "ongoing_gross_margin_percent",
        percent_of(p->ongoing_gross_profit, p->ongoing_revenue), "general_administrative",
        money_json(p->general_administrative));
    json_object_set_new(json, "entries", json_integer(p->entries));
    json_object_set_new(json, "general_administrative_lines", ga);
    json_object_set_new(json, "other_expense", money_json(p->other_expense));
    json_object_set_new(json, "income_before_taxes", money_json(p->income_before_taxes));
    json_object_set_new(json, "income_taxes", money_json(p->income_taxes));
    json_object_set_new(json, "net_income", money_json(p->net_income));
    json_object_set_new(json, "shares_basic",
                        p->has_shares ? json_integer(p->shares_basic) : json_null());
    json_object_set_new(json, "shares_diluted",
                        p->has_shares ? json_integer(p->shares_diluted) : json_null());
    json_object_set_new(json, "eps_basic", eps_json(p->has_shares, p->eps_basic_cents));
    json_object_set_new(json, "eps_diluted", eps_json(p->has_shares, p->eps_diluted_cents));
    json_object_set_new(json, "centers", centers);
    json_object_set_new(json, "position", position_json(&p->position));
    json_object_set_new(json, "units_shipped", json_integer(p->units_shipped));
    json_object_set_new(json, "units_returned_credited", json_integer(p->units_returned_credited));
    json_object_set_new(json, "net_units_sold", json_integer(p->net_units_sold));
    json_object_set_new(json, "apheresis_procedures", json_integer(p->apheresis_procedures));
    json_object_set_new(json, "apheresis_average_price", money_json(p->apheresis_average_price));
    json_t *markets = json_array();
    for (size_t i = 0; i < p->management_market_count; i++)
        json_array_append_new(markets, json_pack("{s:s, s:o}", "market",
                                                 p->management_markets[i].code, "amount",
                                                 money_json(p->management_markets[i].amount)));
    json_object_set_new(json, "management_revenue_by_market", markets);
    json_t *families = json_array();
    for (size_t i = 0; i < p->family_unit_count; i++)
        json_array_append_new(families, json_pack("{s:s, s:I}", "family", p->family_units[i].code,
                                                  "net_units",
                                                  (json_int_t)p->family_units[i].amount));
    json_object_set_new(json, "net_units_sold_by_family", families);
    json_t *procedure_markets = json_array();
    for (size_t i = 0; i < p->apheresis_market_count; i++)
        json_array_append_new(procedure_markets,
                              json_pack("{s:s, s:I}", "market", p->apheresis_markets[i].code,
                                        "procedures",
                                        (json_int_t)p->apheresis_markets[i].amount));
    json_object_set_new(json, "apheresis_procedures_by_market", procedure_markets);
    return json;
}

static json_t *change_json(int64_t current, int64_t prior)
{
    int64_t tenths = 0;
    int ok = results_change_tenths(current, prior, &tenths);
    return json_pack("{s:o, s:o}", "amount", money_json(current - prior), "percent",
                     tenths_json(ok, tenths));
}

/* The report's consistency findings (domain results_check), one text each. */
static json_t *findings_json(const results_report *report)
{
    buffer findings = BUFFER_INIT;
    results_check(report, &findings);
    json_t *list = json_array();
    for (const char *line = buffer_text(&findings); line && *line;) {
        const char *end = strchr(line, '\n');
        size_t length = end ? (size_t)(end - line) : strlen(line);
        if (length)
            json_array_append_new(list, json_stringn(line, length));
        line = end ? end + 1 : line + length;
    }
    buffer_free(&findings);
    return list;
}

json_t *report_quarterly_json(const results_report *report)
{
    const results_period *c = &report->current, *p = &report->prior;
    json_t *json = json_pack("{s:o}", "current", period_json(c));
    json_object_set_new(json, "prior", report->has_prior ? period_json(p) : json_null());
    json_object_set_new(json, "year_end",
                        report->has_year_end ? position_json(&report->year_end) : json_null());
    json_t *changes = json_null();
    if (report->has_prior) {
        changes = json_object();
        const struct {
            const char *key;
            int64_t current, prior;
        } items[] = {
            {"revenue", c->revenue, p->revenue},
            {"blood_products_revenue", c->blood_products_revenue, p->blood_products_revenue},
            {"ongoing_revenue", c->ongoing_revenue, p->ongoing_revenue},
            {"closed_revenue", c->closed_revenue, p->closed_revenue},
            {"blood_services_revenue", c->blood_services_revenue, p->blood_services_revenue},
            {"gross_profit", c->gross_profit, p->gross_profit},
            {"blood_products_gross_profit", c->blood_products_gross_profit,
             p->blood_products_gross_profit},
            {"ongoing_gross_profit", c->ongoing_gross_profit, p->ongoing_gross_profit},
            {"blood_services_gross_profit", c->blood_services_gross_profit,
             p->blood_services_gross_profit},
            {"general_administrative", c->general_administrative, p->general_administrative},
            {"income_before_taxes", c->income_before_taxes, p->income_before_taxes},
            {"net_income", c->net_income, p->net_income},
        };
        for (size_t i = 0; i < sizeof items / sizeof items[0]; i++)
            json_object_set_new(changes, items[i].key, change_json(items[i].current, items[i].prior));
        json_t *ga = json_object();
        for (size_t i = 0; i < c->ga_count; i++) {
            int64_t before = 0;
            for (size_t j = 0; j < p->ga_count; j++)
                if (strcmp(p->ga_lines[j].code, c->ga_lines[i].code) == 0)
                    before = p->ga_lines[j].amount;
            json_object_set_new(ga, c->ga_lines[i].code, change_json(c->ga_lines[i].amount, before));
        }
        json_object_set_new(changes, "general_administrative_lines", ga);
    }
    json_object_set_new(json, "changes", changes);
    json_object_set_new(json, "findings", findings_json(report));
    if (report->covenants.loaded)
        json_object_set_new(json, "covenants", covenant_section_json(&report->covenants));
    return json;
}

/* Reading back: every figure must be present and well formed. */
typedef struct {
    json_t *object;
    const char *where; /* "current", "prior.position"... for error fields */
    err *e;
    int failed;
} json_reader;

static void read_money(json_reader *r, const char *key, int64_t *out)
{
    if (r->failed)
        return;
    char field[96];
    snprintf(field, sizeof field, "%s.%s", r->where, key);
    json_t *value = json_object_get(r->object, key);
    if (json_is_string(value)) {
        if (money_parse(json_string_value(value), out, field, r->e))
            r->failed = 1;
    } else if (json_is_integer(value)) {
        *out = (int64_t)json_integer_value(value) * 100;
    } else {
        err_set(r->e, ERR_INVALID, field, "must be an amount like \"6736000.00\"");
        r->failed = 1;
    }
}

static void read_integer(json_reader *r, const char *key, int64_t *out, int *present)
{
    json_t *value = json_object_get(r->object, key);
    if (r->failed || json_is_null(value) || !value) {
        if (present)
            *present = 0;
        return;
    }
    if (!json_is_integer(value)) {
        char field[96];
        snprintf(field, sizeof field, "%s.%s", r->where, key);
        err_set(r->e, ERR_INVALID, field, "must be a whole number or null");
        r->failed = 1;
        return;
    }
    *out = (int64_t)json_integer_value(value);
}

static void read_date(json_reader *r, const char *key, civil_day *out)
{
    if (r->failed)
        return;
    char field[96];
    snprintf(field, sizeof field, "%s.%s", r->where, key);
    if (date_parse(json_string_value(json_object_get(r->object, key)), out, field, r->e))
        r->failed = 1;
}

static int position_from_json(json_t *json, const char *where, results_position *p, err *e)
{
    memset(p, 0, sizeof *p);
    json_reader r = {json, where, e, 0};
    if (!json_is_object(json))
        return err_set(e, ERR_INVALID, where, "must be an object");
    read_date(&r, "date", &p->date);
    read_money(&r, "cash_and_securities", &p->cash_and_securities);
    read_money(&r, "other_current_assets", &p->other_current_assets);
    read_money(&r, "non_current_assets", &p->non_current_assets);
    read_money(&r, "total_assets", &p->total_assets);
    read_money(&r, "current_liabilities", &p->current_liabilities);
    read_money(&r, "long_term_liabilities", &p->long_term_liabilities);
    read_money(&r, "equity", &p->equity);
    read_money(&r, "total_liabilities_and_equity", &p->total_liabilities_and_equity);
    read_money(&r, "working_capital", &p->working_capital);
    read_money(&r, "net_receivables", &p->net_receivables);
    read_money(&r, "quarter_revenue", &p->quarter_revenue);
    /* Written since billing: absent from older files (then the ledger's). */
    if (json_object_get(json, "allowance"))
        read_money(&r, "allowance", &p->allowance);
    p->receivables_from_documents =
        json_is_string(json_object_get(json, "receivables_source")) &&
        strcmp(json_string_value(json_object_get(json, "receivables_source")), "billing") == 0;
    int64_t days = 0;
    p->has_dso = 1;
    read_integer(&r, "quarter_days", &days, NULL);
    p->quarter_days = (int)days;
    read_integer(&r, "dso_days", &p->dso_days, &p->has_dso);
    if (p->has_dso && !r.failed) {
        const char *dso = json_string_value(json_object_get(json, "dso"));
        p->dso_tenths = dso ? (int64_t)(strtod(dso, NULL) * 10 + (dso[0] == '-' ? -0.5 : 0.5))
                            : p->dso_days * 10;
    }
    return r.failed ? -1 : 0;
}

static int period_from_json(json_t *json, const char *where, results_period *p, err *e)
{
    memset(p, 0, sizeof *p);
    if (!json_is_object(json))
        return err_set(e, ERR_INVALID, where, "must be an object");
    json_reader r = {json, where, e, 0};
    if (quarter_parse(json_string_value(json_object_get(json, "period")), &p->period, "period",
                      e))
        return -1;
    read_date(&r, "first_day", &p->first_day);
    read_date(&r, "last_day", &p->last_day);
    /* The count of entries is optional: a report without it is taken as
     * posted (it has figures to show). */
    json_t *entries = json_object_get(json, "entries");
    p->entries = json_is_integer(entries) ? json_integer_value(entries) : -1;
    const struct {
        const char *key;
        int64_t *value;
    } amounts[] = {
        {"revenue", &p->revenue},
        {"blood_products_revenue", &p->blood_products_revenue},
        {"ongoing_revenue", &p->ongoing_revenue},
        {"closed_revenue", &p->closed_revenue},
        {"blood_services_revenue", &p->blood_services_revenue},
        {"cost_of_revenue", &p->cost_of_revenue},
        {"gross_profit", &p->gross_profit},
        {"blood_products_gross_profit", &p->blood_products_gross_profit},
        {"ongoing_gross_profit", &p->ongoing_gross_profit},
        {"closed_gross_profit", &p->closed_gross_profit},
        {"blood_services_gross_profit", &p->blood_services_gross_profit},
        {"general_administrative", &p->general_administrative},
        {"other_expense", &p->other_expense},
        {"income_before_taxes", &p->income_before_taxes},
        {"income_taxes", &p->income_taxes},
        {"net_income", &p->net_income},
    };
    for (size_t i = 0; i < sizeof amounts / sizeof amounts[0]; i++)
        read_money(&r, amounts[i].key, amounts[i].value);
    /* The units are optional: a report without them sold none. */
    const struct {
        const char *key;
        int64_t *value;
    } units[] = {{"units_shipped", &p->units_shipped},
                 {"units_returned_credited", &p->units_returned_credited},
                 {"net_units_sold", &p->net_units_sold},
                 {"apheresis_procedures", &p->apheresis_procedures}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        json_t *count = json_object_get(json, units[i].key);
        *units[i].value = json_is_integer(count) ? json_integer_value(count) : 0;
    }
    p->apheresis_average_price = 0;
    if (json_object_get(json, "apheresis_average_price"))
        read_money(&r, "apheresis_average_price", &p->apheresis_average_price);
    p->has_shares = 1;
    read_integer(&r, "shares_basic", &p->shares_basic, &p->has_shares);
    read_integer(&r, "shares_diluted", &p->shares_diluted, &p->has_shares);
    if (p->has_shares) {
        read_money(&r, "eps_basic", &p->eps_basic_cents);
        read_money(&r, "eps_diluted", &p->eps_diluted_cents);
    }
    if (r.failed)
        return -1;
    json_t *ga = json_object_get(json, "general_administrative_lines");
    json_t *centers = json_object_get(json, "centers");
    p->ga_count = json_array_size(ga);
    p->center_count = json_array_size(centers);
    p->ga_lines = calloc(p->ga_count ? p->ga_count : 1, sizeof *p->ga_lines);
    p->centers = calloc(p->center_count ? p->center_count : 1, sizeof *p->centers);
    if (!p->ga_lines || !p->centers)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    char inner[64];
    for (size_t i = 0; i < p->ga_count && !r.failed; i++) {
        json_t *line = json_array_get(ga, i);
        snprintf(inner, sizeof inner, "%s.general_administrative_lines[%zu]", where, i);
        json_reader lr = {line, inner, e, 0};
        snprintf(p->ga_lines[i].code, sizeof p->ga_lines[i].code, "%s",
                 json_string_value(json_object_get(line, "code")) ?: "");
        snprintf(p->ga_lines[i].name, sizeof p->ga_lines[i].name, "%s",
                 json_string_value(json_object_get(line, "name")) ?: "");
        read_money(&lr, "amount", &p->ga_lines[i].amount);
        r.failed = lr.failed;
    }
    for (size_t i = 0; i < p->center_count && !r.failed; i++) {
        json_t *row = json_array_get(centers, i);
        results_center *c = &p->centers[i];
        snprintf(inner, sizeof inner, "%s.centers[%zu]", where, i);
        json_reader cr = {row, inner, e, 0};
        snprintf(c->code, sizeof c->code, "%s", json_string_value(json_object_get(row, "code")) ?: "");
        snprintf(c->name, sizeof c->name, "%s", json_string_value(json_object_get(row, "name")) ?: "");
        const char *status = json_string_value(json_object_get(row, "status"));
        c->closed = status && strcmp(status, "closed") == 0;
        read_money(&cr, "revenue", &c->revenue);
        read_money(&cr, "cost", &c->cost);
        read_money(&cr, "gross_profit", &c->gross_profit);
        r.failed = cr.failed;
    }
    /* Optional: a report without them has no management contract revenue
     * by market. */
    json_t *markets = json_object_get(json, "management_revenue_by_market");
    size_t market_count = json_array_size(markets);
    for (size_t i = 0; i < market_count && !r.failed; i++) {
        json_t *row = json_array_get(markets, i);
        snprintf(inner, sizeof inner, "%s.management_revenue_by_market[%zu]", where, i);
        json_reader mr = {row, inner, e, 0};
        int64_t amount = 0;
        const char *market = json_string_value(json_object_get(row, "market"));
        read_money(&mr, "amount", &amount);
        r.failed = mr.failed;
        if (!r.failed && management_market_add(p, market ? market : "", amount))
            return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    }
    /* Optional too: the units by family and the procedures by market. */
    const struct {
        const char *key, *code_key, *count_key;
        results_line **lines;
        size_t *count;
    } counted[] = {
        {"net_units_sold_by_family", "family", "net_units", &p->family_units,
         &p->family_unit_count},
        {"apheresis_procedures_by_market", "market", "procedures", &p->apheresis_markets,
         &p->apheresis_market_count},
    };
    for (size_t k = 0; k < sizeof counted / sizeof counted[0] && !r.failed; k++) {
        json_t *rows = json_object_get(json, counted[k].key), *row;
        size_t i;
        json_array_foreach(rows, i, row) {
            const char *code = json_string_value(json_object_get(row, counted[k].code_key));
            json_t *count = json_object_get(row, counted[k].count_key);
            if (!code || !json_is_integer(count)) {
                snprintf(inner, sizeof inner, "%s.%s[%zu]", where, counted[k].key, i);
                return err_set(e, ERR_INVALID, inner, "needs %s (text) and %s (integer)",
                               counted[k].code_key, counted[k].count_key);
            }
            if (line_add(counted[k].lines, counted[k].count, code, json_integer_value(count)))
                return err_set(e, ERR_INTERNAL, NULL, "out of memory");
        }
    }
    if (r.failed)
        return -1;
    char position_where[64];
    snprintf(position_where, sizeof position_where, "%s.position", where);
    return position_from_json(json_object_get(json, "position"), position_where, &p->position, e);
}

int report_quarterly_from_json(json_t *json, results_report *out, err *e)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(json))
        return err_set(e, ERR_INVALID, "input", "must be a quarterly report in JSON");
    int rc = period_from_json(json_object_get(json, "current"), "current", &out->current, e);
    json_t *prior = json_object_get(json, "prior"), *year_end = json_object_get(json, "year_end");
    out->has_prior = prior && !json_is_null(prior);
    out->has_year_end = year_end && !json_is_null(year_end);
    if (rc == 0 && out->has_prior)
        rc = period_from_json(prior, "prior", &out->prior, e);
    if (rc == 0 && out->has_year_end)
        rc = position_from_json(year_end, "year_end", &out->year_end, e);
    if (rc)
        results_report_free(out);
    return rc;
}

/* --- the dashboard ------------------------------------------------------------ */

/* At most this many quarters in the revenue series, ending with the quarter
 * shown: three years is what a chart on one screen can show. */
#define DASHBOARD_QUARTERS_MAX 12
/* The largest movements listed. */
#define DASHBOARD_MOVEMENTS_MAX 8

static quarter quarter_next(quarter q)
{
    return q.quarter == 4 ? (quarter){q.year + 1, 1} : (quarter){q.year, q.quarter + 1};
}

static int quarter_before(quarter a, quarter b)
{
    return a.year < b.year || (a.year == b.year && a.quarter < b.quarter);
}

/* The first and last month with postings; *found = 0 on an empty ledger.
 * The balances' key starts with the month, so both ends come from the index. */
static int months_on_record(db_conn *db, int32_t *first, int32_t *last, int *found, err *e)
{
    db_stmt *stmt;
    *found = 0;
    if (db_prepare(db, "SELECT MIN(month), MAX(month) FROM ledger_balances", &stmt, e))
        return -1;
    db_step_result step = db_step(stmt, e);
    if (step == DB_ROW && !db_column_is_null(stmt, 0)) {
        *first = (int32_t)db_column_int64(stmt, 0);
        *last = (int32_t)db_column_int64(stmt, 1);
        *found = 1;
    }
    db_reset(stmt);
    return step == DB_FAILED ? -1 : 0;
}

/* One point of the revenue series. */
static void revenue_point(json_t *series, quarter q, int64_t products, int64_t services)
{
    char name[8];
    json_array_append_new(series, json_pack("{s:s, s:o, s:o, s:o}", "period",
                                            quarter_format(q, name, sizeof name), "blood_products",
                                            money_json(products), "blood_services",
                                            money_json(services), "total",
                                            money_json(products + services)));
}

/* Revenue of a quarter before the one shown, by segment, from its sums. */
static int revenue_point_read(db_conn *db, const ledger_chart *chart, quarter q, json_t *series,
                              err *e)
{
    ledger_sums sums = {0};
    if (ledger_sums_between(db, quarter_first_day(q), quarter_last_day(q), &sums, e))
        return -1;
    int64_t products = 0, services = 0;
    for (size_t i = 0; i < sums.count; i++) {
        const ledger_account *account = ledger_chart_find(chart, sums.items[i].account_id);
        if (!account || account->type != ACCOUNT_REVENUE)
            continue;
        *(account->segment_services ? &services : &products) +=
            natural_amount(account, &sums.items[i]);
    }
    ledger_sums_free(&sums);
    revenue_point(series, q, products, services);
    return 0;
}

typedef struct {
    const ledger_account *account;
    int64_t current, prior;
} movement;

static int64_t movement_size(const movement *m)
{
    return llabs(m->current - m->prior);
}

static int compare_movements(const void *a, const void *b)
{
    const movement *x = a, *y = b;
    int64_t dx = movement_size(x), dy = movement_size(y);
    if (dx != dy)
        return dx > dy ? -1 : 1;
    return strcmp(x->account->code, y->account->code);
}

/* Add each income-statement sum to its account's movement (current or prior). */
static void movements_add(const ledger_chart *chart, const ledger_sums *sums, int prior,
                          movement *moves)
{
    for (size_t i = 0; i < sums->count; i++) {
        const ledger_account *account = ledger_chart_find(chart, sums->items[i].account_id);
        if (!account || !is_income_statement(account->type))
            continue;
        movement *m = &moves[account - chart->items];
        *(prior ? &m->prior : &m->current) += natural_amount(account, &sums->items[i]);
    }
}

/* The income-statement accounts that moved most against the same quarter a
 * year earlier, largest first, from the two quarters' sums. */
static int movements_json(const ledger_chart *chart, const ledger_sums sums[2], json_t **out,
                          err *e)
{
    movement *moves = calloc(chart->count ? chart->count : 1, sizeof *moves);
    if (!moves)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    for (size_t i = 0; i < chart->count; i++)
        moves[i].account = &chart->items[i];
    movements_add(chart, &sums[0], 0, moves);
    movements_add(chart, &sums[1], 1, moves);
    qsort(moves, chart->count, sizeof *moves, compare_movements);
    *out = json_array();
    for (size_t i = 0; i < chart->count && i < DASHBOARD_MOVEMENTS_MAX; i++) {
        const movement *m = &moves[i];
        if (movement_size(m) == 0)
            break;
        int64_t tenths = 0;
        int ok = results_change_tenths(m->current, m->prior, &tenths);
        json_array_append_new(
            *out, json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "code", m->account->code,
                            "name", m->account->name, "type", account_type_name(m->account->type),
                            "current", money_json(m->current), "prior", money_json(m->prior),
                            "change", money_json(m->current - m->prior), "percent",
                            tenths_json(ok, tenths)));
    }
    free(moves);
    return 0;
}

/* Which quarter to show: the one asked for, else the latest with postings,
 * else today's. Fills the quarters on record (oldest first). */
static int dashboard_quarter(db_conn *db, const char *quarter_text, quarter *shown,
                             json_t *on_record, quarter *first_on_record, int *found, err *e)
{
    int32_t first_month = 0, last_month = 0;
    if (quarter_text && *quarter_text && quarter_parse(quarter_text, shown, "quarter", e))
        return -1;
    if (months_on_record(db, &first_month, &last_month, found, e))
        return -1;
    if (!*found) {
        if (!(quarter_text && *quarter_text))
            *shown = quarter_of(date_today());
        return 0;
    }
    quarter first = quarter_of(ledger_month_first_day(first_month));
    quarter last = quarter_of(ledger_month_first_day(last_month));
    if (!(quarter_text && *quarter_text))
        *shown = last;
    *first_on_record = first;
    char name[8];
    for (quarter q = first; !quarter_before(last, q); q = quarter_next(q))
        json_array_append_new(on_record, json_string(quarter_format(q, name, sizeof name)));
    return 0;
}

int report_dashboard(service_context *ctx, const char *quarter_text, json_t **out, err *e)
{
    quarter shown = {0}, first = {0};
    int found = 0;
    json_t *on_record = json_array(), *series = json_array(), *movements = NULL;
    ledger_chart chart = {0};
    ledger_sums sums[2] = {{0}}; /* the quarter shown and the year before, by account */
    results_report report;
    memset(&report, 0, sizeof report);
    report.has_prior = 1;
    char name[8];

    /* One snapshot for everything shown, so the cards, the charts and the
     * movements always agree. */
    if (db_begin_read(ctx->db, e)) {
        json_decref(on_record);
        json_decref(series);
        return -1;
    }
    int rc = dashboard_quarter(ctx->db, quarter_text, &shown, on_record, &first, &found, e);
    if (rc == 0)
        rc = ledger_chart_load(ctx->db, &chart, e);
    /* The figures themselves, exactly as the quarterly report gives them;
     * their sums also give the movements and the last point of the series. */
    if (rc == 0)
        rc = quarterly_load_in(ctx->db, &chart, shown, quarter_year_earlier(shown), &report, sums,
                               e);
    if (rc == 0 && found) {
        /* The series ends with the quarter shown and starts no earlier than
         * the first quarter on record. */
        quarter start = shown;
        for (int i = 1; i < DASHBOARD_QUARTERS_MAX; i++) {
            quarter earlier = start.quarter == 1 ? (quarter){start.year - 1, 4}
                                                 : (quarter){start.year, start.quarter - 1};
            if (quarter_before(earlier, first))
                break;
            start = earlier;
        }
        for (quarter q = start; rc == 0 && quarter_before(q, shown); q = quarter_next(q))
            rc = revenue_point_read(ctx->db, &chart, q, series, e);
        if (rc == 0)
            revenue_point(series, shown, report.current.blood_products_revenue,
                          report.current.blood_services_revenue);
    }
    if (rc == 0)
        rc = movements_json(&chart, sums, &movements, e);
    db_rollback(ctx->db);
    ledger_chart_free(&chart);
    ledger_sums_free(&sums[0]);
    ledger_sums_free(&sums[1]);
    if (rc) {
        results_report_free(&report);
        json_decref(on_record);
        json_decref(series);
        json_decref(movements);
        return -1;
    }
    *out = json_pack("{s:s, s:o, s:o, s:o, s:o}", "quarter",
                     quarter_format(shown, name, sizeof name), "quarters_on_record", on_record,
                     "report", report_quarterly_json(&report), "revenue_by_segment", series,
                     "movements", movements);
    results_report_free(&report);
    return 0;
}

/* --- the findings of the latest quarter ---------------------------------------- */

int report_quarter_findings(service_context *ctx, json_t **out, err *e)
{
    if (db_begin_read(ctx->db, e))
        return -1;
    int32_t first_month = 0, last_month = 0;
    int found = 0;
    ledger_chart chart = {0};
    results_report report;
    memset(&report, 0, sizeof report);
    report.has_prior = 1;
    int rc = months_on_record(ctx->db, &first_month, &last_month, &found, e);
    quarter latest = {0};
    if (rc == 0 && found) {
        latest = quarter_of(ledger_month_first_day(last_month));
        rc = ledger_chart_load(ctx->db, &chart, e) ||
                     quarterly_load_in(ctx->db, &chart, latest, quarter_year_earlier(latest),
                                       &report, NULL, e)
                 ? -1
                 : 0;
    }
    db_rollback(ctx->db);
    ledger_chart_free(&chart);
    if (rc == 0) {
        char name[8];
        *out = json_pack("{s:o, s:o}", "quarter",
                         found ? json_string(quarter_format(latest, name, sizeof name))
                               : json_null(),
                         "findings", found ? findings_json(&report) : json_array());
    }
    results_report_free(&report);
    return rc;
}
