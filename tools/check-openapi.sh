#!/bin/sh
# check-openapi.sh - the API's description, as the program writes it from
# its route declarations (`bloodops api openapi`), linted by Redocly CLI
# (npm, @redocly/cli; rules in redocly.yaml): any error fails. The document
# is left in tests/out/openapi.json. `make check-openapi`; part of `make test`.
set -eu
cd "$(dirname "$0")/.."
mkdir -p tests/out
./bloodops api openapi > tests/out/openapi.json
NO_UPDATE_NOTIFIER=1 REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
    node_modules/.bin/redocly lint --config redocly.yaml --format=stylish tests/out/openapi.json
