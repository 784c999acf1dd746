"""What a question asks for: a number, a date, or a name/thing/reason, read from its question words.

The extractive answerer picks the sentence holding that kind of content, and cuts the short
answer out of it, instead of quoting the sentence that merely restates the question.
"""

from __future__ import annotations

import re
from enum import StrEnum

from ingest.arabic import STOPWORDS_EN, analyze, normalize_arabic


class Kind(StrEnum):
    SHARE = "share"  # a percentage: a turnout, a rate, a share of the vote
    MONEY = "money"  # an amount in a currency: a price, a fee, a deal's value
    NUMBER = "number"
    WHEN = "when"
    WHO = "who"
    WHERE = "where"
    WHY = "why"
    WHAT = "what"


# "Which Canadian scientist", "أي مخرج إيراني": a question after a person by what they are asks who.
# Words that are adjectives too ("general", "official", "executive", "chief") are left out.
_PERSONS_EN = (
    "minister|president|premier|chancellor|king|queen|prince|princess|sheikh|emir|sultan|leader|"
    "chairman|chairwoman|director|manager|coach|captain|player|footballer|striker|goalkeeper|"
    "defender|athlete|scientist|actor|actress|singer|artist|writer|author|novelist|poet|"
    "journalist|reporter|presenter|politician|candidate|lawmaker|senator|mp|mayor|governor|ambassador|"
    "envoy|diplomat|commander|officer|spokesman|spokeswoman|spokesperson|judge|lawyer|"
    "founder|co-founder|owner|billionaire|businessman|businesswoman|cleric|imam|priest|pope|bishop|"
    "activist|doctor|surgeon|professor|architect|designer|filmmaker|producer|businessperson|man|woman|person"
)
# Between "which" and the person: adjectives and names ("Which Manchester City assistant coach"), never
# the verb of another clause ("What did the man eat" asks for a thing).
_AUXILIARIES = "did|does|do|was|were|is|are|has|have|had|the|a|an|of"
_PERSONS_AR = (
    "وزير|رئيس|ملك|امير|سلطان|شيخ|زعيم|قائد|مدير|مدرب|لاعب|حارس|مهاجم|مدافع|بطل|ممثل|"
    "مغني|فنان|كاتب|روائي|شاعر|صحفي|صحافي|مذيع|سياسي|"
    "مرشح|نائب|سفير|مبعوث|دبلوماسي|جنرال|ضابط|متحدث|مسؤول|قاضي|محامي|مؤسس|مالك|ملياردير|"
    "رجل|امراه|مخرج|منتج|مصمم|طبيب|استاذ|ناشط|داعيه|امام"
)

# The pattern matching earliest in the question decides. Arabic patterns run on normalised text
# (أ/إ/آ → ا, ة → ه, ى → ي), so they are written that way.
_ARABIC = (
    (Kind.SHARE, r"ما\s+(?:نسبه|معدل)|كم\s+(?:\w+\s+)?(?:نسبه|معدل)|بنسبه\s+كم"),
    (Kind.WHEN, r"\bمتي\b|(?:في|ب|ل|حتي|الي)?\s*اي\s+(?:عام|سنه|يوم|شهر|تاريخ|موعد|وقت)|ما\s+(?:تاريخ|موعد)"),
    # Before NUMBER: "ما قيمة" and "كم بلغت قيمة" match both from the same word, and money wins.
    (
        Kind.MONEY,
        r"ما\s+(?:قيمه|مبلغ|المبلغ|سعر|كلفه|تكلفه|ثمن|ميزانيه)|\bبكم\b|"
        r"كم\s+(?:\w+\s+)?(?:دفع\w*|انفق\w*|تكلف\w*|كلف\w*|قيمه|مبلغ|سعر|ثمن|ايرادات|عائدات|ميزانيه|غرامه)",
    ),
    (Kind.NUMBER, r"\bكم\b|ما\s+(?:عدد|قيمه|مبلغ|المبلغ|حجم|عمر|ارتفاع|طول|مساحه|سعر|كلفه|تكلفه)"),
    (Kind.WHY, r"\bلماذا\b|\bلم\s|بماذا\s+(?:فسر|برر|علل)|ما\s+(?:سبب|اسباب|الذي\s+دفع)"),
    (
        Kind.WHERE,
        r"\bاين\b|اي\s+(?:مدينه|بلده|بلد|دوله|محافظه|منطقه|مستشفي|جزيره|مقاطعه|ولايه|قريه|مطار|محطه|ملعب|"
        r"عاصمه|سجن|موقع|مكان|شركه|جامعه|غابات|حي|اقليم|بحر|نهر|جبل)",
    ),
    # "ما اسم ..." asks for a proper name whatever it names (a person, a field, a diamond): a name is
    # rare in the archive, the common words a near miss offers in its place are not.
    (
        Kind.WHO,
        r"^\s*(?:و)?من\s|\sمن\s+(?:هو|هي|هم)\b|^\s*(?:و)?من$|ما\s+(?:هو\s+|هي\s+)?اسم\b|"
        r"\bاي\s+(?:" + _PERSONS_AR + r")(?:ه)?\b",
    ),
)
_ENGLISH = (
    (
        Kind.SHARE,
        r"\bwhat\s+(?:was|is|were)\s+the\s+(?:\w+\s+){0,2}(?:percentage|share|rate|turnout)\b|\bwhat\s+percent",
    ),
    (Kind.WHEN, r"\bwhen\b|\b(?:what|which)\s+(?:year|date|day|month|time)\b|\buntil\s+what\b"),
    (
        Kind.MONEY,
        r"\bhow\s+much\b(?=.*\b(?:money|revenue|income|profit|pay|paid|spend|spent|cost|costs|worth|sell|sold|"
        r"raise|raised|earn|earned|offer|offered|invest|invested|buy|bought|fee|fine|budget|price)\b)|"
        r"\bwhat\s+(?:was|is|were)\s+the\s+(?:\w+\s+){0,2}(?:value|cost|price|fee|revenue|budget|fine)\b",
    ),
    (
        Kind.NUMBER,
        r"\bhow\s+(?:many|much|long|old|far|tall|high)\b|\bwhat\s+(?:was|is|were)\s+the\s+(?:\w+\s+){0,2}"
        r"(?:number|value|amount|cost|price|age|height|toll)\b",
    ),
    (Kind.WHY, r"\bwhy\b|\bwhat\s+(?:caused|led\s+to)\b|\bfor\s+what\s+reason\b"),
    (
        Kind.WHERE,
        # Run on the question as written: a capitalised word is a name ("Which Manchester City coach"
        # asks for a person, "At which Bangkok railway station" for a place).
        r"\bwhere\b|\b(?:which|what)\s+(?:\w+\s+){0,2}(?-i:city|town|country|province|region|island|station|"
        r"hospital|stadium|airport|village|state|capital|district|county|prison|nation)\b",
    ),
    (
        Kind.WHO,
        r"\bwho(?:m|se)?\b|\bto\s+whom\b|\bwhat\s+(?:is|was|are|were)\s+the\s+names?\b|"
        r"\b(?:which|what)\s+(?:(?!(?:" + _AUXILIARIES + r")\b)[\w'-]+\s+){0,3}?(?:" + _PERSONS_EN + r")s?\b",
    ),
)
_COMPILED = {
    "ar": [(kind, re.compile(pattern)) for kind, pattern in _ARABIC],
    "en": [(kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _ENGLISH],
}


# "في أي بلد", "ما هي الدولة التي", "what nationality": answered by a country's name or adjective.
_ASKS_COUNTRY = {
    "ar": re.compile(r"\bاي\s+(?:بلد|دوله|البلدان|الدول|البلاد)\b|\bما\s+(?:هي\s+)?(?:الدوله|البلد|جنسيه)\b"),
    "en": re.compile(r"\b(?:which|what)\s+(?:\w+\s+){0,2}?(?:country|countries|nation|nations|nationality)\b", re.I),
}


def asks_country(question: str, language: str) -> bool:
    """Whether ``question`` asks which country (or nationality)."""
    return bool(_ASKS_COUNTRY[language].search(normalize_arabic(question) if language == "ar" else question))


# "هل بقيت ملونة أم بالأبيض والأسود", "colour or black and white": the answer is one of the question's
# own words. ("أم" is also "mother" in names, أم درمان: such a question is merely treated as one.)
_OFFERS_CHOICE = {"ar": re.compile(r"(?:^|\s)ام\s"), "en": re.compile(r"\bor\b", re.IGNORECASE)}


def offers_choice(question: str, language: str) -> bool:
    """Whether ``question`` asks which of the alternatives it names."""
    return bool(_OFFERS_CHOICE[language].search(normalize_arabic(question) if language == "ar" else question))


def question_kind(question: str, language: str) -> Kind:
    """The kind of answer ``question`` asks for, from its first question word; WHAT when none says more."""
    text = normalize_arabic(question) if language == "ar" else question
    found = [(match.start(), kind) for kind, pattern in _COMPILED[language] if (match := pattern.search(text))]
    return min(found, key=lambda pair: pair[0])[1] if found else Kind.WHAT


_HEAD_AFTER = re.compile(r"(?:^|\s)(?:اي|من|ما\s+اسم|كم|ما)\s+(\w+)")
_ASKS_FOR = re.compile(r"\b(?:which|what|how\s+many|how\s+much)\s+((?:[\w'-]+\s*){1,5})", re.IGNORECASE)
_NUMBER_WORDS_EN = frozenset(("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "other"))
# Past tenses that do not end in -ed: the verb after "Which television series made ..." ends its noun.
_IRREGULAR_VERBS = frozenset(
    (
        "made", "won", "led", "took", "gave", "became", "sold", "bought", "met", "ran", "hit", "held", "left",
        "lost", "got", "came", "went", "wrote", "told", "said", "found", "built", "chose", "paid", "set", "put",
        "saw", "beat", "fell", "broke", "spent", "sent", "struck", "will", "would", "can", "could", "should",
    )
)  # fmt: skip


def question_head_word(question: str, language: str) -> str:
    """The noun the question asks about, as written: "مدينة" in "في أي مدينة ...", "island" in "Off
    which Croatian island did ..." (an English noun comes last in its phrase, after the adjectives and
    names); "" when none."""
    if language == "ar":
        match = _HEAD_AFTER.search(normalize_arabic(question))
        return match.group(1) if match else ""
    match = _ASKS_FOR.search(question)
    if not match:
        return ""
    phrase: list[str] = []
    for word in match.group(1).split():
        lower = word.lower()
        if lower in STOPWORDS_EN or lower in _IRREGULAR_VERBS or (phrase and lower.endswith("ed") and len(lower) > 4):
            break
        phrase.append(word)
    nouns = [w for w in phrase if w[0].islower() and w.lower() not in _NUMBER_WORDS_EN]
    return nouns[-1] if nouns else ""


def question_head(question: str, language: str) -> str:
    """The search term of the noun the question asks about (``question_head_word``), "" when none."""
    terms = analyze(question_head_word(question, language))
    return terms[0] if terms else ""
