"""No hidden cell can be derived from the shown cells, over 500 random reports (a seeded generator).

The attacker here is written apart from the suppression code: for each breakdown it knows the rule ("<5" is
1 to 4, a left-out cell is 0 or more, a shown cell is exact) and the total (exact, or 1 to 4), and lists
every value each hidden cell can take by a subset-sum over the other cells' possible values. A hidden cell
with one possible value is derived. The breakdowns are those of a report (devices by status, kind, source
and condition; people by age band and gender, with "not recorded"), with counts drawn small, as in a
neighbourhood centre, so that many cells are hidden. Real reports built from the database are checked too.
"""

import datetime
import random

import pytest
import time_machine

from inventory.choices import ConditionGrade, DeviceKind, DeviceSource, DeviceStatus
from organizations.choices import AgeBand, Gender
from organizations.models import Grant
from reports import selectors
from reports.selectors import SUPPRESSED, _Suppressor


@pytest.fixture(autouse=True)
def fixed_clock():
    """The programme's dates are October 2026: the clock is fixed a month later, whatever day the run is."""
    with time_machine.travel(datetime.datetime(2026, 11, 15, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


REPORTS = 500
BREAKDOWNS = {
    "status": [value for value, _label in DeviceStatus.choices],
    "kind": [value for value, _label in DeviceKind.choices],
    "source": [value for value, _label in DeviceSource.choices],
    "condition": [value for value, _label in ConditionGrade.choices],
    "age": [value for value, _label in AgeBand.choices] + ["unknown"],
    "gender": [value for value, _label in Gender.choices] + ["unknown"],
}


def possible(cell, cap: int) -> set[int]:
    if cell == SUPPRESSED:
        return {1, 2, 3, 4}
    if cell is None:
        return set(range(cap + 1))
    return {cell}


def derived(shown: dict, total) -> dict:
    """{key: value} of the hidden cells that have one possible value given the total and the other cells."""
    totals = possible(total, 0) if total is not None else set()
    cap = max(totals) if totals else 0
    found = {}
    for key, cell in shown.items():
        if isinstance(cell, int):
            continue
        sums = {0}  # every sum the other cells can make
        for other, other_cell in shown.items():
            if other != key:
                sums = {s + v for s in sums for v in possible(other_cell, cap) if s + v <= cap}
        values = {v for v in possible(cell, cap) if any(t - v in sums for t in totals)}
        if len(values) == 1:
            found[key] = values.pop()
    return found


def random_counts(rng: random.Random, keys: list[str]) -> dict[str, int]:
    # mostly zeros and small numbers, sometimes a big one: the cases where suppression has work to do
    return {key: rng.choice([0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 9, 12, 30]) for key in keys}


def test_no_hidden_cell_of_500_random_reports_can_be_derived():
    rng = random.Random(20261207)
    hide = _Suppressor(True)
    checked = hidden_cells = 0
    leaks = []
    for report in range(REPORTS):
        for name, keys in BREAKDOWNS.items():
            cells = random_counts(rng, keys)
            shown = hide.group(cells)
            total = hide.count(sum(cells.values()))
            checked += 1
            hidden_cells += sum(1 for cell in shown.values() if not isinstance(cell, int))
            for key, value in derived(shown, total).items():
                leaks.append((report, name, key, value, cells))
            # nothing shown is wrong
            assert all(shown[key] == cells[key] for key in cells if isinstance(shown[key], int))
    assert checked == REPORTS * len(BREAKDOWNS) and hidden_cells > 1000  # the run had something to hide
    assert not leaks, leaks[:5]


def test_the_attacker_finds_what_the_first_rule_alone_would_leak():
    """The attacker is not blind: on the cells the primary rule alone shows, it derives the hidden ones."""
    primary = {"on_loan": SUPPRESSED, "lost": 7, "available": 0}
    assert derived(primary, 10) == {"on_loan": 3}
    two_ones = {"lost": SUPPRESSED, "stolen": SUPPRESSED, "available": 5}
    assert derived(two_ones, 7) == {"lost": 1, "stolen": 1}  # "exactly one hidden" would not catch this
    hide = _Suppressor(True)
    assert derived(hide.group({"lost": 1, "stolen": 1, "available": 5}), 7) == {}


@pytest.mark.django_db
def test_real_reports_from_the_database_leak_nothing(funder_user, programme_data):
    grants = Grant.objects.filter(funder__users=funder_user)
    for start, end in (
        (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)),
        (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
    ):
        report = selectors.grant_report(grants=grants, period_start=start, period_end=end, suppress=True)
        received, people = report["devices_received"], report["people"]
        groups = [
            (report["devices_now"]["by_status"], report["devices_now"]["count"]),
            (received["by_kind"], received["count"]),
            (received["by_source"], received["count"]),
            (received["by_condition"], received["count"]),
            (people["by_age_band"], people["reached"]),
            (people["by_gender"], people["reached"]),
        ]
        for shown, total in groups:
            assert derived(shown, total) == {}, (shown, total)
        # sums of money go with their count
        for count, money in (
            (report["digicheques"]["issued"], report["digicheques"]["issued_value"]),
            (received["count"], received["value"]),
        ):
            assert money is None or isinstance(count, int)


@pytest.mark.django_db
def test_a_bad_suppress_flag_is_a_400_naming_it(api, funder_user, programme_data):
    response = api.as_user(funder_user).get(
        f"/api/v1/reports/grants/{programme_data['grant'].pk}/", {"suppress": "perhaps"}
    )
    assert response.status_code == 400 and "suppress" in response.json()["fields"]
