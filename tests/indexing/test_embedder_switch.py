"""Changing the embedder recomputes vectors from lodger.db: nothing indexed is lost, and the
user's files are not read again."""

from __future__ import annotations

import shutil

import numpy as np

from indexing.chunking import chunk_document
from indexing.embedder import HashEmbedder
from indexing.mail import parse_email_file
from indexing.workspace import Workspace


class OtherEmbedder(HashEmbedder):
    """A different embedder (other name, other vectors), counting what it embeds."""

    name = "other-test-embedder"

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def embed_documents(self, texts):
        self.texts += texts
        return -super().embed_documents(texts)


def test_switching_embedder_keeps_documents_items_and_recomputes_vectors(tmp_path, demo_dir):
    """Documents, events, tasks and the manifest survive; every chunk gets a new-embedder vector
    made from the same embedded text as at indexing, with the demo folder gone."""
    data = tmp_path / "demo"
    shutil.copytree(demo_dir, data)
    ws = Workspace.open(tmp_path / "d", embedder="hash", check=False)
    ws.indexer().index([str(data)])
    before = ws.store.counts()
    ws.close()
    shutil.rmtree(data)  # proves the files are not read again

    other = OtherEmbedder()
    ws = Workspace.open(tmp_path / "d", embedder=other, check=False)
    try:
        after = ws.store.counts()
        for key in ("documents", "events", "tasks", "chunks", "files"):
            assert after[key] == before[key] > 0, key
        assert ws.store.get_meta("embedder") == other.name
        assert len(other.texts) == ws.store.query(
            "SELECT count(DISTINCT embed_hash) FROM chunks")[0][0]
        assert ws.vectors.count() == after["chunks"]
        # The vector stored for a chunk is the new embedder's vector of its embedded text.
        row = ws.store.query("SELECT c.embed_hash, e.vector FROM chunks c JOIN embeddings e"
                             " ON e.embed_hash = c.embed_hash LIMIT 1")[0]
        stored = np.frombuffer(row["vector"], dtype=np.float32)
        assert any(np.allclose(stored, -HashEmbedder().embed_query(t)) for t in other.texts)
        hits = ws.vectors.query(other.embed_query("Dentist appointment"), 3)
        assert hits
    finally:
        ws.close()


def test_rebuilt_embed_text_matches_the_indexed_one(demo_dir):
    """The embedded text rebuilt from stored fields hashes to the stored embed_hash."""
    import hashlib

    from indexing.chunking import context_prefix, embed_text

    path = demo_dir / "mail" / "saved" / "maria-pond.eml"
    doc = parse_email_file(str(path)).documents[0]
    for chunk in chunk_document(doc):
        rebuilt = embed_text(context_prefix(doc.title, doc.kind, doc.meta, chunk.heading),
                             chunk.text)
        assert hashlib.sha256(rebuilt.encode()).hexdigest() == chunk.embed_hash
