"""Wire copies: the agency whose copy an article carries, the earlier article it copies, and how
many original reports a statement group holds (issue 30).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08

``articles.wire`` is read from the stored text with the credits the package reads at ingest (a
frozen copy of the dateline, byline and copyright patterns of ``quotes.outlet.wire_credit`` as of this
revision). ``articles.copy_of`` is found by grouping (near-identical quotes and text) and starts NULL
for stored articles. ``variant_groups.n_reports`` counts one agency's copies once, the rest one
report per article; a later regroup refines it with ``copy_of``.
"""
import re

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

AGENCIES = {
    "AP": "AP", "The Associated Press": "AP", "Associated Press": "AP", "Reuters": "Reuters", "AFP": "AFP",
    "Agence France-Presse": "AFP", "Agence France Presse": "AFP", "dpa": "dpa", "DPA": "dpa", "Xinhua": "Xinhua",
    "PA": "PA", "PA Media": "PA", "Press Association": "PA", "Kyodo": "Kyodo", "Kyodo News": "Kyodo",
    "Jiji": "Jiji", "Jiji Press": "Jiji", "Bernama": "Bernama", "Anadolu": "Anadolu", "Anadolu Agency": "Anadolu",
    "ANI": "ANI", "PTI": "PTI", "IANS": "IANS", "UPI": "UPI", "Yonhap": "Yonhap", "EFE": "EFE", "ANSA": "ANSA",
    "Tasnim": "Tasnim", "TASS": "TASS", "Bloomberg": "Bloomberg", "CNA": "CNA",
}
_AGENCY = "|".join(sorted(map(re.escape, AGENCIES), key=len, reverse=True))
COPYRIGHT = re.compile(rf"(?:©|\(c\)|copyright)\s*(?:\d{{4}}\s*)?(?:{_AGENCY})\b", re.I)
CREDITS = [
    re.compile(rf"^(?:[A-Z][\w .,'’/-]{{0,60}})?\((?:{_AGENCY})\)\s*[-–—:]", re.M),
    re.compile(rf"^\s*(?:[-–—]\s*)?\(?(?:{_AGENCY})\)?\.?\s*$", re.M),
    re.compile(rf"\s[-–—]\s?(?:{_AGENCY})\.?\s*$", re.M),
    re.compile(rf"^\s*(?:By|\[?Source:)\s+(?:{_AGENCY})\b", re.M),
    COPYRIGHT,
]
REUTERS_SIGNATURE = re.compile(r"\(Reporting by [^)]{3,200}(?:Editing|Writing) by [^)]{3,200}\)")


def _wire(text: str) -> str | None:
    for pattern in CREDITS:
        m = pattern.search(text)
        if m:
            found = re.search(_AGENCY, m.group(0), re.I if pattern is COPYRIGHT else 0)
            if found:
                name = next((k for k in AGENCIES if k.lower() == found.group(0).lower()), found.group(0))
                return AGENCIES[name]
    return "Reuters" if REUTERS_SIGNATURE.search(text) else None


def upgrade() -> None:
    op.add_column("articles", sa.Column("wire", sa.Text))
    op.add_column("articles", sa.Column("copy_of", sa.Integer))  # an article id; no constraint: SQLite adds none in place
    op.add_column("variant_groups", sa.Column("n_reports", sa.Integer, nullable=False, server_default="0"))
    conn = op.get_bind()
    for article_id, text in conn.execute(sa.text("SELECT id, text FROM articles")).all():
        wire = _wire(text or "")
        if wire:
            conn.execute(sa.text("UPDATE articles SET wire = :w WHERE id = :i"), {"w": wire, "i": article_id})
    conn.execute(sa.text(
        "UPDATE variant_groups SET n_reports = (SELECT COUNT(DISTINCT COALESCE('wire:' || a.wire, 'article:' || CAST(a.id AS TEXT))) "
        "FROM quotes q JOIN articles a ON a.id = q.article_id WHERE q.variant_id = variant_groups.id)"))


def downgrade() -> None:
    op.drop_column("variant_groups", "n_reports")  # SQLite 3.35+ drops a column in place
    op.drop_column("articles", "copy_of")
    op.drop_column("articles", "wire")
