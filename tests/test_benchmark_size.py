"""The benchmark's size row: which kind of file each byte of a site is counted under."""

from __future__ import annotations

from pathlib import Path

from benchmarks.run import first_search_fetch, output_size

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


def write_bundle(folder: Path, chunks: list[int], fragments: list[int]) -> None:
    (folder / "index").mkdir(parents=True)
    (folder / "fragment").mkdir()
    entry = '{"languages":{"en":{"hash":"en_1","wasm":"en","page_count":3}}}'
    (folder / "pagefind-entry.json").write_text(entry, encoding="utf-8")
    (folder / "pagefind.en_1.pf_meta").write_bytes(b"m" * 100)
    for n, size in enumerate(chunks):
        (folder / "index" / f"en_{n}.pf_index").write_bytes(b"i" * size)
    for n, size in enumerate(fragments):
        (folder / "fragment" / f"en_{n}.pf_fragment").write_bytes(b"f" * size)


def test_a_first_search_fetches_the_scripts_once_and_of_each_bundle_its_entry_metadata_and_one_chunk(
    tmp_path: Path,
) -> None:
    index = tmp_path / "pagefind"
    write_bundle(index, chunks=[1000, 3000], fragments=[10, 20, 30])
    write_bundle(index / "shard-3", chunks=[500], fragments=[40, 50, 60, 70, 80])
    (index / "dossier-shards.json").write_text('{"shards":4,"merged":[{"shard":3,"path":"shard-3/"}]}')
    for name, size in {"pagefind.js": 4000, "pagefind-worker.js": 2000, "wasm.en.pagefind": 7000}.items():
        (index / name).write_bytes(b"s" * size)
    entry = len((index / "pagefind-entry.json").read_bytes())

    fetch = first_search_fetch(tmp_path)

    assert fetch is not None
    assert (fetch.bundles, fetch.files) == (2, 3 + 2 * 3 + 5)
    fragments = 5 * (10 + 20 + 30 + 40 + 50 + 60 + 70 + 80) // 8
    assert fetch.bytes == 13000 + 2 * (entry + 100) + 2000 + 500 + fragments
    assert first_search_fetch(tmp_path / "pagefind") is None  # no index there
