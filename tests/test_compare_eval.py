"""The comparison's evaluation set and its script (benchmarks/compare_eval/): the labels resolve, the script runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.compare_eval.evaluate import baseline_pairs, load_set, main, tally, unrelated_report, unrelated_texts

SLICE = "philippines-quake-20-vs-107"


def test_every_label_names_exactly_one_sentence_of_its_article() -> None:
    labelled_set = load_set()
    assert labelled_set
    for labelled in labelled_set:
        assert labelled.gold, labelled.id
        assert not labelled.never & labelled.gold.keys(), f"{labelled.id}: a pair both gold and never"


def test_the_script_prints_both_systems_on_a_slice(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--pair", SLICE])
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    assert [row.split(" | ")[0] for row in rows] == [
        "| system",
        "| dossier",
        "| TF-IDF cosine >= 0.30, greedy one-to-one",
    ]


def test_the_unrelated_articles_are_imported_whole_and_compared_pair_by_pair() -> None:
    texts = unrelated_texts()
    assert len(texts) == 11 and len({name for name, _ in texts}) == 11
    assert all(len(text.split()) >= 300 for _, text in texts), [(name, len(text.split())) for name, text in texts]
    rows = [line for line in unrelated_report(texts[:3]).splitlines() if line.startswith("| ")]
    assert rows[0] == "| system | sentence pairs made |"
    assert [row.split(" | ")[0] for row in rows[1:]] == ["| dossier", "| TF-IDF cosine >= 0.30, greedy one-to-one"]
    assert "3 articles on 3 different events" in unrelated_report(texts[:3])


def test_the_tally_counts_recall_by_kind_precision_and_never_pairs() -> None:
    (labelled,) = load_set(only=[SLICE])
    made = frozenset([*labelled.gold, *labelled.never])
    result = tally([labelled], [made])
    assert result.recall() == 1.0
    assert result.precision() == len(labelled.gold) / len(made)
    assert result.never_hits == len(labelled.never)


def test_the_baseline_pairs_one_to_one_above_its_threshold(tmp_path: Path) -> None:
    folder = _write_set(
        tmp_path,
        left="Rain fell on the city all night.\n\nThe mayor closed every school on Monday.",
        right="The mayor closed every school on Monday.\n\nThe mayor closed the schools.\n\nCats sleep a lot.",
        gold='[{left: "The mayor", right: "The mayor closed every", kind: verbatim}]',
    )
    (labelled,) = load_set(folder)
    assert baseline_pairs(labelled) == {(1, 0)}


def test_a_label_that_names_no_sentence_is_refused_with_what_to_do(tmp_path: Path) -> None:
    folder = _write_set(
        tmp_path, left="One sentence.", right="Another.", gold='[{left: "Two", right: "Another", kind: detail}]'
    )
    with pytest.raises(SystemExit, match=r"no sentence.* start with 'Two'; give the label more"):
        load_set(folder)


def _write_set(folder: Path, left: str, right: str, gold: str, never: str = "[]") -> Path:
    """A set of one pair of articles, each text under a headline, as the set's texts are."""
    (folder / "articles").mkdir()
    (folder / "articles" / "a.txt").write_text(f"Headline of A\n\n{left}", encoding="utf-8")
    (folder / "articles" / "b.txt").write_text(f"Headline of B\n\n{right}", encoding="utf-8")
    (folder / "pairs.yaml").write_text(
        f"- {{id: p, left: a, right: b, gold: {gold}, never: {never}}}\n", encoding="utf-8"
    )
    return folder


def test_headlines_are_not_compared_and_labels_naming_one_are_left_out_and_counted(tmp_path: Path) -> None:
    folder = _write_set(
        tmp_path,
        left="The mayor closed every school on Monday.",
        right="The mayor closed every school on Monday.",
        gold='[{left: "The mayor", right: "The mayor", kind: verbatim}, '
        '{left: "Headline of A", right: "Headline of B", kind: paraphrase}]',
        never='[{left: "Headline of A", right: "The mayor"}]',
    )
    (labelled,) = load_set(folder)
    assert [s.text for s in labelled.left] == ["The mayor closed every school on Monday."]
    assert (labelled.gold, labelled.never, labelled.on_headlines) == ({(0, 0): "verbatim"}, frozenset(), 2)


def test_a_sentence_in_two_gold_pairs_is_refused_as_no_one_to_one_system_could_make_both(tmp_path: Path) -> None:
    folder = _write_set(
        tmp_path,
        left="The launch is at noon.\n\nThe rocket is ready.",
        right="Launch at noon today.",
        gold='[{left: "The launch", right: "Launch", kind: paraphrase}, '
        '{left: "The rocket", right: "Launch", kind: paraphrase}]',
    )
    with pytest.raises(SystemExit, match=r"right sentence 'Launch at noon today.' is in 2 gold pairs; .* under `or:`"):
        load_set(folder)


def test_an_alternative_made_instead_of_its_gold_pair_is_found_and_correct(tmp_path: Path) -> None:
    folder = _write_set(
        tmp_path,
        left="Docking is at 3 a.m. on Tuesday.\n\n3 a.m.: docking to the forward port.",
        right="The spacecraft will dock to the forward port at 3 a.m. Tuesday.",
        gold='[{left: "Docking is", right: "The spacecraft", kind: paraphrase, '
        'or: [{left: "3 a.m.", right: "The spacecraft"}], added_after_output: true}]',
    )
    (labelled,) = load_set(folder)
    result = tally([labelled], [frozenset({(1, 0)})])
    assert (result.recall(), result.precision()) == (1.0, 1.0)
    assert labelled.added_after_output == 1


def test_per_pair_adds_a_row_for_each_pair_of_articles(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--pair", SLICE, "--per-pair"])
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith(f"| {SLICE} |")]
    (labelled,) = load_set(only=[SLICE])
    assert len(rows) == 1
    assert rows[0].split(" | ")[2:4] == [str(len(labelled.gold)), str(len(labelled.never))]
