"""The editorial calendar in the admin: by month, by week, as a list."""

import calendar as pycalendar
import datetime
from collections import defaultdict

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from ..calendar import as_entries, entries, week_of, with_display_relations
from ..forms import CalendarFilterForm
from .base import PlannerRequiredMixin

VIEWS = [("month", "Month"), ("week", "Week"), ("list", "List")]
PER_PAGE = 50
SELECT_FILTERS = ["expert", "editor", "region", "competence"]
CLEARED = ["state", "overdue", *SELECT_FILTERS]


def month_start(day):
    return day.replace(day=1)


def add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


class CalendarView(PlannerRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    view_name = "month"
    template_name = "planning/admin/calendar.html"
    page_title = "Editorial calendar"
    header_icon = "date"

    def get_header_buttons(self):
        return [
            HeaderButton(
                "Commission a commentary", reverse("planning:commission"), icon_name="plus"
            ),
            HeaderButton("Calendar feed", reverse("planning:feed"), icon_name="link"),
        ]

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def url(self, view_name, **changes):
        query = self.filters.querystring(**changes)
        url = reverse("planning:calendar" if view_name == "month" else f"planning:{view_name}")
        return f"{url}?{query}" if query else url

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        self.filters = CalendarFilterForm(self.request.GET)
        anchor = self.filters.value("date", today)
        queryset = with_display_relations(self.filters.apply(entries(today)))
        context.update(
            filters=self.filters,
            today=today,
            anchor=anchor,
            view_name=self.view_name,
            views=[(name, label, self.url(name)) for name, label in VIEWS],
            select_filters=[self.filters[name] for name in SELECT_FILTERS],
            clear_url=self.url(self.view_name, **dict.fromkeys(CLEARED)),
            **self.period(queryset, anchor),
        )
        return context

    def by_day(self, queryset, first, last):
        days = defaultdict(list)
        in_period = queryset.filter(day__gte=first, day__lte=last).order_by("day", "title", "pk")
        for entry in as_entries(in_period):
            days[entry.day].append(entry)
        return days

    def period(self, queryset, anchor):
        first = month_start(anchor)
        last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
        start, end = week_of(first)[0], week_of(last)[1]
        days = self.by_day(queryset, start, end)
        weeks, day = [], start
        while day <= end:
            weeks.append([(d, days[d], d.month == first.month) for d in self.week(day)])
            day += datetime.timedelta(days=7)
        return {
            "title": f"{pycalendar.month_name[first.month]} {first.year}",
            "weeks": weeks,
            "weekdays": list(pycalendar.day_abbr),
            "previous_url": self.url(self.view_name, date=add_months(first, -1)),
            "next_url": self.url(self.view_name, date=add_months(first, 1)),
            "today_url": self.url(self.view_name, date=None),
        }

    @staticmethod
    def week(monday):
        return [monday + datetime.timedelta(days=i) for i in range(7)]


class WeekView(CalendarView):
    view_name = "week"

    def period(self, queryset, anchor):
        monday, sunday = week_of(anchor)
        days = self.by_day(queryset, monday, sunday)
        week = datetime.timedelta(days=7)
        return {
            "title": f"Week of {monday:%d %b} to {sunday:%d %b %Y}",
            "days": [(d, days[d]) for d in self.week(monday)],
            "previous_url": self.url(self.view_name, date=monday - week),
            "next_url": self.url(self.view_name, date=monday + week),
            "today_url": self.url(self.view_name, date=None),
        }


class ListView(CalendarView):
    view_name = "list"

    def period(self, queryset, anchor):
        ordered = queryset.order_by("-day", "title", "pk")
        page = Paginator(ordered, PER_PAGE).get_page(self.request.GET.get("page"))
        page.object_list = as_entries(page.object_list)
        query = self.filters.querystring()
        return {"title": "All entries", "page_obj": page, "page_query": query}
