"""Validation's own rules that no other test file pins down."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dossier.pipeline import check_project
from tests.security.project import small_project

KISLYAK = "\u0421\u0435\u0440\u0433\u0435\u0439 \u041a\u0438\u0441\u043b\u044f\u043a"  # Sergey Kislyak in Cyrillic


def test_derived_annotation_ids_read_any_script_and_keep_apostrophes_apart(tmp_path: Path) -> None:
    """An annotation without an id gets one from its quote's first words: Cyrillic and accents are spelt in
    ASCII (they gave `note-` and `note-z-rich` before), and an apostrophe still parts words (`trump-s`), so the
    ids, which are the annotations' addresses, did not move for quotes in English."""
    body = f"Trump's adviser met {KISLYAK} in Z\u00fcrich.\n"
    quotes = ("Trump's adviser", KISLYAK, "Z\u00fcrich")
    sidecar = "notes:\n" + "".join(f"  - quote: {quote}\n    note: A note.\n" for quote in quotes)
    checked = check_project(small_project(tmp_path, body, sidecar))
    assert checked.dossier is not None, checked.report.sorted()
    ids = [annotation.id for annotation in checked.dossier.articles["article"].annotations]
    assert ids == ["note-trump-s-adviser", "note-sergey-kislyak", "note-zurich"]


def test_a_quoted_date_is_the_date_it_spells(tmp_path: Path) -> None:
    """`date: "2020-08-14"` is text to YAML, but an editor means the date (issue 18)."""
    story = 'title: The Engine\ndate: "1843-07-10"\n'
    front = "---\ntitle: The Analytical Engine\noutlet: gazette\npublished: '1843-09-01'\n---\n"
    checked = check_project(small_project(tmp_path, story=story, front=front))
    assert checked.dossier is not None and not checked.report.diagnostics, checked.report.sorted()
    assert checked.dossier.stories["engine"].date == dt.date(1843, 7, 10)
    assert checked.dossier.articles["article"].published == dt.date(1843, 9, 1)
