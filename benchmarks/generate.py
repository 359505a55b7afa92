"""A deterministic synthetic dossier for the benchmarks: `python -m benchmarks.generate N OUT [--plain]`.

Full mode: N articles of about 800 words in stories of about 5; 8 to 10 annotations per article (claims,
sources, a correction, notes, an explicit mention) whose quotes occur exactly once in the article's text;
300 registered people whose names (and surnames, as aliases) occur in the text; claims with verdicts,
reasoning and evidence; outlets, institutions, anonymous groups and documents with `via` chains; a timeline
per story. Articles of one story retell a shared pool of sentences, so the comparison pages have work to do.

Plain mode (`--plain`): the same kind of articles, one story each, no annotations, no people, no claims:
only the outlets every article must name. This is the work the floor script and the peers do too.

dossier.yaml keeps dossier's defaults (search on, as users build); the benchmark adds `--no-search` to
measure without the index. The same N and mode always give the same bytes (a seeded `random.Random`, no
clock, sorted output).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

ARTICLES_PER_STORY = 5
PEOPLE = 300
OUTLETS = 20
WORDS_PER_ARTICLE = 800
CLAIMS_PER_STORY = 4
VERDICTS = ("confirmed", "mostly-true", "disputed", "misleading", "false", "unverified")


def _words(text: str) -> list[str]:
    return text.split()


# Real function words give the text a natural frequency profile (and the comparison its stop words).
FUNCTION_WORDS = _words(
    "the the the the of of of and and and to to to in in a a that is was for on with as by at from said "
    "it his her their they he she which were has had have been would not but also after before about "
    "officials told reported according over into more than when who this its an or later during"
)
SYLLABLES = _words(
    "ka lo mer tan vi sor pel dun ra che bo lin fa gur ne tos mi ul bar sen ko dre vo lan pi sta mor "
    "ge ri hal nu der qua til op ser mon"
)
NAME_SYLLABLES = "Ad Bre Cor Dal Eb Fen Gar Hol Iv Jor Kel Lud Mar Nor Os Per Quin Ros Sal Tor Ul Val Wen Yar Zel"
NAME_ENDINGS = _words("ara enko ford ing isson mann ova rick sby tani uel wyn ez ot ley ham")


@dataclass
class Person:
    id: str
    first: str
    last: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class Source:
    id: str
    name: str
    kind: str
    via: str | None = None
    person: str | None = None


@dataclass
class Article:
    id: str
    story_id: str
    outlet: Source
    title: str
    published: dt.date
    paragraphs: list[list[list[str]]]  # paragraph -> sentence -> words (plain)
    emphasised: set[tuple[int, int, int]] = field(default_factory=set)  # (paragraph, sentence, word)
    heading: str = ""

    def plain_paragraphs(self) -> list[str]:
        return [" ".join(" ".join(sentence) for sentence in paragraph) for paragraph in self.paragraphs]

    def plain_text(self) -> str:
        """The text as dossier sees it: passages separated by a blank line, the heading first."""
        return "\n\n".join([self.heading, *self.plain_paragraphs()])

    def markdown(self) -> str:
        blocks = [f"## {self.heading}"]
        for p, paragraph in enumerate(self.paragraphs):
            sentences = []
            for s, sentence in enumerate(paragraph):
                words = [f"*{w}*" if (p, s, i) in self.emphasised else w for i, w in enumerate(sentence)]
                sentences.append(" ".join(words))
            blocks.append(" ".join(sentences))
        return "\n\n".join(blocks) + "\n"


class Generator:
    def __init__(self, count: int, plain: bool) -> None:
        self.count = count
        self.plain = plain
        self.random = random.Random(f"dossier-benchmark-{count}-{'plain' if plain else 'full'}")
        self.vocabulary = self._vocabulary(3000)
        self.people = [] if plain else self._people()
        self.outlets = [
            Source(f"outlet-{i:02d}", f"The {self._word().capitalize()} {self._word().capitalize()}", "outlet")
            for i in range(OUTLETS)
        ]
        self.sources = [] if plain else self._sources()

    # --- words ----------------------------------------------------------------------------------

    def _vocabulary(self, size: int) -> list[str]:
        words: set[str] = set()
        while len(words) < size:
            words.add("".join(self.random.choice(SYLLABLES) for _ in range(self.random.choice((1, 2, 2, 3)))))
        return sorted(words)

    def _word(self) -> str:
        # Zipf-like: a few words often, most words rarely.
        if self.random.random() < 0.35:
            return self.random.choice(FUNCTION_WORDS)
        index = int(len(self.vocabulary) * self.random.random() ** 2.2)
        return self.vocabulary[index]

    def _sentence(self, cast: list[Person]) -> list[str]:
        words = [self._word() for _ in range(self.random.randint(14, 26))]
        if cast and self.random.random() < 0.45:
            person = self.random.choice(cast)
            position = self.random.randrange(1, len(words) - 1)
            words[position : position + 1] = person.name.split() if self.random.random() < 0.5 else [f"{person.last}'s"]
        if self.random.random() < 0.1:
            words.insert(self.random.randrange(1, len(words)), str(self.random.randint(2, 9000)))
        if self.random.random() < 0.3:
            words[self.random.randrange(2, len(words) - 1)] += ","
        words[0] = words[0].capitalize()
        words[-1] += "."
        return words

    # --- registries -----------------------------------------------------------------------------

    def _people(self) -> list[Person]:
        firsts = [a + b for a in NAME_SYLLABLES.split() for b in ("a", "en", "is", "o", "ric")]
        lasts: set[str] = set()
        capitalised = {w.capitalize() for w in self.vocabulary}
        while len(lasts) < PEOPLE:
            last = self.random.choice(NAME_SYLLABLES.split()) + self.random.choice(SYLLABLES)
            last += self.random.choice(NAME_ENDINGS)
            if last not in capitalised:
                lasts.add(last)
        people = []
        for i, last in enumerate(sorted(lasts)):
            people.append(Person(f"person-{i:03d}", self.random.choice(firsts), last))
        return people

    def _sources(self) -> list[Source]:
        sources: list[Source] = []
        for i in range(10):
            sources.append(Source(f"institution-{i:02d}", f"The {self._word().capitalize()} Ministry", "institution"))
        for i in range(20):
            via = self.random.choice(self.outlets).id
            sources.append(Source(f"officials-{i:02d}", f"{self.random.randint(2, 12)} officials", "anonymous", via))
        for i in range(20):
            author = self.random.choice(self.people).id
            via = f"institution-{self.random.randrange(10):02d}"
            name = f"The {self._word()} memorandum"
            sources.append(Source(f"document-{i:02d}", name, "document", via, author))
        for i in range(10):
            person = self.people[i * 7]
            sources.append(Source(f"spokesman-{i:02d}", f"{person.name}'s spokesman", "person", None, person.id))
        return sources

    # --- articles -------------------------------------------------------------------------------

    def _article(
        self, article_id: str, story_id: str, date: dt.date, pool: list[list[str]], cast: list[Person]
    ) -> Article:
        paragraphs: list[list[list[str]]] = []
        words = 0
        while words < WORDS_PER_ARTICLE:
            paragraph = []
            for _ in range(self.random.randint(3, 6)):
                if pool and self.random.random() < 0.5:
                    sentence = list(self.random.choice(pool))
                    if self.random.random() < 0.5:  # a retelling: one word changed
                        position = self.random.randrange(1, len(sentence) - 1)
                        sentence[position] = self._word()
                else:
                    sentence = self._sentence(cast)
                paragraph.append(sentence)
                words += len(sentence)
            paragraphs.append(paragraph)
        emphasised = {
            (p, s, self.random.randrange(len(paragraphs[p][s])))
            for p in range(len(paragraphs))
            for s in range(len(paragraphs[p]))
            if self.random.random() < 0.08
        }
        title = " ".join(self._word() for _ in range(self.random.randint(5, 10))).capitalize()
        heading = " ".join(self._word() for _ in range(4)).capitalize()
        outlet = self.random.choice(self.outlets)
        published = date + dt.timedelta(days=self.random.randrange(30))
        article = Article(article_id, story_id, outlet, title, published, paragraphs, emphasised, heading)
        return article

    def _quotes(self, article: Article, count: int) -> list[tuple[str, int, int]]:
        """(quote, paragraph, sentence) for `count` different sentences: runs of words found once in the text."""
        plain = article.plain_text()
        places = [(p, s) for p, paragraph in enumerate(article.paragraphs) for s in range(len(paragraph))]
        self.random.shuffle(places)
        quotes = []
        for p, s in places:
            sentence = article.paragraphs[p][s]
            length = self.random.randint(5, 10)
            start = self.random.randrange(0, max(1, len(sentence) - length))
            quote = " ".join(sentence[start : start + length]).strip(",.")
            if len(quote) >= 12 and plain.count(quote) == 1:
                quotes.append((quote, p, s))
            if len(quotes) == count:
                break
        return quotes

    def _sidecar(self, article: Article, claims: list[str], cast: list[Person]) -> str:
        notes = self.random.randint(1, 3)
        quotes = self._quotes(article, 3 + 2 + 1 + notes + 1)
        lines = ["# Generated annotations: every quote occurs once in the article.", "claims:"]
        taken = iter(quotes)
        source_ids = [s.id for s in self.sources]
        for _ in range(3):
            quote, _, _ = next(taken)
            sources = sorted(set(self.random.sample(source_ids, self.random.randint(0, 2))))
            lines += [f"  - claim: {self.random.choice(claims)}", f"    quote: {_yaml(quote)}"]
            if sources:
                lines.append(f"    sources: [{', '.join(sources)}]")
        lines.append("sources:")
        for _ in range(2):
            quote, _, _ = next(taken)
            lines += [f"  - source: {self.random.choice(source_ids)}", f"    quote: {_yaml(quote)}"]
        lines.append("corrections:")
        quote, _, _ = next(taken)
        lines += [
            f"  - quote: {_yaml(quote)}",
            f"    correct: {_yaml(' '.join(reversed(quote.split())))}",
            f"    note: {_yaml('The words were out of *order*.')}",
        ]
        lines.append("notes:")
        for _ in range(notes):
            quote, _, _ = next(taken)
            note = " ".join(self._word() for _ in range(self.random.randint(8, 20))).capitalize() + "."
            lines += [f"  - quote: {_yaml(quote)}", f"    note: {_yaml(note)}"]
        lines.append("mentions:")
        quote, _, _ = next(taken)
        lines += [f"  - quote: {_yaml(quote)}", f"    person: {self.random.choice(cast).id}"]
        return "\n".join(lines) + "\n"

    def _story_yaml(self, story_id: str, date: dt.date, cast: list[Person], claims: list[str]) -> str:
        title = " ".join(self._word() for _ in range(6)).capitalize()
        lines = [f"title: {_yaml(title)}", f"date: {date.isoformat()}"]
        if self.plain:
            return "\n".join(lines) + "\n"
        summary = " ".join(" ".join(self._sentence(cast)) for _ in range(3))
        lines += [f"reviewed: {(date + dt.timedelta(days=60)).isoformat()}", f"summary: {_yaml(summary)}", "claims:"]
        source_ids = [s.id for s in self.sources]
        for claim_id in claims:
            claimant = self.random.choice(cast).id if self.random.random() < 0.7 else self.random.choice(source_ids)
            about = sorted({p.id for p in self.random.sample(cast, 2)})
            evidence = sorted(set(self.random.sample(source_ids, self.random.randint(1, 3))))
            text = " ".join(self._sentence(cast))
            reasoning = " ".join(" ".join(self._sentence(cast)) for _ in range(2))
            lines += [
                f"  - id: {claim_id}",
                f"    claim: {_yaml(text)}",
                f"    claimant: {claimant}",
                f"    about: [{', '.join(about)}]",
                f"    verdict: {_yaml(self.random.choice(VERDICTS))}",
                f"    reasoning: {_yaml(reasoning)}",
                f"    evidence: [{', '.join(evidence)}]",
                f"    date: {(date - dt.timedelta(days=self.random.randrange(20))).isoformat()}",
            ]
        lines.append("timeline:")
        for day in sorted(self.random.sample(range(40), 3)):
            event = " ".join(self._word() for _ in range(10)).capitalize() + "."
            lines += [
                f"  - date: {(date + dt.timedelta(days=day)).isoformat()}",
                f"    event: {_yaml(event)}",
                f"    sources: [{self.random.choice(source_ids)}]",
            ]
        return "\n".join(lines) + "\n"

    # --- the dossier ----------------------------------------------------------------------------

    def write(self, out: Path) -> None:
        if out.exists():
            shutil.rmtree(out)
        content = out / "content"
        content.mkdir(parents=True)
        (out / "dossier.yaml").write_text(
            f"title: Benchmark dossier of {self.count} {'plain ' if self.plain else ''}articles\n"
            "base_url: https://bench.example.org/\n",  # search on, as dossier's default: as users build
            encoding="utf-8",
        )
        per_story = 1 if self.plain else ARTICLES_PER_STORY
        start = dt.date(2016, 1, 1)
        for number, first in enumerate(range(0, self.count, per_story)):
            story_id = f"story-{number:04d}"
            story_dir = content / story_id
            story_dir.mkdir()
            date = start + dt.timedelta(days=number % 2000)
            cast = self.random.sample(self.people, 6) if self.people else []
            pool = [] if self.plain else [self._sentence(cast) for _ in range(30)]
            claims = [f"{story_id}-claim-{k}" for k in range(CLAIMS_PER_STORY)]
            (story_dir / "story.yaml").write_text(self._story_yaml(story_id, date, cast, claims), encoding="utf-8")
            for index in range(first, min(first + per_story, self.count)):
                article = self._article(f"article-{index:05d}", story_id, date, pool, cast)
                front = [
                    "---",
                    f"title: {_yaml(article.title)}",
                    f"outlet: {article.outlet.id}",
                    f"published: {article.published.isoformat()}",
                    f"url: https://{article.outlet.id}.example.com/{article.id}",
                    "---",
                    "",
                ]
                (story_dir / f"{article.id}.md").write_text("\n".join(front) + article.markdown(), encoding="utf-8")
                if not self.plain:
                    sidecar = self._sidecar(article, claims, cast)
                    (story_dir / f"{article.id}.yaml").write_text(sidecar, encoding="utf-8")
        self._write_registries(content)

    def _write_registries(self, content: Path) -> None:
        lines = []
        for source in self.outlets + self.sources:
            lines += [f"- id: {source.id}", f"  name: {_yaml(source.name)}", f"  kind: {source.kind}"]
            if source.via:
                lines.append(f"  via: {source.via}")
            if source.person:
                lines.append(f"  person: {source.person}")
        (content / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        if self.plain:
            return
        lines = []
        for person in self.people:
            description = " ".join(self._word() for _ in range(12)).capitalize() + "."
            lines += [
                f"- id: {person.id}",
                f"  name: {person.name}",
                f"  aliases: [{person.last}]",
                "  roles:",
                f"    - title: {_yaml(self._word().capitalize() + ' minister')}",
                "      from: 2010-01-01",
                f"  description: {_yaml(description)}",
            ]
        (content / "people.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _yaml(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate(count: int, out: Path, plain: bool = False) -> Path:
    Generator(count, plain).write(out)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="how many articles")
    parser.add_argument("out", type=Path, help="the dossier folder to write (replaced if it exists)")
    parser.add_argument("--plain", action="store_true", help="articles only: no annotations, people or claims")
    args = parser.parse_args(argv)
    generate(args.count, args.out, args.plain)


if __name__ == "__main__":
    main()
