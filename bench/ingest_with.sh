#!/bin/sh
# Ingest a folder with the code of another checkout, into a throwaway database: the command for
# side-by-side timings of two commits with farm-bench (bench/README.md).
#   git worktree add /tmp/base COMMIT
#   farm-bench -n 2 --warmup 0 --timeout 1200 --vs "bench/ingest_with.sh /tmp/base ARTICLES" -- bench/ingest_with.sh . ARTICLES
# PYTHONPATH puts CODE's `quotes` ahead of the editable install of this checkout's virtual environment.
set -u
code=$(cd "$1" && pwd)
venv=$(cd "$(dirname "$0")/.." && pwd)/.venv
db=$(mktemp -u /tmp/ingest-with-XXXXXX.db)
PYTHONPATH=$code "$venv/bin/quotes" --db "$db" ingest --silent "$2" >/dev/null 2>&1
rc=$?
rm -f "$db" "$db-wal" "$db-shm" "$db.lock" "$db.vectors" "$db.vectors.json"  # and its vector index beside it
exit $rc
