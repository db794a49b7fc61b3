"""What indexed variant grouping needs: word and anchor counts, a narrow index on the vectors, and
the vectors of quotes stored before there were any.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

Quotes stored before revision 0003 have no vector, and grouping finds candidates by vector: they
are embedded here (the same encoder as at ingest, shipped with the package), so an upgraded database
keeps grouping new quotes with its old ones. ``term_stats`` is filled from the stored quotes
(quotes.variants.index_terms). The index on ``quote_vectors.model`` lets the nearest-neighbour index
(quotes/neighbours.py) count and list the stored vectors without reading them.
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CHUNK = 1000


def upgrade() -> None:
    op.create_table(
        "term_stats",
        sa.Column("term", sa.Text, primary_key=True),
        sa.Column("quotes", sa.Integer, nullable=False),
    )
    op.create_index("ix_quote_vectors_model", "quote_vectors", ["model"])
    conn = op.get_bind()
    _embed_missing(conn)
    _count_terms(conn)


def _embed_missing(conn) -> None:
    from quotes.variants import EMBEDDING_MODEL

    missing = conn.execute(sa.text("SELECT q.id, q.text FROM quotes q LEFT JOIN quote_vectors v ON v.quote_id = q.id "
                                   "WHERE v.quote_id IS NULL ORDER BY q.id")).all()
    if not missing:
        return
    from quotes.parse import sentence_vectors

    for start in range(0, len(missing), CHUNK):
        chunk = missing[start : start + CHUNK]
        vectors = sentence_vectors([text for _, text in chunk])
        conn.execute(sa.text("INSERT INTO quote_vectors (quote_id, model, vector) VALUES (:q, :m, :v)"),
                     [{"q": qid, "m": EMBEDDING_MODEL, "v": v.tobytes()} for (qid, _), v in zip(chunk, vectors)])


def _count_terms(conn) -> None:
    from collections import Counter

    from quotes.variants import TOTAL, terms_of

    counts: Counter = Counter()
    for (text,) in conn.execute(sa.text("SELECT text FROM quotes")):
        counts.update(terms_of(text))
        counts[TOTAL] += 1
    rows = [{"t": t, "n": n} for t, n in sorted(counts.items())]
    if rows:
        conn.execute(sa.text("INSERT INTO term_stats (term, quotes) VALUES (:t, :n)"), rows)


def downgrade() -> None:
    op.drop_index("ix_quote_vectors_model", table_name="quote_vectors")
    op.drop_table("term_stats")
