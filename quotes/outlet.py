"""Infer an article's outlet when the input does not say: from its URL, or where the page names itself.

Looks for the self-references news pages carry ("CLICK TO GET THE FOX NEWS APP", "© 2025 Reuters",
"Copyright 2024 The Associated Press", "Sign up for the Guardian's newsletter"). A wire credit
("Contributing: Reuters", "The Associated Press contributed") names a source, not the outlet, and is
ignored. Returns None rather than guess.
"""
from __future__ import annotations

import re
from urllib.parse import urlparse

SELF_REFERENCES = [
    re.compile(r"\bget the ([A-Z][\w&' ]{1,40}?) app\b", re.I),
    re.compile(r"(?:©|\(c\)|copyright)\s*(?:\d{4}\s*[-–]?\s*)?(?:\d{4}\s*)?([A-Z][\w&'. ]{1,40}?)(?:[.,|]|\s+all rights|\s*$)", re.I | re.M),
    re.compile(r"\bsign up for (?:the )?([A-Z][\w&' ]{1,40}?)(?:'s|’s) newsletter", re.I),
    re.compile(r"^([A-Z][\w&' ]{1,40}?) (?:newsletter|app)\s*$", re.M),
]


def outlet_from_url(url: str | None) -> str | None:
    """The registered domain of ``url`` ("edition.cnn.com" and "www.cnn.com" are both "cnn.com";
    "news.bbc.co.uk" is "bbc.co.uk"), by the public suffix list the ``tld`` package ships (no
    network), else its host name."""
    if not url:
        return None
    from tld import get_fld

    domain = get_fld(url, fail_silently=True, fix_protocol=True)
    if domain:
        return domain.lower()
    host = urlparse(url if "//" in url else "//" + url).netloc.lower().removeprefix("www.")
    return host or None


def infer_outlet(text: str, url: str | None = None) -> str | None:
    """The outlet named by the URL or by the page's own furniture, else None."""
    for pattern in SELF_REFERENCES:
        m = pattern.search(text)
        if m:
            name = " ".join(m.group(1).split())
            return name.title() if name.isupper() else name
    return outlet_from_url(url)


# News agencies, by the names their copy credits them with, and the one name each is stored under.
AGENCIES = {
    "AP": "AP", "The Associated Press": "AP", "Associated Press": "AP", "Reuters": "Reuters", "AFP": "AFP",
    "Agence France-Presse": "AFP", "Agence France Presse": "AFP", "dpa": "dpa", "DPA": "dpa", "Xinhua": "Xinhua",
    "PA": "PA", "PA Media": "PA", "Press Association": "PA", "Kyodo": "Kyodo", "Kyodo News": "Kyodo",
    "Jiji": "Jiji", "Jiji Press": "Jiji", "Bernama": "Bernama", "Anadolu": "Anadolu", "Anadolu Agency": "Anadolu",
    "ANI": "ANI", "PTI": "PTI", "IANS": "IANS", "UPI": "UPI", "Yonhap": "Yonhap", "EFE": "EFE", "ANSA": "ANSA",
    "Tasnim": "Tasnim", "TASS": "TASS", "Bloomberg": "Bloomberg", "CNA": "CNA",
}
_AGENCY = "|".join(sorted(map(re.escape, AGENCIES), key=len, reverse=True))
WIRE_CREDITS = [
    # a dateline: "TOKYO (Reuters) -", "Bratislava (AFP) –", "HONG KONG, Jan 29 (Reuters) -"
    re.compile(rf"^(?:[A-Z][\w .,'’/-]{{0,60}})?\((?:{_AGENCY})\)\s*[-–—:]", re.M),
    # the agency alone on a line, or after a dash ending one: "— The Associated Press", "(AFP)", "... -Bernama"
    re.compile(rf"^\s*(?:[-–—]\s*)?\(?(?:{_AGENCY})\)?\.?\s*$", re.M),
    re.compile(rf"\s[-–—]\s?(?:{_AGENCY})\.?\s*$", re.M),
    # a byline or a source line: "By AFP | 1h ago", "[Source: Reuters]"
    re.compile(rf"^\s*(?:By|\[?Source:)\s+(?:{_AGENCY})\b", re.M),
    # its copyright: "Copyright 2024 The Associated Press", "© Agence France-Presse"
    COPYRIGHT := re.compile(rf"(?:©|\(c\)|copyright)\s*(?:\d{{4}}\s*)?(?:{_AGENCY})\b", re.I),
    # Reuters' signature: "(Reporting by ...; Editing by ...)"
    re.compile(r"\(Reporting by [^)]{3,200}(?:Editing|Writing) by [^)]{3,200}\)"),
]


def wire_credit(text: str) -> str | None:
    """The news agency whose copy the article carries, by a credit in its text: a dateline ("TOKYO
    (Reuters) -", "(Xinhua) —"), the agency's name alone on a line or after a dash ending one, a
    byline or source line ("By AFP", "[Source: Reuters]"), its copyright, or Reuters' "(Reporting by
    ...; Editing by ...)". Not a contribution ("Contributing: Reuters", "The Associated Press contributed
    to this report") nor a photo credit ("AP Photo"): those carry the outlet's own copy. None when no
    credit is found."""
    for pattern in WIRE_CREDITS:
        m = pattern.search(text)
        if m is None:
            continue
        if pattern is WIRE_CREDITS[-1]:
            return "Reuters"
        found = re.search(_AGENCY, m.group(0), re.I if pattern is COPYRIGHT else 0)
        if found:
            name = next((k for k in AGENCIES if k.lower() == found.group(0).lower()), found.group(0))
            return AGENCIES[name]
    return None
