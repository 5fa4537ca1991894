/*
 * fuzz_date.c - libFuzzer target for dates, quarters, timestamps
 * (base/date.h) and accounting periods (domain/ledger.h:
 * ledger_period_parse).
 *
 * The input is read as text (up to its first NUL) by every parser, and its
 * first 8 bytes as a number for the formatters. What must hold:
 *   - date_parse, quarter_parse, timestamp_parse and ledger_period_parse
 *     accept a text only if it formats back to exactly that text (a
 *     quarter's 'q' written 'Q'), and a refusal is ERR_INVALID naming the
 *     field, with a message;
 *   - a date agrees with date_to_ymd/date_from_ymd, and lies in its
 *     quarter; a period's first day is not after its last, both lie in the
 *     year it names, and its normalised text parses to the same days;
 *   - any day of years 1 to 9999 formats to a date that parses back to the
 *     same day, and any timestamp of those years likewise; outside them
 *     timestamp_format writes "".
 * Build and run with `make fuzz` (fuzz/README.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/date.h"
#include "domain/ledger.h"

static void require(int condition, const char *what)
{
    if (!condition) {
        fprintf(stderr, "fuzz_date: %s\n", what);
        abort();
    }
}

static void refused(const err *e, const char *field)
{
    require(e->code == ERR_INVALID && strcmp(e->field, field) == 0 && e->message[0],
            "a refusal does not name the field");
}

static civil_day first_day, last_day; /* 0001-01-01, 9999-12-31 */

static void check_day(civil_day day)
{
    char text[DATE_TEXT_MAX];
    date_format(day, text, sizeof text);
    civil_day back = 0;
    err e = {0};
    require(date_parse(text, &back, "date", &e) == 0 && back == day,
            "a formatted date does not parse back to its day");
    int year, month, d;
    date_to_ymd(day, &year, &month, &d);
    require(date_from_ymd(year, month, d, &back, "date", &e) == 0 && back == day,
            "date_to_ymd and date_from_ymd disagree");
    quarter q = quarter_of(day);
    require(quarter_first_day(q) <= day && day <= quarter_last_day(q), "a day outside its quarter");
    require(date_day_of_year(day) >= 1 && date_day_of_year(day) <= 366, "day of year out of range");
}

static void check_timestamp(int64_t seconds)
{
    char text[TIMESTAMP_TEXT_MAX];
    timestamp_format(seconds, text, sizeof text);
    int64_t back = 0;
    err e = {0};
    int64_t lowest = (int64_t)first_day * 86400, highest = (int64_t)last_day * 86400 + 86399;
    if (seconds < lowest || seconds > highest) {
        require(text[0] == '\0', "a timestamp outside years 1-9999 is written");
        return;
    }
    require(strlen(text) == TIMESTAMP_TEXT_MAX - 1, "a timestamp of the wrong length");
    require(timestamp_parse(text, &back, "at", &e) == 0 && back == seconds,
            "a formatted timestamp does not parse back");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!first_day) {
        date_from_ymd(1, 1, 1, &first_day, NULL, NULL);
        date_from_ymd(9999, 12, 31, &last_day, NULL, NULL);
    }
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    err e = {0};

    civil_day day;
    if (date_parse(text, &day, "date", &e) == 0) {
        char again[DATE_TEXT_MAX];
        require(strcmp(date_format(day, again, sizeof again), text) == 0,
                "a date does not format back to its text");
        check_day(day);
    } else {
        refused(&e, "date");
    }

    quarter q;
    if (quarter_parse(text, &q, "quarter", &e) == 0) {
        char again[8];
        quarter_format(q, again, sizeof again);
        require(strlen(text) == 6 && strncmp(again, text, 4) == 0 && again[4] == 'Q' &&
                    again[5] == text[5],
                "a quarter does not format back to its text");
        require(quarter_first_day(q) <= quarter_last_day(q) && quarter_days(q) >= 90 &&
                    quarter_days(q) <= 92,
                "a quarter of the wrong length");
        require(quarter_of(quarter_first_day(q)).year == q.year &&
                    quarter_of(quarter_last_day(q)).quarter == q.quarter,
                "a quarter's days are in another quarter");
    } else {
        refused(&e, "quarter");
    }

    int64_t seconds;
    if (timestamp_parse(text, &seconds, "at", &e) == 0) {
        char again[TIMESTAMP_TEXT_MAX];
        require(strcmp(timestamp_format(seconds, again, sizeof again), text) == 0,
                "a timestamp does not format back to its text");
    } else {
        refused(&e, "at");
    }

    ledger_period period;
    if (ledger_period_parse(text, &period, "period", &e) == 0) {
        require(period.first_day <= period.last_day, "a period ends before it begins");
        int y1, m1, d1, y2, m2, d2;
        date_to_ymd(period.first_day, &y1, &m1, &d1);
        date_to_ymd(period.last_day, &y2, &m2, &d2);
        require(y1 == y2 && d1 == 1 && atoi(text) == y1, "a period outside the year it names");
        if (period.last_day < last_day) {
            date_to_ymd(period.last_day + 1, &y2, &m2, &d2);
            require(d2 == 1, "a period does not end on a month's last day");
        }
        char upper[LEDGER_PERIOD_TEXT_MAX];
        snprintf(upper, sizeof upper, "%s", text);
        if (strlen(upper) == 6 && upper[4] == 'q')
            upper[4] = 'Q';
        require(strcmp(period.text, upper) == 0, "a period's normal form is not its text");
        ledger_period again;
        require(ledger_period_parse(period.text, &again, "period", &e) == 0 &&
                    again.first_day == period.first_day && again.last_day == period.last_day,
                "a period's normal form parses to other days");
    } else {
        refused(&e, "period");
    }

    /* The first bytes as a number: a day and a timestamp. */
    int64_t number = 0;
    memcpy(&number, data, size < sizeof number ? size : sizeof number);
    civil_day span = last_day - first_day + 1;
    check_day(first_day + (civil_day)((uint64_t)number % (uint64_t)span));
    check_timestamp(number);
    check_timestamp(number % ((int64_t)span * 86400)); /* most land in range */
    free(text);
    return 0;
}
