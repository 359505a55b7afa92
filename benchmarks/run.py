"""Measure dossier against the floor (and Pelican and Hugo, where installed), all in one run.

    python -m benchmarks.run                 # N=1000 and N=5000, 5 repetitions, peers: about 15 minutes
    python -m benchmarks.run --smoke         # tiny N, one repetition: a quick check that everything runs

Each dossier figure is measured with the default settings (search on, as users build: the headline) and with
`--no-search` beside it, one line per target of issue 17, each with its target and whether it is met. Every
time is a median wall time of a child process (start-up included) and is divided by the floor measured in the
same run on the same articles: the machine is shared and noisy, so only ratios travel.
The floor (benchmarks/floor.py) reads each article, renders its Markdown into one template and writes it.
Peak RSS is the child's `ru_maxrss` (os.wait4). The output's size is that of the cold build's folder (its
regular files: bytes per article, how many files, and the share of each kind of page or data file; GitHub
Pages caps a site at 1 GB). The table is printed and written to benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import compileall
import http.client
import importlib.metadata
import importlib.util
import itertools
import json
import os
import platform
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.generate import generate

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
PEERS = HERE / ".peers"
PELICAN_VENV = PEERS / "pelican"
PYTHON = sys.executable
CACHE_FOLDER = ".dossier-cache"


@dataclass
class Run:
    seconds: float
    rss_mib: float


@dataclass
class Figure:
    name: str
    runs: list[Run] = field(default_factory=list)
    note: str = ""

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def rss_mib(self) -> float:
        return max(r.rss_mib for r in self.runs)


def timed(command: list[str], cwd: Path | None = None) -> Run:
    """Run `command` to completion: wall time and the child's peak RSS. Fails loudly on a non-zero exit."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{errors.read().decode()[-3000:]}")
    return Run(seconds, usage.ru_maxrss / 1024)


def repeat(name: str, times: int, prepare: Callable[[int], None], command: list[str], note: str = "") -> Figure:
    figure = Figure(name, note=note)
    for attempt in range(times):
        prepare(attempt)
        figure.runs.append(timed(command))
    print(f"  {name}: {figure.seconds:.3f} s (median of {times}), peak RSS {figure.rss_mib:.0f} MiB", flush=True)
    return figure


def remove(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def count_pages(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


@dataclass(frozen=True)
class OutputSize:
    """What a build leaves for the host (GitHub Pages caps a site at 1 GB), and which kinds of file hold it."""

    files: int
    bytes: int
    bytes_by_kind: dict[str, int] = field(default_factory=dict)

    def per_article(self, articles: int) -> float:
        return self.bytes / articles

    def describe(self, articles: int) -> str:
        return (
            f"{self.per_article(articles) / 1000:.1f} KB per article; {self.bytes / 1e6:.1f} MB in {self.files} files"
            + (f" ({self.split()})" if self.bytes_by_kind else "")
        )

    def describe_kinds(self, articles: int) -> str:
        """KB per article of each kind of file, largest first (those under 0.1 KB left out)."""
        largest = sorted(self.bytes_by_kind.items(), key=lambda item: (-item[1], item[0]))
        shown = [(kind, size / articles / 1000) for kind, size in largest]
        return "KB per article: " + ", ".join(f"{kind} {kb:.1f}" for kind, kb in shown if kb >= 0.1)

    def split(self) -> str:
        """The kinds of file, largest first, each as a share of the whole: where the bytes go."""
        largest = sorted(self.bytes_by_kind.items(), key=lambda item: (-item[1], item[0]))
        return ", ".join(f"{kind} {size / self.bytes:.0%}" for kind, size in largest if size >= 0.01 * self.bytes)


def file_kind(relative: Path) -> str:
    """What a file of the site is, by where dossier.urls puts it (a story's pages under stories/STORY/)."""
    parts = relative.parts
    if parts[0] == "stories" and len(parts) >= 3:
        if parts[-1] == "compare.html":
            return "comparison pages"
        if parts[-1] == "feed.xml":
            return "feeds"
        return "article pages" if len(parts) >= 4 else "story pages"
    if parts[0] in ("people", "claims", "sources") and len(parts) >= 3:
        return {"people": "person pages", "claims": "claim pages", "sources": "source pages"}[parts[0]]
    if parts[0] == "data":
        return relative.as_posix()
    if parts[0] == "pagefind":
        return "search index"
    if parts[-1] == "feed.xml":
        return "feeds"
    return "other"


def output_size(folder: Path) -> OutputSize:
    bytes_by_kind: dict[str, int] = {}
    files = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            kind = file_kind(path.relative_to(folder))
            bytes_by_kind[kind] = bytes_by_kind.get(kind, 0) + path.stat().st_size
            files += 1
    return OutputSize(files, sum(bytes_by_kind.values()), bytes_by_kind)


@dataclass(frozen=True)
class SearchFetch:
    """What a reader's first search for one word fetches from a site's index, as Pagefind's search in Chromium
    was seen to: Pagefind's script, worker and WebAssembly once; of each bundle its entry file, its metadata and
    one chunk of its word index (here the bundle's average chunk); and the fragments of the 5 results shown."""

    bundles: int
    files: int
    bytes: int

    def describe(self) -> str:
        return (
            f"{self.files} files, {self.bytes / 1024:.0f} KB ({self.bundles} bundle{'s' if self.bundles != 1 else ''})"
        )


SHOWN_RESULTS = 5


def first_search_fetch(site: Path) -> SearchFetch | None:
    """None when the site has no search index."""
    index = site / "pagefind"
    if not (index / "pagefind-entry.json").is_file():
        return None
    shards = json.loads((index / "dossier-shards.json").read_text(encoding="utf-8"))
    bundles = [index, *(index / merged["path"] for merged in shards["merged"])]
    once = [index / "pagefind.js", index / "pagefind-worker.js", index / f"wasm.{_language(index)['wasm']}.pagefind"]
    total, files = sum(path.stat().st_size for path in once), len(once)
    fragments: list[int] = []
    for bundle in bundles:
        chunks = [path.stat().st_size for path in (bundle / "index").iterdir()]
        metadata = bundle / f"pagefind.{_language(bundle)['hash']}.pf_meta"
        entry = bundle / "pagefind-entry.json"
        total += entry.stat().st_size + metadata.stat().st_size + sum(chunks) // len(chunks)
        fragments += [path.stat().st_size for path in (bundle / "fragment").iterdir()]
        files += 3
    shown = min(SHOWN_RESULTS, len(fragments))
    return SearchFetch(len(bundles), files + shown, total + sum(fragments) * shown // max(len(fragments), 1))


def _language(bundle: Path) -> dict[str, Any]:
    """The first language a bundle's entry file lists (its hash names the metadata, its wasm the WebAssembly)."""
    languages = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"]
    return dict(next(iter(languages.values())))


# --- the edits a rebuild follows; each alternates between two versions, so every build sees a change ---


# Every edit writes a mark never written before in this run: a setting's first edit must not write back what the
# other setting's last edit left (with one repetition, both would write "Edited 0." and time a no-change build).
_EDITS = itertools.count(1)


def edit_annotation(project: Path) -> None:
    sidecar = sorted((project / "content" / "story-0000").glob("article-*.yaml"))[0]
    text = sidecar.read_text(encoding="utf-8")
    text = re.sub(r'(\n    note: ")(Edited \d+\. )?', rf"\g<1>Edited {next(_EDITS)}. ", text, count=1)
    sidecar.write_text(text, encoding="utf-8")


def edit_article(project: Path) -> None:
    article = sorted((project / "content" / "story-0000").glob("article-*.md"))[-1]
    text = article.read_text(encoding="utf-8")
    text = re.sub(r"\n(Edited \d+\. )?$", "", text) + f"\nEdited {next(_EDITS)}. \n"
    article.write_text(text, encoding="utf-8")


def edit_people(project: Path) -> None:
    people = project / "content" / "people.yaml"
    text = people.read_text(encoding="utf-8")
    text = re.sub(r'(\n  description: ")(Edited \d+\. )?', rf"\g<1>Edited {next(_EDITS)}. ", text, count=1)
    people.write_text(text, encoding="utf-8")


# --- dossier ----------------------------------------------------------------------------------------

# The two settings every dossier figure is measured with: the default (search on: Pagefind indexes the site,
# as every user builds it) is the headline, `--no-search` is beside it.
SETTINGS = ("default", "--no-search")


def dossier_build(project: Path, setting: str) -> list[str]:
    return [PYTHON, "-m", "dossier", "build", "-C", str(project), "-q", *_flags(setting)]


def _flags(setting: str) -> list[str]:
    return [] if setting == "default" else [setting]


def floor(content: Path, out: Path, times: int, name: str) -> Figure:
    return repeat(name, times, lambda _: remove(out), [PYTHON, "-m", "benchmarks.floor", str(content), str(out)])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def first_answer(
    port: int, launched: float, server: subprocess.Popen[str], status: int | None = None, limit: float = 900
) -> float | None:
    """Seconds from launch to the first answer to GET / (of `status`, or of any status: while its first build runs,
    serve answers with a page that says so); None if serve exits or `limit` passes first."""
    while time.perf_counter() - launched < limit and server.poll() is None:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/")
            answered = connection.getresponse().status
            connection.close()
            if status is None or answered == status:
                return time.perf_counter() - launched
        except OSError:
            pass
        time.sleep(0.02)
    return None


@dataclass
class ServeFigures:
    start_up: Figure  # launch -> the first answer on / (the site, or the page that says it is being built)
    site_ready: Figure  # launch -> the first 200 on / (the first build done)
    annotation: Figure
    article: Figure
    restart: Figure  # launch -> the first 200 on /, the last session's folder kept (.dossier-cache/serve/)


def launch_serve(project: Path, setting: str) -> tuple[subprocess.Popen[str], int, float]:
    """`dossier serve` on a free port: the process, its port, and when it was launched."""
    port = free_port()
    command = [PYTHON, "-m", "dossier", "serve", "-C", str(project), "--port", str(port), "-q", *_flags(setting)]
    launched = time.perf_counter()
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True), port, launched


def stop(server: subprocess.Popen[str]) -> None:
    server.terminate()
    server.wait(timeout=30)


def serve_figures(project: Path, times: int, setting: str) -> ServeFigures | str:
    """Serve start-up of a first session (launch -> the first answer on /, then the first 200 on /: the first
    build done), then from the write of an annotation file, and of an article, to the `reload` event on the page's
    event stream; then a second session's start-up, which finds the first's folder (launch -> the first 200)."""
    remove(project / CACHE_FOLDER / "serve")  # a first session: each setting starts from nothing
    server, port, launched = launch_serve(project, setting)
    try:
        start_up = first_answer(port, launched, server)
        site_ready = first_answer(port, launched, server, status=200)
        if start_up is None or site_ready is None:
            return "serve did not answer on /"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
        connection.request("GET", "/__dossier/events")
        stream = connection.getresponse()
        events: queue.Queue[tuple[str, dict[str, Any], float]] = queue.Queue()

        def read() -> None:
            name = ""
            for raw in stream:
                if raw.startswith(b"event: "):
                    name = raw[7:].decode().strip()
                elif raw.startswith(b"data: ") and name:
                    events.put((name, json.loads(raw[6:]), time.perf_counter()))
                    name = ""

        threading.Thread(target=read, daemon=True).start()
        name, data, _ = events.get(timeout=900)
        while not (name in ("hello", "reload") and data.get("build", 0) > 0):  # the first build's site is served
            name, data, _ = events.get(timeout=900)
        figures = ServeFigures(
            Figure("serve start-up", [Run(start_up, 0.0)]),
            Figure("serve site ready", [Run(site_ready, 0.0)]),
            Figure("annotation"),
            Figure("article"),
            Figure("serve restart"),
        )
        for figure, edit in ((figures.annotation, edit_annotation), (figures.article, edit_article)):
            for _ in range(times):
                time.sleep(0.5)  # let the watcher settle
                written = time.perf_counter()
                edit(project)
                while True:
                    name, _, at = events.get(timeout=900)
                    if name in ("reload", "errors"):
                        break
                if name != "reload":
                    return f"serve reported errors after an {figure.name} edit"
                figure.runs.append(Run(at - written, 0.0))
        stop(server)
        server, port, launched = launch_serve(project, setting)
        restart = first_answer(port, launched, server, status=200)
        if restart is None:
            return "serve did not answer on / when started again"
        figures.restart.runs.append(Run(restart, 0.0))
        print(
            f"  serve ({setting}): start-up {start_up:.3f} s, site ready {site_ready:.3f} s, annotation save -> reload"
            f" {figures.annotation.seconds:.3f} s, article save -> reload {figures.article.seconds:.3f} s"
            f" (medians of {times}), started again: site ready {restart:.3f} s",
            flush=True,
        )
        return figures
    finally:
        stop(server)


# --- peers ------------------------------------------------------------------------------------------


def _front(text: str) -> tuple[dict[str, str], str]:
    _, front, body = text.split("---\n", 2)
    values = {}
    for line in front.splitlines():
        key, _, value = line.partition(": ")
        values[key] = value
    return values, body


def hugo_site(content: Path, site: Path) -> None:
    """The same articles as a Hugo site: one section per story, a one-template theme like the floor's."""
    remove(site)
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "config.toml").write_text(
        'baseURL = "https://bench.example.org/"\ntitle = "Benchmark"\ndisableKinds = ["taxonomy", "term"]\n',
        encoding="utf-8",
    )
    (site / "layouts" / "_default" / "single.html").write_text(
        "<!doctype html><html><head><title>{{ .Title }}</title></head><body><main><article>"
        "<h1>{{ .Title }}</h1>{{ .Content }}</article></main></body></html>\n",
        encoding="utf-8",
    )
    (site / "layouts" / "_default" / "list.html").write_text(
        "<!doctype html><html><head><title>{{ .Title }}</title></head><body><ul>"
        '{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n',
        encoding="utf-8",
    )
    for path in sorted(content.glob("*/*.md")):
        values, body = _front(path.read_text(encoding="utf-8"))
        target = site / "content" / path.parent.name / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"---\ntitle: {values['title']}\ndate: {values['published']}\n---\n{body}", encoding="utf-8")


def pelican_site(content: Path, site: Path) -> None:
    """The same articles as a Pelican site: one category per story, its default theme, feeds off."""
    remove(site)
    (site / "content").mkdir(parents=True)
    (site / "pelicanconf.py").write_text(
        'AUTHOR = "Benchmark"\nSITENAME = "Benchmark"\nSITEURL = ""\nPATH = "content"\nTIMEZONE = "UTC"\n'
        'DEFAULT_LANG = "en"\nFEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\nTRANSLATION_FEED_ATOM = None\n'
        "AUTHOR_FEED_ATOM = None\nAUTHOR_FEED_RSS = None\nDEFAULT_PAGINATION = False\nLOAD_CONTENT_CACHE = False\n",
        encoding="utf-8",
    )
    for path in sorted(content.glob("*/*.md")):
        values, body = _front(path.read_text(encoding="utf-8"))
        title = values["title"].strip('"')
        header = f"Title: {title}\nDate: {values['published']}\nCategory: {path.parent.name}\nSlug: {path.stem}\n\n"
        (site / "content" / path.name).write_text(header + body, encoding="utf-8")


def ensure_pelican() -> Path | None:
    binary = PELICAN_VENV / "bin" / "pelican"
    if binary.exists():
        return binary
    try:
        subprocess.run([PYTHON, "-m", "venv", str(PELICAN_VENV)], check=True, capture_output=True)
        pip = [str(PELICAN_VENV / "bin" / "pip"), "install", "-q", "pelican", "markdown"]
        subprocess.run(pip, check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return binary if binary.exists() else None


# --- the run ----------------------------------------------------------------------------------------


@dataclass
class Cell:
    """One setting's figure in a row: how it reads, and whether it meets the row's target (None: no target)."""

    text: str
    is_met: bool | None = None


@dataclass
class Row:
    what: str
    target: str = ""
    cells: dict[str, Cell] = field(default_factory=dict)  # by setting: "default", "--no-search"
    detail: str = ""


def seconds_cell(seconds: float, baseline: float | None, limit: float | None = None) -> Cell:
    """A time, with its ratio to the floor; met when at most `limit` seconds."""
    ratio = f" ({seconds / baseline:.2f}x)" if baseline else ""
    return Cell(f"{seconds:.3f} s{ratio}", None if limit is None else seconds <= limit)


def ratio_cell(ratio: float, limit: float | None = None) -> Cell:
    return Cell(f"{ratio:.2f}x", None if limit is None else ratio <= limit)


def size_cell(size: OutputSize, articles: int) -> Cell:
    return Cell(f"{size.per_article(articles) / 1000:.1f} KB", size.per_article(articles) <= MAX_BYTES_PER_ARTICLE)


MAX_BYTES_PER_ARTICLE = 60_000
MAX_BIG_RSS_MIB = 500
COLD_LIMITS = {"default": 10.0, "--no-search": 6.0}  # times the floor


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="dossier benchmarks: ratios to the floor, measured in one run")
    parser.add_argument("-n", type=int, default=1000, help="articles in the main dossier (default 1000)")
    parser.add_argument("--big", type=int, default=5000, help="articles in the linearity run (default 5000; 0: skip)")
    parser.add_argument("--reps", type=int, default=5, help="repetitions of each figure (default 5)")
    parser.add_argument("--big-reps", type=int, default=1, help="repetitions at the big size (default 1)")
    parser.add_argument("--no-peers", action="store_true", help="skip Pelican and Hugo")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one repetition, no peers install")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one, removed after)")
    parser.add_argument("--results", type=Path, default=HERE / "results.md", help="where to write the table")
    args = parser.parse_args(argv)
    if args.smoke:
        args.n, args.big, args.reps, args.big_reps = 20, 40, 1, 1
    work = args.work or Path(tempfile.mkdtemp(prefix="dossier-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        rows = measure(args, work)
    finally:
        if args.work is None:
            remove(work)
    table = render_table(rows)
    print("\n" + table)
    if not args.smoke or args.results != HERE / "results.md":
        args.results.write_text(results_page(table, argv), encoding="utf-8")
        print(f"written to {args.results}")
    return 0


@dataclass
class Settled:
    """What one setting measured on the main dossier (N articles)."""

    cold: Figure
    pages: int
    size: OutputSize
    search_fetch: SearchFetch | None
    nochange: Figure
    annotation: Figure
    article: Figure
    people: Figure
    serve: ServeFigures | str


def measure_setting(project: Path, setting: str, reps: int, serve: bool = True) -> Settled:
    build, cache = project / "build", project / CACHE_FOLDER
    command = dossier_build(project, setting)
    print(f"  {setting}:", flush=True)
    cold = repeat("cold build", reps, lambda _: remove(build, cache), command)
    pages, size, search_fetch = count_pages(build), output_size(build), first_search_fetch(build)
    timed(command)  # the cache and output as a user has them
    return Settled(
        cold,
        pages,
        size,
        search_fetch,
        repeat("no-change rebuild", reps, lambda _: None, command),
        repeat("annotation edit", reps, lambda _: edit_annotation(project), command),
        repeat("article edit", reps, lambda _: edit_article(project), command),
        repeat("people.yaml edit", reps, lambda _: edit_people(project), command),
        serve_figures(project, reps, setting) if serve else "not measured at this size",
    )


def compile_dossier() -> None:
    """Compile dossier's modules to bytecode, as `pip install` does for a user: a checkout run with
    PYTHONDONTWRITEBYTECODE set (as on the machines here) would otherwise compile them in every child, about a
    tenth of a second of each rebuild a user never pays."""
    spec = importlib.util.find_spec("dossier")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        compileall.compile_dir(folder, quiet=1)


def measure(args: argparse.Namespace, work: Path) -> list[Row]:
    n, reps = args.n, args.reps
    compile_dossier()
    print(f"generating dossiers of {n} articles (full and plain) in {work}", flush=True)
    full, plain = generate(n, work / f"full-{n}"), generate(n, work / f"plain-{n}", plain=True)
    print(f"full dossier, N={n}", flush=True)
    # The floor is measured before and after the builds it divides, and their runs pooled: this shared machine's
    # speed moves within a run (a floor of 0.71 s at the start of one run whose builds then ran slower than ever).
    before = floor(full / "content", work / "floor-out", reps, "floor")
    main = {setting: measure_setting(full, setting, reps) for setting in SETTINGS}
    after = floor(full / "content", work / "floor-out", reps, "floor, after the builds")
    base = Figure("floor", before.runs + after.runs).seconds
    drift = f"before the builds {before.seconds:.3f} s, after them {after.seconds:.3f} s; the median of both"
    rows = [
        Row(
            f"floor: {n} articles, one template ({n / base:.0f} pages/s)",
            cells={"default": seconds_cell(base, base)},
            detail=drift,
        )
    ]
    rows += main_rows(n, base, main)
    if args.big:
        rows += big_rows(args, work, main)
    rows += plain_rows(args, work, plain, n, reps)
    return rows


def main_rows(n: int, base: float, main: dict[str, Settled]) -> list[Row]:
    """The issue's targets at N, each setting in its column."""

    def row(what: str, target: str, cell: Callable[[str, Settled], Cell], detail: str = "") -> Row:
        return Row(what, target, {setting: cell(setting, settled) for setting, settled in main.items()}, detail)

    def served(settled: Settled, pick: Callable[[ServeFigures], Figure], limit: float | None) -> Cell:
        if isinstance(settled.serve, str):
            return Cell(f"skipped ({settled.serve})")
        return seconds_cell(pick(settled.serve).seconds, None, limit)

    default = main["default"]
    return [
        row(f"cold build, N={n}", "<= 10x the floor with search; <= 6x without",
            lambda s, m: seconds_cell(m.cold.seconds, base, COLD_LIMITS[s] * base),
            "; ".join(f"{s}: {m.pages} pages, peak RSS {m.cold.rss_mib:.0f} MiB" for s, m in main.items())),
        row(f"rebuild after one annotation edit, N={n}", "<= 1.0 s",
            lambda s, m: seconds_cell(m.annotation.seconds, base, 1.0)),
        row("serve: annotation save -> reload event", "<= 0.3 s", lambda s, m: served(m, lambda f: f.annotation, 0.3)),
        row("serve: article save -> reload event", "<= 1 s", lambda s, m: served(m, lambda f: f.article, 1.0)),
        row("serve start-up: launch -> first answer on / (the site, or 'being built')", "<= 2 s",
            lambda s, m: served(m, lambda f: f.start_up, 2.0)),
        row("serve: launch -> the first build's site (first HTTP 200 on /)", "",
            lambda s, m: served(m, lambda f: f.site_ready, None)),
        row("serve started again: launch -> the site (the last session's folder kept)", "",
            lambda s, m: served(m, lambda f: f.restart, None)),
        row(f"output per article, N={n}", "<= 60 KB", lambda s, m: size_cell(m.size, n),
            f"default: {default.size.files} files, {default.size.describe_kinds(n)}"),
        row("a reader's first one-word search fetches", "",
            lambda s, m: Cell(m.search_fetch.describe() if m.search_fetch else "no search"),
            "from the cold build's index (benchmarks/run.py's SearchFetch)"),
        row("no-change rebuild", "", lambda s, m: seconds_cell(m.nochange.seconds, base)),
        row("rebuild after one article edit", "", lambda s, m: seconds_cell(m.article.seconds, base)),
        row("rebuild after a people.yaml edit (one description)", "",
            lambda s, m: seconds_cell(m.people.seconds, base)),
    ]  # fmt: skip


def big_rows(args: argparse.Namespace, work: Path, main: dict[str, Settled]) -> list[Row]:
    """Linearity at the big size: the cold build, its peak RSS and an annotation edit against N's."""
    big, n, reps = args.big, args.n, args.big_reps
    print(f"full dossier, N={big} (linearity)", flush=True)
    large = generate(big, work / f"full-{big}")
    floor_big = floor(large / "content", work / "floor-big-out", reps, f"floor N={big}").seconds
    settled = {setting: measure_big(large, setting, reps) for setting in SETTINGS}
    growth_limit = 5.5 * (big / n) / 5  # the 5.5x for five times the articles
    cold = {s: m.cold.seconds for s, m in main.items()}
    edit = {s: m.annotation.seconds for s, m in main.items()}
    return [
        Row(f"floor: {big} articles", cells={"default": seconds_cell(floor_big, floor_big)}),
        Row(f"cold build, N={big} / N={n}", f"<= {growth_limit:.1f}x",
            {s: ratio_cell(b.cold.seconds / cold[s], growth_limit) for s, b in settled.items()},
            "; ".join(f"{s}: {b.cold.seconds:.1f} s ({b.cold.seconds / floor_big:.2f}x its floor)"
                      for s, b in settled.items())),
        Row(f"peak RSS, cold build N={big}", f"<= {MAX_BIG_RSS_MIB} MiB",
            {s: Cell(f"{b.cold.rss_mib:.0f} MiB", b.cold.rss_mib <= MAX_BIG_RSS_MIB) for s, b in settled.items()}),
        Row(f"rebuild after one annotation edit, N={big} / N={n}", "<= 1.5x",
            {s: ratio_cell(b.annotation.seconds / edit[s], 1.5) for s, b in settled.items()},
            "; ".join(f"{s}: {b.annotation.seconds:.3f} s" for s, b in settled.items())),
        Row(f"output per article, N={big}", "<= 60 KB", {s: size_cell(b.size, big) for s, b in settled.items()}),
    ]  # fmt: skip


@dataclass
class BigSettled:
    cold: Figure
    size: OutputSize
    annotation: Figure


def measure_big(project: Path, setting: str, reps: int) -> BigSettled:
    build, cache = project / "build", project / CACHE_FOLDER
    command = dossier_build(project, setting)
    print(f"  {setting}:", flush=True)
    cold = repeat("cold build", reps, lambda _: remove(build, cache), command)
    size = output_size(build)
    timed(command)
    annotation = repeat("annotation edit", reps, lambda _: edit_annotation(project), command)
    return BigSettled(cold, size, annotation)


def plain_rows(args: argparse.Namespace, work: Path, plain: Path, n: int, reps: int) -> list[Row]:
    """The same articles without annotations, and the peers building them: what a plain generator costs."""
    print(f"plain articles, N={n}", flush=True)
    pbase = floor(plain / "content", work / "floor-plain-out", reps, "floor (plain)").seconds
    cold: dict[str, Figure] = {}
    for setting in SETTINGS:
        clean = lambda _: remove(plain / "build", plain / CACHE_FOLDER)  # noqa: E731
        cold[setting] = repeat(f"cold build (plain, {setting})", reps, clean, dossier_build(plain, setting))
    rows = [
        Row(f"floor: {n} plain articles", cells={"default": seconds_cell(pbase, pbase)}),
        Row(f"cold build, plain articles ({count_pages(plain / 'build')} pages)", "<= 1.25x the floor",
            {s: seconds_cell(f.seconds, pbase, 1.25 * pbase) for s, f in cold.items()},
            "; ".join(f"{s}: peak RSS {f.rss_mib:.0f} MiB" for s, f in cold.items())),
    ]  # fmt: skip
    if not args.no_peers:
        rows += peer_rows(args, work, plain, pbase, reps)
    return rows


def peer_rows(args: argparse.Namespace, work: Path, plain: Path, pbase: float, reps: int) -> list[Row]:
    rows = []
    hugo = shutil.which("hugo")
    if hugo:
        site, out = work / "hugo", work / "hugo-out"
        hugo_site(plain / "content", site)
        command = [hugo, "--quiet", "-s", str(site), "-d", str(out)]
        figure = repeat("hugo (plain)", reps, lambda _: remove(out, site / "resources"), command)
        rows.append(Row(f"Hugo cold build, plain articles ({count_pages(out)} pages)",
                        cells={"--no-search": seconds_cell(figure.seconds, pbase)},
                        detail=f"peak RSS {figure.rss_mib:.0f} MiB"))  # fmt: skip
    else:
        rows.append(Row("Hugo: not installed (apt-get install hugo)"))
    pelican = None if args.smoke and not (PELICAN_VENV / "bin" / "pelican").exists() else ensure_pelican()
    if pelican:
        site, out = work / "pelican", work / "pelican-out"
        pelican_site(plain / "content", site)
        command = [str(pelican), str(site / "content"), "-s", str(site / "pelicanconf.py"), "-o", str(out), "-q"]
        figure = repeat("pelican (plain)", reps, lambda _: remove(out), command)
        rows.append(Row(f"Pelican cold build, plain articles ({count_pages(out)} pages)",
                        cells={"--no-search": seconds_cell(figure.seconds, pbase)},
                        detail=f"peak RSS {figure.rss_mib:.0f} MiB"))  # fmt: skip
    else:
        rows.append(Row("Pelican: not installed"))
    return rows


def render_table(rows: list[Row]) -> str:
    lines = [
        "| what | target | default settings (search on) | met | `--no-search` | met | notes |",
        "|---|---|---:|---|---:|---|---|",
    ]
    for row in rows:
        cells = []
        for setting in SETTINGS:
            cell = row.cells.get(setting, Cell(""))
            cells += [cell.text, "" if cell.is_met is None else ("yes" if cell.is_met else "**no**")]
        lines.append(f"| {row.what} | {row.target} | {' | '.join(cells)} | {row.detail} |")
    return "\n".join(lines)


def pagefind_version() -> str:
    """The installed Pagefind's version (its index is part of every default build), or why there is none."""
    for distribution in ("pagefind", "pagefind-bin"):
        try:
            return f"Pagefind {importlib.metadata.version(distribution)}"
        except importlib.metadata.PackageNotFoundError:
            continue
    return "Pagefind not installed (the default builds then have no search index)"


def results_page(table: str, argv: list[str] | None) -> str:
    command = "python -m benchmarks.run " + " ".join(argv if argv is not None else sys.argv[1:])
    commit = subprocess.run(
        ["git", "-C", str(REPOSITORY), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return (
        "# Benchmark results\n\n"
        f"Command: `{command.strip()}` (from the repository root, with `.venv/bin/python`)\n\n"
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {pagefind_version()}, "
        f"commit {commit or 'unknown'}. Each dossier figure is measured twice: with the default settings (search "
        "on: Pagefind indexes the site, as users build it), the headline, and with `--no-search` beside it. "
        "Seconds are medians of wall time of a child process, start-up included (dossier's modules compiled to "
        "bytecode first, as `pip install` does); ratios in brackets divide by "
        "the floor measured in the same run on the same articles (benchmarks/floor.py; at N=1,000, before and after "
        "the builds, the runs pooled: its row says both), so only ratios compare "
        "across machines. Output sizes count the cold build's regular files.\n\n" + table + "\n"
    )


if __name__ == "__main__":
    raise SystemExit(main())
