"""The speaker phrase of a cue: its subject, found through the parses a compact model gets wrong.

Shared by the cue rules (``rules.py``), the quotations without a cue of their own
(``quotations.py``) and in-article coreference (``coref.py``): a cue's subject (``subject_of``),
an inverted one ("..., said Brian Baker"), a participle's holder ("footage of Trump saying"),
and the words of the phrase that name the speaker (``speaker_words``), cut at an apposition,
a list or a dateline.
"""
from __future__ import annotations

from . import names
from .lexicon import CLAUSE_VERBS, RELATIVE_PRONOUNS, REPORTING_VERBS, SENTENCE_OPENERS, TIME_WORDS
from .syntax import Word

SPEAKER_SKIP_RELS = ("acl", "appos", "punct", "parataxis", "advcl", "dep", "list", "case")
SPEAKER_BREAKS = (",", "(", ")", ";", ":", "—", "–")  # marks that end a speaker phrase (an apposition, a list, a dateline)


def trim(words: list[Word]) -> list[Word]:
    """Drop punctuation, coordinating words and a complementiser ("that", "whether") from the edges."""
    while words and (words[0].upos in ("PUNCT", "CCONJ") or (words[0].lemma in ("that", "whether", "if") and words[0].upos in ("SCONJ", "ADP"))):
        words = words[1:]
    while words and words[-1].upos in ("PUNCT", "CCONJ"):
        words = words[:-1]
    return words


def contiguous_side(words: list[Word], anchor: Word, cue: Word) -> list[Word]:
    """Keep the words on the anchor's side of the cue, so a content span never covers its cue."""
    if anchor.id > cue.id:
        return [w for w in words if w.id > cue.id]
    return [w for w in words if w.id < cue.id]


def close_name(head: Word, child: Word) -> bool:
    """An "apposition" with nothing between it and its head is the name itself: "Republican nominee
    Donald Trump", "City engineer Maria Lopez" (a real apposition is set off by a comma or a bracket)."""
    if child.rel != "appos" or child.upos != "PROPN" or child.id < head.id:
        return False
    first = min(w.id for w in child.subtree())
    between = head.sent.words[head.id : first - 1]
    return not any(w.upos == "PUNCT" for w in between)


def speaker_words(head: Word) -> list[Word]:
    """The speaker noun phrase: the head with its modifiers, without relative clauses or appositions."""
    skip = [c for c in head.children if (c.rel in SPEAKER_SKIP_RELS and not close_name(head, c)) or _temporal(c)
            or (c.upos == "PRON" and c.lower_text in RELATIVE_PRONOUNS and c.id < head.id)]  # "[that] Andrii Yusov"
    words = head.subtree(skip=skip)
    # a comma or a parenthesis ends the phrase: what follows is an apposition or a list the parser attached loosely
    ids = {w.id for w in words}
    lo = hi = head.id
    sent_words = head.sent.words
    while lo - 1 in ids and sent_words[lo - 2].text not in SPEAKER_BREAKS:
        lo -= 1
    # "Ukrainian President Volodymyr Zelensky" misparsed as several subjects of one verb: take them all
    # (across a hyphen too: "Mr. Holtz-Eakin" as subjects "Mr. Holtz" and "Eakin")
    while lo > 1:
        prev = sent_words[lo - 2]
        hyphen = prev.text in ("-", "‐") and lo > 2 and prev.end == sent_words[lo - 1].start
        if hyphen:
            prev = sent_words[lo - 3]
            while prev.head not in (head.head, 0) and prev.parent is not None and prev.parent.id < lo:
                prev = prev.parent
        if prev.head == head.head and prev.deprel == head.deprel and prev.upos in ("PROPN", "NOUN", "ADJ"):
            words = prev.subtree() + ([sent_words[lo - 2]] if hyphen else []) + words
            lo = min(x.id for x in prev.subtree())
        else:
            break
    while hi + 1 in ids and sent_words[hi].text not in SPEAKER_BREAKS:
        hi += 1
    # "said Foreign Minister Andriy Sybiha" misparsed as subject "Foreign" plus object "Sybiha": one name
    while head.upos == "PROPN" and hi < len(sent_words):
        root = sent_words[hi]
        while root.head not in (head.head, 0) and root.parent is not None:
            root = root.parent
        if root is head or root.head != head.head or root.upos != "PROPN" or min(x.id for x in root.subtree()) != hi + 1:
            break
        words = words + root.subtree()
        sub = {x.id for x in root.subtree()}
        hi = root.id
        while hi + 1 in sub and sent_words[hi].text not in SPEAKER_BREAKS:
            hi += 1  # "Senator | Lindsey Graham, Republican of South Carolina": the comma ends the name here too
    words = _one_name(trim([w for w in words if lo <= w.id <= hi and (w.upos != "PUNCT" or w.text in ("'s", "’s"))]), head)
    # "his doctor Friday afternoon", "Even Friday": dates and focus adverbs are not part of a speaker
    # (and the preposition a date leaves behind: "President Vladimir Putin on Saturday said")
    while len(words) > 1 and (words[-1].lemma.lower() in TIME_WORDS or words[-1].upos in ("ADV", "ADP", "DET", "CCONJ", "SCONJ")) \
            and words[-1] is not head:
        words = words[:-1]
    while len(words) > 1 and words[0].upos == "ADV" and words[0] is not head:
        words = words[1:]
    return words


def _one_name(words: list[Word], head: Word) -> list[Word]:
    """"Francois Hollande Says Donald Trump ...": in a title-cased headline a reporting verb parsed as a
    word of one long name is where two names meet (the one who says, the one spoken of). The phrase
    keeps the side of its head."""
    for i in range(1, len(words) - 1):
        w = words[i]
        if w is not head and w.upos != "VERB" and words[i - 1].text[:1].isupper() and words[i + 1].text[:1].isupper() \
                and names.reporting_verb_form(w.text):
            return _one_name(words[:i], head) if head.id < w.id else _one_name(words[i + 1 :], head)
    return words


def _temporal(w: Word) -> bool:
    """A time modifier the parser hung on the speaker: "an official in December", "officials on Monday"."""
    return w.rel in ("nmod", "nmod:tmod", "obl", "obl:tmod", "nmod:unmarked", "obl:unmarked") and (
        w.lemma.lower() in TIME_WORDS or (w.upos == "NUM" and w.text.isdigit() and len(w.text) == 4))


def _quoted_apart(word: Word, cue: Word) -> bool:
    """The word lies inside a quotation that does not hold the cue."""
    for start, end in word.sent.quoted:
        if start <= word.start < end and not start <= cue.start < end:
            return True
    return False


def inverted_subject(verb: Word, content: list[Word]) -> Word | None:
    """In "“...,” informs the SSU" the parser may label the speaker an object (or worse: "says
    Zelensky" with the name as punctuation): take a nominal after the cue."""
    if not content or content[0].id > verb.id:
        return None
    after = [c for c in verb.kids("obj", "nsubj", "iobj", "punct", "dep", "appos", "flat") if c.id > verb.id
             and c.upos in ("PROPN", "NOUN") and c.lemma.lower() not in TIME_WORDS]
    return after[0] if after else None


def stolen_subject(verb: Word, comps: list[Word]) -> tuple[Word, Word] | None:
    """"The earthquake that struck Morocco didn't hit the most active region, said one French expert":
    the parser made the content's subject the cue's and the speaker its object. When the cue's subject
    comes before a complement that has no subject of its own, the complement before the cue after a
    comma, and a nominal follows the cue, returns (the speaker after the cue, the content's subject)."""
    if verb.lemma not in CLAUSE_VERBS or verb.id < 2 or verb.sent.words[verb.id - 2].text not in (",", "”", '"'):
        return None
    before = [c for c in verb.kids("nsubj") if c.id < verb.id]
    if not before or not any(before[0].id < c.id < verb.id and not c.kids("nsubj", "nsubj:pass", "csubj", "expl")
                             for c in comps):
        return None
    after = [c for c in verb.kids("obj", "iobj", "nsubj", "appos", "dep") if c.id > verb.id
             and c.upos in ("NOUN", "PROPN") and c.lemma.lower() not in TIME_WORDS]
    return (after[0], before[0]) if after else None


def _past_opener(subj: Word) -> Word:
    """"Earlier, on Monday, U.S. Secretary of State Antony Blinken confirmed": the parser took the
    sentence opener "Earlier" (an adverb it tagged as a name) for the subject and the real subject for
    its apposition. A sentence adverb followed by a comma is no subject: use the nominal hung on it."""
    words = subj.sent.words
    if subj.id != 1 or len(words) < 2 or words[1].text != "," or subj.lower_text not in SENTENCE_OPENERS:
        return subj
    nominal = [c for c in subj.children if c.rel in ("appos", "nmod", "conj") and c.upos in ("PROPN", "NOUN")]
    return nominal[0] if nominal else subj


def _relative(w: Word) -> bool:
    return "PronType=Rel" in w.feats or (w.lemma in RELATIVE_PRONOUNS and w.upos == "PRON")


def stray_subject(verb: Word) -> Word | None:
    """"..., the official added" parsed with "the official" as modifiers of the verb: take that noun."""
    before = [c for c in verb.children if c.id < verb.id and c.rel in ("amod", "compound", "det", "nmod:poss", "obj")
              and c.upos in ("NOUN", "PROPN", "ADJ")]
    if not before or not any(c.rel in ("det", "nmod:poss") or c.upos == "PROPN" for c in verb.children if c.id < verb.id):
        return None
    head = max(before, key=lambda c: c.id)
    return head if head.id == verb.id - 1 else None


ADDRESSEE_VERBS = frozenset({"tell", "inform", "assure", "brief", "remind", "reassure"})
CLOSING_MARKS = frozenset({"”", "’", '"', "'", "»"})


def trailing_subject(verb: Word) -> Word | None:
    """"“...,” Sen. Claire McCaskill (D-Mo.) said.": a name between a quotation's closing mark and a
    cue that has no subject in the parse (the parser hung the name on the quotation). Read off the
    word order: the words right before the verb, past a bracket, are a name or a noun phrase that
    follows the closing mark; its last noun, or the name that noun belongs to, is the subject. A
    bracket ("(D-Mo.)") or an age between commas (", 33,") may stand between the name and the verb."""
    words = verb.sent.words
    k = verb.id - 2
    while k >= 0 and words[k].upos == "ADV" and words[k].parent is verb:
        k -= 1  # "Climate change, Mr. Obama often says, is ...": an adverb of the cue's own
    if k >= 0 and words[k].text == ")":
        while k >= 0 and words[k].text != "(":
            k -= 1
        k -= 1
    elif k >= 2 and words[k].text == "," and words[k - 1].upos == "NUM" and words[k - 2].text == ",":
        k -= 3  # "Abdelhak El Amrani, 33, told AFP": an age set off by commas
    if k < 0 or words[k].upos not in ("PROPN", "NOUN") or words[k].lemma.lower() in TIME_WORDS:
        return None
    last = words[k]
    while k >= 0 and (words[k].upos in ("PROPN", "NOUN", "ADJ", "DET") or words[k].text in ("’s", "'s", "-")):
        k -= 1
    if k < 0 or words[k].text not in CLOSING_MARKS and not (words[k].text == "," and last.rel != "conj") \
            or k + 1 > last.id - 1:
        return None  # (after a comma, a name the parser coordinated with the content is the content's to trim)
    span = {w.id for w in words[k + 1 : last.id]}
    head = last
    while head.rel == "flat" and head.parent is not None and head.parent.id in span:
        head = head.parent
    return head


def participle_holder(verb: Word) -> Word | None:
    """"footage of Trump saying, “...”": a participle modifying a noun phrase has the noun that ends the
    phrase, right before it, for its subject (wherever the parser hung it). Used only to find the cue of
    a quotation: as a speaker for any clause it would make "tweets accusing X of ..." a source."""
    if verb.rel != "acl" or verb.xpos != "VBG" or verb.parent is None or verb.id < 2:
        return None
    before = verb.sent.words[verb.id - 2]
    if before.upos in ("NOUN", "PROPN") and before.lemma.lower() not in TIME_WORDS and before in verb.parent.subtree():
        return before
    return None


def governed(subj: Word) -> bool:
    """A "subject" under "with": "with thousands reported dead" is an absolute phrase (the thousands
    are reported on, they report nothing), whatever label the parser gave them. Other prepositions
    on a subject are the parser hanging a clause's opener on it ("after [Trump claimed ...]",
    "Sanders on Tuesday said"): those subjects stand (PolNeAR dev: 4 true statements lost otherwise)."""
    return any(c.lemma in ("with", "without") and c.id < subj.id for c in subj.kids("case"))


def has_own_subject(verb: Word) -> bool:
    """The cue names its speaker itself (before or, inverted, after it) rather than inheriting one."""
    if any(_relative(s) for s in verb.kids("nsubj", "nsubj:pass")):
        return False  # "..., which announced ...": a relative clause the parser coordinated
    if any(governed(s) for s in verb.kids("nsubj", "nsubj:pass")):
        return False
    subj = verb.kids("nsubj", "nsubj:pass") + [
        o for o in verb.kids("obj") if o.id > verb.id and o.upos in ("NOUN", "PROPN") and o.lemma.lower() not in TIME_WORDS]
    return bool(subj) or stray_subject(verb) is not None


def subject_of(verb: Word) -> Word | None:
    """The speaker of a cue: its subject or passive agent, inherited through xcomp/advcl/conj."""
    for w in [verb, *verb.ancestors()]:
        subj = w.kids("nsubj", "csubj")
        subj = [s for s in subj if s.deprel != "nsubj:pass" and s.deprel != "csubj:pass" and not _quoted_apart(s, verb)
                and s.lemma.lower() not in TIME_WORDS and not governed(s)]  # "Trump said Friday ...": a date is no speaker
        if subj:
            subj.sort(key=lambda x: (x.id > w.id, -x.id))  # a misparsed flat name: its last word before the verb heads it
            after = [x for x in subj if x.id > w.id]
            if after and subj[0].id < w.id and any(subj[0].id < c.id < w.id for c in w.kids("ccomp", "parataxis")):
                # "The answers are “not meeting the demand,” says Paul Rieckhoff": the subject before
                # the content is the content's, the parser hung it on the cue; the speaker follows
                subj.insert(0, after[0])
            names_before = [x for x in subj if x.upos == "PROPN" and x.id < subj[0].id]
            if subj[0].upos == "NOUN" and names_before:
                subj[0] = names_before[0]  # "Phil Smith, a spokesman for ..., said": the name, not its apposition
            subj[0] = _past_opener(subj[0])
            if _relative(subj[0]):
                if w.deprel == "acl:relcl" and w.parent is not None:
                    return w.parent  # "officials who said ..."
                return None  # "..., which threatens ..." misparsed as a coordination: antecedent unknown
            return subj[0]
        if w is verb:
            stray = stray_subject(verb)
            if stray is not None:
                return stray
            # "Ukraine's security service, SBU, released ...": a nominal before the verb with no
            # preposition, labelled oblique, is the subject the parser missed
            # (also coordinated onto a date: "On Saturday, Ukraine's security service, SBU, released")
            obls = [c for c in verb.children if c.rel in ("obl", "nmod", "obl:npmod") and c.id < verb.id]
            bare = [c for o in obls for c in [o, *o.kids("conj")]
                    if not c.kids("case") and c.upos in ("NOUN", "PROPN") and c.lemma.lower() not in TIME_WORDS]
            if bare and not verb.kids("nsubj:pass", "aux:pass"):
                return bare[-1]
            # (the object of "told", "assured" is who heard it: "..., Amrani, 33, told AFP by telephone")
            told = verb.lemma in ADDRESSEE_VERBS
            trailing = trailing_subject(verb)
            # (a complement the quotation before the name holds is no obstacle: "“...,” Rep. Gwen
            # Moore (D-Wis.) said Friday", the name hung on the quotation and the date as subject)
            # (nor one the parser hung the name on: "Climate change, Mr. Obama often says, is ...")
            comps = verb.kids("ccomp", "parataxis")
            if trailing is not None and (told or not verb.kids("obj", "nsubj:pass") and all(
                    trailing in c.subtree() or all(x.id < trailing.id for x in c.subtree() if x not in trailing.subtree())
                    for c in comps)):
                return trailing
        # a passive agent is introduced by "by" (whatever label the parser gave it)
        agents = [o for o in w.kids("obl") if any(c.lemma == "by" for c in o.kids("case"))]
        passive = bool(w.kids("aux:pass"))  # the tagger's Voice feature is not reliable enough
        if agents and (passive or agents[0].deprel == "obl:agent"):
            return agents[0]
        # "Zelenskyy stated" labelled nsubj:pass on a verb with no passive auxiliary: still the subject
        if not passive:
            pass_subj = [x for x in w.kids("nsubj:pass") if not _quoted_apart(x, verb)]
            if pass_subj:
                return pass_subj[0]
        # a participle the parser made the complement of an inserted cue ("..., the mayor said,
        # adding that ...") is an adjunct of the cue: it inherits the cue's speaker
        adjunct = w.rel == "ccomp" and w.parent is not None and misparsed_conjunct(w.parent, w)
        if w.rel not in ("xcomp", "advcl", "conj", "acl") and not adjunct:
            return None
    return None


def is_cue_verb(w: Word) -> bool:
    """A reporting verb; a word tagged as a noun counts when it governs a subject or a clause as verbs do."""
    if w.lemma not in REPORTING_VERBS:
        return False
    return w.upos in ("VERB", "AUX") or (w.upos in ("NOUN", "ADJ") and bool(w.kids("nsubj", "ccomp")))


def misparsed_conjunct(cue: Word, comp: Word) -> bool:
    """After an inserted (parataxis) cue, the parser may hang on it as its complement what belongs
    to the host clause or to the writer: the host's second conjunct ("It would take weeks, he said,
    and intense wrangling could be paralyzing") or a participle set off by a comma ("..., South
    Korea's intelligence service said, confirming an account from Zelenskyy"). Neither is what the
    cue reports; the host clause is."""
    if cue.rel != "parataxis" or comp.id < cue.id:
        return False
    if any(c.id < comp.id for c in comp.kids("cc")):
        return True
    # a participle opening its own phrase right after a comma, with no subject or complementiser of its own
    opens = min(x.id for x in comp.subtree() if x.upos != "PUNCT") == comp.id
    return comp.xpos == "VBG" and opens and not comp.kids("nsubj", "mark") and cue.sent.words[comp.id - 2].text == ","


def stranded_subject(cue: Word) -> Word | None:
    """A speaker phrase the parser hung elsewhere, standing right before a cue that has no subject:
    "Ukraine has captured 2 soldiers, South Korea's intelligence service says" (the phrase made a
    conjunct of the object), "a scheme that Andrii Yusov, spokesperson for ..., says could mean"
    (the name made a relative clause). From the word before the cue (past a comma), up through
    nominal heads whose phrases end before the cue: the topmost name, else the nearest noun with
    a determiner or a possessor."""
    words = cue.sent.words
    i = cue.id - 2
    if i >= 0 and words[i].text == ",":
        i -= 1
    if i < 0:
        return None
    chain, w = [], words[i]
    while w is not None and w.upos in ("NOUN", "PROPN") and max(x.id for x in w.subtree()) < cue.id:
        chain.append(w)
        w = w.parent
    names = [x for x in chain if x.upos == "PROPN"]
    if names:
        return names[-1]
    nouns = [x for x in chain if x.kids("det", "nmod:poss")]
    return nouns[0] if nouns else None


def wh_opened(verb: Word) -> bool:
    """A clause opened by a wh-adverb ("..., when Clinton blasted him"): an adverbial clause saying when
    or where, not an inserted cue (the parser labels "when" advmod, not mark)."""
    return any(c.xpos == "WRB" and c.id < verb.id for c in verb.kids("advmod"))
