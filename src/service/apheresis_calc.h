/*
 * apheresis_calc.h - the apheresis calculators as the command line
 * (`bloodops apheresis calc NAME`) and the API (`GET
 * /api/v1/apheresis/calc/{name}`) run them, and the JSON of a result's
 * figures that both answer and an order's calculations carry
 * (docs/apheresis.md). The calculations themselves are domain/apheresis.c;
 * this reads their inputs as text by field name and writes their figures.
 * No database, no documents.
 */
#ifndef BLOODOPS_SERVICE_APHERESIS_CALC_H
#define BLOODOPS_SERVICE_APHERESIS_CALC_H

#include <jansson.h>
#include "base/error.h"
#include "domain/apheresis.h"

enum { APHERESIS_CALC_FIELDS_MAX = 8 };

/* An input's text by its field name ("height_m"), NULL when not given. */
typedef const char *(*apheresis_calc_value)(void *data, const char *field);

typedef struct {
    const char *name; /* "tbv", "plasma-exchange", ... */
    const char *required[APHERESIS_CALC_FIELDS_MAX]; /* field names, NULL-ended */
    const char *optional[APHERESIS_CALC_FIELDS_MAX];
    int (*calculate)(apheresis_calc_value value, void *data, apheresis_figures *figures,
                     err *e);
} apheresis_calculator;

/* Every input field of any calculator, NULL-ended, in the order help
 * lists them. */
extern const char *const apheresis_calc_fields[];

/* The calculator called `name`, or NULL. */
const apheresis_calculator *apheresis_calculator_find(const char *name);
/* 1 when `calculator` takes the field (required or optional). */
int apheresis_calculator_takes(const apheresis_calculator *calculator, const char *field);

/* Read the inputs through `value`, compute and append the figures;
 * ERR_INVALID naming the field when one is missing, not a number or out of
 * range. */
int apheresis_calc_figures(const apheresis_calculator *calculator, apheresis_calc_value value,
                           void *data, apheresis_figures *figures, err *e);

/* {"calculator": NAME, "inputs": {field: {"value", "unit"} or text, ...},
 * figure: {"value", "unit"} or text, ...}: each rounded to its decimals
 * (whole ones as integers). */
json_t *apheresis_figures_json(const char *name, const apheresis_figures *figures);

/* The calculator `name` on the inputs `value` gives, as that JSON:
 * ERR_NOT_FOUND naming "name" for an unknown calculator, ERR_INVALID
 * naming a field that calculator does not take, or one it needs that is
 * missing, or one refused by the calculation. */
int apheresis_calc_run(const char *name, apheresis_calc_value value, void *data, json_t **out,
                       err *e);

#endif
