/*
 * reference.c - the reference data of the blood-products chain as JSON,
 * built from the domain's tables (see reference.h).
 */
#include "domain/apheresis.h"
#include "domain/blood_unit.h"
#include "domain/catalog.h"
#include "domain/donor.h"
#include "domain/eligibility.h"
#include "domain/measurement.h"
#include "domain/processing.h"
#include "service/reference.h"

static json_t *procedures_json(void)
{
    json_t *procedures = json_array();
    for (int p = 0; p < PROCEDURE_COUNT; p++) {
        json_t *yields = json_array();
        for (int f = 0; f < CATALOG_FAMILY_COUNT; f++) {
            int min, max;
            processing_family_limits((donation_procedure)p, (catalog_family)f, &min, &max);
            if (max > 0)
                json_array_append_new(yields, json_pack("{s:s, s:i, s:i}", "family",
                                                        catalog_family_name((catalog_family)f),
                                                        "min", min, "max", max));
        }
        json_array_append_new(
            procedures, json_pack("{s:s, s:s, s:o}", "code",
                                  eligibility_procedure_name((donation_procedure)p), "label",
                                  eligibility_procedure_label((donation_procedure)p), "yields",
                                  yields));
    }
    return procedures;
}

static json_t *families_json(void)
{
    json_t *families = json_array();
    for (int f = 0; f < CATALOG_FAMILY_COUNT; f++)
        json_array_append_new(families,
                              json_pack("{s:s, s:s}", "code", catalog_family_name((catalog_family)f),
                                        "label", catalog_family_label((catalog_family)f)));
    return families;
}

static json_t *unit_statuses_json(void)
{
    json_t *statuses = json_array();
    for (int s = 0; s < UNIT_STATUS_COUNT; s++)
        json_array_append_new(
            statuses,
            json_pack("{s:s, s:s, s:b, s:b}", "code", blood_unit_status_name((blood_unit_status)s),
                      "label", blood_unit_status_label((blood_unit_status)s), "in_inventory",
                      blood_unit_status_in_inventory((blood_unit_status)s), "final",
                      blood_unit_status_final((blood_unit_status)s)));
    return statuses;
}

static json_t *reactions_json(void)
{
    json_t *reactions = json_array();
    for (const donor_reaction *r = donor_reactions; r->code; r++)
        json_array_append_new(reactions, json_pack("{s:s, s:s}", "code", r->code, "label", r->label));
    return reactions;
}

/* A limit of field `f` as a client reads it: tenths as a number with its
 * decimal, none for yes/no. */
static json_t *limit_json(const measurement_field *f, long value)
{
    if (f->kind == MEASUREMENT_YES_NO)
        return json_null();
    if (f->kind == MEASUREMENT_TENTHS)
        return json_real((double)value / 10.0);
    return json_integer(value);
}

static json_t *measurements_json(void)
{
    json_t *measurements = json_array();
    for (int i = 0; i < MEASUREMENT_COUNT; i++) {
        const measurement_field *f = &measurement_fields[i];
        json_array_append_new(
            measurements,
            json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:i, s:s}", "name", f->name, "label",
                      f->label, "unit", f->unit, "kind", measurement_kind_name(f->kind), "min",
                      limit_json(f, f->min), "max", limit_json(f, f->max), "decimals",
                      measurement_decimals(f->kind), "help", f->help));
    }
    return measurements;
}

/* Therapeutic apheresis: the procedure types, ASFA categories and grades
 * and the anticoagulants an order takes, as the order form offers them. */
static json_t *apheresis_json(void)
{
    json_t *procedures = json_array(), *categories = json_array(), *grades = json_array(),
           *anticoagulants = json_array();
    for (int p = 0; p < APHERESIS_PROCEDURE_COUNT; p++)
        json_array_append_new(procedures,
                              json_pack("{s:s, s:s}", "code",
                                        apheresis_procedure_name((apheresis_procedure)p),
                                        "label",
                                        apheresis_procedure_label((apheresis_procedure)p)));
    for (int c = 0; c < APHERESIS_ASFA_CATEGORY_COUNT; c++)
        json_array_append_new(categories, json_string(apheresis_asfa_categories[c]));
    for (int g = 0; g < APHERESIS_ASFA_GRADE_COUNT; g++)
        json_array_append_new(grades, json_string(apheresis_asfa_grades[g]));
    for (int a = 0; a < APHERESIS_ANTICOAGULANT_COUNT; a++)
        json_array_append_new(anticoagulants,
                              json_pack("{s:s, s:s}", "code", apheresis_anticoagulants[a].name,
                                        "label", apheresis_anticoagulants[a].label));
    return json_pack("{s:o, s:o, s:o, s:o}", "procedures", procedures, "asfa_categories",
                     categories, "asfa_grades", grades, "anticoagulants", anticoagulants);
}

int reference_get(json_t **out, err *e)
{
    *out = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "procedures", procedures_json(),
                     "families", families_json(), "unit_statuses", unit_statuses_json(),
                     "reactions", reactions_json(), "measurements", measurements_json(),
                     "apheresis", apheresis_json());
    if (!*out)
        return err_set(e, ERR_INTERNAL, NULL, "out of memory");
    return 0;
}
