"""What each letter says, taken from the case at the step that issues it (JSON-safe values only:
the snapshot is stored on the document and rendered later by a worker).

Art. 30: a letter that leaves for the department never names the petitioners of an anonymous
or accusation case."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation

from cases.models import Case, ClockKind, Extension, ReplyOutcome, SignOff
from intake.models import Visit


def _day(value: datetime.date | datetime.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return value.isoformat()


def _in_chinese(label) -> str:
    """A label of ours as a letter prints it: in Chinese, whoever's request issued it."""
    with translation.override("zh-hans"):
        return str(label)


@dataclass(frozen=True)
class Matter:
    """What every letter of a case repeats: the matter, the people, the persons who came."""

    case: dict
    petitioners: list[dict]
    identity_protected: bool
    persons: int | None


def read_matter(case: Case) -> Matter:
    """The case's letters' common part, in two queries (the forwarding task issues two letters
    and is timed by the relay's benchmark)."""
    # The most who came at once: a group that came again made the case a group case.
    largest_visit = Visit.objects.filter(case=OuterRef("pk")).order_by("-persons", "visited_at", "id")
    names = (
        Case.objects.filter(pk=case.pk)
        .values("category__name", "category__is_accusation", "subject_area__name", "place__name")
        .annotate(persons=Subquery(largest_visit.values("persons")[:1]))
        .get()
    )
    return Matter(
        case={
            "number": case.number,
            "tracking_code": case.tracking_code,
            "registered_on": _day(case.registered_at),
            "category": names["category__name"],
            "subject_area": names["subject_area__name"],
            "place": names["place__name"],
            "organisation": case.organisation,
            "facts": case.facts,
            "request": case.request,
            "reasons": case.reasons,
            "is_group": case.is_group,
            "in_litigation": case.in_litigation,
            "urgent": case.urgent,
            "anonymous": case.anonymous,
        },
        petitioners=list(case.petitioners.values("name", "address")),
        identity_protected=case.anonymous or names["category__is_accusation"],
        persons=names["persons"],
    )


def _common(matter: Matter) -> dict:
    return {"bureau": settings.BUREAU_NAME, "issued_on": _day(timezone.localdate()), "case": matter.case}


def _addressee(matter: Matter) -> dict:
    """The petitioners a notice is addressed to; none for an anonymous case."""
    return {"petitioners": [] if matter.case["anonymous"] else matter.petitioners}


def delivery_letter(matter: Matter, sign_off: SignOff) -> dict:
    """The forwarding or assignment letter (转送单 / 交办单) the department files."""
    return {
        **_common(matter),
        "department": sign_off.department.name,
        "instruction": sign_off.instruction,
        # A login name is not a name to sign a letter with: without one, the date alone.
        "leader": sign_off.leader.get_full_name(),
        "signed_off_on": _day(sign_off.created_at),
        "report_due": _day(sign_off.report_due),
        "identity_withheld": matter.identity_protected,
        "petitioners": [] if matter.identity_protected else matter.petitioners,
        # The most persons who came at once: what the leader weighed.
        "persons": matter.persons,
    }


def receipt_notice(matter: Matter, sign_off: SignOff) -> dict:
    """The notice the petitioner takes home: the case is registered and has gone to …"""
    return {
        **_common(matter),
        **_addressee(matter),
        "department": sign_off.department.name,
        "assigned": bool(sign_off.report_due),
    }


def reply_letter(case: Case, matter: Matter) -> dict:
    return {
        **_common(matter),
        **_addressee(matter),
        "department": case.department.name,
        "outcome": case.reply_outcome,
        "outcome_label": _in_chinese(ReplyOutcome(case.reply_outcome).label),
        "text": case.reply_text,
        "replied_on": _day(case.replied_at),
    }


def extension_notice(case: Case, matter: Matter, extension: Extension) -> dict:
    handling = case.clocks.filter(kind=ClockKind.HANDLING, stopped_at__isnull=True).first()
    return {
        **_common(matter),
        **_addressee(matter),
        "department": case.department.name,
        "days": extension.days,
        "reason": extension.reason,
        "due_on": _day(handling.due_on) if handling else None,
    }
