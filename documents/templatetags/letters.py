"""Filters of the official letters, which are written in Chinese whatever the UI's language."""

import datetime

from django import template

register = template.Library()


@register.filter
def cn_date(value: str | datetime.date | None) -> str:
    """2026-11-28 → 2026年11月28日, the date as an official letter writes it."""
    if not value:
        return ""
    day = datetime.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.year}年{day.month}月{day.day}日"


@register.filter
def names(petitioners: list[dict]) -> str:
    return "、".join(person["name"] for person in petitioners)
