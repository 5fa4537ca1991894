/*
 * ledger.h - the rules of the general ledger (docs/reports.md, "The ledger"
 * and "The default chart of accounts"): account types and their attributes,
 * accounting periods, the month key of the balances, and what makes a valid
 * journal entry. Pure functions: no I/O.
 */
#ifndef BLOODOPS_DOMAIN_LEDGER_H
#define BLOODOPS_DOMAIN_LEDGER_H

#include <stddef.h>
#include <stdint.h>
#include "base/date.h"
#include "base/error.h"

enum {
    LEDGER_ACCOUNT_CODE_MAX = 16, /* "4000", "6150-NY" */
    LEDGER_DESCRIPTION_MAX = 200,
    LEDGER_MEMO_MAX = 200,
    LEDGER_LINES_MAX = 1000, /* lines in one entry */
    LEDGER_PERIOD_TEXT_MAX = 12,
};

typedef enum {
    ACCOUNT_ASSET,
    ACCOUNT_CONTRA_ASSET,
    ACCOUNT_LIABILITY,
    ACCOUNT_EQUITY,
    ACCOUNT_REVENUE,
    ACCOUNT_COST_OF_REVENUE,
    ACCOUNT_GENERAL_ADMINISTRATIVE,
    ACCOUNT_OTHER,      /* interest expense, other income */
    ACCOUNT_INCOME_TAX, /* provision for income taxes */
    ACCOUNT_TYPE_COUNT
} account_type;

/* "asset" <-> ACCOUNT_ASSET ... ; -1 when unknown. */
int account_type_from_name(const char *name);
const char *account_type_name(account_type type);
/* Balance-sheet types (asset, contra-asset, liability, equity) carry a term;
 * revenue and cost of revenue carry a segment. */
int account_type_is_balance_sheet(account_type type);
int account_type_has_segment(account_type type);

/* Check the attributes of an account as a whole: code (digits, letters, '-',
 * 1 to 16), type, term ("current"/"non_current", required for assets,
 * contra-assets and liabilities, empty for others), segment
 * ("blood_products"/"blood_services", required for revenue and cost of
 * revenue, empty for others) and report group ("cash"/"receivables", only
 * for current assets). Names the field at fault. */
int ledger_account_check(const char *code, const char *type, const char *term,
                         const char *segment, const char *report_group, err *e);

/* An accounting period: a year ("2004"), a quarter ("2004Q1") or a month
 * ("2004-03"). */
typedef struct {
    civil_day first_day, last_day;
    char text[LEDGER_PERIOD_TEXT_MAX]; /* normalised form */
} ledger_period;
int ledger_period_parse(const char *text, ledger_period *out, const char *field, err *e);

/* The first day of the ledger (0001-01-01): sums "since the beginning". */
civil_day ledger_beginning(void);

/* The month key of the balances: 200403 for any day of March 2004. */
int32_t ledger_month_of(civil_day day);
/* The first day of a month key, and the key of the month after. */
civil_day ledger_month_first_day(int32_t month);
int32_t ledger_month_next(int32_t month);

/* A signed amount in an entry: at most 10^13 cents either way (a hundred
 * billion dollars), not zero. */
int ledger_amount_check(int64_t cents, const char *field, err *e);

#endif
