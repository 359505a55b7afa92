"""The benchmark's size row: which kind of file each byte of a site is counted under."""

from __future__ import annotations

from pathlib import Path

from benchmarks.run import output_size

SITE = {
    "data/dossier.json": 400,
    "stories/story-1/compare.html": 300,
    "stories/story-1/article-1/index.html": 100,
    "stories/story-1/article-2/index.html": 100,
    "stories/story-1/index.html": 50,
    "stories/story-1/feed.xml": 10,
    "people/someone/index.html": 20,
    "people/index.html": 10,
    "feed.xml": 10,
}


def test_the_size_is_split_by_kind_of_file_largest_first(tmp_path: Path) -> None:
    for name, length in SITE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x" * length)
    (tmp_path / "people" / "linked.html").symlink_to(tmp_path / "data" / "dossier.json")

    size = output_size(tmp_path)

    assert (size.files, size.bytes) == (len(SITE), 1000)
    assert size.bytes_by_kind == {
        "data/dossier.json": 400, "comparison pages": 300, "article pages": 200, "story pages": 50,
        "feeds": 20, "person pages": 20, "other": 10,
    }  # fmt: skip
    assert size.describe(2) == (
        "0.5 KB per article; 0.0 MB in 9 files (data/dossier.json 40%, comparison pages 30%, article pages 20%,"
        " story pages 5%, feeds 2%, person pages 2%, other 1%)"
    )
