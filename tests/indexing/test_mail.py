"""Tests for indexing.mail: messages, mbox files and sniffing, against the real data in shared/realdata."""

from __future__ import annotations

import email.utils
import re
import shutil
import sys
import types
from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

import pytest

from indexing.mail import (
    guess_user_addresses,
    is_mbox,
    looks_like_email,
    parse_email_file,
    parse_mbox,
    parse_message_bytes,
)
from indexing.mail_body import MAX_TEXT_CHARS
from indexing.model import Document
from indexing.reading import SkipFile
from tests.helpers.realdata import REALDATA

REAL = REALDATA
ENRON = REAL / "enron" / "maildir"
KAMINSKI = ENRON / "kaminski-v" / "inbox"
MBOX = REAL / "enron" / "derived" / "kaminski-v_inbox.mbox"
MAILDIR_CUR = REAL / "enron" / "derived" / "kaminski-v_inbox_Maildir" / "cur"
BAD = REAL / "bad_emails"

pytestmark = pytest.mark.skipif(not ENRON.is_dir(), reason="shared/realdata is not present")


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _header(raw: bytes, name: str) -> str:
    """A header read straight from the file, independently of the parser."""
    head = raw.split(b"\n\n", 1)[0].decode("latin-1")
    m = re.search(rf"^{name}:[ \t]*(.*(?:\n[ \t].*)*)", head, re.MULTILINE | re.IGNORECASE)
    return re.sub(r"\s+", " ", m.group(1)).strip() if m else ""


def _one(path: Path, folder: str = "") -> Document:
    result = parse_email_file(str(path), folder=folder)
    assert len(result.documents) == 1 and not result.skipped
    return result.documents[0]


@pytest.fixture(scope="module")
def enron() -> dict[Path, Document]:
    return {p: _one(p) for p in _files(ENRON)}


def _mail(headers: dict[str, str], body: str) -> bytes:
    head = "".join(f"{k}: {v}\n" for k, v in headers.items())
    return (head + "\n" + body).encode("utf-8")


BASE = {
    "From": "Ann Lee <Ann.Lee@Example.com>",
    "To": "Bob Ray <bob@example.com>, carol@example.com",
    "Subject": "Plans",
    "Date": "Tue, 05 Jun 2001 10:00:00 -0700",
    "Message-ID": "<plans-1@example.com>",
}


# ----- Enron: one file, one message --------------------------------------------------------------

def test_every_enron_file_is_one_email_dated_by_its_own_date_header(enron):
    """All 2,574 Enron files parse to one email whose aware date and id come from their headers."""
    assert len(enron) == 2574
    for path, doc in enron.items():
        raw = path.read_bytes()
        assert doc.kind == "email" and doc.path == str(path)
        assert doc.date is not None and doc.date.utcoffset() is not None, path
        assert doc.date == email.utils.parsedate_to_datetime(_header(raw, "Date")), path
        message_id = _header(raw, "Message-ID").strip("<>")
        assert doc.locator == message_id and doc.doc_id == f"email:{message_id}"


def test_enron_exact_values(enron):
    """Date keeps the sender's zone; subject, addresses and X-From are read as written."""
    doc = enron[KAMINSKI / "1"]
    assert doc.date == datetime(2002, 1, 30, 15, 0, 1, tzinfo=timezone(timedelta(hours=-8)))
    assert doc.date.utcoffset() == timedelta(hours=-8)
    assert doc.title == "How much is too much?"
    assert doc.locator == "4669552.1075840782140.JavaMail.evans@thyme"
    assert doc.meta["from"] == "applicationservice@bdcimail.com"
    assert doc.meta["from_addr"] == "applicationservice@bdcimail.com"
    assert doc.meta["to"] == ["vkamins@enron.com"]
    assert doc.meta["x_from"] == (
        "NW on Application Service Providers <ApplicationService@bdcimail.com>@ENRON")
    assert doc.segments[0].text.startswith("NETWORK WORLD NEWSLETTER")
    ncl = enron[ENRON / "beck-s" / "inbox" / "ncl" / "1"]
    assert ncl.date == datetime(2001, 7, 1, 13, 10, 52, tzinfo=timezone(timedelta(hours=-7)))
    assert ncl.title == "NCL First Quarter Hours Report"
    genie = enron[ENRON / "skilling-j" / "inbox" / "genie" / "1"]
    assert genie.date.isoformat() == "2001-08-01T11:26:54-07:00"
    assert genie.locator == "793183.1075852686278.JavaMail.evans@thyme"


def test_kaminski_inbox_is_the_same_in_mh_mbox_and_maildir(enron):
    """The 560 messages give the same Message-IDs and the same text in all three forms."""
    mh = {d.doc_id: d for p, d in enron.items() if p.parent == KAMINSKI}
    result, end = parse_mbox(str(MBOX))
    assert not result.skipped and end == MBOX.stat().st_size
    mbox = {d.doc_id: d for d in result.documents}
    maildir = {d.doc_id: d for d in (_one(p) for p in _files(MAILDIR_CUR))}
    assert len(mh) == len(mbox) == len(maildir) == 560
    assert set(mh) == set(mbox) == set(maildir)
    for doc_id, doc in mh.items():
        for other in (mbox[doc_id], maildir[doc_id]):
            assert (other.date, other.title, other.text) == (doc.date, doc.title, doc.text)
    assert {d.meta["folder"] for d in mbox.values()} == {"kaminski-v_inbox"}


def test_enron_reply_chain_marks_original_messages_quoted(enron):
    """The sender's note is unquoted; everything from "-----Original Message-----" is quoted."""
    doc = enron[ENRON / "beck-s" / "inbox" / "227"]
    first = doc.segments[0]
    assert not first.quoted and first.line == 1
    assert first.text.startswith("As per my previous note")
    assert doc.segments[1].text.strip().startswith("-----Original Message-----")
    assert all(s.quoted for s in doc.segments[1:])


def test_lotus_notes_reply_header_starts_the_quote():
    """A Lotus Notes header ("Name / 06/01/2001 03:15 PM / To:") starts the quoted part."""
    body = ("Thanks, see below.\n\n\n\n\nSusan J Mara@ENRON\n06/01/2001 03:15 PM\n"
            "To:\tAlan Comnes/PDX/ECT@ECT\ncc:\nSubject:\tRe: rates\n\nThe old text.\n")
    doc = parse_message_bytes(_mail(BASE, body), "x.eml")
    assert [(s.text.split("\n")[0], s.quoted) for s in doc.segments] == [
        ("Thanks, see below.", False), ("Susan J Mara@ENRON", True), ("The old text.", True)]
    assert doc.segments[1].line == 6


# ----- quoting, signatures, line numbers ---------------------------------------------------------

def test_quoted_lines_and_on_wrote_are_marked_with_body_line_numbers():
    """"> " lines and text after "On ... wrote:" are quoted; segments keep their body line."""
    body = ("Sounds good.\nI'll bring the maps.\n\nSee you,\nAnn\n\n"
            "On Mon, 4 Jun 2001 at 09:00, Bob Ray <bob@example.com> wrote:\n"
            "> Shall we meet at noon?\n> Bob\n")
    doc = parse_message_bytes(_mail(BASE, body), "x.eml")
    assert [(s.line, s.quoted) for s in doc.segments] == [(1, False), (4, False), (7, True)]
    assert doc.segments[2].text.startswith("On Mon, 4 Jun 2001")


def test_inline_reply_keeps_the_senders_own_lines_unquoted():
    """In an inline reply only the "> " lines (and their attribution) are quoted."""
    body = ("Bob Ray wrote:\n> Noon?\nYes, noon.\n> Where?\nAt the cafe.\n")
    doc = parse_message_bytes(_mail(BASE, body), "x.eml")
    assert [(s.text, s.quoted) for s in doc.segments] == [
        ("Bob Ray wrote:\n> Noon?", True), ("Yes, noon.", False), ("> Where?", True),
        ("At the cafe.", False)]


def test_signature_and_forward_are_quoted_not_dropped():
    """Text after "-- " and after "---------- Forwarded message" is kept, marked quoted."""
    body = "Here it is.\n-- \nAnn Lee\nExample Corp\n"
    doc = parse_message_bytes(_mail(BASE, body), "x.eml")
    assert [(s.text, s.quoted) for s in doc.segments] == [
        ("Here it is.", False), ("--\nAnn Lee\nExample Corp", True)]
    fwd = "FYI\n\n---------- Forwarded message ---------\nFrom: Bob\n\nOld news.\n"
    doc = parse_message_bytes(_mail(BASE, fwd), "x.eml")
    assert [s.quoted for s in doc.segments] == [False, True, True]


# ----- headers -----------------------------------------------------------------------------------

def test_addresses_threading_and_meta():
    """Addresses are bare and lowercased; the thread is the first References id."""
    headers = dict(BASE, Cc="Dan <DAN@example.com>", **{
        "In-Reply-To": "<p2@example.com>", "References": "<root@example.com> <p2@example.com>",
        "X-To": "Bob Ray"})
    doc = parse_message_bytes(_mail(headers, "Hi"), "/m/1", folder="Inbox")
    assert doc.meta["from"] == "Ann Lee <Ann.Lee@Example.com>"
    assert doc.meta["from_addr"] == "ann.lee@example.com"
    assert doc.meta["to"] == ["bob@example.com", "carol@example.com"]
    assert doc.meta["to_names"] == ["Bob Ray <bob@example.com>", "carol@example.com"]
    assert doc.meta["cc"] == ["dan@example.com"]
    assert doc.meta["in_reply_to"] == "p2@example.com"
    assert doc.meta["references"] == ["root@example.com", "p2@example.com"]
    assert doc.meta["thread"] == "root@example.com"
    assert doc.meta["folder"] == "Inbox" and doc.meta["x_to"] == "Bob Ray"
    alone = parse_message_bytes(_mail(BASE, "Hi"), "/m/2")
    assert alone.meta["thread"] == "plans-1@example.com" and "x_from" not in alone.meta


def test_encoded_and_defective_headers_are_decoded():
    """RFC 2047 subjects decode; raw 8-bit headers decode as UTF-8 (cp1252 when that fails)."""
    headers = dict(BASE, Subject="=?utf-8?q?Caf=C3=A9_plans?=")
    assert parse_message_bytes(_mail(headers, "x"), "x").title == "Café plans"
    doc = _one(BAD / "flanker" / "mailformed-headers.eml")
    assert doc.title == "´!"  # a lone 0xB4 byte
    assert doc.meta["from"].startswith("Юникод")
    assert doc.meta["from_addr"] == "headers@gmail.com"


def test_missing_subject_and_missing_date_and_received():
    """No Subject gives "(no subject)"; no Date and no Received gives no date (not the mtime)."""
    headers = {k: v for k, v in BASE.items() if k not in ("Subject", "Date")}
    doc = parse_message_bytes(_mail(headers, "x"), "x")
    assert doc.title == "(no subject)" and doc.date is None


def test_date_without_a_known_zone_is_taken_as_utc():
    """A Date with "-0000" or no zone at all still gives an aware datetime, in UTC."""
    for value in ("Tue, 05 Jun 2001 10:00:00 -0000", "Tue, 05 Jun 2001 10:00:00"):
        doc = parse_message_bytes(_mail(dict(BASE, Date=value), "x"), "x")
        assert doc.date == datetime(2001, 6, 5, 10, tzinfo=UTC)


def test_missing_date_uses_the_newest_received_header():
    """Without a Date header the date comes from the topmost (newest) Received header."""
    raw = (KAMINSKI / "1").read_bytes()
    raw = re.sub(rb"(?m)^Date:.*\n", b"", raw)
    received = (b"Received: from mx.enron.com by mail.enron.com;\n"
                b"\tThu, 31 Jan 2002 09:15:00 -0600 (CST)\n"
                b"Received: from relay.example.net; Thu, 31 Jan 2002 07:00:00 -0800\n")
    doc = parse_message_bytes(received + raw, "x")
    assert doc.date == datetime(2002, 1, 31, 9, 15, tzinfo=timezone(timedelta(hours=-6)))
    bad_date = re.sub(rb"(?m)^Date:.*$", b"Date: Tue, 06 Jun 2017 27:39:33 +0600",
                      (KAMINSKI / "1").read_bytes())
    assert parse_message_bytes(received + bad_date, "x").date == doc.date


def test_missing_message_id_gives_the_same_synthetic_id_twice():
    """A message without Message-ID gets "lodger-<24 hex>@synthetic", stable across parses."""
    headers = {k: v for k, v in BASE.items() if k != "Message-ID"}
    one = parse_message_bytes(_mail(headers, "Body text"), "a")
    two = parse_message_bytes(_mail(headers, "Body text"), "b")
    assert one.doc_id == two.doc_id and one.locator == two.locator
    assert re.fullmatch(r"lodger-[0-9a-f]{24}@synthetic", one.locator)
    assert one.doc_id == f"email:{one.locator}"
    other = parse_message_bytes(_mail(headers, "Other body"), "a")
    assert other.doc_id != one.doc_id


# ----- bodies ------------------------------------------------------------------------------------

def test_html_only_message_becomes_readable_text():
    """HTML-only mail is converted: scripts and styles gone, blocks on their own lines."""
    html = ("<html><head><style>p {color: red}</style><script>alert('x')</script></head>"
            "<body><p>Dear  Ann,</p><div>The meeting is <b>Friday</b>&nbsp;at 3&amp;4pm."
            "<br>Room 12</div><ul><li>Agenda</li><li>Budget</li></ul></body></html>")
    msg = EmailMessage()
    for k, v in BASE.items():
        msg[k] = v
    msg.set_content(html, subtype="html")
    doc = parse_message_bytes(msg.as_bytes(), "x.eml")
    assert doc.text == "Dear Ann,\n\nThe meeting is Friday at 3&4pm.\nRoom 12\n\nAgenda\nBudget"
    real = _one(BAD / "eml_parser" / "github_issue_48.eml")
    assert real.segments[0].text == "Play a cool game!"
    assert "<" not in real.text.replace(">>> JOIN NOW <<<", "")


def test_plain_text_is_preferred_over_html():
    """In multipart/alternative the text/plain part is the body."""
    msg = EmailMessage()
    for k, v in BASE.items():
        msg[k] = v
    msg.set_content("Plain version")
    msg.add_alternative("<p>HTML version</p>", subtype="html")
    assert parse_message_bytes(msg.as_bytes(), "x").text == "Plain version"


def test_unknown_charset_falls_back_to_decoding_the_bytes():
    """A charset Python does not know still gives the text (UTF-8 here), not an error."""
    raw = _mail(dict(BASE, **{"Content-Type": "text/plain; charset=x-no-such-charset"}),
                "Grüße aus Köln")
    assert parse_message_bytes(raw, "x").text == "Grüße aus Köln"


def test_attachments_are_listed_with_name_type_and_size():
    """Attachments are named with their type and decoded size, and their content is not text."""
    doc = _one(BAD / "flanker" / "attached-pdf.eml")
    msg = email.message_from_bytes((BAD / "flanker" / "attached-pdf.eml").read_bytes())
    pdf = next(p for p in msg.walk() if p.get_content_type() == "application/pdf")
    [att] = doc.meta["attachments"]
    assert att["content_type"] == "application/pdf" and att["name"] == pdf.get_filename()
    assert abs(att["size"] - len(pdf.get_payload(decode=True))) <= 2
    assert "%PDF" not in doc.text


def test_enclosed_messages_are_quoted_and_bounded(tmp_path):
    """Forwarded message/rfc822 parts are quoted text, at most 3 deep and 200 KB in all."""
    inner = EmailMessage()
    inner["Subject"] = "level 4"
    inner.set_content("text at level 4")
    for level in (3, 2, 1):
        outer = EmailMessage()
        outer["From"] = f"sender{level}@example.com"
        outer["Subject"] = f"level {level}"
        outer.set_content(f"text at level {level}")
        outer.add_attachment(inner)
        inner = outer
    top = EmailMessage()
    for k, v in BASE.items():
        top[k] = v
    top.set_content("my own words")
    top.add_attachment(inner)
    doc = parse_message_bytes(top.as_bytes(), "x")
    assert [s.text for s in doc.segments if not s.quoted] == ["my own words"]
    quoted = "\n".join(s.text for s in doc.segments if s.quoted)
    for level in (1, 2, 3):
        assert f"text at level {level}" in quoted
    assert "text at level 4" not in quoted
    endless = _one(BAD / "flanker" / "enclosed-endless.eml")
    assert len(endless.text) <= MAX_TEXT_CHARS + 100
    assert any(s.quoted for s in endless.segments)


def test_calendar_part_becomes_items():
    """A text/calendar invitation yields its events once, marked as coming from this email."""
    calendar = pytest.importorskip("indexing.calendar")
    ics = (REAL / "ics" / "icalendar" / "calendars" / "issue_350.ics").read_bytes()
    expected = calendar.parse_ics_bytes(ics, "invite.ics")
    assert expected
    msg = EmailMessage()
    for k, v in BASE.items():
        msg[k] = v
    msg.set_content("You are invited.")
    msg.add_alternative(ics, maintype="text", subtype="calendar", params={"method": "REQUEST"})
    msg.add_attachment(ics, maintype="application", subtype="ics", filename="invite.ics")
    doc = parse_message_bytes(msg.as_bytes(), "x.eml")
    events = [i for i in doc.items if i.origin == "email-calendar"]
    assert [(e.title, e.start) for e in events] == [(e.title, e.start) for e in expected]
    assert all(e.locator == "plans-1@example.com" for e in events)
    assert {"name": "invite.ics", "content_type": "application/ics"}.items() <= (
        doc.meta["attachments"][0].items())


def test_calendar_parts_are_handed_to_the_calendar_parser_once(monkeypatch):
    """Each distinct calendar part's bytes go to parse_ics_bytes; a repeated invitation once."""
    from indexing.model import Item

    seen = []

    def fake(data, path):
        seen.append((data, path))
        return [Item(kind="event", title="Review", uid="u1", locator="u1", origin="vevent")]

    monkeypatch.setitem(sys.modules, "indexing.calendar",
                        types.SimpleNamespace(parse_ics_bytes=fake))
    ics = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    msg = EmailMessage()
    for k, v in BASE.items():
        msg[k] = v
    msg.set_content("Invitation")
    msg.add_alternative(ics, maintype="text", subtype="calendar")
    msg.add_attachment(ics, maintype="text", subtype="calendar", filename="invite.ics")
    doc = parse_message_bytes(msg.as_bytes(), "/mail/x.eml")
    assert seen == [(ics, "/mail/x.eml")]
    assert [(i.title, i.uid, i.origin, i.locator) for i in doc.items] == [
        ("Review", "u1", "email-calendar", "plans-1@example.com")]
    assert doc.text == "Invitation"
    assert [a["name"] for a in doc.meta["attachments"]] == ["invite.ics"]
    monkeypatch.setitem(sys.modules, "indexing.calendar", None)
    assert parse_message_bytes(msg.as_bytes(), "/mail/x.eml").items == []


def test_promises_get_unquoted_text_date_recipients_and_message_id(monkeypatch):
    """extract_promises sees only the sender's words, the message date and the To names."""
    from indexing.model import Item

    calls = []

    def fake(text, anchor, recipients):
        calls.append((text, anchor, recipients))
        return [Item(kind="task", title="Send maps", origin="promise")]

    monkeypatch.setitem(sys.modules, "indexing.extract",
                        types.SimpleNamespace(extract_promises=fake))
    body = "I'll send the maps by Friday.\n\n> Can you send maps?\n"
    doc = parse_message_bytes(_mail(BASE, body), "x")
    assert calls == [("I'll send the maps by Friday.", doc.date,
                      ["Bob Ray <bob@example.com>", "carol@example.com"])]
    assert [(i.title, i.locator) for i in doc.items] == [("Send maps", "plans-1@example.com")]


def test_module_works_without_the_extract_module(monkeypatch):
    """When indexing.extract cannot be imported the message still parses, with no items."""
    monkeypatch.setitem(sys.modules, "indexing.extract", None)
    doc = parse_message_bytes(_mail(BASE, "I'll send the maps by Friday."), "x")
    assert doc.items == [] and doc.text == "I'll send the maps by Friday."


# ----- files that are not what they seem ---------------------------------------------------------

def test_every_bad_email_parses_or_is_skipped_with_a_reason():
    """Each malformed real-world file gives one document or a SkipFile, never another error."""
    parsed = skipped = 0
    for path in _files(BAD):
        try:
            result = parse_email_file(str(path))
        except SkipFile as exc:
            assert str(exc), path
            skipped += 1
            continue
        assert len(result.documents) == 1, path
        doc = result.documents[0]
        assert doc.date is None or doc.date.utcoffset() is not None, path
        assert doc.title and doc.locator and doc.doc_id == f"email:{doc.locator}"
        parsed += 1
    assert parsed >= 130 and skipped <= 6


def test_outlook_msg_empty_and_non_mail_files_are_skipped(tmp_path):
    """Binary .msg, empty files and text without headers raise SkipFile with a plain reason."""
    with pytest.raises(SkipFile, match="Outlook .msg"):
        parse_email_file(str(BAD / "mail-parser" / "mail_outlook_1"))
    empty = tmp_path / "empty.eml"
    empty.write_bytes(b"")
    with pytest.raises(SkipFile, match="empty file"):
        parse_email_file(str(empty))
    with pytest.raises(SkipFile, match="not an email"):
        parse_email_file(str(BAD / "flanker" / "LICENSE"))
    with pytest.raises(SkipFile, match="disappeared"):
        parse_email_file(str(tmp_path / "gone.eml"))


def test_impossible_date_gives_no_date():
    """msg_47's hour 27 is not a date; with no Received header the date is None."""
    doc = _one(BAD / "cpython_email_testdata" / "from_cpython3_main" / "msg_47.txt")
    assert doc.date is None and doc.title == "VIARGA|CIALIS|LEVITRA"


# ----- mbox --------------------------------------------------------------------------------------

def test_mbox_resumes_from_the_returned_offset(tmp_path):
    """Parsing a truncated copy, then the grown file from the returned offset, reads each once."""
    data = MBOX.read_bytes()
    starts = [0] + [m.start() + 2 for m in re.finditer(rb"\n\nFrom ", data)]
    assert len(starts) == 560
    half = starts[280]
    path = tmp_path / "inbox.mbox"
    path.write_bytes(data[:half])
    first, end = parse_mbox(str(path))
    assert end == half and len(first.documents) == 280
    path.write_bytes(data)
    second, end2 = parse_mbox(str(path), start_offset=end)
    assert end2 == len(data) and len(second.documents) == 280
    ids1 = {d.doc_id for d in first.documents}
    ids2 = {d.doc_id for d in second.documents}
    assert not ids1 & ids2 and len(ids1 | ids2) == 560
    assert parse_mbox(str(path), start_offset=end2)[0].documents == []
    with pytest.raises(SkipFile, match="no 'From ' line at byte"):
        parse_mbox(str(path), start_offset=half + 10)


def test_mbox_unescapes_from_and_splits_only_at_from_lines(tmp_path):
    """">From" is unescaped, "From time to time" does not split, the From_ date is a fallback."""
    real, _ = parse_mbox(str(BAD / "cpython_email_testdata" / "from_cpython3_main"
                             / "mailbox_01.mbox"))
    [doc] = real.documents
    assert doc.text == "Hello\n\nFrom time to time"
    assert doc.date == datetime(2022, 8, 7, 11, 40, 37, tzinfo=UTC)
    mbox = tmp_path / "Sent.mbox"
    mbox.write_bytes(
        b"From ann@example.com Tue Jun  5 17:00:00 2001\r\n" + _mail(BASE, "Hi\r\n>From here on\r\n")
        + b"\r\nFrom ann@example.com Wed Jun  6 17:00:00 2001\r\n"
        + _mail({"From": "ann@example.com", "Subject": "Two"}, "Second\r\n"))
    result, end = parse_mbox(str(mbox))
    assert end == mbox.stat().st_size and not result.skipped
    assert [d.title for d in result.documents] == ["Plans", "Two"]
    assert result.documents[0].text == "Hi\nFrom here on"
    assert result.documents[0].date.isoformat() == "2001-06-05T10:00:00-07:00"
    assert result.documents[1].date == datetime(2001, 6, 6, 17, tzinfo=UTC)
    assert {d.meta["folder"] for d in result.documents} == {"Sent"}


def test_broken_mbox_message_is_skipped_and_the_rest_kept(tmp_path):
    """An empty or oversized message is reported as "message N" of the file; others parse."""
    mbox = tmp_path / "box"
    mbox.write_bytes(
        b"From a@b Sat Jan  1 00:00:00 2000\n\n"
        b"From a@b Sat Jan  1 00:00:00 2000\n" + _mail(BASE, "fine\n"))
    result, _ = parse_mbox(str(mbox))
    assert [d.locator for d in result.documents] == ["plans-1@example.com"]
    [skip] = result.skipped
    assert skip.path == str(mbox) and skip.reason.startswith("message 1 ")
    not_mbox = tmp_path / "notes.txt"
    not_mbox.write_bytes(b"Shopping list\n")
    with pytest.raises(SkipFile, match="not an mbox"):
        parse_mbox(str(not_mbox))


# ----- sniffing and the user's addresses ---------------------------------------------------------

def test_sniffing_mail_and_mbox_heads():
    """MH files look like mail, an mbox starts with a From_ line, notes and calendars do neither."""
    for path in list(_files(KAMINSKI))[:50]:
        head = path.read_bytes()[:4096]
        assert looks_like_email(head) and not is_mbox(head)
    head = MBOX.read_bytes()[:4096]
    assert is_mbox(head)
    assert is_mbox(b"From - Tue Mar 14 10:10:10 2006\n")
    assert not is_mbox(b"From here on we go by bus, 2001 is over.\n")
    assert looks_like_email((BAD / "flanker" / "iphone.eml").read_bytes()[:4096])  # blank line 1
    assert not looks_like_email(b"From: someone\n\nbody")  # only one key header
    assert not looks_like_email(b"# Notes\nSubject: x\nDate: y\n")
    ics = next((REAL / "ics").rglob("*.ics")).read_bytes()[:4096]
    assert not looks_like_email(ics) and not is_mbox(ics)
    note = next((REAL / "notes").rglob("*.md")).read_bytes()[:4096]
    assert not looks_like_email(note)


def test_guess_user_addresses_from_sent_folders():
    """The senders of sent-folder mail, most frequent first; no sent folder gives []."""
    metas = (
        [{"from_addr": "me@example.com", "folder": "Sent Items"}] * 5
        + [{"from_addr": "me@work.example", "folder": "[Gmail]/Sent Mail"}] * 2
        + [{"from_addr": "boss@example.com", "folder": "Inbox"}] * 9
        + [{"from_addr": "boss@example.com", "folder": "Presentations"}] * 9
        + [{"from_addr": "ME@example.com", "folder": "sent_items"}]
    )
    assert guess_user_addresses(metas) == ["me@example.com", "me@work.example"]
    assert guess_user_addresses([{"from_addr": "a@b.c", "folder": "Inbox"}]) == []


def test_maildir_folder_name_is_kept(tmp_path):
    """parse_email_file stores the folder it is given, for guessing the user's addresses."""
    src = next(iter(_files(MAILDIR_CUR)))
    dest = tmp_path / "Sent" / "cur"
    dest.mkdir(parents=True)
    shutil.copy(src, dest / src.name)
    doc = _one(dest / src.name, folder="Sent")
    assert doc.meta["folder"] == "Sent"
    assert guess_user_addresses([doc.meta]) == [doc.meta["from_addr"]]


# ----- mail client layouts: Thunderbird, Maildir++ -----------------------------------------------

def test_thunderbird_deleted_message_is_left_out(tmp_path):
    """X-Mozilla-Status with 0x0008 (deleted, not yet compacted) gives no document or promise."""
    sent = {**BASE, "From": "me@example.com", "To": "Ann <ann@example.com>"}
    box = tmp_path / "Sent Items"
    box.write_bytes(
        b"From - Mon Oct 19 22:10:05 2026\nX-Mozilla-Status: 0009\nX-Mozilla-Status2: 00000000\n"
        + _mail({**sent, "Message-ID": "<gone@x>"}, "I'll send you the signed SOW tonight.\n")
        + b"\nFrom - Tue Oct 20 09:00:00 2026\nX-Mozilla-Status: 0001\nX-Mozilla-Status2: 00000008\n"
        + _mail({**sent, "Message-ID": "<kept@x>"}, "I'll send you the invoice by Friday.\n"))
    result, _ = parse_mbox(str(box))
    assert [d.locator for d in result.documents] == ["kept@x"] and result.skipped == []
    assert [i.title for i in result.documents[0].items] == ["Send the invoice"]
    assert result.documents[0].meta["folder"] == "Sent Items"


def test_mbox_folder_names():
    """Thunderbird .sbd subfolders and Apple Mail's Name.mbox/mbox give readable folder names."""
    from indexing.mail import mbox_folder

    assert mbox_folder("/p/ImapMail/host/Sent Items") == "Sent Items"
    assert mbox_folder("/p/ImapMail/host/INBOX.sbd/Harbor Foods") == "INBOX/Harbor Foods"
    assert mbox_folder("/p/Mail/[Gmail].sbd/Sent Mail") == "[Gmail]/Sent Mail"
    assert mbox_folder("/x/Sent.mbox") == "Sent"
    assert mbox_folder("/x/Sent Messages.mbox/mbox") == "Sent Messages"
    assert mbox_folder("/x/Mr. Smith") == "Mr. Smith"


def test_maildir_plus_plus_and_thunderbird_folders_are_discovered(tmp_path):
    """Hidden Maildir++ folders are read with their folder names (and count as sent mail);
    trashed messages, .Junk, tool folders and Thunderbird's .msf files are skipped quietly;
    the .Trash folder is mail the user received, and is read."""
    from indexing.sources import discover

    raw = _mail({**BASE, "From": "me@fastmail.example"}, "Hi\n")
    mail = {
        "Mail/cur/1.M1P1.host,S=1:2,S": raw,
        "Mail/.Sent/cur/2.M2P2.host,S=1:2,S": raw,
        "Mail/.Sent/cur/3.M3P3.host,S=1:2,ST": raw,  # trashed
        "Mail/.Sent/maildirfolder": b"",
        "Mail/.INBOX.Sent Messages/new/4.M4P4.host": raw,
        "Mail/.[Gmail].Sent Mail/cur/5.M5P5.host:2,": raw,
        "Mail/.Entw&APw-rfe/cur/6.M6P6.host:2,D": raw,
        "Mail/.Trash/cur/7.M7P7.host:2,S": raw,
        "Mail/.Junk/cur/9.M9P9.host:2,S": raw,
        "Mail/.git/cur/8.M8P8.host:2,S": raw,
        "Mail/.cache/x.eml": raw,
        "Mail/.hidden/x.eml": raw,
        "TB/INBOX": b"From - Tue Oct 20 10:05:30 2026\n" + raw,
        "TB/INBOX.msf": b"// <!-- <mdb:mork:z v=\"1.4\"/> -->\n",
        "TB/INBOX.sbd/Clients": b"From - Tue Oct 20 10:05:30 2026\n" + raw,
        "TB/Drafts": b"",
    }
    for name, data in mail.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    found = list(discover([str(tmp_path)]))
    got = sorted((str(Path(f.path).relative_to(tmp_path)), f.kind, f.folder) for f in found)
    assert got == [
        ("Mail/.Entw&APw-rfe/cur/6.M6P6.host:2,D", "email", "Entwürfe"),
        ("Mail/.INBOX.Sent Messages/new/4.M4P4.host", "email", "INBOX/Sent Messages"),
        ("Mail/.Sent/cur/2.M2P2.host,S=1:2,S", "email", "Sent"),
        ("Mail/.Trash/cur/7.M7P7.host:2,S", "email", "Trash"),
        ("Mail/.[Gmail].Sent Mail/cur/5.M5P5.host:2,", "email", "[Gmail]/Sent Mail"),
        ("Mail/cur/1.M1P1.host,S=1:2,S", "email", "INBOX"),
        ("TB/INBOX", "mbox", "INBOX"),
        ("TB/INBOX.sbd/Clients", "mbox", "INBOX/Clients"),
    ]
    metas = [{"from_addr": "me@fastmail.example", "folder": f.folder} for f in found]
    assert guess_user_addresses(metas) == ["me@fastmail.example"]
