"""What start-up loads. Each check runs a fresh interpreter, since this process has imported
everything already. How long start-up takes is measured in bench/ (bench_ingest.py), not here."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("torch", "stanza", "transformers")


def loaded_after(code: str, *argv: str) -> dict:
    """Run ``code`` in a new interpreter; what it printed last (JSON) and the modules it loaded."""
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    *printed, modules = out.stdout.strip().splitlines()
    return {"printed": printed, "stderr": out.stderr, "modules": set(json.loads(modules))}


def test_parsing_loads_neither_dynamo_nor_the_transformers_bert():
    """The MiniLM runs as ``encoder.Bert`` and Stanza's optimizers are made without torch._dynamo:
    together two seconds of every start-up."""
    got = loaded_after("from quotes.workers import analyse_text\n"
                       "print(len(analyse_text('“We will not back down,” the mayor said on Monday.')))")
    assert got["printed"] == ["1"]  # the pipeline ran and found the quotation
    assert "stanza.pipeline.core" in got["modules"] and "quotes.encoder" in got["modules"]
    assert "torch._dynamo" not in got["modules"]
    assert "transformers.models.bert.modeling_bert" not in got["modules"]
    assert "sympy" not in got["modules"]


@pytest.mark.parametrize("command", [["who-said", "--format", "json", "Geneva"], ["speakers"], ["db", "status"]])
def test_read_commands_load_no_model_library(seeds_db, command):
    got = loaded_after("import sys\nfrom quotes.cli import main\nsys.argv = ['quotes', *sys.argv[1:]]\n"
                       "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n",
                       "--db", str(seeds_db), *command)
    assert got["printed"]  # the command answered
    assert "quotes.cli" in got["modules"] and "sqlalchemy" in got["modules"]
    assert not [m for m in HEAVY if m in got["modules"]]


def test_serve_loads_no_model_library(seeds_db):
    """`quotes serve` runs until stopped, so the probe builds the app the command serves and asks it
    for a statement-group page (the page that diffs the versions) through Datasette's test client."""
    got = loaded_after("import asyncio, sys\nfrom quotes.web.serve import make_datasette\n"
                       "ds = make_datasette(sys.argv[1])\n"
                       "print(asyncio.run(ds.client.get('/-/group/1')).status_code)\n", str(seeds_db))
    assert got["printed"] == ["200"]
    assert "datasette" in got["modules"] and "quotes.grouping.pairs" in got["modules"]
    assert not [m for m in HEAVY if m in got["modules"]]


def test_reextract_reads_stored_parses_without_stanza(seeds_copy):
    """Re-extraction reads the rules' view of each stored parse straight from CoNLL-U: no parser,
    no Stanza, no torch (when no statement is new, no encoder either)."""
    got = loaded_after("import sys\nfrom quotes.cli import main\nsys.argv = ['quotes', *sys.argv[1:]]\n"
                       "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n",
                       "--db", str(seeds_copy), "reextract")
    assert "articles: 5 re-extracted, 0 changed" in got["stderr"]  # the summary, beside the data
    assert "quotes.reextract" in got["modules"] and "conllu" in got["modules"]
    assert not [m for m in HEAVY if m in got["modules"]]
