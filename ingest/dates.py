"""Arabic news date lines ("الخميس 13 نوفمبر 2014 06:11 ص") and ISO strings to datetimes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

# Egyptian/Gulf month names and their Levantine equivalents, after normalize_digits.
MONTHS = {
    "يناير": 1,
    "كانون الثاني": 1,
    "فبراير": 2,
    "شباط": 2,
    "مارس": 3,
    "آذار": 3,
    "اذار": 3,
    "أبريل": 4,
    "ابريل": 4,
    "إبريل": 4,
    "نيسان": 4,
    "مايو": 5,
    "أيار": 5,
    "ايار": 5,
    "يونيو": 6,
    "يونيه": 6,
    "حزيران": 6,
    "يوليو": 7,
    "يوليه": 7,
    "تموز": 7,
    "أغسطس": 8,
    "اغسطس": 8,
    "آب": 8,
    "اب": 8,
    "سبتمبر": 9,
    "أيلول": 9,
    "ايلول": 9,
    "أكتوبر": 10,
    "اكتوبر": 10,
    "تشرين الأول": 10,
    "تشرين الاول": 10,
    "نوفمبر": 11,
    "تشرين الثاني": 11,
    "ديسمبر": 12,
    "كانون الأول": 12,
    "كانون الاول": 12,
}
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
