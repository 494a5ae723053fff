"""Text helpers shared by the stores and importers: diacritics folding and slugs.

>>> fold("Spółdzielnia Socjalna „Łąka”")
'spoldzielnia socjalna „laka”'
>>> slugify("Centrum Ekonomii Społecznej w Kwilczu")
'centrum-ekonomii-spolecznej-w-kwilczu'
>>> slugify("Объединение «Добрый день»")
'obedinenie-dobryy-den'
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

__all__ = ["fold", "search_terms", "slugify"]

# Letters that Unicode does not decompose into a base letter and a combining mark.
_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ß": "ss"})
_WORD = re.compile(r"\w+", re.UNICODE)


def _fold_slow(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# Polish letters (and a few common neighbours) straight to ASCII: the fast path of fold().
_FAST = str.maketrans({c: _fold_slow(c) for c in "ąćęłńóśźżĄĆĘŁŃÓŚŹŻäöüéèáàíúčšžřěýÄÖÜÉÁČŠŽŘ"})


def fold(text: str) -> str:
    """Lower-case ``text`` and strip diacritics (ą→a, ł→l, ż→z …) for search and matching."""
    quick = text.translate(_FAST)
    return quick.casefold() if quick.isascii() else _fold_slow(quick)


def search_terms(text: str) -> list[str]:
    """The folded words of a search query, in order, without duplicates."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(fold(text)):
        seen.setdefault(word, None)
    return list(seen)


def slugify(text: str) -> str:
    """An ASCII slug: folded words joined by hyphens. Letters :func:`fold` leaves outside ASCII
    (Cyrillic, Greek, Hebrew, CJK …) are transliterated by anyascii."""
    folded = fold(text)
    if not folded.isascii():
        folded = "".join(_ascii(char) for char in text)
    return "-".join(_WORD.findall(folded.replace("_", " ")))


def _ascii(char: str) -> str:
    """``char`` folded when that gives ASCII (so Polish and other Latin letters slug as before), else
    transliterated from the letter itself (fold would strip the breve of ``й``); a letter gives
    only letters and digits (the soft sign ``ь`` is ``'`` in anyascii, which would split a word)."""
    folded = fold(char)
    if folded.isascii():
        return folded
    latin = anyascii(char).lower()
    return "".join(c for c in latin if c.isalnum()) if char.isalpha() else latin
