"""`quotes serve`: every page and canned query through Datasette's own test client, on the seeds'
database (ingested once per session by conftest's ``seeds_db``)."""
from __future__ import annotations

import asyncio
import hashlib
import html
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from datetime import datetime

import pytest

from quotes.cli import cli
from quotes.web.serve import CANNED_QUERIES, SCHEMA_DOCS, make_datasette, read_schema_doc
from quotes.web.timeline import Mark, axis_ticks, parse_published, timeline_svg


class Site:
    """A Datasette over a quotes database, asked as a browser would (httpx over ASGI, no socket)."""

    def __init__(self, path):
        self.path, self.name = path, path.stem
        self.ds = make_datasette(path)

    def get(self, url: str):
        return asyncio.run(self.ds.client.get(url))

    def page(self, url: str) -> str:
        r = self.get(url)
        assert r.status_code == 200, (url, r.status_code, r.text[:500])
        return r.text

    def rows(self, url: str) -> list[dict]:
        r = self.get(url + ("&" if "?" in url else "?") + "_shape=array")
        assert r.status_code == 200, (url, r.text[:500])
        return r.json()


# Two outlets quoting the same words, one crediting the mayor, the other her spokesman: a conflicting
# attribution (the seeds hold none since groups keep one source's statement, issue 30)
CONFLICT_WORDS = "The bridge will stay closed until every cable has been replaced and tested by independent engineers"
CONFLICT_ARTICLES = {
    "mayor.txt": f"The river crossing will not reopen this year.\n\n“{CONFLICT_WORDS},” Mayor Elena Brandt said on Monday.\n",
    "spokesman.txt": f"Drivers face months of detours.\n\n“{CONFLICT_WORDS},” said Tomas Weil, a spokesman for the city.\n",
}


@pytest.fixture(scope="module")
def served_db(seeds_db, tmp_path_factory):
    """The seeds' database with two more articles that hold a conflicting attribution."""
    import shutil

    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("conflict")
    for name, text in CONFLICT_ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    path = tmp_path_factory.mktemp("served") / "served.db"
    shutil.copy(seeds_db, path)
    r = CliRunner().invoke(cli, ["--db", str(path), "ingest", "--silent", str(folder)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return path


@pytest.fixture(scope="module")
def site(served_db):
    return Site(served_db)


def one(db_path, stmt: str, *params):
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = conn.execute(stmt, params).fetchall()
    finally:
        conn.close()
    return rows


def group_of(db_path, text_like: str) -> int:
    """The variant group of the quotes whose text is like ``text_like`` (they must share one)."""
    groups = {g for (g,) in one(db_path, "SELECT variant_id FROM quotes WHERE text LIKE ?", text_like)}
    assert len(groups) == 1 and None not in groups, groups
    return groups.pop()


def telegram_group(db_path) -> int:
    """Zelensky's Telegram post: its two direct translations and the outlets' reported versions."""
    return group_of(db_path, "Our soldiers have % North Korean %soldiers% Kursk%")


def conflict_group(db_path) -> int:
    return group_of(db_path, "%every cable%")


def zelensky(db_path) -> int:
    (speaker,), = one(db_path, "SELECT DISTINCT speaker_id FROM speaker_aliases WHERE alias = 'Zelensky'")
    return speaker


def text_of(page: str) -> str:
    """The page's text, tags dropped and entities decoded, whitespace folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


# -- Datasette's own pages, with the quotes metadata --------------------------------------------------
def test_index_and_database_pages_offer_search_and_the_canned_queries(site):
    for url in ("/", f"/{site.name}"):
        page = site.page(url)
        assert f'action="/{site.name}/quote_view"' in page and 'name="_search"' in page
        for name, query in CANNED_QUERIES.items():
            assert f'href="/{site.name}/{name}"' in page, name
            assert html.escape(query["title"]) in page


def test_search_over_quote_text_has_the_facets(site):
    data = site.get(f"/{site.name}/quote_view.json?_search=Kursk").json()
    assert data["rows"] and all("kursk" in row[data["columns"].index("text")].lower() for row in data["rows"])
    facets = data["facet_results"]
    assert {"speaker", "outlet", "type", "cue_lemma", "published"} <= set(facets)
    assert {r["value"] for r in facets["outlet"]["results"]} == {"Fox News"}
    assert sum(r["count"] for r in facets["type"]["results"]) == data["filtered_table_rows_count"]
    page = site.page(f"/{site.name}/quote_view?_search=Geneva")
    assert "2 rows where search matches" in text_of(page)
    assert "published (date)" in text_of(page)  # the date facet, empty on the undated seeds


def test_every_table_and_column_is_described_from_the_schema_doc(site):
    docs = read_schema_doc()
    tables = {name for (name,) in one(site.path, "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    for table, doc in docs.items():
        if table not in tables:
            continue
        meta = site.ds.metadata(database=site.name, table=table, fallback=False)
        first_words = doc["description"].replace("`", "").split(":")[0][:30]
        assert first_words in html.unescape(re.sub("<[^>]+>", "", meta["description_html"])), table
        assert set(meta["columns"]) >= set(doc["columns"]), table
        assert all(meta["columns"][c] == d.replace("`", "") for c, d in doc["columns"].items()), table
    for view in ("quote_view", "variant_comparison", "speaker_alias_articles"):
        columns = [c for (_, c, *_) in one(site.path, f"PRAGMA table_info({view})")]
        described = site.ds.metadata("columns", database=site.name, table=view, fallback=False)
        assert set(columns) == set(described), view  # each from the table column it comes from
    assert "(articles.source)" in site.ds.metadata("columns", database=site.name, table="quote_view")["article"]
    page = text_of(site.page(f"/{site.name}/quotes"))
    assert "character offset of the statement in articles.text" in page and "One row per occurrence" in page


def test_the_packaged_schema_doc_is_docs_schema_md():
    """Installed without its docs (a wheel), quotes reads the copy beside its templates: in the
    checkout a link to docs/schema.md, so the two cannot differ."""
    checkout, packaged = SCHEMA_DOCS
    assert packaged.read_text() == checkout.read_text()


def test_no_table_falls_back_to_the_database_description(site):
    """Datasette shows the database's description on a table page that has none of its own."""
    for (table,) in one(site.path, "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"):
        meta = site.ds.metadata(database=site.name, table=table, fallback=False) or {}
        assert meta.get("description_html"), table


# -- canned queries ------------------------------------------------------------------------------------------
QUERY_PARAMS = {"who_said": "text=Geneva", "conflicting_attributions": "", "carried_by_3_outlets": "",
                "what_a_speaker_said": "speaker=Zelensky"}


def test_every_canned_query_is_tested():
    assert set(QUERY_PARAMS) == set(CANNED_QUERIES)


@pytest.mark.parametrize("name", sorted(QUERY_PARAMS))
def test_every_canned_query_returns_rows_on_the_seeds(site, name):
    rows = site.rows(f"/{site.name}/{name}.json?{QUERY_PARAMS[name]}")
    assert rows
    page = site.page(f"/{site.name}/{name}?{QUERY_PARAMS[name]}")
    assert html.escape(CANNED_QUERIES[name]["title"]) in page


def test_who_said_ranks_the_matches_and_takes_any_text(site):
    rows = site.rows(f"/{site.name}/who_said.json?text=Geneva+Conventions")
    assert len(rows) == 2 and all("Geneva Conventions" in r["text"] for r in rows)
    assert {r["speaker"] for r in rows} == {"Security Service of Ukraine", "Volodymyr Zelenskyy"}
    for text in ("", "%22unbalanced", "AND+OR+NOT", "*"):  # FTS5 syntax is never an error
        assert site.rows(f"/{site.name}/who_said.json?text={text}") == []


def test_conflicting_attributions_and_wide_statements(site):
    conflicts = site.rows(f"/{site.name}/conflicting_attributions.json")
    conflict = next(r for r in conflicts if r["variant_id"] == conflict_group(site.path))
    assert "Elena Brandt" in conflict["credited_to"] and "Tomas Weil" in conflict["credited_to"]
    assert telegram_group(site.path) not in {r["variant_id"] for r in conflicts}
    wide = site.rows(f"/{site.name}/carried_by_3_outlets.json")
    assert all(r["n_outlets"] >= 3 for r in wide)
    assert wide[0]["variant_id"] == telegram_group(site.path)  # the most outlets first
    said = site.rows(f"/{site.name}/what_a_speaker_said.json?speaker=Zelensky")
    assert {r["speaker"] for r in said} == {"Volodymyr Zelenskyy"}
    assert len(said) == len(one(site.path, "SELECT id FROM quotes WHERE speaker_id = ?", zelensky(site.path)))


# -- the statement-group page -------------------------------------------------------------------------------
def members(db_path, group: int) -> list[tuple]:
    return one(db_path, "SELECT q.id, q.text, a.source, a.outlet, s.name FROM quotes q JOIN articles a ON a.id = q.article_id "
                        "LEFT JOIN speakers s ON s.id = q.speaker_id WHERE q.variant_id = ? ORDER BY q.id", group)


def test_the_telegram_statement_is_one_group_with_every_outlets_version_side_by_side(site):
    group = telegram_group(site.path)
    page = site.page(f"/-/group/{group}")
    versions = members(site.path, group)
    outlets = {outlet or source for _, _, source, outlet, _ in versions}
    assert len(outlets) >= 4
    assert page.count('<section class="q-outlet">') == len(outlets)
    assert page.count('class="q-version') == len(versions)
    text = text_of(page)
    for outlet in outlets:
        assert outlet in text
    for quote_id, quote_text, *_ in versions:  # every version's own words are on the page
        assert all(word in text for word in quote_text.split()), quote_id
    (canonical,), = one(site.path, "SELECT canonical_text FROM variant_groups WHERE id = ?", group)
    shown = re.findall(r'<article class="q-version[^"]*".*?<p>(.*?)</p>', page, re.S)
    assert len(shown) == len(versions)
    texts = {" ".join(t.split()) for _, t, *_ in versions}
    for diff in shown:  # each version diffed word by word against the canonical form
        assert text_of(re.sub(r"<del>.*?</del>", "", diff)) in texts
        assert text_of(re.sub(r"<ins>.*?</ins>", "", diff)) == " ".join(canonical.split())
    assert sum("<ins>" in d or "<del>" in d for d in shown) == len(versions) - 1  # all but the canonical one
    assert "canonical" in text and "Our soldiers have captured North Korean military personnel" in canonical
    assert 'id="conflict"' not in page and "conflicting attribution" not in text
    assert f'href="/-/speaker/{zelensky(site.path)}"' in page
    assert page.count('class="q-mark"') == len(versions)  # the timeline: one mark per version


def test_a_conflicting_attribution_is_marked_as_such(site):
    group = conflict_group(site.path)
    page = site.page(f"/-/group/{group}")
    conflict = re.search(r'<div class="q-conflict"[^>]*id="conflict">(.*?)</div>', page, re.S)
    assert conflict, "no conflict marker"
    credited = text_of(conflict.group(1))
    for _, _, source, outlet, speaker in members(site.path, group):
        assert speaker in credited and (outlet or source) in credited
    assert "conflicting attribution" in text_of(page)


def test_a_group_page_lists_the_related_statements_of_other_speakers(site):
    from sqlalchemy import create_engine

    from quotes.search import related_statements

    engine = create_engine(f"sqlite:///file:{site.path}?mode=ro&uri=true")
    with engine.connect() as conn:
        groups = [g for (g,) in one(site.path, "SELECT id FROM variant_groups ORDER BY id")]
        related = {g: related_statements(conn, g) for g in groups}
    engine.dispose()
    with_related = [g for g, rs in related.items() if rs]
    assert with_related, "the seeds have related statements"
    for g in with_related:
        text = text_of(site.page(f"/-/group/{g}"))
        assert "Related statements of other speakers" in text
        assert all(" ".join(r["text"].split()) in text for r in related[g])
    without = next(g for g, rs in related.items() if not rs)
    assert "Related statements" not in site.page(f"/-/group/{without}")


def test_missing_pages_are_404(site):
    assert site.get("/-/group/999999").status_code == 404
    assert "No statement group 999999" in site.get("/-/group/999999").text
    assert site.get("/-/speaker/999999").status_code == 404


# -- the speaker page -----------------------------------------------------------------------------------------
def test_the_speaker_page_lists_aliases_where_seen_and_statements(site):
    speaker = zelensky(site.path)
    page = site.page(f"/-/speaker/{speaker}")
    text = text_of(page)
    assert "<h1>Volodymyr Zelenskyy</h1>" in page
    aliases = one(site.path, "SELECT alias, count FROM speaker_aliases WHERE speaker_id = ?", speaker)
    assert len(aliases) >= 3
    table = text_of(re.search(r'<table class="rows-and-columns q-aliases">(.*?)</table>', page, re.S).group(1))
    for alias, count in aliases:
        assert f"{alias} {count}" in table
    for (source,) in one(site.path, "SELECT DISTINCT article FROM speaker_alias_articles WHERE speaker_id = ?", speaker):
        assert source in table
    said = one(site.path, "SELECT text FROM quotes WHERE speaker_id = ?", speaker)
    assert page.count('<tr id="statement-') == len(said)
    assert all(" ".join(t.split()) in text for (t,) in said)
    assert page.count('class="q-mark"') == len(said)
    assert f'href="/-/group/{telegram_group(site.path)}"' in page


def test_cells_link_to_the_group_and_speaker_pages(site):
    page = site.page(f"/{site.name}/quote_view?_search=Geneva")
    assert f'href="/-/speaker/{zelensky(site.path)}">Volodymyr Zelenskyy</a>' in page
    assert f'href="/-/group/{conflict_group(site.path)}"' in site.page(f"/{site.name}/quote_view?_search=cable")
    groups = site.page(f"/{site.name}/variant_groups")
    assert f'href="/-/group/{telegram_group(site.path)}"' in groups
    assert f'href="/-/speaker/{zelensky(site.path)}"' in site.page(f"/{site.name}/speakers")


# -- the timelines --------------------------------------------------------------------------------------------------
def mark_xs(svg: str) -> dict[str, float]:
    return {label: float(x) for x, label in re.findall(r'<circle cx="([\d.]+)"[^>]*/><text[^>]*>([^<]+)</text>', svg)}


def test_a_dated_group_places_each_outlets_version_at_its_date(seeds_copy):
    """The seeds carry no dates: give their articles some, in another order than their ids."""
    dates = {1: "2025-01-12T09:00:00Z", 2: "Sat, 11 Jan 2025 14:05:00 +0000", 3: "January 13, 2025"}
    conn = sqlite3.connect(seeds_copy)
    conn.executemany("UPDATE articles SET published = ? WHERE id = ?", [(d, i) for i, d in dates.items()])
    conn.commit()
    conn.close()
    site = Site(seeds_copy)
    page = site.page(f"/-/group/{telegram_group(seeds_copy)}")
    svg = re.search(r"<svg class=\"q-timeline\".*?</svg>", page, re.S).group(0)
    xs = mark_xs(svg)
    by_article: dict[int, list[float]] = {}
    for number, article in re.findall(r'<article class="q-version[^"]*" id="version-(\d+)" data-article="(\d+)"', page):
        by_article.setdefault(int(article), []).append(xs[number])
    assert set(dates) <= set(by_article)
    assert max(by_article[2]) < min(by_article[1]) < max(by_article[1]) < min(by_article[3])
    undated = [x for a, found in by_article.items() if a not in dates for x in found]
    assert undated and min(undated) > max(by_article[3])  # in the "no date" band, right of the axis
    assert "11 Jan" in svg or "2025-01-11" in svg


def test_timeline_svg_orders_marks_and_escapes_text():
    marks = [Mark("Outlet <B>", datetime(2025, 1, 3), "1", "#0072B2", 'said "x" & <y>'),
             Mark("Outlet A", datetime(2025, 1, 1), "2", "#D55E00", "t", href="#v2"),
             Mark("Outlet A", datetime(2025, 1, 1), "3", "#D55E00", "t"),
             Mark("Outlet C", None, "4", "#8a8a8a", "t")]
    svg = str(timeline_svg(marks, caption="c"))
    xs = mark_xs(svg)
    assert xs["2"] < xs["3"] < xs["1"] < xs["4"]  # same-day marks side by side; undated last
    assert "Outlet &lt;B&gt;" in svg and "&lt;y&gt;" in svg and "<B>" not in svg
    assert '<a href="#v2">' in svg and "no date" in svg


def test_axis_ticks_cover_the_dates_with_round_steps():
    for t0, t1 in [(datetime(2025, 1, 11, 14, 5), datetime(2025, 1, 11, 14, 5)),
                   (datetime(2025, 1, 11, 14, 5), datetime(2025, 1, 13)),
                   (datetime(2019, 3, 2), datetime(2025, 6, 1))]:
        ticks = axis_ticks(t0, t1)
        assert ticks[0] <= t0 and ticks[-1] >= t1 and 2 <= len(ticks) <= 7
        assert all(t.minute == 0 and t.second == 0 for t in ticks)
    assert all(t.day == 1 for t in axis_ticks(datetime(2019, 3, 2), datetime(2025, 6, 1)))


@pytest.mark.parametrize("value,expected", [
    ("2025-01-11", datetime(2025, 1, 11)),
    ("2025-01-11T14:05:00Z", datetime(2025, 1, 11, 14, 5)),
    ("2025-01-11T16:05:00+02:00", datetime(2025, 1, 11, 14, 5)),
    ("Sat, 11 Jan 2025 14:05:00 GMT", datetime(2025, 1, 11, 14, 5)),
    ("January 11, 2025", datetime(2025, 1, 11)),
    ("11 January 2025", datetime(2025, 1, 11)),
    ("last Saturday", None), ("", None), (None, None),
])
def test_parse_published(value, expected):
    assert parse_published(value) == expected


# -- read-only, and the command ----------------------------------------------------------------------------------------
def test_serving_never_writes_the_database(seeds_copy):
    before = hashlib.sha256(seeds_copy.read_bytes()).hexdigest()
    site = Site(seeds_copy)
    for url in ("/", f"/{site.name}/quote_view?_search=Kursk", f"/-/group/{telegram_group(seeds_copy)}",
                f"/-/speaker/{zelensky(seeds_copy)}", f"/{site.name}/conflicting_attributions"):
        site.page(url)
    assert site.get(f"/{site.name}.json?sql=DELETE+FROM+quotes").status_code == 400
    assert hashlib.sha256(seeds_copy.read_bytes()).hexdigest() == before
    assert not [q for q, c in CANNED_QUERIES.items() if c.get("write")]


def test_serve_refuses_a_missing_or_old_database_in_one_line(runner, tmp_path):
    r = runner.invoke(cli, ["--db", str(tmp_path / "none.db"), "serve"])
    assert r.exit_code == 1 and r.output.count("\n") == 1 and "no database at" in r.output
    assert not (tmp_path / "none.db").exists()
    old = tmp_path / "old.db"
    assert runner.invoke(cli, ["--db", str(old), "db", "upgrade", "0001", "--silent"]).exit_code == 0
    r = runner.invoke(cli, ["--db", str(old), "serve"])
    assert r.exit_code == 1 and r.output.count("\n") == 1 and "run `quotes db upgrade`" in r.output


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_quotes_serve_answers_over_http(served_db):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", "from quotes.cli import main; main()", "--db", str(served_db),
                               "serve", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}/-/group/{conflict_group(served_db)}"
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read()
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    page = r.read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline, "quotes serve did not answer"
                time.sleep(0.3)
        assert 'id="conflict"' in page
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert f"http://127.0.0.1:{port}/" in server.stderr.read()


# -- hostile input and requests (issue 31, item 10) ---------------------------------------------------------
@pytest.fixture
def hostile_site(seeds_copy):
    """The seeds, with article addresses and dates as hostile input can make them."""
    con = sqlite3.connect(seeds_copy)
    con.execute("UPDATE articles SET url = 'javascript:alert(document.cookie)', published = '9999-12-31T23:00:00-05:00' "
                "WHERE id = 1")
    con.execute("UPDATE articles SET url = 'https://example.org/ok', published = '0001-01-01T01:00:00+05:00' WHERE id = 2")
    con.commit()
    con.close()
    return Site(seeds_copy)


def test_an_article_address_becomes_a_link_only_over_http(hostile_site):
    group = telegram_group(hostile_site.path)
    page = hostile_site.page(f"/-/group/{group}")
    assert "javascript:" not in page
    assert 'href="https://example.org/ok"' in page


def test_dates_at_the_edges_of_the_calendar_are_no_error(hostile_site):
    assert parse_published("9999-12-31T23:00:00-05:00") is None and parse_published("0001-01-01T01:00:00+05:00") is None
    for page in (f"/-/group/{telegram_group(hostile_site.path)}", f"/-/speaker/{zelensky(hostile_site.path)}"):
        assert hostile_site.get(page).status_code == 200


@pytest.mark.parametrize("path", ["/-/group/1", "/nonexistent", "/{db}/quotes", "/{db}/quote_view"])
def test_a_request_to_change_anything_is_refused(site, path):
    r = asyncio.run(site.ds.client.post(path.format(db=site.name), data={"sql": "delete from quotes"}))
    assert r.status_code == 405 and "read-only" in r.text


def test_every_page_carries_a_content_security_policy(site):
    for url in ("/", f"/-/group/{telegram_group(site.path)}", f"/{site.name}/quote_view"):
        policy = site.get(url).headers.get("content-security-policy", "")
        assert "default-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy


def test_a_group_page_shows_the_corrections_a_person_made(seeds_copy, runner):
    """`quotes variants detach` and `split` are listed on the page of the group they changed."""
    group = telegram_group(seeds_copy)
    (member,), = one(seeds_copy, "SELECT id FROM quotes WHERE text LIKE 'Ukrainian forces have taken two North Korean soldiers captive%'")
    assert runner.invoke(cli, ["--db", str(seeds_copy), "variants", "detach", str(member)]).exit_code == 0
    text = text_of(Site(seeds_copy).page(f"/-/group/{group}"))
    assert "Corrected by hand" in text and f"quote {member} detached from this group" in text
    other = next(g for (g,) in one(seeds_copy, "SELECT id FROM variant_groups WHERE id != ? AND n_articles > 1 ORDER BY id", group))
    assert "Corrected by hand" not in text_of(Site(seeds_copy).page(f"/-/group/{other}"))


# -- issue 32, item 7: the serve defects a new user hit -------------------------------------------------
def test_a_page_id_that_is_not_a_number_is_a_404_that_says_so(site):
    for url, says in (("/-/group/abc", "No statement group 'abc': a group's id is a number"),
                      ("/-/speaker/zelensky", "No speaker 'zelensky': a speaker's id is a number")):
        import html

        r = site.get(url)
        assert r.status_code == 404 and says in html.unescape(r.text) and "Database not found" not in r.text


def test_group_and_speaker_pages_have_a_json_form(site, served_db):
    group = telegram_group(served_db)
    data = site.get(f"/-/group/{group}.json")
    assert data.status_code == 200 and data.headers["content-type"].startswith("application/json")
    body = data.json()
    assert body["group"]["id"] == group and len(body["members"]) >= 3 and {"members", "related", "corrections"} <= set(body)
    (speaker,), = one(served_db, "SELECT id FROM speakers WHERE name = 'Volodymyr Zelenskyy'")
    said = site.get(f"/-/speaker/{speaker}.json").json()
    assert said["speaker"]["name"] == "Volodymyr Zelenskyy" and said["quotes"] and said["aliases"]
    assert site.get("/-/group/999999.json").status_code == 404


def test_sorting_by_a_column_that_does_not_exist_is_a_400_not_a_500(site):
    r = site.get(f"/{site.name}/quote_view?_sort=nonexistent")
    assert r.status_code == 400 and "cannot sort quote_view by 'nonexistent'" in r.text
    assert site.get(f"/{site.name}/articles?_sort_desc=nope").status_code == 400
    assert site.get(f"/{site.name}/articles?_sort=published").status_code == 200


def test_an_article_page_marks_its_statements_and_says_who_said_each(site, served_db):
    """Issue 32, items 3 and 7: the article page was a raw row. It is the article's text with every
    statement marked and numbered, and a table of who each is credited to, linked to the speaker
    and the group; group pages link their outlets' articles to it."""
    import html
    import re

    (article,), = one(served_db, "SELECT id FROM articles WHERE source LIKE '002%'")
    statements = [dict(zip(("id", "text", "speaker_id", "variant_id"), r)) for r in sqlite3.connect(served_db).execute(
        "SELECT id, text, speaker_id, variant_id FROM quotes WHERE article_id = ? ORDER BY start, \"end\", id", (article,))]
    page = site.page(f"/-/article/{article}")
    marks = re.findall(r'<mark class="q-mark" id="s(\d+)"', page)
    assert [int(m) for m in marks] == list(range(1, len(statements) + 1))
    text_part = page.split('<div class="q-article-text">', 1)[1].split("</div>", 1)[0]
    plain = html.unescape(re.sub(r"<sup>\d+</sup>|<[^>]+>", "", text_part))
    for st in statements:
        assert st["text"][:40] in plain
    table = page.split("Who said each", 1)[1]
    for st in statements:
        if st["speaker_id"]:
            assert f"/-/speaker/{st['speaker_id']}" in table
        if st["variant_id"]:
            assert f"/-/group/{st['variant_id']}" in table
    data = site.get(f"/-/article/{article}.json").json()
    assert [q["quote_id"] for q in data["statements"]] == [st["id"] for st in statements]
    group = telegram_group(served_db)
    assert f"/-/article/{article}" in site.page(f"/-/group/{group}")
    assert site.get("/-/article/abc").status_code == 404
