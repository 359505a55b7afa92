"""Records the build holds by the hundred thousand have no __dict__, and pickle to themselves quickly: through
their class and one tuple of field values, not field by field (dossier/slotted.py)."""

from __future__ import annotations

import dataclasses
import pickle
import pickletools

import pytest

from dossier.compare.align import Alignment, Attribution, Conflict, Figure, Pair
from dossier.compare.features import Attributed
from dossier.compare.score import PairScore, Signals
from dossier.compare.segment import Sentence, split_sentences
from dossier.diagnostics import Location
from dossier.model import Anchor, Mention, Selector
from dossier.slotted import Slotted, values_of
from dossier.text import Passage

HELD_BY_THE_THOUSAND = [
    Alignment,
    Anchor,
    Attributed,
    Attribution,
    Conflict,
    Figure,
    Location,
    Mention,
    Pair,
    PairScore,
    Passage,
    Selector,
    Sentence,
    Signals,
]


@pytest.mark.parametrize("record", HELD_BY_THE_THOUSAND, ids=lambda record: record.__name__)
def test_a_record_held_by_the_thousand_is_slotted_and_frozen(record: type) -> None:
    assert issubclass(record, Slotted) and dataclasses.is_dataclass(record)
    assert "__dict__" not in dir(record) and record.__dataclass_params__.frozen


def test_a_slotted_record_pickles_as_its_class_and_one_tuple_of_its_values() -> None:
    sentence = split_sentences("Flynn resigned. Kislyak left Washington.")[1]
    data = pickle.dumps(sentence, protocol=pickle.HIGHEST_PROTOCOL)
    assert pickle.loads(data) == sentence
    opcodes = [opcode.name for opcode, _, _ in pickletools.genops(data)]
    assert "REDUCE" in opcodes and "BUILD" not in opcodes  # no state set field by field after the call


def test_a_record_of_one_field_pickles_to_itself() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class One(Slotted):
        value: str

    assert One.__reduce__(One("x")) == (One, ("x",))


def test_nested_slotted_records_pickle_to_equal_records() -> None:
    location = Location("content/story/article.yaml", 3, 5)
    selector = Selector("exact words", prefix="the ", suffix=".")
    signals = Signals(lexical=0.5, quote=0.0, claim=0.0, people=0.0, numbers=1.0, meaning=0.7)
    for value in (location, selector, signals, (location, [selector, signals])):
        assert pickle.loads(pickle.dumps(value)) == value


def test_a_records_values_are_its_fields_as_they_are() -> None:
    passage = Passage(index=2, start=10, end=40, line=7, first_token=3, last_token=9)
    assert values_of(passage) == dataclasses.astuple(passage) == (2, 10, 40, 7, 3, 9)
    figures = (Figure("18,645", "18645", 0, 6),)
    conflict = Conflict(left=figures, right=())
    assert values_of(conflict)[0] is figures  # as it is: astuple would have copied it, and its figures, deeply
