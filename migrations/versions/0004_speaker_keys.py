"""Index keys of speakers, so that resolving a speaker looks them up instead of scanning every speaker.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

The keys of the speakers already stored are computed here (quotes.speakers.keys_of), so an upgraded
database resolves new mentions against its old speakers exactly as before.
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "speaker_keys",
        sa.Column("speaker_id", sa.Integer, sa.ForeignKey("speakers.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
    )
    op.create_index("ix_speaker_keys_key", "speaker_keys", ["key"])
    from quotes.speakers import keys_of

    conn = op.get_bind()
    aliases: dict[int, list[str]] = {}
    for speaker_id, alias in conn.execute(sa.text("SELECT speaker_id, alias FROM speaker_aliases ORDER BY id")):
        aliases.setdefault(speaker_id, []).append(alias)
    rows = [{"speaker_id": sid, "key": key}
            for sid, name, kind in conn.execute(sa.text("SELECT id, name, kind FROM speakers"))
            for key in sorted(keys_of(name, kind, aliases.get(sid, [])))]
    if rows:
        conn.execute(sa.text("INSERT INTO speaker_keys (speaker_id, key) VALUES (:speaker_id, :key)"), rows)


def downgrade() -> None:
    op.drop_index("ix_speaker_keys_key", table_name="speaker_keys")
    op.drop_table("speaker_keys")
