"""`dossier init` and `dossier new`: what they write passes `dossier check`, and they never clobber."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
import yaml

from dossier import __version__
from dossier.cli import main
from dossier.pipeline import BuildOptions, build_project, check_project
from dossier.placeholders import CLAIM, HEADLINE
from dossier.scaffold import init_project, scaffold_dir
from tests.conftest import REPO, copy_example
from tests.test_placeholders import PASTE, SUMMARY, left, warnings


def run(*argv: str) -> int:
    return main(list(argv))


def assert_checks_clean(project: Path, include_drafts: bool = False) -> None:
    checked = check_project(project, BuildOptions(include_drafts=include_drafts))
    assert checked.report.diagnostics == [], "\n".join(map(str, checked.report.sorted()))


def only_insertions(old: str, new: str) -> bool:
    """True when `new` is `old` with lines added and none changed or removed."""
    matcher = difflib.SequenceMatcher(a=old.splitlines(), b=new.splitlines(), autojunk=False)
    return all(tag in ("equal", "insert") for tag, *_ in matcher.get_opcodes())


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "my-dossier"
    assert run("init", str(folder), "-q") == 0
    return folder


# ---- dossier init ----


def test_an_initd_dossier_checks_clean_and_builds(project: Path) -> None:
    assert_checks_clean(project)
    built = build_project(project)
    assert built.written is not None and not built.report.errors
    assert (project / "build" / "stories" / "harbour-bridge" / "eastmoor-herald" / "index.html").is_file()
    assert yaml.safe_load((project / "dossier.yaml").read_text(encoding="utf-8"))["title"] == "My dossier"


def test_counts_of_one_are_singular(project: Path) -> None:
    """The sample story has one article: the home page said "1 articles" on the first page a new user opens."""
    story = project / "content" / "harbour-bridge"
    (story / "eastmoor-herald.yaml").write_text(
        "claims:\n  - claim: bridge-safe-today\n    quote: The bridge is safe today\n", encoding="utf-8"
    )
    text = (story / "story.yaml").read_text(encoding="utf-8")
    one_claim = text[: text.index("\n  - id: repairs-cost-four-million")]
    (story / "story.yaml").write_text(one_claim + "\n", encoding="utf-8")
    built = build_project(project, BuildOptions(search=False))
    site = built.output_dir
    assert site is not None and not built.report.errors, built.report.sorted()

    def counts(path: str) -> list[str]:
        html = (site / path).read_text(encoding="utf-8")
        return re.findall(r"\b\d+ (?:article|claim|annotation)s?\b", html)

    assert counts("index.html") == ["1 article", "1 claim"]
    assert counts("stories/harbour-bridge/index.html") == ["1 annotation"]
    assert counts("stories/harbour-bridge/eastmoor-herald/index.html") == ["1 annotation"]


def test_init_that_would_write_nothing_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An installation without the skeleton (as a wheel that could not find its theme was) must not pass for
    a new dossier: exit non-zero, say why, and write nothing."""
    empty = tmp_path / "no-skeleton"
    empty.mkdir()
    monkeypatch.setattr("dossier.scaffold.scaffold_dir", lambda: empty)
    assert run("init", str(tmp_path / "site")) != 0
    assert "missing from this installation" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


def test_init_writes_the_editors_files(project: Path) -> None:
    story = "content/harbour-bridge/"
    for name in ("dossier.yaml", "README.md", ".gitignore", ".github/workflows/pages.yml", "content/people.yaml",
                 "content/sources.yaml", story + "story.yaml", story + "eastmoor-herald.md",
                 story + "eastmoor-herald.yaml"):  # fmt: skip
        assert (project / name).is_file(), name
    assert not list(project.rglob("*.in")), "template suffixes are dropped"
    assert not list(project.rglob("dot-*")), "dot- names become dotfiles"
    assert "/build/" in (project / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_the_pages_workflow_builds_and_deploys_with_the_official_actions(project: Path) -> None:
    text = (project / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    assert workflow["permissions"] == {}, "nothing granted by default"
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read", "pages": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    build_steps = build["steps"]
    uses = [step["uses"] for step in build_steps if "uses" in step] + [s["uses"] for s in deploy["steps"]]
    assert [u.split("@")[0] for u in uses] == ["actions/checkout", "actions/setup-python", "actions/configure-pages",
                                              "actions/upload-pages-artifact", "actions/deploy-pages"]  # fmt: skip
    assert all(re.fullmatch(r"[\w/-]+@[0-9a-f]{40}", u) for u in uses), "every action pinned by commit"
    assert build_steps[0]["with"]["persist-credentials"] is False
    runs = [step["run"] for step in build_steps if "run" in step]
    assert runs == [f'python -m pip install "dossier-ssg=={__version__}"',
                    'dossier build --base-url "${BASE_URL}/" --output _site --format github']  # fmt: skip
    (built,) = [step for step in build_steps if step.get("run", "").startswith("dossier build")]
    assert built["env"]["BASE_URL"] == "${{ steps.pages.outputs.base_url }}", "configure-pages says the address"
    upload = next(s for s in build_steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"] == {"path": "_site", "include-hidden-files": True}
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"


def test_a_pull_request_is_checked_strictly_and_previewed_never_published(project: Path) -> None:
    """The pull request's job may only read the repository; the jobs that can publish never run for one; the
    runs of one pull request share a concurrency group of their own, not the deployments' one."""
    text = (project / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    assert "pull_request" in workflow[True], "YAML 1.1 reads the key `on` as True"
    jobs = workflow["jobs"]
    assert {name: job["if"] for name, job in jobs.items()} == {
        "check": "github.event_name == 'pull_request'",
        "build": "github.event_name != 'pull_request'",
        "deploy": "github.event_name != 'pull_request'",
    }
    check = jobs["check"]
    assert check["permissions"] == {"contents": "read"}
    assert "needs" not in check and "environment" not in check
    steps = check["steps"]
    assert steps[0]["with"]["persist-credentials"] is False
    assert [step["run"] for step in steps if "run" in step] == [
        f'python -m pip install "dossier-ssg=={__version__}"',
        "dossier build --output _site --format github --quiet",
        "dossier check --strict --no-drafts --format github",
    ]
    (upload,) = [step for step in steps if step.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload["uses"] == "actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f"
    assert "actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f  # v7.0.0\n" in text
    assert upload["with"] == {"name": "site-preview", "path": "_site", "include-hidden-files": True,
                              "if-no-files-found": "error", "retention-days": 7}  # fmt: skip
    assert steps.index(upload) > [step.get("run", "") for step in steps].index(
        "dossier build --output _site --format github --quiet"
    ), "the preview is uploaded after it is built"
    assert workflow["concurrency"] == {
        "group": "${{ github.event_name == 'pull_request' && format('check-{0}', github.ref) || 'pages' }}",
        "cancel-in-progress": "${{ github.event_name == 'pull_request' }}",
    }


def test_the_deploy_guide_shows_the_workflow_init_writes(project: Path) -> None:
    """docs/deploy.md and `dossier init` give one workflow (scripts/sync-deploy-doc.py copies it over)."""
    guide = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    shown = guide.split("<!-- the init workflow: begin -->\n```yaml\n", 1)[1].split(
        "```\n<!-- the init workflow: end", 1
    )[0]
    assert shown == (project / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"), (
        "run: .venv/bin/python scripts/sync-deploy-doc.py"
    )


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert run("init", str(tmp_path)) == 2
    assert "is not empty (notes.txt)" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_init_with_force_adds_its_files_and_keeps_every_existing_one(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# My own readme\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    written = init_project(tmp_path, force=True)
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "# My own readme\n"
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert written.kept == [tmp_path / "README.md"]
    assert "1 file was already there and was left as it was" in written.notes
    assert (tmp_path / "dossier.yaml").is_file()
    assert_checks_clean(tmp_path)


def test_init_accepts_a_fresh_git_repository(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    init_project(tmp_path, title="Eastmoor: the bridge")
    assert yaml.safe_load((tmp_path / "dossier.yaml").read_text(encoding="utf-8"))["title"] == "Eastmoor: the bridge"
    assert_checks_clean(tmp_path)


def test_every_skeleton_is_a_file_of_the_builtin_theme() -> None:
    folder = scaffold_dir()
    assert (folder / "init" / "dossier.yaml.in").is_file()
    for kind in ("story.yaml", "article.md", "article.yaml", "person.yaml", "source.yaml", "claim.yaml"):
        assert (folder / "new" / f"{kind}.in").is_file(), kind


# ---- dossier new ----


def test_new_commands_write_files_that_check_without_errors(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    c = ("-C", str(project))
    assert run("new", "story", "city-budget", "--title", "The 2026 budget: a dossier", *c) == 0
    assert (
        run("new", "source", "city-gazette", "The City Gazette", "--kind", "outlet", "--url", "https://x.test/", *c)
        == 0
    )
    assert run("new", "person", "lena-ortiz", "Lena O'Brien-Ortiz", *c) == 0
    assert run("new", "article", "city-budget", "city-gazette", "--title", "Budget: yes", *c) == 0
    assert run("new", "article", "city-budget", "second-look", "--outlet", "eastmoor-herald", "--draft", *c) == 0
    assert run("new", "claim", "city-budget", "budget-balanced", "--claimant", "lena-ortiz", *c) == 0
    assert run("new", "claim", "city-budget", "budget-late", "--claimant", "city-gazette", "--verdict", "false",
               "--text", "The budget was late: again", *c) == 0  # fmt: skip
    assert run("new", "claim", "harbour-bridge", "ferries-free", "--claimant", "ana-ruiz", *c) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "wrote content/city-budget/story.yaml\n"
        "it is a draft: `dossier serve` shows it, `dossier build` leaves it out until you delete its `draft: true` "
        "line\nnext: dossier new article city-budget ARTICLE --outlet OUTLET\n"
    )
    assert "wrote content/city-budget/city-gazette.md" in out
    assert "added to content/people.yaml" in out
    # What the editor has to write is a warning, so that `check --strict` fails until it is written; the new
    # story is a draft, so its own are warnings only once it is published (or with --drafts).
    ferries = left("content/harbour-bridge/story.yaml:28:12", "'claim'", CLAIM)
    assert warnings(project) == [ferries]
    assert warnings(project, include_drafts=True) == [
        left("content/city-budget/city-gazette.md:11:1", "the article's text", PASTE, "paste the article's text", True),
        left("content/city-budget/second-look.md:2:8", "'title'", HEADLINE, draft=True),
        left("content/city-budget/second-look.md:11:1", "the article's text", PASTE, "paste the article's text", True),
        left("content/city-budget/story.yaml:4:10", "'summary'", SUMMARY, draft=True),
        left("content/city-budget/story.yaml:12:12", "'claim'", CLAIM, draft=True),
        ferries,
    ]
    checked = check_project(project, BuildOptions(include_drafts=True))
    assert checked.dossier is not None
    assert checked.dossier.people["lena-ortiz"].name == "Lena O'Brien-Ortiz"
    assert checked.dossier.claims["budget-late"].text == "The budget was late: again"
    assert checked.dossier.claims["budget-late"].verdict == "false"
    assert checked.dossier.claims["budget-balanced"].verdict == "unverified"
    assert checked.dossier.articles["second-look"].is_draft
    assert checked.dossier.stories["city-budget"].is_draft, "a new story is a draft unless --no-draft"
    assert checked.dossier.stories["city-budget"].title == "The 2026 budget: a dossier"
    assert set(checked.dossier.stories["harbour-bridge"].claim_ids) >= {"bridge-safe-today", "ferries-free"}
    assert build_project(project, BuildOptions(include_drafts=True)).written is not None


def test_new_entries_keep_the_files_comments_and_layout(project: Path) -> None:
    people, story = project / "content" / "people.yaml", project / "content" / "harbour-bridge" / "story.yaml"
    before_people, before_story = people.read_text(encoding="utf-8"), story.read_text(encoding="utf-8")
    assert run("new", "person", "sam-lee", "Sam Lee", "-C", str(project), "-q") == 0
    assert run("new", "claim", "harbour-bridge", "first-new", "--claimant", "sam-lee", "-C", str(project), "-q") == 0
    assert run("new", "claim", "harbour-bridge", "second-new", "--claimant", "sam-lee", "-C", str(project), "-q") == 0
    after_people, after_story = people.read_text(encoding="utf-8"), story.read_text(encoding="utf-8")
    assert after_people.startswith(before_people)
    assert "\n\n- id: sam-lee\n  name: Sam Lee\n" in after_people  # spaced out, as the file's entries are
    assert only_insertions(before_story, after_story)
    assert after_story.index("first-new") < after_story.index("second-new")
    claims = yaml.safe_load(after_story)["claims"]
    assert [c["id"] for c in claims][-2:] == ["first-new", "second-new"]
    assert len(warnings(project)) == 2, "each new claim's text is a placeholder"


def test_the_example_dossier_takes_new_entries_too(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "example")
    story = project / "content" / "flynn-kislyak" / "story.yaml"
    sources = project / "content" / "sources.yaml"
    before_story, before_sources = story.read_text(encoding="utf-8"), sources.read_text(encoding="utf-8")
    assert run("new", "claim", "flynn-kislyak", "a-new-claim", "--claimant", "michael-flynn", "-C", str(project)) == 0
    assert run("new", "source", "a-new-source", "A new source", "--kind", "document", "-C", str(project)) == 0
    assert only_insertions(before_story, story.read_text(encoding="utf-8"))
    assert only_insertions(before_sources, sources.read_text(encoding="utf-8"))
    checked = check_project(project)
    assert not checked.report.errors, "\n".join(map(str, checked.report.errors))
    assert checked.dossier is not None and "a-new-claim" in checked.dossier.claims


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("story", "harbour-bridge"), "already exists"),
        (("story", "Harbour Bridge"), "try 'harbour-bridge'"),
        (("article", "no-such-story", "x", "--outlet", "eastmoor-herald"), "there is no story 'no-such-story'"),
        (("article", "harbour-bridge", "eastmoor-herald"), "already exists"),
        (
            ("article", "harbour-bridge", "fresh"),
            "name the article's outlet with --outlet ID (outlets: eastmoor-herald)",
        ),
        (("article", "harbour-bridge", "fresh", "--outlet", "eastmoor-herold"), "did you mean 'eastmoor-herald'?"),
        (("article", "harbour-bridge", "fresh", "--outlet", "eastmoor-council"), "not an outlet"),
        (("article", "harbour-bridge", "fresh", "--outlet", "eastmoor-herald", "--url", "ftp://x"), "http"),
        (("person", "ana-ruiz", "Another Ana"), "already a person 'ana-ruiz'"),
        (("person", "eastmoor-herald", "A person"), "already a source 'eastmoor-herald'"),
        (("person", "Ana_Ruiz", "Ana"), "is not an id"),
        (("person", "someone", "   "), "the name is empty"),
        (("source", "ana-ruiz", "A source", "--kind", "outlet"), "already a person 'ana-ruiz'"),
        (("source", "new-one", "A source", "--kind", "newspaper"), "--kind must be one of"),
        (("claim", "harbour-bridge", "bridge-safe-today", "--claimant", "ana-ruiz"), "already a claim"),
        (("claim", "harbour-bridge", "fresh", "--claimant", "ana-ruz"), "did you mean 'ana-ruiz'?"),
        (("claim", "harbour-bridge", "fresh", "--claimant", "ana-ruiz", "--verdict", "true"), "unknown verdict"),
    ],
)
def test_new_refuses_and_says_why(
    project: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    assert run("new", *argv, "-C", str(project)) == 2
    assert message in capsys.readouterr().err
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(
    ("kind", "name", "options", "suggestion"),
    [
        ("story", "Zürich", (), "zurich"),
        ("person", "Jürgen Müller", (), "jurgen-muller"),
        ("person", "François Hollande", (), "francois-hollande"),
        ("source", "Élysée", ("--kind", "institution"), "elysee"),
        ("person", "Сергей Кисляк", (), "sergey-kislyak"),
    ],
)
def test_new_suggests_an_id_for_a_name_in_any_script(
    project: Path, capsys: pytest.CaptureFixture[str], kind: str, name: str, options: tuple[str, ...], suggestion: str
) -> None:
    """The name given where an id belongs is refused with an id made from it, which then works."""
    names = () if kind == "story" else (name,)
    assert run("new", kind, name, *names, *options, "-C", str(project)) == 2
    assert f"try '{suggestion}'" in capsys.readouterr().err
    assert run("new", kind, suggestion, *names, *options, "-C", str(project), "-q") == 0
    assert not check_project(project, BuildOptions(include_drafts=True)).report.errors


def test_new_refuses_a_file_with_errors(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    people = project / "content" / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8") + "- id: [broken\n", encoding="utf-8")
    assert run("new", "person", "sam-lee", "Sam Lee", "-C", str(project)) == 2
    assert "content/people.yaml has errors; fix them first" in capsys.readouterr().err


def test_new_outside_a_dossier_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("new", "person", "sam-lee", "Sam Lee", "-C", str(tmp_path)) == 2
    assert "no dossier.yaml" in capsys.readouterr().err


def test_new_story_no_draft_is_published_at_once(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("new", "story", "city-budget", "--no-draft", "-C", str(project)) == 0
    assert capsys.readouterr().out == (
        "wrote content/city-budget/story.yaml\nnext: dossier new article city-budget ARTICLE --outlet OUTLET\n"
    )
    checked = check_project(project)
    assert checked.dossier is not None and not checked.dossier.stories["city-budget"].is_draft
