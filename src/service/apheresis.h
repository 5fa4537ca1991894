/*
 * apheresis.h - therapeutic apheresis patients and physicians' orders
 * (docs/apheresis.md): patients at a hospital, each read of a patient's
 * or an order's record audited; orders for a course of one procedure type
 * with their indication, course and prescription, answered with the
 * calculations worked from the patient's sex, height and weight and the
 * prescription (domain/apheresis.h), each figure with its inputs and unit.
 * The one writer of apheresis_patients and apheresis_orders.
 *
 * Scope: an apheresis nurse limited to their markets (service.h,
 * SERVICE_MARKET_SCOPE) sees and changes only the patients of those
 * markets' hospitals and their orders; another patient or order is not
 * there (ERR_NOT_FOUND), and naming another market's hospital for a new
 * patient is ERR_FORBIDDEN naming "hospital".
 */
#ifndef BLOODOPS_SERVICE_APHERESIS_H
#define BLOODOPS_SERVICE_APHERESIS_H

#include "service/service.h"

/* A patient's fields as text; NULL: not given (an edit keeps the value). */
typedef struct {
    const char *hospital;    /* a hospital's code; not editable */
    const char *mrn;         /* the medical record number at that hospital */
    const char *family_name, *given_name;
    const char *birth_date;  /* YYYY-MM-DD, not after the hospital's today */
    const char *sex;         /* male, female */
    const char *height_m;    /* 0.3 to 2.5 */
    const char *weight_kg;   /* 0.5 to 350 */
} apheresis_patient_input;

/* A new patient (every field required). ERR_CONFLICT naming "mrn" when
 * the hospital has a patient with that number already. */
int apheresis_patient_create(service_context *ctx, const apheresis_patient_input *in,
                             json_t **out, err *e);
/* Change the fields given of patient `patient` (its id). */
int apheresis_patient_edit(service_context *ctx, const char *patient,
                           const apheresis_patient_input *in, json_t **out, err *e);
/* A patient's record with their orders; the read is audited ("read"). */
int apheresis_patient_get(service_context *ctx, const char *patient, json_t **out, err *e);

typedef struct {
    const char *hospital; /* one hospital's patients (a code), or NULL */
    const char *q;        /* a piece of the MRN or of a name, or NULL */
    service_page page;    /* sort by id, name, mrn, hospital, birth_date */
} apheresis_patient_filter;
/* Patients by name and MRN (no clinical data: not audited). */
int apheresis_patient_list(service_context *ctx, apheresis_patient_filter *filter, json_t **out,
                           err *e);

/* A physician's order's fields as text; NULL or "": not given. */
typedef struct {
    const char *patient;       /* the patient's id */
    const char *physician;     /* the ordering physician's name */
    const char *procedure_type; /* plasma_exchange, red_cell_exchange, ... */
    const char *indication;
    const char *asfa_category; /* I..IV */
    const char *asfa_grade;    /* 1A..2C */
    const char *procedures;    /* how many in the course, 1 to 60 */
    const char *frequency;     /* "daily", "every 2 days", "3 per week" */
    /* The prescription. */
    const char *hct;           /* the patient's hematocrit at ordering */
    const char *volumes, *albumin_fraction;                          /* plasma exchange */
    const char *replacement_hct, *remaining, *target_hct, *unit_ml; /* red cell exchange */
    const char *anticoagulant, *ratio, *inlet_ml_min;
} apheresis_order_input;

/* A new active order, refused (naming the field) when its calculations
 * refuse the patient's data or the prescription. Answers the order with
 * its calculations. */
int apheresis_order_create(service_context *ctx, const apheresis_order_input *in, json_t **out,
                           err *e);
/* An order with its calculations; the read is audited ("read"). */
int apheresis_order_get(service_context *ctx, const char *order, json_t **out, err *e);
/* Cancel an active order, with its reason (required). */
int apheresis_order_cancel(service_context *ctx, const char *order, const char *reason,
                           json_t **out, err *e);

typedef struct {
    const char *patient; /* one patient's orders (an id), or NULL */
    const char *status;  /* active, completed, cancelled, or NULL */
    service_page page;   /* sort by id, patient, procedure_type, status, created_at */
} apheresis_order_filter;
/* Orders without their calculations (not audited: no clinical figures). */
int apheresis_order_list(service_context *ctx, apheresis_order_filter *filter, json_t **out,
                         err *e);

#endif
