"""Values that look like personal data about a human being, found while importing organisations.

partnergraph holds organisations, aggregate counts and contact roles, never personal data about
beneficiaries. Elements typed as people are refused by the readers (``Schema.is_person``, from
the ``pg:personWord`` list in models.ttl); this module looks at the values of the records that
pass, and each finding becomes a notice at its cell — a warning to read, not a refusal, since
an organisation's office number or ``biuro@`` address is normal:

* an 11-digit number that is a valid PESEL (python-stdnum checks the checksum and the birth date),
  in any text value;
* an ``email`` of the form ``first.last@`` at a free mail provider (``anna.kowalska@gmail.com``);
* an e-mail address or a phone number inside a name or a free-text field (description, note).

    >>> [m.id for _, m in personal_findings({"email": "anna.kowalska@gmail.com"})]
    ['personal.email']
    >>> personal_findings({"email": "biuro@fundacja-przystan.pl", "phone": "61 852 11 22"})
    []
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from stdnum.pl import pesel

from partnergraph.i18n import Msg, register_messages
from partnergraph.validate import FREE_TEXT

__all__ = ["FREE_MAIL", "personal_findings"]

FREE_MAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "wp.pl",
        "o2.pl",
        "onet.pl",
        "onet.eu",
        "op.pl",
        "interia.pl",
        "interia.eu",
        "poczta.fm",
        "tlen.pl",
        "gazeta.pl",
        "vp.pl",
        "yahoo.com",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "icloud.com",
        "proton.me",
        "protonmail.com",
    }
)
"""Mail providers where an address is a person's own, not an organisation's."""

_DIGITS11 = re.compile(r"(?<!\d)\d{11}(?!\d)")
_NAME_ADDRESS = re.compile(r"^[^\W\d_]{2,}[._-][^\W\d_]{2,}\d{0,4}@(?P<domain>[\w.-]+)$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\d-])(?:\+48[ -]?)?(?:\d{3}[ -]?\d{3}[ -]?\d{3}|\d{2}[ -]\d{3}[ -]\d{2}[ -]\d{2})(?![\d-])")
_TEXT_FIELDS = ("name", "short_name", *sorted(FREE_TEXT))

register_messages(
    {
        "personal.pesel": "{name}: {value!r} looks like a PESEL number; partnergraph holds no personal data",
        "personal.email": "{name}: {value!r} looks like a person's own e-mail address; give the organisation's (office@…)",
        "personal.in_text": "{name} contains {what} ({value}); people's contact details do not belong in a description",
        "personal.what_email": "an e-mail address",
        "personal.what_phone": "a phone number",
    }
)


def personal_findings(props: Mapping[str, object]) -> list[tuple[str, Msg]]:
    """(property, message) for each value of ``props`` that looks like personal data."""
    found: list[tuple[str, Msg]] = []
    for name, value in props.items():
        if not isinstance(value, str):
            continue
        for number in _DIGITS11.findall(value):
            if pesel.is_valid(number):
                found.append((name, Msg("personal.pesel", name=name, value=number)))
                break
    email = props.get("email")
    if isinstance(email, str):
        match = _NAME_ADDRESS.match(email.strip().lower())
        if match and match["domain"] in FREE_MAIL:
            found.append(("email", Msg("personal.email", name="email", value=email)))
    for name in _TEXT_FIELDS:
        text = props.get(name)
        if not isinstance(text, str):
            continue
        for what, pattern in (("email", _EMAIL), ("phone", _PHONE)):
            hit = pattern.search(text)
            if hit and not (what == "phone" and pesel.is_valid(re.sub(r"\D", "", hit.group()))):
                found.append(
                    (name, Msg("personal.in_text", name=name, what=Msg(f"personal.what_{what}"), value=hit.group()))
                )
    return found
