"""How a matter is recognised when other people come about it: by the organisation complained
about, written the same way whatever the receptionist's keyboard did with it."""

import unicodedata

# Letters, digits and marks are kept; spaces, punctuation and symbols are how the same name is
# typed differently (full-width brackets, a space after the town, a middle dot).
_KEPT = ("L", "N", "M")


KEY_LENGTH = 200


def organisation_key(organisation: str) -> str:
    """The key an organisation's cases are found by: NFKC (full-width to half-width), case
    folded, only letters, digits and marks. Empty for a name with none of them. Both steps can
    lengthen a name (㍿ is 株式会社), so the key is cut to its column, the same for every name."""
    text = unicodedata.normalize("NFKC", organisation).casefold()
    kept = "".join(char for char in text if unicodedata.category(char)[0] in _KEPT)
    # Composed again: a mark the spaces kept apart from its letter (A´ is A, a space, a mark).
    return unicodedata.normalize("NFKC", kept)[:KEY_LENGTH]
