"""Frozen dataclasses with slots that pickle as fast as plain ones.

A build holds hundreds of thousands of small records (sentences, comparison pairs and their signals, passages,
locations). With __slots__ each takes about half the memory of one with a __dict__, but dataclasses pickles a
frozen slotted class through a __getstate__ and __setstate__ written in Python, field by field: about twice as
slow as a plain instance's __dict__, and comparisons cross from the workers and into the build cache by the
thousand. `Slotted.__reduce__` gives the class and its fields' values in one tuple (operator.attrgetter, in C), so
unpickling calls the class as constructing one does.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from typing import Any

_FIELD_VALUES: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


class Slotted:
    """A base for `@dataclass(frozen=True, slots=True)` records, every field given to __init__."""

    __slots__ = ()

    def __reduce__(self) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return type(self), values_of(self)


def values_of(record: Slotted) -> tuple[Any, ...]:
    """The record's field values, in order, as they are (dataclasses.astuple copies them deeply, a hundred times
    slower)."""
    values = _FIELD_VALUES.get(type(record))
    if values is None:
        values = _FIELD_VALUES[type(record)] = fields_getter(type(record))
    return values(record)


def fields_getter(record: type, leaving_out: tuple[str, ...] = ()) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving a dataclass instance's field values (but those `leaving_out`) as a tuple, in C."""
    names = [field.name for field in dataclasses.fields(record) if field.name not in leaving_out]
    if len(names) == 1:  # attrgetter of one name gives the value, not a tuple of it
        name = names[0]
        return lambda instance: (getattr(instance, name),)
    return operator.attrgetter(*names)
