"""eval.near_miss_check: the larger archive's articles that may answer a near miss, ranked by BM25."""

import gzip
import json
from pathlib import Path

from eval.grown_archive import grow
from eval.near_miss_check import main, near_miss_hits

ARCHIVE = [
    ("nobel-chem", "نوبل للكيمياء لثلاثة علماء", "فاز ثلاثة علماء بجائزة نوبل للكيمياء لعام 2018."),
    ("nobel-peace", "نادية مراد ودنيس موكويغي يفوزان بنوبل للسلام", "فازت نادية مراد بجائزة نوبل للسلام لعام 2018."),
    ("weather", "أمطار غزيرة في عمان", "هطلت أمطار غزيرة على العاصمة الأردنية عمان."),
    ("murad", "Nadia Murad", "التقت نادية مراد بالرئيس الفرنسي في باريس."),
]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_near_miss_is_shown_the_archive_articles_that_may_answer_it(tmp_path: Path, capsys):
    articles = [{"id": i, "title": t, "body": b, "lang": "ar"} for i, t, b in ARCHIVE]
    archive = write_jsonl(tmp_path / "archive.jsonl", articles)
    dev = write_jsonl(tmp_path / "dev.jsonl", articles[:1])
    qa = write_jsonl(
        tmp_path / "qa.jsonl",
        [
            {"id": "q1", "question": "من فاز بجائزة نوبل للسلام لعام 2018؟", "lang": "ar", "unanswerable": True},
            {"id": "q2", "question": "Whom did Nadia Murad meet in Paris?", "lang": "en", "unanswerable": True},
            {"id": "q3", "question": "متى هطلت الأمطار في عمان؟", "lang": "ar", "answers": ["أمس"]},
        ],
    )
    found = dict(near_miss_hits(qa, dev, archive, k=2))
    assert list(found) == ["من فاز بجائزة نوبل للسلام لعام 2018؟", "Whom did Nadia Murad meet in Paris?"]
    peace = found["من فاز بجائزة نوبل للسلام لعام 2018؟"]
    assert [h.article_id for h in peace] == ["nobel-peace", "nobel-chem"]
    assert [h.in_dev for h in peace] == [False, True]
    assert found["Whom did Nadia Murad meet in Paris?"][0].article_id == "murad"  # through the name's spelling
    main(["--qa", str(qa), "--dev-corpus", str(dev), "--archive", str(archive), "--k", "1"])
    assert "new nobel-peace" in capsys.readouterr().out


def test_the_grown_archive_adds_each_questions_nearest_articles_to_the_dev_archive(tmp_path: Path):
    articles = [{"id": i, "title": t, "body": b, "lang": "ar"} for i, t, b in ARCHIVE]
    archive = tmp_path / "archive.jsonl.gz"
    with gzip.open(archive, "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(a, ensure_ascii=False) + "\n" for a in articles)
    dev = write_jsonl(tmp_path / "dev.jsonl", articles[:1])
    qa = write_jsonl(
        tmp_path / "qa.jsonl",
        [
            {"id": "q1", "question": "من فاز بجائزة نوبل للسلام لعام 2018؟", "lang": "ar", "unanswerable": True},
            {"id": "q3", "question": "متى هطلت الأمطار في عمان؟", "lang": "ar", "answers": ["أمس"]},
        ],
    )
    grown = tmp_path / "grown.jsonl"
    assert grow(qa, dev, archive, per_question=1, out=grown) == (1, 2)
    ids = [json.loads(line)["id"] for line in grown.read_text(encoding="utf-8").splitlines()]
    assert ids == ["nobel-chem", "nobel-peace", "weather"]  # dev first, once; "murad" shares no search term
    sized = tmp_path / "sized.jsonl.gz"
    assert grow(qa, dev, archive, per_question=1, out=sized, size=4) == (1, 3)  # "murad" fills the last place
    with gzip.open(sized, "rt", encoding="utf-8") as lines:
        assert sorted(json.loads(line)["id"] for line in lines) == ["murad", "nobel-chem", "nobel-peace", "weather"]
