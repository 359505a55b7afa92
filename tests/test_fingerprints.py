"""The fingerprints a rebuild compares: one kept from the last build (its stand-in unchanged) is exactly the one
taken afresh, and what did not change is not pickled again."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from dossier.pipeline import BuildOptions, Checked, build_project, check_project
from dossier.render import incremental
from dossier.render.incremental import EVERYTHING, Dependency, Fingerprints
from tests.conftest import copy_example
from tests.test_incremental import (
    add_annotation,
    edit_alias,
    edit_article,
    edit_claim,
    edit_mention,
    edit_note,
    edit_outlet,
    edit_person,
    move_quotes,
)

CACHED = BuildOptions(use_cache=True)  # every build runs the stages
# The tables whose entries a stand-in may speak for.
STAND_IN_TABLES = (
    "articles",
    "texts",
    "stories",
    "claims",
    "index.mentions",
    *sorted(incremental.ANNOTATION_LIST_TABLES),
)


def _fingerprints(checked: Checked, *, with_keys: bool = True) -> Fingerprints:
    """As render_site makes them; without the keys, every value is fingerprinted from what it holds."""
    assert checked.dossier is not None and checked.index is not None
    return Fingerprints(
        checked.dossier, checked.index, checked.alignments, checked.alignment_keys,
        checked.article_keys if with_keys else None, None, checked.file_keys if with_keys else None,
    )  # fmt: skip


def _dependencies(checked: Checked) -> list[Dependency]:
    """Every entry of the tables stand-ins speak for, and each of those tables whole."""
    fingerprints = _fingerprints(checked, with_keys=False)
    found: list[Dependency] = []
    for table in STAND_IN_TABLES:
        entries = fingerprints.tables.get("articles" if table == "texts" else table, {})
        found += [(table, key) for key in entries] + [(table, EVERYTHING)]
    return found


@pytest.mark.parametrize(
    "edit",
    [edit_note, edit_article, add_annotation, edit_claim, edit_mention, edit_alias, move_quotes, edit_outlet,
     edit_person],
)  # fmt: skip
def test_a_fingerprint_kept_from_the_last_build_is_the_one_taken_afresh(
    tmp_path: Path, edit: Callable[[Path, int], None]
) -> None:
    project = copy_example(tmp_path / "project")
    before = check_project(project, CACHED)
    dependencies = _dependencies(before)
    last = _fingerprints(before)
    for dependency in dependencies:
        last.of(dependency)
    kept = last.kept_for_next_build()
    assert kept
    edit(project, 1)
    after = check_project(project, CACHED)
    now = _fingerprints(after)
    now.keep(kept)
    afresh = _fingerprints(after, with_keys=False)
    assert [now.of(d) for d in dependencies] == [afresh.of(d) for d in dependencies]


def test_what_an_edit_elsewhere_leaves_unchanged_is_not_fingerprinted_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a person's description is edited, no article, story, claim or index list of the articles'
    annotations or mentions is pickled again: their stand-ins are as the last build left them."""
    project = copy_example(tmp_path / "project")
    build_project(project, CACHED)
    edit_person(project, 1)
    computed: list[Dependency] = []
    compute = Fingerprints._compute

    def noting(fingerprints: Fingerprints, table: str, key: object) -> str:
        found = compute(fingerprints, table, key)
        if found != "missing":  # a person nobody mentions has no list in the index: nothing to pickle
            computed.append((table, key))
        return found

    monkeypatch.setattr(Fingerprints, "_compute", noting)
    build_project(project, CACHED)
    assert ("people", "michael-flynn") in computed  # the edited registry is
    # A table read whole is fingerprinted from its entries' fingerprints, kept.
    assert [(table, key) for table, key in computed if table in STAND_IN_TABLES and key != EVERYTHING] == []


def test_an_entity_that_holds_other_values_than_its_story_files_gave_has_no_stand_in(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    checked = check_project(project, CACHED)
    assert checked.dossier is not None
    article = next(iter(checked.dossier.articles.values()))
    story = checked.dossier.stories[article.story_id]
    fingerprints = _fingerprints(checked)
    assert fingerprints.stand_in(("articles", article.id)) == ""  # none taken yet
    fingerprints.of(("articles", article.id))
    fingerprints.of(("stories", story.id))
    assert fingerprints.stand_in(("articles", article.id)) and fingerprints.stand_in(("stories", story.id))

    retitled = dataclasses.replace(article, title="Another title")
    fingerprints.tables["articles"] = {**fingerprints.tables["articles"], article.id: retitled}
    fingerprints.tables["stories"] = {
        **fingerprints.tables["stories"],
        story.id: dataclasses.replace(story, article_ids=story.article_ids[1:]),
    }
    assert fingerprints._stand_in("articles", article.id) is None
    assert fingerprints._stand_in("texts", article.id) is None
    assert fingerprints._stand_in("stories", story.id) is None
    # Drafts left out make a new story with the same article ids: its values are those its files gave.
    same_ids = dataclasses.replace(story, article_ids=tuple(list(story.article_ids)))
    fingerprints.tables["stories"] = {**fingerprints.tables["stories"], story.id: same_ids}
    assert fingerprints._stand_in("stories", story.id) is not None


def test_an_index_list_holding_anything_but_the_articles_own_annotations_has_no_stand_in(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    checked = check_project(project, CACHED)
    assert checked.index is not None
    claim_id, appearances = next((c, found) for c, found in checked.index.appearances.items() if found)
    fingerprints = _fingerprints(checked)
    assert fingerprints._stand_in("index.appearances", claim_id) is not None
    fingerprints.tables["index.appearances"] = {claim_id: [dataclasses.replace(appearances[0], note="Another note")]}
    assert fingerprints._stand_in("index.appearances", claim_id) is None
