"""The term index of stored quotes: how many quotes hold each word stem (``term_stats``), kept as
quotes are added and removed, and the full-text candidates of a new quote found through its
rarest words.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from ..models_db import TermStat
from .pairs import ANCHOR_MAX_SHARE, WordWeights, anchors, content_words, fts_words

LEXICAL_CANDIDATES = 50  # best full-text matches, per new quote


LEXICAL_QUERY_WORDS = 8  # the rarest words of a quote make its full-text query


LEXICAL_MAX_QUOTES = 100  # a word in more stored quotes than this is too common to search by


def lexical_candidates(s: Session, texts: list[str]) -> list[set[int]]:
    """For each text, ids of the quotes that best match, by full text, the rarest words of each text (at most
    ``LEXICAL_QUERY_WORDS`` words, each in at most ``LEXICAL_MAX_QUOTES`` stored quotes, so that
    the query costs the same in a small database and a large one):
    the near-verbatim copies and the shorter or longer versions of a statement, which the
    embedding can place far apart. FTS5 on SQLite, the full-text GIN index on PostgreSQL."""
    total = _term_counts(s, [TOTAL]).get(TOTAL, 0)
    if not total:
        return [set() for _ in texts]
    per_text = [sorted(set(fts_words(t))) for t in texts]
    df = _term_counts(s, sorted({"w:" + w for ws in per_text for w in ws}))
    found: list[set[int]] = []
    sqlite = s.get_bind().dialect.name == "sqlite"
    for ws in per_text:
        found.append(set())
        rare = sorted((df.get("w:" + w, 0), w) for w in ws if 1 < df.get("w:" + w, 0) <= LEXICAL_MAX_QUOTES)
        rare = [w for _, w in rare[:LEXICAL_QUERY_WORDS]]
        if not rare:
            continue
        if sqlite:
            match = "text : (" + " OR ".join(f'"{w}"' for w in rare) + ")"
            stmt = "SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH :q ORDER BY rank LIMIT :k"
            params = {"q": match, "k": LEXICAL_CANDIDATES}
        else:
            stmt = """SELECT id FROM quotes WHERE to_tsvector('english', text) @@ to_tsquery('english', :q)
                      ORDER BY ts_rank(to_tsvector('english', text), to_tsquery('english', :q)) DESC, id LIMIT :k"""
            params = {"q": " | ".join(rare), "k": LEXICAL_CANDIDATES}
        found[-1].update(s.execute(sql_text(stmt), params).scalars())
    return found


# -- term statistics: how many stored quotes hold each word and each anchor --------------------
TOTAL = "*"  # the row counting every quote indexed


def terms_of(text: str) -> set[str]:
    """The ``term_stats`` keys one quote adds to: ``w:`` each word, ``a:`` each anchor."""
    return {"w:" + w for w in fts_words(text)} | {"a:" + a for a in anchors(text)}


def index_terms(s: Session, texts: list[str], sign: int = 1) -> None:
    """Count the words and anchors of quotes being stored (``sign=-1``: being deleted), in the
    transaction that stores (or deletes) them, so the counts always match the quotes table."""
    from collections import Counter

    if not texts:
        return
    counts = Counter(t for text in texts for t in terms_of(text))
    counts[TOTAL] += len(texts)
    rows = [{"t": t, "n": sign * n} for t, n in sorted(counts.items())]
    s.execute(sql_text("INSERT INTO term_stats (term, quotes) VALUES (:t, :n) "
                       "ON CONFLICT (term) DO UPDATE SET quotes = term_stats.quotes + excluded.quotes"), rows)


def _term_counts(s: Session, terms: list[str]) -> dict[str, int]:
    """The ``term_stats`` counts of ``terms`` (absent terms left out): the terms go in as one JSON
    array (SQLite's json_each, PostgreSQL's unnest of an array), not as thousands of bound
    parameters, whose compilation cost more than the lookups (profile in docs/variants.md)."""
    import json

    if not terms:
        return {}
    if s.get_bind().dialect.name == "sqlite":
        stmt = "SELECT term, quotes FROM term_stats WHERE term IN (SELECT value FROM json_each(:terms))"
        return dict(s.execute(sql_text(stmt), {"terms": json.dumps(terms)}).all())
    out: dict[str, int] = {}
    for start in range(0, len(terms), 500):
        out.update(s.execute(select(TermStat.term, TermStat.quotes).where(TermStat.term.in_(terms[start : start + 500]))).all())
    return out


def common_anchors(s: Session, texts: list[str]) -> frozenset:
    """The anchors of ``texts`` found in more than ANCHOR_MAX_SHARE of all stored quotes (and in
    at least 3 of them), by the counts in ``term_stats``."""
    found = sorted({"a:" + a for t in texts for a in anchors(t)})
    counts = _term_counts(s, found + [TOTAL])
    limit = max(3, ANCHOR_MAX_SHARE * counts.get(TOTAL, 0))
    return frozenset(a[2:] for a in found if counts.get(a, 0) > limit)


def word_weights_for(s: Session, texts: list[str]) -> WordWeights:
    """``WordWeights`` of the content words of ``texts``, from the counts in ``term_stats``."""
    terms = sorted({"w:" + w for t in texts for w in content_words(t)})
    counts = _term_counts(s, terms + [TOTAL])
    return WordWeights(counts, counts.get(TOTAL, 0))
