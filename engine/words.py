"""One word matcher for questions against events and tasks: snowball stems, and abbreviations.

"invoices" finds "invoice", "calls" finds "Call Medicare", "watering" finds "Water the
seedlings": a word of the question matches a word of the text when their Snowball (Porter 2)
stems are equal. Whole words only, so "call" does not match "recall" and "seedlings" does not
match "seed". (Prefixes were tried for abbreviations such as "reno"; they also matched
"seed" to "seedlings", so they are not used.)
"""

from __future__ import annotations

import functools
import re

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("english")
_TOKEN = re.compile(r"[^\W_][\w'\-]*")


@functools.lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """The Snowball stem of one lower-case word (possessive dropped)."""
    w = word.lower().removesuffix("'s").strip("'-")
    return _STEMMER.stemWord(w)


def tokens(text: str) -> list[str]:
    """The words of ``text``, lower case."""
    return [t.lower().removesuffix("'s") for t in _TOKEN.findall(text)]


def same_word(a: str, b: str) -> bool:
    """Whether two lower-case words are the same word for matching (see the module docstring)."""
    return a == b or stem(a) == stem(b)


def mentions(text: str, word: str) -> bool:
    """Whether ``text`` holds ``word`` (or a form of it); a word with a space, a dot or a
    digit ("1% AEP", "+harbor") is looked for as it is written."""
    w = word.lower()
    if not re.fullmatch(r"[^\W\d_][\w'\-]*", w):
        return w.strip("+@") in text.lower()
    return any(same_word(w, t) for t in tokens(text))


__all__ = ["mentions", "same_word", "stem", "tokens"]
