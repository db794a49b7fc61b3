"""The bundled Stanza models load offline and parse reporting sentences correctly."""
import json
import socket

import pytest
from click.testing import CliRunner

from quotes.cli import cli
from quotes.parse import BUNDLED_DIR, find_models, parse_text


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access attempted in an offline test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def words_of(doc):
    return [w for s in doc.sentences for w in s.words]


def test_bundled_models_are_found():
    ms = find_models(BUNDLED_DIR)
    assert ms.kind == "bundled"
    assert set(ms.paths) == {"tokenize", "mwt", "pos", "lemma", "depparse"}


def test_bundled_pipeline_parses_reporting_sentence_offline(no_network):
    doc = parse_text("“We will win,” the mayor said.")
    words = {w.text: w for w in words_of(doc)}
    said, mayor, win = words["said"], words["mayor"], words["win"]
    assert said.head == 0 and said.deprel == "root"
    assert mayor.head == said.id and mayor.deprel == "nsubj"
    assert win.head == said.id
    assert said.lemma == "say" and said.upos == "VERB"


def test_ccomp_reporting_sentence(no_network):
    doc = parse_text("Zelensky said that the soldiers were captured in Kursk.")
    words = {w.text: w for w in words_of(doc)}
    assert words["Zelensky"].deprel == "nsubj" and words["Zelensky"].head == words["said"].id
    assert words["captured"].deprel == "ccomp" and words["captured"].head == words["said"].id


def test_parse_command_conllu_and_json():
    r = CliRunner().invoke(cli, ["parse", "-"], input="The agency said it would respond.\n")
    assert r.exit_code == 0, r.output
    rows = [l.split("\t") for l in r.stdout.splitlines() if l and not l.startswith("#")]
    assert [row[1] for row in rows][:3] == ["The", "agency", "said"]
    assert any(row[1] == "said" and row[7] == "root" for row in rows)
    r = CliRunner().invoke(cli, ["parse", "--format", "json", "-"], input="Kirby said it.\n")
    data = json.loads(r.stdout)
    assert data[0]["words"][1]["lemma"] == "say"


def test_models_info_lists_every_processor():
    r = CliRunner().invoke(cli, ["models", "info", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert {row["processor"] for row in json.loads(r.stdout)} == {"tokenize", "mwt", "pos", "lemma", "depparse"}


def test_missing_models_folder_is_a_clear_error(tmp_path):
    r = CliRunner().invoke(cli, ["--models", str(tmp_path), "parse", "-"], input="He said so.")
    assert r.exit_code == 1
    assert "no Stanza English models" in r.output
