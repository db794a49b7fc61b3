#!/usr/bin/env bash
# Regenerate the README's tour: runs each command on seeds/ in a scratch database and prints
# markdown (command, then its real output). Usage: bash docs/tour.sh > /tmp/tour.md
set -uo pipefail
cd "$(dirname "$0")/.."
Q=${QUOTES:-.venv/bin/quotes}
export QUOTES_DB=$(mktemp -d)/tour.db
export COLUMNS=120  # tables fit the terminal: the README shows them at 120 characters
show() {
  echo '```console'
  echo "\$ $*"
  "$@" 2>&1 | sed "s#$QUOTES_DB#quotes.db#g" | head -n "${LINES_MAX:-25}"
  echo '```'
  echo
}
cmd() { local name=$1; shift; echo "**$name**"; echo; show "$@"; }
cmd "Ingest articles (files, folders, .html, .jsonl, .json, .csv/.tsv exports, - for stdin)" $Q ingest --silent seeds/
echo "Ingesting the same texts again stores nothing new:"; echo
show bash -c "$Q ingest seeds/ 2>&1 | tr '\\r' '\\n' | tail -1"
cmd "Who said it: full-text search over quote text and the speaker as written (every word, any order and case; no operators)" $Q who-said "Geneva"
cmd "Filters every read command shares: --speaker, --outlet, --since, --until (YYYY-MM-DD), --type, --limit" $Q who-said soldiers --speaker Zelensky --type direct --limit 3
cmd "Machine-readable output (--json, --nl, --csv, --tsv)" $Q who-said --json --limit 1 "Kursk"
cmd "The stored articles, with how many statements and speakers each holds" $Q articles
LINES_MAX=14 cmd "One article with its statements marked and credited" $Q articles show 3 --no-color
cmd "Export every occurrence" $Q export --csv
cmd "Canonical speakers" $Q speakers
cmd "One speaker, with aliases and where each was seen" $Q speakers show Zelensky
cmd "Correct a speaker: rename (the name is kept on re-ingest)" $Q speakers rename "Andriy Sybiga" "Andrii Sybiha"
cmd "Merge two speakers (here: the country standing for its intelligence service)" $Q speakers merge "South Korea" "National Intelligence Service (South Korea)"
cmd "Split an alias off a speaker" $Q speakers split "Security Service of Ukraine" "the agency" --as "SBU (as 'the agency')"
cmd "The same statement across outlets" $Q variants --min-outlets 2
cmd "Conflicting attributions only" $Q variants --conflicts
cmd "Correct a group: take a quote out (here: unnamed officials' words grouped with the Security Service's; kept on re-ingest)" $Q variants detach 32
cmd "Split quotes off into a group of their own" $Q variants split 25
cmd "Merge two groups (here: Ukraine's announcement of the capture and Zelensky's)" $Q variants merge 3 5
cmd "Make every group again from scratch, as one run over everything would (corrections replayed)" $Q variants regroup
LINES_MAX=40 cmd "One statement side by side, diffed against its canonical form, then related statements" $Q compare 3
# The README's picture of `quotes serve`: the statement-group page most outlets carry, from the same
# database, by headless Chromium (apt-get install chromium); progress on stderr, not in the tour.
${PYTHON:-.venv/bin/python} docs/screenshot.py --db "$QUOTES_DB" --quotes "$Q" --out docs/img/group.png >&2 \
  || echo "the screenshot failed: docs/img/group.png is unchanged" >&2
cmd "Debug a parse" bash -c "echo '“We will win,” the mayor said.' | $Q parse -"
cmd "Models in use" $Q models info
cmd "Opt in to Stanza's official models (needs a network)" $Q models download --help
cmd "Which articles the installed parser and extractor made" $Q db status
echo "**Extract stored articles again from their stored parses, after an upgrade (no parsing; quotes that stay the same keep their ids; with --behind only those an older extractor made)**"; echo
show bash -c "$Q reextract 2>&1 | tr '\\r' '\\n' | tail -1"
cmd "Schema migrations" $Q db current
cmd "Schema history" $Q db history
cmd "Step the schema down one revision (rows are kept)" $Q db downgrade -1
cmd "And back up" $Q db upgrade
