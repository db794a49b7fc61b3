"""docs/schema.md documents every table and column of the ORM models, and nothing that is not there."""
import re
from pathlib import Path

import pytest

from quotes.models_db import Base

pytestmark = pytest.mark.fast  # no parser, no sentence encoder (conftest refuses them)

DOC = (Path(__file__).resolve().parents[1] / "docs" / "schema.md").read_text()


def documented_tables() -> dict[str, set[str]]:
    tables, current = {}, None
    for line in DOC.splitlines():
        m = re.match(r"^### (\w+)", line)
        if m:
            current = m.group(1)
            tables[current] = set()
            continue
        m = re.match(r"^\| (\w+) \|", line)
        if current and m and m.group(1) not in ("column", "view"):
            tables[current].add(m.group(1))
    return tables


def test_every_table_and_column_is_documented():
    docs = documented_tables()
    for table in Base.metadata.sorted_tables:
        assert table.name in docs, f"table {table.name} is not in docs/schema.md"
        assert {c.name for c in table.columns} == docs[table.name], table.name


def test_no_documented_table_is_missing_from_the_models():
    model_tables = {t.name for t in Base.metadata.sorted_tables} | {"quotes_fts"}
    assert set(documented_tables()) <= model_tables
