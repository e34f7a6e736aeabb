"""People's names as mail writes them, turned into one comparable form.

The same human appears as "Kaminski, Vince J", "Vince J Kaminski", "Vince Kaminski
</O=ENRON/OU=NA/CN=RECIPIENTS/CN=VKAMINS>", ``"Morris, David C." <david.morris@lehman.com>@ENRON``,
"jennifersmith@kaseco.com (Jennifer Smith)" or only as an address ("vince.kaminski@enron.com",
"vkamins@enron.com"). ``clean_name`` strips the wrapping (quotes, Exchange and Lotus Notes
routing, "@ENRON"), ``parse_name`` reorders "Last, First M" and splits first / middle / last,
``name_key`` gives "vincent kaminski" for all of the forms above (a middle initial is left
out and a common nickname stands for its full first name), and ``localpart_matches`` tells
whether an address's local part is built from a name (first.last, flast, firstl, truncated
Exchange aliases such as "vkamins"), which is how an address seen without a name finds its
owner. The nickname table is general English usage, not anyone's data; names it does not
know are matched as written.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

# Nickname -> full first name. Only unambiguous pairs: "Chris" or "Alex" could be several.
NICKNAMES = {
    "bob": "robert", "bobby": "robert", "rob": "robert", "robbie": "robert", "bert": "robert",
    "bill": "william", "billy": "william", "will": "william", "willy": "william",
    "liam": "william", "jim": "james", "jimmy": "james", "jamie": "james",
    "mike": "michael", "mick": "michael", "mickey": "michael", "dave": "david",
    "davy": "david", "tom": "thomas", "tommy": "thomas", "steve": "steven",
    "stevie": "steven", "stephen": "steven", "rick": "richard", "rich": "richard",
    "dick": "richard", "ricky": "richard", "ted": "edward", "ed": "edward",
    "eddie": "edward", "ned": "edward", "tony": "anthony", "jeff": "jeffrey",
    "geoff": "jeffrey", "geoffrey": "jeffrey", "ken": "kenneth", "kenny": "kenneth",
    "vince": "vincent", "vinny": "vincent", "greg": "gregory", "joe": "joseph",
    "joey": "joseph", "jack": "john", "johnny": "john", "jon": "jonathan",
    "nick": "nicholas", "nicky": "nicholas", "matt": "matthew", "pat": "patrick",
    "pete": "peter", "dan": "daniel", "danny": "daniel", "sam": "samuel",
    "ben": "benjamin", "benny": "benjamin", "andy": "andrew", "drew": "andrew",
    "larry": "lawrence", "harry": "harold", "hank": "henry", "chuck": "charles",
    "charlie": "charles", "fred": "frederick", "freddie": "frederick", "walt": "walter",
    "ron": "ronald", "ronnie": "ronald", "don": "donald", "donny": "donald",
    "doug": "douglas", "gene": "eugene", "jerry": "gerald", "tim": "timothy",
    "timmy": "timothy", "phil": "phillip", "philip": "phillip", "ray": "raymond",
    "russ": "russell", "stan": "stanley", "herb": "herbert", "al": "albert",
    "kathy": "katherine", "kate": "katherine", "katie": "katherine", "cathy": "catherine",
    "liz": "elizabeth", "beth": "elizabeth", "betty": "elizabeth", "lisa": "elizabeth",
    "sue": "susan", "suzy": "susan", "peggy": "margaret", "maggie": "margaret",
    "meg": "margaret", "jenny": "jennifer", "jen": "jennifer", "becky": "rebecca",
    "debbie": "deborah", "deb": "deborah", "patty": "patricia", "trish": "patricia",
    "barb": "barbara", "cindy": "cynthia", "mandy": "amanda", "vicky": "victoria",
    "tori": "victoria", "sandy": "sandra", "abby": "abigail", "jo": "josephine",
    "annie": "anne", "ann": "anne", "dottie": "dorothy", "dot": "dorothy",
    "shelly": "michelle", "nancy": "ann",
}
# Words that make a display name a company or a list, not a person (no reordering, no
# matching of address local parts against it).
_ORG_WORDS = re.compile(
    r"\b(inc|llc|ltd|corp|corporation|co|company|group|team|department|dept|services?|support|"
    r"news|newsletter|list|announcements?|update|updates|online|mail|admin|info|office|center|"
    r"centre|association|institute|university|bank|gmbh|ag|sa|plc|the|all|and|of|for|report)\b",
    re.IGNORECASE)
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "phd", "md", "cpa", "esq", "mba"}
_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame"}
_EXCHANGE = re.compile(r"<?/?O=[^>]*>?", re.IGNORECASE)  # </O=ENRON/OU=NA/CN=RECIPIENTS/CN=X>
_IMCEA = re.compile(r"<IMCEA\w*-[^>]*>", re.IGNORECASE)
_ANGLE = re.compile(r"<([^<>]*)>")
_ADDRESS = re.compile(r"[\w.+'=&-]+@[\w-]+(?:\.[\w-]+)+")
_NAME_TOKEN = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:['’-][^\W\d_]+)*\.?$")


@dataclass(frozen=True)
class NameParts:
    """A person's name split up: lower case, accents removed; ``middle`` may be initials."""

    first: str
    middle: str
    last: str

    @property
    def key(self) -> str:
        """first + last with the first name's nickname resolved ("vincent kaminski")."""
        return f"{canonical_first(self.first)} {self.last}".strip()


def canonical_first(first: str) -> str:
    """The full form of a first name ("vince" -> "vincent"); unknown names as they are."""
    return NICKNAMES.get(first, first)


def fold(text: str) -> str:
    """Lower case without accents ("José" -> "jose")."""
    norm = unicodedata.normalize("NFKD", text)
    return "".join(c for c in norm if not unicodedata.combining(c)).lower()


@functools.lru_cache(maxsize=65536)
def clean_name(raw: str) -> str:
    """A display name without its wrapping; "" when what is left is no name.

    Removes Exchange distinguished names, IMCEA routing, "@ENRON"-style suffixes, Lotus Notes
    paths ("Jeff Skilling/Corp/Enron@ENRON"), addresses, quotes and brackets; takes the name from
    "addr (Name)"; drops "via ..." and a trailing "[mailto:...]".
    """
    text = _IMCEA.sub(" ", raw or "")
    text = _EXCHANGE.sub(" ", text)
    paren = re.search(r"\(([^()]+)\)", text)
    if paren and _ADDRESS.search(text[: paren.start()]) and not _ADDRESS.search(paren[1]):
        text = paren[1]  # "jennifersmith@kaseco.com (Jennifer Smith)"
    text = re.sub(r"\[mailto:[^\]]*\]", " ", text, flags=re.I)
    text = _ANGLE.sub(lambda m: " " if ("@" in m[1] or "/" in m[1] or not m[1].strip())
                      else m[1], text)
    text = _ADDRESS.sub(" ", text)
    text = re.sub(r"@[\w.-]+", " ", text)  # "@ENRON", "@ECT"
    text = re.sub(r"/[\w /.&-]*$", " ", text) if "/" in text else text  # Lotus "Name/HOU/ECT"
    text = re.sub(r"\s+via\s+.*$", "", text, flags=re.I)
    text = text.replace('"', " ").replace("'", "'").strip(" '\t,;:<>()[]")
    text = re.sub(r"\s+", " ", text).strip()
    if not text or not re.search(r"[^\W\d_]", text) or "@" in text:
        return ""
    return text


def is_org_name(name: str) -> bool:
    """True when a display name reads as a company, a list or a service, not a person."""
    return bool(_ORG_WORDS.search(name)) or "&" in name or bool(re.search(r"\d", name))


@functools.lru_cache(maxsize=65536)
def parse_name(display: str) -> NameParts | None:
    """First, middle and last name of a person's display name, or None when it is not one.

    "Kaminski, Vince J" and "Vince J. Kaminski" give (vince, j, kaminski); "Dr. Amy Shreck, PhD"
    gives (amy, "", shreck); a single word gives (word, "", ""); company-like names give None.
    """
    name = clean_name(display)
    if not name or is_org_name(name):
        return None
    if name.count(",") == 1:
        left, right = (p.strip() for p in name.split(","))
        right_words = [w.replace(".", "").lower() for w in right.split()]
        if right_words and all(w in _SUFFIXES or (right.replace(".", "").isupper()
                                                  and len(w) <= 5) for w in right_words):
            name = left  # "Amy Shreck, PhD"
        elif left and right and len(left.split()) <= 2:
            name = f"{right} {left}"  # "Kaminski, Vince J"
    elif name.count(",") > 1:
        return None
    if " " not in name and re.fullmatch(r"[^\W\d_]{2,}(?:\.[^\W\d_]{2,})+", name):
        name = name.replace(".", " ")  # "Jeff.Skilling"
    words = [w for w in re.split(r"[\s]+", name) if w]
    words = [w for w in words if w.replace(".", "").lower() not in _HONORIFICS | _SUFFIXES]
    if not words or len(words) > 5 or not all(_NAME_TOKEN.match(w) for w in words):
        return None
    folded = [fold(w).strip(".").replace("’", "'") for w in words]
    if len(folded) == 1:
        return NameParts(folded[0], "", "")
    # "Jeff.Skilling" seen as one word splits in two.
    return NameParts(folded[0], " ".join(folded[1:-1]), folded[-1])


@functools.lru_cache(maxsize=65536)
def name_key(display: str) -> str:
    """The comparable key of a two-part (or longer) person name; "" for anything else."""
    parts = parse_name(display)
    if parts is None or not parts.last or len(parts.first) < 2 and not parts.middle:
        return ""
    return parts.key


@functools.lru_cache(maxsize=65536)
def pretty_name(display: str) -> str:
    """A display name as a person would write it: "Kaminski, Vince J" -> "Vince J Kaminski";
    all-capitals names get capitals only at the start of words."""
    name = clean_name(display)
    parts = parse_name(display)
    if " " not in name and parts is not None and parts.last:
        name = name.replace(".", " ")  # "Jeff.Skilling"
    if parts is not None and parts.last and name.count(",") == 1:
        left, right = (p.strip() for p in name.split(",", 1))
        if len(left.split()) <= 2 and right.replace(".", "").lower() not in _SUFFIXES and not (
                right.replace(".", "").isupper() and len(right) <= 5):
            name = f"{right} {left}"
    if name.isupper() or name.islower():
        name = " ".join(w[:1].upper() + w[1:].lower() for w in name.split())
    return name


def name_from_localpart(address: str) -> NameParts | None:
    """The name an address spells out in full ("vince.kaminski@", "david_morris@"), or None."""
    local = address.split("@", 1)[0].lower()
    pieces = [p for p in re.split(r"[._-]+", local) if p]
    if len(pieces) < 2 or not all(p.isalpha() for p in pieces):
        return None
    if len(pieces[0]) < 2 or len(pieces[-1]) < 2:
        return None
    return NameParts(pieces[0], " ".join(pieces[1:-1]), pieces[-1])


def localpart_matches(address: str, parts: NameParts) -> bool:
    """True when an address's local part is built from this name.

    Accepted shapes: first.last, first_last, firstlast, f.last, flast, first.m.last, m.last,
    firstl, last.first, lastf, and truncations of flast / last of at least five letters
    ("vkamins" for Vince Kaminski, "jskilli" for Jeff Skilling), each with optional digits
    after it.
    """
    if not parts.last or len(parts.last) < 2:
        return False
    local = re.sub(r"\d+$", "", address.split("@", 1)[0].lower())
    local = re.sub(r"[._-]", "", local)
    if len(local) < 3:
        return False
    last = re.sub(r"[^a-z]", "", parts.last)
    firsts = {re.sub(r"[^a-z]", "", f) for f in (parts.first, canonical_first(parts.first)) if f}
    initials = {f[0] for f in firsts if f}
    middle = re.sub(r"[^a-z]", "", parts.middle)[:1]
    shapes: set[str] = set()
    for first in firsts:
        shapes |= {first + last, last + first, first + last[:1], first + middle + last}
    for i in initials:
        shapes |= {i + last, last + i, i + middle + last}
    if middle:
        shapes.add(middle + last)
    if local in shapes:
        return True
    # Exchange-style truncated aliases: an initial and at least five letters of the surname.
    for i in initials | ({middle} if middle else set()):
        if local.startswith(i) and len(local) >= 6 and last.startswith(local[1:]):
            return True
    return False


def address_fits_name(address: str, parts: NameParts) -> bool:
    """A looser test than ``localpart_matches`` for pairing names with addresses listed side by
    side: the local part holds the surname (or five letters of it), or the first name."""
    local = re.sub(r"[^a-z]", "", address.split("@", 1)[0].lower())
    last = re.sub(r"[^a-z]", "", parts.last)
    first = re.sub(r"[^a-z]", "", parts.first)
    if localpart_matches(address, parts):
        return True
    if last and (last in local or (len(last) >= 5 and last[:5] in local)):
        return True
    return len(first) >= 3 and (first in local or canonical_first(first) in local)
