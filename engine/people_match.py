"""Finding the person a question names in the people directory, fuzzily.

A full name matches by its key (first name with nicknames resolved, and surname: "Bob
Smith" finds "Smith, Robert J") or, for typos, by ``rapidfuzz``'s token ratio; a single word
matches first names (and their nicknames) before surnames, and a misspelt one by ratio. A
description given with the name ("Tony the plumber") narrows several matches to those whose
title, organisation or names hold it. Several people matching about as well are all returned:
the caller lists them rather than guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from indexing.people_store import PeopleQueries
from indexing.person_names import NameParts, canonical_first, fold, name_key, parse_name

FULL_NAME_MIN = 86  # rapidfuzz token ratio for a two-word name with a typo
ONE_WORD_MIN = 84
TIE = 4.0  # matches this close to the best are "about as good"
MAX_LISTED = 6


@dataclass
class _Form:
    person_id: int
    text: str  # folded
    parts: NameParts | None
    key: str


class NameIndex:
    """Every name form of every person, parsed once."""

    def __init__(self, people: PeopleQueries) -> None:
        self.forms: list[_Form] = []
        self.size = people.count()
        for pid, name in people.names():
            parts = parse_name(name)
            self.forms.append(_Form(pid, fold(name), parts, parts.key if parts else ""))


def match_people(people: PeopleQueries, name: str, hint: str = "",
                 index: NameIndex | None = None) -> list[int]:
    """The people a name may mean: one id when it is clear, several when it is not, [] when
    no one is close.

    Args:
        people: the directory's queries.
        name: the name as asked ("Vince", "Kaminsky", "Dr. Patel", "Shirley Crenshaw").
        hint: a description that came with it ("plumber"), used to choose among several.
        index: a prebuilt ``NameIndex`` (rebuilt here when absent).
    """
    index = index or NameIndex(people)
    query = re.sub(r"^(?:aunty|auntie|aunt|uncle|dr|doctor|prof|mr|mrs|ms|miss)\.?\s+", "",
                   fold(name).strip(), flags=re.I)
    words = [w for w in re.split(r"[\s,]+", query.replace(".", " ")) if w]
    if not words:
        return []
    best: dict[int, float] = {}
    for form in index.forms:
        score = _score(words, query, form)
        if score > best.get(form.person_id, 0.0):
            best[form.person_id] = score
    if not best:
        return []
    top = max(best.values())
    floor = FULL_NAME_MIN if len(words) > 1 else ONE_WORD_MIN
    if top < floor:
        return []
    close = [pid for pid, s in best.items() if s >= top - TIE]
    exact = [pid for pid in close if best[pid] >= 100]
    if len(exact) == 1:
        return exact
    order = {f.person_id: i for i, f in reversed(list(enumerate(index.forms)))}
    close.sort(key=lambda pid: (-best[pid], order.get(pid, 0)))
    if len(close) > 1 and hint:
        fitting = [pid for pid in close if _fits_hint(people, pid, hint)]
        if fitting:
            close = fitting
    return close[:MAX_LISTED]


def _score(words: list[str], query: str, form: _Form) -> float:
    parts = form.parts
    if len(words) > 1:
        key = name_key(" ".join(words))
        if key and key == form.key:
            return 100.0
        if parts is None or not parts.last:
            return float(fuzz.token_sort_ratio(query, form.text)) * 0.95
        first_last = f"{canonical_first(parts.first)} {parts.last}"
        whole = f"{parts.first} {parts.middle} {parts.last}".replace("  ", " ")
        return max(float(fuzz.token_sort_ratio(key or query, first_last)),
                   float(fuzz.token_sort_ratio(query, whole)) - 2)
    word = words[0]
    if parts is None:
        return 90.0 if word == form.text else 0.0
    if word == parts.first or (canonical_first(word) == canonical_first(parts.first)
                               and parts.first):
        return 96.0 if parts.last else 94.0
    if word == parts.last:
        return 93.0
    if len(word) < 4:
        return 0.0
    ratio = max(fuzz.ratio(word, parts.first), fuzz.ratio(word, parts.last) - 1)
    return ratio * 0.97


def _fits_hint(people: PeopleQueries, person_id: int, hint: str) -> bool:
    rec = people.get(person_id)
    if rec is None:
        return False
    text = fold(" ".join([*(t.value for t in rec.titles), *(o.value for o in rec.organisations),
                          *rec.names]))
    return any(len(w) > 2 and fuzz.partial_ratio(w, text) >= 85
               for w in fold(hint).split())
