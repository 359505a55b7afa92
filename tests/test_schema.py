"""dossier/schema.py: slugify, the one way dossier makes an id from a name or a headline, in any script; and the
declarations of records' keys (Field)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dossier.schema import MAX_SLUG, SLUG, Field, slugify


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Jürgen Müller", "jurgen-muller"),
        ("Zürich", "zurich"),
        ("François Hollande", "francois-hollande"),
        ("Élysée", "elysee"),
        ("Сергей Кисляк", "sergey-kislyak"),
        ("Коммерсантъ", "kommersant"),
        ("Straße", "strasse"),
        ("Coronavirus: £1,000 fine", "coronavirus-1-000-fine"),  # a symbol parts words, it is not spelt out
        ("AI Can Do Great Things\u2014If It", "ai-can-do-great-things-if-it"),
        ("Zu\u0308rich", "zurich"),  # decomposed: the accent is a mark of its own
        ("Trump\u2019s adviser: \u201cNo comment\u201d", "trumps-adviser-no-comment"),
        ("The  New--York   Times!", "the-new-york-times"),
        ("", ""),
        ("--- !!! ---", ""),
    ],
)
def test_names_in_any_script_give_their_ascii_id(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_a_long_slug_is_cut_at_a_hyphen() -> None:
    words = " ".join(["Кисляк"] * 20)
    slug = slugify(words)
    assert len(slug) <= MAX_SLUG and SLUG.match(slug) and not slug.endswith("-")
    assert slugify(words, 20) == "kislyak-kislyak"
    assert slugify("x" * 100, 40) == "x" * 40  # no hyphen: cut where the limit falls


@pytest.mark.parametrize(
    "make",
    [
        lambda: Field("list"),
        lambda: Field("mapping"),
        lambda: Field("list", keys={"a": Field("text")}),
        lambda: Field("text", items={"a": Field("text")}),
    ],
)
def test_a_list_or_mapping_declares_the_keys_of_its_records(make: Callable[[], Field]) -> None:
    """Validation and the editors' schemas read a record's nested keys from its declaration, never elsewhere."""
    with pytest.raises(ValueError, match="declares its records' keys"):
        make()
    assert Field("list", items={"a": Field("text")}).items == {"a": Field("text")}
