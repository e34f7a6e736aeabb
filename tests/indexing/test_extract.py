"""Tests for finding the promises a writer made in a message."""

from __future__ import annotations

import email
import email.policy
import os
from datetime import date, datetime
from email.utils import getaddresses, parsedate_to_datetime
from zoneinfo import ZoneInfo

import pytest

from indexing.extract import extract_promises
from tests.helpers.realdata import REALDATA

NY = ZoneInfo("America/New_York")
WED = datetime(2026, 3, 11, 9, 0, tzinfo=NY)  # Wednesday 11 March 2026
ENRON = str(REALDATA / "enron" / "maildir")

POSITIVE = [
    ("I'll send you the budget draft by Thursday.", "Send the budget draft", date(2026, 3, 12)),
    ("I will get back to you on Monday.", "Get back to Maria", date(2026, 3, 16)),
    ("I can have the slides ready by Friday.", "Have the slides ready", date(2026, 3, 13)),
    (
        "Let me check with Legal and get back to you tomorrow.",
        "Check with Legal and get back to Maria",
        date(2026, 3, 12),
    ),
    ("I'll call you next week.", "Call Maria", date(2026, 3, 16)),
    ("I'm going to finish the report before the 19th.", "Finish the report", date(2026, 3, 19)),
    ("We'll send the contract by end of the week.", "Send the contract", date(2026, 3, 13)),
    (
        "Thanks for the note. I will forward the invoice to accounting today.",
        "Forward the invoice to accounting",
        date(2026, 3, 11),
    ),
    ("I'll follow up with Sarah after the meeting.", "Follow up with Sarah after the meeting", None),
    ("Sure, I'll take care of it.", "Take care of it", None),
    (
        "I'll make sure the numbers are updated by 3/20.",
        "Make sure the numbers are updated",
        date(2026, 3, 20),
    ),
    (
        "We will review the proposal and respond in two weeks.",
        "Review the proposal and respond",
        date(2026, 3, 25),
    ),
    ("I promise to pay you back next month.", "Pay Maria back", date(2026, 4, 1)),
    ("I’ll circulate the minutes on Friday.", "Circulate the minutes", date(2026, 3, 13)),
    ("Tomorrow I'll send the revised numbers.", "Send the revised numbers", date(2026, 3, 12)),
    ("I will try to finish the review by EOD.", "Finish the review", date(2026, 3, 11)),
    ("OK, I'll ping Bob now.", "Ping Bob now", None),
    (
        "I will look into the billing issue and let you know by Friday.",
        "Look into the billing issue and let Maria know",
        date(2026, 3, 13),
    ),
    (
        "I'll also set up a call with the vendor for next Tuesday at 3pm.",
        "Set up a call with the vendor",
        datetime(2026, 3, 17, 15, 0, tzinfo=NY),
    ),
    ("I'll bring the pavlova and the prawns.", "Bring the pavlova and the prawns", None),
    ("No problem, I'll bring printed copies of the draft maps (A3).",
     "Bring printed copies of the draft maps", None),
]

NEGATIVE = [
    "Will you send it by Friday?",
    "Please send me the draft by Friday.",
    "Can you call me tomorrow",
    "Could you send me the numbers by Friday?",
    "Shall I send the slides",
    "John will send it on Monday.",
    "He said he will send the contract by Friday.",
    "She told me we will get the money next week.",
    "I won't be able to send it by Friday.",
    "I will not attend the meeting.",
    "I can't make it tomorrow.",
    "I'll never forget that day.",
    "If you send me the data, I'll update the model.",
    "I'll update you if anything changes.",
    "I can send it if you want.",
    "Maybe I'll call him next week.",
    "I'll probably send it tomorrow.",
    "I would send it, but the file is corrupt.",
    "I'll be out of the office until Monday.",
    "We will be closed on Monday for the holiday.",
    "We will need your response by Friday.",
    "Let me know if you have questions.",
    "Let's meet on Friday.",
    "I sent the report yesterday.",
    "I'll see you at the party on Friday.",
    "I will return on Monday.",
    "I think I'll pass.",
    "Let me add my thanks to the team.",
    "We plan to get back to business after the holidays.",
]


@pytest.mark.parametrize(("sentence", "title", "due"), POSITIVE)
def test_promises_are_found(sentence: str, title: str, due: date | datetime | None) -> None:
    """A first-person commitment becomes one task with a short title and its due date."""
    items = extract_promises(sentence, WED, ["Maria"])
    assert len(items) == 1
    item = items[0]
    assert (item.title, item.due) == (title, due)
    assert (item.kind, item.origin, item.person) == ("task", "promise", "Maria")
    assert sentence.endswith(item.description)  # the sentence holding the promise


@pytest.mark.parametrize("sentence", NEGATIVE)
def test_non_promises_are_ignored(sentence: str) -> None:
    """Questions, requests, others' promises, negations, hedges and conditions are not tasks."""
    assert extract_promises(sentence, WED, ["Maria"]) == []


def test_due_time_is_aware_in_the_message_zone() -> None:
    """'tomorrow at 3pm' in a New York message is 15:00 New York time the next day."""
    items = extract_promises("I'll call you tomorrow at 3pm.", WED, ["Ann", "Bo"])
    assert items[0].due == datetime(2026, 3, 12, 15, 0, tzinfo=NY)
    assert items[0].person == "Ann, Bo"
    assert items[0].title == "Call you"  # "you" stays when there are several recipients


def test_several_promises_and_duplicates_in_one_message() -> None:
    """Each promise in a body is an item; the same promise twice is one item."""
    body = (
        "Hi Maria,\n\nThanks for the update. I'll send you the budget draft by\n"
        "Thursday. Also, I will call the vendor on Monday.\n\n"
        "I'll send you the budget draft by Thursday.\n\nBest,\nTom\n"
    )
    items = extract_promises(body, WED, ["Maria"])
    assert [(i.title, i.due) for i in items] == [
        ("Send the budget draft", date(2026, 3, 12)),
        ("Call the vendor", date(2026, 3, 16)),
    ]


def test_quoted_and_forwarded_text_is_not_the_writers() -> None:
    """Promises in '> ' lines or below an 'Original Message' marker are left out."""
    body = (
        "Sounds good.\n> I'll send the report by Friday.\n\n"
        "-----Original Message-----\nFrom: John\nSent: Monday\n\nI will call you tomorrow.\n"
    )
    assert extract_promises(body, WED, ["John"]) == []


def test_long_titles_are_trimmed() -> None:
    """Titles stay short (about 120 characters) and end on a word."""
    sentence = "I will send " + "the very long list of attachments " * 8 + "by Friday."
    item = extract_promises(sentence, WED, [])[0]
    assert len(item.title) <= 121 and item.title.endswith("…")
    assert item.due == date(2026, 3, 13) and item.person == ""


def _enron_bodies(limit: int) -> list[tuple[str, str, datetime, list[str]]]:
    paths = []
    for root, _dirs, files in os.walk(ENRON):
        paths.extend(os.path.join(root, f) for f in files)
    out = []
    for path in sorted(paths)[::5]:
        with open(path, "rb") as fh:
            msg = email.message_from_binary_file(fh, policy=email.policy.default)
        try:
            sent = parsedate_to_datetime(msg["Date"])
            part = msg.get_body(preferencelist=("plain",))
            text = part.get_content() if part is not None else ""
        except (TypeError, ValueError, LookupError, KeyError):
            continue
        to = [name or addr for name, addr in getaddresses([str(msg.get("To", ""))])]
        out.append((path, text, sent, to))
        if len(out) == limit:
            break
    return out


@pytest.mark.skipif(not os.path.isdir(ENRON), reason="Enron sample missing")
def test_enron_messages_give_a_plausible_number_of_promises() -> None:
    """Over ~500 real messages nothing crashes and a few percent of messages hold promises."""
    messages = _enron_bodies(500)
    assert len(messages) == 500
    found = []
    for path, text, sent, to in messages:
        for item in extract_promises(text, sent, to):
            assert item.origin == "promise" and item.title and len(item.title) <= 121
            if isinstance(item.due, datetime):
                assert item.due.tzinfo is not None
            elif item.due is not None:  # never months in the past: resolved against the mail
                assert (item.due - sent.date()).days >= -7
            found.append((path, item))
    # Measured 26 on this sample; mostly newsletters and notices, so a low rate is right.
    assert 10 <= len(found) <= 80
    assert sum(1 for _p, i in found if i.due is not None) >= 3
