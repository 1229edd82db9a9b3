"""One seam for the hot lists (devices, loans): a list declares its columns once, this serves it.

A `ListRows` subclass names its serializer, the `.values()` key of each field whose key is not its name, the
fields it computes per row, and optionally a tally (a total kept by triggers) and a page query of its own.
`FastListMixin` then serves the list: the total from the tally when the list is narrowed only by what the
tally holds (else the rows are counted, without the page's joins), the page's ids picked on the bare table,
and rows shaped like the serializer's output (pinned equal by tests) without model instances or DRF's
per-field machinery. Adding a field to a list is one line in its serializer (plus a `keys` entry when its
`.values()` key differs, for example `"donor_name": "donor__name"`); docs/architecture.md says more.
"""

from collections.abc import Callable

from .filters import narrowing_params
from .rows import converters, row_maker


class ListRows:
    """The declaration of one fast list. Subclasses set `serializer_class`, and as needed:

    - `keys`: serializer field -> `.values()` key, for the fields whose key is not their name;
    - `computed`: the fields `fill` sets per row (method fields, names from other tables);
    - `read`: columns read for `fill` but not printed as such;
    - `tally`: `tally(user, narrowing) -> int | None`, the list's total from a tally when `narrowing` (the
      filter parameters given, `core.api.filters.narrowing_params`) is what the tally holds, else None.
    """

    serializer_class = None
    keys: dict[str, str] = {}
    computed: tuple[str, ...] = ()
    read: tuple[str, ...] = ()
    tally: Callable | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._shared = None

    @classmethod
    def shared(cls):
        """Built once per process: it holds no request state (time zone and today are read per render)."""
        if cls._shared is None:
            cls._shared = cls()
        return cls._shared

    def __init__(self):
        self.fields = self.fields_of(self.serializer_class(), self.keys)
        self.columns = [key for _name, key, _field in self.fields if key is not None]
        self.columns += [column for column in self.read if column not in self.columns]

    def fields_of(self, serializer, keys: dict[str, str]) -> list[tuple]:
        """(name, `.values()` key, field) per field of `serializer`; key None for the computed ones."""
        return [
            (name, None if name in self.computed else keys.get(name, name), field)
            for name, field in serializer.fields.items()
        ]

    def page(self, queryset, window: slice) -> tuple[list[dict], object]:
        """One page's `.values()` rows, and what `fill` needs besides them (None here). A deferred join: the
        page's ids come from the bare table (an index walk past the offset), and only those rows are joined
        to what `.values()` reaches (a donor's name...). Joining first made the database join every row it
        skipped: page 50 joined 2,500 rows to return 50."""
        ids = queryset.select_related(None).values("pk")[window]
        return queryset.values(*self.columns).filter(pk__in=ids), None

    def render(self, rows, extra, *, user) -> list[dict]:
        """The serializer's output for the page's `rows`; `extra` is what `page` returned besides them."""
        make = row_maker(converters(self.fields))
        fill = self.filler(extra, user=user)
        out = []
        for row in rows:
            item = make(row)  # the computed fields are None here
            fill(item, row)
            out.append(item)
        return out

    def filler(self, extra, *, user) -> Callable[[dict, dict], None]:
        """A function (item, row) that sets the computed fields of one item, made once per page."""
        return lambda item, row: None


class _PageOfRows:
    """What Django's Paginator needs over a fast list: `count()` (the tallied total when given, else counted
    on the bare queryset: no join of the page runs over every matching row in COUNT) and slicing (the
    declaration's page; what it returns besides the rows is kept in `extra` for the render)."""

    ordered = True

    def __init__(self, rows: ListRows, queryset, total: int | None):
        self.rows, self.queryset, self.total, self.extra = rows, queryset, total, None

    def count(self) -> int:
        return self.total if self.total is not None else self.queryset.select_related(None).count()

    def __getitem__(self, window: slice):
        rows, self.extra = self.rows.page(self.queryset, window)
        return rows


class FastListMixin:
    """A viewset's `list` served from its `list_rows` declaration (a `ListRows` subclass)."""

    list_rows: type[ListRows]

    def list(self, request, *args, **kwargs):
        rows = self.list_rows.shared()
        queryset = self.filter_queryset(self.get_queryset())  # a bad filter value is a 400 here, before counting
        tally = type(rows).tally
        total = tally(request.user, narrowing_params(request)) if tally is not None else None
        pager = _PageOfRows(rows, queryset, total)
        page = self.paginate_queryset(pager)
        return self.get_paginated_response(rows.render(page, pager.extra, user=request.user))
