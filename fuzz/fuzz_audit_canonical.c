/*
 * fuzz_audit_canonical.c - libFuzzer target for the canonical text of an
 * audit record's before and after (service/audit.h audit_json_canonical).
 *
 * The hash chain of the audit trail is computed over that text, and the
 * audit trail's verification reads back text written by earlier versions:
 * audit_json_canonical must write exactly what jansson's json_dumps writes
 * with JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY, byte for byte. The
 * input is read as JSON by jansson (any value, NULs in strings allowed,
 * duplicate keys as jansson takes them); for every value it accepts, the
 * two texts must be equal. Build and run with `make fuzz` (fuzz/README.md).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "service/audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t error;
    json_t *value = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, &error);
    if (!value)
        return 0;
    char *expected = json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    char *written = audit_json_canonical(value);
    if (!expected || !written || strcmp(expected, written) != 0) {
        fprintf(stderr, "fuzz_audit_canonical: json_dumps wrote %s\ncanonical wrote %s\n",
                expected ? expected : "(null)", written ? written : "(null)");
        abort();
    }
    free(expected);
    free(written);
    json_decref(value);
    return 0;
}
