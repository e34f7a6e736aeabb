# ruff: noqa: E501  (data literals: real header lines and mail bodies are long)
"""Tahlia's personal Gmail as a Google Takeout export: one mbox with X-Gmail-Labels and X-GM-THRID.

Takeout writes ``From <gmail-id>@xxx <asctime> +0000 <year>`` separators, keeps Spam and Trash,
and marks the user's own mail only with the ``Sent`` label (there is no Sent folder).
"""

from __future__ import annotations

from mime import TINY_PDF, b64, html_of, mbox_escape, message, multipart, part, qp, quote

ME = "Tahlia Nguyen <tahlia.nguyen88@gmail.com>"
PRISCILLA = "Priscilla Moretti <priscilla@innerwestrealty.com.au>"
AROHA = "Aroha Ngata <aroha.ngata@icloud.com>"
DANNY = "Danny Nguyen <danny.nguyen.dev@gmail.com>"
MUM = "Mum <linh.nguyen52@bigpond.com>"
MUM_FROM = "Linh Nguyen <linh.nguyen52@bigpond.com>"
JESS = "Jess Carter <jess.carter@gmail.com>"

# Message-IDs referenced by tahlia.questions.json
IDS = {
    "lease": "<CAOq7vX9b2LwE5kR1t+Ps0Yh3mQe8NfZ4Ua=Lease@mail.gmail.com>",
    "lease_reply": "<CAH7kq+Lx2Dn0sWf4RvY8eJm9Pz3TQ6bhc=Kr1@mail.gmail.com>",
    "aroha_hike": "<d2a7c1e4-5b3f-4a9e-8c6d-0f1e2a3b4c5d@icloud.com>",
    "aroha_reply": "<CAH7kq+Mz4Ep1tXg5SwZ9fKn0Qa4UR7cid=Ls2@mail.gmail.com>",
    "xmas1": "<CAD4nN8u1+Hq3vBt6Lk2Sx0Yf9Rg7Me5Wd=Xm1@mail.gmail.com>",
    "xmas2": "<000a01d9c4f2$7e3b1a20$7ab14e60$@bigpond.com>",
    "xmas3": "<CAD4nN8u2+Jr4wCu7Ml3Ty1Zg0Sh8Nf6Xe=Xm3@mail.gmail.com>",
    "xmas4": "<CAH7kq+Na5Fq2uYh6TxA0gLo1Rb5VS8dje=Mt3@mail.gmail.com>",
    "xmas5": "<CAD4nN8u3+Ks5xDv8Nm4Uz2Ah1Ti9Og7Yf=Xm5@mail.gmail.com>",
    "mum_flights": "<CAH7kq+Ob6Gr3vZi7UyB1hMp2Sc6WT9ekf=Nu4@mail.gmail.com>",
    "qantas": "<20261124221200.7QKZ4P.4417@yourbooking.qantas.com.au>",
    "levy": "<0100018f3c2b9a41-levy-SP45123-L3@email.strataplus.com.au>",
    "jess_invite": "<calendar-5p2k9d1rj0v3m8s7q6c4b2a1e0@google.com>",
    "jess_accept": "<calendar-reply-5p2k9d1rj0v3m8s7q6c4b2a1e0-tahlia@google.com>",
    "jess_reply": "<CAH7kq+Pc7Hs4wAj8VzC2iNq3Td7XU0flg=Ov5@mail.gmail.com>",
    "promo": "<20261129190000.kathmandu.cybermonday.88311@e.kathmandu.com.au>",
    "spam": "<8812.refund.1179@ato-gov-au.help>",
    "trash": "<uber-eats-receipt-20261129-0a9f@uber.com>",
}


def takeout(gid: int, thrid: int, labels: str, utc_asctime: str, msg: str) -> str:
    """One Takeout mbox entry."""
    return (f"From {gid}@xxx {utc_asctime} +0000 2026\nX-GM-THRID: {thrid}\nX-Gmail-Labels: {labels}\n"
            + mbox_escape(msg).rstrip("\n") + "\n\n")


def received(date: str) -> list[tuple[str, str]]:
    return [("Delivered-To", "tahlia.nguyen88@gmail.com"),
            ("Received", f"by 2002:a05:7300:5c8e:b0:1a2:3b4c:5d6e with SMTP id k14csp123456dyc;\n        {date}")]


def alt(boundary: str, text: str, cte: str = "quoted-printable") -> tuple[str, str]:
    enc = qp if cte == "quoted-printable" else b64
    return multipart("alternative", boundary, [
        part('text/plain; charset="UTF-8"', enc(text), cte),
        part('text/html; charset="UTF-8"', enc(html_of(text)), cte)])


def build() -> str:
    out = []

    lease = """Hi Tahlia,

Your current lease on 3/41 Addison Road, Marrickville ends on 31 January 2027. The owner is happy to renew for another 12 months.

The new rent will be $740 per week (up from $695), starting 1 February 2027.

Could you please sign the attached renewal and send it back to me by 11 December?

Kind regards,
Priscilla Moretti
Property Manager | Inner West Realty
(02) 9550 1234"""
    ct_alt, body_alt = alt("0000000000008c1b2a05f1a0lease", lease)
    ct, body = multipart("mixed", "0000000000008c1b2c05f1a0lease", [
        f"Content-Type: {ct_alt}\n\n{body_alt}",
        part('application/pdf; name="Lease renewal 3-41 Addison Rd.pdf"', b64(TINY_PDF), "base64",
             'Content-Disposition: attachment; filename="Lease renewal 3-41 Addison Rd.pdf"\n')])
    date = "Tue, 24 Nov 2026 14:02:11 +1100"
    out.append(takeout(1817300000000000001, 1817300000000000001, "Inbox,Important,Opened",
                       "Tue Nov 24 03:02:11", message(received(date) + [
                           ("MIME-Version", "1.0"), ("From", PRISCILLA), ("Date", date),
                           ("Message-ID", IDS["lease"]), ("Subject", "Lease renewal – 3/41 Addison Road, Marrickville"),
                           ("To", ME)], ct, body)))

    reply = """Hi Priscilla,

Thanks for this. The increase is a bit steep but we'll take it. I'll sign and return the lease renewal by 10 December.

Could you also ask the owner about the dripping laundry tap?

Cheers,
Tahlia

On Tue, 24 Nov 2026 at 14:02, Priscilla Moretti <priscilla@innerwestrealty.com.au> wrote:

""" + quote(lease)
    ct, body = alt("000000000000a2c3d405f1a2rep1", reply)
    out.append(takeout(1817300000000000002, 1817300000000000001, "Sent", "Thu Nov 26 08:40:05", message([
        ("MIME-Version", "1.0"), ("Date", "Thu, 26 Nov 2026 19:40:05 +1100"),
        ("References", IDS["lease"]), ("In-Reply-To", IDS["lease"]), ("Message-ID", IDS["lease_reply"]),
        ("Subject", "Re: Lease renewal – 3/41 Addison Road, Marrickville"), ("From", ME), ("To", PRISCILLA)],
        ct, body)))

    # Thunderbird, format=flowed: soft line breaks end in a space
    hike = ("Hey T!\n\n"
            "So I've been thinking about the Blue Mountains hike. The Grand Canyon track \n"
            "is closed until March after the landslip, so let's do the National Pass \n"
            "instead - it's about 5 hours return, starting and finishing at Wentworth \n"
            "Falls. We should get the 6:12 train from Central so we're walking before \n"
            "it gets hot.\n\n"
            "Bring at least 3 litres of water each, there's nothing on the track. Mel \n"
            "can drive us back if we finish by 3.\n\n"
            "Let's aim for Saturday 16 January?\n\n"
            "Aroha x\n")
    date = "Fri, 27 Nov 2026 21:15:40 +1100"
    out.append(takeout(1817300000000000003, 1817300000000000003, "Inbox,Opened,Category Personal",
                       "Fri Nov 27 10:15:40", message(received(date) + [
                           ("Message-ID", IDS["aroha_hike"]), ("Date", date), ("MIME-Version", "1.0"),
                           ("User-Agent", "Mozilla Thunderbird"), ("Content-Language", "en-NZ"), ("To", ME),
                           ("From", AROHA), ("Subject", "Blue Mountains hike")],
                           "text/plain; charset=UTF-8; format=flowed", hike, "7bit")))

    arep = """National Pass sounds perfect, count me in for the 16th. I'll send you the track notes tonight - I've still got the old NPWS PDF somewhere.

Could you send me the photos from the Bondi walk last time?

T

On Fri, 27 Nov 2026 at 21:15, Aroha Ngata <aroha.ngata@icloud.com> wrote:

""" + quote("Hey T!\n\nSo I've been thinking about the Blue Mountains hike. The Grand Canyon track is closed until March after the landslip, so let's do the National Pass instead - it's about 5 hours return.\n\nAroha x")
    ct, body = alt("000000000000b3d4e505f1a3rep2", arep)
    out.append(takeout(1817300000000000004, 1817300000000000003, "Sent", "Sun Nov 29 06:02:17", message([
        ("MIME-Version", "1.0"), ("Date", "Sun, 29 Nov 2026 17:02:17 +1100"),
        ("References", IDS["aroha_hike"]), ("In-Reply-To", IDS["aroha_hike"]), ("Message-ID", IDS["aroha_reply"]),
        ("Subject", "Re: Blue Mountains hike"), ("From", ME), ("To", AROHA)], ct, body)))

    # The Christmas thread: top-posting all the way down
    x1 = """Hey both,

So Christmas at Aunt Hoa's in Cabramatta this year? She said lunch at 12.

I'll pick up Grandma on the way from Bankstown.

Can someone sort out the ferry for Boxing Day? Thinking we all go to Manly.

Tahlia, will you bring dessert?

D"""
    date = "Sun, 29 Nov 2026 10:20:03 +1100"
    ct, body = alt("000000000000c4e5f605f1a4xm1", x1)
    thr = 1817300000000000010
    out.append(takeout(thr, thr, "Inbox,Important,Opened,Family", "Sat Nov 28 23:20:03", message(received(date) + [
        ("MIME-Version", "1.0"), ("From", DANNY), ("Date", date), ("Message-ID", IDS["xmas1"]),
        ("Subject", "Christmas Day plans"), ("To", ME), ("Cc", MUM)], ct, body)))

    x2 = "Yes lunch at 12. I'll make the spring rolls and Aunt Hoa is doing the duck.\n\nDanny don't be late again!\n\nLove Mum"
    x2_full = x2 + "\n\nOn Sun, 29 Nov 2026 at 10:20, Danny Nguyen <danny.nguyen.dev@gmail.com> wrote:\n" + quote(x1)
    date = "Sun, 29 Nov 2026 13:05:44 +1100"
    out.append(takeout(thr + 1, thr, "Inbox,Important,Opened,Family", "Sun Nov 29 02:05:44", message(received(date) + [
        ("From", MUM_FROM), ("To", DANNY + ", " + ME), ("References", IDS["xmas1"]), ("In-Reply-To", IDS["xmas1"]),
        ("Subject", "Re: Christmas Day plans"), ("Date", date), ("Message-ID", IDS["xmas2"]), ("MIME-Version", "1.0"),
        ("X-Mailer", "Microsoft Outlook 16.0")], 'text/plain; charset="iso-8859-1"', qp(x2_full, "iso-8859-1"),
        "quoted-printable")))

    x3 = "Haha I won't. Also Grandma wants to bring her friend Mrs Pham, so that's 9 of us for the ferry.\n\nD"
    x3_full = x3 + "\n\nOn Sun, 29 Nov 2026 at 13:05, Linh Nguyen <linh.nguyen52@bigpond.com> wrote:\n" + quote(x2_full)
    date = "Sun, 29 Nov 2026 18:44:10 +1100"
    ct, body = alt("000000000000d5f60705f1a5xm3", x3_full)
    out.append(takeout(thr + 2, thr, "Inbox,Opened,Family", "Sun Nov 29 07:44:10", message(received(date) + [
        ("MIME-Version", "1.0"), ("References", IDS["xmas1"] + " " + IDS["xmas2"]), ("In-Reply-To", IDS["xmas2"]),
        ("From", DANNY), ("Date", date), ("Message-ID", IDS["xmas3"]), ("Subject", "Re: Christmas Day plans"),
        ("To", MUM_FROM), ("Cc", ME)], ct, body)))

    x4 = """Sounds good!

I'll bring the pavlova and the prawns.

I'll book the ferry tickets for everyone by Sunday - 9 adults, Circular Quay to Manly on Boxing Day, about 10am.

Will you bring the esky, Danny?

T"""
    x4_full = x4 + "\n\nOn Sun, 29 Nov 2026 at 18:44, Danny Nguyen <danny.nguyen.dev@gmail.com> wrote:\n" + quote(x3_full)
    ct, body = alt("000000000000e6071805f1a6xm4", x4_full)
    out.append(takeout(thr + 3, thr, "Sent,Family", "Mon Nov 30 09:05:31", message([
        ("MIME-Version", "1.0"), ("Date", "Mon, 30 Nov 2026 20:05:31 +1100"),
        ("References", " ".join(IDS[k] for k in ("xmas1", "xmas2", "xmas3"))), ("In-Reply-To", IDS["xmas3"]),
        ("Message-ID", IDS["xmas4"]), ("Subject", "Re: Christmas Day plans"), ("From", ME), ("To", DANNY),
        ("Cc", MUM)], ct, body)))

    x5 = "Legend. Yep I'll bring the esky and some ice.\n\nD"
    x5_full = x5 + "\n\nOn Mon, 30 Nov 2026 at 20:05, Tahlia Nguyen <tahlia.nguyen88@gmail.com> wrote:\n" + quote(x4_full)
    date = "Tue, 1 Dec 2026 07:50:12 +1100"
    ct, body = alt("000000000000f7182905f1a7xm5", x5_full)
    out.append(takeout(thr + 4, thr, "Inbox,Opened,Family", "Mon Nov 30 20:50:12", message(received(date) + [
        ("MIME-Version", "1.0"), ("References", " ".join(IDS[k] for k in ("xmas1", "xmas2", "xmas3", "xmas4"))),
        ("In-Reply-To", IDS["xmas4"]), ("From", DANNY), ("Date", date), ("Message-ID", IDS["xmas5"]),
        ("Subject", "Re: Christmas Day plans"), ("To", ME), ("Cc", MUM)], ct, body)))

    flights = """Hi Mum,

I found a few options for your Da Nang trip in February but the prices keep jumping around. I'll call you on Saturday to sort out the flights.

From what I can see Vietnam Airlines is cheaper than Qantas if you go on a Tuesday.

Love, T"""
    ct, body = alt("000000000000a8293a05f1a8mum", flights)
    out.append(takeout(1817300000000000020, 1817300000000000020, "Sent", "Mon Nov 30 01:30:00", message([
        ("MIME-Version", "1.0"), ("Date", "Mon, 30 Nov 2026 12:30:00 +1100"), ("Message-ID", IDS["mum_flights"]),
        ("Subject", "Flights for Da Nang"), ("From", ME), ("To", MUM)], ct, body)))

    qantas = """Booking confirmation

Booking reference: 7QKZ4P
Passenger: MS TAHLIA NGUYEN
Frequent Flyer: QF 1987 4410 (Silver)

Departing flight
QF1517  Sydney (SYD) T2 to Hobart (HBA)
Friday 19 February 2027, departs 07:05, arrives 09:05

Return flight
QF1530  Hobart (HBA) to Sydney (SYD)
Monday 22 February 2027, departs 17:40, arrives 19:35

Total paid: AUD 412.60 (Visa ending 0932)

Manage your booking at qantas.com/manage"""
    ct, body = alt("----=_Part_4417_7QKZ4P.1764022320", qantas, "base64")
    date = "Wed, 25 Nov 2026 09:12:00 +1100"
    out.append(takeout(1817300000000000030, 1817300000000000030, "Inbox,Opened,Category Updates",
                       "Tue Nov 24 22:12:00", message(received(date) + [
                           ("Date", date), ("From", "Qantas <noreply@yourbooking.qantas.com.au>"), ("To", ME),
                           ("Message-ID", IDS["qantas"]),
                           ("Subject", "Your booking confirmation - Sydney to Hobart - 7QKZ4P"),
                           ("MIME-Version", "1.0")], ct, body)))

    ct, body = multipart("mixed", "b1_levy_0a9c3e", [
        part('text/plain; charset="utf-8"', "Please see attached levy notice.", "7bit"),
        part('application/pdf; name="SP45123 Lot 3 levy notice Q3 2026-27.pdf"', b64(TINY_PDF), "base64",
             'Content-Disposition: attachment; filename="SP45123 Lot 3 levy notice Q3 2026-27.pdf"\n')])
    date = "Mon, 23 Nov 2026 11:00:00 +1100"
    out.append(takeout(1817300000000000040, 1817300000000000040, "Inbox,Opened,Category Updates",
                       "Mon Nov 23 00:00:00", message(received(date) + [
                           ("Date", date), ("From", "Strata Plus Levies <levies@strataplus.com.au>"), ("To", ME),
                           ("Message-ID", IDS["levy"]), ("Subject", "Levy notice - SP 45123 Lot 3"),
                           ("MIME-Version", "1.0")], ct, body)))

    invite_ics = """BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
VERSION:2.0
CALSCALE:GREGORIAN
METHOD:{method}
BEGIN:VEVENT
DTSTART:20261204T073000Z
DTEND:20261204T103000Z
DTSTAMP:{stamp}
ORGANIZER;CN=Jess Carter:mailto:jess.carter@gmail.com
UID:5p2k9d1rj0v3m8s7q6c4b2a1e0@google.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={partstat};CN=tahlia.nguyen88@gmail.com;X-NUM-GUESTS=0:mailto:tahlia.nguyen88@gmail.com
CREATED:20261125T212900Z
DESCRIPTION:I'm off to London in January! Come for a drink before I go. Upstairs at The Henson\\, first round's on me.
LAST-MODIFIED:20261125T212900Z
LOCATION:The Henson\\, 91 Illawarra Rd\\, Marrickville NSW 2204\\, Australia
SEQUENCE:0
STATUS:CONFIRMED
SUMMARY:Jess's farewell drinks
TRANSP:OPAQUE
END:VEVENT
END:VCALENDAR
"""
    req = invite_ics.format(method="REQUEST", stamp="20261125T213000Z", partstat="NEEDS-ACTION").replace("\n", "\r\n")
    itext = """Jess Carter has invited you to an event.

Jess's farewell drinks
Friday 4 Dec 2026 ⋅ 6:30pm – 9:30pm (Australian Eastern Daylight Time - Sydney)
The Henson, 91 Illawarra Rd, Marrickville NSW 2204, Australia

I'm off to London in January! Come for a drink before I go. Upstairs at The Henson, first round's on me.

Reply for tahlia.nguyen88@gmail.com: Yes / No / Maybe"""
    ct_alt, body_alt = multipart("alternative", "000000000000aa11bb05f1b0inv", [
        part('text/plain; charset="UTF-8"; format=flowed; delsp=yes', b64(itext), "base64"),
        part('text/html; charset="UTF-8"', qp(html_of(itext)), "quoted-printable"),
        part('text/calendar; charset="UTF-8"; method=REQUEST', b64(req), "base64")])
    ct, body = multipart("mixed", "000000000000aa11bc05f1b0inv", [
        f"Content-Type: {ct_alt}\n\n{body_alt}",
        part('application/ics; name="invite.ics"', b64(req), "base64",
             'Content-Disposition: attachment; filename="invite.ics"\n')])
    date = "Thu, 26 Nov 2026 08:30:00 +1100"
    out.append(takeout(1817300000000000050, 1817300000000000050, "Inbox,Important,Opened,Category Personal",
                       "Wed Nov 25 21:30:00", message(received(date) + [
                           ("MIME-Version", "1.0"), ("Reply-To", JESS), ("Sender", "Google Calendar <calendar-notification@google.com>"),
                           ("Message-ID", IDS["jess_invite"]), ("Date", date),
                           ("Subject", "Invitation: Jess's farewell drinks @ Fri 4 Dec 2026 6:30pm - 9:30pm (AEDT) (tahlia.nguyen88@gmail.com)"),
                           ("From", JESS), ("To", "tahlia.nguyen88@gmail.com")], ct, body)))

    rep = invite_ics.format(method="REPLY", stamp="20261126010100Z", partstat="ACCEPTED").replace("\n", "\r\n")
    ct, body = multipart("mixed", "000000000000bb22cc05f1b1acc", [
        part('text/plain; charset="UTF-8"', "Tahlia Nguyen has accepted this invitation.\n\nJess's farewell drinks\nFriday 4 Dec 2026 6:30pm – 9:30pm (AEDT)", "8bit"),
        part('text/calendar; charset="UTF-8"; method=REPLY', b64(rep), "base64"),
        part('application/ics; name="invite.ics"', b64(rep), "base64",
             'Content-Disposition: attachment; filename="invite.ics"\n')])
    out.append(takeout(1817300000000000051, 1817300000000000050, "Sent", "Thu Nov 26 01:01:00", message([
        ("MIME-Version", "1.0"), ("Date", "Thu, 26 Nov 2026 12:01:00 +1100"), ("Message-ID", IDS["jess_accept"]),
        ("Subject", "Accepted: Jess's farewell drinks @ Fri 4 Dec 2026 6:30pm - 9:30pm (AEDT) (jess.carter@gmail.com)"),
        ("From", ME), ("To", JESS)], ct, body)))

    jr = """Wouldn't miss it! I can't promise I'll stay late though - big week.

Will you be selling the bike before you go? Danny might want it.

T"""
    ct, body = alt("000000000000cc33dd05f1b2jr", jr)
    out.append(takeout(1817300000000000052, 1817300000000000052, "Sent", "Thu Nov 26 01:05:00", message([
        ("MIME-Version", "1.0"), ("Date", "Thu, 26 Nov 2026 12:05:00 +1100"), ("Message-ID", IDS["jess_reply"]),
        ("Subject", "farewell!!"), ("From", ME), ("To", JESS)], ct, body)))

    promo = ('<html><body><table width="600"><tr><td><h1>Cyber Monday: 40% off tents &amp; sleeping bags</h1>'
             "<p>Hi Tahlia, as a Summit Club member you get early access. We&#39;ll send you your exclusive code by "
             "Friday.</p><p>Sale ends Sunday 6 December.</p><p><a href=\"https://kathmandu.com.au/sale\">Shop now</a>"
             "</p></td></tr></table></body></html>")
    date = "Mon, 30 Nov 2026 06:00:00 +1100"
    out.append(takeout(1817300000000000060, 1817300000000000060, "Category Promotions,Unread", "Sun Nov 29 19:00:00",
                       message(received(date) + [
                           ("Date", date), ("From", "Kathmandu <news@e.kathmandu.com.au>"), ("To", ME),
                           ("Message-ID", IDS["promo"]), ("Subject", "Cyber Monday: 40% off tents & sleeping bags"),
                           ("List-Unsubscribe", "<https://e.kathmandu.com.au/u/88311>"), ("MIME-Version", "1.0")],
                           'text/html; charset="utf-8"', qp(promo), "quoted-printable")))

    spam = "Dear Taxpayer,\n\nYou are eligible for a tax refund of $842.18. Confirm your bank details within 24 hours at http://ato-gov-au.help/refund to receive it.\n\nAustralian Taxation Office"
    date = "Sat, 28 Nov 2026 03:14:00 +1100"
    out.append(takeout(1817300000000000070, 1817300000000000070, "Spam,Unread", "Fri Nov 27 16:14:00",
                       message(received(date) + [
                           ("Date", date), ("From", "ATO <refund@ato-gov-au.help>"), ("To", "tahlia.nguyen88@gmail.com"),
                           ("Message-ID", IDS["spam"]), ("Subject", "Refund notification"), ("MIME-Version", "1.0")],
                           'text/plain; charset="utf-8"', spam, "7bit")))

    trash = "Thanks for ordering, Tahlia.\n\nThai Pothong, Newtown\nPad see ew, massaman curry, 2 x roti\nTotal: $48.20\n\nDelivered Sunday 29 November 2026, 7:42pm"
    date = "Sun, 29 Nov 2026 19:44:00 +1100"
    out.append(takeout(1817300000000000080, 1817300000000000080, "Trash,Opened,Category Updates", "Sun Nov 29 08:44:00",
                       message(received(date) + [
                           ("Date", date), ("From", "Uber Receipts <noreply@uber.com>"), ("To", ME),
                           ("Message-ID", IDS["trash"]), ("Subject", "Your Sunday evening order with Uber Eats"),
                           ("MIME-Version", "1.0")], 'text/plain; charset="utf-8"', trash, "7bit")))
    return "".join(out)
