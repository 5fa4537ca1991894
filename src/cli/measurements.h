/*
 * measurements.h - the procedure and the measurements taken before a donation
 * (docs/donors.md, "Rules and defaults") as command-line options: `donor
 * check` and `collection record` take the same options the same way.
 */
#ifndef BLOODOPS_CLI_MEASUREMENTS_H
#define BLOODOPS_CLI_MEASUREMENTS_H

#include "cli/cli.h"
#include "service/donor.h"

/* For a command's cli_option list. */
#define CLI_MEASUREMENT_OPTIONS                                                                  \
    {"procedure", "P", "whole_blood, double_red_cells, plateletpheresis or plasmapheresis"},     \
        {"weight-lb", "LB", "weight in whole pounds"},                                           \
        {"height-in", "IN", "height in whole inches (double red cells)"},                        \
        {"hemoglobin", "G/DL", "hemoglobin in g/dL, e.g. 13.4"},                                 \
        {"hematocrit", "PCT", "hematocrit in whole percent (instead of or with hemoglobin)"},    \
        {"temperature", "C", "temperature in degrees Celsius, e.g. 36.8"},                       \
        {"systolic", "MMHG", "systolic blood pressure"},                                         \
        {"diastolic", "MMHG", "diastolic blood pressure"},                                       \
        {"pulse", "BPM", "pulse, beats per minute"},                                             \
        {"platelet-count", "K/UL", "platelet count in thousands per uL (plateletpheresis)"},     \
        {"parental-consent", NULL, "a parent consents (16-year-olds)"}

/* Read them into `out` (its `on` is left as it is). */
void cli_measurements(const cli_invocation *invocation, eligibility_request *out);

#endif
