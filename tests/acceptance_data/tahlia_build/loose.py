# ruff: noqa: E501  (data literals: real header lines and mail bodies are long)
"""Loose .eml files Tahlia saved from web mail ("Download message" in Gmail, "Save as" in Outlook on the web).

Outlook on the web writes CRLF, HTML-only windows-1252 quoted-printable with its Thread-Topic/
Thread-Index headers; Gmail's download keeps Delivered-To and the multipart/alternative body.
"""

from __future__ import annotations

from mime import html_of, message, multipart, part, qp

ME = "Tahlia Nguyen <tahlia.nguyen88@gmail.com>"

IDS = {
    "car": "<20261126020000.9f3e1a.booking@marrickvilleauto.com.au>",
    "agm": "<ME3P282MB1844C2B1A0F9E8D7C6B5A4938271@ME3P282MB1844.AUSP282.PROD.OUTLOOK.COM>",
    "dental": "<reminder-88213-20261130@mail.marrickvilledental.com.au>",
}


def build() -> dict[str, bytes]:
    car = """Hi Tahlia,

Your booking is confirmed.

Date: Tuesday 15 December 2026, 8:00am drop-off
Vehicle: 2018 Mazda 3 (BXK42L)
Work: logbook service (75,000 km) + front brake pads
Estimated cost: $389 inc GST

Please leave the keys at reception. Pick up after 4pm.

Marrickville Auto Centre
212 Victoria Rd, Marrickville | (02) 9560 7788"""
    ct, body = multipart("alternative", "000000000000c1d2e305f1a0car", [
        part('text/plain; charset="UTF-8"', qp(car), "quoted-printable"),
        part('text/html; charset="UTF-8"', qp(html_of(car)), "quoted-printable")])
    car_msg = message([("Delivered-To", "tahlia.nguyen88@gmail.com"), ("MIME-Version", "1.0"),
                       ("From", "Marrickville Auto Centre <bookings@marrickvilleauto.com.au>"),
                       ("Date", "Thu, 26 Nov 2026 13:00:00 +1100"), ("Message-ID", IDS["car"]),
                       ("Subject", "Booking confirmed - Tue 15 Dec, Mazda 3 BXK42L"), ("To", ME)], ct, body)

    agm_html = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=Windows-1252"></head>
<body><div style="font-family:Calibri,Arial,sans-serif;font-size:11pt">
<p>Hi all,</p>
<p>Attached and below are the minutes of the AGM for SP 45123, held Monday 16 November 2026 in the lobby.</p>
<ol>
<li>The owners approved replacing the roof membrane – quote of $86,000 from Apex Roofing. Work starts in February.</li>
<li>A special levy of $1,200 per lot is due on 1 March 2027 to pay for it.</li>
<li>Bin room cleaning moves to fortnightly. “Please flatten your boxes,” says the caretaker.</li>
<li>Committee for 2027: Bronwyn Kelly (chair), Tom Fraser, Tahlia Nguyen.</li>
</ol>
<p>Cheers,<br>Bronwyn</p>
</div>
<hr>
<div><b>From:</b> Tahlia Nguyen &lt;tahlia.nguyen88@gmail.com&gt;<br><b>Sent:</b> Tuesday, 17 November 2026 8:02 PM<br>
<b>Subject:</b> Strata AGM minutes</div>
<div>Hi Bronwyn, could you send round the minutes when you get a chance? Thanks, Tahlia</div>
</body></html>"""
    agm_msg = message([("From", "Bronwyn Kelly <bronwyn.kelly@outlook.com>"), ("To", ME + ", Tom Fraser <tfraser@optusnet.com.au>"),
                       ("Subject", "RE: Strata AGM minutes"), ("Thread-Topic", "Strata AGM minutes"),
                       ("Thread-Index", "AQHbOa1b2c3d4e5f6g7h8i9j0k1l2m3n4o=="),
                       ("Date", "Wed, 18 Nov 2026 09:12:44 +0000"), ("Message-ID", IDS["agm"]),
                       ("Accept-Language", "en-AU"), ("Content-Language", "en-AU"), ("X-MS-Has-Attach", ""),
                       ("X-MS-TNEF-Correlator", ""), ("MIME-Version", "1.0")],
                      'text/html; charset="Windows-1252"', qp(agm_html, "cp1252"), "quoted-printable")

    dental = """Hi Tahlia,

This is a reminder of your appointment with Dr Okafor on Tuesday 8 December at 3:30pm.

Please bring your Medicare card and your private health card, and arrive 10 minutes early to update your health history.

Reply Y to confirm or call us on (02) 9569 2211 to reschedule.

Marrickville Dental"""
    dental_msg = message([("From", "Marrickville Dental <reminders@marrickvilledental.com.au>"), ("To", ME),
                          ("Subject", "Appointment reminder - Tue 8 Dec 3:30pm"),
                          ("Date", "Mon, 30 Nov 2026 10:00:00 +1100"), ("Message-ID", IDS["dental"]),
                          ("MIME-Version", "1.0")], "text/plain; charset=utf-8", dental, "8bit")
    return {"Car service booking.eml": car_msg.replace("\n", "\r\n").encode("ascii"),
            "RE_ Strata AGM minutes.eml": agm_msg.replace("\n", "\r\n").encode("ascii"),
            "Appointment reminder - Marrickville Dental.eml": dental_msg.encode("utf-8")}
