#!/usr/bin/env bash
# Kills `tinstream run` (SIGKILL) the moment its crawl state file first appears, on a fresh
# data directory, then starts it again and counts the restarts that refuse the state file
# ("invalid data"). A release build shows the window redb leaves while it writes a new file's
# header; a debug build rarely does, which is why this is a script and not a test.
# No broker and no network: a JSON Lines sink and a loopback source the crawler refuses.
# Usage: scripts/kill-at-first-start.sh [BINARY] [ITERATIONS]
set -euo pipefail
bin=${1:-target/release/tinstream}
n=${2:-40}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
refused=0
for i in $(seq 1 "$n"); do
    d="$work/$i"
    mkdir -p "$d"
    cat > "$d/tinstream.toml" <<CONFIG
[crawler]
data_dir = "$d/data"
[[sources]]
kind = "feed"
url = "http://127.0.0.1:9/feed.rss"
every = "10m"
[sink]
kind = "jsonl"
[sink.jsonl]
path = "$d/out.jsonl"
dead_letter_path = "$d/dead-letter.jsonl"
CONFIG
    "$bin" run --config "$d/tinstream.toml" > "$d/first.log" 2>&1 &
    pid=$!
    # Any name the database file is made under.
    until [ -e "$d/data/state.redb" ] || [ -e "$d/data/state.redb.partial" ] ||
        ! kill -0 "$pid" 2> /dev/null; do :; done
    kill -9 "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
    timeout 3 "$bin" run --config "$d/tinstream.toml" > "$d/second.log" 2>&1 || true
    if grep -q "invalid data" "$d/second.log"; then
        refused=$((refused + 1))
    elif ! grep -q "tinstream started" "$d/second.log"; then
        echo "run $i: the second start did not come up:" >&2
        cat "$d/second.log" >&2
        exit 1
    fi
    rm -rf "$d"
done
echo "$refused of $n restarts refused the state file"
[ "$refused" -eq 0 ]
