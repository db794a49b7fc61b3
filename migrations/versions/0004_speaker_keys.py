"""Index keys of speakers, so that resolving a speaker looks them up instead of scanning every speaker.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

The keys of the speakers already stored are computed here, so an upgraded database resolves new
mentions against its old speakers as ingest keys them. The functions that compute them are frozen
in this file (``_keys_of`` and what it calls, the word lists as literals), so a later change of the
package cannot change what this upgrade writes. They are ``quotes.speakers.keys_of`` and the name
functions of ``quotes.names`` it calls, trimmed to what the keys use, as they stand from commit
d379bc0 to 52ee7c0 (2026-11-30). That is not the code of this revision's own commit (348d6ba): the
package then also wrote ``p2:`` keys (dropped in 04cf6ea) and keyed "X Says Y" as Y (as X since
d379bc0), changes made without a migration. The later form is frozen: the keys the package has
written and looked up since. Person names are split by the nameparser library (a dependency of the
package, not frozen here).

When the package changes how keys are made, a new migration recomputes ``speaker_keys`` with its own
frozen copy; this one stays as it is.
"""
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "speaker_keys",
        sa.Column("speaker_id", sa.Integer, sa.ForeignKey("speakers.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
    )
    op.create_index("ix_speaker_keys_key", "speaker_keys", ["key"])
    conn = op.get_bind()
    aliases: dict[int, list[str]] = {}
    for speaker_id, alias in conn.execute(sa.text("SELECT speaker_id, alias FROM speaker_aliases ORDER BY id")):
        aliases.setdefault(speaker_id, []).append(alias)
    rows = [{"speaker_id": sid, "key": key}
            for sid, name, kind in conn.execute(sa.text("SELECT id, name, kind FROM speakers ORDER BY id"))
            for key in sorted(_keys_of(name, kind, aliases.get(sid, [])))]
    if rows:
        conn.execute(sa.text("INSERT INTO speaker_keys (speaker_id, key) VALUES (:speaker_id, :key)"), rows)


def downgrade() -> None:
    op.drop_index("ix_speaker_keys_key", table_name="speaker_keys")
    op.drop_table("speaker_keys")


# -- frozen: the keys of a speaker, as the package made them (see the module docstring) ------------
_NAMED_KINDS = ("person", "organisation", "group")

# quotes.lexicon.REPORTING_VERBS
_REPORTING_VERBS = frozenset(
    """
    say tell claim note add stress emphasise emphasize warn confirm deny report indicate acknowledge
    inform mention announce state declare assert insist argue explain write post tweet reply respond
    answer comment remark observe point suggest admit concede reveal disclose allege contend maintain
    reiterate repeat recall recount describe predict promise pledge vow vouch swear threaten urge call
    ask demand request plead beg appeal propose recommend advise caution concur agree disagree dispute
    object protest complain grumble lament mourn regret apologise apologize boast brag joke quip tease
    mock scoff sneer snap shout yell scream cry exclaim whisper mutter murmur sigh groan laugh smile
    conclude summarise summarize testify attest certify affirm aver avow
    profess proclaim pronounce decree rule command instruct brief signal hint imply
    counter retort rebut refute contradict challenge question wonder query inquire
    enquire acknowledge accept recognise recognize highlight underline underscore clarify elaborate
    specify detail outline cite quote paraphrase relay convey communicate express voice
    announce publish broadcast tell notify alert update assure reassure promise guarantee estimate
    calculate forecast speculate guess theorise theorize posit reason
    charge accuse blame criticise criticize condemn denounce slam blast praise hail welcome commend
    thank congratulate dismiss reject rebuff downplay label brand dub term call characterise
    characterize portray depict frame present describe confide admit confess reaffirm
    recommit insist counsel lecture preach rant rave gush enthuse marvel muse ponder recollect
    reminisce narrate chime interject interrupt volunteer
    complain contest dispute debate discuss negotiate demand threaten urge implore entreat beseech
    petition lobby campaign advocate champion defend justify excuse rationalise rationalize explain
    """.split()
)

# quotes.names.COUNTRY_WORDS
_COUNTRY_WORDS = {
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
_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our"}
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.]{1,7}$")
_POSSESSIVE = re.compile(r"(’s|'s|’|')$")
_IRREGULAR_REPORTING_FORMS = frozenset({"said", "told", "wrote", "swore"})
_NAME_NOUNS = frozenset({"states", "reports", "rules", "appeals", "charges", "brands", "labels", "campaigns", "questions"})


def _keys_of(name: str, kind: str, aliases: list[str]) -> set[str]:
    """quotes.speakers.keys_of: ``a:`` every form, ``p:`` a person's folded surname, ``oh:`` and
    ``oc:`` an organisation's head word and core words; none for unnamed sources."""
    if kind not in _NAMED_KINDS:
        return set()
    forms = [name, *aliases]
    keys = {"a:" + _alias_key(f) for f in forms}
    if kind == "person":
        last = _person_key(name)[1]
        if last:
            keys.add("p:" + last)
    else:
        for f in forms:
            if _is_acronym(f):
                continue
            keys |= _org_keys(f)
    return keys


def _org_keys(form: str) -> set[str]:
    toks = _tokens(form)
    core = _org_key(form)[1]
    return ({"oh:" + toks[-1].lower()} if toks else set()) | ({"oc:" + " ".join(sorted(core))} if core else set())


def _alias_key(text: str) -> str:
    """Case-, accent-, article- and possessive-insensitive form of a name."""
    t = _strip_accents(text).lower().replace("’", "'")
    t = re.sub(r"'s\b", "", t)
    t = re.sub(r"[^\w\s]", " ", t)
    t = re.sub(r"^\s*the\s+", "", t)
    return " ".join(t.split())


def _strip_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _tokens(text: str) -> list[str]:
    return re.findall(r"[\w.&’'-]+", text)


def _fold_token(token: str) -> str:
    """Transliteration-folded form of one name token (Zelenskyy -> zelenski, Andriy -> andri)."""
    t = _strip_accents(token.lower()).replace("’", "").replace("'", "")
    t = re.sub(r"[^a-z0-9]", "", t)
    for a, b in (("yy", "y"), ("iy", "y"), ("ii", "i"), ("ij", "i"), ("ih", "ig"), ("kh", "h"), ("h", "g"), ("ts", "c"), ("w", "v")):
        t = t.replace(a, b)
    return re.sub(r"y$", "i", t)


def _is_acronym(text: str) -> bool:
    return bool(_ACRONYM.match(text.strip())) and sum(ch.isupper() for ch in text) >= 2


def _reporting_verb_form(token: str) -> bool:
    """An inflected reporting verb ("Says", "told", "denied"); "Said" capitalised is a name word."""
    t = token.lower().strip(".,:;’'")
    if t in _IRREGULAR_REPORTING_FORMS:
        return token != "Said"
    if t in _NAME_NOUNS or len(t) < 4:
        return False
    stems = []
    if t.endswith("s"):
        stems += [t[:-1], t[:-2]] + ([t[:-3] + "y"] if t.endswith("ies") else [])
    if t.endswith("ed"):
        stems += [t[:-1], t[:-2]] + ([t[:-3] + "y"] if t.endswith("ied") else [])
        stems += [t[:-3]] if t[-3] == t[-4] else []
    return any(stem in _REPORTING_VERBS for stem in stems)


def _reported_parts(name: str) -> list[str]:
    """The names either side of a reporting verb: "Francois Hollande Says Donald Trump" ->
    ["Francois Hollande", "Donald Trump"]; a plain name -> [name]."""
    toks = name.split()
    parts, current = [], []
    for i, tok in enumerate(toks):
        if current and i + 1 < len(toks) and toks[i + 1][:1].isupper() and _reporting_verb_form(tok):
            parts.append(" ".join(current))
            current = []
            continue
        current.append(tok)
    parts.append(" ".join(current))
    return parts


def _person_parts(name: str) -> tuple[str, str]:
    """(first, last) of a person's name, by nameparser; a single name is a surname."""
    from nameparser import HumanName

    hn = HumanName(name)
    first, last = hn.first, hn.last
    if not last and first:
        first, last = "", first
    return first, last


def _person_key(name: str) -> tuple[str, str]:
    """Folded (first, last) of a person ("X Says Y" is keyed as X)."""
    first, last = _person_parts(_reported_parts(name)[0])
    return _fold_token(first) if first else "", _fold_token(last.split()[-1]) if last else ""


def _country_of(words: list[str]) -> str | None:
    text = " ".join(w.lower().rstrip("’'").removesuffix("’s").removesuffix("'s") for w in words)
    for phrase in sorted(_COUNTRY_WORDS, key=len, reverse=True):
        if re.search(rf"(^|\s){re.escape(phrase)}($|\s)", text):
            return _COUNTRY_WORDS[phrase]
    return None


def _org_key(name: str) -> tuple[str | None, frozenset]:
    """(country, core words) of an organisation: "the Security Service of Ukraine" -> ("ukraine", {security, service})."""
    words = [_POSSESSIVE.sub("", w) for w in _tokens(name)]
    country = _country_of(words)
    core = set()
    low_all = " ".join(w.lower() for w in words)
    for phrase in _COUNTRY_WORDS:
        if " " in phrase:
            low_all = re.sub(rf"(^|\s){re.escape(phrase)}($|\s)", " ", low_all)
    for w in low_all.split():
        if w in _DETERMINERS or w in _COUNTRY_WORDS or w in ("of", "for", "and", "in", "on", "national", "'s", "’s"):
            continue
        core.add(w)
    return country, frozenset(core)
