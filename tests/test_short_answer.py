"""Question kinds and short answers, on plain strings (no model)."""

import pytest

from assistant.countries import countries, country_spans
from assistant.question_kind import Kind, asks_country, offers_choice, question_head, question_head_word, question_kind
from assistant.short_answer import find_span, question_months
from eval.datasets import xquad
from eval.span_check import archive_rarity, fit_rarity, gold_sentences, known_from
from ingest.arabic import analyze, normalize_arabic


def short_answer(*args, **kwargs) -> str:  # noqa: ANN002, ANN003 - find_span's own parameters
    """``find_span``'s text, or "" when the sentence holds no span of that kind."""
    span = find_span(*args, **kwargs)
    return span.text if span else ""


@pytest.mark.parametrize(
    ("question", "language", "kind"),
    [
        ("كم شخصاً قُتلوا في الهجمات على السويداء؟", "ar", Kind.NUMBER),
        ("متى أوقفت الشرطة البريطانية حارس منتخب فرنسا؟", "ar", Kind.WHEN),
        ("في أي عام حصل المحقق على الجائزة؟", "ar", Kind.WHEN),
        ("في أي مدينة هولندية وُلد مدافع أياكس؟", "ar", Kind.WHERE),
        ("من رئيس الوزراء المالطي الذي انتقد القبطان؟", "ar", Kind.WHO),
        ("لماذا مُدّدت ولاية البرلمان اللبناني؟", "ar", Kind.WHY),
        ("Who headed the Suez Canal Authority when the canal reported record revenues?", "en", Kind.WHO),
        ("How many passengers were on board the flight?", "en", Kind.NUMBER),
        ("In what year was the station launched?", "en", Kind.WHEN),
        ("At which Bangkok railway station was she hit by a train?", "en", Kind.WHERE),
        # A person by what they are: who, whatever stands between ("Manchester City" is no city asked for).
        ("Which Manchester City assistant coach was a candidate to succeed Wenger?", "en", Kind.WHO),
        ("Which Mauritanian interior minister attended the opening?", "en", Kind.WHO),
        ("أي مخرج إيراني افتُتح المهرجان بفيلمه؟", "ar", Kind.WHO),
        ("What did the man eat before the contest?", "en", Kind.WHAT),  # "man" is the verb's subject
        ("Which general election did the party win?", "en", Kind.WHAT),
        ("What was the official voter turnout in the election?", "en", Kind.SHARE),
        ("كم بلغت قيمة الصفقة بين الشركتين؟", "ar", Kind.MONEY),
        ("ما قيمة البند الذي يتيح للمدرب فسخ عقده؟", "ar", Kind.MONEY),
        ("How much did the club pay to sign the goalkeeper?", "en", Kind.MONEY),
        ("How much rain fell on the island?", "en", Kind.NUMBER),
        ("ما اسم الماسة الزرقاء التي بيعت في المزاد؟", "ar", Kind.WHO),  # a name, whatever it names
        ("ما هو اسم الحقل الذي سيُنقل غازه إلى مصر؟", "ar", Kind.WHO),
        ("What is the name of the drug the WHO praised?", "en", Kind.WHO),
    ],
)
def test_question_kind_follows_the_first_question_word(question: str, language: str, kind: Kind):
    assert question_kind(question, language) is kind


@pytest.mark.parametrize(
    ("question", "head"),
    [
        ("Off which Croatian island did a cargo ship sink?", "island"),
        ("Which two Toyota hybrid models are covered by the recall?", "models"),
        ("Which television series made the actress famous?", "series"),
        ("Which Canadian scientist shared the prize?", "scientist"),
        ("For which school grade was the textbook printed?", "grade"),
        ("What did the candidate study?", ""),
    ],
)
def test_an_english_questions_head_is_the_last_noun_before_its_verb(question: str, head: str):
    assert question_head_word(question, "en") == head


def test_a_number_question_gets_the_number_with_its_unit_not_the_year_it_mentions():
    question = "كم شخصاً على الأقل قُتلوا في الهجمات على السويداء في يوليو 2018؟"
    sentence = "وقتل 246 شخصا على الأقل في الهجمات التي شنها التنظيم على السويداء في يوليو 2018."
    assert short_answer(sentence, Kind.NUMBER, known_from(question)) == "246 شخصا"


def test_a_share_is_a_number_in_percent_and_a_lone_year_is_no_answer():
    question = "ما نسبة المشاركة في الانتخابات التشريعية التي جرت في 12 مايو 2018؟"
    assert question_kind(question, "ar") is Kind.SHARE
    given = "وبلغت نسبة المشاركة 44.5 بالمئة في الانتخابات التي شارك فيها 329 مرشحا."
    assert short_answer(given, Kind.SHARE, known_from(question)) == "44.5 بالمئة"
    iraq = "وتبلغ نسبة البطالة بين العراقيين رسميا 10,8 في المئة."
    assert short_answer(iraq, Kind.SHARE, known_from("ما نسبة البطالة بين العراقيين؟")) == "10,8 في المئة"
    near_miss = "وشهدت الانتخابات أدنى نسبة إقبال منذ 2005."
    assert short_answer(near_miss, Kind.SHARE, known_from(question)) == ""
    assert short_answer(near_miss, Kind.NUMBER, known_from(question)) == ""


def test_a_money_question_gets_an_amount_in_a_currency_not_another_number():
    question = "كم أنفق أئمة المساجد على ترميم تمثال لينين؟"
    assert question_kind(question, "ar") is Kind.MONEY
    restored = "وأنفق الأئمة 3 آلاف دولار على ترميم التمثال الذي أقيم قبل 70 عاما."
    assert short_answer(restored, Kind.MONEY, known_from(question)) == "3 آلاف دولار"
    near_miss = "وظل التمثال في الساحة 70 عاما قبل أن يزال."  # a number, but no amount of money
    assert short_answer(near_miss, Kind.MONEY, known_from(question)) == ""
    assert short_answer(near_miss, Kind.NUMBER, known_from(question)) == "70 عاما"


def test_a_number_dated_to_another_month_than_the_questions_is_marked_and_the_asked_month_preferred():
    question = "كم بلغ معدل التضخم السنوي في السودان في شهر يونيو 2018؟"
    june = question_months(question)
    assert june == {"june"} == question_months("What was Sudan's inflation rate in June 2018?")
    assert question_months("How many people may have died?") == set()  # "may", not May
    may = "وقال الجهاز إن معدل التضخم بلغ 60.93 بالمئة في مايو."
    span = find_span(may, Kind.SHARE, known_from(question), months=june)
    assert span is not None and span.text == "60.93 بالمئة" and span.dated_elsewhere
    assert not find_span(may, Kind.SHARE, known_from(question)).dated_elsewhere  # no month asked
    assert not find_span(may, Kind.SHARE, known_from(question), months=frozenset({"may"})).dated_elsewhere
    months = "وبلغ التضخم 58 بالمئة في أيار/مايو، ثم 63.3 بالمئة في حزيران/يونيو."
    span = find_span(months, Kind.SHARE, known_from(question), months=june)
    assert span is not None and span.text == "63.3 بالمئة" and not span.dated_elsewhere


def test_a_scale_word_stays_with_its_number():
    question = "ما عمر الصخور التي عثر فيها الروبوت على مركبات عضوية؟"
    sentence = "وعثر الروبوت على المركبات في صخور يبلغ عمرها 3.5 مليار عام في فوهة غيل."
    assert short_answer(sentence, Kind.NUMBER, known_from(question)) == "3.5 مليار عام"


def test_a_when_question_gets_the_date_the_question_lacks():
    question = "متى أوقفت الشرطة البريطانية حارس منتخب فرنسا هوغو لوريس في 2018؟"
    sentence = "أوقفت الشرطة البريطانية هوغو لوريس في 24 أغسطس وهو يقود سيارته."
    assert short_answer(sentence, Kind.WHEN, known_from(question)) == "24 أغسطس"


def test_a_year_is_given_without_the_word_for_year_and_a_season_keeps_its_word():
    question = "في أي عام حصل المحقق عبد السلام هارون على جائزة الملك فيصل؟"
    sentence = "وحصل عبد السلام هارون على جائزة الملك فيصل العالمية عام 1981 تقديرا لأعماله."
    head = question_head(question, "ar")
    assert short_answer(sentence, Kind.WHEN, known_from(question), head) == "1981"
    assert short_answer("ويتوقع توفير الخدمات بداية 2019.", Kind.WHEN, known_from("متى تفتح المراكز؟")) == "بداية 2019"


def test_a_name_is_the_run_after_the_title_the_question_asks_about():
    question = "من رئيس الوزراء المالطي الذي اعتبر أن القبطان انتهك القوانين الدولية؟"
    sentence = "واعتبر رئيس الوزراء المالطي جوزيف موسكات أن القبطان انتهك القوانين الدولية."
    head = question_head(question, "ar")
    assert short_answer(sentence, Kind.WHO, known_from(question), head) == "جوزيف موسكات"


def test_a_span_after_the_questions_title_says_so_and_a_preposition_ends_the_title():
    question = "من وزير التخطيط العراقي الذي قدر تكلفة إعادة الإعمار؟"
    head = question_head(question, "ar")
    titled = find_span("وأوضح وزير التخطيط سلمان الجميلي أن التكلفة كبيرة.", Kind.WHO, known_from(question), head)
    assert titled is not None and titled.text == "سلمان الجميلي" and titled.after_head
    lead = find_span("وقالت وزارة التخطيط إن العراق شهد دمارا كبيرا.", Kind.WHO, known_from(question), head)
    assert lead is not None and not lead.after_head
    question = "ما اسم مضيفة الطيران التي سقطت في المطار؟"
    head = question_head(question, "ar")
    span = find_span("سقطت مضيفة في شركة الخطوط الهندية في المطار.", Kind.WHO, known_from(question), head)
    assert span is not None and not span.after_head


def test_a_who_question_takes_the_rare_run_a_name_over_the_common_words_beside_the_question():
    question = "من كان المستقبل في تحويل النقطتين الناجح؟"
    sentence = "ثم سجل أندرسون من ركضة هدف 2 ياردة وأكمل مانينغ تمريرة إلى بيني فاولر لتحويل بنقطتين."
    common = {t for t in analyze("ركضة هدف ياردة سجل أكمل تمريرة")}
    rarity = lambda term: 0.3 if term in common else 0.9  # noqa: E731 - as an archive's idf would have it
    assert short_answer(sentence, Kind.WHO, known_from(question)) == "ركضة هدف"  # beside "تحويل"
    assert short_answer(sentence, Kind.WHO, known_from(question), rarity=rarity) == "بيني فاولر"
    assert short_answer(sentence, Kind.NUMBER, known_from("كم ياردة ركض أندرسون؟"), rarity=rarity) == "2 ياردة"
    # The span carries its rarity: evidence that the sentence names someone, not only a word beside the question.
    named = find_span(sentence, Kind.WHO, known_from(question), rarity=rarity)
    unnamed = find_span("ثم سجل ركضة هدف تحويل بنقطتين.", Kind.WHO, known_from(question), rarity=rarity)
    assert named and unnamed and named.rarity == pytest.approx(0.9) and unnamed.rarity == pytest.approx(0.3)
    assert named.peak_rarity == pytest.approx(0.9) and unnamed.peak_rarity == pytest.approx(0.3)
    common |= set(analyze("اللاعب"))
    titled = find_span("ثم سجل اللاعب بيني تحويل بنقطتين.", Kind.WHO, known_from(question), rarity=rarity)
    assert titled and titled.text == "سجل اللاعب بيني"
    assert titled.rarity == pytest.approx(0.5) and titled.peak_rarity == pytest.approx(0.9)  # the name's word
    assert find_span(sentence, Kind.WHO, known_from(question)).rarity == 0.0  # type: ignore[union-attr] - not weighed


def test_a_place_follows_the_noun_the_question_names():
    question = "في أي مدينة هولندية وُلد مدافع أياكس نصير مزراوي؟"
    sentence = "وولد مزراوي في مدينة ليدردروب لأبوين مغربيين، وسيلعب أول مبارة له في صفوف المنتخب المغربي."
    head = question_head(question, "ar")
    assert head == analyze("مدينة")[0]
    assert short_answer(sentence, Kind.WHERE, known_from(question), head) == "ليدردروب"


def test_a_where_question_without_a_noun_gets_the_place_after_its_preposition():
    question = "أين ولد فريدريش راتزل؟"
    sentence = "وُلد فريدريش راتزل عام 1844 في كارلسروه بألمانيا، ودرس علم الحيوان."
    assert short_answer(sentence, Kind.WHERE, known_from(question)) == "كارلسروه"


@pytest.mark.parametrize(
    ("question", "language", "asks"),
    [
        ("في أي بلد يوجد معظم غابة الأمازون؟", "ar", True),
        ("ما هي الدولة التي تحوي معظم غابة الأمازون؟", "ar", True),
        ("قبالة سواحل أي دولة اعترضت قوات الأمن اليخت؟", "ar", True),
        ("في أي بلدة عمانية سجلت أعلى درجة حرارة؟", "ar", False),  # a town
        ("Which nation contains the majority of the Amazon forest?", "en", True),
        ("What nationality is Hoesung Lee?", "en", True),
        ("In which Thai province are the caves?", "en", False),
    ],
)
def test_a_question_asking_which_country_is_told_from_one_asking_another_place(question, language, asks):
    assert asks_country(question, language) is asks


@pytest.mark.parametrize(
    ("question", "language", "offers"),
    [
        ("هل بقيت الأشرطة ملونة أم بالأبيض والأسود؟", "ar", True),
        ("هل ربح الأهلي أم الزمالك؟", "ar", True),
        ("من أعلن أن الحكومة ستخصص أموالا؟", "ar", False),
        ("Did the tapes have colour or did they remain black and white?", "en", True),
        ("Who ordered the new tapes?", "en", False),
        ("What did Christina and Mark Rotondo offer their son?", "en", False),  # "Mark", not "or"
    ],
)
def test_a_question_offering_alternatives_is_told_apart(question, language, offers):
    assert offers_choice(question, language) is offers


def test_a_country_question_gets_a_country_the_question_does_not_name():
    """The coalition "led by Saudi Arabia" struck in Yemen: the span is a country the sentence names
    and the question does not, wherever it stands, and none when the sentence names no other."""
    question = "في أي بلد شن التحالف بقيادة السعودية غارات على مطار الحديدة؟"
    sentence = "شن التحالف بقيادة السعودية غارات على مطار الحديدة غربي اليمن، وفق مصادر محلية."
    places = [(start, end) for start, end, code in country_spans(sentence) if code not in countries(question)]
    kind = question_kind(question, "ar")
    assert short_answer(sentence, kind, known_from(question)) != "اليمن"  # without the places: the next new words
    span = find_span(sentence, kind, known_from(question), within=places)
    assert span and span.text == "اليمن"
    only_asked = "شن التحالف بقيادة السعودية غارات على مطار الحديدة."
    assert find_span(only_asked, kind, known_from(question), within=[]) is None


def test_a_word_in_the_accusative_is_the_questions_own_word():
    question = "أين عقدت جماعة خراسان اجتماعها السري؟"
    sentence = 'عقدت "جماعة خُراسان" في سوريا اجتماعاً سرياً أوائل الشهر الحالي في حلب، لدمج الجماعات.'
    assert short_answer(sentence, Kind.WHERE, known_from(question)) == "سوريا"  # not "سوريا اجتماعاً سرياً…"


def test_a_sentence_without_the_kind_asked_for_has_no_short_answer():
    question = "كم بلغ معدل التضخم في السودان؟"
    sentence = "وارتفع معدل التضخم في السودان بسبب ارتفاع أسعار الغذاء."
    assert short_answer(sentence, Kind.NUMBER, known_from(question)) == ""


def test_the_span_check_pairs_each_question_with_a_sentence_holding_its_gold():
    pairs = list(gold_sentences(xquad()))
    assert len(pairs) > 550  # of 612 Arabic questions; the rest were reworded in translation
    assert all(any(normalize_arabic(g) in normalize_arabic(s) for g in item["answers"]) for item, s in pairs)


def test_the_archives_rarity_ranks_a_name_above_a_common_word_and_the_weight_is_fitted_two_fold(capsys):
    rarity = archive_rarity(xquad())
    common, name = (rarity(analyze(word)[0]) for word in ("الفريق", "مانينغ"))
    assert 0 < common < name <= 1.0
    fit_rarity([("xquad", list(gold_sentences(xquad()))[:80], rarity)])
    out = capsys.readouterr().out
    assert out.count("chose") == 2 and "held-out xquad" in out
