"""Stages read -> clean -> parse -> analyse on Ray, for ``quotes ingest --ray`` (the ``ray`` extra).

``analyse_on_ray`` is the Ray twin of the local read/parse stages of ``ingest.py``: it yields
``(RawArticle, Analysed | Failed)`` pairs in input order, as a stream, and records read failures,
warnings, skipped articles and stage seconds in the ``IngestReport`` as the local path does. The
caller stores the pairs with its single database writer.

The Ray Data plan:

1. ``from_items`` of the input paths, expanded here by ``read.iter_paths`` (names only: this
   process never holds the articles). Standard input is read here (at most ``read.MAX_BYTES``)
   and shipped as bytes.
2. ``flat_map`` in tasks: ``read.read_items`` reads and decodes each file on a worker (the files
   must be at the same path on every node), ``clean.clean_article`` cleans each article, and an
   article whose key is in the stored keys (read once from the database and shipped with
   ``ray.put`` as a frozenset) is marked known, so it is never parsed.
3. ``map_batches`` on a fixed pool of actors, ``PARSE_BATCH_ARTICLES`` articles a batch: each actor
   builds one Stanza pipeline in ``__init__`` (torch threads = the CPUs it holds) and runs
   ``workers.analyse_batch``. Blocks are kept small (``BLOCK_BYTES``) so that the articles of one
   large JSONL file spread over the actors.
4. Rows come back here in input order (``preserve_order``); each is one pickled ``_Item``. Through
   Ray Client (``ray://``), where Ray Data cannot run its executor in the client, an actor on the
   cluster runs the dataset and this process pulls the rows from it.

Duplicates within one run are caught here, after parsing (the workers cannot see each other's
articles): the later copy is counted as skipped and not stored, as on the local path.
"""
from __future__ import annotations

import io
import logging
import math
import pickle
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from .extraction.analyse import Analysed, Failed
from .read import MAX_BYTES, RawArticle, ReadFailure, iter_paths

RAY_MISSING = "--ray needs the ray extra: pip install 'quotes[ray]'"
PATHS_PER_BLOCK = 8  # input paths per read task: parsing starts seconds after start
# Blocks are cut at this size, so the articles of one large JSONL file spread over the actors (Ray's
# default of 128 MiB would hand a whole file to one actor); the actors take PARSE_BATCH_ARTICLES
# rows at a time whatever the blocks.
BLOCK_BYTES = 64 * 1024
FEED_ROWS = 8  # rows a call, through Ray Client
READ_CPUS = 0  # reading and cleaning take milliseconds an article, parsing seconds: the actors hold every CPU


class RayError(RuntimeError):
    """Ray cannot be used: not installed, or no cluster at the address; the message is one line."""


class RayMissing(RayError):
    """``--ray`` asked for, but the ``ray`` extra is not installed."""


def require_ray():
    """The ``ray`` module with Ray Data, or ``RayMissing`` with the one-line fix."""
    try:
        import ray
        import ray.data  # ray without the [data] extra lacks pyarrow and pandas
    except ImportError as e:
        raise RayMissing(RAY_MISSING) from e
    return ray


def start_local(num_cpus: int | None = None, **kwargs) -> None:
    """Start a Ray on this machine alone, with ``num_cpus`` CPUs (default: the cores this process
    may use), its servers on loopback and without the dashboard (never joining a cluster started on
    this machine with `ray start`)."""
    from .workers import cpu_count

    ray = require_ray()
    try:  # Ray advertises the machine's network address unless told this is no cluster
        from ray._private import ray_constants
    except ImportError:  # pragma: no cover  (a Ray that moved it: it then listens where it likes)
        ray_constants = None
    saved = getattr(ray_constants, "ENABLE_RAY_CLUSTER", None)
    if saved is not None:
        ray_constants.ENABLE_RAY_CLUSTER = False
    try:
        ray.init(address="local", num_cpus=num_cpus or cpu_count(), include_dashboard=False,
                 logging_level=logging.WARNING, **kwargs)
    finally:
        if saved is not None:
            ray_constants.ENABLE_RAY_CLUSTER = saved


def connect(address: str) -> bool:
    """Connect this process to Ray: ``local`` starts one on this machine, anything else (``auto``,
    ``ray://HEAD:10001``) is handed to ``ray.init(address=...)``. A process already connected keeps
    its connection, whatever the address. True when this call connected (so the caller shuts down)."""
    ray = require_ray()
    if ray.is_initialized():
        return False
    if address == "local":
        start_local()
        return True
    try:
        ray.init(address=address, logging_level=logging.WARNING)
    except (ConnectionError, RuntimeError, ValueError) as e:
        from .workers import first_line

        raise RayError(f"cannot connect to Ray at {address}: {first_line(e)}") from e
    return True


def stored_keys(db) -> frozenset:
    """The content keys of every stored article (one read)."""
    from sqlalchemy import select

    from .models_db import Article

    with db.read() as s:
        return frozenset(s.scalars(select(Article.key)))


@dataclass
class _Item:
    """One row of the Ray dataset: an article on its way, or an input that could not be read."""

    source: str
    raw: RawArticle | None = None  # None for a read failure, and for an article already stored
    key: str | None = None
    text: str | None = None  # the cleaned text, until parsed
    reason: str | None = None  # why the input could not be read
    known: bool = False  # already stored: not parsed
    warnings: list = field(default_factory=list)
    result: Analysed | Failed | None = None
    seconds: dict = field(default_factory=dict)  # read and clean seconds


def analyse_on_ray(db, paths: list[str], report, *, address: str = "local", models: str | None = None,
                   workers: int | None = None, device: str | None = None, stdin=None, bar=None,
                   columns: dict[str, str] | None = None) -> Iterator[tuple[RawArticle, Analysed | Failed]]:
    """Every new article of ``paths`` with its analysis, in input order, parsed by ``workers`` actors
    on Ray (default: one per CPU of the cluster). Connects to Ray at ``address`` unless this process
    already is, and disconnects at the end if it connected."""
    from .parse import find_models, models_dir

    ray = require_ray()
    find_models(models_dir(models))  # a missing model folder is said here, not in an actor's traceback
    walk_failures: list[ReadFailure] = []
    rows = [{**_input_row(p, stdin), "columns": columns or {}} for p in iter_paths(paths, walk_failures)]
    report.failed.extend((f.source, f.reason) for f in walk_failures)
    if not rows:
        return
    started = connect(address)
    try:
        known = ray.put(stored_keys(db))
        seen: set[str] = set()
        for blob in _results(ray, rows, known, models, workers, device):
            item: _Item = pickle.loads(blob)
            for stage, seconds in item.seconds.items():
                report.seconds[stage] += seconds
            if item.reason is not None:
                report.failed.append((item.source, item.reason))
                continue
            report.warnings.extend((item.source, w) for w in item.warnings)
            if item.known or item.key in seen:
                report.skipped += 1
                if bar is not None:
                    bar.update(1)
                continue
            seen.add(item.key)
            yield item.raw, item.result
    finally:
        if started:
            ray.shutdown()


def default_actors(ray) -> int:
    """One actor per CPU of the cluster."""
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def _input_row(path: str, stdin) -> dict:
    if path != "-":
        return {"path": path, "data": b""}
    return {"path": path, "data": (stdin or sys.stdin.buffer).read(MAX_BYTES + 1)}  # read_items says if it is too large


def _results(ray, rows: list[dict], known, models: str | None, workers: int | None, device: str | None
             ) -> Iterator[bytes]:
    """The pickled ``_Item`` rows of the dataset, in input order. Through Ray Client (``ray://``)
    Ray Data cannot run its executor in this process, so an actor on the cluster runs it and hands
    the rows over in chunks (the next chunk asked for before this one is handed on)."""
    from ray.util.client import ray as client

    if not client.is_connected():
        for row in _dataset(ray, rows, known, models, workers, device).iter_rows():
            yield row["blob"]
        return
    feeder = ray.remote(num_cpus=0)(_Feeder).remote(rows, [known], models, workers, device)  # [ ]: stays a reference
    try:
        pending = feeder.take.remote(FEED_ROWS)
        while chunk := ray.get(pending):
            pending = feeder.take.remote(FEED_ROWS)
            yield from chunk
    finally:
        ray.kill(feeder)


class _Feeder:
    """Runs the dataset on the cluster for a process connected through Ray Client."""

    def __init__(self, rows: list[dict], known: list, models: str | None, workers: int | None, device: str | None):
        import ray

        self.rows = (row["blob"] for row in _dataset(ray, rows, known[0], models, workers, device).iter_rows())

    def take(self, n: int) -> list[bytes]:
        import itertools

        return list(itertools.islice(self.rows, n))


def _dataset(ray, rows: list[dict], known, models: str | None, workers: int | None, device: str | None):
    from ray.data import ActorPoolStrategy, DataContext

    from .workers import PARSE_BATCH_ARTICLES

    actors = workers or default_actors(ray)
    cpus = ray.cluster_resources().get("CPU", 1)
    largest_node = max((n["Resources"].get("CPU", 0) for n in ray.nodes() if n.get("Alive")), default=1)
    # each actor holds its share of the CPUs (all of one node at most; a fraction when there are more
    # actors than CPUs, so that all of them are placed) and runs as many torch threads
    actor_cpus = min(largest_node, cpus // actors) if actors <= cpus else cpus / actors
    threads = max(1, int(actor_cpus))
    gpu = bool(device and device.startswith("cuda"))

    ctx = DataContext.get_current()  # a dataset copies the context it is made in
    saved = (ctx.execution_options.preserve_order, ctx.enable_progress_bars, ctx.target_max_block_size)
    ctx.execution_options.preserve_order = True
    ctx.enable_progress_bars = False  # the caller has its own progress bar
    ctx.target_max_block_size = BLOCK_BYTES
    _quiet_ray_data()
    try:
        ds = ray.data.from_items(rows, override_num_blocks=max(1, math.ceil(len(rows) / PATHS_PER_BLOCK)))
    finally:
        ctx.execution_options.preserve_order, ctx.enable_progress_bars, ctx.target_max_block_size = saved
    ds = ds.flat_map(_read_and_clean, fn_kwargs={"known": known}, num_cpus=READ_CPUS,
                     compute=ray.data.TaskPoolStrategy(size=actors))
    return ds.map_batches(_Parser, fn_constructor_kwargs={"models": models, "device": "cuda" if gpu else device,
                                                          "threads": threads},
                          batch_size=PARSE_BATCH_ARTICLES, compute=ActorPoolStrategy(size=actors),
                          num_cpus=actor_cpus, num_gpus=1 if gpu else 0)


def _quiet_ray_data() -> None:
    """Ray Data logs each run's start and end, warns once that its progress bars are off, and warns
    when an input has fewer blocks than there are actors (any input of one parse batch)."""
    import warnings

    warnings.filterwarnings("ignore", message=r"The (maximum|minimum) number of concurrent", category=UserWarning)
    try:
        from ray.util.debug import log_once

        log_once("ray_data_progress_manager_disabled")  # marks that warning as given
    except ImportError:  # pragma: no cover
        pass
    logging.getLogger("ray.data").setLevel(logging.WARNING)


# -- on the workers -------------------------------------------------------------------------------
_known: tuple = (None, frozenset())  # (object id, stored keys) cached per worker process


def _known_keys(ref) -> frozenset:
    global _known
    if _known[0] != ref.hex():
        import ray

        _known = (ref.hex(), ray.get(ref))
    return _known[1]


def _read_and_clean(row: dict, known) -> list[dict]:
    """Read one input (``read.read_items``: it never raises), clean each of its articles and mark the
    ones already stored."""
    from .clean import clean_article
    from .read import read_items

    path = row["path"]
    t0 = time.perf_counter()
    items = list(read_items(path, stdin=io.BytesIO(row["data"]) if path == "-" else None, columns=row.get("columns") or None))
    read_s = time.perf_counter() - t0
    keys = _known_keys(known)
    out = []
    for item in items:
        if isinstance(item, ReadFailure):
            entry = _Item(item.source, reason=item.reason)
        else:
            key = item.key
            if key in keys:
                entry = _Item(item.source, key=key, known=True, warnings=item.warnings)
            else:
                t0 = time.perf_counter()
                text = clean_article(item.text).text
                entry = _Item(item.source, raw=item, key=key, text=text, warnings=item.warnings,
                              seconds={"clean": time.perf_counter() - t0})
        out.append(entry)
    if out:
        out[0].seconds["read"] = read_s
    return [{"blob": pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)} for entry in out]


class _Parser:
    """One Ray actor: one Stanza pipeline, built once, parsing batches of articles."""

    def __init__(self, models: str | None, device: str | None, threads: int):
        from .workers import _init_worker

        _init_worker(models, device, threads)  # torch threads, then the pipeline
        self.models, self.device = models, device

    def __call__(self, batch: dict) -> dict:
        import numpy as np

        from .workers import analyse_batch

        items = [pickle.loads(b) for b in batch["blob"]]
        todo = [item for item in items if item.text is not None]
        if todo:
            for item, result in zip(todo, analyse_batch([item.text for item in todo], self.models, self.device)):
                item.result, item.text = result, None
        out = np.empty(len(items), dtype=object)
        out[:] = [pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL) for item in items]
        return {"blob": out}
