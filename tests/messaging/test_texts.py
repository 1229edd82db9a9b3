"""Segment counting and the segment budget of every template (nl, fr, en: one GSM-7 segment)."""

import datetime

import pytest

from messaging import texts
from messaging.encoding import non_gsm7_characters, sms_size

# Realistic, deliberately long values: a long organisation name, a production link with a real
# 22-character loan-card token (128 bits), a national phone number and the widest date of each language.
REALISTIC = {
    "org": "Dagcentrum Den Teirling",
    "phone": "02 640 00 00",
    "link": "https://lendwise.brussels/l/" + "x" * 22,
    "code": "TNT-8F3K-29QX-7LMA",
    "programme": "Telenet Essential Internet",
    "device": "Chromebook",
}
WIDEST_DATES = [
    datetime.date(2026, 12, 23) + datetime.timedelta(days=n) for n in range(7)
]  # every weekday, two-digit day


def _contexts(template):
    for date in WIDEST_DATES:
        base = {"date": date, "link": REALISTIC["link"]}
        if template == "loan_reminder":
            for offset in (-3, 0, 7):
                yield {**base, "offset": offset}
        elif template == "waitlist_offer":
            yield {**base, "device": REALISTIC["device"]}
        elif template == "code_delivery":
            yield {**base, "code": REALISTIC["code"], "programme": REALISTIC["programme"]}
        else:
            yield base


def assert_fits_one_gsm7_segment(text: str) -> None:
    size = sms_size(text)
    assert size.encoding == "gsm7", f"not GSM-7 because of {non_gsm7_characters(text)}: {text!r}"
    assert size.segments == 1, f"{size.units} characters, over the 160 of one segment: {text!r}"


@pytest.mark.parametrize("template", texts.TEMPLATES)
@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_every_latin_template_fits_one_gsm7_segment_with_realistic_values(template, language):
    for context in _contexts(template):
        body = texts.render(template, language, org=REALISTIC["org"], phone=REALISTIC["phone"], context=context)
        assert_fits_one_gsm7_segment(body)


@pytest.mark.parametrize("template", texts.TEMPLATES)
def test_arabic_templates_are_ucs2_and_their_segments_are_counted(template):
    for context in _contexts(template):
        body = texts.render(template, "ar", org=REALISTIC["org"], phone=REALISTIC["phone"], context=context)
        size = sms_size(body)
        assert size.encoding == "ucs2"
        assert size.segments == -(-size.units // 67)
        assert size.segments <= 3


def test_the_budget_check_fails_a_template_that_would_need_two_segments():
    too_long = texts.TEXTS["loan_reminder.before"]["en"] + " Thank you very much for returning it on time!"
    body = too_long.format(org=REALISTIC["org"], phone=REALISTIC["phone"], link=REALISTIC["link"], date="Thu 3 Dec")
    with pytest.raises(AssertionError, match="over the 160"):
        assert_fits_one_gsm7_segment(body)


def test_the_budget_check_fails_a_character_outside_gsm7():
    with pytest.raises(AssertionError, match="not GSM-7"):
        assert_fits_one_gsm7_segment("Le prêt de votre appareil")


def test_every_template_exists_in_all_four_languages():
    for key, by_language in texts.TEXTS.items():
        assert set(by_language) == {"nl", "fr", "en", "ar"}, key


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("a" * 160, "gsm7", 160, 1),
        ("a" * 161, "gsm7", 161, 2),
        ("a" * 306, "gsm7", 306, 2),
        ("a" * 307, "gsm7", 307, 3),
        ("é è à ù ì ò Ç É ü ñ", "gsm7", 19, 1),  # all in the GSM-7 basic set
        ("€" * 80, "gsm7", 160, 1),  # € is in the extension table: two septets each
        ("€" * 81, "gsm7", 162, 2),
        ("[]{}", "gsm7", 8, 1),
        ("ça", "ucs2", 2, 1),  # lower-case ç is not GSM-7
        ("prêt", "ucs2", 4, 1),
        ("ب" * 70, "ucs2", 70, 1),
        ("ب" * 71, "ucs2", 71, 2),
        ("ب" * 134, "ucs2", 134, 2),
        ("ب" * 135, "ucs2", 135, 3),
        ("🙂", "ucs2", 2, 1),  # a surrogate pair counts as two UCS-2 units
    ],
)
def test_it_counts_encoding_and_segments(text, encoding, units, segments):
    size = sms_size(text)
    assert (size.encoding, size.units, size.segments) == (encoding, units, segments)


def test_dates_are_written_the_local_way():
    thursday = datetime.date(2026, 12, 3)
    assert texts.format_date(thursday, "nl") == "do 3/12"
    assert texts.format_date(thursday, "fr") == "jeu. 3/12"
    assert texts.format_date(thursday, "en") == "Thu 3 Dec"
    assert texts.format_date(thursday, "ar") == "الخميس 3/12"
