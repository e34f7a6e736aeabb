"""Writes Nora's personal Fastmail account as a Dovecot Maildir++ tree (root = INBOX, .Sent, .Family)."""
import base64, quopri, os

ROOT = "nora/Mail/fastmail"

def qp(text, charset="utf-8"):
    return quopri.encodestring(text.encode(charset)).decode("ascii")

def b64(data):
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i+76] for i in range(0, len(s), 76))

F1_TEXT = """Hi Nora,

Your stay at Birch Hollow Cabin is confirmed!

Check-in: Friday, November 20, 2026 from 4:00 PM
Check-out: Sunday, November 22, 2026 by 11:00 AM
Guests: 2

Address: 1187 Moss Glen Falls Road, Stowe, VT 05672

Getting in: the key is in the lockbox by the side door, code 4471.
Wi-Fi: network "BirchHollow", password maplesyrup2026

The wood stove is stocked; please don't use the hot tub cover as a table.

Total paid: $612.40 (reservation SB-20261120-77)

Sugarbush Cabins
"""
F1_HTML = """<html><body style="font-family:Arial"><h1 style="color:#2f5d3a">Your stay is confirmed!</h1>
<table><tr><td><b>Check-in</b></td><td>Friday, November 20, 2026 from 4:00&nbsp;PM</td></tr>
<tr><td><b>Check-out</b></td><td>Sunday, November 22, 2026 by 11:00&nbsp;AM</td></tr>
<tr><td><b>Address</b></td><td>1187 Moss Glen Falls Road, Stowe, VT 05672</td></tr></table>
<p>Getting in: the key is in the lockbox by the side door, code <b>4471</b>.<br>Wi-Fi: network &quot;BirchHollow&quot;, password <code>maplesyrup2026</code></p>
<p>The wood stove is stocked; please don&#39;t use the hot tub cover as a table.</p><p>Total paid: $612.40 (reservation SB-20261120-77)</p></body></html>
"""
F1 = f"""Return-Path: <bookings@sugarbushcabins.com>
Delivered-To: nora.w@fastmail.com
From: Sugarbush Cabins <bookings@sugarbushcabins.com>
To: Nora Whitfield <nora.w@fastmail.com>
Subject: Reservation confirmed: Birch Hollow Cabin, Nov 20-22
Date: Wed, 21 Oct 2026 18:12:44 -0400
Message-ID: <r3s.SB-20261120-77.1761084764@sugarbushcabins.com>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1_4f8a2c"

--b1_4f8a2c
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit

{F1_TEXT}
--b1_4f8a2c
Content-Type: text/html; charset=us-ascii
Content-Transfer-Encoding: 7bit

{F1_HTML}
--b1_4f8a2c--
"""

F3_TEXT = """Hola Nora,

Te paso el presupuesto para la cocina, como hablamos el martes:

- Gabinetes de roble blanco, instalación incluida: $8,400
- Encimera de cuarzo (Calacatta): $3,150, no incluye el fregadero
- Demolición y retiro de escombros: $950

Podemos empezar el 16 de noviembre si me confirmas esta semana. La obra dura unas tres semanas; la cocina no se podrá usar durante diez días.

Saludos,
Luis Ortega
Ortega Builds · (347) 555-0112
"""
F3 = f"""From: Luis Ortega <luis@ortegabuilds.com>
To: nora.w@fastmail.com
Subject: =?ISO-8859-1?Q?Presupuesto_cocina_=96_gabinetes_y_encimera?=
Date: Fri, 23 Oct 2026 18:47:02 -0400
Message-ID: <000b01dc4533$a1f2e3d0$e5d7a970$@ortegabuilds.com>
MIME-Version: 1.0
X-Mailer: Microsoft Outlook 16.0
Content-Language: es-us
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

{qp(F3_TEXT.replace("·", "-"), "iso-8859-1")}"""

F4 = """From: Sam Greenberg <sam.greenberg@proton.me>
To: Nora Whitfield <nora.w@fastmail.com>
Subject: Re: plumber rec?
Date: Fri, 23 Oct 2026 12:31:09 +0000
Message-ID: <Xk2p9Lm4Qw8vR1sT3uV5wY7zA9bC1dE3fG5hI7jK9lM=@proton.me>
In-Reply-To: <f1a2b3c4-0001-4aaa-8bbb-ccccdddd0001@app.fastmail.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 7bit

My guy is Tony Russo (Russo & Sons), 718-555-0143. He redid our bathroom
pipes last spring and showed up on time every single day, which is a
miracle in this city. Tell him I sent you, he knocks 10% off.

No rush on the ladder btw.

Sam

------- Original Message -------
On Thursday, October 22nd, 2026 at 9:02 PM, Nora Whitfield <nora.w@fastmail.com> wrote:

> Do you still have that plumber's number? Our kitchen sink is leaking
> again and Luis doesn't do plumbing.
"""

F5 = """From: Marcus Bell <mbell@bellproperty.nyc>
To: "nora.w@fastmail.com" <nora.w@fastmail.com>
Subject: RE: Radiator in the bedroom
Date: Mon, 26 Oct 2026 08:14:55 -0400
Message-ID: <MN2PR19MB4001B3C2A1F0E9D8@MN2PR19MB4001.namprd19.prod.outlook.com>
MIME-Version: 1.0
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: 7bit

Hi Nora,

The boiler company is sending a technician on Thursday Nov 5 between 8 and
12 to bleed all the radiators in the building and replace the valve in
your bedroom. Please leave the bedroom accessible. Until then the super
can bring you a space heater if it gets cold.

Regarding the balcony: small planters are fine, but no hooks or screws in
the brick please.

Marcus Bell
Bell Property Management
"""

F6_TEXT = """Hi sweetie,

Thanksgiving plan: dinner will be at 3pm on Thursday, people can come from noon. Dad is making his cornbread stuffing again (don't tell him it's dry). Could you bring the pecan pie? Aunt Carol is doing the cranberry sauce this year.

You and Maya can have the guest room, Ben gets the couch.

Love,
Mom
"""
F6 = f"""From: Linda Whitfield <linda.whitfield@verizon.net>
To: Nora <nora.w@fastmail.com>, Maya <maya.whitfield@gmail.com>
Subject: Thanksgiving!!
Date: Sat, 24 Oct 2026 10:02:31 -0400
Message-ID: <1261876212.1204781.1761314551283@mail.yahoo.com>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="----=_Part_1204780_1097425212.1761314551282"

------=_Part_1204780_1097425212.1761314551282
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

{qp(F6_TEXT)}
------=_Part_1204780_1097425212.1761314551282
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: quoted-printable

{qp("<html><body><div dir='ltr' style='font-family:Helvetica Neue, Helvetica, Arial, sans-serif;font-size:16px'>" + F6_TEXT.replace(chr(10)+chr(10), "</div><div><br></div><div>").replace(chr(10), "<br>") + "</div></body></html>")}
------=_Part_1204780_1097425212.1761314551282--
"""

F2 = """From: Maya Whitfield <maya.whitfield@gmail.com>
To: Nora Whitfield <nora.w@fastmail.com>
Subject: Re: Thanksgiving!!
Date: Tue, 27 Oct 2026 18:30:12 -0400
Message-ID: <CAJx7Lm3pQ9z_4kR2v8NwY1aBcD5eF6gH7iJ8kL9mN0oP1qR2sT@mail.gmail.com>
In-Reply-To: <1261876212.1204781.1761314551283@mail.yahoo.com>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="000000000000a1b2c3d4e5f6a7b8"

--000000000000a1b2c3d4e5f6a7b8
Content-Type: text/plain; charset="UTF-8"

lol the stuffing. Mom also wants the address of the Vermont cabin so she
can mail us a care package, can you send it to me? I deleted the email.

Also Dad turns 65 in June, should we do something big? A trip to Ireland?

M

--000000000000a1b2c3d4e5f6a7b8
Content-Type: text/html; charset="UTF-8"

<div dir="ltr">lol the stuffing. Mom also wants the address of the Vermont cabin so she can mail us a care package, can you send it to me? I deleted the email.<div><br></div><div>Also Dad turns 65 in June, should we do something big? A trip to Ireland?</div><div><br></div><div>M</div></div>

--000000000000a1b2c3d4e5f6a7b8--
"""

# ---- sent (personal) ----
FS1 = """From: Nora Whitfield <nora.w@fastmail.com>
To: Luis Ortega <luis@ortegabuilds.com>
Subject: Re: Presupuesto cocina - gabinetes y encimera
Date: Tue, 27 Oct 2026 08:05:31 -0400
Message-ID: <f1a2b3c4-0002-4aaa-8bbb-ccccdddd0002@app.fastmail.com>
In-Reply-To: <000b01dc4533$a1f2e3d0$e5d7a970$@ortegabuilds.com>
MIME-Version: 1.0
User-Agent: Cyrus-JMAP/3.11.0-alpha0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 7bit

Hi Luis,

Thanks, the numbers look fine. I will call you tomorrow to go over the
cabinet measurements.

Will you send me the floor plan with the new island before then?

Gracias!
Nora

On Fri, Oct 23, 2026, at 6:47 PM, Luis Ortega wrote:
> Hola Nora,
>
> Podemos empezar el 16 de noviembre si me confirmas esta semana.
"""
FS2 = """From: Nora Whitfield <nora.w@fastmail.com>
To: Sam Greenberg <sam.greenberg@proton.me>
Subject: Re: plumber rec?
Date: Fri, 23 Oct 2026 19:20:48 -0400
Message-ID: <f1a2b3c4-0003-4aaa-8bbb-ccccdddd0003@app.fastmail.com>
In-Reply-To: <Xk2p9Lm4Qw8vR1sT3uV5wY7zA9bC1dE3fG5hI7jK9lM=@proton.me>
MIME-Version: 1.0
User-Agent: Cyrus-JMAP/3.11.0-alpha0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 7bit

Thank you!! I'll return your ladder on Sunday.

I'll be honest, I'm a little scared of what Tony will charge.

N.
"""
FS3 = """From: Nora Whitfield <nora.w@fastmail.com>
To: Maya Whitfield <maya.whitfield@gmail.com>
Subject: Re: Thanksgiving!!
Date: Tue, 27 Oct 2026 21:04:19 -0400
Message-ID: <f1a2b3c4-0004-4aaa-8bbb-ccccdddd0004@app.fastmail.com>
In-Reply-To: <CAJx7Lm3pQ9z_4kR2v8NwY1aBcD5eF6gH7iJ8kL9mN0oP1qR2sT@mail.gmail.com>
MIME-Version: 1.0
User-Agent: Cyrus-JMAP/3.11.0-alpha0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Ha, of course she does. I'll send you the cabin address tomorrow =E2=80=93 =
it's in my other inbox.

Ireland would be amazing but I won't know until Friday whether I can take =
time off in June.

N
"""
FS4 = """From: Nora Whitfield <nora.w@fastmail.com>
To: Sam Greenberg <sam.greenberg@proton.me>
Subject: plumber rec?
Date: Thu, 22 Oct 2026 21:02:10 -0400
Message-ID: <f1a2b3c4-0001-4aaa-8bbb-ccccdddd0001@app.fastmail.com>
MIME-Version: 1.0
User-Agent: Cyrus-JMAP/3.11.0-alpha0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 7bit

Do you still have that plumber's number? Our kitchen sink is leaking
again and Luis doesn't do plumbing.
"""

def put(folder, stamp, raw, flags="S"):
    d = f"{ROOT}/{folder}" if folder else ROOT
    for sub in ("cur", "new", "tmp"):
        os.makedirs(f"{d}/{sub}", exist_ok=True)
    data = raw.strip("\n").replace("\n", "\r\n") + "\r\n"
    name = f"{stamp}.M{stamp % 997}P{stamp % 4099}.mbp14,S={len(data.encode())},W={len(data.encode())}:2,{flags}"
    with open(f"{d}/cur/{name}", "w", newline="", encoding="utf-8") as f:
        f.write(data)

put("", 1761084764, F1)
put("", 1761259622, F3)
put("", 1761222669, F4)
put("", 1761480895, F5, flags="RS")
put(".Family", 1761314551, F6, flags="RS")
put(".Family", 1761604212, F2, flags="RS")
put(".Sent", 1761183730, FS4)
put(".Sent", 1761261648, FS2)
put(".Sent", 1761566731, FS1)
put(".Sent", 1761613459, FS3)
for folder in (".Sent", ".Family", ".Trash"):
    for sub in ("cur", "new", "tmp"):
        os.makedirs(f"{ROOT}/{folder}/{sub}", exist_ok=True)
    open(f"{ROOT}/{folder}/maildirfolder", "w").close()
with open(f"{ROOT}/subscriptions", "w") as f:
    f.write("V\t2\n\nSent\nFamily\nTrash\n")
with open(f"{ROOT}/dovecot-uidvalidity", "w") as f:
    f.write("6540a1f3\n")
with open(f"{ROOT}/dovecot-uidlist", "w") as f:
    f.write("3 V1698734579 N5 G0f8d3a2b1c4e5f6a7b8c9d0e1f2a3b4c\n1 :1761084764.M1P1.mbp14\n")
with open(f"{ROOT}/dovecot.index.log", "wb") as f:
    f.write(bytes([1, 3, 0x28, 0, 0xf3, 0xa1, 0x40, 0x65]) + os.urandom(0) + b"\x00" * 40 + b"\xde\xad\xbe\xef" * 8)
