# ruff: noqa: E501  (data literals: real header lines and mail bodies are long)
"""Small helpers that lay down MIME bytes the way real clients write them (QP, base64, flowed).

Used by ``gmail.py``, ``apple.py`` and ``loose.py``; nothing here is clever: each part is written
by hand so the headers and encodings are exactly what the exporting program would produce.
"""

from __future__ import annotations

import base64
import quopri


def qp(text: str, charset: str = "utf-8") -> str:
    """Quoted-printable body (soft breaks at 76), as str."""
    return quopri.encodestring(text.replace("\n", "\r\n").encode(charset)).decode("ascii").replace("\r\n", "\n")


def b64(data: bytes | str, charset: str = "utf-8") -> str:
    """Base64 body wrapped at 76 characters."""
    raw = data.encode(charset) if isinstance(data, str) else data
    enc = base64.b64encode(raw).decode("ascii")
    return "\n".join(enc[i:i + 76] for i in range(0, len(enc), 76))


def part(ctype: str, body: str, cte: str = "7bit", extra: str = "") -> str:
    """One MIME part: headers, blank line, already-encoded body."""
    head = f"Content-Type: {ctype}\nContent-Transfer-Encoding: {cte}\n" + extra
    return head + "\n" + body.rstrip("\n") + "\n"


def multipart(subtype: str, boundary: str, parts: list[str]) -> tuple[str, str]:
    """(Content-Type header value, body) of a multipart container."""
    body = "".join(f"--{boundary}\n{p}\n" for p in parts) + f"--{boundary}--\n"
    return f'multipart/{subtype}; boundary="{boundary}"', body


def message(headers: list[tuple[str, str]], ctype: str, body: str, cte: str | None = None) -> str:
    """A whole RFC 5322 message; ``headers`` in the order the client writes them."""
    lines = [f"{k}: {v}" for k, v in headers]
    lines.append(f"Content-Type: {ctype}")
    if cte:
        lines.append(f"Content-Transfer-Encoding: {cte}")
    return "\n".join(lines) + "\n\n" + body.rstrip("\n") + "\n"


def mbox_escape(msg: str) -> str:
    """mboxo escaping: a body line that starts with 'From ' gets a '>'."""
    head, _, body = msg.partition("\n\n")
    body = "\n".join((">" + ln) if ln.startswith("From ") else ln for ln in body.split("\n"))
    return head + "\n\n" + body


def quote(text: str, prefix: str = "> ") -> str:
    """Quote every line the way Gmail/Apple Mail do."""
    return "\n".join((prefix + ln) if ln else prefix.rstrip() for ln in text.rstrip("\n").split("\n"))


def html_of(text: str) -> str:
    """A minimal Gmail-like HTML rendering of plain text."""
    esc = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    paras = [p.replace("\n", "<br>") for p in esc.split("\n\n")]
    return '<div dir="ltr">' + "".join(f"<div>{p}</div><div><br></div>" for p in paras) + "</div>"


TINY_PDF = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >> endobj
4 0 obj << /Length 88 >> stream
BT /F1 12 Tf 72 760 Td (Strata Plus - SP 45123 Lot 3 - Admin fund levy Q3: $1,046.00 due 1 Jan 2027) Tj ET
endstream endobj
trailer << /Root 1 0 R >>
%%EOF
"""
