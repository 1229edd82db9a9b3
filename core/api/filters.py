"""django-filter's backend, building only the filters a request names.

A FilterSet deep-copies every declared filter and builds a form class with one field per filter on each
request (model choice fields with their querysets included): about a millisecond for a list whose
request filters on one field, or on none. A filter the request does not name filters nothing, so
leaving it out changes no result and no error; a named filter still validates and answers 400 naming
the parameter. The browsable API's filter form (`to_html`) still shows every filter.
"""

from functools import lru_cache

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.filters import OrderingFilter

# Query parameters that page or order a list but never narrow it.
UNNARROWING_PARAMS = frozenset({"page", "page_size", "ordering", "format"})


def narrowing_params(request) -> dict[str, list[str]]:
    """The request's query parameters that may narrow a list, with their values."""
    return {name: request.query_params.getlist(name) for name in request.query_params if name not in UNNARROWING_PARAMS}


def is_named(filter_name: str, params) -> bool:
    """Whether a query parameter is this filter's, alone or with a widget suffix (`due_on_after`, `price_min`)."""
    prefix = filter_name + "_"
    return any(param == filter_name or param.startswith(prefix) for param in params)


class StrictBooleanField(forms.NullBooleanField):
    """`true`/`false` (or 1/0), or nothing; anything else is a 400 naming the parameter. django-filter's own
    boolean field reads an unknown value as "no filter", so `?overdue=ture` silently listed every loan."""

    widget = forms.TextInput
    default_error_messages = {"invalid_choice": forms.ChoiceField.default_error_messages["invalid_choice"]}
    TRUE, FALSE = frozenset({"true", "True", "1"}), frozenset({"false", "False", "0"})

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value is True or value in self.TRUE:
            return True
        if value is False or value in self.FALSE:
            return False
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class FilterSet(django_filters.FilterSet):
    """The project's FilterSet: a model's boolean fields get StrictBooleanFilter (a bad value is a 400)."""

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
        models.NullBooleanField: {"filter_class": StrictBooleanFilter},
    }


@lru_cache(maxsize=512)
def _narrowed_class(filterset_class, names: frozenset):
    """The FilterSet class with only the named filters (cached: a few shapes per list in practice)."""
    narrowed = type(filterset_class.__name__, (filterset_class,), {"__module__": filterset_class.__module__})
    narrowed.base_filters = {name: f for name, f in filterset_class.base_filters.items() if name in names}
    return narrowed


@lru_cache(maxsize=128)
def _auto_class(view_class, model, fields: tuple):
    """The FilterSet of a view that lists `filterset_fields`, built once (django-filter builds it per request)."""
    meta = type("Meta", (), {"model": model, "fields": list(fields)})
    return type(f"{view_class.__name__}FilterSet", (FilterSet,), {"Meta": meta, "__module__": view_class.__module__})


class RequestedFiltersBackend(DjangoFilterBackend):
    filterset_base = FilterSet

    def get_filterset_class(self, view, queryset=None):
        fields = getattr(view, "filterset_fields", None)
        if getattr(view, "filterset_class", None) is None and fields and queryset is not None:
            return _auto_class(type(view), queryset.model, tuple(fields))
        return super().get_filterset_class(view, queryset)

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        params = list(request.query_params)
        names = frozenset(name for name in filterset_class.base_filters if is_named(name, params))
        if not names:
            return queryset
        filterset = _narrowed_class(filterset_class, names)(**self.get_filterset_kwargs(request, queryset, view))
        if not filterset.is_valid() and self.raise_exception:
            raise utils.translate_validation(filterset.errors)
        return filterset.qs


def with_id_last(ordering) -> list:
    """`ordering` ending with the primary key (in the last key's direction) unless it already holds it."""
    ordering = list(ordering)
    if any(isinstance(term, str) and term.lstrip("-") in ("pk", "id") for term in ordering):
        return ordering
    last = ordering[-1] if ordering else ""
    descending = last.startswith("-") if isinstance(last, str) else getattr(last, "descending", False)
    return [*ordering, "-pk" if descending else "pk"]


class StableOrderingFilter(OrderingFilter):
    """DRF's ordering filter, with two changes.

    Every ordering ends with the id. Rows that tie on the ordered column (thousands of devices share a status;
    two organisations both have a DT-0001) otherwise come back in any order, and paging through the list
    repeats one row and skips another at a page boundary.

    An `ordering` the list does not offer is a 400 naming the parameter; DRF drops it silently and the
    client reads a list ordered otherwise than it asked.
    """

    def get_ordering(self, request, queryset, view):
        terms = [term.strip() for term in request.query_params.get(self.ordering_param, "").split(",") if term.strip()]
        if not terms:
            return self.get_default_ordering(view)
        valid = self.remove_invalid_fields(queryset, terms, view, request)
        unknown = [term for term in terms if term not in valid]
        if unknown:
            offered = sorted(name for name, _label in self.get_valid_fields(queryset, view, {"request": request}))
            raise serializers.ValidationError(
                {
                    self.ordering_param: [
                        _("Cannot order by %(unknown)s. Order by one of: %(offered)s (a leading - reverses it).")
                        % {"unknown": ", ".join(repr(term) for term in unknown), "offered": ", ".join(offered)}
                    ]
                }
            )
        return valid

    def filter_queryset(self, request, queryset, view):
        ordering = (
            self.get_ordering(request, queryset, view) or queryset.query.order_by or queryset.model._meta.ordering
        )
        return queryset.order_by(*with_id_last(ordering))
