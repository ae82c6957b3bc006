"""The organisation key: names that must not collapse into one key (numbers kept apart by
punctuation), marks composed with their letters, and invisible selectors left out."""

import pytest

from cases.matching import organisation_key

# --- different organisations collapsing to one key ----------------------------------------------
#
# Wage arrears at construction sites are where group visits come from, and a site is known by its
# plot, section or building: "1-2标段" (section 1-2) is not "12标段" (section 12). Dropping the
# punctuation between two digits joins two numbers into a third.


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("某建设集团吴江项目1-2标段", "某建设集团吴江项目12标段"),
        ("某小区3-1幢物业服务中心", "某小区31幢物业服务中心"),
        ("某房产公司2.5期项目部", "某房产公司25期项目部"),
        ("某村1、2组", "某村12组"),
        ("某工业园18 6号厂房", "某工业园186号厂房"),
    ],
)
def test_numbers_kept_apart_by_punctuation_stay_apart(one, other):
    assert organisation_key(one) != organisation_key(other)


# --- the key of a key ----------------------------------------------------------------------------
#
# Names hypothesis drew for tests/cases/test_matching.py::test_the_key_of_a_key_is_itself: NFKC
# runs before the punctuation is dropped, so a mark the dropped character kept apart from its
# letter was left uncomposed, and keying the key again changed it.


@pytest.mark.parametrize("name", ["R¸", "e·\u0301", "某公司A（\u0301）"])
def test_the_key_of_a_key_is_itself_for_the_names_hypothesis_finds(name):
    key = organisation_key(name)
    assert organisation_key(key) == key


def test_a_name_typed_with_a_dot_before_an_accent_is_keyed_as_the_accented_letter():
    # The same visible name, "é", with an interpunct the receptionist's IME slipped in first.
    assert organisation_key("Caf\u00e9公司") == organisation_key("Cafe\u00b7\u0301公司")


# --- invisible characters that the key keeps -----------------------------------------------------
#
# Marks (category M) are kept, and variation selectors are marks (Mn): an invisible U+FE0F or
# U+FE00 pasted with a name from a web page or a chat keeps the same-looking name from its cases.
# (U+200B, a format character, is dropped as it should be.)


@pytest.mark.parametrize("invisible", ["\ufe0f", "\ufe00", "\U000e0100", "\u034f"])
def test_an_invisible_variation_selector_does_not_change_the_key(invisible):
    assert organisation_key(f"汾湖某纺织{invisible}有限公司") == organisation_key("汾湖某纺织有限公司")
