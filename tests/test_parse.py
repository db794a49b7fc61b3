"""The bundled Stanza models load offline and parse reporting sentences correctly."""
import json
import socket

import pytest
from click.testing import CliRunner

from quotes.cli import cli
from quotes.parse import BUNDLED_DIR, find_models, parse_text


@pytest.fixture
def no_network(monkeypatch):
    """Sockets refuse to connect; attempts are recorded too, in case a library swallows the error."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args[:1])
        raise OSError("network access attempted in an offline test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts
    assert attempts == [], f"network access attempted: {attempts}"


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


def test_pipeline_builds_offline_from_scratch(no_network):
    """Every model file, and any packaged transformer the models read, loads with sockets disabled."""
    from quotes.parse import _pipeline

    _pipeline.cache_clear()
    doc = parse_text("The ministry said the talks would resume in Geneva.")
    words = {w.text: w for w in words_of(doc)}
    assert words["said"].deprel == "root"
    assert words["ministry"].deprel == "nsubj" and words["ministry"].head == words["said"].id
    assert words["resume"].deprel == "ccomp" and words["resume"].head == words["said"].id


def test_bundled_models_name_transformers_portably():
    """A model trained with a transformer stores its portable name, never a training machine's path."""
    import torch

    from quotes.parse import PACKAGED_TRANSFORMERS, model_card, packaged_transformer_path

    ms = find_models(BUNDLED_DIR)
    card = model_card(BUNDLED_DIR)
    assert ms.transformers == tuple(card.get("transformers", {}))
    for proc in ("pos", "depparse"):
        config = torch.load(ms.paths[proc], map_location="cpu", weights_only=True)["config"]
        name = config.get("bert_model")
        if name:
            assert name in PACKAGED_TRANSFORMERS and name in ms.transformers
            assert proc in card["transformers"][name]["used_by"]
            assert (packaged_transformer_path(name) / "config.json").exists()


def test_unknown_transformer_is_a_clear_error():
    from quotes.parse import ModelsMissing, packaged_transformer_path

    with pytest.raises(ModelsMissing, match="no installed package provides"):
        packaged_transformer_path("someone/unknown-bert")


def test_ccomp_reporting_sentence(no_network):
    doc = parse_text("Zelensky said that the soldiers were captured in Kursk.")
    words = {w.text: w for w in words_of(doc)}
    assert words["Zelensky"].deprel == "nsubj" and words["Zelensky"].head == words["said"].id
    assert words["captured"].deprel == "ccomp" and words["captured"].head == words["said"].id


def test_parse_command_conllu_and_json():
    r = CliRunner().invoke(cli, ["parse", "-"], input="The agency said it would respond.\n")
    assert r.exit_code == 0, r.output
    rows = [line.split("\t") for line in r.stdout.splitlines() if line and not line.startswith("#")]
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


def test_the_rules_view_of_a_stored_parse_is_the_same_without_stanza(seeds_db):
    """``syntax.sentences_from_conllu`` (re-extraction's reader) against the view of the Stanza
    Document that ``parse.from_conllu`` rebuilds: word for word, offsets, multi-word tokens and
    the rule fixtures' hand-edited parses included."""
    import sqlite3
    from pathlib import Path

    from quotes.extraction.syntax import sentences_from_conllu, sentences_from_doc
    from quotes.parse import from_conllu

    def view(sentences):
        return [[(w.id, w.text, w.lemma, w.upos, w.feats, w.head, w.deprel, w.start, w.end, w.xpos)
                 for w in s.words] for s in sentences]

    stored = sqlite3.connect(seeds_db).execute("select parse_conllu, text from articles").fetchall()
    rules = Path(__file__).parent / "fixtures" / "rules"
    stored += [(f.read_text(encoding="utf-8"), f.with_suffix(".txt").read_text(encoding="utf-8"))
               for f in sorted(rules.glob("*.conllu"))]
    multiword = 0
    assert len(stored) > 50
    for conllu, text in stored:
        ours = view(sentences_from_conllu(conllu))
        assert ours and ours == view(sentences_from_doc(from_conllu(conllu, text)))
        multiword += sum(1 for line in conllu.splitlines() if line.split("\t", 1)[0].count("-") == 1)
    assert multiword  # the multi-word tokens' offsets were exercised
