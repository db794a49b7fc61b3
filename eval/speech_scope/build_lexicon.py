#!/usr/bin/env python3
"""Build the speech-scope lexicon (lexicon.tsv, forms.tsv) from published sources only.

Inputs (see README.md for where each comes from):
  sources/verbnet-members.tsv        MEMBER names of the VerbNet 3.4 chapter-37 classes
                                     ("Verbs of Communication"), transcribed class by class
  sources/verbnet-members-other.tsv  MEMBER names and their `wn` attributes of the speech-act
                                     classes VerbNet files elsewhere (29.4, 29.5, 33.1, 58.x)
  WORDNET_DICT                       a WordNet 3.0 database directory (data.noun, data.verb,
                                     noun.exc, verb.exc), e.g. from Debian's wordnet-base

Rules (fixed before any scoring; nothing is added by hand):
  verbs, part A: every member of every VerbNet chapter-37 class and subclass, except the class
                 initiate_communication-37.4.2, whose thematic roles (Agent, Recipient) include no
                 content of the communication (its verbs make contact: get, reach, ring, ping).
  verbs, part B: a member of declare-29.4, conjecture-29.5, judgment-33.1, urge-58.1, beg-58.2 or
                 order-58.3 (and their subclasses) enters only if VerbNet's own `wn` attribute for
                 that member lists a WordNet verb.communication sense (sense key lexfile 32).
  nouns:         a noun of a WordNet noun.communication synset (lexfile 10) that WordNet links by a
                 derivationally-related-form pointer to a verb of the lexicon in a
                 verb.communication synset (lexfile 32): the nominalisations of the verbs above
                 ('statement' <- state, 'warning' <- warn, 'claim' <- claim).
  forms:         the inflected forms WordNet's exception lists (verb.exc, noun.exc) give for a
                 lexicon lemma or a word of a multi-word lemma; regular forms are found at run time by WordNet's Morphy suffix rules.

Usage: python3 build_lexicon.py WORDNET_DICT   (writes lexicon.tsv and forms.tsv beside this file)
"""
import os
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = "cu-clear/verbnet"
EXCLUDED_CH37 = ("initiate_communication-37.4.2",)
# VerbNet 3.4 names one conjecture-29.5 member 'spectulate'; its own wn attribute gives the
# lemma 'speculate' (speculate%2:32:00). The lemma is taken from the wn key for this one member.
NAME_TYPOS = {"spectulate": "speculate"}


def read_rows(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cls, fname, commit, members = (line.split("\t") + [""] * 4)[:4]
            yield cls, fname, commit, members.split()


def lemma_of(name):
    return NAME_TYPOS.get(name, name).replace("_", " ").lower()


def verbnet_verbs():
    entries = defaultdict(lambda: (set(), set()))  # lemma -> (classes, sources)
    excluded = []
    for cls, fname, commit, members in read_rows(os.path.join(HERE, "sources", "verbnet-members.tsv")):
        if cls.startswith(EXCLUDED_CH37):
            excluded.extend((m, cls, "class has no content role") for m in members)
            continue
        for m in members:
            classes, sources = entries[lemma_of(m)]
            classes.add(cls)
            sources.add(f"VerbNet 3.4 {REPO}@{commit[:12]}:{fname}")
    for cls, fname, commit, members in read_rows(os.path.join(HERE, "sources", "verbnet-members-other.tsv")):
        for item in members:
            name, _, keys = item.partition("=")
            keys = [k for k in keys.split(",") if k]
            lexfiles = {k.lstrip("?").split("%")[1].split(":")[1] for k in keys}
            if "32" not in lexfiles:
                excluded.append((name, cls, "no verb.communication sense in wn=" + (",".join(keys) or "(empty)")))
                continue
            classes, sources = entries[lemma_of(name)]
            classes.add(cls)
            sources.add(f"VerbNet 3.4 {REPO}@{commit[:12]}:{fname}")
    return entries, excluded


def read_wordnet(path):
    """offset -> (lexfile number, [words], [(symbol, offset, pos, src, tgt)])"""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("  "):  # licence header
                continue
            data = line.split(" | ")[0].split()
            off, lexfile, _ss, wcnt = data[0], int(data[1]), data[2], int(data[3], 16)
            words = [data[4 + 2 * i] for i in range(wcnt)]
            i = 4 + 2 * wcnt
            pcnt = int(data[i])
            ptrs = []
            for j in range(pcnt):
                sym, poff, pos, st = data[i + 1 + 4 * j: i + 5 + 4 * j]
                ptrs.append((sym, poff, pos, int(st[:2], 16), int(st[2:], 16)))
            out[off] = (lexfile, words, ptrs)
    return out


def clean(word):
    w = word.split("(")[0]  # adjective markers such as (p) never occur on nouns/verbs, but be safe
    return w.replace("_", " ").lower()


def wordnet_nouns(wn_dir, verb_lemmas):
    nouns = read_wordnet(os.path.join(wn_dir, "data.noun"))
    verbs = read_wordnet(os.path.join(wn_dir, "data.verb"))
    entries = defaultdict(set)  # noun lemma -> {"noun.communication N <- verb.communication V 'v'"}
    for noff, (lexfile, words, ptrs) in nouns.items():
        if lexfile != 10:  # noun.communication
            continue
        for sym, voff, pos, src, tgt in ptrs:
            if sym != "+" or pos != "v" or src == 0 or tgt == 0:
                continue
            vlexfile, vwords, _ = verbs[voff]
            if vlexfile != 32:  # verb.communication
                continue
            verb = clean(vwords[tgt - 1])
            if verb in verb_lemmas:
                entries[clean(words[src - 1])].add(f"noun.communication {noff} <- verb.communication {voff} '{verb}'")
    return entries


def exception_forms(wn_dir, lemmas_by_pos):
    forms = []
    for pos, fname in (("verb", "verb.exc"), ("noun", "noun.exc")):
        with open(os.path.join(wn_dir, fname), encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) < 2:
                    continue
                form = clean(parts[0])
                for base in parts[1:]:
                    base = clean(base)
                    if base in lemmas_by_pos[pos]:
                        forms.append((form, base, pos, fname))
    return sorted(set(forms))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    wn_dir = sys.argv[1]
    verbs, excluded = verbnet_verbs()
    nouns = wordnet_nouns(wn_dir, set(verbs))
    rows = []
    for lemma, (classes, sources) in verbs.items():
        rows.append((lemma, "verb", "; ".join(sorted(classes)), "; ".join(sorted(sources))))
    for lemma, derivs in nouns.items():
        rows.append((lemma, "noun", "; ".join(sorted(derivs)), "WordNet 3.0 data.noun, data.verb"))
    rows.sort()
    with open(os.path.join(HERE, "lexicon.tsv"), "w", encoding="utf-8") as f:
        f.write("lemma\tpos\tsource_class\tsource\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    # targets: the lemmas, and the words of multi-word lemmas ('spoke out' -> speak out, 'was like' -> be like)
    targets = {pos: {w for lemma in lemmas for w in [lemma] + lemma.split()}
               for pos, lemmas in (("verb", set(verbs)), ("noun", set(nouns)))}
    forms = exception_forms(wn_dir, targets)
    with open(os.path.join(HERE, "forms.tsv"), "w", encoding="utf-8") as f:
        f.write("form\tlemma\tpos\tsource\n")
        for r in forms:
            f.write("\t".join(r) + "\n")
    with open(os.path.join(HERE, "sources", "excluded.tsv"), "w", encoding="utf-8") as f:
        f.write("member\tclass\treason\n")
        for r in sorted(set(excluded), key=lambda r: (r[1], r[0])):
            f.write("\t".join(r) + "\n")
    print(f"verbs {len(verbs)}, nouns {len(nouns)}, exception forms {len(forms)}, "
          f"VerbNet members left out {len(set(excluded))}")


if __name__ == "__main__":
    main()
