/*
 * fuzz_results_import.c - libFuzzer target for the laboratory's results
 * import (service/testing.h: testing_results_import; src/service/
 * testing.c): the line reader, the field checks of every line (DIN, test
 * of the panel, result for the kind of test, date), results never
 * overwritten, and what an accepted file sets off (typing, discards,
 * deferrals, lookback), into an in-memory database (fuzz_import.h) with a
 * donor center LA-01 (FIN W1234) and four whole-blood collections
 * recorded on 2020-01-02 from four donors, whose DINs are the center's
 * first four of this year (W1234 YY 000001 to 000004).
 *
 * The input is the file, where "@DIN1" to "@DIN4" stand for those DINs
 * (so that the seeds stay good from one year to the next). Besides fuzz_import.h's checks of every answer
 * (a refusal lists its problems, each on a line of the file, and changes
 * nothing), an accepted import says it imported one result per data line
 * (not blank, not a '#' comment, after the header), and test_results grows
 * by exactly that. A result is never overwritten, so once the fuzzer has
 * filled a test of a donation, that line is refused from then on.
 * Build and run with `make fuzz` (fuzz/README.md).
 */
#include "fuzz_import.h"
#include "service/collection.h"
#include "service/donor.h"
#include "service/testing.h"

static const char *const tables[] = {"test_results", "test_imports", "units", "deferrals",
                                     "lookback_cases", "donor_blood_groups", "audit_log", NULL};

static char dins[4][16];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    service_context ctx = fuzz_db_context();
    fuzz_import_registry(&ctx);
    static const char *const names[] = {"Garcia", "Nguyen", "Smith", "Okafor"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        err e = {0};
        json_t *out = NULL;
        donor_fields donor = {.family_name = names[i], .given_name = "Maria",
                              .birth_date = "1980-02-11", .sex = "F"};
        fuzz_db_require(donor_register(&ctx, &donor, &out, &e), "donor_register", &e);
        const char *number = json_string_value(json_object_get(out, "donor_number"));
        collection_request c = {
            .donor = number, .center = "LA-01", .collected_at = "2020-01-02T10:00:00Z",
            .volume_ml = "500",
            .eligibility = {.procedure = "whole_blood",
                            .measurements = {[MEASUREMENT_WEIGHT_LB] = "160",
                                             [MEASUREMENT_HEMOGLOBIN] = "14.0",
                                             [MEASUREMENT_HEMATOCRIT] = "42",
                                             [MEASUREMENT_TEMPERATURE] = "36.8",
                                             [MEASUREMENT_SYSTOLIC] = "120",
                                             [MEASUREMENT_DIASTOLIC] = "80",
                                             [MEASUREMENT_PULSE] = "70"}}};
        json_t *collection = NULL;
        fuzz_db_require(collection_record(&ctx, &c, &collection, &e), "collection_record", &e);
        snprintf(dins[i], sizeof dins[i], "%s",
                 json_string_value(json_object_get(collection, "din")));
        json_decref(collection);
        json_decref(out);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384)
        return 0;
    /* "@DINn" becomes the DIN. */
    uint8_t *input = malloc(size * 3 + 1);
    size_t used = 0;
    for (size_t i = 0; i < size; i++) {
        if (i + 5 <= size && memcmp(data + i, "@DIN", 4) == 0 && data[i + 4] >= '1' &&
            data[i + 4] <= '4') {
            size_t n = strlen(dins[data[i + 4] - '1']);
            memcpy(input + used, dins[data[i + 4] - '1'], n);
            used += n;
            i += 4;
        } else {
            input[used++] = data[i];
        }
    }
    data = input;
    size = used;
    service_context ctx = fuzz_db_context();
    import_counts before = fuzz_import_count(tables);
    FILE *file = fuzz_import_file(data, size);
    json_t *out = NULL;
    err e = {0};
    int rc = testing_results_import(&ctx, file, "fuzz.csv", &out, &e);
    fclose(file);
    if (fuzz_import_check(data, size, rc, out, &e, tables, &before, TESTING_IMPORT_ERRORS_MAX)) {
        long lines = fuzz_import_data_lines(data, size);
        import_counts after = fuzz_import_count(tables);
        json_int_t imported = json_integer_value(json_object_get(out, "imported"));
        import_require(imported == lines, "an accepted file of another number of results");
        import_require(after.rows[0] - before.rows[0] == imported,
                       "test_results grew by another number");
    }
    json_decref(out);
    free(input);
    return 0;
}
