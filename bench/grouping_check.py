#!/usr/bin/env python3
"""Does grouping by index give the groups that comparing every quote with every stored quote gives?

Usage:
  python bench/grouping_check.py DATABASE.db

Works on copies of the database (the original is left as it is): in each copy every group is
dropped and every article grouped again in id order, once with the candidates of the indexes
(100 nearest vectors, 50 full-text matches: what ingest does) and once with every stored quote a
candidate (``NEIGHBOURS`` and ``LEXICAL_CANDIDATES`` past the database's size, vectors searched by
brute force). Prints both partitions' sizes and times, and the groups only one of them made, with
their texts. A database from ``bench_ingest.py`` (PolNeAR articles) is a good input.
"""
from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path


def regroup(path: Path, **kwargs) -> tuple[set[frozenset], float]:
    from sqlalchemy import text

    from quotes.db import Database
    from quotes.grouping import groups

    db = Database(f"sqlite:///{path}")  # migrated to this code's schema first
    with db.session() as s:
        s.execute(text("UPDATE quotes SET variant_id = NULL"))
        s.execute(text("DELETE FROM variant_groups"))
        s.execute(text("DELETE FROM related_quotes"))
        s.execute(text("UPDATE articles SET grouped_at = NULL"))
    with db.read() as s:
        articles = s.execute(text("SELECT id FROM articles ORDER BY id")).scalars().all()
    t0 = time.perf_counter()
    for article_id in articles:
        with db.session() as s:
            groups.group_article(s, article_id, **kwargs)
    seconds = time.perf_counter() - t0
    db.close()
    members: dict = {}
    for gid, qid in sqlite3.connect(path).execute("SELECT variant_id, id FROM quotes WHERE variant_id IS NOT NULL"):
        members.setdefault(gid, set()).add(qid)
    return {frozenset(g) for g in members.values()}, seconds


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    from quotes.grouping import groups, terms

    source = Path(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        indexed_db, everything_db = Path(tmp) / "indexed.db", Path(tmp) / "everything.db"
        shutil.copy(source, indexed_db)
        shutil.copy(source, everything_db)
        indexed, t_indexed = regroup(indexed_db)
        groups.NEIGHBOURS = terms.LEXICAL_CANDIDATES = 10**9
        everything, t_everything = regroup(everything_db, exact=True)
        con = sqlite3.connect(indexed_db)
        print(f"by index: {len(indexed)} groups of {sum(map(len, indexed))} quotes in {t_indexed:.1f} s; "
              f"against every quote: {len(everything)} groups of {sum(map(len, everything))} quotes in {t_everything:.1f} s")
        print("identical partitions:", indexed == everything)
        for label, groups in (("only by index", indexed - everything), ("only against every quote", everything - indexed)):
            for g in sorted(groups, key=min):
                print(label)
                for q in sorted(g):
                    text, article = con.execute("SELECT text, article_id FROM quotes WHERE id = ?", (q,)).fetchone()
                    print(f"   [{article}] {q}: {text[:110]}")


if __name__ == "__main__":
    main()
