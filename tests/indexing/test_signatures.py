"""Signature blocks, phone numbers and writers' parts in mail bodies, on real Enron mail and
made-up text."""

from __future__ import annotations

import pytest

from indexing.mail import parse_email_file
from indexing.mail_parts import authored_parts
from indexing.people_headers import signature_facts
from indexing.phones import find_phones, region_of_zone, stated_phones
from indexing.signatures import find_signature


def _enron(realdata, name: str):
    path = realdata / "enron" / "maildir" / name
    if not path.exists():
        pytest.skip(f"{path} is not present")
    return parse_email_file(str(path)).documents[0]


def test_enron_signature_name_title_organisation_and_phone(realdata):
    """Shirley Crenshaw's block: name line, title, group, number and e-mail line."""
    doc = _enron(realdata, "kaminski-v/inbox/3")
    sig = find_signature(doc.text, author="Crenshaw, Shirley")
    assert sig is not None
    assert (sig.name, sig.title, sig.organisation) == (
        "Shirley Crenshaw", "Administrative Coordinator", "Enron Research Group")
    assert [(p.raw, p.e164, p.kind) for p in sig.phones] == [
        ("713-853-5290", "+17138535290", "phone")]
    assert sig.emails == ["shirley.crenshaw@enron.com"]


def test_enron_signature_labels_give_phone_mobile_and_fax(realdata):
    """"Direct:", "Cell:" and "FAX:" on one line give three numbers of three kinds, and the
    street and city lines give the postal address."""
    doc = _enron(realdata, "kaminski-v/inbox/123")
    [fact] = signature_facts(doc.text, doc.meta)
    assert fact["name"] == "Bill Balson" and fact["title"] == "Vice President"
    assert fact["organisation"] == "Charles River Associates"
    assert fact["postal"] == "285 Hamilton Avenue, Palo Alto, CA 94301"
    assert fact["phones"] == [["650-847-2227", "+16508472227", "phone"],
                              ["650-823-2510", "+16508232510", "mobile"],
                              ["650-325-2488", "+16503252488", "fax"]]


def test_enron_forwarded_signatures_go_to_their_own_writers(realdata):
    """In a forwarded thread each quoted message's signature is read with its own writer line:
    Sherri Sera signs Jeff Skilling's reply, Ronnie Morgan his own message."""
    doc = _enron(realdata, "skilling-j/inbox/231")
    facts = signature_facts(doc.text, doc.meta)
    got = [(f["part"] > 0, f["author"].split(" [")[0], f["name"], [p[0] for p in f["phones"]])
           for f in facts]
    assert got == [
        (True, "Jeff.Skilling@enron.com", "Sherri Sera", ["713.853.5984", "713.646.8381"]),
        (True, '"Ronnie Morgan" <RonnieM@morgangroup.com>', "Ronnie Morgan", ["760-476-0700"]),
    ]


def test_enron_signature_followed_by_a_disclaimer_is_found(realdata):
    """A block in the middle of the text (a research note's disclosures follow it) counts
    when it opens with a name line and holds numbers; "a/b" lists give both numbers."""
    doc = _enron(realdata, "skilling-j/inbox/399")
    [fact] = signature_facts(doc.text, doc.meta)
    assert fact["name"] == "David C. Morris"
    assert [p[0] for p in fact["phones"]] == ["713-652-7112", "800-227-4537"]


def test_the_writers_name_wins_over_other_name_lines(realdata):
    """A block that starts with a list of people picks the writer's own name line."""
    doc = _enron(realdata, "beck-s/inbox/386")
    [fact] = signature_facts(doc.text, doc.meta)
    assert fact["name"] == "Jana Giovannini"
    assert fact["phones"] == [["(713) 853-9233", "+17138539233", "phone"]]


def test_contact_lines_before_a_sign_off_are_the_signature():
    """"My contact details are: Office - ..." above "Rgds / Iain" is read as the signature."""
    text = ("Sally\n\nI am available to represent him.\n\nMy contact details are :\n\n"
            "Office - 713 853 9547\nCell - 832 526 8395\nHome - 713 963 8728\n\nRgds\n\nIain")
    sig = find_signature(text)
    assert sig is not None
    assert [(p.raw, p.kind) for p in sig.phones] == [
        ("713 853 9547", "phone"), ("832 526 8395", "mobile"), ("713 963 8728", "home")]


def test_prose_and_short_notes_have_no_signature():
    """Running text with a number in a sentence, or a sign-off alone, is no signature."""
    assert find_signature("Thanks,\nVince") is None
    assert find_signature("For help, call the ISC Call Center at 713-345-4727.\n") is None
    wrapped = ("If you or your General Counsel would like more information, give me a call,\n"
               "or call my General Counsel, Al Statman, at 202 393-1200.\n\nThanks")
    assert find_signature(wrapped) is None


def test_phone_numbers_are_read_in_the_countries_given():
    """A Tokyo number needs Japan as a region; "+44" needs none; an IP address is no number."""
    line = "Tel: 03.5219.4579 Fax: 03.5219.4510"
    assert [(p.e164, p.kind) for p in find_phones(line, ["JP"])] == [
        ("+81352194579", "phone"), ("+81352194510", "fax")]
    unknown = find_phones(line)
    assert [p.e164 for p in unknown] == [""] and unknown[0].raw == "03.5219.4579"
    assert [p.e164 for p in find_phones("Tel +44 (0)20 7626 9301")] == ["+442076269301"]
    assert find_phones("Received: from [130.160.160.28] by mail") == []


def test_numbers_stated_in_a_sentence_are_the_writers():
    """"Feel free to contact me at ..." and "my cell is ..." give the writer's numbers."""
    text = ("Feel free to contact me at (713) 853-4750 or at michelle.yee@enron.com.\n"
            "If I'm out, my cell is 713-320-5473.")
    assert [(p.raw, p.kind) for p in stated_phones(text)] == [
        ("(713) 853-4750", "phone"), ("713-320-5473", "mobile")]


def test_authored_parts_cut_at_reply_and_lotus_headers():
    """Outlook's From/Sent block, Lotus Notes' "Name <addr> on date" + To: and "On ... wrote:"
    each start a part with that writer; header lines are not part of the text."""
    body = ("Please see below.\n\n-----Original Message-----\nFrom: Kaminski, Vince J\n"
            "Sent: Monday, May 14, 2001 9:00 AM\nTo: Crenshaw, Shirley\nSubject: RE: x\n\n"
            "Sure.\n\n\"Susan Varga\" <svarga@kudlow.com> on 01/09/2001 05:00:00 PM\n"
            "To: Jeff Skilling\ncc:\nSubject: Outlook\n\nOur outlook.\n\n"
            "On Tue, 2 Jan 2001, Ann Lee <ann@x.org> wrote:\n> Hello\n")
    parts = authored_parts(body)
    assert [(p.author, p.text.strip()) for p in parts] == [
        ("", "Please see below."),
        ("Kaminski, Vince J", "Sure."),
        ('"Susan Varga" <svarga@kudlow.com>', "Our outlook."),
        ("Ann Lee <ann@x.org>", "Hello"),
    ]


def test_region_of_zone():
    """A time zone's country, from tzdata's zone table; UTC has none."""
    assert (region_of_zone("Europe/Berlin"), region_of_zone("America/Chicago"),
            region_of_zone("UTC")) == ("DE", "US", "")
