"""People questions answered from the people directory: reading the question, fuzzy names,
ambiguity, the person items, and real Enron mail."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from engine.people import PeopleAnswer, PeopleAsk, read_people_question
from indexing.workspace import Workspace

ZONE = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(("question", "expected"), [
    ("What's Vince's email address?", PeopleAsk("email", "Vince")),
    ("What is the phone number of Shirley Crenshaw?", PeopleAsk("phone", "Shirley Crenshaw")),
    ("What's Dr. Patel's phone number?", PeopleAsk("phone", "Dr. Patel")),
    ("How do I reach Tony the plumber?", PeopleAsk("contact", "Tony", "plumber")),
    ("Who is Keisha?", PeopleAsk("who", "Keisha")),
    ("Who's Jonah Abernethy and how do I know him?", PeopleAsk("who", "Jonah Abernethy")),
    ("When did I last hear from Tom?", PeopleAsk("last_from", "Tom")),
    ("When did Tom last email me?", PeopleAsk("last_from", "Tom")),
    ("when did i last write to aunty jo", PeopleAsk("last_to", "aunty jo")),
    ("Have I ever emailed Ximena Ortiz?", PeopleAsk("last_to", "Ximena Ortiz")),
    ("Who have I been emailing about the launch?", PeopleAsk("about", topic="the launch")),
    ("Who is my contact at Fenwick Logistics?", PeopleAsk("at_org", org="Fenwick Logistics")),
    ("What does Bartek do for work?", PeopleAsk("title", "Bartek")),
    ("What company is Marguerite with these days?", PeopleAsk("organisation", "Marguerite")),
    ("What's Leilani's postal address?", PeopleAsk("postal", "Leilani")),
    ("Can you give me Farid's mobile?", PeopleAsk("phone", "Farid")),
    ("Whose email address is sk.ong@brightmail.com?",
     PeopleAsk("reverse", "sk.ong@brightmail.com")),
    ("Who's emailed me the most this month?", PeopleAsk("top")),
    ("What's my email address?", PeopleAsk("email", "me")),
])
def test_read_people_question(question, expected):
    """The asked field and the name (or topic, organisation) are pulled out of the question."""
    assert read_people_question(question) == expected


def _mbox(messages: list[tuple[str, str, str, str, str]]) -> bytes:
    out = []
    for i, (sender, to, subject, date, body) in enumerate(messages):
        out.append(f"From x@x Mon Mar 2 10:00:00 2026\nFrom: {sender}\nTo: {to}\n"
                   f"Subject: {subject}\nMessage-ID: <p{i}@x>\nDate: {date}\n\n{body}\n\n")
    return "".join(out).encode()


MAIL = [
    ("Tom Baker <tom.baker@baker.example>", "Sam Rivera <sam@rivera.example>", "Launch plan",
     "Mon, 2 Mar 2026 10:00:00 +0100",
     "The launch moves to Friday.\n\nTom Baker\nProduct Manager\nBaker & Co Ltd\n"
     "Tel: +44 20 7946 0018"),
    ("Tom Ng <tom@ng.example>", "sam@rivera.example", "Bikes", "Tue, 3 Mar 2026 10:00:00 +0100",
     "Ride on Sunday?"),
    ("Sam Rivera <sam@rivera.example>", "Tom Baker <tom.baker@baker.example>",
     "Re: Launch plan", "Wed, 4 Mar 2026 10:00:00 +0100", "Friday works for the launch."),
    ("Robert Smith <rsmith@smith.example>", "sam@rivera.example", "Invoice",
     "Thu, 5 Mar 2026 10:00:00 +0100", "Invoice attached.\n\nRobert Smith\n(415) 555-0100"),
    ("Sam Rivera <sam@rivera.example>", "Robert Smith <rsmith@smith.example>", "Re: Invoice",
     "Fri, 6 Mar 2026 10:00:00 +0100", "Paid."),
    ("Tom Baker <tom.baker@baker.example>", "sam@rivera.example", "Launch party",
     "Sat, 7 Mar 2026 10:00:00 +0100", "Party after the launch!"),
    ("Ana Lima <ana@lima.example>", "sam@rivera.example", "Dinner",
     "Sun, 8 Mar 2026 10:00:00 +0100", "Dinner at 8?"),
]


@pytest.fixture(scope="module")
def people(tmp_path_factory):
    """Sam's mailbox (one mbox, no Sent folder), indexed with the hash embedder."""
    root = tmp_path_factory.mktemp("people")
    (root / "mail").mkdir()
    (root / "mail" / "all.mbox").write_bytes(_mbox(MAIL))
    ws = Workspace.open(root / "data", embedder="hash", check=False)
    ws.indexer().index([str(root / "mail")])
    ws.remember([str(root / "mail")])
    assert ws.settings.user_addresses == ["sam@rivera.example"]
    yield PeopleAnswer(ws.store.people, ZONE)
    ws.close()


def test_email_of_a_named_person_with_item_and_source(people):
    """The address is the answer; the item is a person with its source message."""
    res = people.answer("What's Robert Smith's email address?")
    assert res.found and res.text == "Robert Smith's email address: rsmith@smith.example."
    [item] = res.items
    assert {k: item[k] for k in ("kind", "title", "name", "emails", "phones", "start", "end",
                                 "due", "done")} == {
        "kind": "person", "title": "Robert Smith", "name": "Robert Smith",
        "emails": ["rsmith@smith.example"], "phones": ["(415) 555-0100"], "start": None,
        "end": None, "due": None, "done": False}
    assert item["source"]["locator"] in ("p3@x", "p4@x")
    assert item["source"]["path"].endswith("all.mbox")
    assert [s.locator for s in res.sources] == [item["source"]["locator"]]


def test_nickname_typo_and_surname_find_the_person(people):
    """"Bob" finds Robert, "Robert Smyth" and "Smith" too."""
    for question in ("What's Bob's phone number?", "phone number of Robert Smyth?",
                     "What is Smith's number?"):
        res = people.answer(question)
        assert res.text.startswith("Robert Smith's phone number: (415) 555-0100"), question


def test_several_matches_are_listed_not_picked(people):
    """Two Toms: both are listed with the detail asked, and none is chosen."""
    res = people.answer("When did I last hear from Tom?")
    assert res.lines[0] == "2 people in your mail match “Tom”; which one do you mean?"
    assert res.lines[1:] == [
        "- Tom Baker <tom.baker@baker.example>, last heard from Sat 7 Mar",
        "- Tom Ng <tom@ng.example>, last heard from Tue 3 Mar"]
    assert [i["name"] for i in res.items] == ["Tom Baker", "Tom Ng"]


def test_last_heard_from_and_last_wrote_to(people):
    """Dates and subjects of the latest message each way, cited."""
    heard = people.answer("When did I last hear from Tom Baker?")
    assert heard.text == ("You last heard from Tom Baker on Sat 7 Mar: “Launch party”. "
                          "In all: 2 messages from them.")
    assert [s.locator for s in heard.sources] == ["p5@x"]
    wrote = people.answer("When did I last email Tom Baker?")
    assert wrote.text == "You last wrote to Tom Baker on Wed 4 Mar: “Re: Launch plan”."
    never = people.answer("Have I ever emailed Ana Lima?")
    assert not never.found and never.text == "I found no mail from you to Ana Lima."


def test_who_is_gives_details_and_how_you_know_them(people):
    """Title, company, addresses, numbers, counts, first mail and common threads."""
    res = people.answer("Who is Tom Baker?")
    assert res.lines[0] == "Tom Baker — Product Manager, Baker & Co Ltd"
    assert "Email: tom.baker@baker.example" in res.lines
    assert "Phone: +44 20 7946 0018" in res.lines
    assert ("How you know them: 2 messages from them (latest Sat 7 Mar); 1 from you to them "
            "(latest Wed 4 Mar); first mail Mon 2 Mar.") in res.lines
    assert res.lines[-1].startswith("Common threads: “")
    assert "(2)" in res.lines[-1]


def test_who_have_i_been_emailing_about(people):
    """People in the mail about a topic, the user left out, most such messages first."""
    res = people.answer("Who have I been emailing about the launch?")
    assert res.lines == ["People in your mail about “launch”:",
                         "- Tom Baker <tom.baker@baker.example>: 3 messages"]


def test_reverse_lookup_me_and_unknown(people):
    """An address names its owner; "my" is the user; an unknown name is said to be unknown."""
    assert people.answer("Whose address is tom@ng.example?").lines[0] == \
        "tom@ng.example is Tom Ng's address."
    mine = people.answer("What's my email address?")
    assert mine.text == "Sam Rivera's email address: sam@rivera.example."
    missing = people.answer("What's Zebulon Quartermaine's phone number?")
    assert not missing.found
    assert missing.text == ("I couldn't find anyone called Zebulon Quartermaine in your mail, "
                            "notes or contacts.")
    nophone = people.answer("What's Ana Lima's phone number?")
    assert not nophone.found and nophone.lines == [
        "I found no phone number for Ana Lima in your mail or contacts.",
        "Their email address: ana@lima.example."]
    assert people.answer("What's her email?", previous_person="Ana Lima").text == \
        "Ana Lima's email address: ana@lima.example."


@pytest.fixture(scope="module")
def kaminski(tmp_path_factory):
    """Vince Kaminski's real inbox (560 messages) indexed with the hash embedder."""
    from tests.helpers.realdata import REALDATA

    folder = REALDATA / "enron" / "maildir" / "kaminski-v" / "inbox"
    if not folder.is_dir():
        pytest.skip(f"{folder} is not present")
    ws = Workspace.open(tmp_path_factory.mktemp("kaminski") / "data", embedder="hash",
                        check=False)
    ws.indexer().index([str(folder)])
    ws.remember([str(folder)])
    yield PeopleAnswer(ws.store.people, ZoneInfo("America/Chicago"))
    ws.close()


def test_enron_contact_questions(kaminski):
    """Addresses from headers and numbers from signatures, for names in any form."""
    phone = kaminski.answer("What is the phone number of Shirley Crenshaw?")
    assert phone.text.startswith("Shirley Crenshaw's phone number: 713-853-5290")
    assert kaminski.answer("What's Crenshaw, Shirley's email?").text.startswith(
        "Shirley Crenshaw's email address: shirley.crenshaw@enron.com")
    balson = kaminski.answer("What is Bill Balson's mobile?")
    assert "650-823-2510 (mobile)" in balson.text
    vince = kaminski.answer("What is the email address of Vince Kaminsky?")
    assert "vince.kaminski@enron.com" in vince.text and "vkamins@enron.com" in vince.text
