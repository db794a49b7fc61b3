"""`quotes serve`: the database in a web browser, read-only, on Datasette.

Datasette does the browsing: table and view pages, full-text search over quote text with facets
(speaker, outlet, type, cue, publication date), canned queries for the common questions, and the
description of every table and column, read from docs/schema.md so it cannot drift from the doc.
This module adds, as a Datasette plugin registered in-process (it is not an entry point, so a plain
`datasette` never loads it):

- a page per statement group (``/-/group/ID``): each outlet's version side by side, diffed word by
  word against the group's canonical form (``grouping.pairs.word_diff``, what `quotes compare`
  prints), the speaker each outlet credited, the conflict marked when the group's
  ``speakers_differ`` flag (set by ``grouping.groups.refresh_group``) says the outlets credit
  different speakers, and the related statements of other speakers (``search.related_statements``);
- a page per speaker (``/-/speaker/ID``): aliases, where each was seen, statements over time;
- timelines drawn as inline SVG, server-side (``timeline.py``): nothing is fetched, no script runs.

These pages read through the library's own queries (``search.py``) on a read-only SQLAlchemy engine.

The file is opened with SQLite's ``mode=ro`` (Datasette's "mutable" mode, which only reads), not
``immutable=1``: an ingest may write to the database while it is served, and an immutable open
would neither see its rows nor read a write-ahead log that was not checkpointed. No canned query
writes. Heavy libraries (torch, Stanza) are never imported here.
"""
from __future__ import annotations

import asyncio
import re
import sys
from contextlib import closing
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from datasette import hookimpl
from markupsafe import Markup, escape

from ..grouping.pairs import word_diff
from ..search import (
    QUOTE_COLUMNS,
    article_with_statements,
    chosen_member,
    fts_query,
    marked_text,
    related_statements,
    variant_members,
)
from .timeline import NO_KEY_COLOUR, TYPE_COLOURS, Mark, colours_for, parse_published, timeline_svg

PLUGIN = "quotes"
TEMPLATES = Path(__file__).resolve().parent / "templates"
# docs/schema.md in a checkout; the copy packaged beside the templates (a symlink in the checkout,
# a file in a built wheel) where quotes was installed without its docs
SCHEMA_DOCS = (Path(__file__).resolve().parents[2] / "docs" / "schema.md", TEMPLATES / "schema.md")
# index data, not for reading: still described, listed under "hidden tables"
HIDDEN_TABLES = {"alembic_version", "quote_vectors", "speaker_keys", "term_stats"}
OWN_TABLES = {  # tables the schema doc does not cover, because quotes did not design them
    "alembic_version": ("Alembic's record of the schema revision (`quotes db current`).",
                        {"version_num": "the revision the database is at"}),
    "sqlite_sequence": ("SQLite's record of the largest id handed out in each AUTOINCREMENT table.", {}),
}
FTS_SHADOW = re.compile(r"_(data|idx|docsize|config|content)$")


class ServeError(RuntimeError):
    """The database cannot be served; the message says why in one line."""


# -- the table and column descriptions, from docs/schema.md --------------------------------------
def schema_doc(text: str) -> dict[str, dict]:
    """{table or view: {"description": markdown, "columns": {column: markdown}}} from the schema doc:
    each ``### table`` heading, the paragraph under it and its column table; each row of the views
    table (``## Views``) describes a view."""
    docs: dict[str, dict] = {}
    current, section = None, None
    for line in text.splitlines():
        if line.startswith("## "):
            section, current = line[3:].strip(), None
            continue
        heading = re.match(r"^### (\w+)", line)
        if heading:
            current = docs.setdefault(heading.group(1), {"description": "", "columns": {}})
            continue
        row = re.match(r"^\| (\w+) \| (.*) \|$", line)
        if row and row.group(1) in ("column", "view"):
            continue
        if row and section == "Views":
            docs[row.group(1)] = {"description": row.group(2).replace("\\|", "|"), "columns": {}}
        elif row and current is not None:
            current["columns"][row.group(1)] = row.group(2).replace("\\|", "|")
        elif current is not None and line.strip() and not line.startswith("|"):
            current["description"] = f"{current['description']} {line.strip()}".strip()
    return docs


def read_schema_doc() -> dict[str, dict]:
    for path in SCHEMA_DOCS:
        if path.is_file():
            return schema_doc(path.read_text(encoding="utf-8"))
    raise ServeError(f"the schema doc is missing (looked for {', '.join(map(str, SCHEMA_DOCS))}): reinstall quotes")


def view_sources(sql: str) -> dict[str, tuple[str, str]]:
    """For a view's CREATE statement: {view column: (table, column)} for every column taken
    straight from a table (``q.id AS quote_id`` in ``FROM quotes q``)."""
    tables = {alias: table for table, alias in re.findall(r"\b(?:FROM|JOIN)\s+(\w+)\s+(?:AS\s+)?(\w+)", sql, re.I)}
    select = re.search(r"\bSELECT\s+(?:DISTINCT\s+)?(.*?)\s+FROM\s", sql, re.I | re.S)
    found = {}
    for alias, column, name in re.findall(r'\b(\w+)\."?(\w+)"?(?:\s+AS\s+(\w+))?', select.group(1) if select else ""):
        if alias in tables:
            found[name or column] = (tables[alias], column)
    return found


def plain(markdown: str) -> str:
    """Column descriptions are shown as plain text: drop the code marks."""
    return markdown.replace("`", "")


def as_html(markdown: str) -> str:
    """A description's inline code as <code>, everything else escaped."""
    parts = str(escape(markdown)).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def describe_tables(conn, docs: dict[str, dict]) -> dict[str, dict]:
    """Datasette's metadata for every table and view of the database: the doc's descriptions; a
    view's columns described by the table columns they come from."""
    out = {}
    for name, kind, sql in conn.execute("SELECT name, type, sql FROM sqlite_master WHERE type IN ('table', 'view')"):
        if FTS_SHADOW.search(name) and name.rsplit("_", 1)[0] in docs:
            out[name] = {"description_html": f"FTS5's own storage for {name.rsplit('_', 1)[0]}.", "hidden": True}
            continue
        doc = docs.get(name) or dict(zip(("description", "columns"), OWN_TABLES.get(name, ("", {}))))
        description, columns = doc["description"], dict(doc["columns"])
        sources = view_sources(sql or "") if kind == "view" else {}
        content = re.search(r"content=\[?'?(\w+)", sql or "")
        for column in _column_names(conn, name):
            source = sources.get(column) or ((content.group(1), column) if content else None)
            if column not in columns and source and source[1] in docs.get(source[0], {}).get("columns", {}):
                columns[column] = f"{docs[source[0]]['columns'][source[1]]} ({source[0]}.{source[1]})"
        out[name] = {"description_html": as_html(description), "columns": {c: plain(d) for c, d in columns.items()}}
        if name in HIDDEN_TABLES:
            out[name]["hidden"] = True
    return out


def _column_names(conn, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")]


# -- canned queries and table options ---------------------------------------------------------------
CANNED_QUERIES = {
    "who_said": {
        "title": "Who said X?",
        "description": "Full-text search over quote text, best matches first: who said it, in which outlet and "
                       "article, with which cue (what `quotes who-said` runs). Every word must occur.",
        "sql": """SELECT q.quote_id, q.speaker, q.speaker_id, q.type, q.cue_text, q.outlet, q.article, q.published,
       q.text, q.variant_id
FROM (SELECT rowid AS id, rank FROM quotes_fts WHERE quotes_fts MATCH quotes_fts_query(:text)) AS hits
JOIN quote_view q ON q.quote_id = hits.id
ORDER BY hits.rank, q.quote_id""",
    },
    "conflicting_attributions": {
        "title": "Conflicting attributions",
        "description": "Statements that outlets credit to different speakers (the group's speakers_differ flag), "
                       "with who was credited where.",
        "sql": """SELECT g.id AS variant_id, g.n_outlets, g.n_articles,
       (SELECT group_concat(credit, '; ') FROM (
            SELECT DISTINCT coalesce(c.speaker, 'no speaker found') || ' (' || coalesce(c.outlet, c.article) || ')'
                   AS credit
            FROM variant_comparison c WHERE c.variant_id = g.id ORDER BY credit)) AS credited_to,
       g.canonical_text
FROM variant_groups g WHERE g.speakers_differ
ORDER BY g.n_outlets DESC, g.n_articles DESC, g.id""",
    },
    "carried_by_3_outlets": {
        "title": "Statements carried by 3+ outlets",
        "description": "Statement groups that three or more outlets reported (articles with no known outlet count "
                       "one each), with their wording, framing and attribution flags.",
        "sql": """SELECT g.id AS variant_id, g.n_outlets, g.n_articles, g.wording_differs, g.framing_differs,
       g.speakers_differ,
       (SELECT group_concat(DISTINCT s.name) FROM quotes q JOIN speakers s ON s.id = q.speaker_id
        WHERE q.variant_id = g.id) AS speakers,
       g.canonical_text
FROM variant_groups g WHERE g.n_outlets >= 3
ORDER BY g.n_outlets DESC, g.n_articles DESC, g.id""",
    },
    "what_a_speaker_said": {
        "title": "What a speaker said",
        "description": "Every statement of the speakers whose name or an alias contains the text, by publication "
                       "date and article.",
        "sql": """SELECT q.speaker, q.speaker_id, q.published, q.outlet, q.article, q.type, q.cue_text,
       q.speaker_mention, q.text, q.variant_id
FROM quote_view q
WHERE q.speaker_id IN (SELECT id FROM speakers WHERE name LIKE '%' || :speaker || '%'
                       UNION SELECT speaker_id FROM speaker_aliases WHERE alias LIKE '%' || :speaker || '%')
ORDER BY q.speaker, q.published, q.article_id, q.start""",
    },
}

TABLE_OPTIONS = {
    "quote_view": {"fts_table": "quotes_fts", "fts_pk": "quote_id", "sort": "quote_id",
                   "facets": ["speaker", "outlet", "type", "cue_lemma", {"date": "published"}]},
    "variant_comparison": {"facets": ["outlet", "speaker", "speakers_differ"], "sort": "variant_id"},
    "quotes": {"facets": ["type", "cue_lemma"]},
    "speakers": {"label_column": "name", "facets": ["kind"]},
    "articles": {"label_column": "source", "facets": ["outlet"]},
}


def navigation_html(database: str) -> str:
    """The search form and the ways in, on the index and database pages."""
    from datasette.utils import tilde_encode

    base = "/" + tilde_encode(database)
    links = [(f"{base}/quote_view", "every quote, with facets"), (f"{base}/variant_groups", "statement groups"),
             (f"{base}/speakers", "speakers")]
    links += [(f"{base}/{name}", q["title"]) for name, q in CANNED_QUERIES.items()]
    items = "".join(f'<li><a href="{escape(href)}">{escape(label)}</a></li>' for href, label in links)
    return (f'<p>Who said what, and how each outlet told it.</p>'
            f'<form class="q-search" action="{escape(base)}/quote_view" method="get">'
            f'<input type="search" name="_search" placeholder="Search quote text" aria-label="Search quote text"> '
            f'<input type="submit" value="Search"></form><ul>{items}</ul>')


def build_metadata(path: Path, database: str) -> dict:
    """Datasette's metadata for the quotes database at ``path``, served as ``database``."""
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = describe_tables(conn, read_schema_doc())
    finally:
        conn.close()
    for name, options in TABLE_OPTIONS.items():
        if name in tables:
            tables[name].update(options)
    nav = navigation_html(database)
    return {
        "title": "quotes",
        "description_html": nav,
        "databases": {database: {"description_html": nav, "tables": tables, "queries": CANNED_QUERIES}},
        "plugins": {PLUGIN: {"database": database}},
    }


# -- what the pages show --------------------------------------------------------------------------------
def lane_of(row: dict) -> str:
    """Where an occurrence was published: its outlet, or its article when the outlet is unknown
    (as ``variant_groups.n_outlets`` counts them)."""
    return row["outlet"] or row["article"]


def by_publication(rows: list[dict]) -> list[dict]:
    """Occurrences in publication order (undated ones last), then by article and position."""
    for r in rows:
        r["when"] = parse_published(r["published"])
    return sorted(rows, key=lambda r: (r["when"] is None, r["when"] or datetime.min, r["article_id"], r["start"]))


def group_context(group: dict, members: list[dict], related: list[dict], urls, corrections: list[dict] = ()) -> dict:
    """What the statement-group page shows: the canonical form, the outlets' columns of numbered
    versions each diffed against it, the credits, the conflict, the timeline, and the related
    statements of other speakers."""
    members = by_publication(members)
    lanes = list(dict.fromkeys(map(lane_of, members)))  # outlets by their first publication
    members.sort(key=lambda m: lanes.index(lane_of(m)))  # stable: by publication within an outlet
    canonical = chosen_member(members, group["canonical_quote_id"])
    colours = colours_for(m["speaker"] for m in members)
    for number, m in enumerate(members, 1):
        m.update(number=number, canonical=m is canonical, diff=word_diff(canonical["text"], m["text"]),
                 colour=colours[m["speaker"]], speaker_href=urls.speaker(m["speaker_id"]))
    numbers = {m["quote_id"]: m["number"] for m in members}
    for r in related:
        r.update(lane=lane_of(r), related_to_number=numbers.get(r["related_to"]), speaker_href=urls.speaker(r["speaker_id"]),
                 group_href=urls.group(r["variant_id"]) if r["variant_id"] else None)
    marks = [Mark(lane_of(m), m["when"], str(m["number"]), m["colour"], _version_title(m), f"#version-{m['number']}")
             for m in members]
    caption = f"When each outlet published which version of statement {group['id']}"
    return {"group": group, "canonical": canonical, "columns": outlet_columns(members, urls),
            "credits": credits(members, colours, urls), "conflict": bool(group["speakers_differ"]), "related": related,
            "undated": sum(m["when"] is None for m in members), "n_members": len(members),
            "timeline": timeline_svg(marks, caption=caption),
            "corrections": [{**c, "numbers": [numbers[q] for q in c["members"] if q in numbers]} for c in corrections]}


def web_url(url: str | None) -> str | None:
    """``url`` when a browser may follow it (http or https), else None: an article's stored address
    is data from the input, and a ``javascript:`` or ``data:`` one must never become a link."""
    if not url:
        return None
    scheme = urlsplit(url.strip()).scheme.lower()
    return url.strip() if scheme in ("http", "https") else None


def outlet_columns(members: list[dict], urls) -> list[dict]:
    """One column per outlet (an article where the outlet is unknown), holding its articles, each with
    the versions it carried."""
    columns: dict[str, dict] = {}
    for m in members:
        column = columns.setdefault(lane_of(m), {"name": lane_of(m), "outlet_known": bool(m["outlet"]), "articles": {}})
        article = column["articles"].setdefault(m["article_id"], {
            "article_id": m["article_id"], "article": m["article"], "title": m["title"], "url": web_url(m["url"]),
            "published": m["published"], "href": urls.article(m["article_id"]), "versions": []})
        article["versions"].append(m)
    return [dict(c, articles=list(c["articles"].values())) for c in columns.values()]


def credits(members: list[dict], colours: dict, urls) -> list[dict]:
    """Each speaker credited with the statement, and the outlets that credited them."""
    found: dict = {}
    for m in members:
        credit = found.setdefault(m["speaker"], {"speaker": m["speaker"] or "no speaker found", "outlets": [],
                                                 "colour": colours[m["speaker"]], "href": urls.speaker(m["speaker_id"])})
        if lane_of(m) not in credit["outlets"]:
            credit["outlets"].append(lane_of(m))
    return list(found.values())


def _version_title(m: dict) -> str:
    return (f"#{m['number']} {m['published'] or 'no date'} · {lane_of(m)} · {m['speaker'] or 'no speaker found'} "
            f"({m['type']}): {m['text']}")


def speaker_context(speaker: dict, aliases: list[dict], seen: list[dict], quotes: list[dict], groups: dict,
                    urls) -> dict:
    """What the speaker page shows: aliases with where each was seen, and the statements over time."""
    where: dict[str, list] = {}
    for r in seen:
        place = {"name": lane_of(r), "article": r["article"], "href": urls.article(r["article_id"])}
        if place not in where.setdefault(r["alias"], []):
            where[r["alias"]].append(place)
    quotes = by_publication(quotes)
    for number, q in enumerate(quotes, 1):
        q.update(number=number, lane=lane_of(q), colour=TYPE_COLOURS.get(q["type"], NO_KEY_COLOUR),
                 group=groups.get(q["variant_id"]), group_href=urls.group(q["variant_id"]) if q["variant_id"] else None)
    marks = [Mark(q["lane"], q["when"], str(q["number"]), q["colour"], _statement_title(q), f"#statement-{q['number']}")
             for q in quotes]
    return {"speaker": speaker, "aliases": [dict(a, seen=where.get(a["alias"], [])) for a in aliases],
            "quotes": quotes, "undated": sum(q["when"] is None for q in quotes),
            "type_colours": {t: c for t, c in TYPE_COLOURS.items() if any(q["type"] == t for q in quotes)},
            "timeline": timeline_svg(marks, caption=f"What {speaker['name']} said, by publication date and outlet")}


def _statement_title(q: dict) -> str:
    return (f"#{q['number']} {q['published'] or 'no date'} · {q['lane']} ({q['type']}, {q['cue_text'] or 'no cue'}): "
            f"{q['text']}")


# -- the plugin: routes, pages, cells ------------------------------------------------------------------
class Urls:
    """Links to this plugin's pages and Datasette's, honouring Datasette's base_url."""

    def __init__(self, datasette, database: str):
        self.ds, self.database = datasette, database

    def group(self, variant_id) -> str:
        return self.ds.urls.path(f"/-/group/{variant_id}")

    def speaker(self, speaker_id) -> str | None:
        return self.ds.urls.path(f"/-/speaker/{speaker_id}") if speaker_id is not None else None

    def article(self, article_id) -> str:
        return self.ds.urls.path(f"/-/article/{article_id}")

    def article_row(self, article_id) -> str:
        return self.ds.urls.row(self.database, "articles", str(article_id))

    def table(self, table: str, **filters) -> str:
        from urllib.parse import urlencode

        return self.ds.urls.table(self.database, table) + ("?" + urlencode(filters) if filters else "")


def _ours(datasette) -> str | None:
    """The database this plugin serves, or None for a Datasette that quotes did not set up."""
    config = datasette.plugin_config(PLUGIN)
    return config and config.get("database")


# the pages read through the library's own queries (search.py), on a read-only SQLAlchemy engine
SPEAKER_QUOTES = f"SELECT {QUOTE_COLUMNS} FROM quote_view WHERE speaker_id = :id ORDER BY article_id, start"


@cache
def _engine(path: str):
    from ..db import db_url, make_engine

    return make_engine(db_url(path), readonly=True)


def read_group(conn, group_id: int) -> dict | None:
    """A statement group, its members (``search.variant_members``) and the statements of other
    speakers related to them (``search.related_statements``); None when there is no such group."""
    from sqlalchemy import text as sql

    group = conn.execute(sql("SELECT * FROM variant_groups WHERE id = :id"), {"id": group_id}).mappings().first()
    members = variant_members(conn, group_id)
    if group is None or not members:
        return None
    from ..grouping.corrections import corrections_of

    corrections = corrections_of(conn, {m["quote_id"] for m in members})
    return {"group": dict(group), "members": members, "related": related_statements(conn, group_id), "corrections": corrections}


def read_speaker(conn, speaker_id: int) -> dict | None:
    """A speaker, their aliases, the articles each alias was seen in, what they said and the flags of
    the groups their statements are in; None when there is no such speaker."""
    from sqlalchemy import text as sql

    def rows(stmt: str) -> list[dict]:
        return [dict(r) for r in conn.execute(sql(stmt), {"id": speaker_id}).mappings()]

    speaker = rows("SELECT id, name, kind, description FROM speakers WHERE id = :id")
    if not speaker:
        return None
    return {"speaker": speaker[0],
            "aliases": rows("SELECT alias, count FROM speaker_aliases WHERE speaker_id = :id ORDER BY count DESC, alias"),
            "seen": rows("SELECT alias, article_id, article, outlet FROM speaker_alias_articles WHERE speaker_id = :id "
                         "ORDER BY article_id"),
            "quotes": rows(SPEAKER_QUOTES),
            "groups": {g["id"]: g for g in rows("SELECT id, n_outlets, speakers_differ FROM variant_groups WHERE id IN "
                                                "(SELECT variant_id FROM quotes WHERE speaker_id = :id)")}}


def read_article(conn, article_id: int) -> dict | None:
    """An article and its statements in text order (``search.article_with_statements``), or None."""
    found = article_with_statements(conn, article_id)
    if found is None:
        return None
    article, statements = found
    return {"article": article, "statements": statements}


def article_context(article: dict, statements: list[dict], urls) -> dict:
    """The article page: its text with every statement marked (nested where one holds another,
    coloured by type, numbered as in the table below it), and who each is credited to."""
    def opening(n, st):
        who = st["speaker"] or "no speaker resolved"
        return (f'<mark class="q-mark" id="s{n}" style="border-color: {TYPE_COLOURS.get(st["type"], NO_KEY_COLOUR)}" '
                f'title="{escape(who)} ({escape(st["type"])})"><sup>{n}</sup>')

    rows = [{"number": n, "type": st["type"], "cue": st["cue_text"], "speaker": st["speaker"],
             "speaker_href": urls.speaker(st["speaker_id"]), "written": st["speaker_mention"],
             "group": st["variant_id"], "group_href": urls.group(st["variant_id"]) if st["variant_id"] else None,
             "quote_id": st["quote_id"], "colour": TYPE_COLOURS.get(st["type"], NO_KEY_COLOUR)}
            for n, st in enumerate(statements, 1)]
    marked = marked_text(article["text"], statements, opening, lambda n, st: "</mark>", plain=lambda t: str(escape(t)))
    return {"article": article, "marked": Markup(marked), "statements": rows, "type_colours": TYPE_COLOURS,
            "row_href": urls.article_row(article["article_id"])}


async def article_page(request, datasette):
    def view(found, urls, article_id):
        context = article_context(found["article"], found["statements"], urls)
        context.update(articles_href=urls.table("articles"))
        return "quotes_article.html", context

    return await _page(request, datasette, ("article", "an article's", "articles"), read_article, view)


async def _read(datasette, read, key: int):
    """``read(conn, key)`` in a worker thread, on the served database."""
    path = datasette.get_database(_ours(datasette)).path

    def work():
        with _engine(path).connect() as conn:
            return read(conn, key)

    return await asyncio.to_thread(work)


async def _not_found(datasette, request, message: str):
    """A 404 page, rendered here: raised as NotFound, Datasette prints a traceback for every miss."""
    from datasette.utils.asgi import Response

    context = {"error": message, "status": 404, "title": None}
    page = await datasette.render_template("error.html", context, request=request)
    return Response.html(page, status=404)


def _key(request) -> int | None:
    """The page's id from its URL, None when it is not a number."""
    raw = request.url_vars["id"]
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def _as_json(found: dict):
    """A page's data as its ``.json`` form (what the HTML page shows, as records)."""
    import json

    from datasette.utils.asgi import Response

    return Response(json.dumps(found, ensure_ascii=False, default=str, indent=2), content_type="application/json; charset=utf-8")


async def _page(request, datasette, names: tuple[str, str, str], read, view):
    """One of our pages: the id from the URL (a 404 that says why when it is not a number or names
    nothing), ``read(conn, id)`` in a thread, then the ``.json`` form or the HTML one, whose template
    and context ``view(found, urls, id)`` gives. ``names``: what the page shows, whose id it is, and
    the table that lists them ("statement group", "a group's", "statement groups")."""
    from datasette.utils.asgi import Response

    what, whose, listing = names
    name, key = _ours(datasette), _key(request)
    if key is None:
        return await _not_found(datasette, request, f"No {what} {request.url_vars['id']!r}: {whose} id is a number "
                                                    f"(see the {listing} table)")
    found = await _read(datasette, read, key)
    if found is None:
        return await _not_found(datasette, request, f"No {what} {key}: see the {listing} table")
    if request.url_vars.get("json"):
        return _as_json(found)
    template, context = view(found, Urls(datasette, name), key)
    context.update(database=name)
    return Response.html(await datasette.render_template(template, context, request=request))


async def group_page(request, datasette):
    def view(found, urls, group_id):
        context = group_context(found["group"], found["members"], found["related"], urls, found["corrections"])
        context.update(comparison_href=urls.table("variant_comparison", variant_id=group_id),
                       groups_href=urls.table("variant_groups"))
        return "quotes_group.html", context

    return await _page(request, datasette, ("statement group", "a group's", "statement groups"), read_group, view)


async def speaker_page(request, datasette):
    def view(found, urls, speaker_id):
        context = speaker_context(found["speaker"], found["aliases"], found["seen"], found["quotes"], found["groups"], urls)
        context.update(quotes_href=urls.table("quote_view", speaker_id=speaker_id), speakers_href=urls.table("speakers"))
        return "quotes_speaker.html", context

    return await _page(request, datasette, ("speaker", "a speaker's", "speakers"), read_speaker, view)


@hookimpl
def register_routes(datasette):
    if not _ours(datasette):
        return []
    return [(r"^/-/group/(?P<id>[^/]+?)(?P<json>\.json)?$", group_page),
            (r"^/-/speaker/(?P<id>[^/]+?)(?P<json>\.json)?$", speaker_page),
            (r"^/-/article/(?P<id>[^/]+?)(?P<json>\.json)?$", article_page)]


# what the pages may load: their own scripts and styles (Datasette's pages carry inline ones), no
# other site's, no plugins, no framing by another site, forms posted only here
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                           "form-action 'self'")
READ_METHODS = ("GET", "HEAD")


@hookimpl
def asgi_wrapper(datasette):
    """Every response carries ``CONTENT_SECURITY_POLICY``; a request to change anything (POST, PUT,
    DELETE, ...) is answered 405, since `quotes serve` only reads (Datasette answered a POST to a
    table with a 500)."""
    def wrap(app):
        async def wrapped(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            if scope["method"] not in READ_METHODS:
                return await _read_only(send)
            bad = _bad_sort(datasette, scope)
            if bad:
                return await _plain(send, 400, bad)

            async def with_policy(message):
                if message["type"] == "http.response.start":
                    message = dict(message, headers=[*message.get("headers", []),
                                                     (b"content-security-policy", CONTENT_SECURITY_POLICY.encode())])
                await send(message)

            return await app(scope, receive, with_policy)
        return wrapped
    return wrap


async def _read_only(send) -> None:
    await _plain(send, 405, "quotes serve is read-only: only GET and HEAD are answered", [(b"allow", b"GET, HEAD")])


async def _plain(send, status: int, message: str, headers: list = ()) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), *headers,
                            (b"content-security-policy", CONTENT_SECURITY_POLICY.encode())]})
    await send({"type": "http.response.body", "body": (message + "\n").encode()})


def _bad_sort(datasette, scope) -> str | None:
    """What is wrong with a table page's ``_sort`` or ``_sort_desc`` (a column the table or view does
    not have), or None: Datasette answered such a request with a 500 and a traceback."""
    from urllib.parse import parse_qs, unquote

    query = parse_qs(scope.get("query_string", b"").decode("utf-8", "replace"))
    asked = [(key, v) for key in ("_sort", "_sort_desc") for v in query.get(key, [])]
    name = _ours(datasette)
    parts = [unquote(p) for p in scope.get("path", "").strip("/").split("/")]
    if not asked or not name or len(parts) != 2 or parts[0] != name:
        return None
    table = parts[1].removesuffix(".json").removesuffix(".csv")
    columns = _columns_of(datasette.get_database(name).path, table)
    if columns is None:
        return None  # not a table: Datasette says so itself
    for key, column in asked:
        if column not in columns:
            return f"cannot sort {table} by {column!r}: it has no such column (its columns: {', '.join(sorted(columns))})"
    return None


def _columns_of(path: str, table: str) -> set[str] | None:
    import sqlite3

    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        rows = conn.execute("SELECT name FROM pragma_table_info(?)", (table,)).fetchall()
    return {r[0] for r in rows} or None


@hookimpl
def prepare_connection(conn):
    """``quotes_fts_query(text)``: the FTS5 expression `quotes who-said` searches by (each word quoted,
    so no input is a syntax error); an empty phrase, which matches nothing, for input without words."""
    conn.create_function("quotes_fts_query", 1, lambda text: fts_query(text or "") or '""', deterministic=True)


LINKED_COLUMNS = {"variant_id": "group", "speaker_id": "speaker"}
_TABLES_WITH_KEYS = {"quotes", "speaker_aliases", "speaker_keys", "variant_groups", "speakers"}  # Datasette links these
LINKED_TABLE_COLUMNS = {("variant_groups", "canonical_text"): ("group", "id"), ("speakers", "name"): ("speaker", "id"),
                        ("quote_view", "speaker"): ("speaker", "speaker_id"),
                        ("variant_comparison", "canonical_text"): ("group", "variant_id")}


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Link statement groups and speakers to their pages: variant_id and speaker_id in views and query
    results (tables keep Datasette's own foreign-key links), group texts and speaker names in tables."""
    if value is None or database != _ours(datasette):
        return None
    urls = Urls(datasette, database)
    target = LINKED_TABLE_COLUMNS.get((table, column))
    if target and target[1] in row.keys() and row[target[1]] is not None:
        page, key = target
        return Markup(f'<a href="{escape(getattr(urls, page)(row[key]))}">{escape(value)}</a>')
    if column in LINKED_COLUMNS and table not in _TABLES_WITH_KEYS and isinstance(value, int):
        return Markup(f'<a href="{escape(getattr(urls, LINKED_COLUMNS[column])(value))}">{value}</a>')
    return None


@hookimpl
def menu_links(datasette):
    name = _ours(datasette)
    if not name:
        return []
    urls = Urls(datasette, name)
    links = [{"href": urls.table("quote_view"), "label": "Search quotes"},
             {"href": urls.table("variant_groups"), "label": "Statement groups"},
             {"href": urls.table("speakers"), "label": "Speakers"}]
    return links + [{"href": datasette.urls.query(name, q), "label": CANNED_QUERIES[q]["title"]}
                    for q in ("conflicting_attributions", "carried_by_3_outlets")]


# -- setting up and serving ----------------------------------------------------------------------------------
def register() -> None:
    """Register this module as a Datasette plugin, once per process."""
    from datasette.plugins import pm

    if not pm.has_plugin(PLUGIN):
        pm.register(sys.modules[__name__], name=PLUGIN)


def sqlite_path(url: str) -> Path:
    from ..db import sqlite_file

    path = sqlite_file(url)
    if path is None:
        raise ServeError("quotes serve browses a SQLite file (Datasette reads SQLite only): pass --db PATH")
    return path


def make_datasette(url_or_path: str | Path):
    """A Datasette over the quotes database, read-only, with its metadata, canned queries and pages.
    The database is served under its file name without the extension (``quotes.db`` at ``/quotes``)."""
    from datasette.app import Datasette

    path = sqlite_path(url_or_path) if "://" in str(url_or_path) else Path(url_or_path)
    register()
    return Datasette(files=[str(path)], metadata=build_metadata(path, path.stem), template_dir=str(TEMPLATES),
                     settings={"sql_time_limit_ms": 3000})


def run(datasette, *, host: str, port: int) -> None:
    """Serve until interrupted (uvicorn, as `datasette serve` does)."""
    import uvicorn

    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning")
