"""Which addresses are the user's own, and how that was worked out.

Many exports have no Sent folder (one Gmail Takeout mbox, a copied inbox), yet the answers
depend on knowing who "I" am: "when did I last write to Tom?" needs the user's messages. The
evidence is tried from the most to the least telling, and the first that gives an answer wins;
``how`` says which, in words for ``lodger status`` and the settings:

1. the senders of mail in sent folders, or labelled Sent by Gmail (``mail.guess_user_addresses``'s
   original rule);
2. the identities in a mail client's account settings found near the indexed folders
   (Thunderbird's ``prefs.js``, Apple Mail's ``Accounts.plist``);
3. the addresses in Delivered-To / X-Original-To headers, which the user's own server writes;
4. the address that receives the most mail (To and Cc) and also sends some; others that get at
   least a tenth as much and also send are the user's other accounts.
"""

from __future__ import annotations

import os
import plistlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_SENT_FOLDER = re.compile(
    r"(^|[^a-z])sent|gesendet|envoy|enviad|inviat|verzonden|skickat|wys[lł]ane", re.IGNORECASE
)
_ADDR = re.compile(r"[\w.+'=-]+@[\w-]+(?:\.[\w-]+)+")
_TB_IDENTITY = re.compile(r'user_pref\("mail\.identity\.[^"]+\.useremail",\s*"([^"]+)"\)')
MAX_ADDRESSES = 3


@dataclass
class AddressGuess:
    """The user's addresses (most used first) and how they were found, in plain words."""

    addresses: list[str] = field(default_factory=list)
    how: str = ""


def guess_own_addresses(docs_meta: list[dict[str, Any]],
                        account_files: Iterable[str] = ()) -> AddressGuess:
    """Guess the user's own addresses from message metadata and mail-client settings.

    Args:
        docs_meta: the ``meta`` of every stored message (from_addr, to, cc, folder, labels and,
            when the parser keeps them, delivered_to / x_original_to).
        account_files: mail-client settings files to read (see ``account_files_near``).

    Returns:
        The guess; empty addresses when nothing points to the user.
    """
    for attempt in (lambda: _from_sent(docs_meta), lambda: _from_accounts(account_files),
                    lambda: _from_delivered(docs_meta), lambda: _from_traffic(docs_meta)):
        guess = attempt()
        if guess.addresses:
            guess.addresses = guess.addresses[:MAX_ADDRESSES]
            return guess
    return AddressGuess()


def _ranked(counts: Counter[str], share: int = 10) -> list[str]:
    """Addresses seen at least 1/share as often as the most frequent one, most frequent first."""
    if not counts:
        return []
    top = max(counts.values())
    return [a for a, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            if n * share >= top]


def _from_sent(docs_meta: list[dict[str, Any]]) -> AddressGuess:
    counts: Counter[str] = Counter()
    folders: Counter[str] = Counter()
    for meta in docs_meta:
        addr = str(meta.get("from_addr") or "").strip().lower()
        if not addr:
            continue
        places = [str(meta.get("folder") or "")] + [str(x) for x in meta.get("labels") or []]
        sent = [p for p in places if _SENT_FOLDER.search(p)]
        if sent:
            counts[addr] += 1
            folders[sent[0]] += 1
    found = _ranked(counts)
    if not found:
        return AddressGuess()
    n = sum(counts[a] for a in found)
    names = ", ".join(f for f, _ in folders.most_common(3))
    return AddressGuess(found, f"the sender of {n} message{'s' * (n != 1)} in your sent mail "
                               f"({names})")


def _from_delivered(docs_meta: list[dict[str, Any]]) -> AddressGuess:
    counts: Counter[str] = Counter()
    for meta in docs_meta:
        for key in ("delivered_to", "x_original_to"):
            values = meta.get(key) or []
            for value in values if isinstance(values, list) else [values]:
                counts.update(a.lower() for a in _ADDR.findall(str(value)))
    found = _ranked(counts)
    if not found:
        return AddressGuess()
    n = sum(counts[a] for a in found)
    return AddressGuess(found, f"the Delivered-To header of {n} message{'s' * (n != 1)}")


def _from_traffic(docs_meta: list[dict[str, Any]]) -> AddressGuess:
    received: Counter[str] = Counter()
    sent: Counter[str] = Counter()
    pairs: list[tuple[str, set[str]]] = []
    for meta in docs_meta:
        sender = str(meta.get("from_addr") or "").strip().lower()
        if sender:
            sent[sender] += 1
        listed = {str(a).lower() for a in (meta.get("to") or []) + (meta.get("cc") or [])}
        listed.discard(sender)
        received.update(listed)
        pairs.append((sender, listed))
    both = Counter({a: n for a, n in received.items() if sent.get(a)})
    if not both:
        return AddressGuess()
    top = max(both.items(), key=lambda kv: (kv[1], kv[0]))[0]
    # Another account of the user's gets mail of its own: not just the user's replies (that
    # is a correspondent), and at least a tenth as much as the main one (and three).
    own: Counter[str] = Counter()
    for sender, listed in pairs:
        if sender != top:
            own.update(a for a in listed if a in both and a != top)
    found = [top] + [a for a, n in own.most_common() if n * 10 >= both[top] and n >= 3
                     and sum(1 for s, ls in pairs if s == a and top not in ls) >= 1]
    return AddressGuess(found, f"the address that receives the most mail ({received[top]} "
                               f"messages) and also sends some ({sent[top]})")


def _from_accounts(paths: Iterable[str]) -> AddressGuess:
    found: list[str] = []
    clients: list[str] = []
    for path in paths:
        got = _account_addresses(path)
        if got:
            found += [a for a in got if a not in found]
            client = "Thunderbird" if path.endswith("prefs.js") else "Apple Mail"
            if client not in clients:
                clients.append(client)
    if not found:
        return AddressGuess()
    return AddressGuess(found, f"your {' and '.join(clients)} account settings")


def _account_addresses(path: str) -> list[str]:
    """Addresses named as the user's identities in a Thunderbird prefs.js or an Apple Mail
    Accounts.plist; [] when the file cannot be read."""
    try:
        if path.endswith("prefs.js"):
            with open(path, encoding="utf-8", errors="replace") as fh:
                text = fh.read(2_000_000)
            return list(dict.fromkeys(a.lower() for a in _TB_IDENTITY.findall(text)))
        with open(path, "rb") as fh:
            data = plistlib.load(fh)
    except (OSError, ValueError, plistlib.InvalidFileException):
        return []
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "EmailAddresses" and isinstance(value, list):
                    out.extend(str(v).lower() for v in value if _ADDR.fullmatch(str(v)))
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return list(dict.fromkeys(out))


def account_files_near(folders: Iterable[str], levels: int = 3) -> list[str]:
    """Mail-client settings files in or above the indexed folders: a Thunderbird profile's
    ``prefs.js`` and Apple Mail's ``MailData/Accounts.plist`` (``levels`` parents up)."""
    found: list[str] = []
    for folder in folders:
        here = Path(folder)
        for place in [here, *list(here.parents)[:levels]]:
            for candidate in (place / "prefs.js", place / "MailData" / "Accounts.plist",
                              place / "Accounts.plist"):
                if candidate.is_file() and str(candidate) not in found:
                    found.append(str(candidate))
    return [p for p in found if os.access(p, os.R_OK)]
