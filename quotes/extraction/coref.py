"""In-article coreference: one entity per person or organisation of an article, mention by mention.

Stage 4 of the pipeline (``attribute.py``) hands each speaker phrase it finds to ``ArticleSpeakers``,
in text order, and gets back the article's ``Entity`` for it:

- names: a surname alone joins the full name seen earlier, an acronym joins the expansion the
  article defines ("the Security Service of Ukraine (SBU)"), spelling variants fold together
  (the matching itself is ``names.py``'s);
- pronouns ("he", "she", "it", "they") resolve to an earlier speaker, named subject, pronoun subject
  or named object compatible in gender (where stated), person or organisation, and number
  (``antecedents.py``), the latest sentence's first, a subject there first; definite descriptions
  ("the agency", "the official") to the nearest earlier speaker of the same kind; a description of a person ("the leader of the Wagner Group", "the retired neurosurgeon",
  "the Russian leader") to the earlier-mentioned person the article itself describes that way, by a
  title before the name or an apposition after it ("Yevgeny Prigozhin, the leader of the Wagner
  private military group, ..."); a description set off after a name is that person ("In a
  statement, Brian Fallon, a spokesman for the Clinton campaign, said", however the parser hung
  the name), as are two titles joined before one name ("lobbyist and GOP strategist Charlie
  Black"); unnamed sources ("a doctor interviewed in the SBU video") stay as written.

What a mention can be (person, organisation, place, thing) is ``mentions.py``'s, mixed in.
Across articles, ``speakers.py`` then resolves these local entities to canonical speakers.

Not handled: cataphora ("He said ... , Zelensky added" with no earlier mention), and gender from
first names (only pronouns, titles and gendered nouns state it).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from . import antecedents, names
from .lexicon import (
    ABBREVIATED_TITLES,
    CLAUSE_OPENERS,
    CORPORATE_FORMS,
    DOCUMENT_NOUNS,
    FUNCTION_WORDS,
    QUANTIFIERS,
    REPORTING_VERBS,
    ROLE_NOUNS,
    ROLE_SYNONYMS,
    SENTENCE_OPENERS,
    TITLE_QUALIFIERS,
    TITLES,
)
from .mentions import MentionTypes, is_person_noun, word_key
from .phrases import close_name, speaker_words, trim
from .syntax import Sentence, Word, span_of

# Relations of a name that is not the subject and may still be what a later pronoun means
OTHER_ROLES = ("obj", "iobj", "obl", "nmod")


@dataclass(eq=False)
class Entity:
    """A speaker within one article."""

    name: str
    kind: str
    mentions: list[str] = field(default_factory=list)
    description: str | None = None
    acronyms: set[str] = field(default_factory=set)
    gender: str | None = None  # "m" or "f" once a gendered pronoun, title or noun refers to it


def _title_and_apposition(ws: list[Word], i: int, name: set[str]) -> tuple[set[str], set[str]]:
    """Role nouns and all words of the title before the name whose last word is ``ws[i]``, and of an
    apposition after it: read off the tags, word by word, not off the tree (a small parser hangs
    titles and appositions in many ways)."""
    heads: set[str] = set()
    first = i
    while first > 0 and word_key(ws[first - 1].text) in name:
        first -= 1
    k = first - 1  # the title: nouns and adjectives right before the name
    title: list[Word] = []
    while k >= 0:
        if ws[k].upos in ("NOUN", "PROPN", "ADJ") and ws[k].text.lower() not in FUNCTION_WORDS:
            title.append(ws[k])
        elif ws[k].text.lower() in ("of", "for") and k > 0 and ws[k - 1].upos in ("NOUN", "PROPN"):
            title = []  # "Secretary of State": "State" completes the title, it is not one
        else:
            break
        k -= 1
    around = {word_key(w.lemma) for w in ws[k + 1 : first]}
    heads.update(word_key(w.lemma) for w in title if w.upos in ("NOUN", "PROPN"))
    k = i + 1  # an apposition: ", the leader of the Wagner private military group," (", Putin's spokesman,")
    if k + 1 < len(ws) and ws[k].text == "," and ws[k + 1].upos in ("DET", "ADJ", "NOUN", "PROPN"):
        k += 1
        head = None
        while k < len(ws) and k <= i + 12 and (ws[k].upos in ("DET", "ADJ", "NOUN", "PROPN", "ADP", "CCONJ")
                                              or ws[k].text in ("’s", "'s")):
            if ws[k].upos in ("ADJ", "NOUN", "PROPN"):
                around.add(word_key(ws[k].lemma))
            if ws[k].upos == "NOUN" and head is None:
                head = word_key(ws[k].lemma)
                heads.add(head)
            k += 1
    return heads, around


def _name_before(words: list[Word]) -> list[Word] | None:
    """The person's name a description is set off from by a comma ("In a statement, Brian
    Fallon, a spokesman for the Clinton campaign, said"; "..., wrote Tom Goldstein, publisher of
    SCOTUSblog"): two to four capitalised proper nouns right before the comma, opening the sentence
    or a clause, or after the reporting verb. Not a name governed by a preposition ("according to
    Trump, the media"; "uncovered by Fox News, a veteran diplomat"), nor the last of a list ("with
    hosts Joe Scarborough and Mika Brzezinski, the Democratic presidential candidate stated"), nor a
    date ("on Sunday, ...")."""
    head = next((w for w in words if w.upos in ("NOUN", "PROPN")), None)
    if head is None or not is_person_noun(head.lemma.lower()):
        return None
    ws = words[0].sent.words
    k = words[0].id - 2  # the comma before the description
    if k < 1 or ws[k].text != ",":
        return None
    name = []
    j = k - 1
    while j >= 0 and ws[j].upos == "PROPN" and ws[j].text[:1].isupper() and ws[j].lemma.lower() not in TITLES:
        name.insert(0, ws[j])
        j -= 1
    if not 2 <= len(name) <= 4:
        return None
    if j >= 0 and not (ws[j].text in (",", ";", "—", "–") or (ws[j].upos == "VERB" and ws[j].lemma in REPORTING_VERBS)):
        return None
    return name


def _titled_name(head: Word, conjuncts: list[Word], words: list[Word]) -> list[Word] | None:
    """The name words of a speaker phrase that joins two titles of one person ("Former prosecutor
    and New York City Mayor Rudy Giuliani", "GOP presidential contender and former neurosurgeon Ben
    Carson"): the first title a singular common noun with no name of its own, the second without a
    determiner of its own, the phrase ending in a name. None for two sources ("Trump and his
    attorneys", "Yahoo News and former TV network anchor Katie Couric", "Khizr and Ghazala Khan")."""
    if len(conjuncts) != 1 or head.upos != "NOUN" or not head.text.islower() or "Number=Plur" in head.feats:
        return None
    conj = conjuncts[0]
    if conj.kids("det", "nmod:poss") or "Number=Plur" in conj.feats:
        return None
    tail = []
    for w in reversed(words):
        if w.upos != "PROPN" or not w.text[:1].isupper() or w.lemma.lower() in TITLES:
            break
        tail.insert(0, w)
    if not tail or (tail[0].start <= conj.start and conj.upos != "PROPN"):
        return None  # the name must stand in the second title's phrase
    return tail if len(tail) <= 4 else None


def _title_word(head: Word) -> str:
    """A head noun as titles are looked up: its lemma, or the abbreviation as written ("PM", which the
    lemmatiser reads as "p.m.")."""
    written = head.text.lower()
    return written if written in ABBREVIATED_TITLES else head.lemma.lower()


def _mention_text(words: list[Word], text: str) -> str | None:
    if not words:
        return None
    s, e = span_of(words)
    return " ".join(text[s:e].split())


class ArticleSpeakers(MentionTypes):
    """Entities of one article, resolved mention by mention in text order."""

    def __init__(self, text: str, sentences: list[Sentence]):
        self.text = text
        self.sentences = sentences
        self.entities: list[Entity] = []
        self.history: list[tuple[int, Entity]] = []  # (position, entity) of every resolved mention
        self.acronyms = names.learn_acronyms(text)
        self._scanned = 0  # sentences already searched for named subjects
        self._capitalised: dict[str, list] | None = None
        self._org_named: set[str] | None = None
        self._types: dict[tuple[int, int], dict[str, float]] = {}  # (head's start, mention's start) -> typer's answer
        self._issued: list[tuple[int, Entity]] = []  # (position, issuer) of each document quoted
        self.others: list[tuple[int, Entity]] = []  # (position, entity) of names in other roles than subject
        self._starts = [sent.start for sent in sentences]
        self._one_person: set[int] = set()  # unnamed entities described as one person ("the soldier")
        self._words = {w.start: w for sent in sentences for w in sent.words}

    # -- named mentions -------------------------------------------------------------------
    def named(self, mention: str, kind: str, description: str | None, pos: int) -> Entity:
        name = names.display_name(mention, kind)
        org = self._known_org(mention, kind)
        if org is not None:
            kind, name = org.kind, org.name
        entity = self._match(name, kind) or self._new(name, kind)
        if mention not in entity.mentions:
            entity.mentions.append(mention)
        if description and not entity.description:
            entity.description = description
        if description and names.is_acronym(description):
            entity.acronyms.add(description)
        if kind == "person" and names.better_name(entity.name, name):
            entity.name = name  # the fullest form names the entity
        self.history.append((pos, entity))
        return entity

    def _known_org(self, mention: str, kind: str) -> Entity | None:
        """The organisation a bare name typed as a person is, when the article already gave it as
        one ("his club Juventus said ... Juventus added")."""
        if kind != "person" or names.titled_person(mention):
            return None
        name = names.display_name(mention, kind)
        return next((e for e in self.entities if e.kind in ("organisation", "group") and (e.name == name or name in e.acronyms)), None)

    def labelled(self, name: str, pos: int) -> Entity:
        """A speaker named by a label rather than a parse (a transcript turn, a dash signature)."""
        kind = names.kind_of(name, head_upos="PROPN")
        return self.named(name, kind if kind in names.NAMED_KINDS else "person", None, pos)

    def unnamed(self, description: str, pos: int) -> Entity:
        """An unnamed source the article describes one way throughout ("the interviewer")."""
        entity = next((e for e in self.entities if e.kind == "anonymous" and e.name == description), None)
        if entity is None:
            entity = self._new(description, "anonymous")
            entity.mentions.append(description)
        self.history.append((pos, entity))
        return entity

    def _new(self, name: str, kind: str) -> Entity:
        e = Entity(name, kind)
        if kind == "organisation" and names.is_acronym(name) and name in self.acronyms:
            e.acronyms.add(name)
            e.name = names.display_name(self.acronyms[name], kind)
        self.entities.append(e)
        return e

    def _match(self, name: str, kind: str) -> Entity | None:
        for e in reversed(self.entities):
            if e.kind != kind and not {e.kind, kind} <= {"organisation", "group"}:
                continue
            if kind == "person" and names.same_person(name, e.name):
                return e
            if kind in ("organisation", "group") and self._same_org(name, e):
                return e
        return None

    def _same_org(self, name: str, e: Entity) -> bool:
        if name in e.acronyms or name == e.name:
            return True
        expansion = self.acronyms.get(name)
        if expansion and names.same_org(expansion, e.name):
            return True
        return any(names.same_org(name, m) for m in [e.name, *e.mentions] if not names.is_acronym(m)) or any(
            self.acronyms.get(a) and names.same_org(name, self.acronyms[a]) for a in e.acronyms
        )

    def complete_surnames(self) -> None:
        """A person known only by surname takes the full name the article gives elsewhere, even where
        that person is not quoted ("... a scheme that Andrii Yusov, spokesperson for Ukraine's military
        intelligence agency, says ..." then "..., Yusov said."), and the apposition as description."""
        for e in self.entities:
            if e.kind != "person" or len(e.name.split()) != 1:
                continue
            # (a name never runs across a line break: "... Harbour Board\n\nSolberg told ...", nor
            # across a sentence's end: "... Anti-Doping Code. Juventus said"; "Jr." and "J." are names' own)
            pattern = r"((?:(?:[A-Z][\w’'-]{0,2}\.|[A-Z][\w’'-]+)[^\S\n]+){1,4})" + re.escape(e.name) + r"\b(?:,\s+((?:a |an |the )?[a-z][^,.;“”\"]{3,90}),)?"
            full = {}
            for m in re.finditer(pattern, self.text):
                # "Francois Hollande Says Donald Trump": only the name next to the surname is its
                written = names.reported_parts(m.group(1) + e.name)[-1]
                words = written.split()
                while words[:-1] and (words[0].lower() in FUNCTION_WORDS or words[0].lower() in SENTENCE_OPENERS
                                      or words[0].lower() in CLAUSE_OPENERS):
                    words = words[1:]  # "But Fifa said", "As Brandt said", "Even Brandt": an opener, no first name
                written = " ".join(words)
                name, _title = names.strip_titles(written)
                first, _last = names.person_key(name)
                if first and len(name.split()) > 1:
                    full.setdefault(first, (name, written, m))
            if len(full) != 1:
                continue  # none, or two people sharing the surname (Hillary and Bill Clinton): leave it
            name, written, m = next(iter(full.values()))
            e.mentions.append(written)
            e.name = name
            if m.group(2) and not e.description:
                e.description = m.group(2)

    def title_holders(self) -> dict[int, Entity]:
        """Unnamed title holders the article names later ("CrowdStrike CEO breaks silence ... CEO George
        Kurtz said"): an unnamed entity described by a title alone, with at most the organisation's
        name before it or after "of" ("the CEO of CrowdStrike"), is the one person the article gives
        that title, when there is exactly one.
        Run once the article is read; maps ``id`` of each such entity to the person."""
        found: dict[int, Entity] = {}
        if not any(e.kind == "anonymous" for e in self.entities):
            return found
        self._add_subject_mentions(len(self.text) + 1)  # people named as subjects after the last statement too
        people = [e for e in self.entities if e.kind == "person"]
        for e in self.entities:
            if e.kind != "anonymous" or not e.mentions:
                continue
            before, _, org = e.mentions[0].partition(" of ")  # "the CEO of CrowdStrike"
            words = re.findall(r"[\w’'.-]+", before)
            title = word_key(words[-1]) if words else ""
            if title not in TITLES and title not in ABBREVIATED_TITLES or title in TITLE_QUALIFIERS:
                continue
            if any(w[:1].islower() and w.lower() not in ("the", "a", "an", "’s", "'s") for w in words[:-1]):
                continue  # "the former minister", "a senior official": a description, not a bare title
            named_by = words[:-1] + re.findall(r"[\w’'.-]+", org)
            # "CrowdStrike Holdings Inc.’s CEO": the organisation's own name, not its legal form or the possessive
            qualifiers = {word_key(re.sub(r"[’']s$", "", w)) for w in named_by if w[:1].isupper() and w.lower() not in ("the", "a", "an")}
            qualifiers -= CORPORATE_FORMS
            expanded = ABBREVIATED_TITLES.get(title, ())
            holders = []
            for person in people:
                heads, around = self.roles(person)
                if (title in heads or (expanded and set(expanded) <= around)) and qualifiers <= around | heads:
                    holders.append(person)
            if len(holders) == 1:
                found[id(e)] = holders[0]
        return found

    # -- pronouns and definite descriptions ------------------------------------------------
    def antecedent(self, want: str, pos: int, head_lemma: str | None = None) -> Entity | None:
        """The earlier entity a pronoun or description refers to: of the wanted kind ("person",
        "organisation", "any"), in the latest sentence that holds one, a subject or speaker there before
        a name in another role ("Prosecutors accused Bankman-Fried ... He pleaded": Bankman-Fried;
        "Trump attacked Clinton. He said": Trump), then the nearest. For a role noun ("role"), the
        nearest entity already called by it or a synonym of it."""
        self._add_subject_mentions(pos)
        if want == "role":
            for p, e in sorted(self.history, key=lambda pe: pe[0], reverse=True):
                if p >= pos or not head_lemma:
                    continue
                said = " ".join(e.mentions).lower()
                # "a club spokesman" ... "the spokesperson": the same role in other words
                if any(r in said for r in {head_lemma}.union(*(g for g in ROLE_SYNONYMS if head_lemma in g))):
                    return e
            return None
        best = None
        # names in other roles count for "he" and "she" only: "the agency" and "it" keep to speakers and
        # named subjects (a country in an oblique, "in Ukraine", is no agency)
        for strong, mentions in ((1, self.history), (0, self.others if want == "person" else [])):
            for p, e in mentions:
                fits = want == "any" or e.kind == want or (want == "organisation" and e.kind == "group") \
                    or (want == "person" and id(e) in self._one_person)
                if p >= pos or not fits:
                    continue
                rank = (self._sentence_index(p), strong, p)
                if best is None or rank > best[0]:
                    best = (rank, e)
        return best[1] if best else None

    def pronoun_antecedent(self, pronoun: Word) -> Entity | None:
        """The entity a third-person subject pronoun refers to (``antecedents.choose``): compatible
        in gender, person or organisation, and number, then the latest sentence, a subject first,
        the nearest. Names in other roles than subject count for "he" and "she" only."""
        self._add_subject_mentions(pronoun.start)
        person = pronoun.lemma in antecedents.PRONOUN_GENDER
        latest: dict[tuple[int, int], tuple[antecedents.Mention, Entity]] = {}
        for p, e in [*self.history, *(self.others if person else [])]:
            if p >= pronoun.start:
                continue
            view = self._view(p, e)
            key = (id(e), view.sent)  # one candidate per entity and sentence: its latest mention there
            if key not in latest or p > latest[key][0].pos:
                latest[key] = (view, e)
        candidates = list(latest.values())
        best = antecedents.choose(self._view(pronoun.start, None), [v for v, _ in candidates])
        if best is None:
            return None
        entity = candidates[best][1]
        if person and entity.gender is None:
            entity.gender = antecedents.PRONOUN_GENDER[pronoun.lemma]
        return entity

    def _view(self, pos: int, entity: Entity | None) -> antecedents.Mention:
        """What ``antecedents`` sees of the mention at ``pos`` of ``entity`` (the pronoun itself for None)."""
        w = self._words.get(pos)
        rel = w.rel if w is not None else "nsubj"  # a label, not a word of the parse (a transcript turn)
        lemma = w.lemma.lower() if w is not None else ""
        if entity is None:
            return antecedents.Mention(self._sentence_index(pos), pos, rel, lemma, "")
        noun = w is not None and w.upos == "NOUN" and is_person_noun(lemma)
        etype = {"person": "person", "organisation": "organisation", "group": "organisation"}.get(
            entity.kind, "person" if noun or id(entity) in self._one_person else "organisation")
        plural = entity.kind == "group" or (w is not None and "Number=Plur" in w.feats)
        gender = entity.gender or next(
            (g for g in map(antecedents.gender_of, [*entity.mentions, entity.description or ""]) if g), None)
        return antecedents.Mention(self._sentence_index(pos), pos, rel, lemma, etype, plural, gender)

    def _sentence_index(self, pos: int) -> int:
        return bisect.bisect_right(self._starts, pos) - 1

    def described(self, head: Word, words: list[Word]) -> Entity | None:
        """The person a definite description refers to: among the people mentioned before it, one
        the article describes with the description's head noun (``roles``), or with a synonym of it
        and one of its modifiers too ("the Russian leader": "Russian President Vladimir Putin"); the
        one sharing most modifiers with it, then the nearest. None when nobody is described so: an
        unnamed source stays one."""
        noun = _title_word(head)
        if not is_person_noun(noun):
            return None  # "the poll", "the email", "the state": not a person
        self._add_subject_mentions(head.start)
        synonyms = set().union(*(group for group in ROLE_SYNONYMS if noun in group)) - {noun}
        modifiers = {word_key(w.lemma) for w in words if w is not head and w.upos in ("ADJ", "NOUN", "PROPN")}
        # proper modifiers ("Democratic", "Russian", "Wagner") must mostly be the person's own words
        proper = {word_key(w.lemma) for w in words if w is not head and w.text[:1].isupper() and w.upos != "DET"}
        last_seen = {}
        for p, e in self.history:
            if p < head.start and e.kind == "person":
                last_seen[e] = max(p, last_seen.get(e, -1))
        best = None
        for e, p in last_seen.items():
            heads, around = self.roles(e)
            shared = len(modifiers & around)
            if proper and 2 * len(proper & around) < len(proper):
                continue
            expanded = ABBREVIATED_TITLES.get(noun)
            if noun in heads or (expanded and set(expanded) <= around):
                score = 2 + shared
            elif synonyms & heads and modifiers and modifiers <= around:
                # only a synonym: every modifier must fit ("the Russian leader" is "Russian President
                # Vladimir Putin"; "the leader of the Russian mercenary company" is not)
                score = 1 + shared
            else:
                continue
            if best is None or (score, p) > best[0]:
                best = ((score, p), e)
        return best[1] if best else None

    def given_person(self, head: Word) -> Entity | None:
        """The person a definite description names when the article never described anyone so: a
        description of a person that is not an unnamed source's ("the player", "the former Manchester
        United player", "the 30-year-old"; not "the official", "the spokesperson") is given, so it
        names someone met before: the named person mentioned last, unless the article gave that
        person a role of its own."""
        noun = head.lemma.lower()
        if noun in ROLE_NOUNS or noun in TITLES or noun in ABBREVIATED_TITLES or not is_person_noun(noun):
            return None
        people = [(p, e) for p, e in [*self.history, *self.others] if p < head.start and e.kind == "person"]
        if not people:
            return None
        person = max(people, key=lambda pe: pe[0])[1]
        # a person the article gave an office or an unnamed source's role is someone else ("Mayor Elena
        # Brandt said ... The engineer said ...": two people); "France star Paul Pogba", "30-year-old
        # Paul Pogba" ... "the player": one
        offices = {r for r in self.roles(person)[0] if r in TITLES or r in ROLE_NOUNS or r in ABBREVIATED_TITLES}
        return None if offices else person

    def roles(self, e: Entity) -> tuple[set[str], set[str]]:
        """What the article calls a person besides the name: the nouns of the title before any
        mention of it ("GOP presidential contender and former neurosurgeon Ben Carson": contender,
        neurosurgeon) and of an apposition after it ("Prigozhin, the leader of the Wagner group,":
        leader), with the words of the speaker phrases it was credited by; and every word of those
        (``word_key``), for the modifiers."""
        name = {word_key(t) for t in re.findall(r"[\w’'.-]+", e.name)}
        heads: set[str] = set()
        around: set[str] = set()
        for m in e.mentions:
            extra = [word_key(t) for t in re.findall(r"[\w’'.-]+", m) if word_key(t) not in name]
            around.update(extra)
            heads.update(t for t in extra if t not in FUNCTION_WORDS)
        surname = e.name.split()[-1] if e.name.split() else ""
        for sent, i in self.occurrences(surname):
            if sent.words[i].upos != "PROPN":
                continue
            for found, into in zip(_title_and_apposition(sent.words, i, name), (heads, around)):
                into.update(found)
        return heads, around

    def _add_subject_mentions(self, pos: int) -> None:
        """Named subjects of earlier sentences are antecedents too, even when they said nothing."""
        seen = {p for p, _ in self.history}
        while self._scanned < len(self.sentences) and self.sentences[self._scanned].start < pos:
            sent = self.sentences[self._scanned]
            self._scanned += 1
            for w in sent.words:
                subject = w.rel in ("nsubj", "nsubj:pass") if w.upos == "NOUN" else w.rel == "nsubj"
                if subject and w.upos == "NOUN" and w.start not in seen and "Number=Plur" not in w.feats \
                        and is_person_noun(w.lemma.lower()) and any(c.lemma in ("the", "a", "an") for c in w.kids("det")) \
                        and not any(a <= w.start < b for a, b in sent.quoted) \
                        and not (w.parent is not None and any(c.upos == "PROPN" for c in w.parent.kids("nsubj"))):
                    # (not an apposition the parser made a second subject: "Remy Mossu, the director of ..., told")
                    # "The soldier, 20, was shown ... He said": a person the article describes is an antecedent too
                    seen.add(w.start)
                    words = trim(speaker_words(w))
                    if self.types(w, words)["other"] >= 0.9:
                        continue  # "the toughest moment of the mission": "-ent" is no person's ending here
                    _mention, entity = self.resolve(w, words, None)
                    if entity is not None and entity.kind == "anonymous":
                        self._one_person.add(id(entity))
                    continue
                if w.upos == "PRON" and w.rel in ("nsubj", "nsubj:pass") and w.lemma.lower() in antecedents.RESOLVED \
                        and w.start not in seen and not any(a <= w.start < b for a, b in sent.quoted):
                    # "he has been suspended since": a pronoun subject that said nothing carries its
                    # entity forward for the next pronoun, as a chain does
                    seen.add(w.start)
                    entity = self.pronoun_antecedent(w)
                    if entity is not None:
                        self.history.append((w.start, entity))
                    continue
                if w.upos != "PROPN" or w.start in seen or not (subject or w.rel.split(":")[0] in OTHER_ROLES):
                    continue
                if any(a <= w.start < b for a, b in sent.quoted):
                    continue  # a name in someone's words ("“... the South Pole has the potential,” he said")
                if not subject and (w.parent is None or w.parent.upos == "PROPN"):
                    continue  # a name inside a name ("the University of Chicago")
                words = trim(speaker_words(w))
                mention = _mention_text(words, self.text)
                kind = names.kind_of(mention or "", head_upos=w.upos, head_lemma=w.lemma)
                if mention and kind in names.NAMED_KINDS and self.can_speak(w, words, kind, mention, strict=True):
                    kind = self.refine(w, words, kind, mention)
                    if subject:
                        self.named(mention, kind, None, w.start)
                    else:
                        # a person named in another role may be what a later "he" or "she" means
                        # ("Mr. Hale met Mrs. Lopez. She said"): an entity of its own, not yet a speaker
                        name = names.display_name(mention, kind)
                        entity = self._known_org(mention, kind) or self._match(name, kind)
                        if entity is None and kind == "person":
                            entity = self._new(name, kind)
                            entity.mentions.append(mention)
                        if entity is not None:
                            self.others.append((w.start, entity))
                    seen.add(w.start)

    def group_of(self, quantifier: Word) -> Entity | None:
        """The group a quantified subject belongs to ("one", "both", "one of them"): the people the
        article last named as several ("two captured soldiers"), within the three sentences before,
        a subject first. None when there are none, and for "one of the soldiers", which names it."""
        if any(c.upos in ("NOUN", "PROPN") and any(k.lemma == "of" for k in c.kids("case")) for c in quantifier.kids("nmod")):
            return None  # "one of the captured soldiers": the phrase names its group itself, and stays as written
        at = self._sentence_index(quantifier.start)
        for sent in reversed(self.sentences[max(0, at - 3) : at + 1]):
            found = []
            for w in sent.words:
                if w.start >= quantifier.start or w.upos != "NOUN" or "Number=Plur" not in w.feats \
                        or any(a <= w.start < b for a, b in sent.quoted):
                    continue
                words = trim(speaker_words(w))
                if is_person_noun(w.lemma.lower()) or self.types(w, words)["person"] >= 0.5:
                    found.append((w.rel == "nsubj", w.start, w, words))
            if found:  # the sentence's subject before others ("... were interviewed by reporters")
                _, _, w, words = max(found, key=lambda f: (f[0], f[1]))
                return self.resolve(w, words, None)[1]
        return None

    def issuer(self, document: Word) -> Entity | None:
        """Who issued a document quoted as if it spoke: its possessor ("Microsoft's website", "the
        ministry's statement"), the source after "from" or "by" ("a statement from the royal palace",
        "a post on X from CEO George Kurtz"), the speaker just before it in the same sentence ("the
        Foreign Office said in a statement, adding ..."), or for "the statement" the issuer of the
        document the article mentioned last. None when the article does not say."""
        near = [(c, 0) for c in document.kids("nmod:poss", "nmod")]
        near += [(g, 1) for c, _ in near if c.deprel != "nmod:poss" for g in c.kids("nmod")]
        for child, depth in near:
            case = {c.lemma.lower() for c in child.kids("case")}
            if (child.deprel == "nmod:poss" and depth == 0) or case & {"from", "by", "of"}:
                if child.upos in ("NOUN", "PROPN", "PRON"):
                    _mention, entity = self.resolve(child, trim(speaker_words(child)), None)
                    if entity is not None:
                        self._issued.append((document.start, entity))
                        return entity
        sent = document.sent
        before = [(p, e) for p, e in self.history if sent.start <= p < document.start]
        if before:
            entity = max(before, key=lambda pe: pe[0])[1]
            self._issued.append((document.start, entity))
            return entity
        det = next((c.lemma.lower() for c in document.kids("det")), None)
        if det not in ("the", "this", "that"):
            return None
        earlier = [(p, e) for p, e in self._issued if p < document.start]
        if earlier:
            return max(earlier, key=lambda pe: pe[0])[1]
        # "The Ministry of Health published a statement ... The statement said": who put it out
        at = self._sentence_index(document.start)
        for sent in reversed(self.sentences[max(0, at - 3) : at]):
            for w in reversed(sent.words):
                if w.lemma.lower() == document.lemma.lower() and w.rel == "obj" and w.parent is not None:
                    subjects = [c for c in w.parent.kids("nsubj") if c.upos in ("NOUN", "PROPN")]
                    if subjects:
                        _mention, entity = self.resolve(subjects[0], trim(speaker_words(subjects[0])), None)
                        if entity is not None:
                            self._issued.append((document.start, entity))
                            return entity
        return None

    def resolve(self, head: Word | None, words: list[Word], description: str | None) -> tuple[str | None, Entity | None]:
        """The mention as written and the entity it refers to (None for no speaker)."""
        breaks = [i for i, w in enumerate(words) if w.text == "." and i + 1 < len(words) and words[i + 1].text[:1].isupper()]
        if breaks and head is not None and head in words[breaks[-1] + 1:]:
            # "... and the Italian Anti-Doping Code. Juventus said": a sentence the splitter missed
            words = words[breaks[-1] + 1:]
        mention = _mention_text(words, self.text)
        if head is None or not mention:
            return None, None
        det = next((c.lemma for c in head.kids("det")), None)
        first = words[0]
        if det is None and first.id > 1 and first.sent.words[first.id - 2].upos == "DET":
            det = first.sent.words[first.id - 2].lemma  # a determiner the parser attached elsewhere
            words = [first.sent.words[first.id - 2], *words]
            mention = _mention_text(words, self.text)
        upos = head.upos
        if upos == "NOUN" and head.text[:1].isupper() and head.id > 1 and not det:
            upos = "PROPN"  # a capitalised noun inside a sentence is a name the tagger missed
        head_lemma = head.lemma
        # (an apposition only when close_name keeps it in the mention; set off by a comma it is a description)
        named = [c for c in head.kids("flat", "appos") if c.upos == "PROPN" and c.id > head.id and c.text[:1].isupper()
                 and (c.rel == "flat" or close_name(head, c))]
        if upos == "NOUN" and not det and named:
            # "City engineer Maria Lopez": a role noun the parser made the head, the name hung on it
            upos, head_lemma = "PROPN", named[-1].lemma
        if head.lemma.lower() in QUANTIFIERS and head.upos in ("NUM", "PRON", "DET", "ADJ"):
            group = self.group_of(head)
            if group is not None:  # "Two captured soldiers were interviewed. One said ...": one of them
                self.history.append((head.start, group))
                return mention, group
        if head.upos == "NOUN" and head.lemma.lower() in DOCUMENT_NOUNS:
            issuer = self.issuer(head)
            if issuer is not None:
                return mention, issuer
            # "reports say": a document whose issuer the article does not give stays an unnamed source
        of_org = {x.id for c in head.kids("nmod") if any(k.lemma == "of" for k in c.kids("case")) for x in c.subtree()}
        if _title_word(head) in ABBREVIATED_TITLES and det in (None, "the") and all(w.id <= head.id or w.id in of_org for w in words):
            # "The CEO", "the PM", "CrowdStrike CEO", "the CEO of CrowdStrike": a title with no name,
            # the person the article gave it to, or an unnamed holder of it
            ent = self.described(head, words)
            if ent is None:
                ent = self._new(mention[0].lower() + mention[1:] if det else mention, "anonymous")
                ent.mentions.append(mention)
            self.history.append((head.start, ent))
            return mention, ent
        kind = names.kind_of(mention, head_upos=upos, head_lemma=head_lemma, determiner=det)
        ids = {w.id for w in words}
        conjuncts = [c for c in head.kids("conj") if c.id in ids and c.kids("cc")]
        if kind != "pronoun" and conjuncts:
            name = _titled_name(head, conjuncts, words)
            if name is not None:  # "lobbyist and GOP strategist Charlie Black": one person, two titles
                return mention, self.named(_mention_text(name, self.text), "person", description, head.start)
            kind = "group"  # "Ukraine and its allies", "the White House and the Pentagon": several sources speaking as one
        if head.upos == "PRON" or kind == "pronoun":
            want = {"person": "person", "organisation": "organisation"}.get(names.PRONOUNS.get(head.lemma, "any"), "any")
            if head.lemma in ("they", "we") and not any(w.upos == "PROPN" for w in words):
                want = "organisation"
            if head.lemma.lower() in antecedents.RESOLVED and head.upos == "PRON":
                ent = self.pronoun_antecedent(head)
            else:
                ent = self.antecedent(want, head.start)
            if ent is not None:
                self.history.append((head.start, ent))
            return mention, ent
        lowercase = all(not w.text[:1].isupper() for w in words[1:]) and upos != "PROPN"
        if det in ("the", "this", "that") and head.upos in ("NOUN", "ADJ", "X") and lowercase:
            want = "organisation" if kind == "organisation" else "role"
            ent = self.antecedent(want, head.start, head.lemma)
            if ent is not None:
                self.history.append((head.start, ent))
                return mention, ent
        if det == "the" and head.upos == "NOUN" and head.text.islower() and kind == "anonymous" \
                and "Number=Plur" not in head.feats:
            ent = self.described(head, words) or self.given_person(head)
            if ent is not None:
                self.history.append((head.start, ent))
                return mention, ent
        if kind == "anonymous" and det in (None, "a", "an", "the"):
            name = _name_before(words)
            if name is not None:  # "Brian Fallon, a spokesman for the Clinton campaign, said": the parser
                # hung the name elsewhere and made the description the subject
                written = _mention_text(name + words, self.text)
                return written, self.named(_mention_text(name, self.text), "person", mention, head.start)
        if head.lemma.lower() not in DOCUMENT_NOUNS and not self.can_speak(head, words, kind, mention):
            return mention, None  # a thing, an event or a time: not a speaker
        kind = self.refine(head, words, kind, mention)
        if kind in ("anonymous",):
            ent = self._new(mention[0].lower() + mention[1:] if not names.is_acronym(mention.split()[0]) else mention, "anonymous")
            ent.mentions.append(mention)
            self.history.append((head.start, ent))
            if head.upos == "NOUN" and "Number=Plur" not in head.feats and is_person_noun(head.lemma.lower()):
                self._one_person.add(id(ent))  # "said one French expert. ... he warned": "he" may be them
            return mention, ent
        return mention, self.named(mention, kind, description, head.start)
