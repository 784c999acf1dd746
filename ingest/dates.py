"""Arabic news date lines ("الخميس 13 نوفمبر 2014 06:11 ص") and ISO strings to datetimes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

# Egyptian/Gulf month names and their Levantine equivalents, with common spellings.
MONTH_NAMES = (
    ("يناير", "كانون الثاني"),
    ("فبراير", "شباط"),
    ("مارس", "آذار", "اذار"),
    ("أبريل", "ابريل", "إبريل", "نيسان"),
    ("مايو", "أيار", "ايار"),
    ("يونيو", "يونيه", "حزيران"),
    ("يوليو", "يوليه", "تموز"),
    ("أغسطس", "اغسطس", "آب", "اب"),
    ("سبتمبر", "أيلول", "ايلول"),
    ("أكتوبر", "اكتوبر", "تشرين الأول", "تشرين الاول"),
    ("نوفمبر", "تشرين الثاني"),
    ("ديسمبر", "كانون الأول", "كانون الاول"),
)
MONTHS = {name: number for number, names in enumerate(MONTH_NAMES, start=1) for name in names}
WEEKDAYS = ("السبت", "الأحد", "الاحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الاربعاء", "الخميس", "الجمعة")
_MONTH_PATTERN = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
DATE_LINE = re.compile(
    rf"^\s*(?:(?:{'|'.join(WEEKDAYS)})\s*[،,]?\s*)?(\d{{1,2}})\s+({_MONTH_PATTERN})\s+(\d{{4}})"
    r"(?:\s*[-،,]?\s*(\d{1,2}):(\d{2})\s*(ص|م|صباحا|صباحاً|مساء|مساءً)?)?\s*$"
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def parse_arabic_date(line: str) -> datetime | None:
    """The datetime an Arabic date line names, or None when the line is not one."""
    match = DATE_LINE.match(line.translate(_DIGITS))
    if not match:
        return None
    day, month, year, hour, minute, meridiem = match.groups()
    hour_value = int(hour or 0)
    if meridiem and meridiem.startswith("م") and hour_value < 12:
        hour_value += 12
    if meridiem and meridiem.startswith("ص") and hour_value == 12:
        hour_value = 0
    try:
        return datetime(int(year), MONTHS[month], int(day), hour_value, int(minute or 0))
    except ValueError:
        return None


def parse_iso_date(value: str) -> datetime:
    """An ISO 8601 date or datetime; raises ValueError naming the expected form."""
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"date {value!r} is not ISO 8601 (e.g. 2014-11-13 or 2018-02-01T10:00:00+03:00)") from exc


def to_epoch(moment: datetime) -> int:
    """Seconds since 1970; a date without a zone is read as UTC so filters stay stable."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())
