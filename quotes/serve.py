"""`quotes serve`: the database in a web browser, read-only, on Datasette.

Datasette does the browsing: table and view pages, full-text search over quote text with facets
(speaker, outlet, type, cue, publication date), canned queries for the common questions, and the
description of every table and column, read from docs/schema.md so it cannot drift from the doc.
This module adds, as a Datasette plugin registered in-process (it is not an entry point, so a plain
`datasette` never loads it):

- a page per statement group (``/-/group/ID``): each outlet's version side by side, diffed word by
  word against the group's canonical form (``variants.word_diff``, what `quotes compare` prints),
  the speaker each outlet credited, the conflict marked when the group's ``speakers_differ`` flag
  (set by ``variants.refresh_group``) says the outlets credit different speakers, and the related
  statements of other speakers (``search.related_statements``);
- a page per speaker (``/-/speaker/ID``): aliases, where each was seen, statements over time;
- timelines drawn here as inline SVG, server-side: nothing is fetched, no script runs.

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
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path

from datasette import hookimpl
from markupsafe import Markup, escape

from .search import QUOTE_COLUMNS, fts_query, related_statements, variant_members
from .variants import word_diff

PLUGIN = "quotes"
TEMPLATES = Path(__file__).resolve().parent / "templates"
# docs/schema.md in a checkout; the copy packaged beside the templates (a symlink in the checkout,
# a file in a built wheel) where quotes was installed without its docs
SCHEMA_DOCS = (Path(__file__).resolve().parents[1] / "docs" / "schema.md", TEMPLATES / "schema.md")
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


# -- dates and the timeline picture -------------------------------------------------------------------
DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d")


def parse_published(value: str | None) -> datetime | None:
    """``articles.published`` (text, as given) as a naive UTC datetime, or None when it reads as no date:
    ISO 8601, RFC 2822 (feeds) or a written-out date ("January 11, 2025")."""
    if not value or not value.strip():
        return None
    text = value.strip()
    parsers = [lambda t: datetime.fromisoformat(t.replace("Z", "+00:00")), parsedate_to_datetime]
    parsers += [lambda t, f=f: datetime.strptime(t, f) for f in DATE_FORMATS]
    for parse in parsers:
        try:
            when = parse(text)
        except (ValueError, TypeError, IndexError):
            continue
        return when.astimezone(timezone.utc).replace(tzinfo=None) if when.tzinfo else when
    return None


PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B", "#332288"]  # Okabe-Ito+
NO_KEY_COLOUR = "#8a8a8a"
TYPE_COLOURS = {"direct": "#0072B2", "mixed": "#CC79A7", "indirect": "#009E73"}


def colours_for(keys) -> dict:
    """A colour for each key in order of first appearance (None, "no speaker found", is grey)."""
    out: dict = {}
    for key in keys:
        if key not in out:
            named = [k for k in out if k is not None]
            out[key] = NO_KEY_COLOUR if key is None else PALETTE[len(named) % len(PALETTE)]
    return out


@dataclass
class Mark:
    """One marker on a timeline: a quote, in the row of the outlet that carried it."""

    lane: str
    when: datetime | None
    label: str
    colour: str
    title: str
    href: str | None = None


WIDTH, LANE_H, LABEL_W, AXIS_H, STEP, RADIUS, PAD = 960, 34, 210, 28, 24, 10, 12
MIN_BAND = 110  # the "no date" band, at its narrowest
TICK_STEPS = (*(timedelta(hours=h) for h in (1, 3, 6, 12)), *(timedelta(days=d) for d in (1, 2, 7, 14)))
TICK_MONTHS = (1, 3, 6, 12)  # longer spans: ticks on the first of a month
MAX_TICKS = 5  # intervals on the time axis, at most


def timeline_svg(marks: list[Mark], *, caption: str) -> Markup:
    """Inline SVG: one row per lane (outlet) in order of first appearance, each mark at its date on a
    shared time axis; marks without a date in a "no date" band at the right; marks that would overlap
    in a row are moved apart. Hover shows each mark's title; marks with an href are links."""
    lanes = list(dict.fromkeys(m.lane for m in marks))
    dated, undated = [m for m in marks if m.when is not None], [m for m in marks if m.when is None]
    most = max((sum(m.lane == lane for m in undated) for lane in lanes), default=0)
    band = 0 if not undated else WIDTH - LABEL_W if not dated else max(MIN_BAND, most * STEP + 2 * (RADIUS + PAD))
    width, height = max(WIDTH, LABEL_W + band + (4 * MIN_BAND if dated else 0)), AXIS_H + LANE_H * len(lanes) + 8
    parts = [f'<svg class="q-timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{escape(caption)}"><title>{escape(caption)}</title>']
    parts += [_lane(lane, i, width) for i, lane in enumerate(lanes)]
    xs: dict = {}
    if dated:
        plot = width - band - LABEL_W - 2 * (RADIUS + PAD)
        crowd = min(plot / 2, STEP * (max(sum(m.lane == lane for m in dated) for lane in lanes) - 1))
        xs.update(_time_axis(parts, dated, LABEL_W + RADIUS + PAD, width - band - RADIUS - PAD - crowd, height))
    if undated:
        left = width - band
        parts.append(f'<line x1="{left}" x2="{left}" y1="4" y2="{height}" class="q-band-edge"/>'
                     f'<text x="{left + 8}" y="16" class="q-axis-label">no date</text>')
        for lane in lanes:
            row = [m for m in undated if m.lane == lane]
            xs.update({id(m): left + RADIUS + PAD + k * STEP for k, m in enumerate(row)})
    for i, lane in enumerate(lanes):
        y = AXIS_H + LANE_H * i + LANE_H / 2
        parts += [_marker(m, xs[id(m)], y) for m in _spread([m for m in dated if m.lane == lane], xs)]
        parts += [_marker(m, xs[id(m)], y) for m in undated if m.lane == lane]
    parts.append("</svg>")
    return Markup("".join(parts))


def _lane(lane: str, i: int, width: int) -> str:
    y = AXIS_H + LANE_H * i + LANE_H / 2
    return (f'<line x1="{LABEL_W}" x2="{width}" y1="{y}" y2="{y}" class="q-lane"/>'
            f'<text x="{LABEL_W - 8}" y="{y + 4}" text-anchor="end" class="q-lane-label">'
            f'<title>{escape(lane)}</title>{escape(_clip(lane, 30))}</text>')


def axis_ticks(t0: datetime, t1: datetime) -> list[datetime]:
    """Ticks for a time axis over [t0, t1]: whole hours or days from midnight, or first days of months,
    at most ``MAX_TICKS`` intervals; the first at or before t0 and the last at or after t1 (so even a
    single date sits inside the axis)."""
    span, day = max(t1 - t0, timedelta(hours=1)), datetime(t0.year, t0.month, t0.day)
    for step in TICK_STEPS:
        if span / step <= MAX_TICKS:
            start = day + ((t0 - day) // step) * step
            return [start + k * step for k in range(max(1, -(-(t1 - start) // step)) + 1)]
    months = (t1.year - t0.year) * 12 + t1.month - t0.month + 1
    step = next((m for m in TICK_MONTHS if months / m <= MAX_TICKS), 12 * -(-months // (12 * MAX_TICKS)))
    month = (t0.year * 12 + t0.month - 1) // step * step  # months since year 0, a multiple of the step
    ticks = [datetime(month // 12, month % 12 + 1, 1)]
    while ticks[-1] < t1 or len(ticks) < 2:
        month += step
        ticks.append(datetime(month // 12, month % 12 + 1, 1))
    return ticks


def _time_axis(parts: list, dated: list[Mark], x0: float, x1: float, height: float) -> dict:
    """Draw the time axis; the x of each dated mark."""
    ticks = axis_ticks(min(m.when for m in dated), max(m.when for m in dated))
    gap = ticks[1] - ticks[0]
    fmt = "%d %b %H:%M" if gap < timedelta(days=1) else "%Y-%m-%d" if gap < timedelta(days=28) else "%b %Y"
    first, span = ticks[0], (ticks[-1] - ticks[0]).total_seconds()

    def x(when: datetime) -> float:
        return x0 + (x1 - x0) * (when - first).total_seconds() / span

    for k, tick in enumerate(ticks):
        anchor = "start" if k == 0 else "end" if k == len(ticks) - 1 else "middle"
        parts.append(f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{AXIS_H - 6}" y2="{height}" class="q-tick"/>'
                     f'<text x="{x(tick):.1f}" y="16" text-anchor="{anchor}" class="q-axis-label">'
                     f'{tick.strftime(fmt)}</text>')
    return {id(m): x(m.when) for m in dated}


def _spread(marks: list[Mark], xs: dict) -> list[Mark]:
    """The marks of one row by x, each at least STEP right of the one before (same-day versions)."""
    marks = sorted(marks, key=lambda m: xs[id(m)])
    for before, m in zip(marks, marks[1:]):
        xs[id(m)] = max(xs[id(m)], xs[id(before)] + STEP)
    return marks


def _marker(m: Mark, x: float, y: float) -> str:
    ink = "#000" if _light(m.colour) else "#fff"
    body = (f'<g class="q-mark"><title>{escape(m.title)}</title>'
            f'<circle cx="{x:.1f}" cy="{y}" r="{RADIUS}" fill="{m.colour}"/>'
            f'<text x="{x:.1f}" y="{y + 4}" text-anchor="middle" fill="{ink}">{escape(m.label)}</text></g>')
    return f'<a href="{escape(m.href)}">{body}</a>' if m.href else body


def _light(colour: str) -> bool:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b > 150


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


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


def group_context(group: dict, members: list[dict], related: list[dict], urls) -> dict:
    """What the statement-group page shows: the canonical form, the outlets' columns of numbered
    versions each diffed against it, the credits, the conflict, the timeline, and the related
    statements of other speakers."""
    members = by_publication(members)
    lanes = list(dict.fromkeys(map(lane_of, members)))  # outlets by their first publication
    members.sort(key=lambda m: lanes.index(lane_of(m)))  # stable: by publication within an outlet
    canonical = next((m for m in members if m["quote_id"] == group["canonical_quote_id"]), members[0])
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
            "timeline": timeline_svg(marks, caption=caption)}


def outlet_columns(members: list[dict], urls) -> list[dict]:
    """One column per outlet (an article where the outlet is unknown), holding its articles, each with
    the versions it carried."""
    columns: dict[str, dict] = {}
    for m in members:
        column = columns.setdefault(lane_of(m), {"name": lane_of(m), "outlet_known": bool(m["outlet"]), "articles": {}})
        article = column["articles"].setdefault(m["article_id"], {
            "article_id": m["article_id"], "article": m["article"], "title": m["title"], "url": m["url"],
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
    from .db import db_url, make_engine

    return make_engine(db_url(path), readonly=True)


def read_group(conn, group_id: int) -> dict | None:
    """A statement group, its members (``search.variant_members``) and the statements of other
    speakers related to them (``search.related_statements``); None when there is no such group."""
    from sqlalchemy import text as sql

    group = conn.execute(sql("SELECT * FROM variant_groups WHERE id = :id"), {"id": group_id}).mappings().first()
    members = variant_members(conn, group_id)
    if group is None or not members:
        return None
    return {"group": dict(group), "members": members, "related": related_statements(conn, group_id)}


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


async def group_page(request, datasette):
    from datasette.utils.asgi import Response

    name, group_id = _ours(datasette), int(request.url_vars["id"])
    found = await _read(datasette, read_group, group_id)
    if found is None:
        return await _not_found(datasette, request, f"No statement group {group_id}: see the statement groups table")
    urls = Urls(datasette, name)
    context = group_context(found["group"], found["members"], found["related"], urls)
    context.update(database=name, comparison_href=urls.table("variant_comparison", variant_id=group_id),
                   groups_href=urls.table("variant_groups"))
    return Response.html(await datasette.render_template("quotes_group.html", context, request=request))


async def speaker_page(request, datasette):
    from datasette.utils.asgi import Response

    name, speaker_id = _ours(datasette), int(request.url_vars["id"])
    found = await _read(datasette, read_speaker, speaker_id)
    if found is None:
        return await _not_found(datasette, request, f"No speaker {speaker_id}: see the speakers table")
    urls = Urls(datasette, name)
    context = speaker_context(found["speaker"], found["aliases"], found["seen"], found["quotes"], found["groups"], urls)
    context.update(database=name, quotes_href=urls.table("quote_view", speaker_id=speaker_id),
                   speakers_href=urls.table("speakers"))
    return Response.html(await datasette.render_template("quotes_speaker.html", context, request=request))


@hookimpl
def register_routes(datasette):
    if not _ours(datasette):
        return []
    return [(r"^/-/group/(?P<id>\d+)$", group_page), (r"^/-/speaker/(?P<id>\d+)$", speaker_page)]


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
    if not url.startswith("sqlite:///") or url == "sqlite:///:memory:":
        raise ServeError("quotes serve browses a SQLite file (Datasette reads SQLite only): pass --db PATH")
    return Path(url[len("sqlite:///"):])


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
