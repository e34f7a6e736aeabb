"""Writes Nora's Thunderbird profile (work account, Office 365 IMAP) as Thunderbird stores it.

Only used once to lay the raw bytes down (quoted-printable/base64 are computed, the rest is literal).
"""
import base64, quopri, os, textwrap

ROOT = "nora/Thunderbird/Profiles/k3x9q2ab.default-release"
IMAP = f"{ROOT}/ImapMail/outlook.office365.com"

def qp(text, charset="utf-8"):
    return quopri.encodestring(text.encode(charset)).decode("ascii")

def b64(data):
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i+76] for i in range(0, len(s), 76))

def mbox(msgs):
    out = []
    for env_date, status, raw in msgs:
        raw = raw.strip("\n") + "\n"
        # Thunderbird escapes body lines starting with "From "
        body_lines = []
        for line in raw.split("\n"):
            body_lines.append(">" + line if line.startswith("From ") else line)
        out.append(f"From - {env_date}\nX-Mozilla-Status: {status}\nX-Mozilla-Status2: 00000000\nX-Mozilla-Keys:                                                                                 \n"
                    + "\n".join(body_lines) + "\n")
    return "".join(out).replace("\n", "\r\n")

MSF = """// <!-- <mdb:mork:z v="1.4"/> -->
< <(a=c)> // (f=iso-8859-1)
  (8A=children)(8B=threadSubject)(8C=message-id)(8D=sender)(8E=subject)
  (8F=date)(90=flags)(91=priority)(92=label)(93=statusOfset)(94=size)>
<(80=ns:msg:db:row:scope:dbfolderinfo:all)(81=ns:msg:db:table:kind:dbfolderinfo)>
{1:^80 {(k^81:c)(s=9)} [1:^80(^8A=0)]}
@$${1{@
"""

INVITE_ICS = """BEGIN:VCALENDAR
METHOD:REQUEST
PRODID:Microsoft Exchange Server 2010
VERSION:2.0
BEGIN:VTIMEZONE
TZID:Eastern Standard Time
BEGIN:STANDARD
DTSTART:16010101T020000
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
ORGANIZER;CN=Priya Raman:mailto:priya.raman@harborfoods.com
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Nora Whitfield:mailto:nora.whitfield@brightlane.io
ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Daniel Okafor:mailto:daniel.okafor@brightlane.io
DESCRIPTION;LANGUAGE=en-US:Kickoff for phase 2 of the loyalty app: scope\\, timeline\\, and who owns what.\\n\\nLunch provided.\\n
UID:040000008200E00074C5B7101A82E008000000004A9BFCED3E16DF01000000000000000010000000BD1E2F3C4A6F51E29F1A2B3C4D5E6F70
SUMMARY;LANGUAGE=en-US:Harbor Foods – Phase 2 kickoff
DTSTART;TZID=Eastern Standard Time:20261110T130000
DTEND;TZID=Eastern Standard Time:20261110T140000
CLASS:PUBLIC
PRIORITY:5
DTSTAMP:20261022T190512Z
TRANSP:OPAQUE
STATUS:CONFIRMED
SEQUENCE:0
LOCATION;LANGUAGE=en-US:Harbor Foods HQ\\, 88 Water Street\\, 4th floor (Pier room)
X-MICROSOFT-CDO-APPT-SEQUENCE:0
X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE
X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY
X-MICROSOFT-CDO-ALLDAYEVENT:FALSE
X-MICROSOFT-CDO-IMPORTANCE:1
X-MICROSOFT-CDO-INSTTYPE:0
BEGIN:VALARM
DESCRIPTION:REMINDER
TRIGGER;RELATED=START:-PT15M
ACTION:DISPLAY
END:VALARM
END:VEVENT
END:VCALENDAR
""".replace("\n", "\r\n")

W1_TEXT = """Hi Nora,

Thanks for sending the three palette options. The team's vote is clear: option B, the deep teal with the warm sand background, feels the most "us". Option A (coral) is too close to what Fresh Direct uses, and legal flagged it.

One ask: the primary buttons need more contrast. Marketing ran them through a checker and the white-on-teal label only gets 3.9:1, so please darken the teal until it passes WCAG AA (4.5:1).

I'll circulate the final palette to the marketing team on Thursday.

Priya

Priya Raman | Director of Digital, Harbor Foods
(212) 555-0187
"""
W1_HTML = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style>p{margin:0}</style></head><body><div style="font-family:Calibri,Arial,sans-serif;font-size:11pt">
<p>Hi Nora,</p><p>&nbsp;</p>
<p>Thanks for sending the three palette options. The team&#8217;s vote is clear: <b>option B</b>, the deep teal with the warm sand background, feels the most &#8220;us&#8221;. Option A (coral) is too close to what Fresh Direct uses, and legal flagged it.</p><p>&nbsp;</p>
<p>One ask: the primary buttons need more contrast. Marketing ran them through a checker and the white-on-teal label only gets 3.9:1, so please darken the teal until it passes WCAG AA (4.5:1).</p><p>&nbsp;</p>
<p>I&#8217;ll circulate the final palette to the marketing team on Thursday.</p><p>&nbsp;</p><p>Priya</p>
<p style="color:#777">Priya Raman | Director of Digital, Harbor Foods<br>(212) 555-0187</p></div></body></html>
"""

W1 = f"""Received: from SN6PR04MB4512.namprd04.prod.outlook.com (2603:10b6:805:a1::14) by
 BN8PR12MB3345.namprd12.prod.outlook.com with HTTPS; Mon, 26 Oct 2026 15:42:11 +0000
From: Priya Raman <priya.raman@harborfoods.com>
To: Nora Whitfield <nora.whitfield@brightlane.io>
Subject: RE: Loyalty app - palette options
Thread-Topic: Loyalty app - palette options
Thread-Index: AQHbJ0aXk3p2Lq7sQ0yJm3m6n3ZrT7K0BQ==
Date: Mon, 26 Oct 2026 15:42:10 +0000
Message-ID: <SN6PR04MB4512A1B2C3D4E5F6A7B8C9D0@SN6PR04MB4512.namprd04.prod.outlook.com>
In-Reply-To: <c41e8a90-2b7d-4f1e-8d55-9a0b1c2d3e4f@brightlane.io>
References: <c41e8a90-2b7d-4f1e-8d55-9a0b1c2d3e4f@brightlane.io>
Accept-Language: en-US
Content-Language: en-US
X-MS-Has-Attach:
X-MS-Exchange-Organization-SCL: -1
Content-Type: multipart/alternative;
	boundary="_000_SN6PR04MB4512A1B2C3D4E5F6A7B8C9D0SN6PR04MB4512namp_"
MIME-Version: 1.0

--_000_SN6PR04MB4512A1B2C3D4E5F6A7B8C9D0SN6PR04MB4512namp_
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

{qp(W1_TEXT)}
--_000_SN6PR04MB4512A1B2C3D4E5F6A7B8C9D0SN6PR04MB4512namp_
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

{qp(W1_HTML)}
--_000_SN6PR04MB4512A1B2C3D4E5F6A7B8C9D0SN6PR04MB4512namp_--
"""

W8_TEXT = """Perfect, Friday works for us.

Please make the revised invoice out to Harbor Foods LLC, Attn: Accounts Payable, and put our PO number HF-2290 on it, otherwise AP bounces it. Net 30 as before.

Priya

From: Nora Whitfield <nora.whitfield@brightlane.io>
Sent: Monday, October 26, 2026 4:10 PM
To: Priya Raman <priya.raman@harborfoods.com>
Subject: Invoice #1041 and next steps

Hi Priya,

Thanks for the call today. I'll send you the revised invoice by Friday - the first one still had the old hourly rate. The updated loyalty screens are in Figma.

Could you send me the brand guidelines PDF when you get a chance?

Best,
Nora
"""
W8 = f"""From: Priya Raman <priya.raman@harborfoods.com>
To: Nora Whitfield <nora.whitfield@brightlane.io>
Subject: RE: Invoice #1041 and next steps
Thread-Topic: Invoice #1041 and next steps
Date: Tue, 27 Oct 2026 14:15:33 +0000
Message-ID: <SN6PR04MB4512F0E1D2C3B4A59687@SN6PR04MB4512.namprd04.prod.outlook.com>
In-Reply-To: <e7b1c2d4-5a6f-4e3b-9c1d-2f8a7b6c5d4e@brightlane.io>
References: <e7b1c2d4-5a6f-4e3b-9c1d-2f8a7b6c5d4e@brightlane.io>
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: quoted-printable
MIME-Version: 1.0

{qp(W8_TEXT, "ascii")}"""

W2 = """From: Daniel Okafor <daniel.okafor@brightlane.io>
To: Nora Whitfield <nora.whitfield@brightlane.io>
CC: Ravi Shah <ravi.shah@brightlane.io>
Subject: Re: Onboarding flow v3
Date: Tue, 27 Oct 2026 17:03:41 -0400
Message-ID: <CAH2vX9qT7Jk3nE_m0p8sLwR5uYb6cD1fG4hZ2aQ9oVx8eN3k7A@mail.gmail.com>
In-Reply-To: <1f9d3b77-6c2e-4a8b-b1e0-7d6c5b4a3f21@brightlane.io>
References: <1f9d3b77-6c2e-4a8b-b1e0-7d6c5b4a3f21@brightlane.io>
MIME-Version: 1.0
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: 7bit

Nora,

This is much tighter. Cutting the permissions screen was the right call, and
moving the notifications opt-in to after the first order should help our
activation numbers.

My one worry is the empty state on the dashboard: after sign-up you land on
a blank page with nothing to do, and it feels like a dead end. Could we show
the three most popular rewards there instead?

Let's talk it through at our 1:1 on Thursday. I'll send you the offsite
agenda tomorrow so you can see where the onboarding audit fits.

D.

On Mon, Oct 26, 2026 at 9:15 AM Nora Whitfield <nora.whitfield@brightlane.io> wrote:
> Hi both,
>
> v3 of the onboarding flow is in Figma. We cut the permissions screen and
> moved the notifications opt-in to after the first order.
>
> Will you send me your notes by Wednesday?
>
> Nora
"""

W3_PLAIN = """Priya Raman has invited you to: Harbor Foods - Phase 2 kickoff

When: Tuesday, November 10, 2026 1:00 PM-2:00 PM (UTC-05:00) Eastern Time (US & Canada).
Where: Harbor Foods HQ, 88 Water Street, 4th floor (Pier room)

Kickoff for phase 2 of the loyalty app: scope, timeline, and who owns what.

Lunch provided.
"""
W3_HTML = """<html><body><p><b>When:</b> Tuesday, November 10, 2026 1:00 PM-2:00 PM (UTC-05:00) Eastern Time (US &amp; Canada).<br><b>Where:</b> Harbor Foods HQ, 88 Water Street, 4th floor (Pier room)</p><p>*~*~*~*~*~*~*~*~*~*</p><p>Kickoff for phase 2 of the loyalty app: scope, timeline, and who owns what.</p><p>Lunch provided.</p></body></html>
"""
W3 = f"""From: Priya Raman <priya.raman@harborfoods.com>
To: Nora Whitfield <nora.whitfield@brightlane.io>, Daniel Okafor
	<daniel.okafor@brightlane.io>
Subject: Harbor Foods - Phase 2 kickoff
Thread-Topic: Harbor Foods - Phase 2 kickoff
Date: Thu, 22 Oct 2026 19:05:12 +0000
Message-ID: <BY5PR04MB6980F3E2D1C0B9A8@BY5PR04MB6980.namprd04.prod.outlook.com>
Accept-Language: en-US
Content-Language: en-US
X-MS-Has-Attach: yes
X-MS-TNEF-Correlator:
Content-Type: multipart/mixed;
	boundary="_004_BY5PR04MB6980F3E2D1C0B9A8BY5PR04MB6980namp_"
MIME-Version: 1.0

--_004_BY5PR04MB6980F3E2D1C0B9A8BY5PR04MB6980namp_
Content-Type: multipart/alternative;
	boundary="_000_BY5PR04MB6980F3E2D1C0B9A8BY5PR04MB6980namp_"

--_000_BY5PR04MB6980F3E2D1C0B9A8BY5PR04MB6980namp_
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

{qp(W3_PLAIN)}
--_000_BY5PR04MB6980F3E2D1C0B9A8BY5PR04MB6980namp_
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

{qp(W3_HTML)}
--_000_BY5PR04MB6980F3E2D1C0B9A8BY5PR04MB6980namp_
Content-Type: text/calendar; charset="utf-8"; method=REQUEST
Content-Transfer-Encoding: base64

{b64(INVITE_ICS.encode())}

--_000_BY5PR04MB6980F3E2D1C0B9A8BY5PR04MB6980namp_--

--_004_BY5PR04MB6980F3E2D1C0B9A8BY5PR04MB6980namp_
Content-Type: application/ics; name="invite.ics"
Content-Description: invite.ics
Content-Disposition: attachment; filename="invite.ics"; size=1874;
	creation-date="Thu, 22 Oct 2026 19:05:11 GMT";
	modification-date="Thu, 22 Oct 2026 19:05:11 GMT"
Content-Transfer-Encoding: base64

{b64(INVITE_ICS.encode())}

--_004_BY5PR04MB6980F3E2D1C0B9A8BY5PR04MB6980namp_--
"""

W4_TEXT = """Hallo Nora,

kurz zum Workshop in Berlin: Die Räume im Büro Kreuzberg sind vom 7. bis 9. Dezember für uns reserviert. Bitte schick mir eure Agenda spätestens bis zum 13. November, dann kann ich das Catering bestellen und die Gäste von der Universität der Künste einladen.

Für die Übernachtung empfehle ich das Hotel Orania am Oranienplatz – zu Fuß fünf Minuten vom Büro.

Viele Grüße
Jonas

--
Jonas Becker
Brightlane GmbH · Oranienstraße 24 · 10999 Berlin
"""
W4 = f"""From: Jonas Becker <jonas.becker@brightlane.de>
To: Nora Whitfield <nora.whitfield@brightlane.io>
Subject: =?UTF-8?Q?Workshop_in_Berlin_=E2=80=93_Termin_und_Abgabe?=
Date: Fri, 23 Oct 2026 15:20:07 +0200
Message-ID: <9b1f0e2c-44aa-4c1d-9f7e-0c3b2a1d5e6f@brightlane.de>
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: de-DE
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: quoted-printable

{qp(W4_TEXT)}"""

W5_HTML = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8" /><title>October studio news</title>
<style type="text/css">body{margin:0;padding:0;background:#f4efe9}.hdr{font-family:Georgia,serif;font-size:28px}td{font-family:Helvetica,Arial,sans-serif;color:#3b2f2a}</style>
<!--[if mso]><style>td{font-family:Arial,sans-serif}</style><![endif]--></head>
<body><span style="display:none;font-size:1px;color:#f4efe9">Kiln repair, a Tuesday closure, and our holiday sale &#8212; read on.</span>
<table width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="#f4efe9"><tr><td align="center">
<table width="600" cellpadding="24" cellspacing="0" border="0" bgcolor="#ffffff">
<tr><td class="hdr">Clay&nbsp;Space&nbsp;Brooklyn &middot; October News</td></tr>
<tr><td><h2 style="margin:0">Our big kiln is getting new elements</h2>
<p>After 900 firings, the Skutt in the back room needs new heating elements and a thermocouple. The repair crew can only come on a weekday, so <strong>the studio will be closed all day on Tuesday, November&nbsp;3</strong>. No open studio, and the Tuesday evening wheel classes are off that week &mdash; every Tuesday student gets a make-up session on Saturday, December&nbsp;12.</p>
<p>Please take any bisqueware off the shelves by Sunday night so the crew can get to the kiln.</p></td></tr>
<tr><td><h2 style="margin:0">Holiday sale</h2><p>Members&#8217; holiday sale: December 12&ndash;13, 11am&ndash;6pm. Each member can sell up to 20 pieces; we keep 15%.</p></td></tr>
<tr><td style="font-size:11px;color:#998">Clay Space Brooklyn &middot; 210 Bergen St &middot; Brooklyn, NY 11217<br /><a href="https://clayspacebk.com/unsubscribe?u=8f3a">Unsubscribe</a></td></tr>
</table></td></tr></table>
<img src="https://clayspacebk.com/o/8f3a.gif" width="1" height="1" alt="" /></body></html>
"""
W5 = f"""Return-Path: <bounce-8f3a@mail.clayspacebk.com>
From: Clay Space Brooklyn <hello@clayspacebk.com>
Reply-To: hello@clayspacebk.com
To: nora.whitfield@brightlane.io
Subject: =?utf-8?q?October_studio_news=3A_kiln_repair_=26_holiday_sale?=
Date: Tue, 20 Oct 2026 14:05:12 +0000
Message-ID: <20261020140512.3f9a1c7e@mail.clayspacebk.com>
List-Unsubscribe: <https://clayspacebk.com/unsubscribe?u=8f3a>
List-Id: Clay Space members <members.clayspacebk.com>
Precedence: bulk
MIME-Version: 1.0
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: base64

{b64(W5_HTML.encode())}
"""

W6_TEXT = """Hi Nora,

This is a friendly reminder of your upcoming appointment at Brooklyn Smiles Dental:

    Cleaning & x-rays with Dr. Elena Alvarez
    Wednesday, November 4, 2026 – 9:30 AM
    402 Atlantic Avenue, Brooklyn, NY 11217

Your confirmation code is BSD-48213. Please arrive 10 minutes early to update your insurance details – we've switched to a new billing system and need a photo of your card.

Need to reschedule? Call us at (718) 555-0199 at least 24 hours ahead to avoid the $50 late-cancellation fee.

See you soon!
The Brooklyn Smiles team
"""
W6 = f"""From: Brooklyn Smiles Dental <appointments@brooklynsmiles.com>
To: nora.whitfield@brightlane.io
Subject: Appointment reminder: Wednesday, November 4
Date: Wed, 21 Oct 2026 13:00:04 +0000
Message-ID: <0100018f2c3a5b6e-7d8e9f00-1122-3344-5566-778899aabbcc-000000@email.amazonses.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable
X-SES-Outgoing: 2026.10.21-54.240.8.15
Feedback-ID: 1.us-east-1.abcd1234==:AmazonSES

{qp(W6_TEXT)}"""

# ---- sent ----
SW1 = """From: Nora Whitfield <nora.whitfield@brightlane.io>
To: Priya Raman <priya.raman@harborfoods.com>
Subject: Invoice #1041 and next steps
Date: Mon, 26 Oct 2026 16:10:22 -0400
Message-ID: <e7b1c2d4-5a6f-4e3b-9c1d-2f8a7b6c5d4e@brightlane.io>
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: en-US
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

Hi Priya,

Thanks for the call today. I'll send you the revised invoice by Friday - 
the first one still had the old hourly rate. The updated loyalty screens 
are in Figma.

Could you send me the brand guidelines PDF when you get a chance?

Best,
Nora

-- 
Nora Whitfield | Senior Product Designer | Brightlane
"""
SW2 = """From: Nora Whitfield <nora.whitfield@brightlane.io>
To: Daniel Okafor <daniel.okafor@brightlane.io>
Subject: Offsite deck
Date: Thu, 22 Oct 2026 17:45:09 -0400
Message-ID: <0a7e3d11-93c4-4b5e-a2f6-1e8d9c0b7a65@brightlane.io>
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 8bit

Hi Daniel,

The offsite deck is coming along. I can get the slides to you next 
Monday, once Ravi has added the activation metrics.

Heads-up: I'll be out of office Nov 20–23 (Vermont), with limited access 
to email.

Nora
"""
SW3 = """From: Nora Whitfield <nora.whitfield@brightlane.io>
To: Jonas Becker <jonas.becker@brightlane.de>
Subject: =?UTF-8?Q?Re=3A_Workshop_in_Berlin_=E2=80=93_Termin_und_Abgabe?=
Date: Mon, 26 Oct 2026 12:30:44 -0400
Message-ID: <5d2e8f90-1b3a-4c7d-8e6f-a0b1c2d3e4f5@brightlane.io>
In-Reply-To: <9b1f0e2c-44aa-4c1d-9f7e-0c3b2a1d5e6f@brightlane.de>
References: <9b1f0e2c-44aa-4c1d-9f7e-0c3b2a1d5e6f@brightlane.de>
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: de-DE
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 8bit

Hallo Jonas,

danke für die Infos! Ich schicke dir die überarbeiteten Folien bis 
Donnerstag. Die Agenda kommt dann Anfang November.

Viele Grüße
Nora
"""
SW4 = """From: Nora Whitfield <nora.whitfield@brightlane.io>
To: Priya Raman <priya.raman@harborfoods.com>
Subject: Re: Loyalty app - palette options
Date: Tue, 27 Oct 2026 11:02:57 -0400
Message-ID: <8c6b4a2e-0f1d-4e3c-9b8a-7d6e5f4a3b2c@brightlane.io>
In-Reply-To: <SN6PR04MB4512A1B2C3D4E5F6A7B8C9D0@SN6PR04MB4512.namprd04.prod.outlook.com>
References: <c41e8a90-2b7d-4f1e-8d55-9a0b1c2d3e4f@brightlane.io> <SN6PR04MB4512A1B2C3D4E5F6A7B8C9D0@SN6PR04MB4512.namprd04.prod.outlook.com>
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

Great, teal it is. I'll darken it to #0E6E6E, which gets 5.1:1.

I'll have the research summary ready by November 2 so we can go through 
it before the kickoff.

Nora

On 10/26/26 11:42 AM, Priya Raman wrote:
> Hi Nora,
>
> Thanks for sending the three palette options. The team's vote is clear:
> option B, the deep teal with the warm sand background, feels the most "us".
>
> One ask: the primary buttons need more contrast.
>
> I'll circulate the final palette to the marketing team on Thursday.
>
> Priya
"""
SW5 = """From: Nora Whitfield <nora.whitfield@brightlane.io>
To: Daniel Okafor <daniel.okafor@brightlane.io>, Ravi Shah <ravi.shah@brightlane.io>
Subject: Onboarding flow v3
Date: Mon, 26 Oct 2026 09:15:02 -0400
Message-ID: <1f9d3b77-6c2e-4a8b-b1e0-7d6c5b4a3f21@brightlane.io>
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

Hi both,

v3 of the onboarding flow is in Figma. We cut the permissions screen and
moved the notifications opt-in to after the first order.

Will you send me your notes by Wednesday?

Nora
"""
SW6 = """From: Nora Whitfield <nora.whitfield@brightlane.io>
To: Priya Raman <priya.raman@harborfoods.com>
Subject: Quick one
Date: Mon, 19 Oct 2026 22:10:00 -0400
Message-ID: <d3l3t3d0-0000-4000-8000-000000000001@brightlane.io>
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

Hi Priya, I'll send you the signed SOW tonight.

Nora
"""
SW7 = """From: Nora Whitfield <nora.whitfield@brightlane.io>
To: Priya Raman <priya.raman@harborfoods.com>
Subject: Loyalty app - palette options
Date: Fri, 23 Oct 2026 10:01:13 -0400
Message-ID: <c41e8a90-2b7d-4f1e-8d55-9a0b1c2d3e4f@brightlane.io>
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

Hi Priya,

Three palette options attached (A coral, B teal, C plum). From the 
earlier research, B tested best with the over-50 members.

Nora
"""

os.makedirs(f"{IMAP}/INBOX.sbd", exist_ok=True)
os.makedirs(f"{ROOT}/Mail/Local Folders", exist_ok=True)
def write(path, data):
    with open(path, "w", newline="", encoding="utf-8") as f:
        f.write(data)
write(f"{IMAP}/INBOX", mbox([
    ("Tue Oct 20 10:05:30 2026", "0001", W5),
    ("Wed Oct 21 09:00:10 2026", "0001", W6),
    ("Thu Oct 22 15:05:40 2026", "0001", W3),
    ("Fri Oct 23 09:20:15 2026", "0001", W4),
    ("Tue Oct 27 17:03:59 2026", "0001", W2),
]))
write(f"{IMAP}/INBOX.sbd/Harbor Foods", mbox([
    ("Mon Oct 26 11:42:30 2026", "0001", W1),
    ("Tue Oct 27 10:16:01 2026", "0001", W8),
]))
write(f"{IMAP}/Sent Items", mbox([
    ("Mon Oct 19 22:10:05 2026", "0009", SW6),   # deleted, not yet compacted
    ("Thu Oct 22 17:45:12 2026", "0001", SW2),
    ("Fri Oct 23 10:01:20 2026", "0001", SW7),
    ("Mon Oct 26 09:15:05 2026", "0001", SW5),
    ("Mon Oct 26 12:30:50 2026", "0001", SW3),
    ("Mon Oct 26 16:10:25 2026", "0001", SW1),
    ("Tue Oct 27 11:03:01 2026", "0001", SW4),
]))
for name in ["INBOX", "INBOX.sbd/Harbor Foods", "Sent Items", "Deleted Items", "Drafts"]:
    write(f"{IMAP}/{name}.msf", MSF)
write(f"{IMAP}/Deleted Items", "")
write(f"{IMAP}/Drafts", "")
write(f"{IMAP}/msgFilterRules.dat", 'version="9"\nlogging="no"\nname="Harbor"\nenabled="yes"\ntype="17"\naction="Move to folder"\nactionValue="imap://nora.whitfield%40brightlane.io@outlook.office365.com/INBOX/Harbor%20Foods"\ncondition="OR (from,contains,harborfoods.com)"\n')
write(f"{ROOT}/Mail/Local Folders/Unsent Messages", "")
write(f"{ROOT}/Mail/Local Folders/Unsent Messages.msf", MSF)
write(f"{ROOT}/Mail/Local Folders/Trash", "")
write(f"{ROOT}/prefs.js", '// Mozilla User Preferences\nuser_pref("mail.identity.id1.useremail", "nora.whitfield@brightlane.io");\nuser_pref("mail.identity.id1.fullName", "Nora Whitfield");\nuser_pref("mail.server.server2.hostname", "outlook.office365.com");\n')
write(f"{ROOT}/times.json", '{"created":1693526400000,"firstUse":null}\n')
