"""Chinese named entities by Baidu's LAC model: the Chinese counterpart of spaCy's NER.

No Chinese NER model installs offline from PyPI in a form that runs here: LAC (Apache-2.0) ships
its trained model in its sdist, but needs `paddle.fluid`, which PaddlePaddle removed, and its
sdist no longer builds. The model itself is small and plain: character/word embeddings, two
bidirectional GRU layers, a linear layer and a CRF. So its weights are converted once
(`docs/lac_model.md`): the GRU layers run as standard ONNX ops in ONNX Runtime, and the
embedding lookup, LAC's own segmentation and the CRF's Viterbi decoding are written here with
numpy. With the embeddings at full precision this gives exactly LAC's tags on PaddlePaddle 2.6
(all 3,987 Weibo and sample texts tried); shipped as int8 (7 MB instead of 30 MB), 1,830 of
1,890 Weibo texts get identical tags, the rest differ at near ties.

LAC tags words with parts of speech and PER / LOC / ORG / TIME. Only PER is used: names are
what the lexicon rules miss (given names alone, nicknames, transliterations); places are the
address grammar's, and a city named alone identifies nobody.

Speed: texts are cut into sentence pieces of at most `MAX_PIECE` characters, sorted by length
and run in batches, so each GRU step is one matrix product for a whole batch in both
directions.
"""

from __future__ import annotations

import gzip
import io
import itertools
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from math import log

import numpy as np
import numpy.typing as npt

from tdg.transforms.pii.data_files import data_bytes
from tdg.transforms.pii.language import CJK_CHARACTER

MAX_PIECE = 200  # characters per model input: a sentence, or a hard cut of a longer one
# Padded tokens per batch. Small enough that a batch's GRU activations (inputs and their
# projections, ~3 kB a token) stay in the core's caches: 2,048 ran the Weibo and sample texts
# 15-20% faster than 8,192 and 30-40% faster than 32,768 here, with identical tags; 768-2,048
# were alike.
_BATCH_TOKENS = 2048
_SENTENCE = re.compile(r"[^。！？!?\n]*[。！？!?\n]*")
# The last of these in a window: `.*` is greedy, so the match ends after the last one.
_SOFT_BREAK = re.compile(r".*[，、；：,;:\s]", re.DOTALL)
_OVERLAP = 20  # characters a hard cut repeats: longer than any name
_LATIN_OR_DIGIT = re.compile(r"[a-zA-Z0-9]")

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class NamedSpan:
    start: int
    end: int
    label: str  # LAC's tag: PER, LOC, ORG, TIME, or a part of speech


def _dictionary(name: str, separator: str = "\t") -> list[list[str]]:
    """The two-field lines of one of LAC's dictionaries (gzip for the large ones)."""
    raw = data_bytes(f"lac/{name}")
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    entries = (line.split(separator) for line in raw.decode("utf-8").split("\n"))
    return [entry for entry in entries if len(entry) == 2]


class _Segmenter:
    """LAC's own dictionary segmentation, which decides the model's word-level inputs.

    A port of `LAC.segment.Segment.fast_cut`, quirks included: a word's weight is its length,
    not its frequency (as LAC computes it), and runs of single letters or digits are joined.
    The model was trained on its output, so it is reproduced, not replaced by jieba.
    """

    def __init__(self, entries: list[list[str]]) -> None:
        tree: dict[str, int | None] = {}
        total = 0
        for word, count in entries:
            tree[word] = len(word)
            for i in range(1, len(word)):
                tree.setdefault(word[:i], None)
            total += int(count)
        self._tree = tree
        self._log_total = log(total)
        self._log_length = [0.0, *(log(k) for k in range(1, max(map(len, tree), default=1) + 1))]

    def cut(self, text: str) -> list[str]:
        # One backward pass: the best segmentation of text[i:] from those of shorter
        # suffixes. A word scores log(its length) - log(total), a character missing from
        # the dictionary 0 - log(total); ties go to the longer word (LAC's max over tuples).
        tree, log_total, log_length = self._tree, self._log_total, self._log_length
        n = len(text)
        score = [0.0] * (n + 1)
        best_end = [0] * (n + 1)
        for i in range(n - 1, -1, -1):
            best, end_at = score[i + 1] - log_total, i
            if text[i] in tree:  # else no longer word starts here either
                end = i + 2
                while end <= n:
                    word = text[i:end]
                    if word not in tree:
                        break
                    length = tree[word]
                    if length:
                        candidate = log_length[length] - log_total + score[end]
                        if candidate >= best:  # >=: the later end wins a tie, as in LAC
                            best, end_at = candidate, end - 1
                    end += 1
            score[i] = best
            best_end[i] = end_at
        words: list[str] = []
        buffer = ""
        i = 0
        while i < n:
            end = best_end[i] + 1
            word = text[i:end]
            if len(word) == 1 and _LATIN_OR_DIGIT.match(word):
                buffer += word
            else:
                if buffer:
                    words.append(buffer)
                    buffer = ""
                words.append(word)
            i = end
        if buffer:
            words.append(buffer)
        return words


class LacTagger:
    """LAC's lexical analysis model. Heavy (embeddings of 58k words): build once per worker."""

    def __init__(self) -> None:
        import onnxruntime

        embedding = np.load(io.BytesIO(data_bytes("lac/embedding.npz")))
        self._embedding: FloatArray = (
            embedding["word_emb_q"].astype(np.float32) * embedding["word_emb_scale"]
        )
        crf = embedding["crfw"]
        self._start, self._end, self._transition = crf[0], crf[1], crf[2:]
        options = onnxruntime.SessionOptions()
        # One thread: Beam runs one worker per core, and throughput is measured per core.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            data_bytes("lac/bigru.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self._word_ids = {word: int(i) for i, word in _dictionary("word.dic.gz")}
        self._unknown = self._word_ids["OOV"]
        # tag.dic reuses ids: PER-B etc. replace nr-B etc. further down; the last line wins,
        # as in LAC's own reader.
        tags = {int(i): tag for i, tag in _dictionary("tag.dic")}
        # Per tag id: whether it starts a word, and its label (PER for PER-B) as an index.
        self._label_names = sorted({tag[:-2] for tag in tags.values()})
        self._label_ids = {name: k for k, name in enumerate(self._label_names)}
        size = max(tags) + 1
        self._begins = np.zeros(size, dtype=bool)
        self._label_of = np.zeros(size, dtype=np.int64)
        for tag_id, tag in tags.items():
            self._begins[tag_id] = tag.endswith(("B", "S"))
            self._label_of[tag_id] = self._label_ids[tag[:-2]]
        self._replace = dict(_dictionary("q2b.dic"))
        # (word, count), space-separated
        self._segmenter = _Segmenter(_dictionary("small_seg.dic.gz", separator=" "))

    # --- public ---------------------------------------------------------------------------

    def spans(self, texts: Sequence[str], labels: frozenset[str]) -> list[list[NamedSpan]]:
        """Per text, the words LAC tags with one of `labels`, as offsets into the text."""
        pieces = [
            (index, start, piece)
            for index, text in enumerate(texts)
            for start, piece in _pieces(text)
            if CJK_CHARACTER.search(piece)
        ]
        out: list[list[NamedSpan]] = [[] for _ in texts]
        for (index, offset, _), words in zip(
            pieces, self._word_spans([p for _, _, p in pieces], labels), strict=True
        ):
            out[index].extend(
                NamedSpan(offset + start, offset + end, label) for start, end, label in words
            )
        return out

    def tag(self, texts: Sequence[str]) -> list[list[tuple[str, str]]]:
        """LAC's (word, tag) pairs for each text, as `LAC(mode="lac").run` gives them."""
        return [
            [(text[start:end], label) for start, end, label in words]
            for text, words in zip(texts, self._word_spans(texts), strict=True)
        ]

    def _word_spans(
        self, texts: Sequence[str], labels: frozenset[str] | None = None
    ) -> list[list[tuple[int, int, str]]]:
        """LAC's words of each text as (start, end, tag), only those tagged with one of
        `labels` if given; the model run in length-sorted batches."""
        encoded = [self._encode(text) for text in texts]
        out: list[list[tuple[int, int, str]]] = [[] for _ in texts]
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i][0]))
        ids = self._label_ids
        wanted = None if labels is None else [ids[label] for label in labels if label in ids]
        for batch in _batches(order, [len(encoded[i][0]) for i in order]):
            lengths = np.array([len(encoded[i][0]) for i in batch])
            paths = self._decode([encoded[i][0] for i in batch], lengths)
            words = self._words(paths, lengths, [encoded[i][1] for i in batch], wanted)
            for i, row in zip(batch, words, strict=True):
                out[i] = row
        return out

    # --- steps ----------------------------------------------------------------------------

    def _encode(self, text: str) -> tuple[list[int], list[int]]:
        """Model inputs: a word of LAC's vocabulary is one input, any other word one input per
        character; and how many characters each input covers."""
        ids: list[int] = []
        widths: list[int] = []
        word_ids, replace, unknown = self._word_ids, self._replace, self._unknown
        for word in self._segmenter.cut(text):
            if word in word_ids:
                ids.append(word_ids.get(replace.get(word, word), unknown))
                widths.append(len(word))
            else:
                for char in word:
                    ids.append(word_ids.get(replace.get(char, char), unknown))
                    widths.append(1)
        return ids, widths

    def _decode(self, sequences: list[list[int]], lengths: IntArray) -> IntArray:
        """Best tag path of each sequence under the CRF: a row per sequence, padded."""
        ids = np.zeros((len(sequences), int(lengths.max())), dtype=np.int64)
        for row, sequence in enumerate(sequences):
            ids[row, : len(sequence)] = sequence
        (emission,) = self._session.run(
            ["emission"], {"embedded": self._embedding[ids], "lengths": lengths.astype(np.int32)}
        )
        return _viterbi(emission, lengths, self._start, self._end, self._transition)

    def _words(
        self,
        paths: IntArray,
        lengths: IntArray,
        widths: list[list[int]],
        wanted: list[int] | None,
    ) -> list[list[tuple[int, int, str]]]:
        """Each row's inputs grouped into LAC's words: a tag ending -B starts one (as -S would,
        LAC's reader checks both), an input's later characters and -I tags continue it; a word
        takes its last input's label. Only words whose label id is in `wanted`, if given.

        Grouping and filtering run in numpy over the whole batch at once (the rows laid end to
        end, each row's first input starting a word), so only the words kept become Python
        tuples: a name is about one word in eighty."""
        flat = paths[np.arange(paths.shape[1]) < lengths[:, None]]
        row_start = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        begins = self._begins[flat]
        begins[row_start] = True
        first = np.flatnonzero(begins)
        after = np.append(first[1:], len(flat))
        label = self._label_of[flat[after - 1]]
        if wanted is not None:
            keep = np.isin(label, wanted)
            first, after, label = first[keep], after[keep], label[keep]
        characters = np.fromiter(itertools.chain.from_iterable(widths), np.int64, len(flat))
        offsets = np.concatenate(([0], np.cumsum(characters)))
        row = np.searchsorted(row_start, first, side="right") - 1
        base = offsets[row_start][row]
        out: list[list[tuple[int, int, str]]] = [[] for _ in widths]
        names = self._label_names
        for r, a, b, k in zip(
            row.tolist(),
            (offsets[first] - base).tolist(),
            (offsets[after] - base).tolist(),
            label.tolist(),
            strict=True,
        ):
            out[r].append((a, b, names[k]))
        return out


def _viterbi(
    emission: FloatArray,
    lengths: npt.NDArray[np.int64],
    start: FloatArray,
    end: FloatArray,
    transition: FloatArray,
) -> IntArray:
    """Best paths under a linear-chain CRF (PaddlePaddle's `crf_decoding` weights: start row,
    end row, then from-to transitions), for a padded batch: one row per sequence, in the
    batch's order, the steps past a sequence's length 0.

    Rows are visited longest first, so at each step the sequences still running are a prefix
    of the batch and padding costs nothing. The forward pass keeps only each step's best
    scores, laid out [from, row, to] so the max runs over whole contiguous slabs (twice as
    fast as an argmax per row); the backward pass recomputes the one argmax on the path from
    the same sums, so ties break as a full back-pointer table would (to the lowest label)."""
    order = np.argsort(-lengths, kind="stable")
    emission, lengths = emission[order], lengths[order]
    batch, steps, labels = emission.shape
    running = np.searchsorted(-lengths, -np.arange(steps), side="left")  # rows with len > t
    scores = np.empty((steps, batch, labels), dtype=emission.dtype)
    scores[0] = start + emission[:, 0]
    from_to = np.ascontiguousarray(transition[:, None, :])  # [from, 1, to]
    into = np.ascontiguousarray(transition.T)  # [to, from]
    sums = np.empty((labels, batch, labels), dtype=emission.dtype)
    for t in range(1, steps):
        k = running[t]
        np.add(scores[t - 1, :k].T[:, :, None], from_to, out=sums[:, :k])
        np.max(sums[:, :k], axis=0, out=scores[t, :k])
        scores[t, :k] += emission[:k, t]
    current = (scores[lengths - 1, np.arange(batch)] + end).argmax(axis=1)
    path = np.zeros((batch, steps), dtype=np.int64)
    for t in range(steps - 1, -1, -1):
        k = running[t]
        path[:k, t] = current[:k]
        if t > 0:
            current[:k] = (scores[t - 1, :k] + into[current[:k]]).argmax(axis=1)
    paths = np.empty_like(path)
    paths[order] = path
    return paths


def _pieces(text: str) -> Iterator[tuple[int, str]]:
    """Sentences of `text` with their offsets, merged up to `MAX_PIECE` characters.

    A longer sentence is cut after its last comma, enumeration comma, semicolon, colon or
    space in the piece's second half; where there is none, it is cut at `MAX_PIECE` and the
    next piece starts `_OVERLAP` characters back, so a name across the cut is whole in one of
    the two (the engine merges what both report)."""
    piece_start, piece = 0, ""
    for match in _SENTENCE.finditer(text):
        sentence = match.group()
        if not sentence:
            continue
        if piece and len(piece) + len(sentence) > MAX_PIECE:
            yield piece_start, piece
            piece = ""
        if not piece:
            piece_start = match.start()
        piece += sentence
        while len(piece) > MAX_PIECE:
            soft = _SOFT_BREAK.search(piece, MAX_PIECE // 2, MAX_PIECE)
            cut = soft.end() if soft is not None else MAX_PIECE
            yield piece_start, piece[:cut]
            step = cut if soft is not None else MAX_PIECE - _OVERLAP
            piece_start += step
            piece = piece[step:]
    if piece:
        yield piece_start, piece


def _batches(order: list[int], sizes: list[int]) -> Iterator[list[int]]:
    """Consecutive runs of `order` (sorted by size) whose padded size stays under the budget."""
    batch: list[int] = []
    for index, size in zip(order, sizes, strict=True):
        if size == 0:
            continue
        if batch and size * (len(batch) + 1) > _BATCH_TOKENS:
            yield batch
            batch = []
        batch.append(index)
    if batch:
        yield batch


_LOADING = threading.Lock()


@cache
def _loaded_tagger() -> LacTagger:
    return LacTagger()


def lac_tagger() -> LacTagger:
    """The process's tagger (loaded on first use: ~40 MB of weights), shared by its threads: the
    lock keeps two Beam threads from each loading one at start-up, and ONNX Runtime sessions
    may be run from several threads."""
    with _LOADING:
        return _loaded_tagger()
