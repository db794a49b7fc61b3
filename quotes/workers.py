"""Stages parse -> extract -> attribute for batches of articles, here or in worker processes.

``Analyser.map`` takes batches of cleaned texts and yields, in input order, one ``Analysed`` record
per text: the parse as CoNLL-U, the attributed statements, the acronyms the article defines, the
sentence vectors of its statements (for variant grouping) and the seconds each stage took.

With ``workers=1``, or when the input fits in one batch, everything runs in this process. With more,
each worker process builds its own
Stanza pipeline once (torch threads set to its share of the cores) and at most ``workers + 1``
batches are in flight, so memory stays flat however many articles stream through. Worker
processes are started with "spawn": forking a process that has already started torch's thread
pools is unsafe.
"""
from __future__ import annotations

import itertools
import os
import time
from collections import deque
from dataclasses import replace
from typing import Iterable, Iterator

from .extraction.analyse import Analysed, Failed, analyse, extract_article

PARSE_BATCH_ARTICLES = 8  # articles parsed in one Stanza call (here, in a worker process or a Ray actor)
# batches a worker process parses before a fresh one takes its place: a worker's resident size
# crept up batch after batch. Most of the creep was the oneDNN bridge's cache of matmul primitives
# (parse.py holds it to 16 now); what is left is heap fragmentation. With that cache held, a worker
# kept for 16 batches instead of replaced after 4: 100 articles 0.942 of the wall time for +38 MiB
# (931 against 893 MiB); 200 articles, 2 workers: 1,407 words/s, largest process 916 MiB
# (bench/README.md)
WORKER_BATCHES = 16


def cpu_count() -> int:
    """Cores this process may use (the affinity mask, not the machine's total)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def analyse_batch(texts: list[str], models: str | None, device: str | None = None) -> list[Analysed | Failed]:
    """Parse a batch in one Stanza call, then analyse each article; a batch that fails is retried
    article by article so one bad text cannot take the others with it."""
    from .parse import parse_texts

    t0 = time.perf_counter()
    try:
        docs = parse_texts(texts, models=models, device=device)
    except Exception as e:
        if len(texts) == 1:
            return [Failed(f"the parser failed: {first_line(e)}")]
        return [item for t in texts for item in analyse_batch([t], models, device)]
    parse_s = (time.perf_counter() - t0) / max(1, len(texts))
    results = [_analyse_doc(doc, parse_s) for doc in docs]
    del docs
    try:
        results = _with_vectors(results)
    except Exception:  # find the article whose statements the encoder cannot take
        results = [_embedded_alone(r) for r in results]
    _release_memory()
    return results


def analyse_text(text: str, *, models: str | None = None) -> list:
    """Parse and analyse raw text: its statements (for tests and trying a sentence out)."""
    from .parse import parse_text

    return analyse(text, parse_text(text, models=models))


def first_line(e: BaseException) -> str:
    """``Type: first line of the message`` of an exception, never empty, never several lines."""
    text = str(e).strip()
    return f"{type(e).__name__}: {text.splitlines()[0]}" if text else type(e).__name__


def _release_memory() -> None:
    """Hand freed heap back to the system after a batch. Tensors of ever-changing shapes fragment
    glibc's heap, and without this the resident size crept up batch after batch (680 -> 1,012 MB
    over 40 PolNeAR articles; 680 -> 765 MB with it)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def _analyse_doc(doc, parse_s: float) -> Analysed | Failed:
    from .parse import to_conllu

    try:
        t0 = time.perf_counter()
        extraction = extract_article(doc.text, doc)
        conllu = to_conllu(doc)
    except Exception as e:  # a rule that trips on an odd parse must not stop the run
        return Failed(f"extraction failed: {first_line(e)}")
    return Analysed(doc.text, conllu, extraction.occurrences, extraction.acronyms, [],
                    {"parse": parse_s, "analyse": time.perf_counter() - t0})


def _with_vectors(results: list[Analysed | Failed]) -> list[Analysed | Failed]:
    """The batch's records with the sentence vectors of their statements, computed in one call
    (batches of similar lengths); failures pass through."""
    from .parse import sentence_vectors

    done = [r for r in results if isinstance(r, Analysed)]
    t0 = time.perf_counter()
    vectors = sentence_vectors([o.text for r in done for o in r.occurrences])
    share = (time.perf_counter() - t0) / max(1, len(done))
    out, k = [], 0
    for r in results:
        if isinstance(r, Analysed):
            n = len(r.occurrences)
            r = replace(r, vectors=[v.tobytes() for v in vectors[k : k + n]], seconds={**r.seconds, "embed": share})
            k += n
        out.append(r)
    return out


def _embedded_alone(result: Analysed | Failed) -> Analysed | Failed:
    if isinstance(result, Failed):
        return result
    try:
        return _with_vectors([result])[0]
    except Exception as e:
        return Failed(f"could not embed its statements: {first_line(e)}")


# -- worker processes ---------------------------------------------------------------------------
_setup: tuple = (None, None)  # (models, device) of this worker process


def _init_worker(models: str | None, device: str | None, threads: int) -> None:
    from .parse import get_pipeline, hold_onednn_caches

    _follow_parent()
    hold_onednn_caches()
    import torch

    global _setup
    torch.set_num_threads(threads)
    _setup = (models, device)
    get_pipeline(models, device=device)  # load once, before the first batch arrives


def _follow_parent() -> None:
    """A worker ends with the process that started it: Ctrl-C is the parent's to handle (the
    terminal sends it to the whole group, and a worker's traceback would follow), and when the
    parent dies, even by kill -9, Linux sends the worker SIGTERM (prctl PR_SET_PDEATHSIG), so no
    worker keeps parsing for nobody."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux with glibc: the parent's shutdown stops the workers
        pass


def _stop_workers(pool) -> None:
    """Terminate a pool's worker processes now (ProcessPoolExecutor can only wait for them)."""
    for process in list(getattr(pool, "_processes", {}).values()):
        if process.is_alive():
            process.terminate()


def _work(texts: list[str]) -> list[Analysed | Failed]:
    return analyse_batch(texts, *_setup)


class Analyser:
    """Runs ``analyse_batch`` over a stream of batches, in order, with bounded look-ahead."""

    def __init__(self, models: str | None = None, *, workers: int = 1, device: str | None = None):
        self.models = models
        self.device = device
        self.workers = max(1, workers)
        self.pool = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        if self.pool is not None:
            if exc_type is not None:  # interrupted (Ctrl-C, SIGTERM) or failed: the batches in flight are not waited for
                _stop_workers(self.pool)
            self.pool.shutdown(wait=exc_type is None, cancel_futures=True)
            self.pool = None

    def map(self, batches: Iterable[list[str]]) -> Iterator[list[Analysed | Failed]]:
        batches = iter(batches)
        first = next(batches, None)
        second = next(batches, None) if first is not None else None
        if self.workers == 1 or second is None:  # one batch: starting processes would cost more than it saves
            for texts in (b for b in (first, second) if b is not None):
                yield analyse_batch(texts, self.models, self.device)
            for texts in batches:
                yield analyse_batch(texts, self.models, self.device)
            return
        yield from self._map_parallel(itertools.chain([first, second], batches))

    def _map_parallel(self, batches: Iterator[list[str]]) -> Iterator[list[Analysed | Failed]]:
        """Batches through the worker pool, in order. A worker that dies (out of memory, killed)
        fails the batch it held, with a reason; the pool is started again for the others."""
        from concurrent.futures.process import BrokenProcessPool

        from .parse import find_models, models_dir

        find_models(models_dir(self.models))  # a missing model folder is said here, not in a worker's traceback
        self._start_pool()
        pending: deque = deque()
        for texts in batches:
            pending.append((texts, self.pool.submit(_work, texts)))
            while len(pending) > self.workers:
                yield self._result(pending, BrokenProcessPool)
        while pending:
            yield self._result(pending, BrokenProcessPool)

    def _start_pool(self) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        threads = max(1, cpu_count() // self.workers)
        self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                        max_tasks_per_child=WORKER_BATCHES,
                                        initializer=_init_worker, initargs=(self.models, self.device, threads))

    def _result(self, pending: deque, broken) -> list[Analysed | Failed]:
        texts, future = pending.popleft()
        try:
            return future.result()
        except broken:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self._start_pool()
            for i, (other, _) in enumerate(pending):  # their futures died with the pool
                pending[i] = (other, self.pool.submit(_work, other))
            return [Failed("a worker process died while parsing it (out of memory?); try --workers 1")] * len(texts)
