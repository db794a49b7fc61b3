"""Stage 3 of the pipeline: find every attributed statement in a parsed article.

Rules over the dependency parse, each a small function yielding ``Attribution`` records:

- ``speech_verb_rule``: a reporting verb from the lexicon with a clausal complement (ccomp), or
  an inserted/trailing cue attached by parataxis ("..., Kirby mentioned"; "noted a U.S. official";
  headline "..., says Zelensky"), or "as X said"; "X told AFP that ..." is the ccomp case.
  Repairs for the parses a compact model gets wrong: a "that" clause hung elsewhere ("confirmed
  during a visit to Seoul that ..."), a clause made the object of "say", clause parts hung on the
  cue after its complement, "the official" parsed as modifiers of "added", a sentence opener
  ("Earlier, ...") taken for the subject, relative pronouns and dates as subjects. A cue inserted
  between commas ("The museum, Mr. Obama said, would make ...") reports the clause on both sides
  of it: one statement in two pieces.
- ``describe_rule``: verbs of labelling with an "as" complement ("describing it as a 'bloody mess'").
- ``according_to_rule``: "according to X, ..." and "per X".
- ``reporting_noun_rule``: "X's claim that ...".
- ``call_for_rule``: demands, "called for X", "called on X to Y".
- ``disclosure_rule``: "X released details about ..." reports the next sentence of the paragraph.
- ``learned_cue_rule``: cues of speech the rules above do not take ("criticized the governor for
  ...", "cited the report", a clause after a verb outside the lexicon), scored by the learned cue
  model (``cuemodel.py``).

Quotation marks then decide the type (``quotetype.py``). Quoted spans that no cue claims become direct
quotations of their own, attributed in ``attribute.py`` (a cue in the same sentence, or the speaker of
the quotation just before it: a quoted paragraph with no cue continues the previous speaker).

Speech reported inside a quotation (cue and content within one quoted span) is left to the
quotation that holds it (``inside_quotation``).

Not handled: cues that are nouns without a "that" clause ("in a statement, ..."), speech reported
across several sentences without a cue in each (but for released details).
"""
from __future__ import annotations

from dataclasses import replace

from . import cuemodel, nametype
from .lexicon import (
    ACCORDING_CASES,
    ADVERBIAL_MARKS,
    CLAUSE_VERBS,
    DEMAND_VERBS,
    DISCLOSE_VERBS,
    DISCLOSED_NOUNS,
    GERUND_VERBS,
    LABEL_VERBS,
    NEGATING_ADVERBS,
    QUESTION_OPENERS,
    RELATIVE_OPENERS,
    REPORTING_NOUNS,
    ROLE_NOUNS,
    XCOMP_VERBS,
)
from .phrases import (
    close_name,
    contiguous_side,
    governed,
    has_own_subject,
    inverted_subject,
    is_cue_verb,
    misparsed_conjunct,
    speaker_words,
    stolen_subject,
    stranded_subject,
    subject_of,
    trim,
    wh_opened,
)
from .quotemarks import QuoteSpan
from .records import Attribution
from .syntax import Sentence, Word, span_of

CLAUSE_TAIL_RELS = ("xcomp", "obj", "obl", "advcl", "ccomp", "dep", "iobj", "nmod", "obl:tmod")
MIN_CONTENT_WORDS = 3  # "pledged to cap", "claims to be": too little to be a statement


def _make(cue, content_words, speaker_head, rule, sent, confidence=0.9) -> Attribution | None:
    content_words = trim(content_words)
    if cue is not None and content_words and content_words[0].id > cue.id and content_words[0].lower_text == "that":
        content_words = trim(content_words[1:])
    if not content_words or len([w for w in content_words if w.upos != "PUNCT"]) < MIN_CONTENT_WORDS:
        return None
    if content_words[0].lower_text in RELATIVE_OPENERS:
        return None  # a relative clause on the speaker ("said Luis Rubio, who heads ...") is no statement
    start, end = span_of(content_words)
    speaker = speaker_words(speaker_head) if speaker_head is not None else []
    desc = None
    if speaker_head is not None:
        appos = [c for c in speaker_head.kids("appos") if not close_name(speaker_head, c)]
        if appos:
            words = trim([w for w in appos[0].subtree() if w.text not in "()"])
            desc = " ".join(w.text for w in words) or None
    return Attribution(start, end, cue, speaker, desc, rule, confidence, sentence=sent)


def _after_comma(w: Word) -> bool:
    """The phrase (or its head word) follows a comma, dash or semicolon."""
    marks = (",", ";", "—", "–")
    return any(i > 1 and w.sent.words[i - 2].text in marks for i in (min(x.id for x in w.subtree()), w.id))


def _clause_as_object(obj: Word) -> bool:
    """"said [the union expected production to improve]": a clause the parser made a noun-phrase
    object. A real object of "say" is short and verbless ("said a few words", "said nothing")."""
    sub = obj.subtree()
    if obj.upos != "NOUN" or obj.lemma in ROLE_NOUNS or len(sub) < 4:
        return False  # "noted a U.S. official", "said Kirby": an inverted speaker, not content
    return any(x.upos == "VERB" and x.rel not in ("amod", "compound") for x in sub)


def that_clause_after(cue: Word, reach: int = 12) -> list[Word]:
    """"confirmed during a visit to Seoul that ...": a "that" clause the parser hung somewhere else.

    The cue is finite and has no complement; within ``reach`` words after it comes the complementiser
    "that", with only adverbial material (no verb, no quotation) in between. The content runs from
    there to the end of the sentence or a semicolon.
    """
    if cue.xpos in ("VBG", "VBN") and not cue.kids("nsubj", "aux"):
        return []
    words = cue.sent.words
    for w in words[cue.id : cue.id + reach]:
        if (w.upos in ("VERB", "AUX") and w.rel not in ("amod", "compound")) or w.text in (";", ":", "“", '"') \
                or w.rel in ("ccomp", "parataxis"):
            return []  # another clause starts first ("the Telegram messaging app" is still a noun phrase)
        if w.lower_text == "that" and w.upos == "SCONJ":
            if w.parent is not None and w.parent.rel == "ccomp" and w.parent.parent is not None and is_cue_verb(w.parent.parent):
                return []  # another cue's own clause
            rest = []
            for x in words[w.id :]:
                if x.text == ";":
                    break
                rest.append(x)
            return rest
    return []


def _adverbial_clause(cue: Word, comp: Word) -> bool:
    """"Renzi said after the meeting broke up", "what Liz Wahl said when she resigned": the parser
    may make the adverbial clause the complement of the cue. One opened by a subordinator of time
    or cause (or, after an affirmative "say", by "when" or "where") is when or why something was
    said; "asked when the vote would be held" and "did not say when" keep their question."""
    if comp.id < cue.id:
        return False
    opener = min(comp.subtree(), key=lambda x: x.id)
    # (a subject cannot take a preposition: "after" made the case of "the meeting" marks the clause)
    marks = opener.rel == "mark" and opener.parent is comp
    marks = marks or (opener.rel == "case" and opener.parent.rel in ("nsubj", "nsubj:pass") and opener.parent.parent is comp)
    if marks and opener.lemma in ADVERBIAL_MARKS:
        return True
    negated = any(x.lower_text in NEGATING_ADVERBS for x in cue.kids("advmod"))  # "did not say when": a question
    return (cue.lemma == "say" and not negated and opener.rel == "advmod" and opener.parent is comp
            and opener.lower_text in ("when", "where", "whenever", "wherever"))


def _misparsed_apposition(cue: Word, comp: Word) -> bool:
    """"..., said Brian Baker, a longtime political adviser to the family": the parser may make the
    inverted subject's apposition a complement of the cue. A noun phrase with no verb, copula or
    subject of its own, set off by a comma right after the subject that follows the cue, describes
    the speaker; it is nothing the speaker said."""
    if comp.id < cue.id or comp.upos not in ("NOUN", "PROPN") or comp.kids("cop", "nsubj", "aux", "mark"):
        return False
    # the inverted subject, whatever the parser called it ("said Omar Haddad" as an indirect object)
    subjects = [s for s in cue.kids("nsubj", "obj", "iobj", "dep", "flat") if cue.id < s.id < comp.id and s.upos in ("PROPN", "NOUN")]
    first = min(x.id for x in comp.subtree() if x.upos != "PUNCT")
    return bool(subjects) and first >= 2 and cue.sent.words[first - 2].text == "," and \
        max(x.id for s in subjects for x in speaker_words(s)) == first - 2


QUOTE_TOKENS = frozenset(["\"", "“", "”", "«", "»", "„", "‟", "''", "``", "'", "‘", "’"])  # a mark as a token of its own


def inserted_cue_opening(cue: Word, speaker: Word | None, candidates: list[Word], inserted: list[Word]) -> list[Word]:
    """The opening of a clause that a cue interrupts, set off by commas: "The museum, Mr. Obama
    said, would make visitors face uncomfortable truths" reports "The museum ... would make ...",
    and "But to prevent problems, he said, local officials should be vigilant" reports "to prevent
    problems ... local officials should be vigilant", not only what follows the cue.

    ``inserted`` is the cue's own phrase, ``candidates`` the words that may open the content. Empty
    unless the cue phrase with its speaker sits between commas, the candidates before it run
    unbroken from the clause's start (after a coordinator) up to the first comma, and nothing is
    quoted (split quotations are ``quotetype``'s)."""
    ids = {x.id for x in inserted} | ({x.id for x in speaker_words(speaker)} if speaker is not None else set())
    words = cue.sent.words
    first, last = min(ids), max(ids)
    if first < 3 or last >= len(words) or words[first - 2].text != "," or words[last].text != ",":
        return []
    opening = sorted({x.id: x for x in candidates if x.id < first - 1 and x.id not in ids}.values(), key=lambda x: x.id)
    while opening and opening[0].upos == "CCONJ":
        opening = opening[1:]
    if not [x for x in opening if x.upos != "PUNCT"] or any(x.text in QUOTE_TOKENS or x.text[:1] in "\"“”«»" for x in words):
        return []
    if [x.id for x in opening] != list(range(opening[0].id, first - 1)):
        return []  # the opening must run unbroken up to the cue's comma
    if any(x.upos != "CCONJ" for x in words[: opening[0].id - 1]):
        return []  # and open the sentence
    return opening


def _with_opening(att: Attribution, opening: list[Word], rest: list[Word]) -> Attribution:
    """The statement in two pieces, its opening and the rest after the inserted cue ("If" and
    "when" open the content here, they are no complementisers of the cue)."""
    opening = [x for x in opening if x.upos != "PUNCT" or opening[0].id < x.id < opening[-1].id]
    rest = trim([x for x in rest if x.id > att.cue.id])
    if not opening or not rest:
        return att
    first, second = span_of(opening), span_of(rest)
    return replace(att, start=first[0], end=max(att.end, second[1]), pieces=(first, second))


def _without_closing_as(words: list[Word], cue: Word) -> list[Word]:
    """Content without a closing "as X said" clause of another cue that the parser hung inside it
    ("reported capturing soldiers ..., as indicated by both Ukraine and U.S. sources"): that clause
    vouches for the whole sentence (``speech_verb_rule``'s as-said case), it is nobody's content."""
    closing = [x for x in words if x is not cue and x.rel == "advcl" and is_cue_verb(x)
               and any(m.lemma == "as" for m in x.kids("mark")) and _ends_sentence(x)]
    drop = {id(y) for x in closing for y in x.subtree()}
    return [x for x in words if id(x) not in drop] if drop else words


def _ends_sentence(w: Word) -> bool:
    """The word's phrase closes its sentence after a comma (only punctuation follows it)."""
    words = w.sent.words
    sub = w.subtree()
    first, last = min(x.id for x in sub if x.upos != "PUNCT"), max(x.id for x in sub if x.upos != "PUNCT")
    return first > 1 and words[first - 2].text == "," and all(x.upos == "PUNCT" for x in words[last:])


def _can_promise(subject: Word | None) -> bool:
    """Whether the subject of "threatens to", "promises to" can make a threat or a promise: someone,
    not a thing ("the storm threatens to flood the town" says what is likely, it reports no speech).
    Pronouns, names and a subject the parse does not give pass; a common noun is the mention typer's call."""
    if subject is None or subject.upos != "NOUN":
        return True
    i = subject.id - 1
    p = nametype.probabilities(nametype.features(subject.sent.words, i, i + 1, i))
    return p["other"] < 0.5


def _asks(comp: Word) -> bool:
    """A clause opened by a question word or "whether"/"if": what was asked or left unsaid, not a claim."""
    first = comp.subtree()[0]
    return first.lower_text in QUESTION_OPENERS


def _reduced_relative(cue: Word, comp: Word) -> bool:
    """"A doctor interviewed in the SBU video said ...": the parser may make the participle phrase a
    clause reported by the cue, with the doctor its subject (the tagger reads "interviewed" as a
    past tense). A past form with a subject, before the cue and running into it with no comma or
    quotation mark between, is the speaker phrase, not a statement: reported content before its
    cue is set off by one."""
    if comp.id > cue.id or comp.xpos not in ("VBN", "VBD") or not comp.kids("nsubj"):
        return False
    # the phrase's last word touches the cue: no comma or quotation mark between (nor in the subtree's tail)
    return max(x.id for x in comp.subtree()) == cue.id - 1 and cue.sent.words[cue.id - 2].upos != "PUNCT"


def speech_verb_rule(sent: Sentence):
    """Reporting verbs with a clausal complement, a trailing/inserted cue, or "as X said"."""
    for w in sent.words:
        if not is_cue_verb(w) or any(governed(x) for x in w.kids("nsubj", "nsubj:pass")):
            continue  # ("with thousands reported dead": an absolute phrase, no one reports anything)
        reduced = next((c for c in w.kids("ccomp") if _reduced_relative(w, c)), None)
        appositions = [c for c in w.kids("ccomp") if _misparsed_apposition(w, c)]
        comps = [c for c in w.kids("ccomp") if not misparsed_conjunct(w, c) and c is not reduced and c not in appositions
                 and not _adverbial_clause(w, c)]
        infinitives = [x for x in w.kids("xcomp")
                       if (w.lemma in XCOMP_VERBS and any(c.lemma == "to" for c in x.kids("mark")))
                       or (w.lemma in GERUND_VERBS and ("VerbForm=Ger" in x.feats or x.xpos == "VBG"))]
        if not comps:
            if infinitives and w.lemma in ("threaten", "promise") and not _can_promise(subject_of(w)):
                continue  # "a partnership, which threatens to escalate the conflict": likely to, not speech
            comps = infinitives
        elif infinitives and all(c.id > infinitives[0].id and not c.kids("mark") for c in comps):
            # "vowed to rebuild every school [the flood had destroyed]": a relative clause of the
            # infinitive's object the parser hung on the cue; the infinitive is the content
            comps = infinitives + comps
        if not comps and w.lemma in CLAUSE_VERBS:
            comps = [o for o in w.kids("obj") if o.id > w.id and _clause_as_object(o)]
        if comps and cuemodel.is_negated(w) and not any(_asks(c) for c in comps):
            continue  # "did not say that the plant would close": nothing was said (class 7); "did not say when" asks
        if comps:
            # several complements of one cue (often a misparse of one long clause) make one content
            for side in (True, False):
                group = [c for c in comps if (c.id > w.id) == side]
                if not group:
                    continue
                if side:
                    # what the parser hung on the cue after its complement belongs to the clause
                    # ("says [he instructed] [staff Monday to check ...]")
                    first = min(x.id for c in group for x in c.subtree())
                    group = group + [c for c in w.children if c.id > first and c.rel in CLAUSE_TAIL_RELS
                                     and not _after_comma(c)]  # ", showcasing ...": the writer's aside
                    # and what it hung on the cue between the two, opened by the clause's "that"
                    # ("emphasized [that capturing the soldiers] [alive posed significant challenges]")
                    opened = [m.id for c in group for m in c.kids("mark") if m.lower_text == "that"]
                    group = group + [c for c in w.children if w.id < c.id < first and c.rel in CLAUSE_TAIL_RELS
                                     and (any(m.lower_text == "that" for m in c.kids("mark"))
                                          or any(o < c.id for o in opened))]
                words = sorted({x for c in group for x in contiguous_side(c.subtree(), c, w)}, key=lambda x: x.id)
                words = _without_closing_as(words, w)
                stolen = stolen_subject(w, group)
                if stolen is not None:  # the speaker after the cue; the content keeps its own subject
                    subj = stolen[0]
                    words = sorted({*words, *stolen[1].subtree()}, key=lambda x: x.id)
                else:
                    subj = (subject_of(w) or inverted_subject(w, words) or (reduced.kids("nsubj")[0] if reduced is not None else None)
                            or (stranded_subject(w) if side else None))
                    if subj is not None and subj in words:  # a trailing name the parser hung on the content
                        words = [x for x in words if x not in subj.subtree()]
                before = []
                if side and subj is not None and subj.id < w.id:
                    candidates = [x for c in w.children if c.id < w.id and c is not subj and c.rel not in ("cc", "punct")
                                  for x in c.subtree()]
                    candidates += [x for c in group for x in c.subtree() if x.id < w.id]  # its subject, parsed right
                    before = inserted_cue_opening(w, subj, candidates, [w])
                att = _make(w, before + words, subj, "ccomp", sent)
                if att and before:
                    att = _with_opening(att, before, words)
                if att and att.description is None and (described := appositions):
                    att = replace(att, description=" ".join(x.text for x in trim(described[0].subtree())))
                if att:
                    yield att
            continue
        late = that_clause_after(w)
        if late:
            att = _make(w, late, subject_of(w), "that-clause", sent, 0.7)
            if att:
                yield att
            continue
        para = w.kids("parataxis")
        quoted_para = [p for p in para if p.id < w.id]
        # "..., Kirby mentioned" is parataxis in UD; the parser often says conj (no coordinator)
        # (a finite cue with a speaker of its own after a comma, not "..., indicating that ...")
        trailing_conj = (w.rel in ("conj", "advcl") and w.parent is not None and w.parent.id < w.id and not w.kids("cc")
                         and w.xpos != "VBG" and not w.kids("mark") and not wh_opened(w) and has_own_subject(w)
                         and w.id > 1 and any(x.text == "," for x in w.sent.words[w.parent.id : w.id - 1]))
        if (w.deprel == "parataxis" or trailing_conj) and w.parent is not None:
            host = w.parent
            words = contiguous_side(host.subtree(skip=[w]), host, w)
            subj = subject_of(w) or inverted_subject(w, words)
            if subj is None and (subj := stranded_subject(w)) is not None:
                words = contiguous_side(host.subtree(skip=[w, subj]), host, w)  # the speaker is no content
            before = (inserted_cue_opening(w, subj, host.subtree(skip=[w] + ([subj] if subj is not None else [])), w.subtree())
                      if host.id > w.id else [])
            att = _make(w, before + words, subj, "parataxis", sent, 0.85)
            if att and before:
                att = _with_opening(att, before, words)
            if att:
                yield att
        elif quoted_para:
            for p in quoted_para:
                att = _make(w, p.subtree(), subject_of(w) or inverted_subject(w, p.subtree()), "parataxis", sent, 0.85)
                if att:
                    yield att
        elif w.rel == "advcl" and any(c.lemma == "as" for c in w.kids("mark")) and w.parent is not None:
            host = w.parent
            if _ends_sentence(w):
                # "..., as indicated by both Ukraine and U.S. sources.": a closing "as" clause vouches
                # for the whole sentence, wherever the parser hung it
                host = next(a for a in [host, *host.ancestors()] if a.parent is None)
            words = contiguous_side(host.subtree(skip=[w]), host, w)
            att = _make(w, words, subject_of(w), "as-said", sent, 0.8)
            if att:
                yield att


def describe_rule(sent: Sentence):
    """Verbs of labelling with an "as" complement: "describing it as a “bloody mess”"."""
    for w in sent.words:
        if w.lemma not in LABEL_VERBS or w.upos != "VERB" or w.kids("ccomp"):
            continue
        as_comps = [c for c in w.children if c.rel in ("obl", "xcomp", "advcl") and any(k.lemma == "as" for k in c.kids("case", "mark"))]
        if not as_comps and w.kids("obj"):
            as_comps = w.kids("xcomp")  # "called half of his supporters “deplorables”"
        for comp in as_comps:
            objs = w.kids("obj")
            words = [x for o in objs for x in o.subtree()] + comp.subtree()
            att = _make(w, sorted(words, key=lambda x: x.id), subject_of(w), "describe", sent, 0.75)
            if att:
                yield att


def according_to_rule(sent: Sentence):
    """"According to X, ..." (also "per X"): X is the speaker, the governing clause the content."""
    for w in sent.words:
        if w.lower_text == "according" and w.rel in ("advcl", "acl", "obl") and w.parent is not None:
            # "according" parsed as a verb with "to X" as its oblique
            to = [o for o in w.kids("obl", "nmod") if any(c.lower_text == "to" for c in o.kids("case"))]
            if not to and any(c.lower_text == "to" for c in w.kids("fixed")):
                to = [x for x in [_phrase_after(w)] if x is not None]  # "to" fixed to it, X hung on the clause
            if not to:
                continue
            source, host = to[0], w.parent
        elif w.lower_text not in ACCORDING_CASES or w.rel not in ("case", "mark"):
            continue
        else:
            source = w.parent
            if source is None or source.parent is None:
                continue
            host = source.parent
            named = _phrase_after(w)
            if named is not None and named is not source:
                # "according to" hung on the wrong noun ("... in front of 131 West 23rd Street"): the
                # source is the phrase right after it; the content is the clause it governs
                source = named
                host = source.parent if source.parent is not None and source.parent.id != w.id else host
        clause = host
        while clause.parent is not None and clause.rel not in ("ccomp", "root", "parataxis"):
            clause = clause.parent
        # the "according to X" phrase ends where the speaker phrase does: what the parser hung on X
        # after a comma ("officials, hundreds of soldiers have been killed") belongs to the content
        phrase = {x.id for x in speaker_words(source)} | {x.id for x in source.subtree() if x.id <= source.id}
        phrase |= {w.id} | {x.id for x in w.subtree() if x.id <= source.id}
        body = [x for x in clause.subtree() if x.id not in phrase]
        words = contiguous_side(body, host, source) or body
        att = _make(w, words, source, "according-to", sent, 0.85)
        if att:
            yield replace(att, speaker=[x for x in att.speaker if x.id > w.id and not (x.lower_text == "to" and x.id == w.id + 1)])


def _phrase_after(case: Word) -> Word | None:
    """The head of the noun phrase right after "according to"/"per" (up to a comma or a verb)."""
    words = case.sent.words
    start = case.id  # index of the next word
    while start < len(words) and words[start].lower_text == "to":
        start += 1
    window = []
    for x in words[start:]:
        if x.text in (",", ";", ":", "(", "—", "–") or x.upos in ("VERB", "AUX"):
            break
        window.append(x)
    ids = {x.id for x in window}
    heads = [x for x in window if x.head not in ids and x.upos in ("NOUN", "PROPN", "PRON", "NUM")]
    return heads[-1] if heads else None


def reporting_noun_rule(sent: Sentence):
    """A reporting noun with a "that" clause: "Trump's claim that ...", "the warning that ..."."""
    for w in sent.words:
        if w.lemma not in REPORTING_NOUNS or w.upos != "NOUN":
            continue
        for comp in w.kids("acl", "ccomp"):
            if not any(m.lemma == "that" for m in comp.kids("mark")):
                continue
            poss = w.kids("nmod:poss") or [n for n in w.kids("nmod") if any(c.lemma in ("by", "from", "of") for c in n.kids("case"))]
            att = _make(w, contiguous_side(comp.subtree(), comp, w), poss[0] if poss else None, "noun", sent, 0.7)
            if att:
                yield att


def call_for_rule(sent: Sentence):
    """Demands: "called for the complete repeal of Obamacare", "called on Trump to apologize"."""
    for w in sent.words:
        if w.lemma not in DEMAND_VERBS or w.upos != "VERB" or w.kids("ccomp"):
            continue
        for obl in w.kids("obl", "obj", "xcomp", "advcl"):
            if obl.id < w.id or not any(c.lower_text in ("for", "on", "upon") and c.id == w.id + 1 for c in obl.kids("case", "mark")):
                continue
            words = [x for x in obl.subtree() if x.id > w.id + 1]
            words += [x for c in w.kids("xcomp") if c.id > obl.id for x in c.subtree()]  # "on Trump [to stop ...]"
            att = _make(w, sorted(set(words), key=lambda x: x.id), subject_of(w), "call-for", sent, 0.6)
            if att:
                yield att


RULES = (speech_verb_rule, describe_rule, according_to_rule, reporting_noun_rule, call_for_rule)


def disclosure_rule(sent: Sentence, following: Sentence | None, covered) -> Attribution | None:
    """"The SBU released additional details about the two soldiers. One of them was found without ...":
    a source releasing details, information or an account, with no content of its own, reports the
    sentence that follows in the same paragraph (unless that sentence has a cue of its own)."""
    if following is None:
        return None
    for w in sent.words:
        if w.lemma not in DISCLOSE_VERBS or w.upos != "VERB" or w.kids("ccomp"):
            continue
        objs = [o for o in w.kids("obj") if o.lemma in DISCLOSED_NOUNS]
        subj = subject_of(w)
        if not objs or subj is None or covered(following):
            continue
        return _make(w, following.words, subj, "details", following, 0.5)
    return None


def learned_cue_rule(sent: Sentence, found: list[Attribution], model: cuemodel.CueModel, threshold: float):
    """Cues the lexicon rules did not take, scored by the learned cue model (``cuemodel.py``): a
    (word, clause) pair it scores at or above ``threshold`` is a statement, its confidence the
    model's probability, its source the cue's subject (a name, a pronoun, a role, a title or an
    organisation: without one the pair is left out). A word the rules already made a cue, or a clause
    overlapping a statement they found, is left to them; a negated cue ("Moscow has never
    acknowledged the forces") reports nothing said."""
    cues = {id(a.cue) for a in found if a.cue is not None}
    taken = [(a.start, a.end) for a in found if a.sentence is sent]
    for cand in cuemodel.candidates(sent):
        if id(cand.cue) in cues or cuemodel.is_negated(cand.cue):
            continue  # taken by the rules; or "has never acknowledged ...": nothing was said
        p = model.probability(cand)
        if p < threshold:
            continue
        speaker = subject_of(cand.cue)
        if speaker is None or not cuemodel.can_speak(speaker):
            continue  # a statement the model finds must have a source that can speak
        att = _make(cand.cue, cand.words(), speaker, "learned", sent, round(p, 3))
        if att is None or any(s < att.end and att.start < e for s, e in taken):
            continue
        taken.append((att.start, att.end))
        cues.add(id(cand.cue))
        yield att


def find_attributions(sentences: list[Sentence], spans: list[QuoteSpan] = (), text: str = "", *,
                      cue_threshold: float | None = None) -> list[Attribution]:
    """All cue-based attributions of an article, one per (cue, content) pair, in text order.
    ``spans``: the article's quotations (``quotemarks.find_quote_spans``). ``cue_threshold``
    overrides the learned cue model's own threshold (for tuning; above 1: rules only)."""
    found, seen = [], set()
    model = cuemodel.load()
    quoted = [(q.start, q.end) for q in spans]
    for sent in sentences:
        for rule in RULES:
            for att in rule(sent):
                key = (att.start, att.end)
                if key in seen:
                    continue
                seen.add(key)
                found.append(att)
        if model is not None:
            threshold = model.threshold if cue_threshold is None else cue_threshold
            for att in list(learned_cue_rule(sent, found, model, threshold)):
                if (att.start, att.end) not in seen:
                    seen.add((att.start, att.end))
                    found.append(att)

    def covered(s: Sentence) -> bool:
        return bool(s.quoted) or any(a.start < s.end and a.end > s.start for a in found)

    for sent, nxt in zip(sentences, sentences[1:]):
        same_paragraph = bool(text) and "\n" not in text[sent.end : nxt.start]
        att = disclosure_rule(sent, nxt if same_paragraph else None, covered)
        if att is not None and (att.start, att.end) not in seen:
            seen.add((att.start, att.end))
            found.append(att)
    return sorted((a for a in found if not inside_quotation(a, quoted)), key=lambda a: (a.start, a.end))


def inside_quotation(att: Attribution, spans: list[tuple[int, int]]) -> bool:
    """Speech reported inside a quotation ("“I also notified the Secret Service that she was on
    medication,” Mariano said"): cue and content both within one quoted span. It is part of the
    quotation, whose speaker said it; stored on its own it would repeat a piece of it under
    another cue (PolNeAR dev: 49 of the 265 unmatched statements, against 7 matched)."""
    if att.cue is None:
        return False
    return any(start <= att.cue.start < end and start <= att.start and att.end <= end for start, end in spans)


