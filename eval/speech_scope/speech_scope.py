#!/usr/bin/env python3
"""Keep the speech-scope part of a gold JSONL (issue 29, item 4).

A gold statement is in the speech scope when
  1. its type is "direct" (every direct quotation, whatever its cue), or
  2. its cue contains a word of communication: some word of the cue, lemmatised, is a lemma of
     lexicon.tsv (a VerbNet verb of communication or its WordNet nominalisation), or a multi-word
     lemma of lexicon.tsv occurs in the cue as consecutive lemmas, or
  3. its cue contains "according to" (the one convention not taken from the lexicon: the phrase
     attributes a statement to its source by definition; VerbNet has no 'accord' of communication).

A cue whose only lexicon words are listed in SPEC_EXCLUSIONS (the entries the scope decision itself
names as out of scope: 'show', as in "polls show") is not kept through them.

Multi-word cues ("has said", "told reporters", "said in a statement", "did not immediately respond",
"is calling for") count when any of their words is a lexicon word: PolNeAR's cue spans are verb groups
(auxiliaries, negation, adverbs, particles, the object) around one content word, so "any word" and
"head word" agree on them without a parser; the words around the head are function words or nouns
that are themselves words of communication ("statement", "interview").

Lemmatisation is WordNet's Morphy, without any model: a word is first looked up in the exception
lists (forms.tsv, from WordNet's verb.exc and noun.exc), then WordNet's suffix-detachment rules are
tried, and a candidate counts only if it is a lexicon lemma of that part of speech. Deterministic.

The output is the input with only the speech-scope quotes kept in each article (articles with none
left are kept, with an empty list, so that predictions on them still count). Optionally the dropped
gold is written to a second file (same layout) so that a scorer can set aside predictions matching it.

Usage: python3 speech_scope.py GOLD.jsonl OUT.jsonl [--dropped DROPPED.jsonl] [--lexicon lexicon.tsv]
"""
import argparse
import json
import os
import re
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))

# WordNet Morphy detachment rules (morphy(7WN)), per part of speech.
SUFFIX_RULES = {
    "noun": [("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
             ("men", "man"), ("ies", "y")],
    "verb": [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"),
             ("ing", "")],
}
WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")

# Entries of lexicon.tsv that do not make a cue a word of communication, each named by the scope
# decision itself (issue 29, item 4: "Beliefs, wishes, plans, perceptions and evidence ('X wants',
# 'polls show') stay out"). VerbNet files 'show' under transfer_mesg-37.1.1-1-1 ("show someone how"),
# but as a cue it reports evidence ("polls show", "the data show", "video shows"). 'want' is not in
# the lexicon. Empty this table to measure the lexicon as published.
SPEC_EXCLUSIONS = {("show", "verb"): "issue 29 item 4: 'polls show' is evidence, out of scope"}


class Lexicon:
    def __init__(self, lexicon_path, forms_path):
        self.lemmas = {"verb": set(), "noun": set()}
        self.multi = {"verb": set(), "noun": set()}
        with open(lexicon_path, encoding="utf-8") as f:
            next(f)
            for line in f:
                lemma, pos = line.rstrip("\n").split("\t")[:2]
                words = tuple(lemma.split())
                if len(words) == 1:
                    self.lemmas[pos].add(lemma)
                else:
                    self.multi[pos].add(words)
                    # parts of a multi-word lemma are valid lemmatisation targets ('spoke out')
                    self.lemmas.setdefault(pos + "-part", set()).update(words)
        self.exceptions = {}
        with open(forms_path, encoding="utf-8") as f:
            next(f)
            for line in f:
                form, lemma, pos = line.rstrip("\n").split("\t")[:3]
                self.exceptions.setdefault((form, pos), set()).add(lemma)

    def lemmas_of(self, word):
        """All (lemma, pos) readings of a lower-cased word that the lexicon knows."""
        out = set()
        for pos in ("verb", "noun"):
            known = self.lemmas[pos] | self.lemmas.get(pos + "-part", set())
            cands = {word} | self.exceptions.get((word, pos), set())
            for suf, rep in SUFFIX_RULES[pos]:
                if word.endswith(suf) and len(word) > len(suf):
                    cands.add(word[: len(word) - len(suf)] + rep)
            out.update((c, pos) for c in cands if c in known)
        return out

    def match(self, cue):
        """The lexicon entries found in a cue: list of (lemma, pos)."""
        words = WORD.findall(cue.lower().replace("\u2019", "'"))
        readings = [self.lemmas_of(w) for w in words]
        found = set()
        for r in readings:
            found.update((lemma, p) for lemma, p in r if lemma in self.lemmas[p])
        for pos in ("verb", "noun"):
            for entry in self.multi[pos]:
                n = len(entry)
                for i in range(len(words) - n + 1):
                    if all((entry[k], pos) in readings[i + k] for k in range(n)):
                        found.add((" ".join(entry), pos))
        return sorted(found)


def according_to(cue):
    return re.search(r"\baccording\s+to\b", cue.lower()) is not None


def classify(q, lex):
    """(keep, reason, matched entries)"""
    cue = q.get("cue") or ""
    if q.get("type") == "direct":
        return True, "direct", []
    if according_to(cue):
        return True, "according-to", []
    found = lex.match(cue)
    kept = [e for e in found if e not in SPEC_EXCLUSIONS]
    if kept:
        return True, "lexicon", kept
    if found:
        return False, "spec-exclusion", found
    return False, ("no-cue" if not cue.strip() else "not-speech"), []


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("gold")
    ap.add_argument("out")
    ap.add_argument("--dropped", help="also write the dropped gold here (same layout)")
    ap.add_argument("--lexicon", default=os.path.join(HERE, "lexicon.tsv"))
    ap.add_argument("--forms", default=os.path.join(HERE, "forms.tsv"))
    ap.add_argument("--top", type=int, default=30)
    args = ap.parse_args()
    lex = Lexicon(args.lexicon, args.forms)

    by_type = Counter()
    reasons = Counter()
    dropped_cues = Counter()
    kept_lemmas = Counter()
    docs = 0
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    fdrop = open(args.dropped, "w", encoding="utf-8") if args.dropped else None
    with open(args.gold, encoding="utf-8") as fin, open(args.out, "w", encoding="utf-8") as fout:
        for line in fin:
            if not line.strip():
                continue
            doc = json.loads(line)
            docs += 1
            kept, dropped = [], []
            for q in doc.get("quotes", []):
                keep, reason, found = classify(q, lex)
                by_type[(q.get("type"), keep)] += 1
                reasons[reason] += 1
                if keep:
                    kept.append(q)
                    for lemma, pos in found:
                        kept_lemmas[f"{lemma} ({pos})"] += 1
                else:
                    dropped.append(q)
                    dropped_cues[" ".join((q.get("cue") or "").lower().split()) or "(no cue)"] += 1
            fout.write(json.dumps(dict(doc, quotes=kept), ensure_ascii=False) + "\n")
            if fdrop:
                fdrop.write(json.dumps(dict(doc, quotes=dropped), ensure_ascii=False) + "\n")
    if fdrop:
        fdrop.close()

    total_kept = sum(n for (t, k), n in by_type.items() if k)
    total = sum(by_type.values())
    print(f"{args.gold}: {docs} articles, {total} gold statements; "
          f"speech scope keeps {total_kept} ({total_kept / max(total, 1):.1%}), drops {total - total_kept}")
    print(f"{'type':<10}{'kept':>7}{'dropped':>9}{'kept %':>8}")
    for t in sorted({t for t, _ in by_type}, key=str):
        k, d = by_type[(t, True)], by_type[(t, False)]
        print(f"{str(t):<10}{k:>7}{d:>9}{k / max(k + d, 1):>8.1%}")
    print("reasons: " + ", ".join(f"{r} {n}" for r, n in sorted(reasons.items(), key=lambda x: (-x[1], x[0]))))
    print(f"\n{args.top} most frequent dropped cues:")
    for cue, n in sorted(dropped_cues.items(), key=lambda x: (-x[1], x[0]))[: args.top]:
        print(f"{n:>5}  {cue}")
    print(f"\n{args.top} most frequent lexicon entries keeping non-direct gold:")
    for lem, n in sorted(kept_lemmas.items(), key=lambda x: (-x[1], x[0]))[: args.top]:
        print(f"{n:>5}  {lem}")


if __name__ == "__main__":
    main()
