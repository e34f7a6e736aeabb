"""The brief and "who owes me what?" on the demo data (assets/demo_FACTS.md), and the CLI."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engine.agenda import Agenda
from engine.answer import ITEM_KEYS
from engine.brief import build_brief, build_waiting, render_brief, render_waiting
from indexing.mail_queries import MailQueries, question_sentences
from indexing.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 25, 9, 0, tzinfo=BERLIN)
NOW_TEXT = "2026-03-25T09:00:00+01:00"

# Mail added to the demo for what the demo lacks: promises made to Sam, one delivered in its
# thread, one "delivered" only in another thread, a newsletter's question, an open question.
EXTRA_MBOX = """\
From tom@beckerbau.example Mon Mar 16 10:00:00 2026
From: Tom Becker <tom@beckerbau.example>
To: Sam Rivera <sam.rivera@example.org>
Subject: Invoice for March
Date: Mon, 16 Mar 2026 10:00:00 +0100
Message-ID: <inv-1@beckerbau.example>

Hi Sam,

thanks for the call. I'll send you the signed invoice by Friday.

Tom

From tom@beckerbau.example Thu Mar 19 15:00:00 2026
From: Tom Becker <tom@beckerbau.example>
To: Sam Rivera <sam.rivera@example.org>
Subject: Re: Invoice for March
Date: Thu, 19 Mar 2026 15:00:00 +0100
Message-ID: <inv-2@beckerbau.example>
In-Reply-To: <inv-1@beckerbau.example>
References: <inv-1@beckerbau.example>

Hi Sam,

here is the signed invoice, as promised.

Tom

From ana.lopez@example.com Tue Mar 17 10:00:00 2026
From: Ana Lopez <ana.lopez@example.com>
To: Sam Rivera <sam.rivera@example.org>
Subject: Seed swap
Date: Tue, 17 Mar 2026 10:00:00 +0100
Message-ID: <seed-1@example.com>

Hola Sam,

I will call you on Monday about the seed swap.

Ana

From ana.lopez@example.com Fri Mar 20 10:00:00 2026
From: Ana Lopez <ana.lopez@example.com>
To: Sam Rivera <sam.rivera@example.org>
Subject: Photos from the balcony
Date: Fri, 20 Mar 2026 10:00:00 +0100
Message-ID: <other-1@example.com>

Here are the photos of the balcony.

From newsletter@gruenes-berlin.example Sat Mar 21 08:00:00 2026
From: Green Berlin Newsletter <newsletter@gruenes-berlin.example>
To: sam.rivera@example.org
Subject: Spring special
Date: Sat, 21 Mar 2026 08:00:00 +0100
Message-ID: <nl-2@gruenes-berlin.example>

Did you know that hedgehogs need fresh water in spring?

From tom@beckerbau.example Mon Mar 23 08:00:00 2026
From: Tom Becker <tom@beckerbau.example>
To: Sam Rivera <sam.rivera@example.org>
Subject: Paving stones
Date: Mon, 23 Mar 2026 08:00:00 +0100
Message-ID: <q-1@beckerbau.example>

Hi Sam,

which paving stones should I order for the paths?

Tom

From lena@rivera.example Tue Mar 24 12:00:00 2026
From: Lena Rivera <lena@rivera.example>
To: Sam Rivera <sam.rivera@example.org>
Subject: Courtyard
Date: Tue, 24 Mar 2026 12:00:00 +0100
Message-ID: <photos-1@rivera.example>

Hi Sam,

I'll send you the photos of the courtyard next Tuesday.

Lena
"""


def _index(root: Path, extra: bool) -> Workspace:
    data = root / "demo"
    shutil.copytree(ROOT / "assets" / "demo", data)
    folders = [str(data)]
    if extra:
        (root / "extra").mkdir()
        (root / "extra" / "more.mbox").write_text(EXTRA_MBOX, encoding="utf-8")
        folders.append(str(root / "extra"))
    ws = Workspace.open(root / "data", embedder="hash", check=False)
    ws.indexer().index(folders)
    ws.remember(folders)
    return ws


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Workspace:
    ws = _index(tmp_path_factory.mktemp("brief-demo"), extra=False)
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def more(tmp_path_factory) -> Workspace:
    ws = _index(tmp_path_factory.mktemp("brief-more"), extra=True)
    yield ws
    ws.close()


def _agenda(ws: Workspace) -> Agenda:
    return Agenda(ws.store, BERLIN, ws.settings.user_addresses)


def test_brief_lists_todays_and_tomorrows_events(demo):
    """The default brief holds today's focus block and tomorrow's dentist appointment, in Berlin time."""
    b = build_brief(_agenda(demo), demo.store, NOW)
    assert [(e.title, e.start.isoformat(), e.end.isoformat()) for e in b.events] == [
        ("Focus block: Keller planting plan", "2026-03-25T13:00:00+01:00",
         "2026-03-25T16:00:00+01:00"),
        ("Dentist appointment", "2026-03-26T14:30:00+01:00", "2026-03-26T15:15:00+01:00")]
    assert b.cancelled == []
    assert (b.start.isoformat(), b.end.isoformat()) == ("2026-03-25T00:00:00+01:00",
                                                        "2026-03-27T00:00:00+01:00")


def test_brief_overdue_due_soon_and_promises(demo):
    """Overdue tasks are T13, T1, T2; due today and tomorrow T3 and T18; the promise due is P1."""
    b = build_brief(_agenda(demo), demo.store, NOW)
    assert [(t.title, t.due) for t in b.overdue] == [
        ("Ask Tom about reclaimed bricks for the herb spiral", date(2026, 3, 19)),
        ("Send the 2025 receipts to the tax advisor", date(2026, 3, 20)),
        ("Order pond liner samples", date(2026, 3, 24))]
    assert [t.title for t in b.due_soon] == ["Call the nursery about the hedgerow delivery",
                                             "Email Tom the signed contract by Thursday"]
    assert [(t.title, t.due, t.person) for t in b.promises] == [
        ("Send the revised planting plan", date(2026, 3, 20),
         "Maria Keller <maria.keller@example.com>")]


def test_brief_mail_waiting_on_the_user(demo):
    """Maria's pond mail, her wildflower question and her walkthrough invitation wait on Sam;
    mail he answered in its thread (R1, R12) does not."""
    b = build_brief(_agenda(demo), demo.store, NOW)
    assert [(q.message.message_id, q.message.subject) for q in b.awaiting_you] == [
        ("20260312184011.7730@example.com", "The pond"),
        ("20260318120355.6144@example.com", "Re: Ideas for the garden"),
        ("20260321101200.8810@example.com", "Invitation: Keller garden walkthrough")]
    assert b.awaiting_you[0].questions == [
        "Could it go in the shady corner behind the shed, or does a pond need full sun?",
        "Could you also tell us roughly what it would cost on top of the budget?"]
    assert b.late_from_others == []


def test_week_brief(demo):
    """Seven days cover lunch, Lena's birthday and dinner, Monday's call and yoga; the cancelled
    site visit is kept apart; all three promises and seven tasks are due."""
    b = build_brief(_agenda(demo), demo.store, NOW, days=7)
    assert [e.title for e in b.events] == [
        "Focus block: Keller planting plan", "Dentist appointment", "Lunch with Ana",
        "Lena's birthday", "Dinner at Lena's", "Call with Maria about planting plan",
        "Yoga class"]
    assert [e.title for e in b.cancelled] == ["Site visit at Keller garden"]
    assert [(t.title, t.due) for t in b.promises] == [
        ("Send the revised planting plan", date(2026, 3, 20)),
        ("Bring the seed catalogue", date(2026, 3, 27)),
        ("Get back to you on the contract", date(2026, 3, 31))]
    assert [t.due.isoformat() for t in b.due_soon] == [
        "2026-03-25", "2026-03-26", "2026-03-27", "2026-03-27", "2026-03-27", "2026-03-29",
        "2026-03-30"]


def test_brief_json_cites_every_item(demo):
    """Every item has the `lodger ask --json` keys and is cited by the source at its index."""
    out = build_brief(_agenda(demo), demo.store, NOW).to_json()
    assert out["intent"] == "brief" and out["now"] == NOW_TEXT and out["days"] == 2
    assert len(out["items"]) == len(out["sources"]) == 11
    for item, source in zip(out["items"], out["sources"], strict=True):
        assert set(ITEM_KEYS) <= set(item)
        assert (item["source"]["path"], item["source"]["locator"]) == (source["path"],
                                                                       source["locator"])
        assert Path(source["path"]).is_file()
    assert [s["key"] for s in out["sections"]] == [
        "events", "cancelled", "overdue", "due_soon", "promises", "awaiting_you",
        "late_from_others"]
    assert [s["count"] for s in out["sections"]] == [2, 0, 3, 2, 1, 3, 0]
    assert [i["section"] for i in out["items"]].count("overdue") == 3
    dentist = out["items"][1]
    assert (dentist["title"], dentist["start"], dentist["source"]["locator"]) == (
        "Dentist appointment", "2026-03-26T14:30:00+01:00", "dentist-20260326@rivera.example")
    promise = next(i for i in out["items"] if i["section"] == "promises")
    assert promise["source"]["locator"] == "20260317110237.1001@example.org"
    assert sorted(int(n) for n in re.findall(r"\[(\d+)\]", out["answer"])) == list(range(1, 12))


def test_render_brief_text(demo):
    """The text groups events by day and cites each line with its source number."""
    text = render_brief(build_brief(_agenda(demo), demo.store, NOW))
    lines = text.splitlines()
    assert lines[0] == "Your brief for Wed 25 Mar, 09:00 (Europe/Berlin)"
    assert "Today, Wed 25 Mar" in lines and "Tomorrow, Thu 26 Mar" in lines
    assert ("- Thu 26 Mar, 14:30–15:15: Dentist appointment (Praxis Dr. Weber, "
            "Kastanienallee 12) [2]") in lines
    assert ("- Send the revised planting plan (due Fri 20 Mar, promised to Maria Keller) "
            "— overdue [8]") in lines
    assert "- Nothing promised to you is late." in lines


def test_brief_rejects_bad_arguments(demo):
    """Days outside 1..31 and a naive clock are errors, not a silent empty brief."""
    agenda = _agenda(demo)
    for days in (0, 32):
        with pytest.raises(ValueError, match="days must be 1 to 31"):
            build_brief(agenda, demo.store, NOW, days=days)
    with pytest.raises(ValueError, match="timezone-aware"):
        build_brief(agenda, demo.store, datetime(2026, 3, 25, 9, 0))


def test_waiting_on_others_in_the_demo(demo):
    """Sam's question to Lena (lemon tart) has no answer; his walkthrough proposal to Maria was
    answered by her invitation, a fresh mail whose subject repeats "walkthrough"."""
    w = build_waiting(_agenda(demo), demo.store, NOW)
    assert [(q.message.message_id, q.questions, q.waiting_on) for q in w.questions] == [
        ("20260315200500.1003@example.org", ["Shall I bring a lemon tart for dessert?"],
         ["lena@rivera.example"])]
    assert w.promises == []
    text = render_waiting(w)
    assert ("- “Re: Grüße aus München” to Lena Rivera, since Sun 15 Mar: Shall I bring a lemon "
            "tart for dessert? [1]") in text.splitlines()


def test_promises_made_to_the_user(more):
    """Ana's call is late, Lena's photos are due next Tuesday, Tom's invoice was delivered by his
    "here is" reply in the thread; Ana's photos in another thread deliver nothing."""
    w = build_waiting(_agenda(more), more.store, NOW)
    got = [(p.title, p.due, p.message.from_addr, p.done) for p in w.promises]
    assert got == [
        ("Call you about the seed swap", date(2026, 3, 23), "ana.lopez@example.com", False),
        ("Send the photos of the courtyard", date(2026, 3, 31), "lena@rivera.example", False),
        ("Send the signed invoice", date(2026, 3, 20), "tom@beckerbau.example", True)]
    assert w.promises[2].delivered_by.message_id == "inv-2@beckerbau.example"
    out = w.to_json()
    assert [i["done"] for i in out["items"][:3]] == [False, False, True]
    assert out["items"][2]["done_date"] == "2026-03-19T15:00:00+01:00"
    assert "- Ana Lopez: Call you about the seed swap (due Mon 23 Mar, late) [1]" in (
        out["answer"].splitlines())


def test_brief_with_late_promises_and_open_questions(more):
    """The brief lists only the late promise to Sam, and Tom's paving question joins the mail
    waiting on him; the newsletter's question does not."""
    b = build_brief(_agenda(more), more.store, NOW)
    assert [p.title for p in b.late_from_others] == ["Call you about the seed swap"]
    assert [q.message.message_id for q in b.awaiting_you] == [
        "20260312184011.7730@example.com", "20260318120355.6144@example.com",
        "20260321101200.8810@example.com", "q-1@beckerbau.example"]


def test_no_user_addresses_no_mail_views(more):
    """Without the user's addresses sent and received mail cannot be told apart: no guesses."""
    q = MailQueries(more.store, [])
    assert q.awaiting_your_reply(NOW) == [] and q.unanswered_questions(NOW) == []
    assert q.promises_to_you(NOW) == []


def test_question_sentences():
    """Questions are sentences ending in "?"; small talk and two-word questions are not."""
    text = ("Hi Sam,\n\nhow are you? Could you send me the plan\nby Friday? Thanks.\n\n"
            "Really? Shall we meet on Monday at ten?")
    assert question_sentences(text) == ["Could you send me the plan by Friday?",
                                        "Shall we meet on Monday at ten?"]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lodger.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_cli_brief_json(demo):
    """`lodger brief --json` prints the demo's next events, overdue tasks and promises with sources."""
    r = _cli("brief", "--json", "--now", NOW_TEXT, "--tz", "Europe/Berlin",
             "--data-dir", str(demo.data_dir))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    by = {}
    for item, source in zip(out["items"], out["sources"], strict=True):
        by.setdefault(item["section"], []).append((item["title"], source["kind"]))
    assert by["events"] == [("Focus block: Keller planting plan", "calendar"),
                            ("Dentist appointment", "calendar")]
    assert [t for t, _ in by["overdue"]] == [
        "Ask Tom about reclaimed bricks for the herb spiral",
        "Send the 2025 receipts to the tax advisor", "Order pond liner samples"]
    assert by["promises"] == [("Send the revised planting plan", "email")]


def test_cli_brief_text_and_errors(demo):
    """The text brief ends with its numbered sources; a bad --days is refused with status 2."""
    r = _cli("brief", "--days", "7", "--now", NOW_TEXT, "--tz", "Europe/Berlin",
             "--data-dir", str(demo.data_dir))
    assert r.returncode == 0, r.stderr
    assert "Sat 28 Mar (all day): Lena's birthday" in r.stdout
    assert "\nSources:\n  [1] Focus block: Keller planting plan (event)" in r.stdout
    bad = _cli("brief", "--days", "0", "--data-dir", str(demo.data_dir))
    assert bad.returncode == 2 and "--days must be 1 to 31" in bad.stderr
