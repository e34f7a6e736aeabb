"""Hybrid retrieval for recall questions: vectors and BM25, fused by reciprocal rank.

The vector index finds chunks that mean the same thing; SQLite FTS5 (BM25) finds chunks that share
the exact words (names, amounts, rare terms the small embedder blurs). Their rankings are fused with
reciprocal rank fusion, so neither score scale needs calibrating. Filters by date and source kind
run in our SQLite (chromadb's metadata filters are slow at scale). A question naming a person
prefers mail from or to that person. Each result is a ``Source`` the answer can cite: path,
locator (Message-ID for mail, line for notes, UID for events), title, snippet and score.

Whether anything relevant was found at all is decided from absolute evidence (how many of the
question's content words a chunk holds, and its cosine similarity), not from the fused rank, so
that "what is my passport number?" gets "not found" rather than the least bad chunk.
"""

from __future__ import annotations

import functools
import math
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from indexing.chunk_queries import ChunkQueries
from indexing.embedder import Embedder
from indexing.store import Store
from indexing.timeutil import from_iso, sort_key, within
from indexing.vectors import VectorIndex

RRF_K = 60
# Words that name the kind of answer a question wants rather than what it is about (stemmed).
ANSWER_KINDS = {"number", "phone", "mobile", "address", "email", "e-mail", "code", "password",
                "name", "date", "time", "amount", "price", "cost", "detail", "info",
                "information", "contact", "figure", "total"}
# Floating dates (daily notes) are keyed as if UTC: the SQL prefilter widens by the largest
# zone offset, and `within` then decides exactly in the user's zone.
DATE_SLACK = timedelta(hours=15)
QUOTED_WEIGHT = 0.7
_FORWARD = re.compile(r"^\s*(?:fw|fwd|wg|tr|rv)\s*:", re.IGNORECASE)
PERSON_BOOST = 1.5
CANDIDATES = 60
RARE_SHARE = 0.002  # a word in at most this share of the chunks is a rare clue
POSTINGS_BUDGET = 12_000  # chunks a keyword search may score in a large index (~15 ms)
COMMON_SHARE = 0.1  # ... and never for a word in more than this share of the chunks
_WORD = re.compile(r"[\w'’-]+", re.UNICODE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n{1,}")


@dataclass
class Source:
    """One cited piece of the user's data."""

    path: str
    kind: str
    title: str
    locator: str
    snippet: str
    score: float
    doc_id: str = ""
    chunk_id: str = ""
    line: int = 0
    date: str | None = None
    coverage: float = 0.0  # share of the question's content words found in this chunk
    words_found: int = 0  # how many distinct content words of the question it holds
    cosine: float = 0.0
    matched: list[str] = field(default_factory=list)  # words to highlight

    def to_json(self) -> dict:
        return {"path": self.path, "kind": self.kind, "title": self.title,
                "locator": self.locator, "snippet": self.snippet, "score": round(self.score, 6)}


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    w = word.lower().strip("'’-")
    if w.endswith(("'s", "’s")):
        w = w[:-2]  # "Manning's" is "Manning"
    for suffix in ("ing", "es", "ed", "s"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[: -len(suffix)]
    return w


def fts_query(keywords: Sequence[str]) -> str:
    """An FTS5 OR-query of the keywords, each quoted (no FTS syntax can leak in), with prefixes."""
    terms = []
    for k in keywords:
        k = re.sub(r"[^\w]", "", k)
        if len(k) >= 2:
            terms.append(f'"{k}"*' if len(k) >= 4 else f'"{k}"')
    return " OR ".join(terms)


def _telling_words(words: list[str], df: dict[str, int], n_chunks: int,
                   must: Sequence[str] = ()) -> list[str]:
    """The words worth a keyword search. BM25 scores every chunk holding any of the words, so
    in a large index ("recipe"* matching every "recipient", a company's own name in every
    mail) the words are taken rarest first while the chunks they are in stay within a budget;
    the common ones left out tell BM25 little and are left to the vectors. A word held by more
    than a tenth of the chunks is never searched for. A small index keeps every word. The
    ``must`` words (the person asked about) are always searched for, before the others."""
    if n_chunks <= POSTINGS_BUDGET:
        return [*words, *must]
    common = n_chunks * COMMON_SHARE
    names = [w for w in must if df.get(_stem(w), 0) <= common]
    kept: set[str] = set()
    total = sum(df.get(_stem(w), 0) for w in names)
    for w in sorted(words, key=lambda w: df.get(_stem(w), 0)):
        d = df.get(_stem(w), 0)
        if d > common or (kept and total + d > POSTINGS_BUDGET):
            break
        kept.add(w)
        total += d
    return [w for w in words if w in kept] + names


class Retriever:
    """Finds the chunks that answer a recall question."""

    def __init__(self, store: Store, vectors: VectorIndex, embedder: Embedder) -> None:
        self.store = store
        self.chunks = ChunkQueries(store)
        self.vectors = vectors
        self.embedder = embedder
        self.last_ms = 0.0

    def search(self, query: str, keywords: Sequence[str] = (), k: int = 5,
               kinds: Sequence[str] | None = None, start: datetime | None = None,
               end: datetime | None = None, person: str | None = None) -> list[Source]:
        """The best ``k`` documents for the query, best first, one (best) chunk per document."""
        t0 = time.perf_counter()
        keywords = [w for w in keywords if w] or [w for w in _WORD.findall(query) if len(w) > 2]
        ranked: dict[str, float] = {}
        cosines: dict[str, float] = {}
        dated = start is not None or end is not None
        # With a date filter most vector neighbours fall outside it: look further.
        qvec = self.embedder.embed_query(query)
        vec_hits = self.vectors.query(qvec, CANDIDATES * (4 if dated else 1))
        for rank, (cid, cos) in enumerate(vec_hits):
            ranked[cid] = ranked.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
            cosines[cid] = cos
        n_chunks = self.chunks.count()
        df = self._frequencies({_stem(w) for w in keywords} | {
            _stem(w) for w in _WORD.findall(person or "")})
        match = fts_query(_telling_words(list(keywords), df, n_chunks,
                                         must=_WORD.findall(person or "")))
        if match and dated:
            # The keyword side filters by date in SQL, so in-range chunks are not crowded out.
            ids = self.chunks.matching(match, CANDIDATES,
                                       sort_key(start - DATE_SLACK) if start else "",
                                       sort_key(end + DATE_SLACK) if end else "\uffff")
        elif match:
            ids = self.chunks.matching(match, CANDIDATES)
        else:
            ids = []
        for rank, cid in enumerate(ids):
            ranked[cid] = ranked.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
        for rank, cid in enumerate(self._rare_word_hits(keywords, df, n_chunks, start, end)):
            ranked[cid] = ranked.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
        if not ranked:
            self.last_ms = (time.perf_counter() - t0) * 1000
            return []
        rows = self.chunks.rows(list(ranked))
        # Rank first (cheap), then do the word work (coverage, snippet) for the top k only.
        best: dict[str, tuple[float, object]] = {}
        for row in rows:
            if kinds and row["kind"] not in kinds:
                continue
            if (start or end) and not within(from_iso(row["date"]), start, end):
                continue
            score = ranked[row["chunk_id"]]
            if row["quoted"] and not _FORWARD.match(row["title"]):
                score *= QUOTED_WEIGHT  # a forwarded message's quoted part is its content
            if person:
                score *= _person_weight(row, person)
            cur = best.get(row["doc_id"])
            if cur is None or score > cur[0]:
                best[row["doc_id"]] = (score, row)
        top = sorted(best.values(), key=lambda x: -x[0])[:k]
        # Chunks found by their words alone have no similarity yet: compute it from the vector
        # kept in SQLite (0.0 would read as "unrelated" to the relevance judgement).
        missing = [row["chunk_id"] for _, row in top if row["chunk_id"] not in cosines]
        for cid, _doc, _kind, blob in self.store.chunk_vectors(missing) if missing else ():
            vec = np.frombuffer(blob, dtype=np.float32)
            if vec.shape == qvec.shape:
                cosines[cid] = float(np.dot(vec, qvec))
        stems = {_stem(w) for w in keywords}
        weights = {w: math.log((n_chunks + 1) / (df.get(w, 0) + 1)) + 1.0 for w in stems}
        person_stems = {_stem(w) for w in _WORD.findall(person or "")}
        # "Marco's phone number" is answered by "Marco Bellini, 0412 555 019": words naming the
        # kind of answer wanted need not be in it, so they do not count against coverage.
        counted = {w for w in stems if w not in ANSWER_KINDS} or stems
        total_weight = sum(weights.get(w, 0.0) for w in counted) or 1.0
        out: list[Source] = []
        for score, row in top:
            words = {_stem(w) for w in _WORD.findall(
                f"{row['title']} {row['sender']} {row['text']}")}
            found = stems & words
            out.append(Source(
                path=row["path"], kind=row["kind"], title=row["title"],
                locator=_locator(row),
                snippet=make_snippet(row["text"], stems - person_stems, weights),
                score=score, doc_id=row["doc_id"], chunk_id=row["chunk_id"],
                line=row["line"], date=row["date"],
                coverage=(sum(weights.get(w, 0.0) for w in found & counted) / total_weight
                          if stems else 0.0),
                words_found=len(found & counted),
                cosine=cosines.get(row["chunk_id"], 0.0),
                matched=sorted({w for w in _WORD.findall(row["text"]) if _stem(w) in found}),
            ))
        for src in out:
            if src.kind in ("note", "todo") and src.line:
                src.line = snippet_line(src.path, src.line, src.snippet)
                src.locator = f"L{src.line}"
        self.last_ms = (time.perf_counter() - t0) * 1000
        return out

    def _frequencies(self, stems: set[str]) -> dict[str, int]:
        """How many chunks hold each stem (as a word or a word's start: "contract" counts
        "contracts"): for the rarity weights, the rare-word list and the common-word cut."""
        out = {}
        for w in stems:
            term = re.sub(r"[^\w]", "", w)
            out[w] = self.chunks.frequency(term) if term else 0
        return out

    def _rare_word_hits(self, keywords: Sequence[str], df: dict[str, int], n_chunks: int,
                        start: datetime | None, end: datetime | None) -> list[str]:
        """Chunks holding a word of the question that only a handful of chunks in a large
        index hold ("Limperis" among 8,000 chunks of mail), as a ranked list of their own.

        Fusion favours chunks found by both the vectors and the keywords, so in a big mailbox
        many chunks about "phone numbers" outrank the one mail naming the person asked about.
        A word held by at most 0.2% of the chunks is that strong a clue; in a small index no
        word is (there, both lists already reach every chunk that matters).
        """
        limit = int(n_chunks * RARE_SHARE)
        stems = [w for w in dict.fromkeys(_stem(k) for k in keywords) if 0 < df.get(w, 0) <= limit]
        rare = [t for t in (re.sub(r"[^\w]", "", w) for w in stems) if len(t) >= 3]
        if not rare:
            return []
        match = " OR ".join(f'"{t}"*' for t in rare)
        return [cid for cid, when in self.chunks.matching_with_dates(match, CANDIDATES)
                if (start is None and end is None) or within(from_iso(when), start, end)]


def _locator(row) -> str:  # noqa: ANN001
    if row["kind"] == "email":
        return row["locator"] or row["doc_id"].removeprefix("email:")
    return f"L{row['line']}" if row["line"] else (row["locator"] or "")


def snippet_line(path: str, chunk_line: int, snippet: str, max_bytes: int = 2_000_000) -> int:
    """The 1-based line of a note where the snippet's first quoted sentence starts, so that a
    citation opens at the words it quotes rather than at the top of its chunk; ``chunk_line``
    when the file cannot be read or the words are not found (the file changed since)."""
    first = snippet.split(" … ", 1)[0].strip()
    probe = " ".join(_WORD.findall(first)[:6])
    if not probe:
        return chunk_line
    try:
        if os.path.getsize(path) > max_bytes:
            return chunk_line
        with open(path, "rb") as fh:
            lines = fh.read().decode("utf-8", errors="replace").split("\n")
    except OSError:
        return chunk_line
    for n in range(max(chunk_line, 1), len(lines) + 1):
        if " ".join(_WORD.findall(lines[n - 1])).find(probe) >= 0:
            return n
    return chunk_line


def _names(text: str, person: str) -> bool:
    """``person`` as whole words in ``text`` ("Tom" in "Tom Becker <tom@x>", not in "Atom")."""
    return _name_pattern(person.lower()).search(text.lower()) is not None


@functools.lru_cache(maxsize=256)
def _name_pattern(person: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(person)}(?!\w)")


def _person_weight(row, person: str) -> float:  # noqa: ANN001
    """Mail from the person counts most, mail to them a little, a note naming them in its title
    too: "what did Tom say" is about what Tom wrote."""
    if row["kind"] == "email":
        if _names(row["sender"], person):
            return PERSON_BOOST
        return 1.1 if _names(row["recipients"], person) else 1.0
    return 1.2 if _names(row["title"], person) else 1.0


def make_snippet(text: str, stems: set[str], weights: dict[str, float] | None = None,
                 max_chars: int = 300) -> str:
    """The sentences of ``text`` that hold the most (rare) query words, in order, up to
    ``max_chars``; the opening sentences when none does."""
    sentences = [s.strip() for s in _SENTENCE.split(text) if s.strip()]
    if not sentences:
        return ""
    weights = weights or {}
    scored = []
    for i, s in enumerate(sentences):
        found = {_stem(w) for w in _WORD.findall(s)} & stems
        hits = sum(weights.get(w, 1.0) for w in found)
        scored.append((hits, -i, s))
    picked: list[tuple[int, str]] = []
    total = 0
    if not any(hits for hits, _, _ in scored):
        # No query word in this chunk: its opening, skipping greetings like "Hi Sam,".
        body = [x for x in scored if len(x[2]) > 25] or scored
        scored = [(1.0 if i < 2 else 0.0, neg_i, s) for i, (_, neg_i, s) in enumerate(body)]
    for hits, neg_i, s in sorted(scored, reverse=True):
        if picked and (hits == 0 or total + len(s) > max_chars):
            continue
        picked.append((-neg_i, s))
        total += len(s)
        if total >= max_chars:
            break
    snippet = " … ".join(s for _, s in sorted(picked))
    return snippet if len(snippet) <= max_chars + 40 else snippet[:max_chars].rstrip() + "…"
