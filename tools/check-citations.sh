#!/bin/sh
# check-citations.sh - keep the docs true: no tracked file may cite the
# product specification that is not in this repository (its name in
# capitals as a word of its own, as in "<name> 3.4" or "<name> section 5"),
# nor point into the folder beside the checkout that holds it. A rule is
# cited by the docs/ page that states it ("docs/donors.md, Eligibility");
# a rule with no page yet gets one, written in our own words.
#
# Prints FILE:LINE: TEXT for every such citation and exits 1; prints
# nothing and exits 0 when there is none. `make check-citations` runs it,
# and so does `make test` (tools/test.sh).
#
# CITATIONS_TODO lists files skipped for now, because another branch is
# rewriting them; empty it once that branch has landed.
set -eu
cd "$(dirname "$0")/.."

CITATIONS_TODO=""

# Where to look: every tracked file under these.
PATHS="src web tools tests bench fuzz docs schema data README.md Makefile"

# The name as a word of its own, in capitals (so ISBT_RHD_NOT_SPECIFIED and
# "RhD NOT SPECIFIED" pass); the folder beside the checkout, as a relative
# or an absolute path; a document of that folder named as "<folder>/X.md".
# Each is written with a bracket so that this file does not match itself.
NAME='(^|[^A-Za-z0-9_])SPE[C]([^A-Za-z0-9_]|$)'
FOLDER='\.\./share[d]([^A-Za-z0-9_]|$)|/work/share[d]([^A-Za-z0-9_]|$)'
DOCUMENT='(^|[^A-Za-z0-9_./-])share[d]/[A-Z][A-Z_]*\.md'

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # shellcheck disable=SC2086 # PATHS is a list of words
  hits=$(git grep -nIE -e "$NAME" -e "$FOLDER" -e "$DOCUMENT" -- $PATHS || true)
else
  # A copy without git (an unpacked tarball): every file there.
  # shellcheck disable=SC2086
  hits=$(grep -rnIE -e "$NAME" -e "$FOLDER" -e "$DOCUMENT" $PATHS 2>/dev/null || true)
fi

found=$(printf '%s\n' "$hits" | TODO="$CITATIONS_TODO" awk '
  BEGIN { n = split(ENVIRON["TODO"], t, /[ \t\n]+/); for (i = 1; i <= n; i++) if (t[i] != "") skip[t[i]] = 1 }
  NF { file = substr($0, 1, index($0, ":") - 1); if (!(file in skip)) print }')

if [ -n "$found" ]; then
  printf '%s\n' "$found"
  echo "check-citations: cite the docs/ page that states the rule instead (see tools/check-citations.sh)"
  exit 1
fi
exit 0
