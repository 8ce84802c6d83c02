#!/usr/bin/env bash
# Instructions of one extraction pass and of one html5ever parse pass over the first N pages
# of the speed benches (default 100), counted by callgrind: unlike times, they do not drift
# with the machine's load, so small changes in the parser's cost can be compared.
# One pass is counted as two passes minus one, so that the patterns built on first use and
# the reading of the pages are left out. Needs valgrind. Usage: scripts/instructions.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:-100}
binary=$(cargo bench -p tinstream-parser --bench passes --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "passes" and m.get("executable"):
        print(m["executable"])')
count() {
    PASSES_MODE=$1 PASSES_PAGES=$pages PASSES_REPEAT=$2 valgrind --tool=callgrind \
        --callgrind-out-file=/dev/null "$binary" --bench 2>&1 |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
for mode in parse extract; do
    one=$(count "$mode" 1)
    two=$(count "$mode" 2)
    echo "$mode: $(((two - one) / 1000000))M instructions for one pass over $pages pages"
done
