"""Index a folder the way ``lodger index`` does, saying on stdout when start-up is over.

Run as ``python tests/helpers/index_driver.py FOLDER DATA_DIR``. The crash test kills it at random
points; the "opened" line lets it place most kills inside the indexing work rather than in the
imports, so that they land in parsing, document writes, manifest writes and vector writes.
"""

from __future__ import annotations

import sys

from indexing.workspace import Workspace


def main(argv: list[str]) -> int:
    folder, data_dir = argv[1], argv[2]
    ws = Workspace.open(data_dir, embedder="hash")  # with the start-up integrity checks
    print("opened", flush=True)
    summary = ws.indexer().index([folder])
    ws.remember([folder])
    ws.close()
    print(f"done {summary.documents} {summary.seconds:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
