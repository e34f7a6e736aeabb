# ruff: noqa: E501  (data literals: real header lines and mail bodies are long)
"""Tahlia's work mail (Fastmail IMAP account) as Apple Mail writes it.

``Apple Mail Export/``: what Mailbox > Export Mailbox… produces: ``NAME.mbox/`` folders holding an
``mbox`` file, a binary ``table_of_contents`` and an ``Info.plist``; a child mailbox is nested inside
its parent's folder. The sent folder is Apple's ``Sent Messages``. ``Library/Mail/V10/…/*.emlx`` is
Apple Mail's own store: a byte count line, the RFC 5322 message, then an XML plist.
"""

from __future__ import annotations

from mime import b64, html_of, mbox_escape, message, multipart, part, qp, quote

ME = "Tahlia Nguyen <t.nguyen@riverbendwater.com.au>"
GRAHAM = "Graham Pike <g.pike@riverbendwater.com.au>"
SAM = "Sam Whitlock <s.whitlock@riverbendwater.com.au>"
PRIYA = "Priya Desai <pdesai@hawkesbury.nsw.gov.au>"
APPLE_MIME = "1.0 (Mac OS X Mail 16.0 \\(3826.200.121\\))"
APPLE_MAILER = "Apple Mail (2.3826.200.121)"

IDS = {
    "workshop_invite": "<6f1d2c3b-8a4e-4b6f-9c2d-1e0f3a5b7c9d-1764048000@fastmail.com>",
    "review_cancel": "<2a9e4c7d-1b3f-4d8a-b6e5-9c0f2d4a6b8e-cancel-1764485100@fastmail.com>",
    "walkthrough_reply": "<7f4d91c2-6a8e-42d3-8bda-4b7c9f1a3d5e-reply-1764537000@fastmail.com>",
    "it_password": "<20261125000000.pwexpiry.tnguyen@it.riverbendwater.com.au>",
    "leave": "<c0ffee12-3456-4789-abcd-leave2026@riverbendwater.com.au>",
    "expense": "<EXP-2291.approved.20261124@finance.riverbendwater.com.au>",
    "sam_roughness": "<7E1A2B3C-4D5E-4F60-8172-93A4B5C6D7E8@riverbendwater.com.au>",
    "priya_budget": "<SY5P282MB3021A6D1E2F3B4C5D6E7F8A9B0C1@SY5P282MB3021.AUSP282.PROD.OUTLOOK.COM>",
    "priya_venue": "<SY5P282MB3021F9E8D7C6B5A4938271605F4E@SY5P282MB3021.AUSP282.PROD.OUTLOOK.COM>",
    "reply_budget": "<A1B2C3D4-E5F6-4718-293A-4B5C6D7E8F90@riverbendwater.com.au>",
    "reply_venue": "<B2C3D4E5-F607-4829-3A4B-5C6D7E8F9A01@riverbendwater.com.au>",
    "graham_status": "<C3D4E5F6-0718-493A-4B5C-6D7E8F9A0B12@riverbendwater.com.au>",
    "sam_manning": "<D4E5F607-1829-4A4B-5C6D-7E8F9A0B1C23@riverbendwater.com.au>",
    "sam_gauge": "<E5F60718-293A-4B5C-6D7E-8F9A0B1C2D34@riverbendwater.com.au>",
}

TZ = """BEGIN:VTIMEZONE
TZID:Australia/Sydney
BEGIN:STANDARD
DTSTART:19700405T030000
RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU
TZOFFSETFROM:+1100
TZOFFSETTO:+1000
TZNAME:AEST
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19701004T020000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU
TZOFFSETFROM:+1000
TZOFFSETTO:+1100
TZNAME:AEDT
END:DAYLIGHT
END:VTIMEZONE"""


def itip(method: str, vevent: str) -> str:
    cal = f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Fastmail/2020.5/EN\nMETHOD:{method}\n{TZ}\n{vevent}\nEND:VCALENDAR\n"
    return cal.replace("\n", "\r\n")


def entry(sender_addr: str, asctime: str, msg: str) -> str:
    """Apple Mail export separator: the envelope sender and local asctime."""
    return f"From {sender_addr} {asctime}\n" + mbox_escape(msg).rstrip("\n") + "\n\n"


def fm_recv(date: str) -> list[tuple[str, str]]:
    return [("Return-Path", "<bounce@riverbendwater.com.au>"),
            ("Received", f"from compute2.internal (compute2.nyi.internal [10.202.2.42])\n\tby mailout.nyi.internal (Postfix) with ESMTP id 1A2B3C4D;\n\t{date}"),
            ("X-ME-Sender", "<xms:riverbend>")]


def inbox() -> str:
    out = []
    inv_text = ("Graham Pike has invited you to:\n\nClient workshop – Hawkesbury Council\n"
                "When: Wednesday, 2 December 2026 10:00 – 12:30 (Australia/Sydney)\n"
                "Where: Hawkesbury Council Administration Building, 366 George St, Windsor NSW 2756\n\n"
                "Phase 2 kick-off with council engineers. Moved to Windsor – see Priya's note.")
    vev = """BEGIN:VEVENT
UID:6f1d2c3b-8a4e-4b6f-9c2d-1e0f3a5b7c9d
SEQUENCE:1
DTSTAMP:20261124T052000Z
SUMMARY:Client workshop – Hawkesbury Council
DTSTART;TZID=Australia/Sydney:20261202T100000
DTEND;TZID=Australia/Sydney:20261202T123000
LOCATION:Hawkesbury Council Administration Building\\, 366 George St\\, Windsor NSW 2756
DESCRIPTION:Phase 2 kick-off with council engineers. Moved to Windsor – see Priya's note.
ORGANIZER;CN=Graham Pike:mailto:g.pike@riverbendwater.com.au
ATTENDEE;CN=Tahlia Nguyen;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:t.nguyen@riverbendwater.com.au
ATTENDEE;CN=Priya Desai;PARTSTAT=ACCEPTED:mailto:pdesai@hawkesbury.nsw.gov.au
END:VEVENT"""
    ct, body = multipart("alternative", "_----------=_176404800012345", [
        part("text/plain; charset=utf-8", qp(inv_text), "quoted-printable"),
        part("text/calendar; charset=utf-8; method=REQUEST", b64(itip("REQUEST", vev)), "base64")])
    date = "Tue, 24 Nov 2026 16:20:00 +1100"
    out.append(entry("g.pike@riverbendwater.com.au", "Tue Nov 24 16:20:00 2026", message(fm_recv(date) + [
        ("From", GRAHAM), ("To", ME + ", " + PRIYA), ("Subject", "Invitation: Client workshop – Hawkesbury Council @ Wed 2 Dec 2026 10:00"),
        ("Date", date), ("Message-Id", IDS["workshop_invite"]), ("MIME-Version", "1.0")], ct, body)))

    cancel_text = ("Sorry all – cancelling Thursday's review. Sydney Water haven't sent the updated pipe network yet, "
                   "so there's nothing to review. We'll pick a new date in January.\n\nGraham")
    vev = """BEGIN:VEVENT
UID:2a9e4c7d-1b3f-4d8a-b6e5-9c0f2d4a6b8e
SEQUENCE:1
DTSTAMP:20261130T064500Z
STATUS:CANCELLED
SUMMARY:Project review – Cooks River flood model
DTSTART;TZID=Australia/Sydney:20261203T110000
DTEND;TZID=Australia/Sydney:20261203T120000
ORGANIZER;CN=Graham Pike:mailto:g.pike@riverbendwater.com.au
ATTENDEE;CN=Tahlia Nguyen:mailto:t.nguyen@riverbendwater.com.au
ATTENDEE;CN=Sam Whitlock:mailto:s.whitlock@riverbendwater.com.au
END:VEVENT"""
    ct, body = multipart("alternative", "_----------=_176448510067890", [
        part("text/plain; charset=utf-8", qp(cancel_text), "quoted-printable"),
        part("text/calendar; charset=utf-8; method=CANCEL", b64(itip("CANCEL", vev)), "base64")])
    date = "Mon, 30 Nov 2026 17:45:00 +1100"
    out.append(entry("g.pike@riverbendwater.com.au", "Mon Nov 30 17:45:00 2026", message(fm_recv(date) + [
        ("From", GRAHAM), ("To", ME + ", " + SAM), ("Subject", "Cancelled: Project review – Cooks River flood model @ Thu 3 Dec 2026 11:00"),
        ("Date", date), ("Message-Id", IDS["review_cancel"]), ("MIME-Version", "1.0")], ct, body)))

    vev = """BEGIN:VEVENT
UID:7f4d91c2-6a8e-42d3-8bda-4b7c9f1a3d5e
SEQUENCE:0
DTSTAMP:20261130T211000Z
SUMMARY:Cooks River model walkthrough
DTSTART;TZID=Australia/Sydney:20261210T100000
DTEND;TZID=Australia/Sydney:20261210T110000
ORGANIZER;CN=Tahlia Nguyen:mailto:t.nguyen@riverbendwater.com.au
ATTENDEE;CN=Sam Whitlock;PARTSTAT=ACCEPTED:mailto:s.whitlock@riverbendwater.com.au
END:VEVENT"""
    ct, body = multipart("alternative", "_----------=_176453700011111", [
        part("text/plain; charset=utf-8", "Sam Whitlock has accepted your invitation to \"Cooks River model walkthrough\".", "7bit"),
        part("text/calendar; charset=utf-8; method=REPLY", b64(itip("REPLY", vev)), "base64")])
    date = "Tue, 1 Dec 2026 08:10:00 +1100"
    out.append(entry("s.whitlock@riverbendwater.com.au", "Tue Dec  1 08:10:00 2026", message(fm_recv(date) + [
        ("From", SAM), ("To", ME), ("Subject", "Accepted: Cooks River model walkthrough @ Thu 10 Dec 2026 10:00"),
        ("Date", date), ("Message-Id", IDS["walkthrough_reply"]), ("MIME-Version", "1.0")], ct, body)))

    it = """Hi Tahlia,

Your network and VPN password expires on Wednesday 9 December 2026.

Please change it before then at https://pw.riverbendwater.com.au (on the office network or over the VPN). New passwords must be at least 14 characters and cannot reuse your last 5.

Riverbend IT Service Desk
ext. 4400"""
    date = "Wed, 25 Nov 2026 10:00:00 +1100"
    out.append(entry("it@riverbendwater.com.au", "Wed Nov 25 10:00:00 2026", message(fm_recv(date) + [
        ("From", "Riverbend IT <it@riverbendwater.com.au>"), ("To", ME), ("Subject", "Password expiry notice"),
        ("Date", date), ("Message-Id", IDS["it_password"]), ("MIME-Version", "1.0"), ("X-Auto-Response-Suppress", "All")],
        "text/plain; charset=utf-8", b64(it), "base64")))

    leave = """Hi Tahlia,

Your annual leave from Monday 21 December 2026 to Friday 8 January 2027 has been approved by Graham.

Because the office is closed 24 December – 4 January, only 6 days come out of your balance. Your remaining balance after this leave is 11.5 days.

Kylie Tran
People & Culture"""
    date = "Fri, 20 Nov 2026 15:30:00 +1100"
    ct, body = multipart("alternative", "=_leave_5c1d2e3f", [
        part("text/plain; charset=utf-8", qp(leave), "quoted-printable"),
        part("text/html; charset=utf-8", qp(html_of(leave)), "quoted-printable")])
    out.append(entry("k.tran@riverbendwater.com.au", "Fri Nov 20 15:30:00 2026", message(fm_recv(date) + [
        ("From", "Kylie Tran <k.tran@riverbendwater.com.au>"), ("To", ME), ("Subject", "Leave request approved"),
        ("Date", date), ("Message-Id", IDS["leave"]), ("MIME-Version", "1.0")], ct, body)))

    exp = ("Expense claim EXP-2291 has been approved.\n\nClaimant: Tahlia Nguyen\nDescription: Windsor site visit "
           "(mileage 142 km, parking, lunch)\nAmount: $312.40\nPayment date: 10 December 2026 (with your pay)\n\n"
           "Riverbend Finance")
    date = "Tue, 24 Nov 2026 12:15:00 +1100"
    out.append(entry("finance@riverbendwater.com.au", "Tue Nov 24 12:15:00 2026", message(fm_recv(date) + [
        ("From", "Riverbend Finance <finance@riverbendwater.com.au>"), ("To", ME),
        ("Subject", "Expense claim EXP-2291 approved"), ("Date", date), ("Message-Id", IDS["expense"]),
        ("MIME-Version", "1.0")], "text/plain; charset=us-ascii", exp, "7bit")))

    sam = """Hey Tahlia,

I'll review the roughness table by Thursday, sorry it's taken a while.

From the gauge logs it looks like the Tempe weir was drowned out for about 40 minutes at the peak on 11 Feb, which might explain the instability.

Sam"""
    out.append(apple_mail(SAM, ME, "Re: roughness table", "Mon, 30 Nov 2026 14:10:00 +1100",
                          "Mon Nov 30 14:10:00 2026", IDS["sam_roughness"], sam, "s.whitlock@riverbendwater.com.au",
                          extra=fm_recv("Mon, 30 Nov 2026 14:10:00 +1100")))
    return "".join(out)


PRIYA_BUDGET = """Hi Tahlia,

Following Tuesday's call: Council has approved phase 2 of the flood study.

Our budget for phase 2 is capped at $48,500 ex GST, and that has to cover the calibration report and the community flood maps.

The LiDAR data from Spatial Services will be delivered on 14 December.

Regards,
Priya Desai
Senior Floodplain Engineer | Hawkesbury City Council
(02) 4560 4444"""

REPLY_BUDGET = """Hi Priya,

Thanks - $48.5k is tight but workable. I'll send you the draft calibration report by Friday 11 December.

I'll be honest, the roughness calibration near Windsor bridge is taking longer than expected, mostly because of the 2021 gauge gap.

Cheers,
Tahlia"""


def hawkesbury() -> str:
    out = []
    ct, body = multipart("alternative", "_000_SY5P282MB3021A6D1E2F3_", [
        part('text/plain; charset="us-ascii"', qp(PRIYA_BUDGET, "us-ascii"), "quoted-printable"),
        part('text/html; charset="us-ascii"', qp(html_of(PRIYA_BUDGET), "us-ascii"), "quoted-printable")])
    date = "Fri, 20 Nov 2026 09:40:12 +1100"
    out.append(entry("pdesai@hawkesbury.nsw.gov.au", "Fri Nov 20 09:40:12 2026", message(fm_recv(date) + [
        ("From", PRIYA), ("To", ME), ("CC", GRAHAM), ("Subject", "Flood study phase 2 - scope and budget"),
        ("Thread-Topic", "Flood study phase 2 - scope and budget"), ("Thread-Index", "AdtA1b2C3d4E5f6G7h8I9j0K1l2M3n=="),
        ("Date", date), ("Message-ID", IDS["priya_budget"]), ("Accept-Language", "en-AU, en-US"),
        ("Content-Language", "en-US"), ("X-MS-Has-Attach", ""), ("MIME-Version", "1.0")], ct, body)))

    venue = """Hi Tahlia,

Just a heads-up: we've moved Wednesday's workshop from the Richmond chambers to the Windsor administration building, because the Richmond chambers are being refurbished (asbestos removal in the ceiling). Parking is behind the building off Baker St.

Could you bring printed copies of the draft flood maps?

Thanks,
Priya

From: Tahlia Nguyen <t.nguyen@riverbendwater.com.au>
Sent: Friday, 27 November 2026 4:12 PM
To: Priya Desai <pdesai@hawkesbury.nsw.gov.au>
Cc: Graham Pike <g.pike@riverbendwater.com.au>
Subject: Re: Flood study phase 2 - scope and budget

""" + REPLY_BUDGET
    ct, body = multipart("alternative", "_000_SY5P282MB3021F9E8D7C6_", [
        part('text/plain; charset="us-ascii"', qp(venue, "us-ascii"), "quoted-printable"),
        part('text/html; charset="us-ascii"', qp(html_of(venue), "us-ascii"), "quoted-printable")])
    date = "Mon, 30 Nov 2026 11:05:30 +1100"
    out.append(entry("pdesai@hawkesbury.nsw.gov.au", "Mon Nov 30 11:05:30 2026", message(fm_recv(date) + [
        ("From", PRIYA), ("To", ME), ("CC", GRAHAM), ("Subject", "RE: Workshop on Wednesday - venue change"),
        ("Thread-Topic", "Workshop on Wednesday - venue change"), ("Date", date), ("Message-ID", IDS["priya_venue"]),
        ("References", IDS["reply_budget"]), ("In-Reply-To", IDS["reply_budget"]), ("MIME-Version", "1.0")], ct, body)))
    return "".join(out)


def apple_mail(from_: str, to: str, subject: str, date: str, asctime: str, mid: str, text: str,
               envelope: str, cc: str | None = None, reply_to_id: str | None = None,
               extra: list[tuple[str, str]] | None = None) -> str:
    """A plain-text message as Apple Mail sends it (QP utf-8, its own header order)."""
    heads = list(extra or []) + [
        ("From", from_), ("Content-Type", "text/plain;\n\tcharset=utf-8"),
        ("Content-Transfer-Encoding", "quoted-printable"), ("Mime-Version", APPLE_MIME), ("Subject", subject),
        ("Message-Id", mid), ("Date", date), ("To", to)]
    if cc:
        heads.append(("Cc", cc))
    if reply_to_id:
        heads += [("In-Reply-To", reply_to_id), ("References", reply_to_id)]
    heads.append(("X-Mailer", APPLE_MAILER))
    msg = "\n".join(f"{k}: {v}" for k, v in heads) + "\n\n" + qp(text)
    return entry(envelope, asctime, msg)


def apple_sent(to: str, subject: str, date: str, asctime: str, mid: str, text: str,
               cc: str | None = None, reply_to_id: str | None = None) -> str:
    return apple_mail(ME, to, subject, date, asctime, mid, text, "t.nguyen@riverbendwater.com.au", cc, reply_to_id)


def sent() -> str:
    out = []
    budget_full = REPLY_BUDGET + "\n\n> On 20 Nov 2026, at 9:40 am, Priya Desai <pdesai@hawkesbury.nsw.gov.au> wrote:\n>\n" + quote(PRIYA_BUDGET)
    out.append(apple_sent(PRIYA, "Re: Flood study phase 2 - scope and budget", "Fri, 27 Nov 2026 16:12:08 +1100",
                          "Fri Nov 27 16:12:08 2026", IDS["reply_budget"], budget_full, cc=GRAHAM,
                          reply_to_id=IDS["priya_budget"]))
    venue_reply = ("No problem, I'll bring printed copies of the draft flood maps (A3).\n\n"
                   "I will circulate the workshop agenda tomorrow.\n\nTahlia")
    out.append(apple_sent(PRIYA, "Re: Workshop on Wednesday - venue change", "Mon, 30 Nov 2026 16:40:00 +1100",
                          "Mon Nov 30 16:40:00 2026", IDS["reply_venue"], venue_reply, cc=GRAHAM,
                          reply_to_id=IDS["priya_venue"]))
    status = """Hi Graham,

The 1% AEP run is still unstable near the Tempe weir; I'm trying new roughness values.

I'll have the Cooks River flood maps finished before the end of next week.

I'll be working from home on Thursday, the tradies are in.

T"""
    out.append(apple_sent(GRAHAM, "Cooks River - status", "Fri, 27 Nov 2026 17:30:00 +1100",
                          "Fri Nov 27 17:30:00 2026", IDS["graham_status"], status))
    manning = "Thanks Sam. Could you also check the Manning's n for the concrete channel? No rush.\n\nT"
    out.append(apple_sent(SAM, "Re: roughness table", "Tue, 24 Nov 2026 11:02:00 +1100",
                          "Tue Nov 24 11:02:00 2026", IDS["sam_manning"], manning))
    return "".join(out)


GAUGE = """Hi Tahlia,

Heads up - the Wolli Creek gauge was vandalised over the weekend, the logger box was smashed.

A replacement logger arrives on 15 December, so we'll have a gap in the record from 28 November. Bring gloves on Monday, there's glass everywhere.

Sam"""


def emlx(msg: str, flags: int = 8590195713) -> bytes:
    """Apple Mail's .emlx: byte count line, the message, an XML plist of flags."""
    raw = msg.replace("\n", "\n").encode("utf-8")
    plist = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
             '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<dict>\n'
             f"\t<key>date-received</key>\n\t<integer>1764475320</integer>\n\t<key>flags</key>\n\t<integer>{flags}</integer>\n"
             "\t<key>remote-id</key>\n\t<string>48213</string>\n</dict>\n</plist>\n")
    return f"{len(raw)}       \n".encode("ascii") + raw + plist.encode("utf-8")


def emlx_messages() -> dict[str, bytes]:
    gauge = message([("Return-Path", "<s.whitlock@riverbendwater.com.au>"), ("From", SAM), ("Mime-Version", APPLE_MIME),
                     ("Subject", "Wolli Creek gauge"), ("Message-Id", IDS["sam_gauge"]),
                     ("Date", "Mon, 30 Nov 2026 15:02:00 +1100"), ("To", ME), ("X-Mailer", APPLE_MAILER)],
                    "text/plain;\n\tcharset=utf-8", qp(GAUGE), "quoted-printable")
    it = """Hi Tahlia,

Your network and VPN password expires on Wednesday 9 December 2026.

Please change it before then at https://pw.riverbendwater.com.au (on the office network or over the VPN). New passwords must be at least 14 characters and cannot reuse your last 5.

Riverbend IT Service Desk
ext. 4400"""
    dup = message([("From", "Riverbend IT <it@riverbendwater.com.au>"), ("To", ME), ("Subject", "Password expiry notice"),
                   ("Date", "Wed, 25 Nov 2026 10:00:00 +1100"), ("Message-Id", IDS["it_password"]), ("MIME-Version", "1.0")],
                  "text/plain; charset=utf-8", b64(it), "base64")
    return {"48213.emlx": emlx(gauge), "48177.emlx": emlx(dup)}
