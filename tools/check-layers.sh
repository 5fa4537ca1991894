#!/bin/sh
# check-layers.sh - enforce the layering of docs/DESIGN.md: a file includes
# headers only from its own layer or the layers below it.
#   base < domain < documents < store < service < demo < http < cli (cli
#   starts the server; demo builds the demo company through the services)
set -eu
cd "$(dirname "$0")/.."
rank() {
  case $1 in
    base) echo 0 ;; domain) echo 1 ;; documents) echo 2 ;; store) echo 3 ;;
    service) echo 4 ;; demo) echo 5 ;; http) echo 6 ;; cli) echo 7 ;; *) echo 9 ;;
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
