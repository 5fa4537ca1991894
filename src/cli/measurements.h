/*
 * measurements.h - the procedure and the measurements taken before a
 * donation as command-line options: `donor check` and `collection record`
 * take the same options the same way, those of the table in
 * domain/measurement.h.
 */
#ifndef BLOODOPS_CLI_MEASUREMENTS_H
#define BLOODOPS_CLI_MEASUREMENTS_H

#include "cli/cli.h"
#include "domain/measurement.h"
#include "service/donor.h"

#define CLI_MEASUREMENT_OPTION_(id, name, option, value_name, kind, min, max, label, unit,       \
                                unit_text, help)                                                 \
    , {option, value_name, help}

/* For a command's cli_option list. */
#define CLI_MEASUREMENT_OPTIONS                                                                  \
    {"procedure", "P", "whole_blood, double_red_cells, plateletpheresis or plasmapheresis"}     \
    MEASUREMENT_TABLE(CLI_MEASUREMENT_OPTION_)

/* Read them into `out` (its `on` is left as it is). */
void cli_measurements(const cli_invocation *invocation, eligibility_request *out);

#endif
