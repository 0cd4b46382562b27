"""The calendar's entries as iCalendar (RFC 5545), for an editor's calendar application."""

import datetime

from django.conf import settings
from django.utils import timezone

from icalendar import Calendar, Event

from .calendar import COMMISSIONED, SCHEDULED, as_entries

PRODID = "-//Agora//Editorial calendar//EN"
SUMMARY_PREFIX = {COMMISSIONED: "Due", SCHEDULED: "Goes live"}


def uid(entry):
    host = settings.WAGTAILADMIN_BASE_URL.split("//")[-1].split("/")[0] or "agora"
    return f"commentary-{entry.page.pk}@{host}"


def summary(entry):
    label = SUMMARY_PREFIX.get(entry.state) or entry.state_label
    if entry.step:
        label = f"{label} ({entry.step})"
    text = f"{label}: {entry.page.title}"
    return f"OVERDUE {text}" if entry.overdue else text


def description(entry):
    lines = [f"State: {entry.state_label}"]
    if entry.step:
        lines.append(f"Step: {entry.step}")
    if entry.experts:
        lines.append("Experts: " + ", ".join(expert.title for expert in entry.experts))
    if entry.commission:
        commission = entry.commission
        if commission.editor:
            editor = commission.editor
            lines.append(f"Responsible editor: {editor.get_full_name() or editor.get_username()}")
        lines.append(f"Text due: {commission.due_on.isoformat()}")
        lines.append(f"Planned publication: {commission.publish_on.isoformat()}")
        if commission.notes:
            lines.append(f"Notes: {commission.notes}")
    if entry.overdue:
        lines.append(f"Overdue: {entry.overdue_reason}")
    return "\n".join(lines)


def event(entry, stamp):
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    if entry.state == SCHEDULED and entry.scheduled_at:
        start = entry.scheduled_at.astimezone(datetime.UTC)
        end = start + datetime.timedelta(minutes=30)
    else:  # a whole-day event
        start, end = entry.day, entry.day + datetime.timedelta(days=1)
    return Event.new(
        uid=uid(entry),
        stamp=stamp,
        start=start,
        end=end,
        summary=summary(entry),
        description=description(entry),
        url=base + entry.edit_url,
        categories=[entry.state_label],
    )


def build(queryset, name="Agora editorial calendar"):
    stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    calendar = Calendar.new(name=name, prodid=PRODID)
    for entry in as_entries(queryset):
        calendar.add_component(event(entry, stamp))
    return calendar.to_ical()
