"""How well the comparison pairs sentences of real articles, beside a TF-IDF baseline, on the labelled set here.

    python -m benchmarks.compare_eval                  # every pair of articles in pairs.yaml
    python -m benchmarks.compare_eval --pair ID ...    # only these
    python -m benchmarks.compare_eval --per-pair       # and a row for each pair of articles

For each system: recall of the gold pairs, by kind and in all; precision (the share of the pairs it made that are
gold: a pair nobody labelled counts against it); and how many never-pairs it made. Both systems pair one-to-one, so
each sentence has at most one gold counterpart; where another sentence tells the same fact as well, the label names
it under `or:` and a system that makes that pair instead is credited with the gold pair. Both systems see the same
sentences (dossier's segmentation), so only the pairing differs. dossier runs with its default settings, no
annotations and no people, as a new user's first build would.

Each text's first line is its headline. dossier keeps an article's headline in its front matter and compares the
body, so both systems see the body only, and a label that names a headline is left out (the report counts them).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import math
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dossier.compare import Sentence, Side, compare_sides, split_sentences
from dossier.model import CompareSettings

HERE = Path(__file__).resolve().parent
KINDS = ("verbatim", "paraphrase", "detail")
BASELINE_THRESHOLD = 0.30  # the cosine a TF-IDF pair needs, as the issue measured it
BASELINE_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern, lower-cased

Pairing = frozenset[tuple[int, int]]


@dataclass(frozen=True)
class Labelled:
    """One pair of articles, split into sentences, with the sentence pairs a reader made and must never be made."""

    id: str
    left: tuple[Sentence, ...]
    right: tuple[Sentence, ...]
    left_text: str
    right_text: str
    gold: dict[tuple[int, int], str]  # (left sentence, right sentence) -> kind
    never: Pairing
    alternatives: dict[tuple[int, int], tuple[int, int]]  # a pair that tells a gold pair's fact -> that gold pair
    added_after_output: int  # labels written after seeing what a system made
    on_headlines: int = 0  # labels left out because they name a headline, which dossier does not compare

    def found(self, made: Pairing) -> set[tuple[int, int]]:
        """The gold pairs made, directly or through one of their alternatives."""
        return {pair for pair in made if pair in self.gold} | {
            gold for alternative, gold in self.alternatives.items() if alternative in made
        }

    def correct(self, made: Pairing) -> int:
        return len(made & (self.gold.keys() | self.alternatives.keys()))


@dataclass
class Tally:
    """What one system got right and wrong, summed over pairs of articles."""

    found: Counter[str]  # gold pairs made, by kind
    gold: Counter[str]  # gold pairs, by kind
    made: int = 0  # sentence pairs made
    correct: int = 0  # of those, gold
    never_hits: int = 0

    def recall(self, kind: str | None = None) -> float:
        total = sum(self.gold.values()) if kind is None else self.gold[kind]
        found = sum(self.found.values()) if kind is None else self.found[kind]
        return found / total if total else math.nan

    def precision(self) -> float:
        return self.correct / self.made if self.made else math.nan


def load_set(folder: Path = HERE, only: Iterable[str] = ()) -> list[Labelled]:
    """The labelled pairs (those named in `only`, if any), each label resolved to dossier's sentences."""
    chosen = set(only)
    pairs: list[dict[str, Any]] = yaml.safe_load((folder / "pairs.yaml").read_text(encoding="utf-8"))
    unknown = chosen - {pair["id"] for pair in pairs}
    if unknown:
        raise SystemExit(f"{folder / 'pairs.yaml'}: no pair named {', '.join(sorted(unknown))}")
    return [_labelled(folder, pair) for pair in pairs if not chosen or pair["id"] in chosen]


def _labelled(folder: Path, pair: dict[str, Any]) -> Labelled:
    left_headline, left_text = _headline_and_body(folder / "articles" / f"{pair['left']}.txt")
    right_headline, right_text = _headline_and_body(folder / "articles" / f"{pair['right']}.txt")
    left, right = tuple(split_sentences(left_text)), tuple(split_sentences(right_text))
    where = f"{folder / 'pairs.yaml'}: pair {pair['id']}"

    def resolve(label: dict[str, Any]) -> tuple[int, int]:
        return _sentence(left, label["left"], where), _sentence(right, label["right"], where)

    def names_a_headline(label: dict[str, Any]) -> bool:
        return left_headline.startswith(label["left"]) or right_headline.startswith(label["right"])

    every_label = [*pair.get("gold", []), *pair.get("never", [])]
    on_headlines = sum(1 for label in every_label if names_a_headline(label))
    pair = {
        **pair,
        "gold": [label for label in pair.get("gold", []) if not names_a_headline(label)],
        "never": [label for label in pair.get("never", []) if not names_a_headline(label)],
    }
    labels: list[dict[str, Any]] = pair["gold"]
    gold = {resolve(label): label["kind"] for label in labels}
    unknown_kinds = set(gold.values()) - set(KINDS)
    if unknown_kinds:
        raise SystemExit(f"{where}: unknown kind {', '.join(sorted(unknown_kinds))}; the kinds are {', '.join(KINDS)}")
    _check_one_to_one(gold, left, right, where)
    alternatives = {resolve(other): resolve(label) for label in labels for other in label.get("or", [])}
    never = frozenset(resolve(label) for label in pair.get("never", []))
    added = sum(1 for label in [*labels, *pair.get("never", [])] if label.get("added_after_output"))
    return Labelled(pair["id"], left, right, left_text, right_text, gold, never, alternatives, added, on_headlines)


def _headline_and_body(path: Path) -> tuple[str, str]:
    """A text's first line (its headline) and the rest, as dossier would read a title and a body."""
    headline, _, body = path.read_text(encoding="utf-8").partition("\n")
    return headline.strip(), body.lstrip("\n")


def _check_one_to_one(
    gold: dict[tuple[int, int], str], left: Sequence[Sentence], right: Sequence[Sentence], where: str
) -> None:
    """Both systems pair each sentence at most once, so a sentence in two gold pairs makes full recall impossible."""
    for side, sentences, index in (("left", left, 0), ("right", right, 1)):
        counts = Counter(pair[index] for pair in gold)
        twice = sorted(sentence for sentence, count in counts.items() if count > 1)
        if twice:
            opening = sentences[twice[0]].text[:40]
            raise SystemExit(
                f"{where}: the {side} sentence {opening!r} is in {counts[twice[0]]} gold pairs; keep the closer "
                "counterpart as gold and name the other under `or:`"
            )


def _sentence(sentences: Sequence[Sentence], start: str, where: str) -> int:
    """The one sentence that starts with `start`: labels name sentences by their opening words."""
    found = [s.index for s in sentences if s.text.startswith(start)]
    if len(found) != 1:
        how_many = "no sentence" if not found else f"{len(found)} sentences"
        raise SystemExit(f"{where}: {how_many} start with {start!r}; give the label more of the sentence's words")
    return found[0]


def dossier_pairs(labelled: Labelled) -> Pairing:
    alignment = compare_sides(
        Side(f"{labelled.id}-left", labelled.left_text),
        Side(f"{labelled.id}-right", labelled.right_text),
        CompareSettings(),
    )
    return frozenset((pair.left, pair.right) for pair in alignment.pairs)


def baseline_pairs(labelled: Labelled, threshold: float = BASELINE_THRESHOLD) -> Pairing:
    """TF-IDF cosine (smoothed idf over both articles' sentences, l2-normed), greedy one-to-one from the best down."""
    left = [_terms(s.text) for s in labelled.left]
    right = [_terms(s.text) for s in labelled.right]
    documents = left + right
    frequency = Counter(term for terms in documents for term in set(terms))
    idf = {term: math.log((1 + len(documents)) / (1 + found)) + 1 for term, found in frequency.items()}
    left_vectors = [_vector(terms, idf) for terms in left]
    right_vectors = [_vector(terms, idf) for terms in right]
    scored = sorted(
        (
            (-_dot(a, b), i, j)
            for i, a in enumerate(left_vectors)
            for j, b in enumerate(right_vectors)
            if _dot(a, b) >= threshold
        )
    )
    taken_left: set[int] = set()
    taken_right: set[int] = set()
    chosen: set[tuple[int, int]] = set()
    for _, i, j in scored:
        if i not in taken_left and j not in taken_right:
            chosen.add((i, j))
            taken_left.add(i)
            taken_right.add(j)
    return frozenset(chosen)


def _terms(text: str) -> list[str]:
    return BASELINE_TOKEN.findall(text.lower())


def _vector(terms: list[str], idf: dict[str, float]) -> dict[str, float]:
    weights = {term: count * idf[term] for term, count in Counter(terms).items()}
    norm = math.sqrt(math.fsum(w * w for w in weights.values()))
    return {term: w / norm for term, w in weights.items()} if norm else {}


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    return math.fsum(weight * b[term] for term, weight in a.items() if term in b)


def tally(labelled_set: Sequence[Labelled], pairings: Sequence[Pairing]) -> Tally:
    result = Tally(found=Counter(), gold=Counter())
    for labelled, made in zip(labelled_set, pairings, strict=True):
        result.gold.update(labelled.gold.values())
        result.found.update(labelled.gold[pair] for pair in labelled.found(made))
        result.made += len(made)
        result.correct += labelled.correct(made)
        result.never_hits += len(made & labelled.never)
    return result


def report(labelled_set: Sequence[Labelled], tallies: dict[str, Tally]) -> str:
    gold = next(iter(tallies.values())).gold
    never = sum(len(labelled.never) for labelled in labelled_set)
    added = sum(labelled.added_after_output for labelled in labelled_set)
    on_headlines = sum(labelled.on_headlines for labelled in labelled_set)
    lines = [
        f"{len(labelled_set)} pairs of articles, {sum(gold.values())} gold sentence pairs "
        f"({', '.join(f'{gold[kind]} {kind}' for kind in KINDS)}), {never} never-pairs"
        + (f"; {added} of the labels written after seeing output" if added else "")
        + (f"; {on_headlines} labels on headlines left out (not compared)" if on_headlines else ""),
        "",
        "| system | recall | precision | never-pairs hit | " + " | ".join(f"recall: {kind}" for kind in KINDS) + " |",
        "|---|---|---|---|" + "---|" * len(KINDS),
    ]
    for name, result in tallies.items():
        by_kind = " | ".join(_fraction(result.found[kind], result.gold[kind]) for kind in KINDS)
        lines.append(
            f"| {name} | {_fraction(sum(result.found.values()), sum(result.gold.values()))} "
            f"| {_fraction(result.correct, result.made)} | {result.never_hits} | {by_kind} |"
        )
    return "\n".join(lines)


def _fraction(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / whole:.2f}" if whole else "-"


SYSTEMS = {
    "dossier": dossier_pairs,
    f"TF-IDF cosine >= {BASELINE_THRESHOLD:.2f}, greedy one-to-one": baseline_pairs,
}


def pairings(labelled_set: Sequence[Labelled]) -> dict[str, list[Pairing]]:
    """What each system paired, per pair of articles: run once, then summed or shown pair by pair."""
    return {name: [pair_sentences(labelled) for labelled in labelled_set] for name, pair_sentences in SYSTEMS.items()}


def evaluate(labelled_set: Sequence[Labelled], made: dict[str, list[Pairing]] | None = None) -> dict[str, Tally]:
    made = pairings(labelled_set) if made is None else made
    return {name: tally(labelled_set, made[name]) for name in SYSTEMS}


def per_pair_report(labelled_set: Sequence[Labelled], made: dict[str, list[Pairing]]) -> str:
    """A row per pair of articles: its size and labels, then each system's gold found / pairs made / never-pairs hit."""
    names = list(SYSTEMS)
    columns = " | ".join(f"{name.split(',')[0]}: found/made/never" for name in names)
    lines = [
        f"| pair | words | gold | never | {columns} |",
        "|---|---|---|---|" + "---|" * len(names),
    ]
    for index, labelled in enumerate(labelled_set):
        words = f"{len(labelled.left_text.split())} / {len(labelled.right_text.split())}"
        cells = []
        for name in names:
            pairs = made[name][index]
            found = len(labelled.found(pairs))
            cells.append(f"{found}/{len(pairs)}/{len(pairs & labelled.never)}")
        lines.append(
            f"| {labelled.id} | {words} | {len(labelled.gold)} | {len(labelled.never)} | " + " | ".join(cells) + " |"
        )
    return "\n".join(lines)


# --- Unrelated articles: every pair made between articles on different events is a false pair -------------------

CORPUS = HERE.parent.parent / "tests" / "fixtures" / "corpus" / "pages"  # real news pages, one event each


def unrelated_texts(pages: Path = CORPUS) -> list[tuple[str, str]]:
    """Each saved page of the importer's corpus as dossier imports it and the comparison reads it: (name, text).

    The pages are eleven reports of eleven different events (tests/fixtures/corpus/README.md), imported into a
    throw-away project with `dossier import`, then their Markdown read as a build reads it."""
    from dossier.cli import main as dossier
    from dossier.text import make_markdown, parse_article_text

    markdown = make_markdown()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        project = folder / "site"
        for page in sorted(pages.glob("*.html.gz")):
            (folder / page.name[: -len(".gz")]).write_bytes(gzip.decompress(page.read_bytes()))
        quiet = ["-C", str(project), "-q"]
        if dossier(["init", str(project), "-q"]) or dossier(["new", "story", "unrelated", *quiet]):
            raise SystemExit("could not make a project to import the corpus into")
        if dossier(["import", "--story", "unrelated", *quiet, *map(str, sorted(folder.glob("*.html")))]):
            raise SystemExit("could not import the corpus")
        articles = sorted((project / "content" / "unrelated").glob("*.md"))
        return [
            (
                article.stem,
                parse_article_text(markdown, article.read_text(encoding="utf-8").split("\n---\n", 1)[1]).text,
            )
            for article in articles
        ]


def unrelated_report(texts: Sequence[tuple[str, str]]) -> str:
    """How many sentence pairs each system makes between articles on different events (all of them false)."""
    comparisons = list(itertools.combinations(texts, 2))
    sentences = {name: tuple(split_sentences(text)) for name, text in texts}
    lines = [
        f"{len(texts)} articles on {len(texts)} different events (tests/fixtures/corpus), {len(comparisons)} pairs "
        f"of articles, {sum(map(len, sentences.values()))} sentences: every sentence pair made is false",
        "",
        "| system | sentence pairs made |",
        "|---|---|",
    ]
    for name, pair_sentences in SYSTEMS.items():
        made = sum(
            len(
                pair_sentences(Labelled(f"{a}|{b}", sentences[a], sentences[b], text_a, text_b, {}, frozenset(), {}, 0))
            )
            for (a, text_a), (b, text_b) in comparisons
        )
        lines.append(f"| {name} | {made} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare_eval", description=__doc__.splitlines()[0])
    parser.add_argument("--pair", action="append", default=[], metavar="ID", help="only this pair (repeatable)")
    parser.add_argument("--per-pair", action="store_true", help="also a row for each pair of articles")
    parser.add_argument(
        "--unrelated", action="store_true", help="also the pairs made between real articles on different events"
    )
    arguments = parser.parse_args(argv)
    labelled_set = load_set(only=arguments.pair)
    made = pairings(labelled_set)
    print(report(labelled_set, evaluate(labelled_set, made)))
    if arguments.per_pair:
        print()
        print(per_pair_report(labelled_set, made))
    if arguments.unrelated:
        print()
        print(unrelated_report(unrelated_texts()))
