"""The staff search (issue 4 §4): one box for a case number, a tracking code, a petitioner's ID
number, phone or name, or words of the facts and request; what a user finds is what they may see.

What the query looks like decides how it is searched. A case number, a phone and a valid resident
ID are exact look-ups and nothing else; a tracking code may also be another document's number;
anything else is a petitioner's exact name, another document's number (when it has digits) or words
of the facts and request: every word of two characters or more must be there.

Each look-up first collects the ids of the cases it finds, through indexes, at most
TEXT_MATCH_LIMIT + 1 of them: the page then reads 25 of those ids in order, and the count is known
without counting again. Words are found through the PostgreSQL index `case_search_keys` (migration
0006: every two-character piece of the facts and request, since pg_trgm finds nothing for a
two-character Chinese word, and a key for the case's department), then rechecked word by word. Words
that match more than TEXT_MATCH_LIMIT cases are common: their list walks the cases newest first and
stops at the page's 25th match, where sorting every match would read tens of thousands of rows.

Department staff do not find an anonymous or accusation case by its petitioners' name, phone or ID
number: those people are hidden from them on the case page, in the API and in the ledger (Art. 30).
"""

import re
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection, models
from django.db.models import F, Func, Q, QuerySet, Value
from django.db.models.functions import StrIndex, Upper
from django.db.models.lookups import GreaterThan
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from intake.models import Petitioner
from intake.selectors import petitioner_search
from intake.validators import parse_resident_id, phone_lookup_key
from petition_desk.db import planned_afresh

from .models import Case
from .selectors import case_list_for, cases_visible_to
from .tracking import is_tracking_code, normalise_tracking_code

CASE_NUMBER_RE = re.compile(r"(\d{4})-(\d{1,6})", re.ASCII)
MIN_WORD_LENGTH = 2
TEXT_MATCH_LIMIT = 500


class QueryKind(models.TextChoices):
    EMPTY = "empty", _("nothing")
    CASE_NUMBER = "case_number", _("case number")
    TRACKING_CODE = "tracking_code", _("tracking code or document number")
    ID_NUMBER = "id_number", _("resident ID number")
    PHONE = "phone", _("phone number")
    TEXT = "text", _("name, document number or words of the facts and request")
    TOO_SHORT = "too_short", _("too short")


@dataclass(frozen=True)
class SearchQuery:
    kind: QueryKind
    # The normalised key (case number, tracking code, ID number) or the query as typed, spaces
    # collapsed.
    value: str

    @property
    def words(self) -> list[str]:
        return [word for word in self.value.split() if len(word) >= MIN_WORD_LENGTH]


def parse_query(raw: str) -> SearchQuery:
    # Words stay as typed (the facts keep their full-width ，。); keys are folded the way the window
    # folds what a Chinese input method types (１３９, Ｘ).
    text = " ".join((raw or "").split())
    folded = unicodedata.normalize("NFKC", text)
    if not text:
        return SearchQuery(QueryKind.EMPTY, "")
    if match := CASE_NUMBER_RE.fullmatch(folded):
        return SearchQuery(QueryKind.CASE_NUMBER, f"{match[1]}-{int(match[2]):06d}")
    if phone_lookup_key(folded):
        return SearchQuery(QueryKind.PHONE, folded)
    try:
        return SearchQuery(QueryKind.ID_NUMBER, parse_resident_id(folded).number)
    except ValidationError:
        pass
    if is_tracking_code(code := normalise_tracking_code(folded)):
        return SearchQuery(QueryKind.TRACKING_CODE, code)
    if len(text) < MIN_WORD_LENGTH:
        return SearchQuery(QueryKind.TOO_SHORT, text)
    return SearchQuery(QueryKind.TEXT, text)


@dataclass
class CaseSearch:
    query: SearchQuery
    cases: QuerySet[Case]
    # How many cases were found, counted up to TEXT_MATCH_LIMIT + 1.
    found: int

    @property
    def more(self) -> bool:
        """More cases were found than a list shows."""
        return self.found > TEXT_MATCH_LIMIT


def case_search(user: User, query: str) -> QuerySet[Case]:
    """The cases the user may see that the query finds, newest first, as one line of a case list
    shows them. The look-ups run now; the list is read when the queryset is."""
    return search_cases(user, query).cases


def search_cases(user: User, query: str) -> CaseSearch:
    search = parse_query(query)
    found = _found(user, search)
    cases = case_list_for(user)
    if isinstance(found, Q):
        return CaseSearch(search, cases.filter(found), TEXT_MATCH_LIMIT + 1)
    return CaseSearch(search, cases.filter(pk__in=found), len(found))


def _found(user: User, search: SearchQuery) -> set[int] | Q:
    """The ids of the cases found, or, for common words, the condition they meet."""
    visible = cases_visible_to(user)
    match search.kind:
        case QueryKind.CASE_NUMBER:
            return _ids(visible.filter(number=search.value))
        case QueryKind.PHONE:
            return _ids_of_people(user, petitioner_search(phone=search.value))
        case QueryKind.ID_NUMBER:
            return _ids_of_people(user, petitioner_search(id_number=search.value))
        case QueryKind.TRACKING_CODE:
            by_code = _ids(visible.filter(tracking_code=search.value))
            return by_code | _ids_of_people(user, petitioner_search(id_number=search.value))
        case QueryKind.TEXT:
            return _text_search(user, search)
    return set()


def _ids(cases: QuerySet[Case]) -> set[int]:
    return set(cases.order_by().values_list("pk", flat=True))


def _ids_of_people(user: User, people: QuerySet[Petitioner]) -> set[int]:
    cases = cases_visible_to(user).filter(petitioners__in=people.values("pk"))
    if user.is_department_staff:
        cases = cases.filter(anonymous=False, category__is_accusation=False)
    return _ids(cases)


class CaseSearchKeys(Func):
    """pd_case_search_keys(facts, request, department_id), the expression migration 0006 indexes."""

    function = "pd_case_search_keys"
    output_field = ArrayField(models.TextField())

    def __init__(self):
        super().__init__(F("facts"), F("request"), F("department_id"))


def search_keys(words: list[str], user: User) -> list[str]:
    """The keys of case_search_keys that every case found has: its words' two-character pieces,
    and for department staff their department's key."""
    keys = {word.lower()[i : i + 2] for word in words for i in range(len(word) - 1)}
    if user.is_department_staff:
        keys.add(f"department:{user.department_id}")
    return sorted(keys)


def _text_search(user: User, search: SearchQuery) -> set[int] | Q:
    people = Petitioner.objects.none()
    if any(char.isdigit() for char in search.value):
        people = petitioner_search(id_number=search.value)
    elif len(search.value) <= Petitioner._meta.get_field("name").max_length:
        people = petitioner_search(q=search.value)
    found = _ids_of_people(user, people)
    words = search.words
    if not words:
        return found
    visible = cases_visible_to(user)
    if connection.vendor == "postgresql":
        visible = visible.alias(search_keys=CaseSearchKeys()).filter(
            search_keys__contains=search_keys(words, user)
        )
    with planned_afresh():
        matches = list(
            visible.filter(_contains(words)).order_by().values_list("pk", flat=True)[: TEXT_MATCH_LIMIT + 1]
        )
    if len(matches) <= TEXT_MATCH_LIMIT:
        return found.union(matches)
    return Q(pk__in=found) | _contains(words)


def _contains(words: list[str]) -> Q:
    """Every word in the facts or the request, whatever the case of its letters.

    The same test as icontains, spelt so that PostgreSQL's planner, which cannot tell how often a
    word occurs, guesses "often" (a third of the rows, its default for a function compared) rather
    than "rarely" (its guess for LIKE). For words in most cases (要求) it then reads cases until it
    has enough, instead of collecting all of them from the index first; for a common word's list
    it walks the cases newest first and stops at the page's last match, instead of sorting every
    match. Rare words are still found through the index, whose own statistics say they are rare."""
    condition = Q()
    for word in words:
        in_facts, in_request = (GreaterThan(_position(word, field), 0) for field in ("facts", "request"))
        condition &= Q(in_facts) | Q(in_request)
    return condition


def _position(word: str, field: str) -> StrIndex:
    # Folding the case of every row costs about 9 µs a row here (upper() of multibyte text): a word
    # without letters that have a case, any Chinese word, is looked for as it is.
    if word.upper() == word.lower():
        return StrIndex(F(field), Value(word))
    return StrIndex(Upper(field), Value(word.upper()))


class SearchPaginator(Paginator):
    """Pages of a search whose count is already known: at most TEXT_MATCH_LIMIT cases are listed
    (the ledger exports them all)."""

    def __init__(self, search: CaseSearch, per_page: int):
        super().__init__(search.cases, per_page)
        self.search = search

    @cached_property
    def count(self) -> int:
        return min(self.search.found, TEXT_MATCH_LIMIT)
