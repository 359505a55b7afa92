"""The comparison's cost per pair of articles, on the benchmark's generated stories: one process, one core.

    python -m benchmarks.compare_cost                    # 200 articles (40 stories of 5: 400 pairs), best of 5
    python -m benchmarks.compare_cost --meaning off      # without the meaning signal, to compare

Each story's articles are described once and every pair of them compared, as the build's comparison stage does
(dossier/compare/stage.py), without the cache and without workers. The figure is process time per pair, the best
of several rounds (the machine is shared), describing included; loading the sentence model, once per process, is
given apart.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from pathlib import Path

from benchmarks.generate import generate
from dossier.compare import Side, compare_sides
from dossier.compare.align import describe_side
from dossier.compare.meaning import OFF, shipped_model
from dossier.model import CompareSettings
from dossier.text import make_markdown, parse_article_text


def stories(folder: Path) -> list[list[Side]]:
    """Each generated story's articles, as the comparison sees them (their Markdown's plain text)."""
    markdown = make_markdown()
    found = []
    for story in sorted(path for path in (folder / "content").iterdir() if path.is_dir()):
        sides = []
        for article in sorted(story.glob("*.md")):
            body = article.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
            sides.append(Side(article.stem, parse_article_text(markdown, body).text))
        found.append(sides)
    return found


def one_round(all_stories: list[list[Side]], settings: CompareSettings) -> tuple[float, int]:
    """Process seconds for every pair of every story, and how many pairs."""
    pairs = 0
    started = time.process_time()
    for sides in all_stories:
        described = [describe_side(side, meaning=settings.meaning) for side in sides]
        for left, right in itertools.combinations(described, 2):
            compare_sides(left, right, settings)
            pairs += 1
    return time.process_time() - started, pairs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare_cost", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200, help="how many generated articles (default 200)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds, the best one counts (default 5)")
    parser.add_argument("--meaning", default=CompareSettings.meaning, help="the sentence model, or off")
    arguments = parser.parse_args(argv)
    settings = CompareSettings(meaning=arguments.meaning)
    with tempfile.TemporaryDirectory() as temporary:
        all_stories = stories(generate(arguments.articles, Path(temporary) / "dossier"))
    if settings.meaning != OFF:
        started = time.process_time()
        shipped_model()
        print(f"loading the sentence model: {time.process_time() - started:.2f} s (once per process)")
    rounds = [one_round(all_stories, settings) for _ in range(arguments.rounds)]
    seconds, pairs = min(rounds)
    print(
        f"meaning {settings.meaning}: {pairs} pairs, {1000 * seconds / pairs:.2f} ms per pair (best of {len(rounds)})"
    )


if __name__ == "__main__":
    main()
