"""Text helpers shared by the stores and importers: diacritics folding and slugs.

>>> fold("Spółdzielnia Socjalna „Łąka”")
'spoldzielnia socjalna „laka”'
>>> slugify("Centrum Ekonomii Społecznej w Kwilczu")
'centrum-ekonomii-spolecznej-w-kwilczu'
"""

from __future__ import annotations

import re
import unicodedata

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
    """An ASCII slug: folded words joined by hyphens."""
    return "-".join(_WORD.findall(fold(text).replace("_", " ")))
