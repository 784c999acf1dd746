"""assistant.countries: the countries a text names, from CLDR's names, in Arabic and English."""

from assistant.countries import countries, country_spans, english_countries


def test_a_country_and_its_adjective_are_one_country_in_both_languages():
    assert countries("ضرب زلزال جزيرة مينداناو الفلبينية") == countries("زلزال في الفلبين") == {"PH"}
    assert countries("the Philippine island of Mindanao") == {"PH"}
    assert countries("زلزال لومبوك الإندونيسية") == countries("Indonesian officials") == {"ID"}
    assert countries("أمرت السلطات البحرينية والبحرين") == {"BH"}
    assert countries("How many copies did Kuwait order reprinted?") == {"KW"}
    assert countries("الحكومة الألمانية") == countries("ألمانيا") == {"DE"}


def test_common_words_that_look_like_a_country_are_not_one():
    assert countries("ترك منصبه في المنطقة الغربية ووزارة المالية") == set()  # not Türkiye, W. Sahara, Mali
    assert countries("مضيفة طيران إير إنديا") == set()
    assert countries("may have died") == set()
    assert countries("الجهادي بلجيكي") == set() and countries("الجهادي بلجيكي", loose=True) == {"BE"}


def test_countries_named_in_more_words_or_as_news_names_them():
    """CLDR's official names ("المملكة العربية السعودية") and the shorter ones news use."""
    assert countries("المملكة العربية السعودية") == countries("السعوديين") == countries("Saudi Arabia") == {"SA"}
    assert countries("الإمارات العربية المتحدة") == countries("الشركة الإماراتية") == countries("the UAE") == {"AE"}
    assert countries("الولايات المتحدة") == countries("الجيش الأمريكي") == countries("US officials") == {"US"}
    assert countries("وكوريا الجنوبية") == countries("الرئيس الكوري الجنوبي") == countries("South Korean") == {"KR"}
    assert countries("كوريا الشمالية") == countries("North Korea") == {"KP"}
    assert countries("جنوب السودان") == {"SS"} and countries("ميانمار") == countries("Myanmar") == {"MM"}


def test_a_region_named_after_a_country_or_a_word_like_an_abbreviation_is_none():
    assert countries("دول أمريكا اللاتينية") == countries("Latin American leaders") == set()
    assert countries("Users say: let Us go") == set() and countries("كوريا") == set()  # which Korea?


def test_an_english_country_name_has_its_arabic_names_and_adjectives():
    """A translation: the archive's spellings of "Lebanon" are a transliteration's guesses."""
    (lebanon,) = english_countries("Is Lebanon's turnout up?")
    assert (lebanon.text, lebanon.names, lebanon.adjectives) == ("Lebanon", ("لبنان",), ("اللبناني", "اللبنانيه"))
    assert english_countries("Kuwait")[0].names == ("الكويت",)  # as written, with its article
    assert english_countries("Indonesian")[0].names == ("اندونيسيا",)
    assert english_countries("German")[0].adjectives == ("الالماني", "الالمانيه")  # "أل" is no article here
    assert [c.text for c in english_countries("Microsoft's centres in Saudi Arabia")] == ["Saudi Arabia"]
    assert english_countries("Microsoft said in May") == english_countries("What was Ghandi's work called?") == []


def test_where_a_text_names_each_country_by_name_or_adjective():
    text = "شنت طائرات التحالف بقيادة السعودية غارات على الحديدة في اليمن، وقال الرئيس الكوري الجنوبي."
    assert [(text[start:end], code) for start, end, code in country_spans(text)] == [
        ("السعودية", "SA"),
        ("اليمن،", "YE"),  # a word as written: the short answer cuts off its punctuation
        ("الكوري الجنوبي.", "KR"),
    ]
    english = "The Saudi-led coalition struck Hodeidah in Yemen."
    assert [english[start:end] for start, end, _ in country_spans(english)] == ["Saudi", "Yemen"]
    assert country_spans("ترك منصبه في المنطقة الغربية") == []
