"""Nearest stored quotes by meaning: an HNSW index (usearch) over the quote vectors.

Variant grouping asks, for each new quote, which stored quotes are closest in meaning. Scanning
every stored vector makes that cost grow with the database (385 s for one article against 10,000
stored quotes, issue 12); an HNSW graph answers in about the same time at ten thousand or a
million. usearch was chosen over sqlite-vec because sqlite-vec's vec0 tables search by brute
force (a full scan per query, so the cost still grows with the database), and over faiss for its
size (one small wheel, no BLAS) and its key-addressed add/remove.

The database stays the truth: ``quote_vectors`` holds every vector; the index is a cache of it,
saved beside a SQLite database (``quotes.db`` -> ``quotes.db.vectors``) or, for a server database,
under ``$QUOTES_INDEX_DIR`` (default ``~/.cache/quotes``). On opening, the index is brought up to
date with the table: vectors stored since it was saved are added (a range read on the primary key),
and when the counts disagree (quotes deleted, another writer) it is reconciled key by key (one
read of the ids, through the narrow ``ix_quote_vectors_model`` index, never of the vectors unless
they are missing). A missing or unreadable file is rebuilt from the table. Search results are
keys only; the caller reads the candidates' rows and vectors from the database, so a key whose
quote was deleted since simply finds nothing.

Vectors are held as int8 (usearch's scaled quantisation of unit vectors): a quarter of float32's
memory (about 0.4 GB for a million quotes with the graph) and, for ranking candidates that are
then re-scored in float32 from the database, no loss that matters.
"""
from __future__ import annotations

import atexit
import hashlib
import json
import os
import threading
import weakref
from functools import lru_cache
from pathlib import Path

import numpy as np
from sqlalchemy import text as sql

DIMENSIONS = 384  # all-MiniLM-L6-v2
CONNECTIVITY = 16
EXPANSION_ADD = 64
EXPANSION_SEARCH = 128
CATCH_UP_SLACK = 1000  # ids below the high-water mark that may still commit (concurrent writers on PostgreSQL)

VERIFY_SAMPLE = 16  # vectors compared with the table when an index file is opened
_open: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # engine -> VectorIndex
_lock = threading.Lock()


def index_for(conn) -> VectorIndex:
    """The index of the database ``conn`` is connected to, opened once per engine and brought up
    to date with its ``quote_vectors`` table on every call."""
    with _lock:
        index = _open.get(conn.engine)
        if index is None:
            _save_at_exit()
            index = _open[conn.engine] = VectorIndex(index_path(conn.engine.url))
            index.reconcile(conn)
        else:
            index.catch_up(conn)
    return index


def index_for_engine(engine) -> VectorIndex | None:
    """The index already open for ``engine``, if any (no database access)."""
    with _lock:
        return _open.get(engine)


def save_all() -> list[str]:
    """Write every open index that changed to its file (at the end of an ingest run, and at exit);
    returns why any could not be written (one line each: the index is a cache, so that fails
    nothing)."""
    with _lock:
        return [why for index in list(_open.values()) if (why := index.save())]



@lru_cache(maxsize=1)
def _save_at_exit() -> None:
    """Save the open indexes when the process ends (once, when the first index opens; a run that
    ends normally has saved them already)."""
    atexit.register(save_all)


def index_path(url) -> Path | None:
    """Beside a SQLite file; in the cache folder for a server; nowhere for an in-memory database."""
    if url.get_backend_name() == "sqlite":
        database = url.database
        if not database or database == ":memory:" or database.startswith("file::memory:"):
            return None
        return Path(database + ".vectors")
    folder = Path(os.environ.get("QUOTES_INDEX_DIR") or Path.home() / ".cache" / "quotes")
    digest = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    return folder / f"{url.get_backend_name()}-{digest}.vectors"


class VectorIndex:
    """usearch HNSW index keyed by quote id, with the bookkeeping that ties it to the table."""

    def __init__(self, path: Path | None):
        self.path = path
        self.index = _new_index()
        self.high = 0  # highest quote id added
        self.dirty = False
        self._load()

    # -- searching ----------------------------------------------------------------------------
    def search(self, vectors: np.ndarray, k: int, *, exact: bool = False) -> list[np.ndarray]:
        """Ids of the ``k`` nearest stored quotes of each vector (fewer when fewer are stored)."""
        if len(self.index) == 0 or len(vectors) == 0:
            return [np.empty(0, dtype=np.int64) for _ in range(len(vectors))]
        k = min(k, len(self.index))
        matches = self.index.search(np.ascontiguousarray(vectors, dtype=np.float32), k, exact=exact)
        if not hasattr(matches, "counts"):  # one query: a flat result
            return [np.asarray(matches.keys, dtype=np.int64)]
        return [matches.keys[i, : matches.counts[i]].astype(np.int64) for i in range(len(vectors))]

    def __len__(self) -> int:
        return len(self.index)

    def memory_mb(self) -> float:
        return self.index.memory_usage / 1e6

    def forget(self, ids) -> None:
        """Drop keys whose rows were rolled back or deleted by this process (their ids may be reused)."""
        keys = np.asarray(list(ids), dtype=np.uint64)
        if len(keys):
            self.high = min(self.high, int(keys.min()) - 1)  # a reused id is then caught up with
            present = keys[np.asarray(self.index.contains(keys), dtype=bool).reshape(-1)]
            if len(present):
                self.index.remove(present)
                self.dirty = True

    # -- keeping up with the table ------------------------------------------------------------
    def catch_up(self, conn) -> int:
        """Add the vectors stored since the last call (and any a concurrent writer committed late);
        returns how many were added."""
        floor = max(0, self.high - CATCH_UP_SLACK) if conn.dialect.name != "sqlite" else self.high
        ids = np.array(conn.execute(sql("SELECT quote_id FROM quote_vectors WHERE quote_id > :f ORDER BY quote_id"),
                                    {"f": floor}).scalars().all(), dtype=np.int64)
        return self._add_missing(conn, ids)

    def reconcile(self, conn) -> None:
        """Make the index hold exactly the table's vectors: drop it if a sample of its vectors is not
        the table's (the database was replaced); catch up; if the counts still differ (quotes
        deleted, or committed out of order), compare the keys themselves."""
        if len(self.index) and not self._matches_table(conn):
            self.index, self.high, self.dirty = _new_index(), 0, True
        self.catch_up(conn)
        stored = conn.execute(sql("SELECT count(*) FROM quote_vectors")).scalar() or 0
        if stored == len(self.index):
            return
        ids = np.array(conn.execute(sql("SELECT quote_id FROM quote_vectors")).scalars().all(), dtype=np.int64)
        gone = np.setdiff1d(np.asarray(self.index.keys, dtype=np.int64), ids, assume_unique=True)
        if len(gone):
            self.index.remove(gone.astype(np.uint64))
            self.dirty = True
        self._add_missing(conn, ids)

    def _matches_table(self, conn) -> bool:
        keys = np.asarray(self.index.keys, dtype=np.int64)
        sample = keys[np.linspace(0, len(keys) - 1, min(VERIFY_SAMPLE, len(keys))).astype(int)]
        rows = dict(conn.execute(sql("SELECT quote_id, vector FROM quote_vectors WHERE quote_id IN ("
                                     + ",".join(str(int(k)) for k in sample) + ")")).all())
        for key in sample:
            stored = rows.get(int(key))
            if stored is None or len(stored) != DIMENSIONS * 4:
                return False
            held = np.asarray(self.index.get(np.uint64(key)), dtype=np.float32).reshape(-1)
            held = held / (np.linalg.norm(held) or 1.0)
            if float(held @ np.frombuffer(stored, dtype=np.float32)) < 0.98:
                return False
        return True

    def _add_missing(self, conn, ids: np.ndarray) -> int:
        if len(ids) == 0:
            return 0
        missing = ids[~np.asarray(self.index.contains(ids.astype(np.uint64)), dtype=bool).reshape(-1)]
        added = 0
        for start in range(0, len(missing), 10_000):
            chunk = [int(i) for i in missing[start : start + 10_000]]
            rows = conn.execute(sql("SELECT quote_id, vector FROM quote_vectors WHERE quote_id IN ("
                                    + ",".join(map(str, chunk)) + ")")).all()
            rows = [r for r in rows if len(r.vector) == DIMENSIONS * 4]
            if not rows:
                continue
            keys = np.array([r.quote_id for r in rows], dtype=np.uint64)
            vectors = np.frombuffer(b"".join(r.vector for r in rows), dtype=np.float32).reshape(len(rows), DIMENSIONS)
            # one thread for an article's few vectors (starting threads cost three times the add itself)
            self.index.add(keys, vectors, threads=1 if len(rows) < 1000 else 0)
            added += len(rows)
        if len(ids):
            self.high = max(self.high, int(ids.max()))
        self.dirty = self.dirty or added > 0
        return added

    # -- the file -----------------------------------------------------------------------------
    def save(self) -> str | None:
        """Write the index, then its bookkeeping, each atomically (a crash in between leaves a file
        that ``reconcile`` repairs on the next open). When it cannot be written (no room, no
        permission), nothing half-written is left and the reason is returned: the file is a cache
        of the table, rebuilt from it on the next open."""
        if self.path is None or not self.dirty:
            return None
        tmps = []
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")  # two processes may save at once
            tmps.append(tmp)
            self.index.save(str(tmp))
            os.replace(tmp, self.path)
            meta = self._meta_path()
            tmp = meta.with_name(f"{meta.name}.{os.getpid()}.tmp")
            tmps.append(tmp)
            tmp.write_text(json.dumps({"high": self.high, "size": len(self.index)}))
            os.replace(tmp, meta)
        except (OSError, RuntimeError) as e:
            for tmp in tmps:
                tmp.unlink(missing_ok=True)
            reason = getattr(e, "strerror", None) or (str(e).splitlines()[0] if str(e) else type(e).__name__)
            return f"the vector index could not be saved to {self.path} ({reason}); it is rebuilt from the database next time"
        self.dirty = False
        return None

    def _meta_path(self) -> Path:
        return self.path.with_name(self.path.name + ".json")

    def _load(self) -> None:
        if self.path is None or not self.path.exists():
            return
        try:
            meta = json.loads(self._meta_path().read_text())
            index = _new_index()
            index.load(str(self.path))
            if len(index) != meta["size"] or index.ndim != DIMENSIONS:
                raise ValueError("index and bookkeeping disagree")
        except (OSError, ValueError, KeyError, RuntimeError):  # unreadable: rebuilt from the table
            self.dirty = True
            return
        self.index, self.high = index, int(meta["high"])


def _new_index():
    from usearch.index import Index

    return Index(ndim=DIMENSIONS, metric="cos", dtype="i8", connectivity=CONNECTIVITY,
                 expansion_add=EXPANSION_ADD, expansion_search=EXPANSION_SEARCH)
