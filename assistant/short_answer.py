"""The short answer: the span of a sentence that a question asks for (a number, a date, a name).

A span is what the sentence says beyond the question: the number or date the question does not
already hold, or the run of words next to the question's own words that the question lacks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.question_kind import Kind
from ingest.arabic import analyze, normalize_arabic

_TOKEN = re.compile(r"[^\s،,؛;:.!?؟()\[\]\"«»“”]+(?:[.,/][^\s،,؛;:.!?؟()\[\]\"«»“”]+)*")
_BREAK = re.compile(r"[،,؛;:.!?؟()\[\]\"«»“”]")
_ACCUSATIVE = ("اً", "ًا")  # the indefinite accusative ending, which the analyzer keeps as a final alef
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")
_YEAR = re.compile(r"(1[89]|20)\d\d")
_SCALES = {"الف", "الفا", "الاف", "مليون", "ملايين", "مليار", "مليارات", "thousand", "million", "billion"}


def _normalized(words: str) -> frozenset[str]:
    return frozenset(normalize_arabic(w) for w in words.split())


_CURRENCIES = _normalized(
    "دولار دولارا دولارات الدولارات يورو جنيه جنيها جنيهات ريال ريالا ريالات درهم درهما دراهم دينار دينارا"
    " دنانير ليرة ليرات روبل روبية روبيات ين يوان فرنك فرنكات استرليني إسترليني شيكل"
    " dollar dollars euro euros pound pounds yen yuan rupee rupees riyal riyals dirham dirhams dinar dinars"
    " franc francs $ € £"
)
_PERCENT = _normalized("بالمئة بالمائة % percent")  # after a number; "المئة" and "cent" after "في"/"per"
_PER_HUNDRED = _normalized("المئة المائة cent")
_NUMBER_WORDS = _normalized(
    "واحد واحدة اثنان اثنين اثنتان ثلاث ثلاثة أربع أربعة خمس خمسة ست ستة سبع سبعة ثمان ثماني ثمانية"
    " تسع تسعة عشر عشرة عشرون عشرين ثلاثون ثلاثين أربعون أربعين خمسون خمسين مئة مائة مئات عشرات"
)
_MONTHS = _normalized(
    "يناير فبراير مارس أبريل ابريل إبريل مايو يونيو يونيه يوليو يوليه أغسطس اغسطس سبتمبر أكتوبر اكتوبر"
    " نوفمبر ديسمبر كانون شباط آذار اذار نيسان أيار ايار آيار حزيران تموز آب اب أيلول ايلول تشرين"
    " january february march april may june july august september october november december"
)
# An English month as Arabic news writes it: Egyptian/Gulf name and Levantine name.
ARABIC_MONTHS = {
    english: frozenset(t for word in arabic.split() for t in analyze(word))
    for english, arabic in {
        "january": "يناير كانون", "february": "فبراير شباط", "march": "مارس آذار", "april": "أبريل نيسان",
        "may": "مايو أيار", "june": "يونيو يونيه حزيران", "july": "يوليو يوليه تموز", "august": "أغسطس آب",
        "september": "سبتمبر أيلول", "october": "أكتوبر تشرين", "november": "نوفمبر تشرين", "december": "ديسمبر كانون",
    }.items()
}  # fmt: skip
MONTH_TERMS = frozenset(t for month in _MONTHS for t in analyze(month))  # as the lexical analyzer has them
_ENGLISH_MONTH = re.compile(r"\b(" + "|".join(m.capitalize() for m in ARABIC_MONTHS) + r")\b")  # "May", not "may"
DATING_WINDOW = 3  # words either side of a number, within its clause, that say which month it is for
_DATE_WORDS = _normalized("الأول الثاني شهر من عام سنة بداية نهاية منتصف مطلع أواخر أوائل")
_YEAR_WORDS = _normalized("عام العام سنة السنة")  # "عام 1981" answers "في أي عام" with "1981"
_ORDINAL_DAYS = _normalized("الأول الثاني الثالث الرابع الخامس السادس السابع الثامن التاسع العاشر")
# News sentences wrap their facts in reporting words; they are never the answer.
_FILLER = _normalized(
    "قال وقال قالت وقالت أضاف وأضاف أضافت وأضافت أعلن وأعلن أعلنت وأعلنت أكد وأكد أكدت وأكدت أوضح وأوضح"
    " أشار وأشار ذكر وذكر ذكرت وذكرت بحسب وبحسب وفق وفقا حسب خلال اليوم أمس الأحد الاثنين الثلاثاء"
    " الأربعاء الخميس الجمعة السبت إنه أنه إنها أنها وإن وأن كما حيث الذي التي الذين وكان وكانت تم وتم"
    " said says told according also"
)
# A word opening a prepositional phrase ("لأبوين", "للفوز", "بالسجن") ends a name or a place.
_PHRASE_OPENERS = ("لل", "لا", "بال", "وبال", "ولل")
# "أين ...؟" names no noun to look for; a place follows a preposition of place ("في حلب").
_LOCATIVES = _normalized("في فى إلى الى داخل قرب بالقرب عند شمال جنوب شرق غرب وسط أنحاء مدينة")
# Fitted on ARCD's where-questions with the gold sentence given (short-answer F1 0.14 -> 0.43);
# held out, XQuAD ar 0.14 -> 0.24; news-dev's where-questions name their noun and are unchanged.
LOCATIVE_BONUS = 3.0
MAX_WORDS = {Kind.WHY: 8}
DEFAULT_MAX_WORDS = 5
# A name or a title is rare in the archive, the words around it ("الحكومة", "شركة", "وقع") are not:
# for who/what questions a span gains this much times its words' mean rarity (idf over the
# archive's highest). Fitted two-fold by article on XQuAD, news-dev and ARCD together
# (`python -m eval.span_check --fit-rarity`): one half chose 6, the other 8, within 0.013 of
# each other; 6 costs ARCD's who-questions less (README, Evaluation).
RARITY_WEIGHT = 6.0
NAMED_KINDS = frozenset({Kind.WHO, Kind.WHAT})  # questions answered by a name or a title
COUNT_KINDS = frozenset({Kind.NUMBER, Kind.SHARE, Kind.MONEY})  # questions answered by a number


@dataclass(frozen=True)
class _Word:
    text: str
    start: int
    end: int
    norm: str
    terms: tuple[str, ...]  # analyze() of the word: empty for stop words
    known: bool  # the question holds it
    after_break: bool  # punctuation stands between this word and the previous one


Known = Callable[[str, Sequence[str]], bool]
Rarity = Callable[[str], float]  # a search term's idf in the archive over the highest idf, 0-1


@dataclass(frozen=True)
class Span:
    text: str
    # How plainly the sentence gives it as the answer, 0-1: the noun the question asks about right
    # before it or as its unit ("وزير التخطيط سلمان الجميلي", "246 شخصا"), the question's own
    # words next to it. The lead that restates a question holds a span too, but a loose one.
    fit: float
    # For a who/what question, the mean rarity of its words in the archive, 0-1 (0 when not weighed
    # or another kind): a name is rare, the common words a near miss offers in its place ("الفيلم",
    # "السادس", "شركة") are not. A place or a number need not be ("سوريا" is everywhere in news).
    rarity: float = 0.0
    # The same question's rarest word of the span, 0-1: a name holds at least one rare word
    # ("وبعد", "السكك الحديدية" hold none), which a near miss's stand-in seldom does.
    peak_rarity: float = 0.0
    # A number dated by the words beside it to a month the question does not name ("68% خلال شهر
    # سبتمبر" for June's inflation): the figure for another month, never the one asked for.
    dated_elsewhere: bool = False
    # It follows the question's own words for the noun asked about, unbroken: "وزير التخطيط سلمان
    # الجميلي" for "من وزير التخطيط العراقي", "بمدينة كارلستاد" for "في أي مدينة".
    after_head: bool = False


def question_months(question: str) -> frozenset[str]:
    """The months a question names, by their English names ("june" for "يونيو", "حزيران" or "June")."""
    named = {m.lower() for m in _ENGLISH_MONTH.findall(question)}
    return frozenset(named.union(*(_month_names(word) for word in _TOKEN.findall(question))))


def _month_names(word: str) -> set[str]:
    """The months an Arabic word may be ("تشرين" is October or November; "سبتمبر/أيلول" September)."""
    names: set[str] = set()
    for part in normalize_arabic(word).split("/"):
        terms = set(analyze(_strip_clitic(part)))
        names.update(english for english, arabic in ARABIC_MONTHS.items() if terms & arabic)
    return names


def find_span(
    sentence: str,
    kind: Kind,
    known: Known,
    head: str = "",
    rarity: Rarity | None = None,
    months: frozenset[str] = frozenset(),
    within: Sequence[tuple[int, int]] | None = None,
) -> Span | None:
    """The span of ``sentence`` that answers a question of ``kind``; ``known(norm, terms)`` says
    whether the question already holds a word, ``head`` is the search term of the noun the question
    asks about ("مدينة" in "في أي مدينة"), ``rarity`` how rare a term is in the archive (None:
    not weighed), ``months`` the months the question names (``question_months``), ``within`` the
    only places in ``sentence`` a span may be, by start and end (the countries it names, for a
    question asking which country; None: anywhere). None when the sentence has no such span."""
    words = _words(sentence, known)
    dated_elsewhere = False
    if within is not None:
        spans = _covering(words, within)
    elif kind in COUNT_KINDS:
        spans = _number_spans(words, share=kind is Kind.SHARE, money=kind is Kind.MONEY)
        # A number dated to the question's month (or to none) is preferred; one dated elsewhere
        # stays only when it is all the sentence offers, and says so.
        undated = [span for span in spans if not _dated_to_another_month(words, span, months)]
        dated_elsewhere = bool(spans) and not undated
        spans = undated or spans
    elif kind is Kind.WHEN:
        spans = _date_spans(words)
    else:
        spans = _novel_runs(words, MAX_WORDS.get(kind, DEFAULT_MAX_WORDS), kind is not Kind.WHY)
    if not spans:
        return None
    first, last = max(spans, key=lambda span: (_closeness(words, span, head, kind), -span[0]))
    before = words[first - 1].terms if first else ()
    touches_head = bool(head) and (head in before or head in words[last].terms)
    fit = 0.5 * touches_head + 0.5 / (1 + _distance(words, (first, last)))
    rare = peak = 0.0
    if rarity is not None and kind in NAMED_KINDS:
        # The text may be a rarer run further off; how plainly the sentence answers stays as placed.
        weigh: Rarity = rarity

        def placed(span: tuple[int, int]) -> tuple[float, int]:
            return _closeness(words, span, head, kind) + RARITY_WEIGHT * _rarity(words, span, weigh), -span[0]

        first, last = max(spans, key=placed)
        rare = _rarity(words, (first, last), weigh)
        peak = max(_word_rarities(words, (first, last), weigh), default=0.0)
    after_head = bool(head) and _after_head(words, first, head)
    if first < last and words[first].norm in _YEAR_WORDS and _YEAR.fullmatch(words[first + 1].norm):
        first += 1  # the year answers "في أي عام"; the word for year is the question's
    return Span(sentence[words[first].start : words[last].end], fit, rare, peak, dated_elsewhere, after_head)


def sentence_words(sentence: str) -> list[str]:
    """The words of ``sentence`` as the short answer reads them (punctuation split off)."""
    return _TOKEN.findall(sentence)


def _words(sentence: str, known: Known) -> list[_Word]:
    words = []
    previous_end = 0
    for match in _TOKEN.finditer(sentence):
        norm = normalize_arabic(match.group())
        terms = tuple(analyze(match.group()))
        holds = known(norm, terms)
        if not holds and match.group().endswith(_ACCUSATIVE):  # "اجتماعاً" is the question's "اجتماعها"
            holds = known(norm[:-1], tuple(analyze(norm[:-1])))
        after_break = bool(_BREAK.search(sentence[previous_end : match.start()]))
        words.append(_Word(match.group(), match.start(), match.end(), norm, terms, holds, after_break))
        previous_end = match.end()
    return words


def _is_number(word: _Word) -> bool:
    return bool(_NUMBER.fullmatch(word.norm)) or _strip_clitic(word.norm) in _NUMBER_WORDS


def _strip_clitic(norm: str) -> str:
    return norm[1:] if len(norm) > 3 and norm[0] in "وبل" else norm


def _number_spans(words: list[_Word], share: bool, money: bool = False) -> list[tuple[int, int]]:
    """A number the question lacks, with its scale and unit: "3.5 مليار عام", "246 شخصا". A share
    is a number given in percent, money a number in a currency ("25 مليون يورو", not "70 عاما");
    a year standing alone ("منذ 2005") is never a count or a share."""
    spans = []
    for i, word in enumerate(words):
        if not _is_number(word) or word.known or (i and _is_month(words[i - 1])):
            continue
        end = i
        if end + 1 < len(words) and words[end + 1].norm in _SCALES and not words[end + 1].after_break:
            end += 1
        unit = words[end + 1] if end + 1 < len(words) else None
        if unit and unit.terms and not unit.after_break and not _is_number(unit) and not _is_month(unit):
            end += 1
        if share:
            percent_end = _percent_end(words, i)
            if percent_end is None:
                continue
            end = max(end, percent_end)
        if end == i and _YEAR.fullmatch(word.norm):
            continue
        if money and not any(w.norm.lower() in _CURRENCIES for w in words[i : end + 1]):
            continue
        spans.append((i, end))
    return spans


def _dated_to_another_month(words: list[_Word], span: tuple[int, int], months: frozenset[str]) -> bool:
    """Whether the words beside a number, within its clause, date it to a month the question does
    not name: "68% خلال شهر سبتمبر" does not answer June's inflation, nor "463 مليون دولار في مارس"
    June's revenue."""
    if not months:
        return False
    first, last = span
    beside: list[_Word] = []
    for i in range(last + 1, min(len(words), last + 1 + DATING_WINDOW)):
        if words[i].after_break:
            break
        beside.append(words[i])
    for i in range(first - 1, max(-1, first - 1 - DATING_WINDOW), -1):
        if words[i + 1].after_break:
            break
        beside.append(words[i])
    dated = set().union(*(_month_names(w.text) for w in beside if _is_month(w)))
    return bool(dated) and not dated & months


def _percent_end(words: list[_Word], i: int) -> int | None:
    """Where the number at ``i`` ends when it is given in percent ("60.93%", "60.93 بالمئة",
    "10,8 في المئة", "44.5 per cent"); None when it is not."""
    if words[i].norm.endswith("%"):
        return i
    following = [w.norm for w in words[i + 1 : i + 3] if not w.after_break] + ["", ""]
    if following[0] in _PERCENT:
        return i + 1
    if following[0] in ("في", "per") and following[1] in _PER_HUNDRED:
        return i + 2
    return None


def _is_month(word: _Word) -> bool:
    return any(part in _MONTHS for part in word.norm.split("/")) or _strip_clitic(word.norm) in _MONTHS


def _is_dateish(word: _Word) -> bool:
    if _is_month(word) or word.norm in _DATE_WORDS or word.norm in _ORDINAL_DAYS:
        return True
    return bool(re.fullmatch(r"\d{1,4}", word.norm))


def _date_spans(words: list[_Word]) -> list[tuple[int, int]]:
    """Runs of date words holding a month or a year the question lacks: "24 أغسطس", "بداية 2019"."""
    spans = []
    i = 0
    while i < len(words):
        if not _is_dateish(words[i]):
            i += 1
            continue
        j = i
        while j + 1 < len(words) and _is_dateish(words[j + 1]) and not words[j + 1].after_break:
            j += 1
        while j > i and words[j].norm in _DATE_WORDS and not _is_month(words[j]):
            j -= 1  # a run ends on its month, day or year, not on "من" or "شهر"
        run = words[i : j + 1]
        anchored = any(_is_month(w) or _YEAR.fullmatch(w.norm) for w in run)
        if anchored and not all(w.known for w in run if _is_month(w) or w.norm.isdigit()):
            spans.append((i, j))
        i = j + 1
    return spans


def _novel_runs(words: list[_Word], max_words: int, kind_is_name: bool) -> list[tuple[int, int]]:
    """Runs of content words the question lacks, cut at punctuation and at the question's words."""
    spans = []
    start = None
    for i, word in enumerate([*words, None]):
        ends_run = (
            word is None
            or word.known
            or word.after_break
            or not _is_content(word)
            or (kind_is_name and word.norm.startswith(_PHRASE_OPENERS))
        )
        if start is not None and (ends_run or i - start >= max_words):
            spans.append((start, i - 1))
            start = None
        if word is not None and start is None and _is_content(word) and not word.known:
            start = i
    return spans


def _covering(words: list[_Word], places: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """For each place (start and end in the sentence), the words written there."""
    spans = []
    for start, end in places:
        inside = [i for i, w in enumerate(words) if w.end > start and w.start < end]
        if inside:
            spans.append((inside[0], inside[-1]))
    return spans


def _is_content(word: _Word) -> bool:
    return bool(word.terms) and word.norm not in _FILLER and not _NUMBER.fullmatch(word.norm)


def _closeness(words: list[_Word], span: tuple[int, int], head: str, kind: Kind) -> float:
    """How well placed a span is: right after the question's words (a name follows its title:
    "رئيس الوزراء المالطي جوزيف موسكات"), not opening the sentence (news sentences open on a verb)."""
    first, last = span
    known = [i for i, w in enumerate(words) if w.known]
    before = [first - i - 1 for i in known if i < first]
    after = [i - last - 1 for i in known if i > last]
    score = 0.0
    if before:
        score += 2.0 / (1 + min(before))
    if after:
        score += 1.0 / (1 + min(after))
    if first == 0:
        score -= 1.0
    if head and ((first and head in words[first - 1].terms) or head in words[last].terms):
        score += 2.0  # "في مدينة ليدردروب", or a number's unit: "387 شخصا" for "كم شخصا"
    after_locative = first and words[first - 1].norm in _LOCATIVES and not words[first].after_break
    if kind is Kind.WHERE and not head and after_locative:
        score += LOCATIVE_BONUS
    return score


def _after_head(words: list[_Word], first: int, head: str) -> bool:
    """Whether the span starting at ``first`` follows the question's content words that open on
    its head, unbroken by punctuation or a stop word ("مضيفة في شركة" is no title)."""
    i = first - 1
    while i >= 0 and words[i].known and words[i].terms and not words[i + 1].after_break:
        if head in words[i].terms:
            return True
        i -= 1
    return False


def _rarity(words: list[_Word], span: tuple[int, int], rarity: Rarity) -> float:
    """The mean rarity of the span's words."""
    values = _word_rarities(words, span, rarity)
    return sum(values) / len(values) if values else 0.0


def _word_rarities(words: list[_Word], span: tuple[int, int], rarity: Rarity) -> list[float]:
    """The rarity of each of the span's words, each as rare as its commonest search term."""
    first, last = span
    return [min(map(rarity, w.terms)) for w in words[first : last + 1] if w.terms]


def _distance(words: list[_Word], span: tuple[int, int]) -> int:
    """Words between the span and the nearest word the question holds; the sentence's length when none."""
    first, last = span
    gaps = [
        first - i - 1 if i < first else i - last - 1 for i, w in enumerate(words) if w.known and not first <= i <= last
    ]
    return min(gaps, default=len(words))
