"""The people directory: merging name and address forms, the user's own address without a Sent
folder, vCards and people notes, and the stored tables."""

from __future__ import annotations

import io
import sqlite3
from contextlib import redirect_stdout

import pytest

from indexing.mail import parse_email_file
from indexing.own_address import account_files_near, guess_own_addresses
from indexing.people import ContactCard, MessageFacts, build_people
from indexing.people_headers import header_people
from indexing.person_names import localpart_matches, name_key, parse_name
from indexing.phones import Phone
from indexing.store import SCHEMA_VERSION, Store
from indexing.vcard import parse_vcard_file


@pytest.fixture(scope="module")
def kaminski_people():
    """build_people over Vince Kaminski's real inbox (560 messages), Vince as the user."""
    from tests.helpers.realdata import REALDATA

    folder = REALDATA / "enron" / "maildir" / "kaminski-v" / "inbox"
    if not folder.is_dir():
        pytest.skip(f"{folder} is not present")
    msgs = []
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        doc = parse_email_file(str(path)).documents[0]
        msgs.append(MessageFacts(doc.doc_id, doc.path, doc.locator, doc.date, doc.title,
                                 doc.meta, doc.text))
    return build_people(msgs, user_addresses=["vince.kaminski@enron.com"])


def _holding(people, address):
    [person] = [p for p in people if address in p.emails]
    return person


def test_enron_name_and_address_forms_are_one_person(kaminski_people):
    """"Kaminski, Vince J", "Vince J Kaminski", vkamins@ (Exchange alias), vkaminski@aol.com and
    vince.kaminski@enron.com are the one user."""
    vince = _holding(kaminski_people, "vince.kaminski@enron.com")
    assert vince.is_user and vince.name == "Vince Kaminski"
    assert {"vkamins@enron.com", "vkaminski@aol.com", "vince.j.kaminski@enron.com",
            "j.kaminski@enron.com"} <= set(vince.emails)
    assert {"Kaminski, Vince J", "Vince J Kaminski", "Vince Kaminski"} <= set(vince.names)
    owners = [p for p in kaminski_people for a in p.emails if a == "vkamins@enron.com"]
    assert len(owners) == 1


def test_enron_correspondent_has_signature_details_and_counts(kaminski_people):
    """Shirley Crenshaw: her number and title from her signature, how often she wrote."""
    shirley = _holding(kaminski_people, "shirley.crenshaw@enron.com")
    assert shirley.name == "Shirley Crenshaw" and not shirley.is_user
    assert [(e.value, e.kind, e.e164) for e in shirley.phones.values()] == [
        ("713-853-5290", "phone", "+17138535290")]
    assert list(shirley.titles) == ["Administrative Coordinator"]
    assert list(shirley.organisations) == ["Enron Research Group"]
    assert shirley.from_count == 17 and shirley.to_count == 0
    assert shirley.last_from[1] == "email:10050345.1075840782187.JavaMail.evans@thyme"


def _msg(n: int, meta: dict, body: str = "", date=None) -> MessageFacts:
    return MessageFacts(f"email:m{n}", "/m", f"m{n}", date, f"s{n}", meta, body)


def test_x_to_names_pair_with_to_addresses_that_fit():
    """Enron's X-To names line up with the To addresses; a name that does not fit its
    address is not paired."""
    meta = {"from_addr": "a@x.com", "to": ["vince.kaminski@enron.com", "zz@enron.com"],
            "x_to": "Kaminski, Vince J </O=ENRON/CN=VKAMINS>, Crenshaw, Shirley </O=ENRON/CN=S>"}
    roles = header_people(meta)
    assert roles[1] == ("to", "Kaminski, Vince J", "vince.kaminski@enron.com")
    assert roles[2] == ("to", "", "zz@enron.com")


def test_nameless_address_joins_the_person_its_local_part_spells():
    """jskilli@ (seen with no name) joins Jeff Skilling; a list address seen with many
    senders' names stays apart; a mail sent on another's behalf does not merge them."""
    msgs = [_msg(1, {"from": "Skilling, Jeff <jeff.skilling@enron.com>",
                     "from_addr": "jeff.skilling@enron.com", "to": ["jskilli@enron.com"]}),
            _msg(2, {"from": "Vicki McArthur <mark.duffey@enron.com>",
                     "from_addr": "mark.duffey@enron.com", "to": ["a@b.org"]})]
    for n, who in enumerate(["Ann Lee", "Bo Chan", "Cy Dorn"]):
        for k in range(2):
            msgs.append(_msg(10 + 2 * n + k, {"from": f"{who} <list@groups.org>",
                                              "from_addr": "list@groups.org"}))
    people = build_people(msgs)
    jeff = _holding(people, "jeff.skilling@enron.com")
    assert set(jeff.emails) == {"jeff.skilling@enron.com", "jskilli@enron.com"}
    assert jeff.name == "Jeff Skilling"
    assert len(_holding(people, "list@groups.org").emails) == 1
    assert _holding(people, "mark.duffey@enron.com").name == "mark.duffey@enron.com"


def test_assistant_signature_goes_to_the_person_it_names():
    """A signature naming someone known other than the sender credits that person."""
    msgs = [_msg(1, {"from": "Sherri Sera <sherri.sera@enron.com>",
                     "from_addr": "sherri.sera@enron.com", "to": ["x@y.org"]}),
            _msg(2, {"from": "Jeff Skilling <jeff.skilling@enron.com>",
                     "from_addr": "jeff.skilling@enron.com", "to": ["x@y.org"]},
                 "Yes.\n\nSherri Sera\nAssistant to Jeff Skilling\n713.853.5984\n")]
    people = build_people(msgs)
    sherri, jeff = (_holding(people, a) for a in ("sherri.sera@enron.com",
                                                   "jeff.skilling@enron.com"))
    assert [e.value for e in sherri.phones.values()] == ["713.853.5984"]
    assert jeff.phones == {}


def test_names_and_local_parts():
    """Name keys ignore middle initials, order and nicknames; local parts spell names."""
    assert name_key("Kaminski, Vince J") == name_key("Vincent Kaminski") == "vincent kaminski"
    assert name_key("Ravi Thuraisingham, CFA") == "ravi thuraisingham"
    assert name_key("All Enron Worldwide@ENRON") == ""
    vince = parse_name("Vince J Kaminski")
    assert vince is not None
    assert all(localpart_matches(a, vince) for a in (
        "vkamins@enron.com", "vkaminski@aol.com", "vince.j.kaminski@enron.com", "j.kaminski@x"))
    assert not localpart_matches("kaminski@enron.com", vince)
    assert not localpart_matches("vjk@enron.com", vince)


# ----- the user's own address ----------------------------------------------------------------

def _mbox(messages: list[tuple[str, str, str, str]]) -> bytes:
    out = []
    for i, (sender, to, subject, body) in enumerate(messages):
        out.append(f"From {sender.split('<')[-1].strip('>')} Mon Mar 2 10:0{i % 10}:00 2026\n"
                   f"From: {sender}\nTo: {to}\nSubject: {subject}\nMessage-ID: <m{i}@x>\n"
                   f"Date: Mon, {2 + i} Mar 2026 10:00:00 +0100\n\n{body}\n\n")
    return "".join(out).encode()


MIXED = [
    ("Tom Baker <tom@baker.example>", "Sam Rivera <sam@rivera.example>", "Launch plan",
     "The launch is on Friday.\n\nTom Baker\nBaker & Co Ltd\nTel: +44 20 7946 0018"),
    ("Ana Lima <ana@lima.example>", "sam@rivera.example", "Dinner", "Dinner at 8?"),
    ("Sam Rivera <sam@rivera.example>", "Tom Baker <tom@baker.example>", "Re: Launch plan",
     "Friday works."),
    ("News <news@list.example>", "sam@rivera.example, ana@lima.example", "Weekly", "News."),
    ("Ana Lima <ana@lima.example>", "sam@rivera.example", "Re: Dinner", "See you."),
]


def test_mixed_mbox_without_sent_folder_finds_the_user(workspace, tmp_path):
    """One mbox holding received and sent mail, no Sent folder: the address that receives the
    most and also sends is the user's; status names it and says how; the people directory
    counts what the user wrote to whom."""
    from lodger.cli import main

    box = tmp_path / "mail" / "All mail.mbox"
    box.parent.mkdir()
    box.write_bytes(_mbox(MIXED))
    workspace.indexer().index([str(box.parent)])
    workspace.remember([str(box.parent)])
    assert workspace.settings.user_addresses == ["sam@rivera.example"]
    assert workspace.settings.addresses_guessed
    how = workspace.settings.extras["addresses_how"]
    assert how == ("the address that receives the most mail (4 messages) and also sends "
                   "some (1)")
    people = workspace.store.people
    sam = people.get(people.by_address("sam@rivera.example"))
    tom = people.get(people.by_address("tom@baker.example"))
    assert sam is not None and sam.is_user and people.user_ids() == [sam.person_id]
    assert tom is not None and (tom.from_count, tom.to_count) == (1, 1)
    assert tom.last_to_doc == "email:m2@x" and tom.last_from_doc == "email:m0@x"
    assert [(p.value, p.e164) for p in tom.phones] == [("+44 20 7946 0018", "+442079460018")]
    assert [o.value for o in tom.organisations] == ["Baker & Co Ltd"]
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["status", "--data-dir", str(workspace.data_dir)]) == 0
    assert (f"Your address: sam@rivera.example (guessed from {how}; you can correct it in "
            "Settings)") in out.getvalue()


def test_the_user_corrects_their_address(workspace, tmp_path):
    """set_user_addresses keeps the user's choice, says so, and rebuilds the directory."""
    box = tmp_path / "mail" / "inbox.mbox"
    box.parent.mkdir()
    box.write_bytes(_mbox(MIXED))
    workspace.indexer().index([str(box.parent)])
    workspace.remember([str(box.parent)])
    workspace.set_user_addresses(["Ana@Lima.example"])
    assert workspace.settings.user_addresses == ["ana@lima.example"]
    assert workspace.settings.extras["addresses_how"] == "set by you"
    assert not workspace.settings.addresses_guessed
    people = workspace.store.people
    assert people.user_ids() == [people.by_address("ana@lima.example")]
    workspace.remember([str(box.parent)])  # a later run does not overrule the user
    assert workspace.settings.user_addresses == ["ana@lima.example"]


def test_guess_from_sent_folders_delivered_to_and_thunderbird(tmp_path):
    """Sent folders come first; then a Thunderbird profile's identities; then Delivered-To."""
    sent = [{"from_addr": "me@x.example", "folder": "Sent Items"}] * 3
    assert guess_own_addresses(sent).how == "the sender of 3 messages in your sent mail " \
                                            "(Sent Items)"
    profile = tmp_path / "profile"
    (profile / "Mail" / "Local Folders").mkdir(parents=True)
    (profile / "prefs.js").write_text(
        'user_pref("mail.identity.id1.useremail", "Kim@Work.example");\n'
        'user_pref("mail.identity.id2.useremail", "kim@home.example");\n')
    files = account_files_near([str(profile / "Mail" / "Local Folders")])
    assert files == [str(profile / "prefs.js")]
    got = guess_own_addresses([{"from_addr": "a@b.c", "to": ["kim@work.example"]}], files)
    assert (got.addresses, got.how) == (["kim@work.example", "kim@home.example"],
                                        "your Thunderbird account settings")
    delivered = [{"from_addr": "a@b.c", "delivered_to": "kim@mail.example"}] * 2
    assert guess_own_addresses(delivered).addresses == ["kim@mail.example"]
    assert guess_own_addresses([{"from_addr": "a@b.c", "folder": "Inbox"}]).addresses == []


# ----- contact cards ----------------------------------------------------------------------------

VCF = """BEGIN:VCARD
VERSION:3.0
FN:Keisha Brown
N:Brown;Keisha;;;
EMAIL;TYPE=work:keisha@brown.example
TEL;TYPE=cell:+1 415 555 0142
TEL;TYPE=work,voice:(415) 555-0100
ORG:Brown Plumbing
TITLE:Plumber
ADR;TYPE=work:;;12 Pipe St;Oakland;CA;94607;USA
UID:k1
END:VCARD
BEGIN:VCARD
VERSION:3.0
N:;;;;
END:VCARD
BEGIN:VCARD
VERSION:2.1
FN:Tom Baker
EMAIL:tom@baker.example
END:VCARD
"""


def test_vcard_file_gives_contacts_and_reasons(tmp_path):
    """Each card is a note document with its contact fields; a card without a name is
    skipped with the reason."""
    path = tmp_path / "contacts.vcf"
    path.write_text(VCF)
    result = parse_vcard_file(str(path))
    assert [d.title for d in result.documents] == ["Keisha Brown", "Tom Baker"]
    contact = result.documents[0].meta["contact"]
    assert contact["phones"] == [{"raw": "+1 415 555 0142", "kind": "mobile"},
                                 {"raw": "(415) 555-0100", "kind": "phone"}]
    assert (contact["organisation"], contact["title"]) == ("Brown Plumbing", "Plumber")
    assert contact["postal"] == "12 Pipe St, Oakland, CA, 94607, USA"
    assert [s.reason for s in result.skipped] == ["card 2: has no name"]


def test_vcards_and_people_notes_join_mail_people(workspace, tmp_path):
    """Indexing a .vcf and an Obsidian people note merges them with the same people in mail."""
    root = tmp_path / "data"
    (root / "People").mkdir(parents=True)
    (root / "contacts.vcf").write_text(VCF)
    (root / "People" / "Ana Lima.md").write_text(
        "---\nemail: ana@lima.example\nphone: +351 21 234 5678\ncompany: Lima Lda\n---\n"
        "Met at the conference.\n")
    (root / "inbox.mbox").write_bytes(_mbox(MIXED))
    summary = workspace.indexer().index([str(root)])
    assert summary.skipped == [] or all("card 2" in s.reason for s in summary.skipped)
    people = workspace.store.people
    tom = people.get(people.by_address("tom@baker.example"))
    ana = people.get(people.by_address("ana@lima.example"))
    keisha = people.get(people.by_address("keisha@brown.example"))
    assert tom is not None and set(tom.sources) == {"mail", "vcard"} and tom.from_count == 1
    assert ana is not None and set(ana.sources) == {"mail", "note"}
    assert [p.value for p in ana.phones] == ["+351 21 234 5678"]
    assert [o.value for o in ana.organisations] == ["Lima Lda"]
    assert keisha is not None and keisha.sources == ["vcard"]
    assert [(p.value, p.kind) for p in keisha.phones] == [("+1 415 555 0142", "mobile"),
                                                          ("(415) 555-0100", "phone")]


# ----- storage ----------------------------------------------------------------------------------

def test_directory_follows_deleted_mail_and_keeps_signatures(workspace, tmp_path):
    """Signatures are kept per message at indexing; a deleted mbox takes its people and
    their kept signatures with it at the next run."""
    root = tmp_path / "mail"
    root.mkdir()
    box = root / "a.mbox"
    box.write_bytes(_mbox(MIXED[:1]))
    workspace.indexer().index([str(root)])
    facts = workspace.store.query("SELECT doc_id FROM person_facts")
    assert [r[0] for r in facts] == ["email:m0@x"]
    assert workspace.store.people.by_address("tom@baker.example") is not None
    box.unlink()
    workspace.indexer().index([str(root)])
    assert workspace.store.people.by_address("tom@baker.example") is None
    assert workspace.store.query("SELECT count(*) FROM person_facts")[0][0] == 0


def test_old_database_gets_the_people_tables(tmp_path):
    """A schema-2 database opens with the people tables added and version 3 recorded."""
    path = tmp_path / "lodger.db"
    Store(path).close()
    db = sqlite3.connect(path)
    for table in ("people", "person_names", "person_addresses", "person_phones",
                  "person_details", "person_docs", "person_facts"):
        db.execute(f"DROP TABLE {table}")
    db.execute("UPDATE meta SET value='2' WHERE key='schema_version'")
    db.commit()
    db.close()
    store = Store(path)
    assert store.get_meta("schema_version") == str(SCHEMA_VERSION) == "3"
    assert store.people.count() == 0 and store.people.names() == []
    store.close()


def test_contact_cards_merge_by_name_and_address():
    """A card joins the mail person by address; its numbers and title come with it."""
    msgs = [_msg(1, {"from": "Keisha Brown <kb@mail.example>", "from_addr": "kb@mail.example",
                     "to": ["me@x.example"]})]
    card = ContactCard("note:/c#1", "/c", "1", "Keisha Brown", ["keisha@brown.example"],
                       [Phone("(415) 555-0100", "+14155550100")], "Plumber")
    [keisha, me] = build_people(msgs, [card], ["me@x.example"])
    assert set(keisha.emails) == {"kb@mail.example", "keisha@brown.example"}
    assert list(keisha.titles) == ["Plumber"] and keisha.sources == {"mail", "vcard"}
    assert me.is_user
