"""English names matched to their Arabic spellings, and the lexical leg English questions get."""

from conftest import SAMPLE_ID

from assistant import Assistant
from ingest.arabic import analyze
from ingest.transliteration import NameLexicon, distance, latin_sound

ARCHIVE_WORDS = ["ماتلين", "الممثلين", "للنورمان", "نورمان", "جاريد", "تسلا", "الجولاني", "بالبانثرز", "كانت"]


def test_name_finds_its_arabic_spelling_and_not_a_word_with_the_same_consonants():
    lexicon = NameLexicon.from_words(ARCHIVE_WORDS)
    assert lexicon.spellings("Matlin") == ["ماتلين"]  # الممثلين has the consonants m-t-l-n too
    assert lexicon.spellings("Norman") == ["للنورمان", "نورمان"]  # with and without a clitic
    assert lexicon.spellings("Tesla") == ["تسلا"]
    assert lexicon.spellings("Jawlani") == ["الجولاني"]
    assert lexicon.spellings("Panthers") == ["بالبانثرز"]
    assert lexicon.spellings("Obama") == []


def test_th_is_spelled_either_way():
    lexicon = NameLexicon.from_words(["سوذبي", "سميث", "تام", "دام"])
    assert lexicon.spellings("Smith") == ["سميث"]
    assert lexicon.spellings("Sotheby") == ["سوذبي"]
    assert lexicon.spellings("Tham") == ["تام"]  # ذ only where no ث or ت spelling is found


def test_a_final_taa_marbuta_reads_as_a():
    # النصرة as normalised. ناشرا ("publisher") shares its skeleton; read with a silent ه it was
    # closer to "Nusra" than النصره and the only spelling found.
    lexicon = NameLexicon.from_words(["النصره", "ناشرا"])
    assert "النصره" in lexicon.spellings("Nusra")


def test_among_equally_close_spellings_the_letter_a_latin_s_or_g_stands_for_wins():
    # نظرا ("considering") and نشره ("its publishing") share the s-class skeleton and the vowels
    # of نصرا; only ص and س are what "s" spells. غ and ج are both "g"; ق is not.
    lexicon = NameLexicon.from_words(["النصره", "نظرا", "نشره", "اردوغان", "اردوقان"])
    assert lexicon.spellings("Nusra") == ["النصره"]
    assert lexicon.spellings("Erdogan") == ["اردوغان"]


def test_vowels_are_forgiven_consonants_are_not():
    assert distance(latin_sound("Denver"), "dnfr") == 0.8  # two short vowels Arabic does not write
    assert distance("mAtlIn", "mmtlIn") > distance("mAtlIn", "mAtlIn")
    assert distance("KAnt", "KAtt") == 1.0  # n -> t is a consonant change
    assert distance("KAn", "KIn") == 0.4


def test_arabic_query_keeps_numbers_and_names_drops_english_words():
    lexicon = NameLexicon.from_words(ARCHIVE_WORDS)
    query = lexicon.arabic_query("How many interceptions did the Panthers record in 2015, and what did Norman say?")
    assert query.split() == ["بالبانثرز", "2015", "للنورمان", "نورمان"]
    assert lexicon.arabic_query("what did they say?") == ""


def test_english_question_searches_the_lexical_leg_with_the_arabic_spelling(archive: Assistant):
    question = "What did Abu Mohammad al-Jawlani tell the meeting?"
    assert "الجولاني" in archive.retriever.lexical.names.arabic_query(question).split()
    lexical = archive.retriever.search(question, mode="lexical")
    assert lexical and lexical[0].article_id == SAMPLE_ID
    assert archive.retriever.search("What did they tell the meeting?", mode="lexical") == []


def test_an_english_questions_country_is_weighed_by_its_arabic_name_and_not_searched(archive: Assistant):
    query = archive.retriever.query("What was the official voter turnout in Lebanon's election?")
    assert "لبنان" not in query.search_terms.split() and "بنان" in query.terms
    # As the archive's analyzer reads it, and read in its adjective too ("الانتخابات اللبنانية").
    assert [set(analyze("لبنان")) | set(analyze("اللبنانية"))] == [set(a) for a in query.anchors]


def test_a_name_opening_on_a_consonant_is_not_spelled_with_a_silent_letter_before_it():
    # عنصرا ("a member") and عناصرها read n-s-r-a once their ع falls silent, as close to "Nusra" as
    # النصرة; they put the Houthis' losses first in an English Nusra question's lexical leg.
    lexicon = NameLexicon.from_words(["النصره", "عنصرا", "عناصرها", "عمران", "حسين"])
    assert lexicon.spellings("Nusra") == ["النصره"]
    assert lexicon.spellings("Imran") == ["عمران"]  # a name opening on a vowel keeps its ع
    assert lexicon.spellings("Hussein") == ["حسين"]  # and on h, which Latin drops as Arabic drops ح
