"""assistant.countries: the countries a text names, from CLDR's names, in Arabic and English."""

from assistant.countries import arabic_name, countries


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


def test_an_english_country_name_has_its_arabic_name():
    """A translation: the archive's spellings of "Lebanon" are a transliteration's guesses."""
    assert arabic_name("Lebanon") == "لبنان"
    assert arabic_name("Kuwait") == "الكويت"  # as written, with its article
    assert arabic_name("Indonesian") == arabic_name("Indonesia") == "إندونيسيا".replace("إ", "ا")
    assert arabic_name("Microsoft") is None and arabic_name("may") is None
