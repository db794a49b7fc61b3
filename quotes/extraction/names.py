"""Names of speakers: what kind of source a mention is, and the keys used to match mentions.

Pure functions over strings; ``speakers.py`` and ``attribute.py`` decide what to merge with them.

- People are matched on their name with titles and roles stripped ("Ukrainian President Volodymyr
  Zelensky" -> "Volodymyr Zelensky"), parsed by nameparser (first/middle/last, suffixes), and on a
  transliteration-folded key (Zelenskyy/Zelensky/Zelenskiy, Andrii/Andriy, Sybiha/Sybiga).
- Organisations are matched on (country, core words): "Seoul's National Intelligence Service" and
  "South Korea's intelligence service" share country "south korea" and head "service".
- Acronyms are learned from the article itself: "National Intelligence Service (NIS)",
  "Ukraine's security service, SBU", "NIS (National Intelligence Service)".
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .lexicon import (
    AFFILIATION_LINKS,
    COUNTRY_WORDS,
    DETERMINERS,
    IRREGULAR_REPORTING_FORMS,
    NAME_NOUNS,
    ORG_WORDS,
    PRONOUNS,
    REPORTING_VERBS,
    ROLE_NOUNS,
    TITLE_LINKS,
    TITLES,
)

NAMED_KINDS = ("person", "organisation", "group")  # kinds of named sources; unnamed ones are "anonymous"
SPEAKER_KINDS = (*NAMED_KINDS, "anonymous")
# Jaro-Winkler similarity at which two surnames are spellings of one (Zelensky, Zelenskyy; Kuleba,
# Kouleba): within one article, where the first names and the story also agree, a little looser
# (same_person); against every person stored, from every story, stricter (speakers.SpeakerIndex).
SAME_SURNAME_IN_ARTICLE = 0.93
SAME_SURNAME_STORED = 0.95
ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.]{1,7}$")
POSSESSIVE = re.compile(r"(’s|'s|’|')$")


def strip_accents(text: str) -> str:
    text = latin_lookalikes(text)
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


LOOKALIKE_SCRIPTS = re.compile("[\u0370-\u03ff\u0400-\u052f]")  # Greek and Cyrillic


def latin_lookalikes(text: str) -> str:
    """A word in Latin letters with a few Cyrillic or Greek ones that look the same ("Zelenskyy"
    with a Cyrillic е, by a typo, a copy or a spoof) is the Latin word: those letters become their
    Latin twins, from Unicode's confusables table (the confusable-homoglyphs package, chosen over a
    hand-made table). A word wholly in another script ("Зеленський") is left as it is."""
    if text.isascii() or not LOOKALIKE_SCRIPTS.search(text):
        return text
    from confusable_homoglyphs import confusables

    def fold(m: re.Match) -> str:
        word = m.group(0)
        if not re.search("[A-Za-z]", word) or not confusables.is_mixed_script(word):
            return word
        found = confusables.is_confusable(word, greedy=True, preferred_aliases=["latin"]) or []
        twins = {f["character"]: f["homoglyphs"][0]["c"] for f in found
                 if f["alias"] != "LATIN" and f["homoglyphs"] and len(f["homoglyphs"][0]["c"]) == 1}
        return "".join(twins.get(ch, ch) for ch in word)

    return re.sub(r"\w+", fold, text)


def tokens(text: str) -> list[str]:
    return re.findall(r"[\w.&’'-]+", text)


def fold_token(token: str) -> str:
    """Transliteration-folded form of one name token (Zelenskyy -> zelenski, Andriy -> andri)."""
    t = strip_accents(token.lower()).replace("’", "").replace("'", "")
    t = re.sub(r"[^a-z0-9]", "", t)
    for a, b in (("yy", "y"), ("iy", "y"), ("ii", "i"), ("ij", "i"), ("ih", "ig"), ("kh", "h"), ("h", "g"), ("ts", "c"), ("w", "v")):
        t = t.replace(a, b)
    return re.sub(r"y$", "i", t)


def is_acronym(text: str) -> bool:
    return bool(ACRONYM.match(text.strip())) and sum(ch.isupper() for ch in text) >= 2


def strip_titles(name: str) -> tuple[str, str | None]:
    """Split a person mention into (name, title): "Ukrainian President Volodymyr Zelensky" -> ("Volodymyr Zelensky", "Ukrainian President").

    Linking words belong to a title only before the name starts: in "Stephen Vladeck of the University
    of Texas School of Law" the name comes first and "of ..." is an affiliation: dropped, and no part of
    the title; so is what follows a comma after the name.
    """
    toks = name.split()
    last_title = -1
    for i, tok in enumerate(toks[:-1]):
        low = tok.lower().strip(".,")
        if low in AFFILIATION_LINKS and _name_started(toks, last_title, i):
            return " ".join(toks[last_title + 1 : i]), " ".join(toks[: last_title + 1]) or None
        if tok.endswith(",") and _name_started(toks, last_title, i + 1):
            # "Senator Lindsey Graham, Republican of South Carolina": a comma ends the name
            return " ".join(toks[last_title + 1 : i + 1]).rstrip(","), " ".join(toks[: last_title + 1]) or None
        if low in TITLES or low in COUNTRY_WORDS or low.rstrip("’'s") in COUNTRY_WORDS or low in TITLE_LINKS or low in ("u.s.", "white", "house", "foreign", "state"):
            last_title = i
        elif not tok[:1].isupper():
            last_title = i
    title = " ".join(toks[: last_title + 1]) or None
    return " ".join(toks[last_title + 1 :]), title


def _name_started(toks: list[str], last_title: int, i: int) -> bool:
    """The words between the title (if any) and word i are a name: capitalised, no title among them,
    two of them or a surname after a title ("Mr. Khan of Virginia"; a lone word first may be a title
    itself: "Ombudsman of ..."), and not the domain of a title ("Chairman of the Joint Chiefs of Staff")."""
    words = toks[last_title + 1 : i]
    if not words or (last_title >= 0 and toks[last_title].lower() in TITLE_LINKS) or (len(words) < 2 and last_title < 0):
        return False
    return all(w[:1].isupper() and not set(w.lower().strip(".,").split("-")) & TITLES for w in words)


def reporting_verb_form(token: str) -> bool:
    """An inflected reporting verb ("Says", "told", "Warns", "denied"): a word between two names that
    makes "Francois Hollande Says Donald Trump" a headline clause, not one name. The bare lemma
    ("State", "Post", "Call") is left alone: it is often a name word."""
    t = token.lower().strip(".,:;’'")
    if t in IRREGULAR_REPORTING_FORMS:
        return token != "Said"
    if t in NAME_NOUNS or len(t) < 4:
        return False
    stems = []
    if t.endswith("s"):
        stems += [t[:-1], t[:-2]] + ([t[:-3] + "y"] if t.endswith("ies") else [])  # says, pushes, denies
    if t.endswith("ed"):
        stems += [t[:-1], t[:-2]] + ([t[:-3] + "y"] if t.endswith("ied") else [])  # noted, warned, denied
        stems += [t[:-3]] if t[-3] == t[-4] else []  # slammed
    return any(stem in REPORTING_VERBS for stem in stems)


def reported_parts(name: str) -> list[str]:
    """The names a mention holds either side of a reporting verb: "Francois Hollande Says Donald
    Trump" -> ["Francois Hollande", "Donald Trump"]; a plain name -> [name]. Only a verb with a name
    on both sides splits: "Trump Says" is left whole."""
    toks = name.split()
    parts, current = [], []
    for i, tok in enumerate(toks):
        if current and i + 1 < len(toks) and toks[i + 1][:1].isupper() and reporting_verb_form(tok):
            parts.append(" ".join(current))
            current = []
            continue
        current.append(tok)
    parts.append(" ".join(current))
    return parts


def is_one_name(name: str) -> bool:
    """No reporting verb between two names: the form can name one speaker."""
    return len(reported_parts(name)) == 1


def better_name(current: str, candidate: str) -> bool:
    """Whether a person is better named by ``candidate``: the fullest form names a person ("Donald J.
    Trump" over "Trump"), but a form with a reporting verb between two names never does, and is
    replaced by the first form that names one person."""
    if not is_one_name(candidate):
        return False
    return not is_one_name(current) or len(candidate.split()) > len(current.split())


@lru_cache(maxsize=4096)
def person_parts(name: str) -> tuple[str, str]:
    """(first, last) of a person's name, by nameparser (handles suffixes, particles, commas)."""
    from nameparser import HumanName

    hn = HumanName(name)
    first, last = hn.first, hn.last
    if not last and first:
        first, last = "", first
    return first, last


def person_key(name: str) -> tuple[str, str]:
    """Folded (first, last) for matching people ("X Says Y" is keyed as X, never as Y)."""
    first, last = person_parts(reported_parts(name)[0])
    return fold_token(first) if first else "", fold_token(last.split()[-1]) if last else ""


def country_of(words: list[str]) -> str | None:
    text = " ".join(w.lower().rstrip("’'").removesuffix("’s").removesuffix("'s") for w in words)
    for phrase in sorted(COUNTRY_WORDS, key=len, reverse=True):
        if re.search(rf"(^|\s){re.escape(phrase)}($|\s)", text):
            return COUNTRY_WORDS[phrase]
    return None


def org_key(name: str) -> tuple[str | None, frozenset]:
    """(country, core words) of an organisation mention: "the Security Service of Ukraine" -> ("ukraine", {security, service})."""
    words = [POSSESSIVE.sub("", w) for w in tokens(name)]
    country = country_of(words)
    core = set()
    low_all = " ".join(w.lower() for w in words)
    for phrase in COUNTRY_WORDS:
        if " " in phrase:
            low_all = re.sub(rf"(^|\s){re.escape(phrase)}($|\s)", " ", low_all)
    for w in low_all.split():
        if w in DETERMINERS or w in COUNTRY_WORDS or w in ("of", "for", "and", "in", "on", "national", "'s", "’s"):
            continue
        core.add(w)
    return country, frozenset(core)


def kind_of(name: str, *, head_upos: str | None = None, head_lemma: str | None = None, determiner: str | None = None) -> str:
    """person, organisation, group (a country or people), anonymous (unnamed source) or pronoun."""
    low = name.lower().strip()
    if low in PRONOUNS:
        return "pronoun"
    toks = tokens(name)
    if not toks:
        return "anonymous"
    if titled_person(name):
        return "person"  # "White House National Security Advisor John Kirby": a title, then a person's name
    org_head = head_lemma in ORG_WORDS if head_lemma else any(t.lower().rstrip("’'s") in ORG_WORDS for t in toks)
    if is_acronym(toks[-1]) or org_head:
        if head_upos == "NOUN" and (determiner or "").lower() in ("a", "an", "some", "one"):
            return "anonymous"
        return "organisation"
    if POSSESSIVE.sub("", low.removeprefix("the ")) in COUNTRY_WORDS:
        return "group"
    if head_lemma in ROLE_NOUNS or (head_upos and head_upos != "PROPN") or not any(t[:1].isupper() for t in toks):
        return "anonymous"
    if POSSESSIVE.sub("", low.removeprefix("the ")) in COUNTRY_WORDS:
        return "group"
    first = next((i for i, t in enumerate(toks) if t[:1].isupper() and i > 0 and not toks[i - 1][:1].isupper()), None)
    if first is not None and toks[first - 1].lower() in ORG_WORDS:
        return "organisation"  # "his club Juventus", "the carmaker Tesla": an organisation's word before the name
    return "person"


def titled_person(name: str) -> bool:
    """A known title followed by a name of two or more capitalised words, none of them an
    organisation's: the mention names a person whatever its head noun ("Advisor")."""
    rest, title = strip_titles(name)
    words = tokens(rest)
    return bool(title) and rest != name and len(words) >= 2 and all(t[:1].isupper() for t in words) \
        and not any(t.lower().rstrip("’'s") in ORG_WORDS for t in words)


def display_name(mention: str, kind: str) -> str:
    """The name to show for a speaker: titles dropped for people, leading "the" dropped for others."""
    mention = re.sub(r"\s+", " ", mention).strip(" ,.;:")
    if kind == "person":
        # "Francois Hollande Says Donald Trump": the speaker is who says (the subject of the verb)
        name, _ = strip_titles(reported_parts(mention)[0])
        name = POSSESSIVE.sub("", name) or name  # "Ava DuVernay’s ‘13th’ Explores ...": the person, not the possessive
        return name or mention
    if kind == "organisation":
        # "his club Juventus", "the carmaker Tesla": the name, not the description before it
        m = re.match(r"^(?:(?:the|The|his|His|her|Her|its|Its|their|Their)\s+)?((?:[a-z-]+\s+)+)(?=[A-Z])", mention)
        if m and m.group(1).split()[-1] in ORG_WORDS:
            return mention[m.end():]
        return re.sub(r"^(the|The)\s+", "", mention)
    return mention


ACR_AFTER = re.compile(r"((?:[A-Z][\w’'.-]*\s+|(?:of|for|the|and|on)\s+){1,8})\(([A-Z][A-Z0-9&]{1,7})\)")
ACR_BEFORE = re.compile(r"\b([A-Z][A-Z0-9&]{1,7})\s+\(((?:[A-Z][\w’'.-]*\s*|(?:of|for|the|and|on)\s+){1,8})\)")
ACR_APPOS = re.compile(r"((?:[A-Z][\w’'.-]*\s+|[a-z]+\s+){1,5}(?:service|agency|ministry|office|committee|council|forces|army|bureau|department)),\s+([A-Z][A-Z0-9&]{1,7}),")


def learn_acronyms(text: str) -> dict[str, str]:
    """Acronyms defined in the text itself, mapped to their expansion."""
    found: dict[str, str] = {}
    for m in ACR_AFTER.finditer(text):
        exp = m.group(1).strip()
        if _initials_fit(m.group(2), exp):
            found.setdefault(m.group(2), exp)
    for m in ACR_BEFORE.finditer(text):
        exp = m.group(2).strip()
        if _initials_fit(m.group(1), exp):
            found.setdefault(m.group(1), exp)
    for m in ACR_APPOS.finditer(text):
        found.setdefault(m.group(2), m.group(1).strip())
    return found


def _initials_fit(acr: str, expansion: str) -> bool:
    caps = [w[0] for w in expansion.split() if w[:1].isupper()]
    letters = [c for c in acr if c.isalpha()]
    return bool(letters) and "".join(caps).endswith("".join(letters)) or "".join(caps[-len(letters):]) == "".join(letters)


def same_person(a: str, b: str) -> bool:
    """Two person names within one article: equal after folding, or one is the other's surname."""
    fa, la = person_key(a)
    fb, lb = person_key(b)
    if not la or not lb:
        return False
    if la != lb:
        from rapidfuzz.distance import JaroWinkler

        if JaroWinkler.similarity(la, lb) < SAME_SURNAME_IN_ARTICLE or min(len(la), len(lb)) < 5:
            return False
    return not fa or not fb or fa == fb or fa[:1] == fb[:1] and (len(fa) <= 2 or len(fb) <= 2)


def _coordinated(name: str) -> bool:
    return bool(re.search(r"\s(and|&)\s", name))


def same_org(a: str, b: str) -> bool:
    """Two organisation names: same country (or one unstated) and one's core words within the other's."""
    if _coordinated(a) != _coordinated(b):
        return False  # "the White House and the Pentagon" is not the Pentagon
    ca, wa = org_key(a)
    cb, wb = org_key(b)
    if not wa or not wb:
        return False
    if ca and cb and ca != cb:
        return False
    if wa == wb:
        return True
    small, big = sorted((wa, wb), key=len)
    heads_agree = tokens(a)[-1].lower() == tokens(b)[-1].lower()
    return small <= big and heads_agree and (ca == cb or len(small) > 1)
