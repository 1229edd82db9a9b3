"""The figures themselves: what each counts, for which scope, and the suppression of small numbers."""

import pytest

from organizations.models import Grant
from reports import selectors

from .conftest import END, START


def grant_report(grants, *, suppress):
    return selectors.grant_report(grants=grants, period_start=START, period_end=END, suppress=suppress)


@pytest.mark.django_db
def test_it_counts_the_grants_devices_loans_people_codes_and_cheques(programme_data):
    report = grant_report(Grant.objects.filter(pk=programme_data["grant"].pk), suppress=False)

    assert report["devices_received"] == {
        "count": 8,
        "value": "800.00",
        "by_kind": {"laptop": 8},
        "by_source": {"donated": 6, "purchased": 2},
        "by_condition": {"B": 8},
    }
    by_status = report["devices_now"]["by_status"]
    assert report["devices_now"]["count"] == 8
    assert (by_status["on_loan"], by_status["available"], by_status["lost"]) == (2, 3, 1)
    assert (by_status["in_repair"], by_status["given_away"], by_status["stolen"]) == (1, 1, 0)
    assert report["loans"] == {
        "started": 6,
        "returned": 3,
        "overdue": 2,
        "lost_or_written_off": 1,
        "given_to_keep": 1,
        "open_at_end": 2,
    }
    assert report["people"]["reached"] == 7
    assert report["people"]["borrowers"] == 7
    assert report["people"]["by_gender"]["woman"] == 5
    assert report["people"]["by_gender"]["man"] == 2
    assert report["people"]["by_age_band"]["45-64"] == 5
    assert report["people"]["women_share"] == 71.4
    assert report["device_use"] == {
        "lent_for_home_use": 7,
        "given_to_keep": 1,
        "people_per_device": 1.0,
    }
    assert report["rates"]["defective"] == 1
    assert report["rates"]["lost_share"] == 12.5
    assert report["internet_codes"] == [
        {
            "programme": report["internet_codes"][0]["programme"],
            "pack": "FIVE",
            "assigned": 2,
            "activated": 1,
            "monthly_value": "10.00",
        }
    ]
    assert report["digicheques"] == {
        "issued": 1,
        "issued_value": "25.00",
        "price_charged": "5.00",
        "redeemed": 1,
        "redeemed_value": "25.00",
        "in_stock": 5,
    }
    assert report["scope"]["grants"][0]["name"] == "Laptops for A"


@pytest.mark.django_db
def test_it_shows_counts_from_one_to_four_as_less_than_five_when_suppressed(programme_data):
    report = grant_report(Grant.objects.filter(pk=programme_data["grant"].pk), suppress=True)

    assert report["suppressed"] is True
    assert report["devices_received"]["count"] == 8
    # 8 received, 2 purchased hidden: 6 donated would give them away (8 - 6), so it is left out too
    assert report["devices_received"]["by_source"] == {"donated": None, "purchased": "<5"}
    assert report["devices_received"]["value"] == "800.00"  # 8 devices: shown
    assert report["devices_now"]["by_status"]["on_loan"] == "<5"
    assert report["devices_now"]["by_status"]["stolen"] == 0  # zero reveals nobody
    assert report["loans"]["started"] == 6
    assert report["loans"]["returned"] == "<5"
    assert report["people"]["by_gender"] == {"woman": None, "man": "<5", "other": 0, "unsaid": 0, "unknown": 0}
    assert report["people"]["women_share"] is None  # 71.4 % of 7 reached would give the 2 men back
    assert report["rates"]["lost"] == "<5"
    assert report["rates"]["lost_share"] is None  # a share would give the hidden count away
    assert report["internet_codes"][0]["assigned"] == "<5"
    assert report["digicheques"]["in_stock"] == 5
    assert report["internet_codes"][0]["monthly_value"] is None  # the sum of 2 packs' prices gives 2 back
    assert report["digicheques"]["issued_value"] is None and report["digicheques"]["redeemed_value"] is None
    assert report["digicheques"]["price_charged"] is None

    def counts(value):
        if isinstance(value, dict):
            for sub in value.values():
                yield from counts(sub)
        elif isinstance(value, list):
            for sub in value:
                yield from counts(sub)
        elif isinstance(value, int) and not isinstance(value, bool):
            yield value

    figures = {key: value for key, value in report.items() if key != "scope"}  # scope holds grant ids
    assert not [n for n in counts(figures) if 1 <= n <= 4]


@pytest.mark.django_db
def test_it_leaves_out_other_grants_and_other_organisations(programme_data):
    other = grant_report(Grant.objects.filter(pk=programme_data["other_grant"].pk), suppress=False)

    assert other["devices_now"]["count"] == 1
    assert other["devices_received"]["by_kind"] == {"tablet": 1}
    assert other["loans"]["returned"] == 1
    assert other["people"]["reached"] == 1
    assert other["internet_codes"] == []
    assert other["digicheques"]["in_stock"] == 0


@pytest.mark.django_db
def test_the_organisation_report_covers_every_device_whoever_paid(programme_data, org_a):
    report = selectors.organization_report(organization=org_a, period_start=START, period_end=END, suppress=False)

    assert report["devices_now"]["count"] == 9
    assert report["devices_received"]["by_kind"] == {"laptop": 8, "tablet": 1}
    assert report["loans"]["started"] == 7
    assert report["scope"]["kind"] == "organization"


@pytest.mark.django_db
def test_the_report_takes_a_fixed_number_of_queries(programme_data, django_assert_max_num_queries):
    grants = Grant.objects.filter(pk=programme_data["grant"].pk)
    with django_assert_max_num_queries(10):
        grant_report(grants, suppress=True)
