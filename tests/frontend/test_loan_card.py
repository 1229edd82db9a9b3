"""The participant's loan card /l/<token>: content, languages, renewals, not found, size."""

import datetime

import pytest
from django.test import Client

from loans.choices import RenewalMode
from loans.models import Loan
from organizations.calendar import opening_hours_set
from organizations.models import StaffTask

from .conftest import set_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client()


def test_it_shows_what_the_participant_has_and_until_when(client, lend, device_a, org_a):
    opening_hours_set(
        organization=org_a,
        periods=[{"weekday": day, "opens": datetime.time(9), "closes": datetime.time(16)} for day in range(5)],
    )
    loan = set_due(lend(devices=[device_a]), days_from_today=5)
    response = client.get(f"/l/{loan.public_token}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="fr"' in html and 'dir="ltr"' in html
    assert "Marc" in html and "Dubois" not in html
    assert "OA-0001" in html and "Ordinateur portable" in html
    assert "Il vous reste 5 jours." in html
    assert "+32 2 215 00 00" in html and "Rue de la Loi 1" in html and "lun–ven 09:00–16:00" in html
    assert device_a.serial and device_a.serial not in html  # no serial number (not "SN": tokens are random)
    assert "<script" not in html


def test_it_says_in_plain_words_when_the_loan_is_late(client, lend):
    loan = set_due(lend(), days_from_today=-3)
    html = client.get(f"/l/{loan.public_token}?lang=en").content.decode()
    assert "3 days late." in html and "There is no fine" in html


@pytest.mark.parametrize(
    ("lang", "direction", "phrase"),
    [("nl", "ltr", "Breng het morgen terug."), ("en", "ltr", "Bring it back tomorrow."), ("ar", "rtl", "أعده غدًا")],
)
def test_the_language_picker_changes_the_language_and_is_remembered(client, lend, lang, direction, phrase):
    loan = set_due(lend(), days_from_today=1)
    response = client.get(f"/l/{loan.public_token}?lang={lang}")
    html = response.content.decode()
    assert f'<html lang="{lang}" dir="{direction}">' in html
    assert phrase in html
    assert response["Content-Language"] == lang
    again = client.get(f"/l/{loan.public_token}")  # the cookie keeps the choice
    assert f'<html lang="{lang}"' in again.content.decode()


def test_the_participants_preferred_language_is_the_default(client, lend, participant_a):
    participant_a.preferred_language = "ar"
    participant_a.save()
    loan = lend()
    assert 'dir="rtl"' in client.get(f"/l/{loan.public_token}").content.decode()


@pytest.mark.parametrize("token", ["not-a-token", "x" * 80])
def test_an_unknown_token_gives_a_friendly_404_in_the_chosen_language(client, token):
    response = client.get(f"/l/{token}?lang=nl")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'lang="nl"' in html and "We vinden deze leenkaart niet" in html


def test_a_revoked_token_is_not_found(client, lend, staff_of_org_a):
    from loans.services import loan_token_revoke

    loan = lend()
    loan_token_revoke(loan=loan, by=staff_of_org_a)
    response = client.get(f"/l/{loan.public_token}?lang=ar")
    assert response.status_code == 404
    assert 'dir="rtl"' in response.content.decode()


def test_renewing_automatically_moves_the_due_date(client, lend, policy_a):
    policy_a.renewal_mode = RenewalMode.AUTOMATIC
    policy_a.save()
    loan = lend()
    before = loan.due_on
    html = client.get(f"/l/{loan.public_token}?lang=en").content.decode()
    assert "Renew my loan" in html
    response = client.post(f"/l/{loan.public_token}/renew?lang=en")
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.renewals_count == 1 and loan.due_on > before
    assert "Done: you have more time." in client.get(response["Location"]).content.decode()


def test_asking_for_renewal_makes_one_staff_task_however_often_pressed(client, lend):
    loan = lend()
    assert "Ask for more time" in client.get(f"/l/{loan.public_token}?lang=en").content.decode()
    for _i in range(2):
        assert client.post(f"/l/{loan.public_token}/renew").status_code == 302
    loan.refresh_from_db()
    assert loan.renewals_count == 0
    assert StaffTask.objects.filter(organization=loan.organization, participant=loan.participant).count() == 1


def test_no_renew_button_when_no_renewals_are_left_and_a_post_is_refused(client, lend):
    loan = lend()
    Loan.objects.filter(pk=loan.pk).update(renewals_count=loan.max_renewals)
    html = client.get(f"/l/{loan.public_token}?lang=en").content.decode()
    assert "Renew my loan" not in html and "Ask for more time" not in html
    response = client.post(f"/l/{loan.public_token}/renew?lang=en")
    assert response.status_code == 409
    assert "cannot be renewed again" in response.content.decode()
    assert not StaffTask.objects.exists()


def test_a_closed_loan_says_so(client, lend, staff_of_org_a):
    from loans.services import loan_return

    loan = lend()
    loan_return(loan=loan, by=staff_of_org_a)
    html = client.get(f"/l/{loan.public_token}?lang=en").content.decode()
    assert "This loan is closed" in html


def test_the_page_is_small_and_self_contained(client, lend):
    loan = lend()
    response = client.get(f"/l/{loan.public_token}?lang=ar")
    assert len(response.content) < 30 * 1024
    html = response.content.decode()
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html
    assert '<link rel="stylesheet"' not in html and "<img" not in html and "<script" not in html


def test_the_card_takes_no_more_queries_than_its_json(client, lend):
    """The page renders the JSON payload: the participant's codes and cheques are fetched once, not twice; the
    page alone asks whether a renewal request is pending (one query, by the task's key)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    loan = lend()
    counts = []
    for url in (f"/l/{loan.public_token}", f"/api/v1/public/loans/{loan.public_token}/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] - 1 == counts[1] <= 5  # the loan, its items, the organisation's hours, codes, cheques


def test_one_day_late_has_its_own_sentence(client, lend):
    loan = set_due(lend(), days_from_today=-1)
    assert "Un jour de retard." in client.get(f"/l/{loan.public_token}?lang=fr").content.decode()


def test_the_arabic_catalogue_holds_the_participant_pages_only():
    from pathlib import Path

    import polib

    import frontend
    import inventory

    # The device kinds' words live in inventory (inventory/texts.py), the card's own words in frontend.
    catalogues = [
        polib.pofile(str(Path(app.__file__).parent / "locale/ar/LC_MESSAGES/django.po"))
        for app in (frontend, inventory)
    ]
    msgids = {entry.msgid for catalogue in catalogues for entry in catalogue}
    assert {"Renew my loan", "We cannot find this loan card", "Laptop"} <= msgids
    assert not msgids & {"Check out", "Your grants", "Log in"}
    assert all(entry.translated() for catalogue in catalogues for entry in catalogue)


def test_the_card_is_rate_limited_per_address_with_a_friendly_page(client, lend, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "public_token", "3/minute")
    loan = lend()
    statuses = [client.get(f"/l/{loan.public_token}?lang=nl").status_code for _i in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.post(f"/l/{loan.public_token}/renew?lang=nl")
    assert response.status_code == 429 and "Even geduld" in response.content.decode()
    assert not StaffTask.objects.exists()


def test_a_card_link_is_22_characters_and_an_older_43_character_link_still_opens(client, lend):
    from loans.models import Loan

    loan = lend()
    assert len(loan.public_token) == 22
    old = "A" * 43  # a link printed before the shorter tokens
    Loan.objects.filter(pk=loan.pk).update(public_token=old)
    assert client.get(f"/l/{old}").status_code == 200
    assert client.get(f"/l/{old[:22]}").status_code == 404  # bad input: a cut link finds nothing


def test_the_cards_first_line_says_who_writes(client, lend, org_a):
    loan = lend()
    html = client.get(f"/l/{loan.public_token}").content.decode()
    main = html[html.index("<main") :]
    assert main.index('id="card-from"') < main.index("<h1")
    assert org_a.name in main[main.index('id="card-from"') : main.index("<h1")]
