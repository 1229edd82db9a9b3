"""core.api.rows: the list fast paths print values exactly as DRF's serializer fields print them."""

from decimal import Decimal

import pytest
from rest_framework import serializers

from core.api.rows import converters, decimal_string, row_maker

AMOUNTS = ["0.00", "5.00", "-3.50", "12345678.99", "0E-2", "-0.00", "1.5", "2", "1E+1", "7.125", "NaN", "Infinity"]


@pytest.mark.parametrize("text", AMOUNTS)
def test_a_decimal_prints_as_drf_prints_it(text):
    field = serializers.DecimalField(max_digits=10, decimal_places=2)
    value = Decimal(text)
    try:
        expected = field.to_representation(value)
    except Exception as error:  # DRF refuses it (NaN, infinity): so must we, the same way
        with pytest.raises(type(error)):
            decimal_string(field)(value)
        return
    assert decimal_string(field)(value) == expected


def test_fields_printing_numbers_or_localised_keep_drfs_own_output():
    as_number = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=False)
    localised = serializers.DecimalField(max_digits=10, decimal_places=2, localize=True)
    assert decimal_string(as_number) == as_number.to_representation
    assert decimal_string(localised) == localised.to_representation
    assert decimal_string(as_number)(Decimal("2.50")) == Decimal("2.50")


def test_a_row_keeps_the_serializers_key_order_and_leaves_computed_fields_none():
    fields = [
        ("id", "id", serializers.IntegerField()),
        ("computed", None, serializers.SerializerMethodField()),
        ("fee", "fee_amount", serializers.DecimalField(max_digits=8, decimal_places=2)),
        ("due_on", "due_on", serializers.DateField()),
        ("name", "participant__display_name", serializers.CharField()),
    ]
    make = row_maker(converters(fields))
    row = {"id": 7, "fee_amount": Decimal("2.50"), "due_on": None, "participant__display_name": "Zoë", "extra": 1}
    assert list(make(row).items()) == [
        ("id", 7),
        ("computed", None),
        ("fee", "2.50"),
        ("due_on", None),
        ("name", "Zoë"),
    ]


def test_a_row_missing_a_column_is_a_key_error_not_a_silent_none():
    make = row_maker(converters([("id", "id", serializers.IntegerField()), ("name", "name", serializers.CharField())]))
    with pytest.raises(KeyError):
        make({"id": 1})


def test_fields_normalising_their_output_keep_drfs_own_output():
    field = serializers.DecimalField(max_digits=10, decimal_places=2, normalize_output=True)
    assert decimal_string(field)(Decimal("2.50")) == field.to_representation(Decimal("2.50")) == "2.5"
