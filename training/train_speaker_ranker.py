#!/usr/bin/env python3
"""A learned antecedent ranker for pronoun speakers, trained on GUM's coreference and measured against
the order the package uses (``quotes/extraction/antecedents.py``) (issue 29). Not bundled: see below.

Input: ``/tmp/gum-coref/{train,dev}.jsonl`` written by ``training/gum_coref.py`` from the UD release in
../shared/data/ud (never copied into the repository).

Examples: every third-person pronoun ("he", "she", "it", "they" and their other cases) that GUM marks as
a person or an organisation and whose entity was mentioned before. Its candidates are the earlier
mentions of people and organisations within ``antecedents.WINDOW`` sentences that the package records
at run time: subjects (third-person pronouns included), and names in other roles (object, oblique,
nominal modifier). A candidate is positive when GUM puts it in the pronoun's chain. What the package
knows of an entity at the pronoun (its gender from an earlier "he"/"she", "Mr."/"Mrs."/"Ms." or a
gendered noun; how often it was mentioned; whether a pronoun referred to it) is computed from the
mentions before the pronoun, as at run time.

Model: binary logistic regression (scikit-learn, L2) over pair features (sentence distance, compatible
candidates in between, the candidate's relation and form, speech-verb subject on either side, a clause
the candidate's verb governs, quotation, number, salience, and the package's own choice as a feature);
C is chosen on GUM dev by top-1 accuracy.

Printed, on GUM dev, top-1 accuracy of: the ranker; the package's order with its constraints
(``antecedents.choose``); the order without them (the rule before issue 29). Measured at the time of
writing: 0.916, 0.911 and 0.657 (370 pronouns). On the unseen-outlet news dev (eval/speakers) the
ranker lowered attribution from 0.859 to 0.824: GUM, half fiction, conversation and how-to, teaches it
to prefer the entity a text keeps returning to over the one who spoke last. So the package uses the
order with the constraints, and this script stays as the measurement.

Run (about 10 s)::

    python training/gum_coref.py              # once: /tmp/gum-coref/{train,dev}.jsonl
    .venv/bin/python training/train_speaker_ranker.py [--out /tmp/speaker_ranker.json]
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quotes.extraction import antecedents  # noqa: E402
from quotes.extraction.antecedents import compatible, rule_order  # noqa: E402
from quotes.extraction.lexicon import REPORTING_VERBS  # noqa: E402

WINDOW = antecedents.WINDOW
ANAPHORS = set(antecedents.PRONOUN_GENDER) | antecedents.ORGANISATION_PRONOUNS | {"they", "them", "their", "themselves"}
SUBJECT_FORMS = {"he", "she", "it", "they"}
ETYPES = {"person": "person", "organization": "organisation"}
OTHER_ROLES = ("obj", "iobj", "obl", "nmod")


@dataclass(frozen=True)
class Mention(antecedents.Mention):
    """The package's view of a mention, with what the ranker's features read besides."""

    kind: str = "other"  # pronoun, proper, definite or other
    quoted: bool = False
    speech_subject: bool = False
    parent: int = 0
    ancestors: tuple[int, ...] = ()
    seen: int = 1
    pronominal: bool = False


def _role(rel: str) -> str:
    if rel == "nsubj:pass":
        return "nsubjpass"
    base = rel.split(":")[0]
    return base if base in ("nsubj", "obj", "iobj", "obl", "nmod", "appos", "conj", "root", "compound") else "other"


def _bucket(n: int, edges) -> str:
    return next((str(e) for e in edges if n <= e), f">{edges[-1]}")


def features(anaphor: Mention, cand: Mention, between: int, rule_pick: bool) -> list[str]:
    sd = _bucket(anaphor.sent - cand.sent, (0, 1, 2, 3))
    role, a = _role(cand.rel), anaphor.lemma
    out = [f"sd={sd}", f"between={_bucket(between, (0, 1, 2, 4))}", f"role={role}", f"sd={sd}|role={role}",
           f"kind={cand.kind}", f"sd={sd}|kind={cand.kind}", f"a={a}|type={cand.etype}", f"a={a}|plural={cand.plural}",
           f"quoted={cand.quoted}{anaphor.quoted}", f"seen={_bucket(cand.seen, (1, 2, 4))}",
           f"arole={_role(anaphor.rel)}|role={role}", f"pronominal={cand.pronominal}"]
    if cand.speech_subject:
        out += ["spoke", f"sd={sd}|spoke"]
    if anaphor.speech_subject:
        out += [f"aspoke|spoke={cand.speech_subject}|sd={sd}", f"aspoke|between={_bucket(between, (0, 1, 2))}",
                f"aspoke|pronominal={cand.pronominal}"]
    if rule_pick:
        out += ["rule_pick", f"rule_pick|a={a}"]
    if between == 0:
        out.append(f"nearest|role={role}")
    if anaphor.sent == cand.sent and cand.parent:
        if cand.parent in anaphor.ancestors:
            out.append(f"governs|role={role}")
        if cand.parent == anaphor.parent:
            out.append("same_verb")
    return out


def score(feats, model: dict) -> float:
    s = model["bias"] + sum(model["weights"].get(f, 0.0) for f in set(feats))
    return 1 / (1 + math.exp(-s))


def rank(anaphor: Mention, candidates, model: dict) -> int | None:
    fitting = sorted((i for i, c in enumerate(candidates) if c.pos < anaphor.pos and compatible(anaphor, c)),
                     key=lambda i: candidates[i].pos, reverse=True)
    if not fitting:
        return None
    pick = max(fitting, key=lambda i: rule_order(candidates[i]))
    scored = [(score(features(anaphor, candidates[i], between, i == pick), model), i) for between, i in enumerate(fitting)]
    return max(scored)[1]


def recorded(rel: str, kind: str, lemma: str) -> bool:
    """Whether the package keeps such a mention as a possible antecedent: subjects (of the pronouns,
    only third-person ones: "I" and "you" are never a speaker's mention), and names elsewhere."""
    if kind == "pronoun" and lemma not in ANAPHORS:
        return False
    return rel in ("nsubj", "nsubj:pass") or (kind == "proper" and rel.split(":")[0] in OTHER_ROLES)


def instances(path: Path):
    """(anaphor lemma, [(features, positive)], baseline's choice is right, ranker input) per pronoun."""
    for line in open(path, encoding="utf-8"):
        doc = json.loads(line)
        sents = doc["sentences"]
        quotes = [(q["char_start"], q["char_end"]) for q in doc["quotes"]]
        mentions = doc["mentions"]
        chain_pos = {}
        for ent, ids in doc["chains"].items():
            for k, i in enumerate(ids):
                chain_pos[i] = (ent, k)

        def view(m, anaphor_pos: int, etype: str) -> Mention:
            toks = sents[m["sent"]]["tokens"]
            tok = toks[m["head"]]
            ancestors, h = [], tok["head"]
            while h and len(ancestors) < 30:
                ancestors.append(h)
                h = toks[h - 1]["head"]
            parent = toks[tok["head"] - 1] if tok["head"] else None
            ent = m["entity"]
            before = [mentions[i] for i in doc["chains"][ent] if mentions[i]["char_start"] < anaphor_pos]
            gender = next((g for g in (antecedents.gender_of(b["text"]) for b in reversed(before)) if g), None)
            return Mention(
                sent=m["sent"], pos=tok["start"], rel=tok["deprel"], lemma=tok["lemma"].lower(), kind=m["kind"],
                etype=etype, plural="Number=Plur" in (tok["feats"] or ""),
                quoted=any(a <= tok["start"] < b for a, b in quotes),
                speech_subject=tok["deprel"].startswith("nsubj") and parent is not None and parent["lemma"] in REPORTING_VERBS,
                parent=tok["head"], ancestors=tuple(ancestors), gender=gender, seen=max(1, len(before)),
                pronominal=any(b["kind"] == "pronoun" for b in before),
            )

        for m in mentions:
            tok = sents[m["sent"]]["tokens"][m["head"]]
            lemma = tok["lemma"].lower()
            if m["kind"] != "pronoun" or m["end"] - m["start"] != 1 or lemma not in ANAPHORS or m["etype"] not in ETYPES:
                continue
            if chain_pos.get(m["id"], (None, 0))[1] == 0:
                continue  # the first mention of its entity (cataphora, or a new one)
            a_view = view(m, tok["start"], ETYPES[m["etype"]])
            cands = []
            for c in mentions:
                if c["id"] == m["id"] or c["etype"] not in ETYPES or c["char_end"] > m["char_start"]:
                    continue
                if m["sent"] - c["sent"] > WINDOW:
                    continue
                ctok = sents[c["sent"]]["tokens"][c["head"]]
                if not recorded(ctok["deprel"], c["kind"], ctok["lemma"].lower()):
                    continue
                cands.append((view(c, tok["start"], ETYPES[c["etype"]]), c["entity"] == m["entity"]))
            if not any(pos for _, pos in cands):
                continue  # no antecedent the package could see: not a ranking question
            yield doc["genre"], a_view, cands


def pairs(a_view, cands):
    fitting = sorted((k for k, (c, _) in enumerate(cands) if compatible(a_view, c)),
                     key=lambda k: cands[k][0].pos, reverse=True)
    if not fitting:
        return []
    pick = max(fitting, key=lambda k: rule_order(cands[k][0]))
    return [(features(a_view, cands[k][0], between, k == pick), cands[k][1], k) for between, k in enumerate(fitting)]


def rule_before(a_view, cands) -> bool:
    """The order before issue 29: the latest sentence with a mention of the wanted type (person for
    he/she, organisation for it/they), a subject there before a name in another role, then the
    nearest; names in other roles only for he/she; no gender or number."""
    want = "person" if a_view.lemma in antecedents.PRONOUN_GENDER else "organisation"
    best = None
    for c, positive in cands:
        strong = c.rel in ("nsubj", "nsubj:pass")
        if c.etype != want or (not strong and want != "person"):
            continue
        key = (c.sent, strong, c.pos)
        if best is None or key > best[0]:
            best = (key, positive)
    return best is not None and best[1]


def package(a_view, cands) -> bool:
    """The package's choice (``antecedents.choose``): the same order over the compatible candidates."""
    idx = antecedents.choose(a_view, [c for c, _ in cands])
    return idx is not None and cands[idx][1]


def fit(data, c: float, prune: float) -> dict:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = [(f, y) for _, a, cands in data for f, y, _ in pairs(a, cands)]
    vec = DictVectorizer()
    x = vec.fit_transform([dict.fromkeys(f, 1) for f, _ in rows])
    model = LogisticRegression(C=c, max_iter=2000).fit(x, [int(y) for _, y in rows])
    weights = {name: round(float(w), 3) for name, w in zip(vec.feature_names_, model.coef_[0]) if abs(w) >= prune}
    return {"bias": round(float(model.intercept_[0]), 3), "weights": weights}


def evaluate(model: dict, data) -> dict:
    """Top-1 accuracy of the ranker and of the old rule on the same pronouns (all, subject forms, news-like)."""
    out = {}
    groups = defaultdict(list)
    for genre, a, cands in data:
        idx = rank(a, [c for c, _ in cands], model)
        ok = idx is not None and cands[idx][1]
        base = rule_before(a, cands)
        fair = package(a, cands)
        keys = ["all"] + (["subject_forms"] if a.lemma in SUBJECT_FORMS and a.rel.startswith("nsubj") else [])
        if genre in ("news", "interview", "bio", "speech", "court"):
            keys.append("news_interview_bio_speech_court")
        for k in keys:
            groups[k].append((ok, base, fair))
    for k, rows in groups.items():
        out[k] = {"n": len(rows), "ranker": round(sum(r[0] for r in rows) / len(rows), 3),
                  "rule_before": round(sum(r[1] for r in rows) / len(rows), 3),
                  "package": round(sum(r[2] for r in rows) / len(rows), 3)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("/tmp/gum-coref"))
    ap.add_argument("--out", type=Path, default=Path("/tmp/speaker_ranker.json"))
    ap.add_argument("--prune", type=float, default=0.01)
    ap.add_argument("--genres", default="", help="comma-separated GUM genres to train on (default: all)")
    args = ap.parse_args()
    started = time.time()
    train = list(instances(args.data / "train.jsonl"))
    if args.genres:
        train = [row for row in train if row[0] in args.genres.split(",")]
    dev = list(instances(args.data / "dev.jsonl"))
    print(f"pronouns: train {len(train)}, dev {len(dev)}")
    best = None
    for c in (0.03, 0.1, 0.3, 1.0, 3.0):
        scores = evaluate(fit(train, c, args.prune), dev)
        print(f"C={c}", json.dumps(scores))
        if best is None or scores["all"]["ranker"] > best[1]["all"]["ranker"]:
            best = (c, scores)
    c, dev_scores = best
    model = fit(train + dev, c, args.prune)
    model["card"] = {
        "task": "rank the earlier mentions a third-person pronoun may refer to; the best compatible one is its antecedent",
        "data": "GUM (UD_English-GUM, ../shared/data/ud) coreference: third-person pronouns marked person or "
                "organisation with an earlier mention, candidates within %d sentences" % WINDOW,
        "pronouns": {"train": len(train), "dev": len(dev)},
        "model": f"binary logistic regression over pair features, C={c} chosen on GUM dev, refit on train+dev",
        "dev_top1_trained_on_train": dev_scores,
        "features": len(model["weights"]),
        "training_seconds": round(time.time() - started, 1),
        "script": "training/train_speaker_ranker.py",
    }
    args.out.write_text(json.dumps(model, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print("chose C", c, "->", args.out, json.dumps(model["card"]))


if __name__ == "__main__":
    main()
