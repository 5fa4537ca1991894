/*
 * demo_finance.c - the finance part of the demo company (demo.h): what the
 * books need beyond the operations.
 *
 *   setup        the receivables brought forward from 2002 (invoices of
 *                November and December 2002, issued), the allowance they
 *                require, the opening balances of the other accounts, the
 *                aging rates, the line of credit and its covenants, the
 *                weighted shares of each quarter;
 *   each day     customers pay the invoices that have come due for them
 *                (one remittance per customer and day, applied invoice by
 *                invoice); a few invoices of the hospitals the closed
 *                centers served stay unpaid;
 *   month end    every draft the operations opened is issued; payroll,
 *                insurance (prepaid, renewed on 2003-07-01), depreciation
 *                and other G&A, interest and the tax provision are posted
 *                as manual entries; payables and accrued expenses are paid;
 *   quarter end  write-offs of the closed centers' old invoices and the
 *                allowance adjustment that lands the bad-debt provision on
 *                the plan; early payments that land net receivables on the
 *                published figure (DSO 57, 42 and 47); at 2003-12-31 and
 *                2004-03-31 the balance sheet's published positions through
 *                capital expenditure, prepaid insurance, the current
 *                portion of long-term obligations, the line of credit and
 *                the payment of accrued expenses; on 2004-03-29 the line's
 *                extension and the notes it moves to long-term.
 */
#include <stdlib.h>
#include <string.h>
#include "demo/demo.h"
#include "base/money.h"
#include "service/allowance.h"
#include "service/billing.h"
#include "service/covenant.h"
#include "service/ledger.h"

enum { STREAM_FINANCE = 3, CODE_MAX = 32, NUMBER_MAX = 24 };

/* Percent of each aging bucket the allowance holds, in hundredths of a
 * percent: current, 1-30, 31-60, 61-90, 91-120, over 120 days past due. */
static const char *const aging_rates[AGING_BUCKET_COUNT] = {"0.25", "0.50", "2.00",
                                                            "5.00", "15.00", "40.00"};
static const int64_t aging_rate_bp[AGING_BUCKET_COUNT] = {25, 50, 200, 500, 1500, 4000};

/* The markets whose donor centers the restructuring plan closed: some of
 * their hospitals' invoices are never paid. */
static const char *const closed_markets[] = {"PA", "NC", "TN", "IL"};

typedef struct {
    char number[NUMBER_MAX], customer[CODE_MAX];
    civil_day date, due, pay_on;
    int64_t open;
    int disputed; /* never paid: written off in the end */
} issued_invoice;

typedef struct {
    char code[CODE_MAX], market[CODE_MAX];
} known_customer;

struct demo_finance {
    demo_rng rng;
    issued_invoice *invoices;
    size_t count, capacity;
    size_t first_open; /* every invoice before it is settled */
    known_customer *customers;
    size_t customer_count, customer_capacity;
    int64_t payments; /* payment references */
};

/* ---- small helpers ---- */

static int64_t cents_of(json_t *object, const char *key)
{
    int64_t cents = 0;
    json_t *value = json_object_get(object, key);
    if (json_is_string(value))
        money_parse(json_string_value(value), &cents, key, NULL);
    else if (json_is_integer(value))
        cents = json_integer_value(value);
    return cents;
}

static void money_text(int64_t cents, char *out, size_t size)
{
    money_format(cents, MONEY_PLAIN, out, size);
}

static const char *day_text(civil_day day, char out[DATE_TEXT_MAX])
{
    return date_format(day, out, DATE_TEXT_MAX);
}

static int is_month_end(civil_day day)
{
    int year, month, dom;
    date_to_ymd(day, &year, &month, &dom);
    return dom == date_days_in_month(year, month);
}

/* ---- customers and their markets ---- */

static const char *customer_market(demo_run *run, const char *code, err *e)
{
    demo_finance *f = run->finance;
    for (size_t i = 0; i < f->customer_count; i++)
        if (strcmp(f->customers[i].code, code) == 0)
            return f->customers[i].market;
    json_t *customer = NULL;
    if (customer_get(&run->ctx, code, &customer, e))
        return NULL;
    if (f->customer_count == f->customer_capacity) {
        f->customer_capacity = f->customer_capacity ? f->customer_capacity * 2 : 64;
        f->customers = realloc(f->customers, f->customer_capacity * sizeof *f->customers);
    }
    known_customer *known = &f->customers[f->customer_count++];
    snprintf(known->code, sizeof known->code, "%s", code);
    const char *market = json_string_value(json_object_get(customer, "market"));
    snprintf(known->market, sizeof known->market, "%s", market ? market : "");
    json_decref(customer);
    return known->market;
}

static int in_closed_market(const char *market)
{
    for (size_t i = 0; i < sizeof closed_markets / sizeof closed_markets[0]; i++)
        if (strcmp(market, closed_markets[i]) == 0)
            return 1;
    return 0;
}

/* ---- issuing ---- */

/* Days a customer takes to pay an invoice of `day`: about two months in
 * early 2003, six weeks by its end (the collection effort the release
 * credits for the lower DSO), a little longer in 2004. */
static int payment_lag(demo_run *run, civil_day day)
{
    quarter q = quarter_of(day);
    int base = q.year <= 2002 ? 62 : q.year == 2003 && q.quarter == 1 ? 62
               : q.year == 2003 && q.quarter == 2                   ? 55
               : q.year == 2003                                      ? 44
                                                                     : 48;
    return base + (int)demo_rng_between(&run->finance->rng, -9, 9);
}

static int remember_issued(demo_run *run, json_t *invoice, err *e)
{
    demo_finance *f = run->finance;
    const char *customer = json_string_value(json_object_get(invoice, "customer"));
    const char *market = customer_market(run, customer ? customer : "", e);
    if (!market)
        return -1;
    if (f->count == f->capacity) {
        f->capacity = f->capacity ? f->capacity * 2 : 1024;
        f->invoices = realloc(f->invoices, f->capacity * sizeof *f->invoices);
    }
    issued_invoice *i = &f->invoices[f->count++];
    memset(i, 0, sizeof *i);
    snprintf(i->number, sizeof i->number, "%s",
             json_string_value(json_object_get(invoice, "number")));
    snprintf(i->customer, sizeof i->customer, "%s", customer);
    date_parse(json_string_value(json_object_get(invoice, "date")), &i->date, "date", NULL);
    date_parse(json_string_value(json_object_get(invoice, "due_date")), &i->due, "due", NULL);
    i->open = cents_of(invoice, "total");
    i->pay_on = date_add_days(i->date, payment_lag(run, i->date));
    i->disputed = in_closed_market(market) && demo_rng_chance(&f->rng, 200000);
    return 0;
}

static int issue(demo_run *run, const char *invoice_id, err *e)
{
    json_t *issued = NULL;
    if (invoice_issue(&run->ctx, invoice_id, &issued, e))
        return demo_fail(e, "finance", "issuing an invoice");
    demo_events(run, 1);
    int rc = remember_issued(run, issued, e);
    json_decref(issued);
    return rc;
}

/* Issue every draft the operations opened (each is dated the day of its
 * event and posts on that day). */
static int issue_drafts(demo_run *run, err *e)
{
    for (;;) {
        invoice_filter filter = {.status = "draft", .page = {.limit = SERVICE_PAGE_MAX}};
        json_t *page = NULL;
        if (invoice_list(&run->ctx, &filter, &page, e))
            return demo_fail(e, "finance", "listing the drafts");
        json_t *items = json_object_get(page, "items");
        size_t count = json_array_size(items);
        for (size_t k = 0; k < count; k++) {
            char id[24];
            snprintf(id, sizeof id, "%lld",
                     (long long)json_integer_value(json_object_get(json_array_get(items, k), "id")));
            if (issue(run, id, e)) {
                json_decref(page);
                return -1;
            }
        }
        json_decref(page);
        if (count == 0)
            return 0;
    }
}

/* ---- payments ---- */

/* What is open on `invoice` now, read back: a return's credit memo lowers
 * it without this part knowing. */
static int refresh_open(demo_run *run, issued_invoice *invoice, err *e)
{
    json_t *now = NULL;
    if (invoice_get(&run->ctx, invoice->number, &now, e))
        return demo_fail(e, "finance", "reading an invoice");
    invoice->open = cents_of(now, "open");
    json_decref(now);
    return 0;
}

static int record_payment(demo_run *run, const char *customer, civil_day day,
                          issued_invoice **which, const int64_t *amounts, size_t count, err *e);

/* One remittance of `customer` on `day` paying `amounts[k]` on invoices
 * `which[k]` (each at most what is open on it). Refused because a credit
 * memo lowered an invoice meanwhile, it is made again for what is open. */
static int pay(demo_run *run, const char *customer, civil_day day, issued_invoice **which,
               const int64_t *amounts, size_t count, err *e)
{
    if (record_payment(run, customer, day, which, amounts, count, e) == 0)
        return 0;
    if (e->code != ERR_CONFLICT && e->code != ERR_INVALID)
        return -1;
    int64_t *fitted = calloc(count, sizeof *fitted);
    issued_invoice **still = calloc(count, sizeof *still);
    size_t kept = 0;
    int rc = 0;
    for (size_t k = 0; k < count && rc == 0; k++) {
        rc = refresh_open(run, which[k], e);
        if (rc == 0 && which[k]->open > 0) {
            still[kept] = which[k];
            fitted[kept++] = amounts[k] < which[k]->open ? amounts[k] : which[k]->open;
        }
    }
    if (rc == 0 && kept > 0)
        rc = record_payment(run, customer, day, still, fitted, kept, e);
    free(fitted);
    free(still);
    return rc;
}

static int record_payment(demo_run *run, const char *customer, civil_day day,
                          issued_invoice **which, const int64_t *amounts, size_t count, err *e)
{
    payment_application_input *applications = calloc(count, sizeof *applications);
    char (*texts)[32] = calloc(count, sizeof *texts);
    int64_t total = 0;
    for (size_t k = 0; k < count; k++) {
        money_text(amounts[k], texts[k], sizeof texts[k]);
        applications[k] = (payment_application_input){which[k]->number, texts[k]};
        total += amounts[k];
    }
    char amount[32], date[DATE_TEXT_MAX], reference[32];
    money_text(total, amount, sizeof amount);
    snprintf(reference, sizeof reference, "REMIT-%06lld", (long long)++run->finance->payments);
    payment_input in = {.customer = customer, .date = day_text(day, date), .amount = amount,
                        .method = "check", .reference = reference, .applications = applications,
                        .application_count = count};
    json_t *out = NULL;
    int rc = payment_record(&run->ctx, &in, &out, e);
    json_decref(out);
    free(applications);
    free(texts);
    if (rc)
        return demo_fail(e, "finance", "recording a payment");
    demo_events(run, 1);
    for (size_t k = 0; k < count; k++)
        which[k]->open -= amounts[k];
    return 0;
}

/* Pay, customer by customer, the invoices chosen by `due` (whole open
 * amounts), at most INVOICE_LINES_MAX in one remittance. */
static int pay_due_invoices(demo_run *run, civil_day day, err *e)
{
    demo_finance *f = run->finance;
    while (f->first_open < f->count && f->invoices[f->first_open].open == 0)
        f->first_open++;
    enum { BATCH = 200 };
    issued_invoice *which[BATCH];
    int64_t amounts[BATCH];
    for (size_t i = f->first_open; i < f->count; i++) {
        issued_invoice *lead = &f->invoices[i];
        if (lead->open == 0 || lead->disputed || lead->pay_on > day)
            continue;
        /* This customer's remittance: every invoice of theirs due by now. */
        size_t count = 0;
        for (size_t j = i; j < f->count && count < BATCH; j++) {
            issued_invoice *other = &f->invoices[j];
            if (other->open > 0 && !other->disputed && other->pay_on <= day &&
                strcmp(other->customer, lead->customer) == 0) {
                which[count] = other;
                amounts[count++] = other->open;
            }
        }
        if (pay(run, lead->customer, day, which, amounts, count, e))
            return -1;
    }
    return 0;
}

/* Net receivables now: receivables and unbilled receivables less the
 * allowance. */
static int net_receivables(demo_run *run, civil_day day, int64_t *net, err *e)
{
    int64_t receivables, unbilled, allowance;
    if (billing_account_balance_at(run->ctx.db, "1100", day, &receivables, e) ||
        billing_account_balance_at(run->ctx.db, "1150", day, &unbilled, e) ||
        billing_account_balance_at(run->ctx.db, "1190", day, &allowance, e))
        return -1;
    *net = receivables + unbilled + allowance; /* the allowance is a credit balance */
    return 0;
}

/* Customers pay early, oldest due first, until net receivables come down
 * to `target` (a partial payment on the last invoice). */
static int pay_down_to(demo_run *run, civil_day day, int64_t target, err *e)
{
    demo_finance *f = run->finance;
    int64_t net;
    if (net_receivables(run, day, &net, e))
        return -1;
    int64_t excess = net - target;
    while (excess > 0) {
        issued_invoice *next = NULL;
        for (size_t i = f->first_open; i < f->count; i++) {
            issued_invoice *candidate = &f->invoices[i];
            if (candidate->open > 0 && !candidate->disputed && candidate->date <= day &&
                (!next || candidate->pay_on < next->pay_on))
                next = candidate;
        }
        if (!next)
            break;
        int64_t amount = next->open < excess ? next->open : excess;
        if (pay(run, next->customer, day, &next, &amount, 1, e))
            return -1;
        excess -= amount;
    }
    return 0;
}

/* ---- the allowance ---- */

static int allowance_adjustment(demo_run *run, civil_day day, int post, int64_t *adjustment,
                                err *e)
{
    char date[DATE_TEXT_MAX];
    json_t *out = NULL;
    if (receivables_allowance(&run->ctx, day_text(day, date), post,
                              post ? "quarter-end allowance from the aging" : NULL, &out, e))
        return demo_fail(e, "finance", "the allowance");
    if (post)
        demo_events(run, 1);
    *adjustment = cents_of(out, "adjustment");
    json_decref(out);
    return 0;
}

static int64_t rate_of(const issued_invoice *invoice, civil_day day)
{
    int past_due = date_days_between(invoice->due, day);
    int bucket = past_due <= 0 ? 0 : past_due <= 30 ? 1 : past_due <= 60 ? 2
                 : past_due <= 90 ? 3 : past_due <= 120 ? 4 : 5;
    return aging_rate_bp[bucket];
}

/* The oldest disputed invoice still open, or NULL. */
static issued_invoice *oldest_disputed(demo_finance *f, civil_day day)
{
    for (size_t i = f->first_open; i < f->count; i++)
        if (f->invoices[i].disputed && f->invoices[i].open > 0 && f->invoices[i].date <= day)
            return &f->invoices[i];
    return NULL;
}

/* Write off the closed centers' old invoices (a settlement pays part of
 * the last one) so that the allowance the aging then requires calls for an
 * adjustment of `provision`, and post it. */
static int provide_for_bad_debts(demo_run *run, civil_day day, int64_t provision, err *e)
{
    demo_finance *f = run->finance;
    char date[DATE_TEXT_MAX];
    int64_t adjustment;
    if (allowance_adjustment(run, day, 0, &adjustment, e))
        return -1;
    issued_invoice *old;
    while (adjustment < provision && (old = oldest_disputed(f, day)) != NULL) {
        /* Writing off w of an invoice whose open amount is O in a bucket
         * of rate r after paying O - w of it raises the adjustment by
         * w - r O: the whole of it when that does not overshoot. */
        int64_t r_open = old->open * rate_of(old, day) / 10000;
        int64_t written = provision - adjustment + r_open;
        if (written < old->open) {
            int64_t settled = old->open - written;
            if (pay(run, old->customer, day, &old, &settled, 1, e))
                return -1;
        }
        json_t *out = NULL;
        if (receivables_write_off(&run->ctx, old->number, day_text(day, date),
                                  "customer of a closed donor center: not collectible", &out, e))
            return demo_fail(e, "finance", "a write-off");
        json_decref(out);
        demo_events(run, 1);
        old->open = 0;
        if (allowance_adjustment(run, day, 0, &adjustment, e))
            return -1;
    }
    /* The aging requires more than the plan provides: customers settle
     * the invoices of the dearest buckets first. */
    while (adjustment > provision) {
        issued_invoice *dearest = NULL;
        for (size_t i = f->first_open; i < f->count; i++) {
            issued_invoice *candidate = &f->invoices[i];
            if (candidate->open > 0 && candidate->date <= day &&
                (!dearest || rate_of(candidate, day) > rate_of(dearest, day)))
                dearest = candidate;
        }
        if (!dearest)
            break;
        int64_t rate = rate_of(dearest, day);
        int64_t amount = ((adjustment - provision) * 10000 + rate - 1) / rate;
        if (amount > dearest->open)
            amount = dearest->open;
        if (pay(run, dearest->customer, day, &dearest, &amount, 1, e) ||
            allowance_adjustment(run, day, 0, &adjustment, e))
            return -1;
    }
    return adjustment > 0 ? allowance_adjustment(run, day, 1, &adjustment, e) : 0;
}

/* ---- manual entries ---- */

/* A third of the quarter's plan for `account`, the quarter's last month
 * taking what the first two left. */
static int64_t month_share(demo_run *run, const char *account, civil_day day)
{
    quarter q = quarter_of(day);
    int64_t quarter_total = demo_target(run, account, "", q);
    int year, month, dom;
    date_to_ymd(day, &year, &month, &dom);
    int64_t third = quarter_total / 3;
    return (month - 1) % 3 == 2 ? quarter_total - 2 * third : third;
}

/* Depreciation of property and equipment, a month, within other G&A. */
static int64_t depreciation(demo_run *run) { return 4000000LL * run->scale; }

/* The month's payroll, insurance, depreciation, interest and tax; other
 * G&A too, except at a quarter's end (quarter_other_expenses). */
static int month_end_entries(demo_run *run, civil_day day, int quarter_end, err *e)
{
    int64_t other = month_share(run, "6900", day) - depreciation(run);
    if (demo_entry(run, day, "Salaries and benefits", "6000", "2100", "",
                   month_share(run, "6000", day), e) ||
        demo_entry(run, day, "Insurance premiums (prepaid, amortised)", "6200", "1300", "",
                   month_share(run, "6200", day), e) ||
        demo_entry(run, day, "Depreciation of property and equipment", "6900", "1500", "",
                   depreciation(run), e) ||
        (!quarter_end && other > 0 &&
         demo_entry(run, day, "Rent, utilities and other administrative expenses", "6900", "2100",
                    "", other, e)) ||
        demo_entry(run, day, "Interest on the line of credit and notes", "7000", "1000", "",
                   month_share(run, "7000", day), e))
        return demo_fail(e, "finance", "month-end entries");
    demo_events(run, 5);
    int64_t tax = month_share(run, "8000", day);
    if (tax > 0 && demo_entry(run, day, "Provision for income taxes", "8000", "2100", "", tax, e))
        return demo_fail(e, "finance", "the tax provision");
    return 0;
}

/* The accounts of the income statement before taxes: revenue, cost of
 * revenue, G&A, interest and other income. */
static const char *const income_accounts[] = {"4000", "4100", "4200", "4300", "5000", "5100",
                                              "6000", "6100", "6200", "6900", "7000", "7100"};

/* The quarter's last other-G&A entry: the plan's rest of the quarter's
 * other G&A, and whatever the operations' figures left off the plan
 * (a few hundred dollars of revenue at most), so that the quarter's income
 * before taxes is the plan's to the cent. */
static int quarter_other_expenses(demo_run *run, quarter q, err *e)
{
    civil_day first = quarter_first_day(q), last = quarter_last_day(q);
    int64_t planned = 0, posted = 0;
    for (size_t a = 0; a < sizeof income_accounts / sizeof income_accounts[0]; a++) {
        int64_t amount;
        if (demo_posted(run, income_accounts[a], NULL, first, last, &amount, e))
            return -1;
        int revenue = income_accounts[a][0] == '4' || strcmp(income_accounts[a], "7100") == 0;
        int64_t plan = demo_target_total(run, income_accounts[a], q);
        posted += amount;                 /* debits less credits: expense positive */
        planned += revenue ? -plan : plan; /* the plan's revenue as a credit */
    }
    int64_t rest = planned - posted;
    if (rest <= 0) {
        err_set(e, ERR_CONFLICT, NULL,
                "the operations' income before taxes misses the plan's by %lld cents, more "
                "than the other G&A left to post",
                (long long)-rest);
        return demo_fail(e, "finance", "the quarter's other G&A has nothing left to post");
    }
    return demo_entry(run, last, "Rent, utilities and other administrative expenses", "6900",
                      "2100", "", rest, e)
               ? demo_fail(e, "finance", "other G&A")
               : 0;
}

/* Pay suppliers and accrued expenses down to the level a month's running
 * leaves unpaid. */
static int pay_bills(demo_run *run, civil_day day, err *e)
{
    static const struct {
        const char *account, *description;
        int64_t keep_dollars;
    } bills[] = {{"2000", "Suppliers and laboratories paid", 1500000},
                 {"2100", "Payroll, rent and accrued expenses paid", 1100000}};
    for (size_t b = 0; b < sizeof bills / sizeof bills[0]; b++) {
        int64_t balance;
        if (billing_account_balance_at(run->ctx.db, bills[b].account, day, &balance, e))
            return -1;
        int64_t owed = -balance, keep = bills[b].keep_dollars * 100 * run->scale;
        if (owed > keep && demo_entry(run, day, bills[b].description, bills[b].account, "1000",
                                      "", owed - keep, e))
            return demo_fail(e, "finance", "paying bills");
    }
    return 0;
}

/* The balance of `account` at `day`, debit positive. */
static int balance(demo_run *run, const char *account, civil_day day, int64_t *out, err *e)
{
    return billing_account_balance_at(run->ctx.db, account, day, out, e);
}

/* Move `account` (debit positive) to `target` with an entry against
 * `other`: what lands a balance-sheet line on the published figure. */
static int move_to(demo_run *run, civil_day day, const char *description, const char *account,
                   const char *other, int64_t target, err *e)
{
    int64_t now;
    if (balance(run, account, day, &now, e))
        return -1;
    int64_t change = target - now;
    if (change == 0)
        return 0;
    int rc = change > 0 ? demo_entry(run, day, description, account, other, "", change, e)
                        : demo_entry(run, day, description, other, account, "", -change, e);
    return rc ? demo_fail(e, "finance", description) : 0;
}

/* The published positions at a year's or the first quarter's end, in
 * dollars at scale 1: cash and marketable securities, non-current assets,
 * long-term liabilities and (0: left as it comes) prepaid expenses. */
typedef struct {
    int year, month;
    int64_t cash, non_current, long_term, other_current;
} published_position;

static const published_position positions[] = {
    {2003, 12, 935000, 3222000, 990000, 0},
    {2004, 3, 911000, 3180000, 1286000, 4323000},
};

static int land_balance_sheet(demo_run *run, civil_day day, const published_position *p, err *e)
{
    int64_t k = 100LL * run->scale;
    int64_t securities;
    if (balance(run, "1010", day, &securities, e))
        return -1;
    /* Non-current: the other non-current assets stay; property and
     * equipment bought (capital expenditure) or sold lands the total. */
    int64_t other_non_current;
    if (balance(run, "1600", day, &other_non_current, e) ||
        move_to(run, day, "Capital expenditure: donor center and laboratory equipment", "1500",
                "1000", p->non_current * k - other_non_current, e))
        return -1;
    /* Long-term: the current portion of other long-term obligations. */
    int64_t notes;
    if (balance(run, "2500", day, &notes, e) ||
        move_to(run, day, "Current portion of long-term obligations", "2600", "2200",
                -(p->long_term * k) - notes, e))
        return -1;
    /* Other current assets: prepaid insurance and deposits. */
    if (p->other_current) {
        int64_t net, inventory;
        if (net_receivables(run, day, &net, e) || balance(run, "1200", day, &inventory, e) ||
            move_to(run, day, "Prepaid insurance and deposits", "1300", "1000",
                    p->other_current * k - net - inventory, e))
            return -1;
    }
    /* Cash: more paid on accrued expenses, or drawn on the line. */
    int64_t cash;
    if (balance(run, "1000", day, &cash, e))
        return -1;
    int64_t excess = cash + securities - p->cash * k;
    if (excess > 0 && demo_entry(run, day, "Accrued expenses paid", "2100", "1000", "", excess, e))
        return demo_fail(e, "finance", "paying accrued expenses");
    if (excess < 0 &&
        demo_entry(run, day, "Drawn on the line of credit", "1000", "2200", "", -excess, e))
        return demo_fail(e, "finance", "drawing on the line");
    demo_events(run, 4);
    return 0;
}

/* Keep at least a working balance in cash at other quarter ends. */
static int keep_cash(demo_run *run, civil_day day, err *e)
{
    int64_t cash;
    if (balance(run, "1000", day, &cash, e))
        return -1;
    int64_t floor = 300000LL * 100 * run->scale;
    if (cash < floor &&
        demo_entry(run, day, "Drawn on the line of credit", "1000", "2200", "", floor - cash, e))
        return demo_fail(e, "finance", "drawing on the line");
    return 0;
}

/* ---- setup ---- */

typedef struct {
    const char *period;
    const char *basic, *diluted;
} weighted_shares;

static const weighted_shares shares[] = {
    {"2003Q1", "7751000", "7834000"}, {"2003Q2", "7752000", "7810000"},
    {"2003Q3", "7753000", "7795000"}, {"2003Q4", "7754000", "7880000"},
    {"2004Q1", "7756000", "7947000"},
};

static int set_line_and_covenants(demo_run *run, err *e)
{
    json_t *out = NULL;
    char limit[32];
    money_text(2500000LL * 100 * run->scale, limit, sizeof limit);
    credit_line_input line = {.lender = "Comerica Bank", .limit = limit, .from = "2002-06-30",
                              .to = "2004-06-30"};
    if (credit_line_set(&run->ctx, &line, &out, e))
        return demo_fail(e, "finance", "the line of credit");
    json_decref(out);
    char worth[32];
    money_text(3000000LL * 100 * run->scale, worth, sizeof worth);
    const covenant_input covenants[] = {
        {"min_tangible_net_worth", worth, "2003-01-01"},
        {"max_liabilities_to_net_worth", "1.75", "2003-01-01"},
        {"min_quick_ratio", "1.00", "2003-01-01"},
        {"min_quarterly_net_income", "0.00", "2004-01-01"},
    };
    for (size_t c = 0; c < sizeof covenants / sizeof covenants[0]; c++) {
        if (covenant_add(&run->ctx, &covenants[c], &out, e))
            return demo_fail(e, "finance", "a covenant");
        json_decref(out);
    }
    for (size_t s = 0; s < sizeof shares / sizeof shares[0]; s++) {
        if (shares_set(&run->ctx, shares[s].period, shares[s].basic, shares[s].diluted, &out, e))
            return demo_fail(e, "finance", "the weighted shares");
        json_decref(out);
    }
    demo_events(run, 1 + (int64_t)(sizeof covenants / sizeof covenants[0]) +
                         (int64_t)(sizeof shares / sizeof shares[0]));
    return 0;
}

/* The receivables brought forward: invoices of November and December 2002,
 * about four million dollars over every customer, issued then. */
static int receivables_brought_forward(demo_run *run, err *e)
{
    customer_filter filter = {.page = {.limit = SERVICE_PAGE_MAX}};
    json_t *page = NULL;
    if (customer_list(&run->ctx, &filter, &page, e))
        return demo_fail(e, "finance", "listing the customers");
    json_t *items = json_object_get(page, "items");
    size_t count = json_array_size(items);
    if (count == 0) {
        json_decref(page);
        return 0;
    }
    int64_t total = 4400000LL * 100 * run->scale, each = total / (int64_t)count / 4;
    civil_day start;
    date_from_ymd(2002, 11, 1, &start, NULL, NULL);
    int rc = 0;
    for (size_t c = 0; c < count && rc == 0; c++) {
        json_t *customer = json_array_get(items, c);
        const char *code = json_string_value(json_object_get(customer, "code"));
        const char *kind = json_string_value(json_object_get(customer, "kind"));
        for (int n = 0; n < 4 && rc == 0; n++) {
            civil_day day = date_add_days(start, n * 15 + (int)demo_rng_below(&run->finance->rng, 14));
            demo_clock(run, day, 17, 0);
            char date[DATE_TEXT_MAX], price[32], id[24];
            int64_t amount = each + demo_rng_between(&run->finance->rng, -each / 5, each / 5);
            money_text(amount, price, sizeof price);
            json_t *draft = NULL;
            if ((rc = invoice_create(&run->ctx, code, day_text(day, date), NULL, &draft, e)))
                break;
            snprintf(id, sizeof id, "%lld",
                     (long long)json_integer_value(json_object_get(draft, "id")));
            json_decref(draft);
            invoice_line_input line = {
                .description = "Products and services of 2002, brought forward",
                .quantity = "1", .price = price,
                .account = kind && strcmp(kind, "hospital") == 0 ? "4000" : "4200", .center = ""};
            json_t *added = NULL;
            rc = invoice_line_add(&run->ctx, id, &line, &added, e) || issue(run, id, e);
            json_decref(added);
        }
    }
    json_decref(page);
    return rc ? demo_fail(e, "finance", "the receivables brought forward") : 0;
}

/* The other balances at the end of 2002; cash takes what makes the
 * shareholders' equity of the end of 2002 4,233,000. */
static int opening_balances(demo_run *run, civil_day day, err *e)
{
    static const struct {
        const char *account;
        int64_t dollars;
    } fixed[] = {{"1010", 100000},    {"1300", 300000},    {"1500", 3300000},
                 {"1600", 300000},    {"2000", -1700000},  {"2100", -1200000},
                 {"2200", -1300000},  {"2500", -700000},   {"2600", -300000},
                 {"3000", -15000000}};
    enum { FIXED = sizeof fixed / sizeof fixed[0] };
    int64_t k = 100LL * run->scale;
    /* Equity so far: what the receivables brought forward earned, less the
     * allowance they required (2002's results). */
    int64_t earned = 0;
    static const char *const results[] = {"4000", "4200", "6100"};
    for (size_t r = 0; r < 3; r++) {
        int64_t posted;
        if (demo_posted(run, results[r], NULL, 0, day, &posted, e))
            return -1;
        earned += posted;
    }
    /* Equity (credit, negative) = common stock + retained earnings +
     * 2002's results: retained earnings make it -4,233,000. */
    int64_t retained = -4233000 * k - fixed[FIXED - 1].dollars * k - earned;
    char texts[FIXED + 2][32];
    journal_line_input lines[FIXED + 2];
    int64_t sum = retained;
    for (size_t i = 0; i < FIXED; i++) {
        money_text(fixed[i].dollars * k, texts[i], sizeof texts[i]);
        lines[i] = (journal_line_input){fixed[i].account, "", texts[i], "Opening balance"};
        sum += fixed[i].dollars * k;
    }
    money_text(retained, texts[FIXED], sizeof texts[FIXED]);
    lines[FIXED] = (journal_line_input){"3100", "", texts[FIXED], "Opening balance"};
    money_text(-sum, texts[FIXED + 1], sizeof texts[FIXED + 1]);
    lines[FIXED + 1] = (journal_line_input){"1000", "", texts[FIXED + 1], "Opening balance"};
    char date[DATE_TEXT_MAX];
    journal_entry_input entry = {.date = day_text(day, date),
                                 .description = "Opening balances brought forward from 2002",
                                 .lines = lines, .line_count = FIXED + 2};
    json_t *out = NULL;
    int rc = journal_post(&run->ctx, &entry, &out, e);
    json_decref(out);
    demo_events(run, 1);
    return rc ? demo_fail(e, "finance", "the opening balances") : 0;
}

int demo_finance_setup(demo_run *run, err *e)
{
    demo_finance *f = calloc(1, sizeof *f);
    run->finance = f;
    demo_rng_seed(&f->rng, run->seed, STREAM_FINANCE);
    json_t *out = NULL;
    if (receivables_rates_set(&run->ctx, aging_rates, &out, e))
        return demo_fail(e, "finance", "the aging rates");
    json_decref(out);
    civil_day year_end = run->today; /* 2002-12-31 */
    int64_t adjustment;
    if (receivables_brought_forward(run, e))
        return -1;
    demo_clock(run, year_end, 22, 0);
    if (allowance_adjustment(run, year_end, 0, &adjustment, e) ||
        (adjustment > 0 && allowance_adjustment(run, year_end, 1, &adjustment, e)) ||
        opening_balances(run, year_end, e) || set_line_and_covenants(run, e))
        return -1;
    return 0;
}

/* The insurance renewed on 2003-07-01: a year's premiums, dearer than the
 * year before, paid in advance into prepaid expenses, which the monthly
 * entries amortise. */
static int insurance_renewal(demo_run *run, civil_day day, err *e)
{
    civil_day renewal;
    date_from_ymd(2003, 7, 1, &renewal, NULL, NULL);
    if (day != renewal)
        return 0;
    /* The policy year 2003Q3 to 2004Q2: the plan's quarters, and 2004Q2
     * as dear as 2004Q1. */
    quarter q3 = {2003, 3}, q4 = {2003, 4}, q1 = {2004, 1};
    int64_t premium = demo_target(run, "6200", "", q3) + demo_target(run, "6200", "", q4) +
                      2 * demo_target(run, "6200", "", q1);
    if (demo_entry(run, day, "Insurance renewed: a year's premiums paid in advance", "1300",
                   "1000", "", premium, e))
        return demo_fail(e, "finance", "the insurance renewal");
    demo_events(run, 1);
    return 0;
}

int demo_finance_day(demo_run *run, err *e)
{
    civil_day day = run->today;
    demo_clock(run, day, 23, 0);
    if (pay_due_invoices(run, day, e) || insurance_renewal(run, day, e))
        return -1;
    /* A quarter's last month ends in demo_finance_quarter_end, after the
     * other parts' quarter ends. */
    if (!is_month_end(day) || day == quarter_last_day(quarter_of(day)))
        return 0;
    return issue_drafts(run, e) || month_end_entries(run, day, 0, e) || pay_bills(run, day, e)
               ? -1
               : 0;
}

/* Net receivables the release publishes (DSO 57, 42, 47), at scale 1. */
static int64_t published_net_receivables(quarter q)
{
    if (q.year == 2003 && q.quarter == 1)
        return 4389000;
    if (q.year == 2003 && q.quarter == 4)
        return 3128000;
    if (q.year == 2004 && q.quarter == 1)
        return 3442000;
    return 0;
}

int demo_finance_quarter_end(demo_run *run, quarter q, err *e)
{
    civil_day day = run->today;
    demo_clock(run, day, 23, 30);
    if (issue_drafts(run, e) || provide_for_bad_debts(run, day, demo_target(run, "6100", "", q), e) ||
        month_end_entries(run, day, 1, e) || quarter_other_expenses(run, q, e) ||
        pay_bills(run, day, e))
        return -1;
    int64_t published = published_net_receivables(q);
    if (published && pay_down_to(run, day, published * 100 * run->scale, e))
        return -1;
    if (q.year == 2004 && q.quarter == 1) {
        /* The bank extends the line a year on 2004-03-29: the notes it
         * covers are long-term again. */
        json_t *out = NULL;
        credit_extension_input extension = {.to = "2005-06-30", .agreed = "2004-03-29",
                                            .note = "extended one year; covenants unchanged"};
        if (credit_line_extend(&run->ctx, &extension, &out, e))
            return demo_fail(e, "finance", "extending the line");
        json_decref(out);
        if (demo_entry(run, day, "Notes payable reclassified to long-term (line extended)",
                       "2200", "2500", "", 30000000LL * run->scale, e))
            return demo_fail(e, "finance", "reclassifying the notes");
    }
    for (size_t p = 0; p < sizeof positions / sizeof positions[0]; p++)
        if (positions[p].year == q.year && positions[p].month == q.quarter * 3)
            return land_balance_sheet(run, day, &positions[p], e);
    return keep_cash(run, day, e);
}

void demo_finance_free(demo_run *run)
{
    if (!run->finance)
        return;
    free(run->finance->invoices);
    free(run->finance->customers);
    free(run->finance);
    run->finance = NULL;
}
