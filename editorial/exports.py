"""Report exports (site history, locked pages, workflows, aging pages) must not carry formulas.

Wagtail's spreadsheet export already types XLSX cells that look like formulas as text, but its
CSV rows are written as they are, so a page titled `=HYPERLINK(...)` runs in a spreadsheet. Every
admin export goes through `SpreadsheetExportMixin.write_csv_row`; wrapping that one method covers
them all, including report views Wagtail adds later, without re-registering each view.
"""

from wagtail.admin.views.mixins import SpreadsheetExportMixin

# What spreadsheet programs read as the start of a formula (OWASP's CSV injection list).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def install():
    original = SpreadsheetExportMixin.write_csv_row
    if getattr(original, "neutralises_formulas", False):
        return

    def write_csv_row(self, writer, row_dict):
        prepared = {
            field: neutralise(self.preprocess_field_value(field, value, self.FORMAT_CSV))
            for field, value in row_dict.items()
        }
        return writer.writerow(prepared)

    write_csv_row.neutralises_formulas = True
    SpreadsheetExportMixin.write_csv_row = write_csv_row
