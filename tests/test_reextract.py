"""`quotes reextract` (issue 18): stored articles extracted again from their stored parses give what a
fresh ingest gives, keep the ids of unchanged quotes and the corrections people made."""
import json
import shutil
import sqlite3

import pytest
from click.testing import CliRunner

import quotes.extraction.analyse
from quotes.cli import cli

IDS = ("quote_id", "speaker_id", "variant_id", "variant")


def export(db) -> list[dict]:
    r = CliRunner().invoke(cli, ["--db", str(db), "export", "--format", "json"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def without_ids(rows: list[dict]) -> list[dict]:
    return sorted(json.dumps({k: v for k, v in r.items() if k not in IDS}, sort_keys=True) for r in rows)


def run(db, *args):
    r = CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r


def test_reextract_of_a_fresh_database_changes_nothing(seeds_copy):
    before = export(seeds_copy)
    assert len(before) > 50
    r = run(seeds_copy, "reextract")
    assert f"articles: 5 re-extracted, 0 changed; quotes: {len(before)} kept, 0 added, 0 removed" in r.output
    assert export(seeds_copy) == before  # ids, speakers and groups included
    status = json.loads(run(seeds_copy, "db", "status", "--format", "json").stdout)
    assert [(s["what"], s["current"], s["articles"]) for s in status] == [("parser", 5, 5), ("extractor", 5, 5)]


@pytest.fixture
def no_reported_speech(monkeypatch):
    """A change in extraction: reported speech is no longer extracted."""
    real = quotes.extraction.analyse.analyse
    monkeypatch.setattr(quotes.extraction.analyse, "analyse", lambda text, doc: [o for o in real(text, doc) if o.type != "indirect"])


def test_reextract_after_a_change_gives_a_fresh_ingest_with_corrections_kept(seeds_copy, tmp_path, no_reported_speech):
    from conftest import SEEDS

    before = export(seeds_copy)
    direct_ids = {r["quote_id"] for r in before if r["type"] == "direct"}
    assert direct_ids and any(r["type"] == "indirect" for r in before)
    run(seeds_copy, "speakers", "rename", "Andrii Yusov", "Andriy Yusov")
    con = sqlite3.connect(seeds_copy)
    con.execute("update articles set extractor_version = 'older'")  # as if made by an older release
    con.commit()
    assert "extractor: 0 of 5 articles" in run(seeds_copy, "db", "status").output
    r = run(seeds_copy, "reextract", "--behind")
    assert "articles: 5 re-extracted, 5 changed" in r.output

    fresh = tmp_path / "fresh.db"
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    run(fresh, "ingest", "--silent", "--workers", "1", str(folder))
    run(fresh, "speakers", "rename", "Andrii Yusov", "Andriy Yusov")
    after = export(seeds_copy)
    assert without_ids(after) == without_ids(export(fresh))
    assert all(r["type"] != "indirect" for r in after) and any(r["speaker"] == "Andriy Yusov" for r in after)
    kept = {r["quote_id"] for r in before if r["type"] != "indirect"}
    assert direct_ids <= kept and {r["quote_id"] for r in after} == kept  # unchanged statements keep their ids
    speakers = {n for (n,) in con.execute("select name from speakers")}
    assert speakers == {n for (n,) in sqlite3.connect(fresh).execute("select name from speakers")}
    counts = dict(con.execute("select term, quotes from term_stats where quotes != 0"))
    assert counts == dict(sqlite3.connect(fresh).execute("select term, quotes from term_stats"))
    assert "extractor: 5 of 5 articles" in run(seeds_copy, "db", "status").output


def test_reextract_selection_and_missing_parse(seeds_copy):
    con = sqlite3.connect(seeds_copy)
    first, second = [i for (i,) in con.execute("select id from articles order by id limit 2")]
    con.execute("update articles set parse_conllu = null where id = ?", (second,))
    con.commit()
    r = CliRunner().invoke(cli, ["--db", str(seeds_copy), "reextract", "--article", str(first), "--article", str(second)])
    assert r.exit_code == 1
    assert "no stored parse: run with --reparse" in r.output and "articles: 1 re-extracted" in r.output
    r = run(seeds_copy, "reextract", "--article", str(second), "--reparse")
    assert "1 parsed again" in r.output
    assert con.execute("select parse_conllu is not null from articles where id = ?", (second,)).fetchone() == (1,)


def shortened(monkeypatch, chars: int):
    """A change in extraction that moves every span: statements end ``chars`` characters earlier,
    and reported speech is no longer extracted."""
    import dataclasses

    real = quotes.extraction.analyse.analyse

    def analyse(text, doc):
        return [dataclasses.replace(o, end=o.end - chars, text=text[o.start : o.end - chars])
                for o in real(text, doc) if o.type != "indirect"]

    monkeypatch.setattr(quotes.extraction.analyse, "analyse", analyse)


def successors(db) -> dict:
    return dict(sqlite3.connect(db).execute("select old_id, new_id from quote_successors"))


def test_replaced_quotes_lead_to_their_successors_and_ids_are_never_reused(seeds_copy, monkeypatch):
    before = {r["quote_id"]: r for r in export(seeds_copy)}
    assert len(before) > 50 and not successors(seeds_copy)
    top = max(before)

    shortened(monkeypatch, 1)
    run(seeds_copy, "reextract")
    first = {r["quote_id"]: r for r in export(seeds_copy)}
    mapping = successors(seeds_copy)
    assert set(mapping) == set(before)  # every span moved, so every old quote was replaced
    assert min(first) > top  # no id handed out twice
    for old, new in mapping.items():
        if before[old]["type"] == "indirect":
            assert new is None or first[new]["article"] == before[old]["article"]
        else:  # the statement is still there, one character shorter
            assert new in first, old
            assert (first[new]["article"], first[new]["start"], first[new]["end"]) == (
                before[old]["article"], before[old]["start"], before[old]["end"] - 1)
    assert [o for o, n in mapping.items() if n is None] == sorted(
        o for o, n in mapping.items() if n is None and before[o]["type"] == "indirect")

    shortened(monkeypatch, 2)  # on top of the first change: 3 characters in all
    run(seeds_copy, "reextract")
    second = {r["quote_id"]: r for r in export(seeds_copy)}
    assert min(second) > max(first)
    chained = successors(seeds_copy)
    assert set(chained) == set(before) | set(first)
    for old, new in mapping.items():  # ids saved before the first run lead to today's quotes, one step
        assert chained[old] == (chained[new] if new is not None else None)
        if new is not None:
            now, was = second[chained[old]], before[old]
            assert now["article"] == was["article"]
            shared = min(now["end"], was["end"]) - max(now["start"], was["start"])
            assert shared / (max(now["end"], was["end"]) - min(now["start"], was["start"])) >= 0.5
