"""assistant.identifiers: a name with a number is one anchor; another number is another thing."""

from assistant.identifiers import contradicts, identifiers

TIANGONG_1 = "وأطلق مختبر تيانقونغ-1 الذي يبلغ طوله 10.4 متر في 2011 للقيام بتجارب التحام."


def test_a_hyphenated_name_with_a_number_is_an_identifier_and_a_score_is_not():
    assert identifiers('في أي عام أطلقت الصين مختبرها الفضائي الثاني "تيانقونغ-2"؟') == (("تيانقونغ", "2"),)
    assert identifiers("How many people flew on AS-206?") == (("as", "206"),)
    assert identifiers("Who fumbled the ball on 3rd-and-9?") == ()
    assert identifiers("كم بلغت الإيرادات في 2017-2018؟") == ()


def test_a_passage_naming_it_with_another_number_only_contradicts_the_question():
    asked = identifiers('في أي عام أطلقت الصين "تيانقونغ-2"؟')
    assert contradicts(TIANGONG_1, asked, cross_lingual=False)
    assert not contradicts(f"{TIANGONG_1} ثم أطلقت تيانقونغ 2 عام 2016.", asked, cross_lingual=False)
    assert not contradicts("ولا تستطيع أجهزة التحكم توجيه المحطة.", asked, cross_lingual=False)  # names neither


def test_across_scripts_the_number_decides():
    assert not contradicts(TIANGONG_1, identifiers("When was Tiangong-1 launched?"), cross_lingual=True)
    assert contradicts(TIANGONG_1, identifiers("When was Tiangong-2 launched?"), cross_lingual=True)
    assert not contradicts("فيروس Covid-19", identifiers("When was Tiangong-2 launched?"), cross_lingual=True)
