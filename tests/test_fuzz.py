"""Property-based fuzzing (hypothesis): arbitrary bytes, encodings, JSONL lines and search strings never
raise out of the reader or who-said, never hang, and good input around bad input is still read."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quotes.read import RawArticle, ReadFailure, read_items

GOOD = "The mayor said on Monday that the bridge would reopen in May after repairs to its deck."
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252", "latin-1", "cp1251", "mac_roman"]
FAST = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _one_line_results(items):
    assert items
    for item in items:
        assert isinstance(item, (RawArticle, ReadFailure))
        if isinstance(item, ReadFailure):
            assert item.reason and "\n" not in item.reason


@FAST
@given(data=st.binary(max_size=4000))
def test_any_bytes_read_or_refused_in_one_line(tmp_path, data):
    p = tmp_path / "x.txt"
    p.write_bytes(data)
    _one_line_results(read_items(str(p)))


@FAST
@given(text=st.text(min_size=0, max_size=600), encoding=st.sampled_from(ENCODINGS))
def test_any_text_in_any_encoding(tmp_path, text, encoding):
    try:
        data = (text + " " + GOOD).encode(encoding)
    except UnicodeEncodeError:
        data = (text + " " + GOOD).encode(encoding, errors="replace")
    p = tmp_path / "y.txt"
    p.write_bytes(data)
    items = list(read_items(str(p)))
    _one_line_results(items)
    if encoding.startswith(("utf-8", "utf-16", "utf-32")) and text.isprintable() and "\ufeff" not in text:
        (article,) = items  # Unicode with a mark, or plain UTF-8, always reads back
        assert GOOD in article.text


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                           max_leaves=12)


@FAST
@given(lines=st.lists(st.one_of(st.text(max_size=80), json_values.map(json.dumps),
                                st.fixed_dictionaries({"text": st.just(GOOD)}, optional={
                                    "title": json_values, "outlet": json_values, "url": json_values, "id": json_values,
                                }).map(json.dumps)), max_size=8))
def test_any_jsonl_keeps_its_good_lines(tmp_path, lines):
    good_line = json.dumps({"text": GOOD + " Anchor line.", "outlet": "Gazette"})
    p = tmp_path / "z.jsonl"
    p.write_text("\n".join([*lines, good_line]), encoding="utf-8")
    items = list(read_items(str(p)))
    _one_line_results(items)
    assert any(isinstance(i, RawArticle) and i.text.endswith("Anchor line.") and i.outlet == "Gazette" for i in items)


@settings(max_examples=200, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=60))
def test_who_said_answers_any_search_string(seeds_db, query):
    from quotes.db import make_engine
    from quotes.search import who_said

    engine = make_engine(f"sqlite:///{seeds_db}")
    try:
        with engine.connect() as conn:
            rows = who_said(conn, query, limit=5)
    finally:
        engine.dispose()
    assert isinstance(rows, list) and len(rows) <= 5
