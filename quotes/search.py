"""Queries behind ``who-said``, ``export``, ``variants``, ``compare``, ``speakers show`` and ``db status``.

Full-text search uses the FTS5 index on quote text on SQLite (user input is quoted term by term,
so search syntax characters can never raise an FTS syntax error) and PostgreSQL full-text search
(plainto_tsquery) on PostgreSQL.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text as sql

COLUMNS = ["quote_id", "type", "text", "cue_lemma", "cue_text", "speaker_mention", "speaker_id", "speaker", "speaker_kind",
           "article_id", "article", "title", "outlet", "url", "published", "start", '"end"', "confidence", "variant_id"]
QUOTE_COLUMNS = ", ".join(COLUMNS)
QUALIFIED_COLUMNS = ", ".join(f"quote_view.{c}" for c in COLUMNS)
RANK_WINDOW = 10_000  # with a limit, the most recent matches ranked (all of them for rarer words)


@dataclass(frozen=True)
class Filters:
    """What every read command can narrow its records to (``--speaker``, ``--outlet``, ``--since``,
    ``--until``, ``--type``, ``--limit``), as SQL over ``quote_view``'s columns. ``speaker`` and
    ``outlet`` match a part of the name, in any case (the speaker's canonical name or the name as the
    article wrote it); ``since`` and ``until`` are ISO dates compared with the publication date's
    first ten characters (an article with no date is left out by either)."""

    speaker: str | None = None
    outlet: str | None = None
    since: str | None = None
    until: str | None = None
    type: str | None = None
    limit: int | None = None

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.speaker, self.outlet, self.since, self.until, self.type))

    def where(self, table: str = "quote_view") -> tuple[str, dict]:
        """`` AND ...`` conditions on ``table`` (a view with quote_view's columns) and their parameters."""
        out, params = [], {}
        if self.speaker:
            out.append(f"(lower({table}.speaker) LIKE :f_speaker OR lower({table}.speaker_mention) LIKE :f_speaker)")
            params["f_speaker"] = f"%{self.speaker.lower()}%"
        if self.outlet:
            out.append(f"lower({table}.outlet) LIKE :f_outlet")
            params["f_outlet"] = f"%{self.outlet.lower()}%"
        if self.since:
            out.append(f"substr({table}.published, 1, 10) >= :f_since")
            params["f_since"] = self.since
        if self.until:
            out.append(f"substr({table}.published, 1, 10) <= :f_until")
            params["f_until"] = self.until
        if self.type:
            out.append(f"{table}.type = :f_type")
            params["f_type"] = self.type
        return "".join(f" AND {c}" for c in out), params


def fts_query(user_text: str) -> str | None:
    """An FTS5 MATCH expression: each word of the input as a quoted term, all required."""
    terms = re.findall(r"\w+", user_text, re.UNICODE)
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms) or None


def who_said(conn, query: str, *, limit: int | None = None, filters: Filters = Filters()) -> list[dict]:
    """Every occurrence whose text matches ``query``, best matches first (BM25), narrowed by
    ``filters``. With ``limit`` and no filter, a query matching more than ``RANK_WINDOW`` quotes ranks
    the most recently stored of them."""
    limit = limit or filters.limit
    if conn.dialect.name == "sqlite":
        match = fts_query(query)
        if match is None:
            return []
        if filters:  # the filters apply before the limit: every match is joined to the view
            cond, params = filters.where()
            stmt = f"""SELECT {QUALIFIED_COLUMNS} FROM quotes_fts JOIN quote_view ON quote_view.quote_id = quotes_fts.rowid
                       WHERE quotes_fts MATCH :q{cond} ORDER BY quotes_fts.rank, quote_view.quote_id"""
            params["q"] = match
            if limit:
                stmt += " LIMIT :limit"
                params["limit"] = limit
            return [dict(r._mapping) for r in conn.execute(sql(stmt), params)]
        # rank inside FTS5 first, then join only the hits kept: joining every match to the view
        # before sorting made a common word cost a read of each of its quotes. With a limit, only
        # the RANK_WINDOW most recently stored matches are ranked (FTS5 walks a term's postings
        # newest first and stops), so a word in every other quote costs what a rare one does.
        hits = "SELECT rowid AS id, rank FROM quotes_fts WHERE quotes_fts MATCH :q"
        if limit:
            hits += f""" AND rowid >= (SELECT coalesce(min(rowid), 0) FROM (SELECT rowid FROM quotes_fts
                         WHERE quotes_fts MATCH :q ORDER BY rowid DESC LIMIT {RANK_WINDOW}))"""
        hits += " ORDER BY rank, rowid"
        if limit:
            hits += " LIMIT :limit"
        stmt = f"""SELECT {QUALIFIED_COLUMNS} FROM ({hits}) AS hits JOIN quote_view ON quote_view.quote_id = hits.id
                   ORDER BY hits.rank, hits.id"""
        params = {"q": match}
        if limit:
            params["limit"] = limit
        return [dict(r._mapping) for r in conn.execute(sql(stmt), params)]
    else:
        cond, params = filters.where()
        stmt = f"""SELECT {QUOTE_COLUMNS} FROM quote_view
                   WHERE to_tsvector('english', text) @@ plainto_tsquery('english', :q){cond} ORDER BY quote_id"""
        params["q"] = query
    if limit:
        stmt += " LIMIT :limit"
        params["limit"] = limit
    return [dict(r._mapping) for r in conn.execute(sql(stmt), params)]


def export_rows(conn, filters: Filters = Filters()):
    """One record per occurrence, in article and text order, narrowed by ``filters``."""
    cond, params = filters.where()
    stmt = f"SELECT {QUOTE_COLUMNS}, sentence FROM quote_view WHERE 1 = 1{cond} ORDER BY article_id, start, quote_id"
    if filters.limit:
        stmt += f" LIMIT {int(filters.limit)}"
    for r in conn.execute(sql(stmt), params):
        yield dict(r._mapping)


def variant_groups(conn, *, speaker: str | None = None, min_outlets: int = 1, conflicts: bool = False,
                   filters: Filters = Filters()) -> list[dict]:
    """Statement groups, most outlets first; with ``filters``, those with a member they keep."""
    stmt = """SELECT g.id AS variant_id, g.n_outlets, g.n_articles, g.n_reports, g.wording_differs, g.framing_differs,
                     g.speakers_differ, g.canonical_text,
                     (SELECT group_concat(DISTINCT s.name) FROM quotes q JOIN speakers s ON s.id = q.speaker_id
                      WHERE q.variant_id = g.id) AS speakers,
                     (SELECT group_concat(DISTINCT q.type) FROM quotes q WHERE q.variant_id = g.id) AS types
              FROM variant_groups g WHERE g.n_outlets >= :m"""
    params: dict = {"m": min_outlets}
    if conflicts:
        stmt += " AND g.speakers_differ"
    if speaker:
        stmt += """ AND EXISTS (SELECT 1 FROM quotes q JOIN speakers s ON s.id = q.speaker_id
                                WHERE q.variant_id = g.id AND lower(s.name) LIKE :sp)"""
        params["sp"] = f"%{speaker.lower()}%"
    if filters:
        cond, fparams = filters.where()
        stmt += f" AND EXISTS (SELECT 1 FROM quote_view WHERE quote_view.variant_id = g.id{cond})"
        params.update(fparams)
    stmt += " ORDER BY g.n_outlets DESC, g.n_articles DESC, g.id"
    if filters.limit:
        stmt += f" LIMIT {int(filters.limit)}"
    if conn.dialect.name != "sqlite":
        stmt = stmt.replace("group_concat(DISTINCT s.name)", "string_agg(DISTINCT s.name, ',')").replace(
            "group_concat(DISTINCT q.type)", "string_agg(DISTINCT q.type, ',')")
    return [dict(r._mapping) for r in conn.execute(sql(stmt), params)]


def variant_members(conn, variant_id: int, filters: Filters = Filters()) -> list[dict]:
    cond, params = filters.where()
    stmt = f"SELECT {QUOTE_COLUMNS} FROM quote_view WHERE variant_id = :v{cond} ORDER BY article_id, start"
    if filters.limit:
        stmt += f" LIMIT {int(filters.limit)}"
    return [dict(r._mapping) for r in conn.execute(sql(stmt), {"v": variant_id, **params})]


def report_sources(conn, variant_id: int) -> tuple[dict, dict[int, str]]:
    """A group's counts (``n_outlets``, ``n_articles``, ``n_reports``) and, per member article that
    carries another's copy, what it copies ("AP copy", "copy of SOURCE")."""
    counts = dict(conn.execute(sql("SELECT n_outlets, n_articles, n_reports FROM variant_groups WHERE id = :v"),
                               {"v": variant_id}).mappings().first() or {})
    rows = conn.execute(sql("""SELECT a.id, a.wire, o.source AS original FROM articles a LEFT JOIN articles o ON o.id = a.copy_of
                               WHERE a.id IN (SELECT article_id FROM quotes WHERE variant_id = :v)"""), {"v": variant_id}).all()
    copies = {i: f"{wire} copy" if wire else f"copy of {original}" for i, wire, original in rows if wire or original}
    return counts, copies


def canonical_member(conn, variant_id: int, members: list[dict]) -> dict:
    """The group's canonical version among ``members``: the one grouping chose and stored
    (``variant_groups.canonical_quote_id``, see ``grouping.groups.refresh_group``), else the first."""
    chosen = conn.execute(sql("SELECT canonical_quote_id FROM variant_groups WHERE id = :v"), {"v": variant_id}).scalar()
    return chosen_member(members, chosen)


def chosen_member(members: list[dict], canonical_quote_id: int | None) -> dict:
    """The member whose quote id grouping stored as the canonical one (the first when none is)."""
    return next((m for m in members if m["quote_id"] == canonical_quote_id), members[0])


def related_statements(conn, variant_id: int) -> list[dict]:
    """Statements of other speakers related to a group's members (``related_quotes``: confirming,
    repeating or answering it), strongest first, each with ``related_to`` (the member's quote id)
    and ``strength``; never members of the group themselves."""
    stmt = f"""SELECT {QUALIFIED_COLUMNS}, r.member AS related_to, r.strength FROM (
                   SELECT rq.other_id AS quote_id, rq.quote_id AS member, rq.strength FROM related_quotes rq
                   JOIN quotes m ON m.id = rq.quote_id WHERE m.variant_id = :v
                   UNION ALL
                   SELECT rq.quote_id, rq.other_id, rq.strength FROM related_quotes rq
                   JOIN quotes m ON m.id = rq.other_id WHERE m.variant_id = :v) r
               JOIN quote_view ON quote_view.quote_id = r.quote_id
               WHERE quote_view.variant_id IS NULL OR quote_view.variant_id <> :v
               ORDER BY r.strength DESC, quote_view.quote_id"""
    seen, out = set(), []
    for row in conn.execute(sql(stmt), {"v": variant_id}):
        if row.quote_id not in seen:  # a statement related to several members: listed once, at its strongest
            seen.add(row.quote_id)
            out.append(dict(row._mapping))
    return out


def provenance(conn, *, parser: str, extractor: str) -> list[dict]:
    """For the parser models and the extractor: how many articles the installed one made, and the
    command that brings the others up to date."""
    total, parsed, extracted = conn.execute(sql(
        "SELECT count(*), sum(CASE WHEN parser_version = :p THEN 1 ELSE 0 END), "
        "sum(CASE WHEN extractor_version = :e THEN 1 ELSE 0 END) FROM articles"), {"p": parser, "e": extractor}).one()
    return [
        {"what": "parser", "installed": parser, "articles": total, "current": parsed or 0,
         "fix": "quotes reextract --reparse"},
        {"what": "extractor", "installed": extractor, "articles": total, "current": extracted or 0,
         "fix": "quotes reextract --behind"},
    ]


def alias_articles(conn, speaker_id: int) -> dict[str, str]:
    """For each alias of a speaker, the articles it was seen in (comma-separated)."""
    agg = "group_concat(DISTINCT article)" if conn.dialect.name == "sqlite" else "string_agg(DISTINCT article, ',')"
    rows = conn.execute(sql(f"SELECT alias, {agg} AS articles FROM speaker_alias_articles "
                            "WHERE speaker_id = :i GROUP BY alias"), {"i": speaker_id})
    return {r.alias: r.articles for r in rows}


def speaker_quotes(conn, speaker_id: int, filters: Filters = Filters()) -> list:
    """What a speaker said, in article and text order, narrowed by ``filters``."""
    cond, params = filters.where()
    stmt = ("SELECT quote_id, type, cue_text, article_id, article, outlet, published, text FROM quote_view WHERE speaker_id = :i"
            f"{cond} ORDER BY article_id, start")
    if filters.limit:
        stmt += f" LIMIT {int(filters.limit)}"
    return conn.execute(sql(stmt), {"i": speaker_id, **params}).all()


ARTICLE_COLUMNS = ["article_id", "article", "title", "outlet", "url", "published", "wire", "copy_of", "n_quotes",
                   "n_speakers", "ingested_at"]


def stored_articles(conn, filters: Filters = Filters()) -> list[dict]:
    """The stored articles, newest publication first (undated last), with how many statements and
    speakers each holds; with ``filters``, those holding a statement they keep (``--outlet``,
    ``--since`` and ``--until`` read the article's own outlet and date)."""
    stmt = """SELECT a.id AS article_id, a.source AS article, a.title, a.outlet, a.url, a.published, a.wire, a.copy_of,
                     (SELECT count(*) FROM quotes q WHERE q.article_id = a.id) AS n_quotes,
                     (SELECT count(DISTINCT q.speaker_id) FROM quotes q WHERE q.article_id = a.id) AS n_speakers,
                     a.ingested_at
              FROM articles a"""
    if filters.speaker or filters.type:
        cond, params = filters.where()
        stmt += f" WHERE EXISTS (SELECT 1 FROM quote_view WHERE quote_view.article_id = a.id{cond})"
    else:  # outlet and dates alone read the article's own: an article with no statement is listed too
        cond, params = filters.where("a")
        stmt += f" WHERE 1 = 1{cond}"
    stmt += " ORDER BY a.published IS NULL, a.published DESC, a.id"
    if filters.limit:
        stmt += f" LIMIT {int(filters.limit)}"
    return [dict(r._mapping) for r in conn.execute(sql(stmt), params)]


def article_with_statements(conn, article_id: int) -> tuple[dict, list[dict]] | None:
    """One stored article (its row) and its statements in text order (quote_view's columns), or None."""
    row = conn.execute(sql("SELECT id AS article_id, source, title, outlet, url, published, wire, copy_of, text "
                           "FROM articles WHERE id = :i"), {"i": article_id}).mappings().first()
    if row is None:
        return None
    stmt = f"SELECT {QUOTE_COLUMNS} FROM quote_view WHERE article_id = :i ORDER BY start, \"end\", quote_id"
    return dict(row), [dict(r._mapping) for r in conn.execute(sql(stmt), {"i": article_id})]


def marked_text(text: str, statements: list[dict], opening=None, closing=None, plain=str) -> str:
    """The article's text with each statement's span marked ``[n ... ]`` (n its number in
    ``statements``): a statement inside another is marked inside it ("[3 ... [4 ...]]"), as the
    reported clause a longer quotation holds. ``opening(n, statement)`` and ``closing(n, statement)``
    render the marks (colour, say), ``plain`` the text (escaping, say)."""
    opening = opening or (lambda n, st: f"[{n} ")
    closing = closing or (lambda n, st: "]")
    events = []  # (position, order, n): closes before opens at one position; the inner closes first
    for n, st in enumerate(statements, 1):
        if st["end"] > st["start"]:
            events.append((st["start"], 1, -st["end"], n))
            events.append((st["end"], 0, -st["start"], n))
    out, pos = [], 0
    for at, kind, _, n in sorted(events):
        out.append(plain(text[pos:at]))
        out.append(opening(n, statements[n - 1]) if kind else closing(n, statements[n - 1]))
        pos = at
    out.append(plain(text[pos:]))
    return "".join(out)
