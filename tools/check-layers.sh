#!/bin/sh
# check-layers.sh - enforce the layering of docs/DESIGN.md: a file includes
# headers only from its own layer or the layers below it.
#   base < domain < store < service < http < cli (cli starts the server)
set -eu
cd "$(dirname "$0")/.."
rank() {
  case $1 in
    base) echo 0 ;; domain) echo 1 ;; store) echo 2 ;; service) echo 3 ;;
    http) echo 4 ;; cli) echo 5 ;; *) echo 9 ;;
  esac
}
bad=0
for file in src/*/*.c src/*/*.h; do
  layer=$(basename "$(dirname "$file")")
  mine=$(rank "$layer")
  for included in $(sed -n 's/^#include "\([a-z]*\)\/.*"/\1/p' "$file"); do
    theirs=$(rank "$included")
    if [ "$theirs" -gt "$mine" ]; then
      echo "layer violation: $file ($layer) includes $included/"
      bad=1
    fi
  done
done
exit $bad
