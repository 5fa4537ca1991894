#!/bin/sh
# check-layers.sh - enforce the layering of docs/DESIGN.md: a file includes
# headers only from its own layer or the layers below it.
#   base < domain < documents < store < service < http < cli (cli starts
#   the server)
set -eu
cd "$(dirname "$0")/.."
rank() {
  case $1 in
    base) echo 0 ;; domain) echo 1 ;; documents) echo 2 ;; store) echo 3 ;;
    service) echo 4 ;; http) echo 5 ;; cli) echo 6 ;; *) echo 9 ;;
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
