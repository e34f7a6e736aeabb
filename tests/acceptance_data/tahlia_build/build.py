# ruff: noqa: E501  (data literals: real header lines and mail bodies are long)
"""Lay down all of Tahlia's files under ``tests/acceptance_data/tahlia/`` (mail bytes and calendars).

Notes, the Logseq graph and todo.txt are plain files kept as they are; this script writes only what
needs exact encodings: the Takeout mbox, the Apple Mail export and store, loose .eml and the .ics.
Usage: ``python tests/acceptance_data/tahlia_build/build.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import apple  # noqa: E402
import calendars  # noqa: E402
import gmail  # noqa: E402
import loose  # noqa: E402

ROOT = HERE.parent / "tahlia"
INFO_PLIST = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
\t<key>LocalFileName</key>
\t<string>{name}</string>
</dict>
</plist>
"""


def toc(n: int) -> bytes:
    """Apple's binary table_of_contents (opaque; a reader must skip it)."""
    return b"\x00\x00\x00\x02" + n.to_bytes(4, "big") + bytes(range(256)) * 2


def main() -> None:
    takeout = ROOT / "Takeout" / "Mail"
    takeout.mkdir(parents=True, exist_ok=True)
    (takeout / "All mail Including Spam and Trash.mbox").write_bytes(gmail.build().encode("utf-8"))
    (ROOT / "Takeout" / "archive_browser.html").write_text(
        "<!DOCTYPE html><html><head><title>Takeout</title></head><body><h1>Your Google data archive</h1>"
        "<p>Mail: 1 file (All mail Including Spam and Trash.mbox)</p></body></html>\n")

    export = ROOT / "Apple Mail Export"
    boxes = {"INBOX.mbox": apple.inbox(), "Sent Messages.mbox": apple.sent(),
             "Clients.mbox/Hawkesbury Council.mbox": apple.hawkesbury()}
    for rel, text in boxes.items():
        d = export / rel
        d.mkdir(parents=True, exist_ok=True)
        (d / "mbox").write_bytes(text.encode("utf-8"))
        (d / "table_of_contents").write_bytes(toc(text.count("\nFrom ") + 1))
        (d / "Info.plist").write_text(INFO_PLIST.format(name=d.name[:-5]))
    (export / "Clients.mbox" / "Info.plist").write_text(INFO_PLIST.format(name="Clients"))

    store = (ROOT / "Library" / "Mail" / "V10" / "8C1D5E2A-4B3F-4E6A-9D7C-1A2B3C4D5E6F" / "INBOX.mbox"
             / "2F3E4D5C-6B7A-4899-A0B1-C2D3E4F5A6B7" / "Data" / "Messages")
    store.mkdir(parents=True, exist_ok=True)
    for name, data in apple.emlx_messages().items():
        (store / name).write_bytes(data)

    saved = ROOT / "Saved emails"
    saved.mkdir(parents=True, exist_ok=True)
    for name, data in loose.build().items():
        (saved / name).write_bytes(data)

    calendars.main()


if __name__ == "__main__":
    main()
