"""Full-text search over quote text and the views for common joins.

SQLite: an FTS5 table ``quotes_fts`` with external content ``[quotes]`` (the form Datasette
detects), kept in step by triggers. PostgreSQL: a GIN index on to_tsvector(text) instead.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FTS_TRIGGERS = [
    """CREATE TRIGGER quotes_fts_ai AFTER INSERT ON quotes BEGIN
         INSERT INTO quotes_fts(rowid, text, speaker_mention) VALUES (new.id, new.text, new.speaker_mention);
       END""",
    """CREATE TRIGGER quotes_fts_ad AFTER DELETE ON quotes BEGIN
         INSERT INTO quotes_fts(quotes_fts, rowid, text, speaker_mention) VALUES ('delete', old.id, old.text, old.speaker_mention);
       END""",
    """CREATE TRIGGER quotes_fts_au AFTER UPDATE ON quotes BEGIN
         INSERT INTO quotes_fts(quotes_fts, rowid, text, speaker_mention) VALUES ('delete', old.id, old.text, old.speaker_mention);
         INSERT INTO quotes_fts(rowid, text, speaker_mention) VALUES (new.id, new.text, new.speaker_mention);
       END""",
]

VIEWS = {
    "quote_view": """
        SELECT q.id AS quote_id, q.type, q.text, q.cue_lemma, q.cue_text, q.speaker_mention,
               s.id AS speaker_id, s.name AS speaker, s.kind AS speaker_kind,
               a.id AS article_id, a.source AS article, a.title, a.outlet, a.url, a.published,
               q.start, q."end", q.confidence, q.variant_id, q.sentence
        FROM quotes q JOIN articles a ON a.id = q.article_id LEFT JOIN speakers s ON s.id = q.speaker_id""",
    "variant_comparison": """
        SELECT g.id AS variant_id, g.canonical_text, g.n_outlets, g.n_articles,
               g.wording_differs, g.framing_differs, g.speakers_differ,
               q.id AS quote_id, q.type, q.text, q.cue_lemma, q.speaker_mention,
               s.name AS speaker, a.outlet, a.source AS article, a.published
        FROM variant_groups g JOIN quotes q ON q.variant_id = g.id
        JOIN articles a ON a.id = q.article_id LEFT JOIN speakers s ON s.id = q.speaker_id""",
    "speaker_alias_articles": """
        SELECT DISTINCT q.speaker_id, s.name AS speaker, q.speaker_mention AS alias, a.id AS article_id, a.source AS article, a.outlet
        FROM quotes q JOIN speakers s ON s.id = q.speaker_id JOIN articles a ON a.id = q.article_id
        WHERE q.speaker_mention IS NOT NULL""",
}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE quotes_fts USING fts5(text, speaker_mention, content=[quotes], content_rowid=[id], tokenize='unicode61 remove_diacritics 2')")
        for trigger in FTS_TRIGGERS:
            op.execute(trigger)
        op.execute("INSERT INTO quotes_fts(quotes_fts) VALUES ('rebuild')")
    elif bind.dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_quotes_text_fts ON quotes USING gin (to_tsvector('english', text))")
    for name, sql in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {sql}")


def downgrade() -> None:
    bind = op.get_bind()
    for name in reversed(list(VIEWS)):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    if bind.dialect.name == "sqlite":
        for t in ("quotes_fts_ai", "quotes_fts_ad", "quotes_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {t}")
        op.execute("DROP TABLE IF EXISTS quotes_fts")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_quotes_text_fts")
