"""Cursor pagination: opaque `cursor` links that stay right while articles are published.

A list in a fixed order (newest first, oldest first, by title) is paged by keyset: the
cursor holds the sort values of the last item seen, and the next page is "everything
after it", so a newly published article never shifts or repeats what follows. Search
results in rank order have no stable key, so their cursor holds an offset instead.
Cursors are opaque to clients; a forged or mangled one is a 400, never a 500.
"""

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from django.db.models import Q
from rest_framework.exceptions import ValidationError
from rest_framework.utils.urls import remove_query_param, replace_query_param

from content.site import absolute_url

PAGE_SIZE = 20
CURSOR_PARAM = "cursor"
# Deep offsets make the database skip many rows; search results are read from the top.
MAX_RANK_OFFSET = 1000
INVALID_CURSOR = "This cursor is not valid. Follow the `next` and `previous` links as given."
MAX_BIGINT = 2**63 - 1
# Real cursors are far shorter; a longer one is refused before it is decoded.
MAX_CURSOR_LENGTH = 600


def _parse_datetime(value):
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment


def _parse_text(value):
    if not isinstance(value, str) or "\x00" in value:
        raise ValueError("not text")
    return value


def _parse_id(value):
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_BIGINT:
        raise ValueError("not an id")
    return value


@dataclass(frozen=True)
class Key:
    """One sort field: its name on the model (or annotation), direction, and how its
    value travels in a cursor."""

    field: str
    descending: bool = False
    dump: Callable[[Any], Any] = lambda value: value
    parse: Callable[[Any], Any] = _parse_text


def datetime_key(field, *, descending=False):
    return Key(field, descending, dump=datetime.isoformat, parse=_parse_datetime)


def id_key(field="id", *, descending=False):
    return Key(field, descending, parse=_parse_id)


def text_key(field, *, descending=False):
    return Key(field, descending)


class KeysetOrder:
    """A total order (the last key must be unique) that keyset pagination can resume."""

    def __init__(self, name, *keys):
        self.name = name
        self.keys = keys

    def order_by(self, *, backwards=False):
        return [f"-{key.field}" if key.descending != backwards else key.field for key in self.keys]

    def beyond(self, values, *, backwards=False):
        """Rows after `values` in this order (before them when `backwards`)."""
        condition, equal = Q(), {}
        for key, value in zip(self.keys, values, strict=True):
            lookup = "lt" if key.descending != backwards else "gt"
            condition |= Q(**equal, **{f"{key.field}__{lookup}": value})
            equal[key.field] = value
        return condition

    def values_of(self, item):
        return [key.dump(getattr(item, key.field)) for key in self.keys]

    def parse(self, values):
        if not isinstance(values, list) or len(values) != len(self.keys):
            raise ValueError("wrong number of values")
        return [key.parse(value) for key, value in zip(self.keys, values, strict=True)]


RANK_ORDER_NAME = "rank"


class Page(NamedTuple):
    results: list
    next: str | None
    previous: str | None


class CursorPaginator:
    """Pages a queryset for one request; `next` and `previous` are absolute URLs (on
    SITE_URL) with every other query parameter kept."""

    def __init__(self, request, *, page_size=PAGE_SIZE):
        self.request = request
        self.page_size = page_size
        self.raw_cursor = request.query_params.get(CURSOR_PARAM)

    def keyset_page(self, queryset, order: KeysetOrder) -> Page:
        cursor = self._decode(order.name)
        backwards = bool(cursor and cursor.get("b"))
        queryset = queryset.order_by(*order.order_by(backwards=backwards))
        if cursor:
            try:
                values = order.parse(cursor.get("k"))
            except (TypeError, ValueError) as invalid:
                raise self._invalid() from invalid
            queryset = queryset.filter(order.beyond(values, backwards=backwards))
        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if backwards:
            rows.reverse()
        if not rows:
            return Page([], None, None)
        first, last = order.values_of(rows[0]), order.values_of(rows[-1])
        if backwards:
            has_next, has_previous = True, more
        else:
            has_next, has_previous = more, cursor is not None
        return Page(
            rows,
            self._link({"o": order.name, "k": last}) if has_next else None,
            self._link({"o": order.name, "k": first, "b": True}) if has_previous else None,
        )

    def offset_page(self, queryset) -> Page:
        """For search results in rank order: the cursor holds an offset."""
        cursor = self._decode(RANK_ORDER_NAME)
        offset = cursor.get("n") if cursor else 0
        if (
            not isinstance(offset, int)
            or isinstance(offset, bool)
            or not 0 <= offset <= MAX_RANK_OFFSET
        ):
            raise self._invalid()
        rows = list(queryset[offset : offset + self.page_size + 1])
        more = len(rows) > self.page_size
        next_offset = offset + self.page_size
        return Page(
            rows[: self.page_size],
            self._link({"o": RANK_ORDER_NAME, "n": next_offset})
            if more and next_offset <= MAX_RANK_OFFSET
            else None,
            self._offset_link(max(0, offset - self.page_size)) if offset > 0 else None,
        )

    def _offset_link(self, offset):
        if offset == 0:
            return remove_query_param(self._here(), CURSOR_PARAM)
        return self._link({"o": RANK_ORDER_NAME, "n": offset})

    def _decode(self, order_name):
        if self.raw_cursor is None:
            return None
        if len(self.raw_cursor) > MAX_CURSOR_LENGTH:
            raise self._invalid()
        try:
            padded = self.raw_cursor + "=" * (-len(self.raw_cursor) % 4)
            cursor = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        except (ValueError, UnicodeError, binascii.Error) as invalid:
            raise self._invalid() from invalid
        if not isinstance(cursor, dict) or cursor.get("o") != order_name:
            raise self._invalid()
        return cursor

    def _link(self, cursor):
        raw = json.dumps(cursor, separators=(",", ":")).encode()
        encoded = base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
        return replace_query_param(self._here(), CURSOR_PARAM, encoded)

    def _here(self):
        # On SITE_URL like every link the API gives out, never on the request's Host.
        return absolute_url(self.request.get_full_path())

    @staticmethod
    def _invalid():
        return ValidationError({CURSOR_PARAM: [INVALID_CURSOR]})
