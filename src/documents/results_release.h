/*
 * results_release.h - the draft earnings release of a quarter (the rules of
 * docs/reports.md, "The draft earnings release and its findings"): the
 * narrative paragraphs written from the numbers in the manner of the
 * published releases, wrapped at 76 characters, then the consistency
 * findings of results_check.
 */
#ifndef BLOODOPS_DOCUMENTS_RESULTS_RELEASE_H
#define BLOODOPS_DOCUMENTS_RESULTS_RELEASE_H

#include "base/buffer.h"
#include "domain/results.h"

/* The draft earnings release: the narrative paragraphs written from the
 * numbers, then the consistency findings. */
void results_render_release(const results_report *report, buffer *out);

#endif
