"""Statement groups do not depend on the order articles arrive in (issue 30, item 3).

Fifty articles (the five seed articles cut into ten pieces each, so that one statement is told by
many of them) are ingested in one order into one database and in the reverse order into another.
The second ingest reads the parses the first one made (stored parses: Stanza runs once per text),
so the two databases hold the same quotes, under other ids; their groups must be the same.
"""
import re
import sqlite3

from conftest import SEEDS

from quotes.db import Database
from quotes.grouping import groups
from quotes.ingest import ingest_paths


def fifty_articles() -> list[str]:
    """Each seed article's text, as cleaning leaves it, cut into ten pieces of whole sentences."""
    from quotes.clean import clean_article

    pieces = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = clean_article(path.read_text(encoding="utf-8")).text
        lines = [x for x in re.split(r"(?<=[.!?”\"])\s+(?=[A-Z“\"])", text) if x.strip()]
        cuts = [round(k * len(lines) / 10) for k in range(11)]
        pieces += ["\n\n".join(lines[a:b]) for a, b in zip(cuts, cuts[1:]) if b > a]
    return pieces


def partition(db_path) -> set[frozenset]:
    """Each group as the set of its members, a member named by its article's key and its span."""
    members: dict = {}
    rows = sqlite3.connect(db_path).execute(
        "select q.variant_id, a.key, q.start, q.end from quotes q join articles a on a.id = q.article_id "
        "where q.variant_id is not null")
    for gid, key, start, end in rows:
        members.setdefault(gid, set()).add((key, start, end))
    return {frozenset(m) for m in members.values()}


def test_two_orders_of_fifty_articles_give_the_same_groups(tmp_path, monkeypatch):
    import quotes.workers

    texts = fifty_articles()
    assert len(texts) == 50
    parsed: dict[str, object] = {}
    parse = quotes.workers.analyse_batch

    def recording(batch, *args):  # the first ingest parses, and keeps each text's analysis
        results = parse(batch, *args)
        parsed.update(zip(batch, results))
        return results

    def stored(batch, *args):  # the second reads the stored analyses: no parsing
        return [parsed[text] for text in batch]

    def folder(name: str, order: list[int]):
        path = tmp_path / name
        path.mkdir()
        for rank, i in enumerate(order):
            (path / f"{rank:02d}.txt").write_text(texts[i], encoding="utf-8")
        return path

    forward = folder("forward", list(range(50)))
    monkeypatch.setattr(quotes.workers, "analyse_batch", recording)
    db = Database(str(tmp_path / "forward.db"))
    ingest_paths(db, [str(forward)], workers=1)
    db.close()
    assert len(parsed) == 50

    monkeypatch.setattr(quotes.workers, "analyse_batch", stored)
    db = Database(str(tmp_path / "backward.db"))
    ingest_paths(db, [str(folder("backward", list(range(49, -1, -1))))], workers=1)
    db.close()
    one = partition(tmp_path / "forward.db")
    assert len(one) >= 8 and max(len(g) for g in one) >= 4, one  # statements many pieces tell
    assert partition(tmp_path / "backward.db") == one

    # over two runs, the groups of the first that the second does not reach keep the word weights
    # of their day; regrouping makes them what one run would have made
    halves = [folder("backward-1", list(range(49, 24, -1))), folder("backward-2", list(range(24, -1, -1)))]
    db = Database(str(tmp_path / "two-runs.db"))
    for path in halves:
        ingest_paths(db, [str(path)], workers=1)
    groups.regroup_all(db)
    db.close()
    assert partition(tmp_path / "two-runs.db") == one


def test_a_later_article_can_change_earlier_groups(seeds_copy):
    """Grouping is not only a new quote joining old groups: the groups a new article's quotes reach
    are made again as if every article had come at once, so regrouping the whole database changes
    nothing."""
    before = partition(seeds_copy)
    db = Database(str(seeds_copy))
    with db.session() as s:
        s.execute(groups.update(groups.Article).values(grouped_at=None))
    with db.session() as s:
        groups.group_articles(s, list(range(1, 6)))
    db.close()
    assert partition(seeds_copy) == before and before
