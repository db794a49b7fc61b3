"""Articles, speakers, aliases, variant groups, quotes and corrections.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(64), nullable=False, unique=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("published", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("parse_conllu", sa.Text),
        sa.Column("parser_version", sa.Text),
        sa.Column("ingested_at", sa.DateTime, nullable=False, server_default=sa.func.current_timestamp()),
    )
    op.create_table(
        "speakers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("match_key", sa.Text),
        sa.Column("locked", sa.Boolean, nullable=False, server_default="0"),
    )
    op.create_index("ix_speakers_match_key", "speakers", ["match_key"])
    op.create_table(
        "speaker_aliases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("speaker_id", sa.Integer, sa.ForeignKey("speakers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("alias", sa.Text, nullable=False),
        sa.Column("count", sa.Integer, nullable=False, server_default="0"),
        sa.UniqueConstraint("speaker_id", "alias"),
    )
    op.create_index("ix_speaker_aliases_speaker_id", "speaker_aliases", ["speaker_id"])
    op.create_table(
        "variant_groups",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("canonical_quote_id", sa.Integer),
        sa.Column("canonical_text", sa.Text, nullable=False),
        sa.Column("n_articles", sa.Integer, nullable=False, server_default="0"),
        sa.Column("n_outlets", sa.Integer, nullable=False, server_default="0"),
        sa.Column("wording_differs", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("framing_differs", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("speakers_differ", sa.Boolean, nullable=False, server_default="0"),
    )
    op.create_table(
        "quotes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("speaker_id", sa.Integer, sa.ForeignKey("speakers.id", ondelete="SET NULL")),
        sa.Column("variant_id", sa.Integer, sa.ForeignKey("variant_groups.id", ondelete="SET NULL")),
        sa.Column("type", sa.String(8), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("cue_lemma", sa.Text),
        sa.Column("cue_text", sa.Text),
        sa.Column("speaker_mention", sa.Text),
        sa.Column("sentence", sa.Text),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("rule", sa.Text),
    )
    op.create_index("ix_quotes_article_start", "quotes", ["article_id", "start"])
    op.create_index("ix_quotes_speaker_id", "quotes", ["speaker_id"])
    op.create_index("ix_quotes_variant_id", "quotes", ["variant_id"])
    with op.batch_alter_table("variant_groups") as batch:
        batch.create_foreign_key("fk_variant_groups_canonical_quote", "quotes", ["canonical_quote_id"], ["id"], ondelete="SET NULL")
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("args", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False, server_default=sa.func.current_timestamp()),
    )


def downgrade() -> None:
    with op.batch_alter_table("variant_groups") as batch:
        batch.drop_constraint("fk_variant_groups_canonical_quote", type_="foreignkey")
    op.drop_table("corrections")
    op.drop_table("quotes")
    op.drop_table("variant_groups")
    op.drop_table("speaker_aliases")
    op.drop_table("speakers")
    op.drop_table("articles")
