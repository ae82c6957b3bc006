"""How a matter is recognised when other people come about it: by the organisation complained
about, written the same way whatever the receptionist's keyboard did with it.

Cases keep the key they were registered with (Case.organisation_key): a change to the key here
needs a data migration that keys the cases again, as cases/0016 first did."""

import unicodedata

KEY_LENGTH = 200
# Letters, digits and marks are kept; spaces, punctuation and symbols are how the same name is
# typed differently (full-width brackets, a space after the town, a middle dot).
_KEPT = ("L", "N", "M")
# Marks that show nothing: variation selectors and the combining grapheme joiner, pasted with a
# name from a web page or a chat.
_INVISIBLE = frozenset([*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0), *range(0x180B, 0x1810), 0x034F])
# Between two numbers a dropped character stays a boundary: 1-2标段 is not 12标段.
_NUMBER_BOUNDARY = "-"


def organisation_key(organisation: str) -> str:
    """The key an organisation's cases are found by: NFKC (full-width to half-width), case
    folded, only letters, digits and visible marks, numbers kept apart. Empty for a name with
    none of them. Both steps can lengthen a name (㍿ is 株式会社), so the key is cut to its
    column, the same for every name."""
    kept: list[str] = []
    apart = False
    for char in unicodedata.normalize("NFKC", organisation).casefold():
        if ord(char) in _INVISIBLE:
            continue
        if unicodedata.category(char)[0] not in _KEPT:
            apart = True
            continue
        if apart and kept and _is_digit(kept[-1]) and _is_digit(char):
            kept.append(_NUMBER_BOUNDARY)
        kept.append(char)
        apart = False
    # Composed again: a mark a dropped character kept apart from its letter (A´ is A, a space and
    # a mark once normalised).
    key = unicodedata.normalize("NFC", "".join(kept))[:KEY_LENGTH]
    return key.rstrip(_NUMBER_BOUNDARY)


def _is_digit(char: str) -> bool:
    return unicodedata.category(char) == "Nd"
