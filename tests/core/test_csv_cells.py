"""Bad input, CSV cells over 128 KB: Python's csv module refuses a cell over its field size limit with
csv.Error, which made every CSV import a 500. The one CSV reader (app/core/csvfiles.py) now names the
line, for the people import and the KPI measurements alike, and nothing is saved."""

import pytest

from app.core.csvfiles import CsvProblem, read_table
from tests.core.support import sign_in
from tests.core.test_authorization_matrix import _changed_tables, _snapshot
from tests.core.test_upload_limits import UPLOADS, _post, _text

LONG = "x" * (130 * 1024)  # just over the csv module's 128 KB (131,072 characters) per cell

FILES = {
    "people-import": ("employee_number,full_name,role\n"
                      "E9001,Giulia Verdi,staff\n"
                      f"E9002,{LONG},staff\n"),
    "kpi-csv": ("store,date,kpi,value\n"
                "MI01,2026-03-02,sales,100\n"
                f"MI01,2026-03-03,sales,{LONG}\n"),
}


@pytest.mark.parametrize("upload", [upload for upload in UPLOADS if upload.name in FILES], ids=str)
def test_csv_cell_over_128_kb_is_a_line_numbered_refusal_not_a_500(app, client, org, upload):
    url = upload.url(org)
    sign_in(client, org.by_role(upload.role))
    before = _snapshot()

    response = _post(client, upload, url, FILES[upload.name].encode(), "file.csv")

    assert response.status_code == 422
    assert "Line 3 has a cell longer than 128 KB." in _text(response)
    assert _changed_tables(before, _snapshot()) == []


def test_csv_cell_over_128_kb_counts_lines_as_a_spreadsheet_does():
    # A quoted cell spanning two lines is one row, and blank lines count: the long cell is on row 5.
    text = f'a,b\n"two\nlines",1\n\n3,4\n5,"{LONG}"\n'
    with pytest.raises(CsvProblem) as problem:
        read_table(text.encode(), {"a": {"a"}, "b": {"b"}}, ("a", "b"), max_rows=10)
    assert problem.value.message.startswith("Line 5 has a cell longer than 128 KB.")


def test_csv_cell_over_128_kb_in_the_header_is_line_1():
    with pytest.raises(CsvProblem) as problem:
        read_table(f"a,{LONG}\n1,2\n".encode(), {"a": {"a"}}, ("a",), max_rows=10)
    assert problem.value.message.startswith("Line 1 has a cell longer than 128 KB.")


def test_csv_line_the_csv_module_cannot_read_is_named_too():
    with pytest.raises(CsvProblem) as problem:
        read_table(b"a,b\n1,2\n3,x\ry\n", {"a": {"a"}, "b": {"b"}}, ("a", "b"), max_rows=10)
    assert problem.value.message.startswith("Line 3 can't be read as CSV")


def test_csv_cells_under_the_limit_still_read():
    table = read_table(f"a,b\n1,{'y' * 100_000}\n".encode(), {"a": {"a"}, "b": {"b"}}, ("a", "b"), max_rows=10)
    assert [number for number, _row in table.lines] == [2]
