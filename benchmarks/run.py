"""Measure dossier against the floor (and Pelican and Hugo, where installed), all in one run.

    python -m benchmarks.run                 # N=1000 and N=5000, 5 repetitions, peers: about 15 minutes
    python -m benchmarks.run --smoke         # tiny N, one repetition: a quick check that everything runs

Every figure is a median wall time of a child process (start-up included) and is divided by the floor
measured in the same run on the same articles: the machine is shared and noisy, so only ratios travel.
The floor (benchmarks/floor.py) reads each article, renders its Markdown into one template and writes it.
Peak RSS is the child's `ru_maxrss` (os.wait4). The output's size is that of the cold build's folder (its
regular files: bytes per article, how many files, and the share of each kind of page or data file; GitHub
Pages caps a site at 1 GB). The table is printed and written to benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

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


# --- the edits a rebuild follows; each alternates between two versions, so every build sees a change ---


def edit_annotation(project: Path, attempt: int) -> None:
    sidecar = sorted((project / "content" / "story-0000").glob("article-*.yaml"))[0]
    text = sidecar.read_text(encoding="utf-8")
    text = re.sub(r'(\n    note: ")(Edited \d+\. )?', rf"\g<1>Edited {attempt}. ", text, count=1)
    sidecar.write_text(text, encoding="utf-8")


def edit_article(project: Path, attempt: int) -> None:
    article = sorted((project / "content" / "story-0000").glob("article-*.md"))[-1]
    text = article.read_text(encoding="utf-8")
    text = re.sub(r"\n(Edited \d+\. )?$", "", text) + f"\nEdited {attempt}. \n"
    article.write_text(text, encoding="utf-8")


def edit_people(project: Path, attempt: int) -> None:
    people = project / "content" / "people.yaml"
    text = people.read_text(encoding="utf-8")
    text = re.sub(r'(\n  description: ")(Edited \d+\. )?', rf"\g<1>Edited {attempt}. ", text, count=1)
    people.write_text(text, encoding="utf-8")


# --- dossier ----------------------------------------------------------------------------------------


def dossier_build(project: Path) -> list[str]:
    return [PYTHON, "-m", "dossier", "build", "-C", str(project), "-q", "--no-search"]


def floor(content: Path, out: Path, times: int, name: str) -> Figure:
    return repeat(name, times, lambda _: remove(out), [PYTHON, "-m", "benchmarks.floor", str(content), str(out)])


def serve_latency(project: Path, times: int) -> Figure | str:
    """From the write of an annotation file to the `reload` event on the page's event stream."""
    try:
        import dossier.serve  # noqa: F401
    except ImportError:
        return "dossier.serve does not exist yet"
    # Without the search index, as every build measured here: Pagefind re-indexes the whole site on a change.
    command = [PYTHON, "-m", "dossier", "serve", "-C", str(project), "--port", "0", "-q", "--no-search"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert server.stdout is not None
        found = None
        for line in server.stdout:  # the first build's summary, then the address
            found = re.search(r"serving http://([\d.]+):(\d+)", line)
            if found:
                break
        if not found:
            return "serve did not start"
        connection = http.client.HTTPConnection(found.group(1), int(found.group(2)), timeout=600)
        connection.request("GET", "/__dossier/events")
        stream = connection.getresponse()
        events: queue.Queue[tuple[str, float]] = queue.Queue()

        def read() -> None:
            for raw in stream:
                if raw.startswith(b"event: "):
                    events.put((raw[7:].decode().strip(), time.perf_counter()))

        threading.Thread(target=read, daemon=True).start()
        assert events.get(timeout=60)[0] == "hello"
        figure = Figure("serve: annotation write -> reload event")
        for attempt in range(times):
            time.sleep(0.5)  # let the watcher settle
            written = time.perf_counter()
            edit_annotation(project, 100 + attempt)
            while True:
                name, at = events.get(timeout=600)
                if name in ("reload", "errors"):
                    break
            if name != "reload":
                return "serve reported errors after the edit"
            figure.runs.append(Run(at - written, 0.0))
        print(f"  {figure.name}: {figure.seconds:.3f} s (median of {times})", flush=True)
        return figure
    finally:
        server.terminate()
        server.wait(timeout=30)


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
class Row:
    what: str
    seconds: float | None
    baseline: float | None  # the floor it is divided by
    target: str = ""
    is_met: bool | None = None
    detail: str = ""

    def ratio(self) -> str:
        if self.seconds is None or not self.baseline:
            return "n/a"
        return f"{self.seconds / self.baseline:.2f}x"


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


def measure(args: argparse.Namespace, work: Path) -> list[Row]:
    n, reps = args.n, args.reps
    rows: list[Row] = []
    print(f"generating dossiers of {n} articles (full and plain) in {work}", flush=True)
    full, plain = generate(n, work / f"full-{n}"), generate(n, work / f"plain-{n}", plain=True)

    print(f"full dossier, N={n}", flush=True)
    floor_full = floor(full / "content", work / "floor-out", reps, "floor")
    base = floor_full.seconds
    build, cache = full / "build", full / CACHE_FOLDER
    cold = repeat("dossier cold build", reps, lambda _: remove(build, cache), dossier_build(full))
    pages, size = count_pages(build), output_size(build)
    floor_pps, dossier_pps = n / base, pages / cold.seconds
    warm_up = timed(dossier_build(full))  # the cache and output as a user has them
    del warm_up
    nochange = repeat("no-change rebuild", reps, lambda _: None, dossier_build(full))
    annotation = repeat("annotation edit", reps, lambda a: edit_annotation(full, a), dossier_build(full))
    article = repeat("article edit", reps, lambda a: edit_article(full, a), dossier_build(full))
    people = repeat("people.yaml edit", reps, lambda a: edit_people(full, a), dossier_build(full))
    serve = serve_latency(full, reps)

    rows.append(Row(f"floor, {n} articles ({n} pages, {floor_pps:.0f} pages/s)", base, base))
    rows.append(
        Row(
            f"dossier cold build, full dossier ({pages} pages, {dossier_pps:.0f} pages/s)",
            cold.seconds,
            base,
            "pages/s >= 0.8x floor's",
            dossier_pps >= 0.8 * floor_pps,
            f"pages/s ratio {dossier_pps / floor_pps:.2f}x; peak RSS {cold.rss_mib:.0f} MiB",
        )
    )
    rows.append(
        Row(f"output of the cold build, {n} articles", None, None,
            "<= 60 KB per article", size.per_article(n) <= 60_000, size.describe(n))
    )  # fmt: skip
    rows.append(
        Row("no-change rebuild", nochange.seconds, base, "< annotation edit", nochange.seconds < annotation.seconds)
    )
    rows.append(
        Row("rebuild after one annotation edit", annotation.seconds, base, "<= 0.5x", annotation.seconds <= 0.5 * base)
    )
    rows.append(Row("rebuild after one article edit", article.seconds, base))
    rows.append(Row("rebuild after a people.yaml edit (one description)", people.seconds, base))
    if isinstance(serve, Figure):
        rows.append(
            Row("serve: annotation file write -> reload event", serve.seconds, base, "< 0.3 s", serve.seconds < 0.3)
        )
    else:
        rows.append(Row(f"serve: skipped ({serve})", None, base))

    print(f"plain articles, N={n}", flush=True)
    floor_plain = floor(plain / "content", work / "floor-plain-out", reps, "floor (plain)")
    pbase = floor_plain.seconds
    pbuild, pcache = plain / "build", plain / CACHE_FOLDER
    pcold = repeat("dossier cold build (plain)", reps, lambda _: remove(pbuild, pcache), dossier_build(plain))
    ppages = count_pages(pbuild)
    rows.append(Row(f"floor, {n} plain articles", pbase, pbase))
    rows.append(
        Row(f"dossier cold build, plain articles ({ppages} pages)", pcold.seconds, pbase, "<= 1.25x",
            pcold.seconds <= 1.25 * pbase, f"peak RSS {pcold.rss_mib:.0f} MiB")
    )  # fmt: skip
    hugo_seconds = None
    if not args.no_peers:
        hugo = shutil.which("hugo")
        if hugo:
            site, out = work / "hugo", work / "hugo-out"
            hugo_site(plain / "content", site)
            command = [hugo, "--quiet", "-s", str(site), "-d", str(out)]
            figure = repeat("hugo (plain)", reps, lambda _: remove(out, site / "resources"), command)
            hugo_seconds = figure.seconds
            rows.append(Row(f"Hugo cold build, plain articles ({count_pages(out)} pages)", figure.seconds, pbase,
                            detail=f"peak RSS {figure.rss_mib:.0f} MiB"))  # fmt: skip
        else:
            rows.append(Row("Hugo: not installed (apt-get install hugo)", None, pbase))
        pelican = None if args.smoke and not (PELICAN_VENV / "bin" / "pelican").exists() else ensure_pelican()
        if pelican:
            site, out = work / "pelican", work / "pelican-out"
            pelican_site(plain / "content", site)
            command = [str(pelican), str(site / "content"), "-s", str(site / "pelicanconf.py"), "-o", str(out), "-q"]
            figure = repeat("pelican (plain)", reps, lambda _: remove(out), command)
            rows.append(Row(f"Pelican cold build, plain articles ({count_pages(out)} pages)", figure.seconds, pbase,
                            detail=f"peak RSS {figure.rss_mib:.0f} MiB"))  # fmt: skip
        else:
            rows.append(Row("Pelican: not installed", None, pbase))
    if hugo_seconds is not None:
        plain_row = next(r for r in rows if r.what.startswith("dossier cold build, plain"))
        plain_row.target += "; <= Hugo"
        plain_row.is_met = bool(plain_row.is_met) and pcold.seconds <= hugo_seconds
        plain_row.detail += f"; {pcold.seconds / hugo_seconds:.2f}x Hugo"
        annotation_row = next(r for r in rows if r.what.startswith("rebuild after one annotation"))
        annotation_row.detail = f"{annotation.seconds / hugo_seconds:.2f}x Hugo's cold build"

    if args.big:
        big = args.big
        print(f"full dossier, N={big} (linearity)", flush=True)
        large = generate(big, work / f"full-{big}")
        floor_big = floor(large / "content", work / "floor-big-out", args.big_reps, f"floor N={big}")
        big_cold = repeat(
            f"dossier cold build N={big}", args.big_reps, lambda _: remove(large / "build", large / CACHE_FOLDER),
            dossier_build(large),
        )  # fmt: skip
        big_size = output_size(large / "build")
        growth = big_cold.seconds / cold.seconds
        limit = 5.5 * (big / n) / 5  # the 5.5x for five times the articles
        rows.append(Row(f"floor, {big} articles", floor_big.seconds, floor_big.seconds))
        rows.append(
            Row(f"dossier cold build, full dossier, N={big} ({count_pages(large / 'build')} pages)", big_cold.seconds,
                floor_big.seconds, f"time <= {limit:.1f}x N={n}'s; RSS < 500 MiB",
                growth <= limit and big_cold.rss_mib < 500,
                f"{growth:.2f}x the N={n} build; peak RSS {big_cold.rss_mib:.0f} MiB")
        )  # fmt: skip
        rows.append(
            Row(f"output of the cold build, {big} articles", None, None, "<= 60 KB per article",
                big_size.per_article(big) <= 60_000, big_size.describe(big))
        )  # fmt: skip
    return rows


def render_table(rows: list[Row]) -> str:
    lines = [
        "| what | median s | ratio to its floor | target | met | notes |",
        "|---|---:|---:|---|---|---|",
    ]
    for row in rows:
        seconds = "" if row.seconds is None else f"{row.seconds:.3f}"
        met = "" if row.is_met is None else ("yes" if row.is_met else "**no**")
        lines.append(f"| {row.what} | {seconds} | {row.ratio()} | {row.target} | {met} | {row.detail} |")
    return "\n".join(lines)


def results_page(table: str, argv: list[str] | None) -> str:
    command = "python -m benchmarks.run " + " ".join(argv if argv is not None else sys.argv[1:])
    commit = subprocess.run(
        ["git", "-C", str(REPOSITORY), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return (
        "# Benchmark results\n\n"
        f"Command: `{command.strip()}` (from the repository root, with `.venv/bin/python`)\n\n"
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, commit {commit or 'unknown'}. "
        "Seconds are medians of wall time of a child process, start-up included; every ratio divides by the "
        "floor measured in the same run on the same articles (benchmarks/floor.py), so only ratios compare "
        "across machines.\n\n" + table + "\n"
    )


if __name__ == "__main__":
    raise SystemExit(main())
