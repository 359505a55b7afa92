"""What sentences mean beyond their words: sentence vectors from a model that is installed, never downloaded.

The default, "wordllama", is WordLlama's smallest model (256 dimensions, 16 MB, of which the first 128 are used),
which the `wordllama` wheel ships: nothing is fetched at run time, on a build machine or in CI. A sentence's vector
is the average of its tokens' vectors, of unit length, so the cosine of two sentences is the dot product of their
vectors. Sentences on one subject score high whatever they say (two sentences about one earthquake, about 0.6), so
the score uses the cosine beside the words, never alone (score.py). "off" turns the signal off.
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:  # numpy is imported where vectors are made: a rebuild that compares nothing never loads it
    import numpy as np
    import numpy.typing as npt

SHIPPED = "wordllama"
SHIPPED_DIMENSIONS = 128
OFF = "off"

Vectors: TypeAlias = "npt.NDArray[np.float32]"  # one row of unit length for each sentence


class Tokenizer:
    """WordLlama's tokenizer (Llama 2's byte-pair encoding), from its tokenizer file: words to token ids.

    Written here rather than taken from the tokenizers library, which would bring huggingface-hub and its dozen
    requirements into every build's cache key. A run of spaces begins a word ("▁the"), and no merge joins a letter
    to the space after it, so each word is encoded alone, once per process (a dossier's articles share most of their
    words). tests/test_compare.py checks it against the tokenizers library.
    """

    MAX_WORDS = 200_000  # a long `dossier serve` session meets new words; start again past this many

    def __init__(self, vocabulary: dict[str, int], merges: list[str]) -> None:
        self.vocabulary = vocabulary
        self.ranks = {tuple(merge.split(" ", 1)): rank for rank, merge in enumerate(merges)}
        self.known: dict[str, list[int]] = {}

    @classmethod
    def from_file(cls, path: Path) -> Tokenizer:
        model = json.loads(path.read_text(encoding="utf-8"))["model"]
        return cls(model["vocab"], [m if isinstance(m, str) else " ".join(m) for m in model["merges"]])

    def ids(self, text: str) -> list[int]:
        """The text's token ids: a space before it and every space a word boundary, as the tokenizer file says."""
        found: list[int] = []
        if not text:
            return found
        for whole in WORD_START.split("\u2581" + text.replace(" ", "\u2581")):
            # Byte-pair encoding takes time quadratic in a word's length: a longer "word" (a run of 30,000 letters
            # or brackets took a minute) is encoded a piece at a time.
            for start in range(0, len(whole), MAX_ENCODED_WORD):
                word = whole[start : start + MAX_ENCODED_WORD]
                known = self.known.get(word)
                if known is None:
                    if len(self.known) >= self.MAX_WORDS:
                        self.known.clear()
                    known = self.known[word] = self._encode(word)
                found += known
        return found

    def _encode(self, word: str) -> list[int]:
        symbols = list(word)
        while len(symbols) > 1:
            ranked = [(self.ranks.get(pair, MAX_RANK), i) for i, pair in enumerate(itertools.pairwise(symbols))]
            rank, i = min(ranked)
            if rank == MAX_RANK:
                break
            symbols[i : i + 2] = [symbols[i] + symbols[i + 1]]
        ids: list[int] = []
        for symbol in symbols:
            token = self.vocabulary.get(symbol)
            if token is not None:
                ids.append(token)
            else:  # a character the vocabulary lacks is spelt in its UTF-8 bytes
                ids += [self.vocabulary[f"<0x{byte:02X}>"] for byte in symbol.encode("utf-8")]
        return ids


MAX_RANK = 1 << 62
MAX_ENCODED_WORD = 64  # characters: longer than any word a sentence's meaning rests on
WORD_START = re.compile("(?<!\u2581)(?=\u2581)")  # "▁" (U+2581) is a space; a word starts at each run of them


class AveragedTokens:
    """A sentence model that averages its tokens' vectors (WordLlama's kind), in one pass over an article's tokens."""

    def __init__(self, table: Vectors, tokenizer: Tokenizer) -> None:
        self.table = table  # one row for each token of the vocabulary
        self.tokenizer = tokenizer

    def vectors(self, texts: Sequence[str]) -> Vectors:
        import numpy as np

        encodings = [self.tokenizer.ids(text) for text in texts]
        lengths = np.array([len(ids) for ids in encodings], dtype=np.int64)
        if not lengths.any():
            return np.zeros((len(texts), self.table.shape[1]), dtype=np.float32)
        ids = np.fromiter(itertools.chain.from_iterable(encodings), dtype=np.int64, count=int(lengths.sum()))
        np.clip(ids, 0, self.table.shape[0] - 1, out=ids)
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        # reduceat gives an empty sentence the next token's vector: it is set to nothing below.
        sums = np.add.reduceat(self.table[ids], np.minimum(starts, len(ids) - 1), axis=0)
        sums[lengths == 0] = 0.0
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        found: Vectors = (sums / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)
        return found


@functools.cache
def shipped_model() -> AveragedTokens:
    """WordLlama's smallest model, read from the files its wheel ships (once per process).

    The files are read directly, not through the `wordllama` package, which would import pydantic, requests and
    tokenizers for its downloads: a build loads only numpy (in the build cache's key, with the files).
    """
    import numpy as np

    weights, tokenizer_file = shipped_files()
    # Its first 128 dimensions (WordLlama trains them to stand alone: Matryoshka): as good on the evaluation set
    # (benchmarks/compare_eval/) as all 256, and the table's rows read 4 times faster.
    table = read_safetensors(weights)["embedding.weight"][:, :SHIPPED_DIMENSIONS]
    return AveragedTokens(np.ascontiguousarray(table, dtype=np.float32), Tokenizer.from_file(tokenizer_file))


SAFETENSORS_DTYPES = {"F16": "float16", "F32": "float32"}


def read_safetensors(path: Path) -> dict[str, npt.NDArray[np.floating]]:
    """The arrays of a safetensors file: an 8-byte header length, a JSON header, then each array's bytes."""
    import numpy as np

    data = path.read_bytes()
    header_length = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + header_length])
    arrays = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = (8 + header_length + offset for offset in entry["data_offsets"])
        flat = np.frombuffer(data[start:end], dtype=np.dtype(SAFETENSORS_DTYPES[entry["dtype"]]).newbyteorder("<"))
        arrays[name] = flat.reshape(entry["shape"])
    return arrays


def shipped_files() -> tuple[Path, Path]:
    """The shipped model's weights and tokenizer, in the `wordllama` wheel (found without importing it)."""
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "the comparison's sentence model comes with the wordllama package: pip install wordllama"
        )
    folder = Path(spec.submodule_search_locations[0])
    return (
        folder / "weights" / "l2_supercat_256.safetensors",
        folder / "tokenizers" / "l2_supercat_tokenizer_config.json",
    )


def model_key(model_name: str) -> tuple[str, ...]:
    """What the vectors of `model_name` are made from, for the build cache's key: the files' names, sizes, times."""
    if model_name == OFF:
        return (OFF,)
    return (
        model_name,
        *(f"{path.name} {path.stat().st_size} {path.stat().st_mtime_ns}" for path in model_files(model_name)),
    )


def sentence_vectors(texts: Sequence[str], model_name: str) -> Vectors | None:
    """Each text's vector, or None when the signal is off."""
    if model_name == OFF:
        return None
    return model_named(model_name).vectors(texts)


def model_named(model_name: str) -> AveragedTokens:
    """The shipped model, or the one in the folder `model_name` names (config.py checked it)."""
    return shipped_model() if model_name == SHIPPED else folder_model(model_name)


@functools.cache
def folder_model(folder: str) -> AveragedTokens:
    """A WordLlama model the user installed in a folder laid out as WordLlama's cache: all its dimensions."""
    import numpy as np

    weights, tokenizer_file = model_files(folder)
    (table,) = read_safetensors(weights).values()
    return AveragedTokens(np.ascontiguousarray(table, dtype=np.float32), Tokenizer.from_file(tokenizer_file))


def model_files(model_name: str) -> tuple[Path, Path]:
    """The weights and tokenizer files of a model (the shipped one's, or the first of each in a folder)."""
    if model_name == SHIPPED:
        return shipped_files()
    folder = Path(model_name)
    return min(folder.glob("weights/*.safetensors")), min(folder.glob("tokenizers/*_tokenizer_config.json"))


# How alike an article's sentences may be, on average, for the model to be reading its language. Two sentences of
# one English article average a cosine of 0.14 to 0.49 (the evaluation set's 32 articles); the shipped model spells
# Arabic, Greek and Devanagari a letter a token, whose vectors tell little apart: any two sentences of an Arabic,
# Greek or Hindi article score 0.84 to 0.93, and unrelated articles paired sentence for sentence.
INDISTINCT = 0.7
LEAST_SENTENCES = 3  # fewer, and an article's sentences are too few to tell what is usual for it


def tells_sentences_apart(vectors: Vectors) -> bool:
    """Whether the model reads the text these are its sentences' vectors of: its sentences are not all alike.

    The mean cosine over every two different sentences, from the sum of the (unit) vectors: |sum|^2 counts each
    sentence with itself once and each two twice.
    """
    import numpy as np

    rows = vectors[np.any(vectors != 0, axis=1)]  # an empty sentence has no vector
    count = len(rows)
    if count < LEAST_SENTENCES:
        return True
    total = rows.sum(axis=0, dtype=np.float64)
    return bool((total @ total - count) / (count * (count - 1)) < INDISTINCT)


COSINE_CHUNK = 65536  # pairs whose rows are copied at once (32 MB of float32 at 128 dimensions a side)


def cosines(
    left: Vectors | None, right: Vectors | None, pairs: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], float] | None:
    """The cosine of each pair (left sentence, right sentence), as Python floats; None with the signal off.

    Only the pairs asked for, row by row (einsum): a matrix product of all sentences would call BLAS, whose threads
    cost more than the products, and must not be running when the comparison forks its workers.
    """
    if left is None or right is None:
        return None
    if not pairs:
        return {}
    import numpy as np

    found: list[float] = []
    for start in range(0, len(pairs), COSINE_CHUNK):  # a chunk's rows at a time: bounded memory for any number
        left_rows, right_rows = zip(*pairs[start : start + COSINE_CHUNK], strict=True)
        found += np.einsum("ij,ij->i", left[list(left_rows)], right[list(right_rows)]).tolist()
    return dict(zip(pairs, found, strict=True))
