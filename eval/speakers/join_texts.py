#!/usr/bin/env python3
"""Join the speaker gold (labels only) with the article texts kept outside the repository.

Usage: python eval/speakers/join_texts.py TEXTS_DIR OUT.jsonl [--split dev|heldout] [--mention]

TEXTS_DIR holds <doc_id>.txt (UTF-8, exactly as labelled; see README.md). Every text is checked
against the SHA-1 and length in articles.jsonl and every quote against its offsets; a mismatch stops
the join. OUT.jsonl gets one line per article in the format of ../shared/tools/score_quotes.py:
{doc_id, split, genre, story, text, quotes: [...]}, where each quote's `speaker` is the canonical
speaker (the person or organisation the statement resolves to; null when the text credits no one)
and `speaker_as_written` keeps the phrase at the cue. With --mention the phrase at the cue is also
given as `speaker_mention`, which score_quotes.py accepts as an alternative name (pronouns then
match pronouns, so leave it off for attribution figures).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("texts")
    ap.add_argument("out")
    ap.add_argument("--split", choices=["dev", "heldout"])
    ap.add_argument("--mention", action="store_true")
    a = ap.parse_args()
    arts = {r["doc_id"]: r for r in map(json.loads, open(HERE / "articles.jsonl", encoding="utf-8"))}
    out, bad = [], 0
    for line in open(HERE / "gold.jsonl", encoding="utf-8"):
        g = json.loads(line)
        if a.split and g["split"] != a.split:
            continue
        meta = arts[g["doc_id"]]
        path = Path(a.texts) / (g["doc_id"] + ".txt")
        if not path.exists():
            print("missing", path, file=sys.stderr)
            bad += 1
            continue
        text = path.read_text(encoding="utf-8")
        if hashlib.sha1(text.encode("utf-8")).hexdigest() != meta["sha1"] or len(text) != meta["chars"]:
            print("SHA-1 or length differs:", g["doc_id"], file=sys.stderr)
            bad += 1
            continue
        quotes = []
        for q in g["quotes"]:
            if text[q["start"]:q["end"]] != q["text"]:
                print("offsets differ:", g["doc_id"], q["id"], file=sys.stderr)
                bad += 1
                continue
            r = dict(q, speaker=q["speaker_canonical"], speaker_as_written=q["speaker"])
            if a.mention and q["speaker"]:
                r["speaker_mention"] = q["speaker"]
            quotes.append(r)
        out.append({"doc_id": g["doc_id"], "split": g["split"], "genre": meta["genre"], "story": meta["story"],
                    "text": text, "quotes": quotes})
    if bad:
        sys.exit(f"{bad} problems; nothing written")
    with open(a.out, "w", encoding="utf-8") as f:
        for d in out:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    print(f"{len(out)} articles, {sum(len(d['quotes']) for d in out)} statements -> {a.out}")


if __name__ == "__main__":
    main()
