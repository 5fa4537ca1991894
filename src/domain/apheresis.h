/*
 * apheresis.h - the clinical calculations of therapeutic apheresis, as pure
 * functions (no I/O, no database): total blood volume (Nadler's formula, or
 * by weight under 35 kg), plasma volume, the exchange volume for a number of
 * plasma volumes and the fraction of a substance left after it, the
 * replacement fluids as 5% albumin vials and plasma units, the red cell
 * exchange volume at constant hematocrit and its units of red cells, the
 * anticoagulant flow for an inlet rate and a ratio, and the volume an
 * adsorptive course processes.
 *
 * Each calculation checks its inputs against the ranges below and refuses
 * one out of range with ERR_INVALID naming its field ("height_m",
 * "hct", ...). Its result is a struct holding the inputs it was given beside
 * every figure, in doubles: nothing is rounded here but the counts (vials,
 * units), which are rounded up. apheresis_*_figures() list a result's inputs
 * and figures, each with its key, label, unit and the decimals it is shown
 * with, so the command line, the API and the pages of an order or a
 * procedure all show the same figures with the inputs they came from.
 * docs/apheresis.md states the formulas, ranges and rounding.
 */
#ifndef BLOODOPS_DOMAIN_APHERESIS_H
#define BLOODOPS_DOMAIN_APHERESIS_H

#include <stddef.h>
#include "base/error.h"

/* The accepted ranges (inclusive unless the name says otherwise). */
#define APHERESIS_HEIGHT_M_MIN 0.3
#define APHERESIS_HEIGHT_M_MAX 2.5
#define APHERESIS_WEIGHT_KG_MIN 0.5
#define APHERESIS_WEIGHT_KG_MAX 350.0
/* Below this weight the blood volume is taken by weight; at it, Nadler. */
#define APHERESIS_NADLER_MIN_KG 35.0
#define APHERESIS_ML_PER_KG_MALE 70.0
#define APHERESIS_ML_PER_KG_FEMALE 65.0
/* A total blood volume given directly: what the calculation above can
 * give, 0.5 kg x 65 mL/kg up to Nadler at 2.5 m and 350 kg (17.6 L). */
#define APHERESIS_TBV_L_MIN 0.03
#define APHERESIS_TBV_L_MAX 20.0
/* Plasma volumes to exchange: more than 0, at most 3. */
#define APHERESIS_VOLUMES_MAX 3.0
/* Hematocrits and the fraction remaining lie strictly between 0 and 1. */
/* Replacement fluids. */
#define APHERESIS_ALBUMIN_VIAL_ML 250.0
#define APHERESIS_ALBUMIN_VIAL_G 12.5
#define APHERESIS_PLASMA_UNIT_ML 250.0
/* Red cells: the volume of one unit of replacement cells. */
#define APHERESIS_RED_CELL_UNIT_ML_DEFAULT 275.0
#define APHERESIS_RED_CELL_UNIT_ML_MIN 100.0
#define APHERESIS_RED_CELL_UNIT_ML_MAX 500.0
/* Anticoagulant: the inlet rate in mL/min (more than 0, at most this) and
 * the N of an AC:inlet ratio 1:N. */
#define APHERESIS_INLET_ML_MIN_MAX 200.0
#define APHERESIS_RATIO_MIN 2.0
#define APHERESIS_RATIO_MAX 50.0
/* Adsorptive apheresis: each session runs at this flow for this long;
 * courses are of 5 or 10 weekly sessions. */
#define APHERESIS_ADSORPTIVE_ML_MIN 30.0
#define APHERESIS_ADSORPTIVE_MINUTES 60.0

typedef enum { APHERESIS_MALE, APHERESIS_FEMALE } apheresis_sex;

typedef enum {
    APHERESIS_TBV_NADLER, /* 35 kg and more */
    APHERESIS_TBV_WEIGHT  /* under 35 kg: 70 mL/kg men, 65 mL/kg women */
} apheresis_tbv_method;

/* --- Inputs as text ------------------------------------------------------ */

/* A number as a person writes it: digits, optionally a '-' before them and
 * a '.' and more digits after them ("1.80", "-5", "0.45"). Refused, naming
 * `field`: nothing, spaces, "+1", ".5", "1.", "1e3", "0x10", "inf", "nan",
 * anything after the number. The sign is read so that a negative value is
 * refused by the calculation's range, which says what it must be. */
int apheresis_number_parse(const char *text, const char *field, double *out, err *e);

/* "male", "female" (also "m", "f", any case); refused naming `field`. */
int apheresis_sex_parse(const char *text, const char *field, apheresis_sex *out, err *e);
const char *apheresis_sex_name(apheresis_sex sex); /* "male", "female" */
/* "nadler", "weight" */
const char *apheresis_tbv_method_name(apheresis_tbv_method method);

/* --- Total blood volume -------------------------------------------------- */

typedef struct {
    apheresis_sex sex; /* inputs */
    double height_m, weight_kg;
    apheresis_tbv_method method;
    double ml_per_kg; /* by weight: 70 or 65; Nadler: 0 */
    double tbv_l;
} apheresis_tbv;

/* Fields: sex, height_m (0.3 to 2.5 m), weight_kg (0.5 to 350 kg). The
 * height is checked by both methods, though only Nadler uses it. */
int apheresis_tbv_compute(apheresis_sex sex, double height_m, double weight_kg,
                          apheresis_tbv *out, err *e);

/* --- Plasma exchange ----------------------------------------------------- */

/* The fraction of an intravascular substance left after exchanging
 * `exchanged_l` against a plasma volume `plasma_volume_l`: e^(-V/PV).
 * Fields: exchanged_l (0 or more), plasma_volume_l (more than 0). */
int apheresis_fraction_remaining(double exchanged_l, double plasma_volume_l, double *out,
                                 err *e);

/* An exchange volume replaced by 5% albumin and plasma. */
typedef struct {
    double exchange_ml;                      /* input */
    double albumin_fraction;                 /* input, 0 to 1 */
    double plasma_fraction;                  /* 1 - albumin_fraction */
    double albumin_ml, plasma_ml;            /* the parts of exchange_ml */
    long albumin_vials;                      /* albumin_ml / 250 mL, rounded up */
    double albumin_g;                        /* vials x 12.5 g */
    long plasma_units;                       /* plasma_ml / 250 mL, rounded up */
} apheresis_replacement;

/* Fields: exchange_ml (0 or more), albumin_fraction (0 to 1). A volume
 * within a millionth of a mL of a multiple of 250 mL counts as that
 * multiple, so that 1000 mL worked out in doubles as 1000.0000000001 is 4
 * vials, not 5. */
int apheresis_replacement_compute(double exchange_ml, double albumin_fraction,
                                  apheresis_replacement *out, err *e);

typedef struct {
    apheresis_tbv tbv;        /* the blood volume and its inputs */
    double hct, volumes;      /* inputs */
    double plasma_volume_l;   /* TBV x (1 - hct) */
    double exchange_l;        /* volumes x plasma volume */
    double remaining;         /* e^(-exchange / plasma volume) = e^(-volumes) */
    apheresis_replacement replacement;
} apheresis_plasma_exchange;

/* Fields: hct (strictly between 0 and 1), volumes (more than 0, at most 3),
 * albumin_fraction (0 to 1; 1 replaces all with albumin). `tbv` comes from
 * apheresis_tbv_compute. */
int apheresis_plasma_exchange_compute(const apheresis_tbv *tbv, double hct, double volumes,
                                      double albumin_fraction, apheresis_plasma_exchange *out,
                                      err *e);

/* --- Red cell exchange --------------------------------------------------- */

typedef struct {
    double tbv_l, hct, replacement_hct, remaining, unit_ml; /* inputs */
    double exchange_l; /* TBV x (hct / replacement_hct) x ln(1 / remaining) */
    long units;        /* exchange / unit_ml, rounded up */
} apheresis_red_cell_exchange;

/* Fields: tbv_l (0.03 to 20 L), hct and replacement_hct and remaining
 * (strictly between 0 and 1), unit_ml (100 to 500 mL; 0 takes 275). */
int apheresis_red_cell_exchange_compute(double tbv_l, double hct, double replacement_hct,
                                        double remaining, double unit_ml,
                                        apheresis_red_cell_exchange *out, err *e);

/* --- Anticoagulant ------------------------------------------------------- */

/* A ratio 1:N is 1 part of anticoagulant in N parts of what enters the
 * device (the inlet: whole blood with the anticoagulant in it), as the
 * devices count it. */
typedef struct {
    double inlet_ml_min, ratio; /* inputs: the inlet rate, the N of 1:N */
    double ac_ml_min;           /* inlet / N */
    double ac_ml_h;             /* the same per hour */
    double blood_ml_min;        /* the patient's blood in the inlet: inlet - AC */
} apheresis_anticoagulant;

/* Fields: inlet_ml_min (more than 0, at most 200), ratio (2 to 50). */
int apheresis_anticoagulant_compute(double inlet_ml_min, double ratio,
                                    apheresis_anticoagulant *out, err *e);

/* --- Adsorptive apheresis ------------------------------------------------ */

typedef struct {
    long sessions;            /* input: 5 or 10, one a week */
    double flow_ml_min;       /* 30 */
    double minutes;           /* 60 per session */
    double per_session_l;     /* 1.8 */
    double total_l;           /* sessions x 1.8 */
} apheresis_adsorptive;

/* Field: sessions (5 or 10). */
int apheresis_adsorptive_compute(long sessions, apheresis_adsorptive *out, err *e);

/* --- Figures ------------------------------------------------------------- */

/* One input or figure of a result, for showing. */
typedef struct {
    const char *key;   /* the JSON key: "tbv", "plasma_volume"; an input's is
                        * the field that names it when refused: "height_m" */
    const char *label; /* "total blood volume" */
    const char *unit;  /* "L", "mL", "fraction", "vials"; NULL for a text */
    const char *text;  /* a text (sex, method) instead of a number, else NULL */
    double value;
    int decimals;      /* shown rounded to these; -1 as given (inputs) */
    int input;         /* 1: an input of the calculation */
} apheresis_figure;

enum { APHERESIS_FIGURES_MAX = 32 };

typedef struct {
    apheresis_figure items[APHERESIS_FIGURES_MAX];
    size_t count;
} apheresis_figures;

/* Each appends a result's inputs, then its figures, to `out` (not
 * cleared first). Inputs are shown as given, litres with 2 decimals, mL
 * and counts whole, flows (mL/min) and grams with 1 decimal, fractions
 * with 4. */
void apheresis_tbv_figures(const apheresis_tbv *r, apheresis_figures *out);
void apheresis_plasma_exchange_figures(const apheresis_plasma_exchange *r,
                                       apheresis_figures *out);
void apheresis_red_cell_exchange_figures(const apheresis_red_cell_exchange *r,
                                         apheresis_figures *out);
void apheresis_anticoagulant_figures(const apheresis_anticoagulant *r, apheresis_figures *out);
void apheresis_adsorptive_figures(const apheresis_adsorptive *r, apheresis_figures *out);

/* A figure's value rounded half away from zero to its decimals (as given
 * when they are -1). */
double apheresis_figure_rounded(const apheresis_figure *figure);

/* --- Physicians' orders -------------------------------------------------- */

/* The procedures a physician orders; their names are the keys below. */
typedef enum {
    APHERESIS_PLASMA_EXCHANGE,    /* "plasma_exchange": therapeutic plasma exchange */
    APHERESIS_RED_CELL_EXCHANGE,  /* "red_cell_exchange" */
    APHERESIS_LEUKOCYTAPHERESIS,  /* "leukocytapheresis" */
    APHERESIS_PLATELETPHERESIS,   /* "plateletpheresis": therapeutic plateletpheresis */
    APHERESIS_PHOTOPHERESIS,      /* "photopheresis" */
    APHERESIS_LDL,                /* "ldl_apheresis" */
    APHERESIS_STEM_CELL,          /* "stem_cell_collection" */
    APHERESIS_ADSORPTIVE,         /* "adsorptive": granulocyte/monocyte adsorptive */
    APHERESIS_PROCEDURE_COUNT
} apheresis_procedure;

/* The key ("plasma_exchange") and the label ("therapeutic plasma
 * exchange") of a procedure; "" out of range. */
const char *apheresis_procedure_name(apheresis_procedure procedure);
const char *apheresis_procedure_label(apheresis_procedure procedure);
/* A procedure by its key (any case); ERR_INVALID naming `field` listing
 * the keys otherwise. */
int apheresis_procedure_parse(const char *text, const char *field, apheresis_procedure *out,
                              err *e);

/* The ASFA category of an indication: "I" to "IV" (any case), written
 * back upper-case into `out` (3 bytes or more); refused naming `field`. */
int apheresis_asfa_category_parse(const char *text, const char *field, char *out, size_t size,
                                  err *e);
/* The ASFA grade of the recommendation: "1A", "1B", "1C", "2A", "2B",
 * "2C" (any case), written back upper-case; refused naming `field`. */
int apheresis_asfa_grade_parse(const char *text, const char *field, char *out, size_t size,
                               err *e);

/* The ASFA categories ("I".."IV") and grades ("1A".."2C"), in order. */
enum { APHERESIS_ASFA_CATEGORY_COUNT = 4, APHERESIS_ASFA_GRADE_COUNT = 6 };
extern const char *const apheresis_asfa_categories[APHERESIS_ASFA_CATEGORY_COUNT];
extern const char *const apheresis_asfa_grades[APHERESIS_ASFA_GRADE_COUNT];

/* The anticoagulants a prescription names, with their labels: "acd_a",
 * "acd_b", "heparin", "citrate" (trisodium citrate 4%), "heparin_acd_a"
 * (both). */
typedef struct {
    const char *name, *label;
} apheresis_anticoagulant_entry;
enum { APHERESIS_ANTICOAGULANT_COUNT = 5 };
extern const apheresis_anticoagulant_entry apheresis_anticoagulants[APHERESIS_ANTICOAGULANT_COUNT];
/* An anticoagulant by its name (any case): *name points to the table's. */
int apheresis_anticoagulant_parse(const char *text, const char *field, const char **name,
                                  err *e);

/* How often a course's procedures are given: every N days (1 to 28; 1 is
 * daily) or N a week (1 to 7). Written "every 2 days", "daily", "3 per
 * week" (any case, single spaces). */
typedef enum { APHERESIS_EVERY_DAYS, APHERESIS_PER_WEEK } apheresis_frequency_kind;
typedef struct {
    apheresis_frequency_kind kind;
    long n;
} apheresis_frequency;
#define APHERESIS_EVERY_DAYS_MAX 28
#define APHERESIS_PER_WEEK_MAX 7
int apheresis_frequency_parse(const char *text, const char *field, apheresis_frequency *out,
                              err *e);
/* "every_days" or "per_week": as stored. */
const char *apheresis_frequency_kind_name(apheresis_frequency_kind kind);
/* The frequency as it is written back: "daily", "every 2 days", "3 per
 * week". */
void apheresis_frequency_format(const apheresis_frequency *frequency, char *out, size_t size);

/* A course: 1 to 60 procedures (an adsorptive course: 5 or 10). */
#define APHERESIS_PROCEDURES_MAX 60

#endif
