"""One row of every tenant model for an organisation, made from the model registry (model_bakery), so a
new model is covered without anyone listing it. Every link to another tenant row points at a row of the
same organisation; only installation-wide rows (users, programmes, content types) are made freely.

`marker_pk` gives an organisation's rows primary keys from a range no other row uses, so a test can look
for them in a page; the random strings model_bakery writes into text fields make their names unique.
"""

import datetime
import itertools
from decimal import Decimal

from django.apps import apps
from model_bakery import baker

from organizations.tenancy import organization_lookup

# Dates are data here (no test compares them with today), taken relative to today all the same.
START = datetime.date.today() - datetime.timedelta(days=60)
_phones = itertools.count(1)
baker.generators.add("phonenumber_field.modelfields.PhoneNumberField", lambda: f"+3248{next(_phones):07d}")

# Values the models' check constraints need (model_bakery fills everything else at random).
OVERRIDES = {
    "organizations.Participant": lambda n: {"phone": f"+3247{n:07d}", "is_active": True},
    "loans.LoanPolicy": lambda n: {"period_kind": "days", "period_days": 14, "is_active": True},
    "loans.Cohort": lambda n: {"starts_on": START, "ends_on": START + datetime.timedelta(days=56)},
    "loans.Loan": lambda n: {
        "status": "active",
        "closed_at": None,
        "started_on": START,
        "due_on": START + datetime.timedelta(days=14),
    },
    "loans.LoanItem": lambda n: {"closed_at": None},
    "loans.WaitlistEntry": lambda n: {"status": "waiting", "offered_device": None, "loan": None},
    "loans.Payment": lambda n: {"amount": Decimal("10.00"), "refunded_at": None},
    "organizations.Grant": lambda n: {"starts_on": START, "ends_on": START + datetime.timedelta(days=365)},
    "connectivity.DigichequeBatch": lambda n: {"purchased_on": START, "quantity": 1},
    "messaging.SendingHours": lambda n: {"starts_at": datetime.time(9), "ends_at": datetime.time(18)},
    "reports.ReportSubscription": lambda n: {"funder": None, "grant": None},  # one scope: the organisation
    "privacy.RetentionRule": lambda n: {"months": 24},
    "loans.CentreSession": lambda n: {
        "started_at": datetime.datetime.combine(START, datetime.time(10), tzinfo=datetime.UTC),
        "day": START,
        "ends_at": datetime.datetime.combine(START, datetime.time(10, 40), tzinfo=datetime.UTC),
        "ended_at": None,
        "visitor_age_band": "",
        "visitor_gender": "",
        "limit_overridden": False,
    },
}
SKIP = {"organizations.Organization", "organizations.Funder"}  # the organisation itself; funders are a directory


def tenant_models():
    """Every concrete model whose rows belong to an organisation (history tables left out)."""
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label in SKIP:
            continue
        if "history_id" in {f.name for f in meta.concrete_fields}:
            continue
        if organization_lookup(model) is not None:
            found.append(model)
    return found


class RowMaker:
    def __init__(self, organization, *, first_pk: int):
        self.organization = organization
        self.rows: dict = {}
        self._pks = itertools.count(first_pk)

    def make_all(self) -> dict:
        for model in tenant_models():
            self.row(model)
        return self.rows

    def row(self, model):
        if model in self.rows:
            return self.rows[model]
        pk = next(self._pks)
        values = {model._meta.pk.attname: pk}
        for field in model._meta.concrete_fields:
            if not (field.many_to_one or field.one_to_one):
                continue
            target = field.related_model
            if target._meta.label == "organizations.Organization":
                values[field.name] = self.organization
            elif target is model:
                values[field.name] = None  # a link to another row of the same kind (a resend): left empty
            elif organization_lookup(target) is not None and target._meta.label not in SKIP:
                values[field.name] = self.row(target)
        values.update(OVERRIDES.get(model._meta.label, lambda n: {})(pk % 10_000_000))
        self.rows[model] = baker.make(model, **values)
        return self.rows[model]
