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

from .lexicon import ORG_WORDS, PRONOUNS, ROLE_NOUNS, TITLES

# Countries and the words that stand for them (capitals, demonyms) in news copy.
COUNTRY_WORDS = {
    "ukraine": "ukraine", "ukrainian": "ukraine", "ukrainians": "ukraine", "kyiv": "ukraine", "kiev": "ukraine",
    "russia": "russia", "russian": "russia", "russians": "russia", "moscow": "russia", "kremlin": "russia",
    "south korea": "south korea", "south korean": "south korea", "seoul": "south korea", "korea": "korea",
    "north korea": "north korea", "north korean": "north korea", "pyongyang": "north korea", "dprk": "north korea",
    "united states": "united states", "u.s.": "united states", "us": "united states", "america": "united states",
    "american": "united states", "washington": "united states",
    "china": "china", "chinese": "china", "beijing": "china",
    "united kingdom": "united kingdom", "uk": "united kingdom", "u.k.": "united kingdom", "britain": "united kingdom",
    "british": "united kingdom", "london": "united kingdom",
    "france": "france", "french": "france", "paris": "france", "germany": "germany", "german": "germany",
    "berlin": "germany", "israel": "israel", "israeli": "israel", "iran": "iran", "iranian": "iran",
    "tehran": "iran", "japan": "japan", "japanese": "japan", "tokyo": "japan", "india": "india", "indian": "india",
    "poland": "poland", "polish": "poland", "warsaw": "poland", "belarus": "belarus", "belarusian": "belarus",
    "turkey": "turkey", "turkish": "turkey", "ankara": "turkey", "canada": "canada", "canadian": "canada",
}
DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our"}
ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.]{1,7}$")
POSSESSIVE = re.compile(r"(’s|'s|’|')$")


def strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


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
    """Split a person mention into (name, title): "Ukrainian President Volodymyr Zelensky" -> ("Volodymyr Zelensky", "Ukrainian President")."""
    toks = name.split()
    last_title = -1
    for i, tok in enumerate(toks[:-1]):
        low = tok.lower().strip(".,")
        if low in TITLES or low in COUNTRY_WORDS or low.rstrip("’'s") in COUNTRY_WORDS or low in ("of", "for", "the", "u.s.", "white", "house", "foreign", "state"):
            last_title = i
        elif not tok[:1].isupper():
            last_title = i
    title = " ".join(toks[: last_title + 1]) or None
    return " ".join(toks[last_title + 1 :]), title


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
    """Folded (first, last) for matching people."""
    first, last = person_parts(name)
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
    return "person"


def display_name(mention: str, kind: str) -> str:
    """The name to show for a speaker: titles dropped for people, leading "the" dropped for others."""
    mention = re.sub(r"\s+", " ", mention).strip(" ,.;:")
    if kind == "person":
        name, _ = strip_titles(mention)
        return name or mention
    if kind == "organisation":
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

        if JaroWinkler.similarity(la, lb) < 0.93 or min(len(la), len(lb)) < 5:
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
