"""What each letter says, taken from the case at the step that issues it (JSON-safe values only:
the snapshot is stored on the document and rendered later by a worker).

Art. 30: a letter that leaves for the department never names the petitioners of an anonymous
or accusation case."""

import datetime

from django.conf import settings
from django.utils import timezone, translation

from cases.models import Case, ClockKind, Extension, ReplyOutcome, SignOff


def identity_protected(case: Case) -> bool:
    return case.anonymous or case.category.is_accusation


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


def _petitioners(case: Case) -> list[dict]:
    return [{"name": person.name, "address": person.address} for person in case.petitioners.all()]


def _matter(case: Case) -> dict:
    return {
        "number": case.number,
        "tracking_code": case.tracking_code,
        "registered_on": _day(case.registered_at),
        "category": case.category.name,
        "subject_area": case.subject_area.name,
        "place": case.place.name,
        "organisation": case.organisation,
        "facts": case.facts,
        "request": case.request,
        "reasons": case.reasons,
        "is_group": case.is_group,
        "in_litigation": case.in_litigation,
        "urgent": case.urgent,
        "anonymous": case.anonymous,
    }


def _addressee(case: Case) -> dict:
    """The petitioners a notice is addressed to; none for an anonymous case."""
    return {"petitioners": [] if case.anonymous else _petitioners(case)}


def _common(case: Case) -> dict:
    return {"bureau": settings.BUREAU_NAME, "issued_on": _day(timezone.localdate()), "case": _matter(case)}


def delivery_letter(case: Case, sign_off: SignOff) -> dict:
    """The forwarding or assignment letter (转送单 / 交办单) the department files."""
    protected = identity_protected(case)
    return {
        **_common(case),
        "department": sign_off.department.name,
        "instruction": sign_off.instruction,
        "leader": sign_off.leader.get_full_name() or sign_off.leader.get_username(),
        "signed_off_on": _day(sign_off.created_at),
        "report_due": _day(sign_off.report_due),
        "identity_withheld": protected,
        "petitioners": [] if protected else _petitioners(case),
        # The persons who came the first time: what the leader weighed.
        "persons": case.visits.order_by("visited_at", "id").values_list("persons", flat=True).first(),
    }


def receipt_notice(case: Case, sign_off: SignOff) -> dict:
    """The notice the petitioner takes home: the case is registered and has gone to …"""
    return {
        **_common(case),
        **_addressee(case),
        "department": sign_off.department.name,
        "assigned": bool(sign_off.report_due),
    }


def reply_letter(case: Case) -> dict:
    return {
        **_common(case),
        **_addressee(case),
        "department": case.department.name,
        "outcome": case.reply_outcome,
        "outcome_label": _in_chinese(ReplyOutcome(case.reply_outcome).label),
        "text": case.reply_text,
        "replied_on": _day(case.replied_at),
    }


def extension_notice(case: Case, extension: Extension) -> dict:
    handling = case.clocks.filter(kind=ClockKind.HANDLING, stopped_at__isnull=True).first()
    return {
        **_common(case),
        **_addressee(case),
        "department": case.department.name,
        "days": extension.days,
        "reason": extension.reason,
        "due_on": _day(handling.due_on) if handling else None,
    }
