/*
 * fuzz_isbt_parse.c - libFuzzer target for the ISBT 128 scan parser
 * (domain/isbt.h), and for the check of a hand-typed donation
 * identification number that shares its character rules.
 *
 * Beyond "no crash, no read past the input" (ASan and UBSan watch that),
 * it checks what must hold for any input:
 *   - a refused scan says where: error offset within the input, a message;
 *   - an accepted scan re-encodes, structure by structure, to exactly the
 *     input bytes, and describing each structure fits its buffer;
 *   - a DIN accepted by isbt_din_check carries the check character that
 *     isbt_checksum computes for it.
 * Build and run with `make fuzz` (fuzz/README.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain/isbt.h"

/* A broken property is a bug: stop with a report libFuzzer records. */
static void require(int condition, const char *what)
{
    if (!condition) {
        fprintf(stderr, "fuzz_isbt_parse: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static isbt_scan scan;
    err e = {0};
    if (isbt_scan_parse(data, size, "scan", &scan, &e) == 0) {
        char encoded[ISBT_STRUCTURE_TEXT_MAX], described[ISBT_DESCRIPTION_MAX];
        size_t at = 0;
        for (size_t i = 0; i < scan.count; i++) {
            const isbt_structure *s = &scan.structures[i];
            require(s->offset == at, "structures are not contiguous");
            size_t length = isbt_structure_encode(s, encoded, sizeof encoded);
            require(length == s->length, "encoded length differs from parsed length");
            require(at + length <= size && memcmp(encoded, data + at, length) == 0,
                    "re-encoding differs from the input");
            isbt_structure_describe(s, described, sizeof described);
            require(strlen(described) > 0, "empty description");
            at += length;
        }
        require(at == size, "structures do not cover the input");
    } else {
        require(scan.error_offset <= size, "error offset past the input");
        require(e.code == ERR_INVALID && e.message[0], "refusal without a message");
        require(scan.count <= ISBT_SCAN_MAX, "count past the array");
    }

    /* The same bytes typed into a DIN field (as a C string: up to a NUL). */
    char typed[64];
    size_t length = size < sizeof typed - 1 ? size : sizeof typed - 1;
    memcpy(typed, data, length);
    typed[length] = '\0';
    isbt_din din;
    if (isbt_din_check(typed, &din, "din", &e) == 0) {
        int checksum = isbt_checksum(din.din, ISBT_DIN_LENGTH);
        require(checksum == din.checksum, "checksum differs");
        require(isbt_check_character(checksum) == din.check_character, "check character differs");
        char eye_readable[ISBT_EYE_READABLE_MAX];
        isbt_din again;
        isbt_din_eye_readable(&din, eye_readable, sizeof eye_readable);
        require(isbt_din_check(eye_readable, &again, "din", &e) == 0 &&
                    strcmp(again.din, din.din) == 0,
                "the eye-readable form is not accepted back");
    }
    return 0;
}
