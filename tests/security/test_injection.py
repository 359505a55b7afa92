"""Hostile text in every field of every file produces no executable markup in any output file.

A copy of the example dossier gets script, attribute break-outs, dangerous URL schemes, template syntax and
odd line separators in every string of every file (dossier.yaml, people, sources, story, front matter,
sidecars, Markdown bodies, link URLs), plus annotations and a person alias that quote the payloads, so
they also pass through the highlighting of article bodies and through mentions. The whole site is then
read as a browser reads it (tests/security/scan.py).
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from dossier import urls
from dossier.cli import main
from dossier.pipeline import BuildOptions, Built, build_project, check_project
from dossier.themes import builtin_themes_dir
from tests.conftest import copy_example
from tests.security.scan import Scan, parse_html, scan_site

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)' x='",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "</title></textarea></style><svg onload=alert(1)>",
    "{{ 7*7 }} {% raw %} ${7*7} #{7*7}",
    "a\u2028b\u2029c",
    "]]><!-- --> <![CDATA[ x ]]>",
    "&lt;script&gt; &#60;script&#62; &amp;",
    "\u202eevil\u202c \u200b",
)
TEXT_PAYLOAD = " | ".join(PAYLOADS)
# Markdown that would make a link or an image with a script URL, or raw HTML, if anything let it through.
MARKDOWN_PAYLOAD = (
    "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](&#106;avascript:alert(1)) "
    "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) [e](vbscript:msgbox(1)) "
    "[f](<javascript:alert(1)>) [g](java\tscript:alert(1)) <javascript:alert(1)> ![h](javascript:alert(1)) "
    '![i](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+) [j](https://example.com/"onmouseover="alert(1))'
    ' <b onclick="alert(1)">bold</b> <img src=x onerror=alert(1)>'
)
FIELD_PAYLOAD = f"{TEXT_PAYLOAD} {MARKDOWN_PAYLOAD}"
# Valid http(s) URLs (whitespace-free), so they pass validation and reach the templates' attributes.
URL_PAYLOAD = "https://example.com/?q=\"'><script>alert(1)</script>&x='onmouseover='alert(1)"
# base_url refuses raw quotes, angle brackets, spaces and line breaks (see the base_url tests below); what passes
# may still carry an ampersand and percent-escapes, which every attribute must escape once and never decode.
BASE_URL_PAYLOAD = "https://example.com/a&amp;b=%22%3E%3Cscript%3Ealert(1)%3C/script%3E/"

# Keys whose values are ids, references, enumerations, dates, numbers or paths: validated, not free text.
NOT_FREE_TEXT = frozenset({
    "id", "claimant", "about", "verdict", "evidence", "via", "person", "outlet", "source", "sources", "kind",
    "tone", "language", "theme", "inferred", "date", "from", "to", "published", "updated", "draft", "inference",
    "raw_html", "compare", "content_dir", "output_dir", "quote", "prefix", "suffix", "search", "cname",
    "reviewed",
})  # fmt: skip
# In a sidecar these name a claim or a person; in a story, `claim` is the claim's text.
SIDECAR_REFERENCES = frozenset({"claim", "person"})
URL_KEYS = frozenset({"url"})


def inject(value: Any, key: str | None = None, keep: frozenset[str] = NOT_FREE_TEXT) -> Any:
    """Every free-text string of a YAML value with the payloads appended; URLs replaced by a hostile one."""
    if isinstance(value, dict):
        return {k: v if k in keep else inject(v, k, keep) for k, v in value.items()}
    if isinstance(value, list):
        return [inject(item, key, keep) for item in value]
    if isinstance(value, str):
        return URL_PAYLOAD if key in URL_KEYS else f"{value} {FIELD_PAYLOAD}"
    return value


def dump(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=10_000)


def rewrite_yaml(path: Path, change: Callable[[Any], Any]) -> None:
    path.write_text(dump(change(yaml.safe_load(path.read_text(encoding="utf-8")))), encoding="utf-8")


def payload_paragraphs() -> str:
    # Asterisks escaped, so Markdown shows them rather than making emphasis: the quotes stay exact.
    lines = [f"Payload {n}: {payload}".replace("*", "\\*") for n, payload in enumerate(PAYLOADS, start=1)]
    return "\n\n".join(
        [
            *lines,
            f"Markdown payloads: {MARKDOWN_PAYLOAD}",
            "[ref link][r]\n\n[r]: javascript:alert(1)",
            '<div onclick="alert(1)"><script>alert(1)</script></div>',
            "<img src=x onerror=alert(1)>",
            "Mentioned: <script>alert(1)</script> and done.",
        ]
    )


def payload_annotations(person_id: str) -> dict[str, list[dict[str, str]]]:
    """Annotations of every kind quoting the payload paragraphs, with payloads in their own text."""
    # Markdown decodes character references, as HTML does: the quote is the text a reader sees.
    quotes = [html.unescape(f"Payload {n}: {payload}") for n, payload in enumerate(PAYLOADS, start=1)]
    return {
        "notes": [{"quote": quote, "note": FIELD_PAYLOAD} for quote in quotes[0::3]],
        "corrections": [{"quote": quote, "correct": TEXT_PAYLOAD, "note": FIELD_PAYLOAD} for quote in quotes[1::3]],
        "mentions": [{"quote": quote, "person": person_id} for quote in quotes[2::3]],
    }


def inject_article(md_path: Path, person_id: str) -> None:
    text = md_path.read_text(encoding="utf-8")
    _, front_text, body = text.split("---\n", 2)
    front = inject(yaml.safe_load(front_text))
    front["url"] = URL_PAYLOAD
    md_path.write_text(f"---\n{dump(front)}---\n{body.rstrip()}\n\n{payload_paragraphs()}\n", encoding="utf-8")
    sidecar = md_path.with_suffix(".yaml")

    def add_annotations(data: Any) -> Any:
        data = inject(data or {}, keep=NOT_FREE_TEXT | SIDECAR_REFERENCES)
        for kind, items in payload_annotations(person_id).items():
            data.setdefault(kind, []).extend(items)
        return data

    rewrite_yaml(sidecar, add_annotations)


def hostile_copy(target: Path) -> Path:
    project = copy_example(target)

    def config(data: Any) -> Any:
        data = inject(data)
        data["base_url"] = BASE_URL_PAYLOAD
        data["search"] = False  # the search index (when Pagefind is installed) is the indexer's, not ours
        return data

    rewrite_yaml(project / "dossier.yaml", config)
    content = project / "content"

    def people(data: Any) -> Any:
        data = inject(data)
        data[0]["aliases"].append("<script>alert(1)</script>")  # found in the body: a mention link
        return data

    rewrite_yaml(content / "people.yaml", people)
    person_id = yaml.safe_load((content / "people.yaml").read_text(encoding="utf-8"))[0]["id"]
    rewrite_yaml(content / "sources.yaml", inject)
    for story in sorted(p for p in content.iterdir() if p.is_dir()):
        rewrite_yaml(story / "story.yaml", inject)
        for md_path in sorted(story.glob("*.md")):
            inject_article(md_path, person_id)
    return project


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    project = hostile_copy(tmp_path_factory.mktemp("hostile"))
    built = build_project(project)
    errors = [str(d) for d in built.report.sorted() if d.severity == "error"]
    assert not errors, "\n".join(errors)
    assert built.output_dir is not None
    return built


@pytest.fixture(scope="module")
def hostile_scan(hostile_build: Built) -> Scan:
    assert hostile_build.output_dir is not None
    return scan_site(hostile_build.output_dir, BASE_URL_PAYLOAD)


@pytest.fixture(scope="module")
def clean_scan(tmp_path_factory: pytest.TempPathFactory) -> Scan:
    """The example built with an absolute base_url, as the hostile build has: feeds and their links included."""
    project = copy_example(tmp_path_factory.mktemp("clean"))
    config = project / "dossier.yaml"
    text = config.read_text(encoding="utf-8").replace('base_url: "/"', 'base_url: "https://example.com/"')
    config.write_text(text, encoding="utf-8")
    built = build_project(project, BuildOptions(search=False))
    assert built.output_dir is not None and not built.report.has_errors
    return scan_site(built.output_dir, "https://example.com/")


def test_the_payloads_reach_every_kind_of_page(hostile_build: Built) -> None:
    """The scan means something only if the payloads were built: every annotation anchored, every page made."""
    assert hostile_build.output_dir is not None and hostile_build.checked.dossier is not None
    dossier = hostile_build.checked.dossier
    payload_notes = [a for a in dossier.annotations() if a.selector.exact.startswith("Payload ")]
    assert len(payload_notes) == len(PAYLOADS) * len(dossier.articles)
    assert all(a.anchor is not None for a in dossier.annotations())
    assert all(a.anchor is not None and a.anchor.method == "exact" for a in payload_notes)
    pages = set(hostile_build.paths)
    for entity in [*dossier.stories.values(), *dossier.articles.values(), *dossier.people.values()]:
        assert urls.path_for(entity) in pages
    for entity in [*dossier.claims.values(), *dossier.sources.values()]:
        assert urls.path_for(entity) in pages
    assert {urls.PEOPLE_INDEX, urls.CLAIMS_INDEX, urls.SOURCES_INDEX, urls.CORRECTIONS_INDEX} <= pages


def test_no_output_file_holds_executable_markup(hostile_scan: Scan) -> None:
    assert hostile_scan.pages > 20
    assert hostile_scan.findings == []


@pytest.mark.parametrize(
    "language", sorted(path.stem for path in (builtin_themes_dir() / "default" / "i18n").glob("*.yaml"))
)
def test_no_output_file_holds_executable_markup_in_the_languages_the_theme_speaks(
    tmp_path: Path, language: str, hostile_scan: Scan
) -> None:
    """The payloads put into the theme's words in another language (its catalogs' translations are HTML; the
    values in them must be escaped as the English's are) make no executable markup either."""
    project = hostile_copy(tmp_path / "hostile")
    rewrite_yaml(project / "dossier.yaml", lambda data: {**data, "language": language})
    built = build_project(project)
    assert built.output_dir is not None and not built.report.has_errors
    assert f'<html lang="{language}"' in (built.output_dir / "index.html").read_text(encoding="utf-8")
    scan = scan_site(built.output_dir, BASE_URL_PAYLOAD)
    assert scan.pages == hostile_scan.pages and scan.findings == []


def test_no_element_or_attribute_appears_that_the_clean_site_does_not_have(
    hostile_scan: Scan, clean_scan: Scan
) -> None:
    """Text that broke out of an attribute or element would show up as a new element or attribute."""
    assert hostile_scan.shapes - clean_scan.shapes == set()
    assert hostile_scan.inline_scripts <= clean_scan.inline_scripts


def test_payloads_are_shown_as_the_text_they_are(hostile_build: Built) -> None:
    """Escaped once, not twice, and never evaluated: the reader sees exactly the text the editor wrote."""
    assert hostile_build.output_dir is not None and hostile_build.checked.dossier is not None
    dossier = hostile_build.checked.dossier
    for story in dossier.stories.values():
        page = parse_html((hostile_build.output_dir / urls.path_for(story)).read_text(encoding="utf-8"))
        heading = page.find("h1")
        assert heading is not None and heading.get_text() == story.title
        assert TEXT_PAYLOAD in story.title
        title = page.find("title")
        assert title is not None and story.title in title.get_text()
    for article in dossier.articles.values():
        page = parse_html((hostile_build.output_dir / urls.path_for(article)).read_text(encoding="utf-8"))
        for annotation in article.annotations:
            if annotation.selector.exact.startswith("Payload "):  # each quotes a whole payload paragraph
                pieces = page.select(f'[data-annotation="{annotation.id}"]')
                text = "".join(p.get_text() for p in pieces if p.name in ("mark", "del", "a"))
                assert text == annotation.selector.exact, annotation.id
        mentions = [a for a in page.select("a.mention") if a.get_text() == "<script>alert(1)</script>"]
        assert mentions, "the payload alias is found as a mention"


def test_json_outputs_parse_and_keep_the_payloads_as_data(hostile_build: Built) -> None:
    assert hostile_build.output_dir is not None
    data = json.loads((hostile_build.output_dir / urls.DATA_FILE).read_text(encoding="utf-8"))
    assert TEXT_PAYLOAD in data["site"]["title"]
    assert data["site"]["base_url"] == BASE_URL_PAYLOAD


@pytest.mark.parametrize(
    ("file", "key", "value"),
    [
        ("content/people.yaml", "id", "<script>alert(1)</script>"),
        ("content/people.yaml", "id", "../../etc/passwd"),
        ("content/sources.yaml", "id", '"><img src=x onerror=alert(1)>'),
        ("content/sources.yaml", "id", "/etc/passwd"),
        ("content/flynn-kislyak/story.yaml", "id", "javascript:alert(1)"),
    ],
)
def test_ids_with_payloads_are_refused_where_they_stand(tmp_path: Path, file: str, key: str, value: str) -> None:
    project = copy_example(tmp_path)
    path = project / file
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    record = data[0] if isinstance(data, list) else data["claims"][0]
    record[key] = value
    text = dump(data)
    path.write_text(text, encoding="utf-8")
    checked = check_project(project)
    refusals = [d for d in checked.report.errors if f"'{value}' is not a valid id" in d.message]
    assert len(refusals) == 1, [str(d) for d in checked.report.sorted()]
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if "id:" in row and value in row)
    assert (refusals[0].location.path, refusals[0].location.line) == (file, line)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "https://example.com/ onmouseover=alert(1)",
        "file:///etc/passwd",
    ],
)
def test_link_urls_other_than_http_and_mailto_are_refused(tmp_path: Path, url: str) -> None:
    project = copy_example(tmp_path)
    people = project / "content" / "people.yaml"
    data = yaml.safe_load(people.read_text(encoding="utf-8"))
    data[0]["links"][0]["url"] = url
    people.write_text(dump(data), encoding="utf-8")
    checked = check_project(project)
    assert any("expected an http(s):// or mailto: URL" in d.message for d in checked.report.errors)
    assert all(d.location.path == "content/people.yaml" for d in checked.report.errors)


# --- configuration: a dossier.yaml change in a pull request is untrusted input ----------------------------------

HOSTILE_BASE_URLS = [
    "//evil.example/",  # protocol-relative: another host
    "/\\evil.example/",  # browsers read a backslash as a slash: another host too
    "/repo/\nDisallow: /",  # a line injected into robots.txt
    "https://example.org/a\nSitemap: https://evil.example/s.xml",
    '/repo/"><script>alert(1)</script>',
    "https://user:secret@example.org/",
    "https://example.org/?q=1",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("base_url", HOSTILE_BASE_URLS)
def test_a_base_url_that_hides_another_host_or_a_line_break_is_refused(tmp_path: Path, base_url: str) -> None:
    project = copy_example(tmp_path)
    config = project / "dossier.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('base_url: "/"', f"base_url: {json.dumps(base_url)}", 1), encoding="utf-8")
    errors = check_project(project).report.errors
    assert len(errors) == 1 and "base_url" in errors[0].message, [str(e) for e in errors]
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if row.startswith("base_url:"))
    assert (errors[0].location.path, errors[0].location.line, errors[0].location.column) == ("dossier.yaml", line, 11)


@pytest.mark.parametrize("base_url", HOSTILE_BASE_URLS)
def test_a_hostile_base_url_on_the_command_line_builds_nothing(
    tmp_path: Path, base_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_example(tmp_path)
    assert main(["build", "-q", "--no-search", "-C", str(project), "--base-url", base_url]) == 1
    assert "--base-url:1:1: error: base_url" in capsys.readouterr().err
    assert not (project / "build").exists()


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("verbatim_min_words: -5", "verbatim_min_words must be a whole number of words from 1 to 100, not -5"),
        ("verbatim_min_words: 0", "verbatim_min_words must be a whole number of words from 1 to 100, not 0"),
        ("verbatim_min_words: 2.5", "verbatim_min_words must be a whole number of words from 1 to 100, not 2.5"),
        ("verbatim_min_words: .inf", "verbatim_min_words must be a whole number of words from 1 to 100, not inf"),
        ("verbatim_min_words: 1000000000000000000000", "from 1 to 100, not 1000000000000000000000"),
        ("match_threshold: .nan", "match_threshold must be between 0 and 1, not nan"),
        ("margin: -.inf", "margin must be between 0 and 1, not -inf"),
        ("margin: true", "expected a number, found a boolean"),
    ],
)
def test_out_of_range_comparison_settings_are_located_errors_not_crashes(
    tmp_path: Path, setting: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_example(tmp_path)
    config = project / "dossier.yaml"
    lines = [row for row in config.read_text(encoding="utf-8").splitlines() if not row.startswith(("compare:", "  "))]
    config.write_text("\n".join([*lines, "compare:", f"  {setting}", ""]), encoding="utf-8")
    assert main(["build", "-q", "--no-search", "-C", str(project)]) == 1
    err = capsys.readouterr().err
    assert "internal error" not in err
    assert f"dossier.yaml:{len(lines) + 2}:" in err and expected in err


def test_terminal_control_sequences_in_file_names_are_shown_not_obeyed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file name can hold ESC sequences (clear the screen, recolour, retitle the window): printed escaped."""
    project = copy_example(tmp_path)
    story = project / "content" / "flynn-kislyak"
    (story / "evil\x1b[2J\x1b]0;pwned\x07\x9b31m.yaml").write_text("notes: []\n", encoding="utf-8")
    assert main(["check", "-C", str(project)]) == 1
    err = capsys.readouterr().err
    assert not any(char in err for char in "\x1b\x07\x9b")
    assert "content/flynn-kislyak/evil\\x1b[2J\\x1b]0;pwned\\x07\\x9b31m.yaml:1:1: error: annotations without" in err


@pytest.mark.parametrize(
    ("written", "number"), [("007", 7), ("0x1f", 31), ("1_000", 1000), ("12:30", 750), ("017", 15), ("+5", 5)]
)
def test_an_id_that_yaml_reads_as_another_number_is_an_error_not_a_renamed_page(
    tmp_path: Path, written: str, number: int
) -> None:
    """`id: 007` must not quietly become people/7/: the id is text as written, or a located error."""
    project = copy_example(tmp_path)
    people = project / "content" / "people.yaml"
    text = people.read_text(encoding="utf-8")
    people.write_text(text.replace("- id: michael-flynn", f"- id: {written}", 1), encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if row == "- id: michael-flynn")
    errors = [str(d) for d in check_project(project).report.errors if d.location.path == "content/people.yaml"]
    assert errors == [
        f"content/people.yaml:{line}:7: error: YAML reads the id {written} as the number {number}; put it in "
        f"quotes to keep it as written: '{written}'"
    ]
    people.write_text(text.replace("- id: michael-flynn", "- id: 2017", 1), encoding="utf-8")
    assert not [d for d in check_project(project).report.errors if d.location.path == "content/people.yaml"]
