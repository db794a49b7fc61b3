#!/bin/sh
# Mutation testing of the extraction rules (quotes/extraction/rules.py, phrases.py, quotations.py, attribute.py, quotetype.py) with
# mutmut 3 against the parser-free rule tests (tests/test_rules.py on stored CoNLL-U fixtures, and
# tests/test_speakers.py). Configuration: the [mutmut] section of setup.cfg. Not run in CI.
#
#   .venv/bin/pip install 'mutmut>=3,<4'
#   sh bench/mutation.sh                      # all ~2,900 mutants, niced, one child process
#   sh bench/mutation.sh 'quotes.extraction.quotations.x_cue_for_quote__mutmut_*'    # only these (names or globs)
#   sh bench/mutation.sh $(.venv/bin/mutmut results | awk -F: '/: survived$/ {gsub(/ /,"",$1); print $1}')
#                                             # re-run today's survivors, after adding tests
#
# A full run takes 8.5 min on an idle 2-core machine, 23 min while other work holds both cores
# (bench/README.md has the counts of the last run). Results are cached in mutants/ (git-ignored): a
# re-run tests only mutants whose function changed or that are named; `rm -rf mutants` starts afresh.
# Afterwards: `.venv/bin/mutmut results` lists the survivors, `.venv/bin/mutmut show NAME` shows one
# as a diff, `.venv/bin/mutmut browse` is an interactive view.
set -eu
cd "$(dirname "$0")/.."
start=$(date +%s)
nice -n 19 .venv/bin/mutmut run --max-children 1 "$@"
echo "mutation run: $(( $(date +%s) - start )) s" >&2
