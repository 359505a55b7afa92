"""The story memo (load.StoryMemos): an unchanged story folder is read back from the build cache, and the build's
diagnostics, every one of them and in the same order once sorted, are those of a clean build."""

from __future__ import annotations

import pickle
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from dossier import kept_files, load, story_results
from dossier.anchor import stage
from dossier.cache import CACHE_FOLDER, CacheStore, fingerprint
from dossier.compare import stage as compare_stage
from dossier.model import Article
from dossier.pipeline import BuildOptions, Built, build_project
from tests.conftest import copy_example

STORY = Path("content") / "flynn-kislyak"
CACHED = BuildOptions(use_cache=True)  # every build runs the stages: no stopping early when nothing changed


def _diagnostics(built: Built) -> list[str]:
    return [str(diagnostic) for diagnostic in built.report.sorted()]


def _clean_diagnostics(project: Path, scratch: Path) -> list[str]:
    return _diagnostics(build_project(_clean_copy(project, scratch)))


def _clean_copy(
    project: Path,
    scratch: Path,
) -> Path:
    ignored = shutil.ignore_patterns("build", CACHE_FOLDER, ".build.lock")
    shutil.copytree(project, scratch, symlinks=True, ignore=ignored)
    return scratch


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write(text)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = copy_example(tmp_path / "project")
    assert build_project(project, CACHED).written is not None
    return project


def _count_story_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    read: list[str] = []
    real = load.load_story

    def counted(story_dir: Path, *args: object) -> load.RawStory:
        read.append(story_dir.name)
        return real(story_dir, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(load, "load_story", counted)
    return read


def test_a_registry_edit_reads_no_story_folder_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    read = _count_story_reads(monkeypatch)
    _append(project / "content" / "people.yaml", "\n- id: added-person\n  name: Added Person\n")
    assert build_project(project, CACHED).written is not None
    assert read == []
    _append(project / STORY / "story.yaml", "\n")
    assert build_project(project, CACHED).written is not None
    assert read == ["flynn-kislyak"]


def test_a_person_removed_from_the_registry_is_an_error_in_the_unchanged_story(project: Path, tmp_path: Path) -> None:
    people = project / "content" / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("- id: mike-pence\n", "- id: mike-pence-x\n"))
    diagnostics = _diagnostics(build_project(project, CACHED))
    assert any("unknown person 'mike-pence'" in line and line.startswith(str(STORY)) for line in diagnostics)
    assert diagnostics == _clean_diagnostics(project, tmp_path / "clean")


def test_a_registry_id_that_clashes_with_an_unchanged_storys_source_is_a_duplicate(
    project: Path, tmp_path: Path
) -> None:
    _append(project / STORY / "story.yaml", "sources:\n  - id: local-memo\n    name: Local\n    kind: outlet\n")
    assert build_project(project, CACHED).written is not None
    _append(project / "content" / "sources.yaml", "\n- id: local-memo\n  name: Registered\n  kind: outlet\n")
    diagnostics = _diagnostics(build_project(project, CACHED))
    assert any("duplicate person or source id 'local-memo'" in line for line in diagnostics)
    assert diagnostics == _clean_diagnostics(project, tmp_path / "clean")


def test_a_new_story_that_takes_an_unchanged_storys_claim_id_gives_the_clean_builds_errors(
    project: Path, tmp_path: Path
) -> None:
    earlier = project / "content" / "a-earlier-story"  # read before flynn-kislyak: it takes the id first
    earlier.mkdir()
    claim = (
        "  - id: pence-repeated-denial\n    claim: Taken first.\n    claimant: mike-pence\n    verdict: misleading\n"
    )
    (earlier / "story.yaml").write_text(f"title: Earlier\nclaims:\n{claim}", encoding="utf-8")
    diagnostics = _diagnostics(build_project(project, CACHED))
    assert any("duplicate claim id 'pence-repeated-denial'" in line for line in diagnostics)
    assert diagnostics == _clean_diagnostics(project, tmp_path / "clean")


def _write_placeholder(project: Path) -> None:
    story = project / STORY / "story.yaml"
    _, rest = story.read_text(encoding="utf-8").split("\n", 1)
    story.write_text(f"title: The headline, as published\n{rest}", encoding="utf-8")


def test_placeholder_warnings_come_back_from_the_memo(project: Path, tmp_path: Path) -> None:
    _write_placeholder(project)
    first = _diagnostics(build_project(project, CACHED))
    assert any("placeholder" in line for line in first)
    _append(project / "content" / "people.yaml", "\n- id: added-person\n  name: Added Person\n")
    assert _diagnostics(build_project(project, CACHED)) == first == _clean_diagnostics(project, tmp_path / "clean")


def test_a_story_file_turned_into_a_link_out_of_the_project_is_not_read_from_the_memo(
    project: Path, tmp_path: Path
) -> None:
    sidecar = project / STORY / "the-week.yaml"
    outside = tmp_path / "outside.yaml"
    outside.write_bytes(sidecar.read_bytes())  # the same bytes: only the link differs
    sidecar.unlink()
    sidecar.symlink_to(outside)
    diagnostics = _diagnostics(build_project(project, CACHED))
    assert (
        f"{STORY}/the-week.yaml:1:1: error: this file is a link to outside the project; it is not read" in diagnostics
    )
    assert diagnostics == _clean_diagnostics(project, tmp_path / "clean")


def test_a_draft_build_does_not_take_the_published_builds_memo(project: Path, tmp_path: Path) -> None:
    _write_placeholder(project)
    story = project / STORY / "story.yaml"
    story.write_text(story.read_text(encoding="utf-8").replace("\ndate:", "\ndraft: true\ndate:", 1))
    published = build_project(project, CACHED)
    with_drafts = build_project(project, BuildOptions(use_cache=True, include_drafts=True))
    clean = build_project(_clean_copy(project, tmp_path / "clean"), BuildOptions(include_drafts=True))
    assert _diagnostics(with_drafts) == _diagnostics(clean) != _diagnostics(published)


def test_a_dossier_yaml_edit_reaches_the_unchanged_storys_articles(project: Path, tmp_path: Path) -> None:
    """An article without `language:` takes dossier.yaml's: the story's files are unchanged, its model is not."""
    config = project / "dossier.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("\nlanguage: en\n", "\nlanguage: de\n"))
    built = build_project(project, CACHED)
    assert built.written is not None and built.checked.dossier is not None
    assert {article.language for article in built.checked.dossier.articles.values()} == {"de"}
    assert _diagnostics(built) == _clean_diagnostics(project, tmp_path / "clean")


DAMAGED: list[tuple[Any, ...]] = [
    ("x",) * 3,  # a wrong count
    ([("fatal", "here", 1)], [], [], [], [], [], None, [], [], [], []),  # a diagnostic of the wrong kinds
    ([], [], [], [], [], [], "story", ["source"], [], [], []),  # strings where the model belongs
    ([], [], [], [], [], [], None, [], [], [], ["print"]),  # an annotation fingerprint for no article
]


def test_an_unchanged_storys_annotations_are_not_fingerprinted_again(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Anchoring's memo takes each article's annotation fingerprint from its story memo (made with the memo)."""
    fingerprinted: list[object] = []
    real = fingerprint

    def counted(value: object, *args: Any) -> str:
        fingerprinted.append(value)
        return real(value, *args)

    monkeypatch.setattr(stage, "fingerprint", counted)
    sidecar = project / STORY / "the-moscow-times.yaml"
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace("is misspelt.", "is misspelt here."), "utf-8")
    built = build_project(project, CACHED)
    assert built.written is not None and built.checked.dossier is not None
    assert fingerprinted == []
    clean = build_project(_clean_copy(project, tmp_path / "clean"))
    assert built.checked.dossier.articles == clean.checked.dossier.articles  # type: ignore[union-attr]
    assert _diagnostics(built) == _diagnostics(clean)


@pytest.mark.parametrize("damaged", DAMAGED)
def test_damaged_story_memos_are_made_again(project: Path, tmp_path: Path, damaged: tuple[Any, ...]) -> None:
    """Every entry of load's namespace (story memos and YAML memos alike) replaced by a value of another shape."""
    shards = sorted((project / CACHE_FOLDER / "build").glob(f"{load.YAML_CACHE}-*.pickle"))
    assert shards
    for shard in shards:
        entries = pickle.loads(shard.read_bytes())
        shard.write_bytes(pickle.dumps(dict.fromkeys(entries, pickle.dumps(damaged))))
    _append(project / "content" / "people.yaml", "\n- id: added-person\n  name: Added Person\n")
    built = build_project(project, CACHED)
    assert built.written is not None
    assert _diagnostics(built) == _clean_diagnostics(project, tmp_path / "clean")


def _count_cache_reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    reads: Counter[str] = Counter()
    real = CacheStore.get

    def counted(store: CacheStore, namespace: str, key: str) -> Any:
        reads[namespace] += 1
        return real(store, namespace, key)

    monkeypatch.setattr(CacheStore, "get", counted)
    return reads


def test_an_unchanged_storys_texts_anchors_mentions_and_languages_are_one_read(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild reads an unchanged story's results in one read, not one per article in each stage, and makes
    none of its articles' sides for the comparison (their keys are kept)."""
    reads = _count_cache_reads(monkeypatch)
    sides: list[str] = []
    real_side_of = compare_stage.side_of

    def side_and_note(article: Article, *args: Any) -> Any:
        sides.append(article.id)
        return real_side_of(article, *args)

    monkeypatch.setattr(compare_stage, "side_of", side_and_note)
    _append(project / "content" / "sources.yaml", "\n")  # so that the build does not stop early
    assert build_project(project, CACHED).written is not None
    assert reads[story_results.STORY_RESULTS_CACHE] == 1
    assert [reads[namespace] for namespace in ("texts", "anchors", "mentions", "language")] == [0, 0, 0, 0]
    assert sides == []
    assert _diagnostics(build_project(project, CACHED)) == _clean_diagnostics(project, tmp_path / "clean")


@pytest.mark.parametrize(
    "damaged", [("x",), (("the-week", "x", ("", ()), None), ("the-moscow-times", "x", ("", ()), None))]
)
def test_a_damaged_story_result_is_made_again(project: Path, tmp_path: Path, damaged: tuple[Any, ...]) -> None:
    shards = sorted((project / CACHE_FOLDER / "build").glob(f"{story_results.STORY_RESULTS_CACHE}-*.pickle"))
    assert shards
    for shard in shards:
        entries = pickle.loads(shard.read_bytes())
        shard.write_bytes(pickle.dumps({key: pickle.dumps(damaged) for key in entries}))
    _append(project / "content" / "sources.yaml", "\n")
    built = build_project(project, CACHED)
    clean = build_project(_clean_copy(project, tmp_path / "clean"))
    assert _diagnostics(built) == _diagnostics(clean)
    assert _site(project) == _site(tmp_path / "clean")


def test_a_person_named_in_an_unchanged_story_is_found_there(project: Path, tmp_path: Path) -> None:
    """The people's names are part of a story result's key: a person added is found in the unchanged texts."""
    _append(project / "content" / "people.yaml", "\n- id: added-logan\n  name: Logan\n")
    built = build_project(project, CACHED)
    clean = build_project(_clean_copy(project, tmp_path / "clean"))
    assert _diagnostics(built) == _diagnostics(clean)
    assert _site(project) == _site(tmp_path / "clean")
    assert built.checked.index and [m.article_id for m in built.checked.index.mentions["added-logan"]] == ["the-week"]


def _site(project: Path) -> dict[str, bytes]:
    files = sorted(path for path in (project / "build").rglob("*") if path.is_file())
    return {path.relative_to(project / "build").as_posix(): path.read_bytes() for path in files}


def test_a_build_that_looked_for_changes_reads_no_unchanged_story_file_again(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`dossier build` took each content file's digest when it looked for a change since the last build: a story
    memo's key takes those of the files whose size and time are unchanged, and an edited file is read."""
    options = BuildOptions(use_cache=True, skip_unchanged=True)
    assert build_project(project, options).written is not None  # the last build's table of files
    read: list[str] = []
    real = kept_files.read_regular  # as load imports it

    def counted(path: Any, *args: Any, **kwargs: Any) -> bytes:
        if Path(path).parent.name == STORY.name:
            read.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(load, "read_regular", counted)
    _append(project / "content" / "sources.yaml", "\n")
    assert build_project(project, options).written is not None
    assert read == []
    _append(project / STORY / "the-week.yaml", "\n")
    built = build_project(project, options)
    assert "the-week.yaml" in read  # its memo's key changed: the folder is read again
    assert _diagnostics(built) == _clean_diagnostics(project, tmp_path / "clean")
    assert _site(project) == _site(tmp_path / "clean")


def test_an_article_reached_with_another_budget_is_anchored_from_its_own_entries(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A story's entry keeps the budget each article's anchoring began with: an article that anchoring reaches
    with another (an earlier article spent otherwise) takes its anchors and mentions from its own entries, or is
    anchored again, and the site is a clean build's."""
    shards = sorted((project / CACHE_FOLDER / "build").glob(f"{story_results.STORY_RESULTS_CACHE}-*.pickle"))
    for shard in shards:
        entries = pickle.loads(shard.read_bytes())
        for key, data in entries.items():
            first, *others = pickle.loads(data)
            article_id, (text, (occurrences, fuzzy_work), anchor_key, kept), *rest = first
            first = (article_id, (text, (occurrences + 1, fuzzy_work), anchor_key, kept), *rest)
            entries[key] = pickle.dumps((first, *others))
        shard.write_bytes(pickle.dumps(entries))
    reads = _count_cache_reads(monkeypatch)
    _append(project / "content" / "sources.yaml", "\n")
    built = build_project(project, CACHED)
    assert (reads["anchors"], reads["mentions"]) == (1, 1)  # the first article's; the second's are kept
    clean = build_project(_clean_copy(project, tmp_path / "clean"))
    assert _diagnostics(built) == _diagnostics(clean)
    assert _site(project) == _site(tmp_path / "clean")


def test_a_cold_builds_story_results_wait_on_disk_until_their_shards_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold build puts every story's results at once, just before rendering (33 MB of pickles at 5,000
    articles, which the heap then kept): they wait in the store's temporary file, not in memory, and the next
    build reads them."""
    spilled: list[bool] = []
    real_put = CacheStore.put

    def noting(store: CacheStore, namespace: str, key: str, value: Any) -> None:
        if namespace == story_results.STORY_RESULTS_CACHE:
            spilled.append(namespace in store._spilling)
        real_put(store, namespace, key, value)

    monkeypatch.setattr(CacheStore, "put", noting)
    project = copy_example(tmp_path / "project")
    assert build_project(project, CACHED).written is not None
    assert spilled and all(spilled)
    reads = _count_cache_reads(monkeypatch)
    _append(project / "content" / "sources.yaml", "\n")  # so that the build does not stop early
    assert build_project(project, CACHED).written is not None
    assert reads[story_results.STORY_RESULTS_CACHE] == 1
