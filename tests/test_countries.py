"""assistant.countries: the countries a text names, from CLDR's names, in Arabic and English."""

from assistant.countries import countries


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
