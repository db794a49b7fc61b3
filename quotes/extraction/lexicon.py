"""Word lists the extractor and the speaker resolver read.

Reporting verbs are gathered from the speech-act verb classes of Levin (1993, classes 37.x "verbs of
communication"), the reporting verbs of the Quotebank and PolNeAR cue inventories, and the
style guides' lists of attribution verbs (AP Stylebook "said and its alternatives"). Lemmas only;
British and American spellings both. Beliefs without speech (think, believe, hope) are left out on
purpose: the tracker follows what was said, not what was thought.
"""
from __future__ import annotations

REPORTING_VERBS = frozenset(
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

# Cues of thought, feeling, desire, intention, perception and seeming (Levin's psych-verb and
# desire classes, 31.x and 32.x, with the verbs of perception, 30.x, and "seem" verbs): "X believes
# that ...", "X wants to ...", "X seems to ...". Attributions in PolNeAR's sense, but not speech, so
# the learned cue model never takes them as cues (cuemodel.candidates); the tracker follows what
# was said. (A lexicon verb a clause follows, "recognise", "wonder", stays speech.)
THOUGHT_VERBS = frozenset(
    """
    think believe know hope want wish desire fear worry expect anticipate plan intend aim mean seem
    appear look sound feel like love hate prefer enjoy doubt suspect assume presume suppose imagine
    consider understand realise realize remember forget learn hear see notice watch find_out decide
    choose try attempt seek tend need require refuse fail manage continue start begin stop prove
    happen turn afraid sure certain aware glad happy sorry worried convinced confident hopeful likely
    unlikely possible impossible clear unclear obvious eager willing ready able unable determined
    surprised shocked concerned frustrated interested excited bound supposed set
    """.split()
)

# Verbs whose complement is speech only when they govern a clause: "call for", "ask to" etc. are
# requests, still attributions in PolNeAR's sense, so they stay in the list above.

REPORTING_NOUNS = frozenset(
    """
    statement claim remark comment announcement assertion allegation accusation admission warning
    denial assurance promise pledge vow threat testimony argument explanation suggestion proposal
    message post tweet note letter communique communiqué interview briefing speech address report
    account description confirmation declaration insistence contention observation prediction
    appeal plea request demand reply response answer acknowledgement acknowledgment estimate
    """.split()
)

# What an organisation or a person issues and news quotes as if it spoke: "the statement said",
# "Microsoft's website says", "a post on X from CEO George Kurtz". The speaker is the issuer; the
# document is the channel.
DOCUMENT_NOUNS = frozenset(
    """
    statement report post tweet letter message communique communiqué release email e-mail website
    site webpage page blog filing document notice bulletin memo note transcript video posting
    announcement advisory update publication newsletter account
    """.split()
)

# "according to X", "as X put it" and friends: the content is the governing clause.
ACCORDING_CASES = frozenset({"according"})

# Titles and roles dropped when a person's name is matched (kept as the speaker's description).
TITLES = frozenset(
    """
    president vice prime minister foreign defence defense interior secretary state general
    chancellor premier governor gov mayor senator sen rep representative congressman congresswoman
    speaker leader chairman chairwoman chair chief executive director spokesman spokeswoman
    spokesperson commander colonel col lieutenant lt major maj captain capt sergeant sgt admiral adm
    ambassador envoy advisor adviser national security deputy assistant attorney judge justice
    king queen prince princess pope bishop archbishop father rev reverend dr doctor professor prof
    mr mrs ms miss sir dame lord lady former incoming outgoing acting interim then elect
    president-elect senior official officer minister-president head councillor councilor
    ceo cfo coo cto pm
    """.split()
)

# Head nouns that make a speaker an organisation rather than a person.
ORG_WORDS = frozenset(
    """
    service agency ministry department office house pentagon kremlin government administration
    council committee commission parliament congress senate assembly court police army navy
    military forces force command staff headquarters intelligence bureau institute university
    company corporation inc ltd group party union organisation organization association
    federation foundation bank fund authority authorities board team campaign embassy mission
    network news agency press times post journal reuters afp ap bbc cnn nato un eu who unicef
    regime cabinet directorate guard brigade battalion division unit secretariat spokesperson's
    club firm carmaker automaker airline lender insurer retailer broadcaster newspaper startup regulator
    watchdog charity tribunal
    """.split()
)

# Titles only a company (or another organisation) gives: the name before one is an organisation's
# ("CrowdStrike CEO George Kurtz"; not "spokesman": "Clinton spokesman Brian Fallon")
COMPANY_TITLES = frozenset({"ceo", "cfo", "coo", "cto", "founder", "co-founder", "cofounder", "chairman", "chairwoman"})
# Words of a company's legal form, left out when its name qualifies a title ("CrowdStrike Holdings Inc.’s CEO")
CORPORATE_FORMS = frozenset({"inc", "holdings", "corp", "corporation", "ltd", "llc", "plc", "co", "group", "sa", "ag", "nv", "limited"})

# Nouns that name an unnamed human source ("a senior official", "a doctor").
ROLE_NOUNS = frozenset(
    """
    official officials source sources spokesman spokeswoman spokesperson person people resident
    residents witness witnesses doctor doctors expert experts analyst analysts observer observers
    diplomat diplomats officer officers soldier soldiers aide aides adviser advisers advisor
    advisors insider insiders member members lawmaker lawmakers legislator legislators commander
    commanders researcher researchers scientist scientists economist economists investigator
    investigators prosecutor prosecutors lawyer lawyers attorney attorneys activist activists
    worker workers employee employees executive executives leader leaders critic critics
    supporter supporters voter voters man woman men women prisoner prisoner captive host anchor
    """.split()
)

# Role nouns one person may be described by in one article ("Wagner chief Yevgeny Prigozhin" ...
# "the Wagner leader"; "Kremlin spokesperson Dmitry Peskov" ... "the Kremlin spokesman"). A
# description whose head is only a synonym of the person's role must also share a modifier with it
# ("the Russian leader" for "Russian President Vladimir Putin").
ROLE_SYNONYMS = (
    frozenset({"leader", "chief", "head", "boss", "chairman", "chairwoman", "chair", "president"}),
    frozenset({"spokesman", "spokeswoman", "spokesperson", "spokespeople", "representative"}),
    frozenset({"candidate", "contender", "nominee", "hopeful"}),
    frozenset({"minister", "secretary"}),
    frozenset({"lawyer", "attorney", "counsel"}),
)

# Titles news writes as initials, with the words they stand for: "the CEO" is the person the
# article called "chief executive" or "CrowdStrike CEO George Kurtz", "the PM" its "Prime Minister".
ABBREVIATED_TITLES = {
    "ceo": ("chief", "executive"), "cfo": ("chief", "financial"), "coo": ("chief", "operating"),
    "cto": ("chief", "technology"), "pm": ("prime", "minister"),
}

# Quantified subjects that speak for part of a group the article introduced ("One said ...", "Both
# denied ...", "one of them told reporters"): their speaker is that group (issue 29, class 4).
QUANTIFIERS = frozenset({"one", "both", "another", "neither", "each", "several", "some", "many", "most",
                         "two", "three", "four", "five", "all", "none", "other", "others"})

# Title words that qualify a title and name no one alone ("Secretary of State", "Vice President"):
# a description headed by one ("the state") is not a person's.
TITLE_QUALIFIERS = frozenset({"state", "national", "security", "foreign", "defence", "defense", "interior", "vice",
                              "former", "incoming", "outgoing", "acting", "interim", "then", "elect", "senior",
                              "deputy", "assistant", "executive", "house"})

# Endings of English nouns for people (governor, actress, neurosurgeon, businessman, analyst,
# historian, nominee, candidate): with TITLES, ROLE_NOUNS and ROLE_SYNONYMS they say whether a
# description ("the retired neurosurgeon") can name a person, and not a thing ("the poll", "the email").
PERSON_SUFFIXES = ("er", "or", "ist", "ian", "ant", "ent", "man", "woman", "eon", "ess", "ee", "ate", "ive", "ard")

PRONOUNS = {
    "he": "person", "him": "person", "she": "person", "her": "person",
    "they": "any", "them": "any", "it": "organisation", "we": "any", "i": "person", "you": "any",
}
DEFINITE_DETERMINERS = frozenset({"the", "this", "that", "these", "those"})

# time expressions the parser may hang on a speaker ("an official in December", "officials on Monday")
TIME_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday "
    "sunday today yesterday tonight tomorrow morning afternoon evening night day week weekend month year "
    "decade century spring summer autumn fall winter time moment hour minute".split()
)

# sentence adverbs a weak tagger may take for a name and the parser for a subject ("Earlier, ...")
SENTENCE_OPENERS = frozenset(
    "earlier later meanwhile however separately previously recently yesterday today now still also "
    "additionally instead overall then finally moreover furthermore nonetheless nevertheless elsewhere "
    "afterwards subsequently initially ultimately similarly likewise again already".split()
)


# English function words: shared by any two texts, they say nothing about whether two statements are
# one (variant grouping compares the other words). The usual short list of pronouns, determiners,
# auxiliaries, prepositions and conjunctions.
# Words that open a clause or sentence and may stand capitalised before a name ("But Fifa said",
# "Even Brandt admits"): never a first name
CLAUSE_OPENERS = frozenset({"but", "and", "or", "so", "yet", "as", "even", "if", "when", "while", "though",
                            "although", "because", "since", "after", "before", "until", "unless", "whereas",
                            "only", "just", "not", "both", "either", "neither", "whether"})

FUNCTION_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each either every few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just let me
more most much must my myself neither no nor not now of off on once only or other ought our ours
ourselves out over own same shall she should so some such than that the their theirs them themselves
then there these they this those through to too under until up upon us very was we were what when
where which while who whom whose why will with would yet you your yours yourself yourselves
s t d ll m re ve don doesn didn isn aren wasn weren won wouldn shouldn couldn can't don't it's i'm
we're they're he's she's that's there's we've i've you're i'll we'll you'll it'll won't
said says say told tell know think going go goes went get got make made want see come like well one
really thing things lot way just yes ok okay oh
""".split())


PERSONAL = frozenset({"i", "we", "you", "he", "she", "they", "who"})


MODALS = frozenset({"will", "would", "can", "could", "may", "might", "should", "must", "shall"})


NEGATIONS = frozenset({"not", "n't", "never", "no"})


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


TITLE_LINKS = ("of", "for", "the")  # "Secretary of State", "Minister for Foreign Affairs"


AFFILIATION_LINKS = ("of", "at", "from", "with")  # "Stephen Vladeck of the University of Texas"


# past forms of reporting verbs other than verb + "ed" ("Said" capitalised is a name too: Ahmed Said Khan)
IRREGULAR_REPORTING_FORMS = frozenset({"said", "told", "wrote", "swore"})


# inflected forms that are nouns in the names of institutions ("United States", "House Rules Committee")
NAME_NOUNS = frozenset({"states", "reports", "rules", "appeals", "charges", "brands", "labels", "campaigns", "questions"})



# -- function words ------------------------------------------------------------------------------
RELATIVE_PRONOUNS = frozenset({"that", "which", "who", "whom"})
# a content opening with one of these is a relative clause on the speaker ("said Luis Rubio, who heads ...")
RELATIVE_OPENERS = frozenset({"who", "whom", "whose", "which"})
NEGATING_ADVERBS = frozenset({"not", "n't", "never"})
NEGATIONS = NEGATING_ADVERBS | {"no"}  # "no" as a determiner too ("gave no details")

# -- cue words of particular rules (rules.py) ------------------------------------------------------
# cues whose noun-phrase object is almost always a misparsed clause
CLAUSE_VERBS = frozenset({"say", "add", "claim", "argue", "insist", "note", "warn", "predict", "state",
                          "believe", "think", "suggest", "estimate", "acknowledge", "explain", "contend",
                          "maintain", "assert", "tweet", "recall", "write", "stress", "emphasise", "emphasize"})
DEMAND_VERBS = frozenset({"call", "appeal", "plead"})  # + "for"/"on": a demand
DISCLOSE_VERBS = frozenset({"release", "provide", "give", "share", "publish", "disclose", "offer", "reveal"})
DISCLOSED_NOUNS = frozenset({"detail", "details", "information", "account", "update", "description", "statement"})
LABEL_VERBS = frozenset({"describe", "call", "label", "brand", "dub", "term", "characterise",
                         "characterize", "portray", "depict", "frame", "hail", "dismiss", "praise",
                         "criticise", "criticize", "condemn", "denounce"})
# speech acts whose content is an infinitive: "vowed to rebuild", "threatened to strike", "urged the
# board to step down", "warned them not to travel" (issue 29, class 8); "wants to", "plans to" are not speech
# words opening a clause that asks rather than claims ("did not say when the ferry would resume")
QUESTION_OPENERS = frozenset({"whether", "if", "when", "what", "why", "how", "who", "whom", "whose", "where", "which"})
XCOMP_VERBS = frozenset({"claim", "deny", "promise", "pledge", "vow", "admit", "agree",
                         "refuse", "swear", "ask", "urge", "call", "demand", "appeal", "insist", "tell",
                         "threaten", "warn", "order", "instruct", "advise", "request", "beg", "implore",
                         "propose", "remind", "offer"})
# verbs whose gerund complement is reported content: "reported capturing", "denied having ..."
GERUND_VERBS = frozenset({"report", "deny", "admit", "acknowledge", "recall", "mention", "confirm", "claim",
                          "describe", "recount", "suggest", "propose", "recommend"})
# subordinators of time, cause and concession: a clause they open says when or why, not what
ADVERBIAL_MARKS = frozenset({"after", "before", "until", "till", "since", "once", "while", "whilst", "because",
                             "although", "though", "whereas"})

# -- titles and headlines --------------------------------------------------------------------------
# the words title case may leave in lower case (articles, short prepositions and conjunctions)
TITLE_CASE_SMALL = frozenset({"a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "of", "to", "in", "on", "at",
                              "by", "up", "as", "off", "out", "per", "via", "vs", "with", "from", "into", "over"})
# small words a quoted title (“Fox News Sunday”) may hold in lower case (quotations.is_title)
QUOTED_TITLE_SMALL = frozenset({"of", "the", "a", "an", "and", "in", "on", "for", "to", "with", "at", "by"})
SUBJECT_PRONOUNS = frozenset({"he", "she", "they", "it", "we"})
# words of quantity: two statements with different figures are two statements (grouping/pairs.py)
NUMBER_WORDS = {"dozen", "dozens", "hundred", "hundreds", "thousand", "thousands", "million", "millions",
                "billion", "billions", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                "twenty", "fifty", "half", "quarter", "percent"}
