"""Splitting documents into retrieval chunks, keeping the text that is shown apart from the text
that is embedded.

A chunk groups consecutive segments up to about ``TARGET_CHARS`` characters (roughly 150-250
words, the size all-MiniLM-L6-v2 handles well), never mixing quoted reply text with the writer's
own words. The shown text is the source text; the embedded text is prefixed with the document's
title, sender or heading so that "what did Tom say about the contract" matches a mail from Tom
whose body never says "contract". Quoted text is capped per document so that a long thread's
history does not dominate retrieval.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from indexing.model import Document, Segment

TARGET_CHARS = 900
MAX_CHARS = 1400
MAX_QUOTED_CHUNKS = 2


@dataclass
class Chunk:
    """One retrieval unit of a document."""

    doc_id: str
    ord: int
    text: str  # shown to the user
    embed_text: str  # given to the embedder
    line: int
    quoted: bool
    heading: str

    @property
    def chunk_id(self) -> str:
        return hashlib.sha1(f"{self.doc_id}#{self.ord}".encode()).hexdigest()[:20] + f"-{self.ord}"

    @property
    def embed_hash(self) -> str:
        return hashlib.sha256(self.embed_text.encode("utf-8")).hexdigest()


def _split_long(seg: Segment) -> list[Segment]:
    """Break a segment longer than MAX_CHARS at line, then sentence, then word boundaries."""
    if len(seg.text) <= MAX_CHARS:
        return [seg]
    out: list[Segment] = []
    text, line = seg.text, seg.line
    while len(text) > MAX_CHARS:
        cut = text.rfind("\n", 0, TARGET_CHARS + 200)
        if cut < TARGET_CHARS // 2:
            cut = text.rfind(". ", 0, TARGET_CHARS + 200) + 1
        if cut < TARGET_CHARS // 2:
            cut = text.rfind(" ", 0, TARGET_CHARS + 200)
        if cut < TARGET_CHARS // 2:
            cut = TARGET_CHARS
        piece = text[:cut].strip()
        if piece:
            out.append(Segment(piece, line, seg.quoted, seg.heading))
        line += text[:cut].count("\n") if line else 0
        text = text[cut:].lstrip()
    if text.strip():
        out.append(Segment(text.strip(), line, seg.quoted, seg.heading))
    return out


def _context_prefix(doc: Document, heading: str) -> str:
    return context_prefix(doc.title, doc.kind, doc.meta, heading)


def context_prefix(title: str, kind: str, meta: dict, heading: str) -> str:
    """What is put before a chunk's text for the embedder: the document's title, the sender of a
    mail, the heading a note's chunk sits under. Rebuilt from stored fields when the embedder
    changes, so it must depend on nothing else."""
    parts = [title]
    if kind == "email":
        sender = meta.get("x_from") or meta.get("from") or ""
        if sender:
            parts.append(f"From: {sender}")
    if heading and heading != title:
        parts.append(heading)
    return "\n".join(p for p in parts if p)


def embed_text(prefix: str, text: str) -> str:
    """The text given to the embedder for a chunk."""
    return f"{prefix}\n{text}" if prefix else text


def chunk_document(doc: Document) -> list[Chunk]:
    """Group a document's segments into chunks (see module docstring)."""
    pieces = [p for s in doc.segments if s.text.strip() for p in _split_long(s)]
    groups: list[list[Segment]] = []
    for seg in pieces:
        cur = groups[-1] if groups else None
        if (
            cur is not None
            and cur[0].quoted == seg.quoted
            and sum(len(s.text) for s in cur) + len(seg.text) <= TARGET_CHARS
        ):
            cur.append(seg)
        else:
            groups.append([seg])
    if not groups:
        # A document with no body text is still findable by its title (an empty-body email).
        groups = [[Segment(doc.title or "(empty)", 0)]]
    chunks: list[Chunk] = []
    quoted_seen = 0
    for group in groups:
        quoted = group[0].quoted
        if quoted:
            quoted_seen += 1
            if quoted_seen > MAX_QUOTED_CHUNKS:
                continue
        text = "\n\n".join(s.text for s in group)
        heading = group[0].heading
        prefix = _context_prefix(doc, heading)
        chunks.append(Chunk(
            doc_id=doc.doc_id, ord=len(chunks), text=text,
            embed_text=embed_text(prefix, text),
            line=group[0].line, quoted=quoted, heading=heading,
        ))
    return chunks
