"""Report exports never hand a spreadsheet a formula taken from a page title."""

import csv
import io

from django.urls import reverse

import pytest
from openpyxl import load_workbook

from ..conftest import make_user, sign_in
from ..factories.publications import CommentaryPageFactory

HOSTILE = '=HYPERLINK("http://evil.example/","click")'
# Aging pages lists only pages published long ago; it goes through the same export code.
REPORTS = ["locked_pages", "site_history"]


@pytest.fixture
def hostile_page(site_tree):
    admin = make_user("admin", is_superuser=True, is_staff=True)
    page = CommentaryPageFactory(parent=site_tree["publications"], title=HOSTILE)
    page.save_revision(user=admin, log_action=True).publish(user=admin)
    page.locked, page.locked_by = True, admin
    page.save()
    return admin


def cells(response, export_format):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if export_format == "csv":
        return [cell for row in csv.reader(io.StringIO(body.decode())) for cell in row]
    sheet = load_workbook(io.BytesIO(body)).active
    return [cell for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("report", REPORTS)
def test_csv_export_of_a_report_neutralises_a_formula_title(client, hostile_page, report):
    sign_in(client, hostile_page)
    response = client.get(reverse(f"wagtailadmin_reports:{report}") + "?export=csv")
    assert response.status_code == 200
    exported = cells(response, "csv")
    assert any(HOSTILE in cell for cell in exported), exported
    assert not [cell for cell in exported if cell.startswith(("=", "+", "-", "@"))]


@pytest.mark.parametrize("report", REPORTS)
def test_xlsx_export_of_a_report_keeps_a_formula_title_as_text(client, hostile_page, report):
    sign_in(client, hostile_page)
    response = client.get(reverse(f"wagtailadmin_reports:{report}") + "?export=xlsx")
    assert response.status_code == 200
    titles = [cell for cell in cells(response, "xlsx") if HOSTILE in str(cell.value)]
    assert titles
    assert all(cell.data_type == "s" for cell in titles)
