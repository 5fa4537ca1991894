/*
 * trial.c - the readiness rule of a clinical-trial site and the cap
 * arithmetic of billing its sponsor (see trial.h).
 */
#include <string.h>
#include "domain/trial.h"

static const char *const kind_names[] = {"setup", "verification", "training", "procedure"};

int trial_kind_parse(const char *text, int tasks_only, trial_kind *out, const char *field,
                     err *e)
{
    int count = tasks_only ? 3 : 4;
    for (int i = 0; text && i < count; i++)
        if (!strcmp(text, kind_names[i])) {
            *out = (trial_kind)i;
            return 0;
        }
    return err_set(e, ERR_INVALID, field, "must be %s",
                   tasks_only ? "setup, verification or training"
                              : "setup, verification, training or procedure");
}

const char *trial_kind_name(trial_kind kind)
{
    return (unsigned)kind < 4 ? kind_names[kind] : "";
}

unsigned trial_site_lacks(const trial_site_facts *facts)
{
    unsigned lacks = 0;
    if (!facts->set_up)
        lacks |= TRIAL_LACKS_SETUP;
    if (!facts->verified)
        lacks |= TRIAL_LACKS_VERIFICATION;
    if (facts->investigators_trained < 1)
        lacks |= TRIAL_LACKS_INVESTIGATOR;
    if (facts->nurses_trained < 1)
        lacks |= TRIAL_LACKS_NURSE;
    return lacks;
}

const char *trial_lack_name(unsigned bit)
{
    switch (bit) {
    case TRIAL_LACKS_SETUP:
        return "setup";
    case TRIAL_LACKS_VERIFICATION:
        return "verification";
    case TRIAL_LACKS_INVESTIGATOR:
        return "trained_investigator";
    case TRIAL_LACKS_NURSE:
        return "trained_nurse";
    default:
        return "";
    }
}

const char *trial_site_status(const trial_site_facts *facts)
{
    if (!trial_site_lacks(facts))
        return "ready";
    if (facts->set_up && facts->verified)
        return "verified";
    if (facts->set_up)
        return "setting_up";
    return "planned";
}

int trial_cap_bill(int64_t cap, int64_t billed, int64_t price, int64_t *amount, int *capped)
{
    *amount = 0;
    *capped = 0;
    if (cap < 0 || billed < 0 || price < 0 || billed > cap)
        return -1;
    if (price == 0)
        return 0;
    int64_t headroom = cap - billed;
    if (headroom == 0)
        return -1;
    if (price >= headroom) {
        *amount = headroom;
        *capped = 1;
    } else
        *amount = price;
    return 0;
}
