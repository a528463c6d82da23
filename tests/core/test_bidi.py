"""Every script: bidi controls removed from names on input, RTL text isolated in CSV."""

import csv
import io

import pytest

from core.extensions import db
from core.services.csv_safe import neutralise, safe_csv
from core.services.people.employees import add_employee, import_employees_csv
from core.text import FSI, PDI, bdi, clean_name, has_right_to_left, isolate
from tests.factories import make_branch

RLO, LRE, PDF, RLM, ALM = "\u202e", "\u202a", "\u202c", "\u200f", "\u061c"
ARABIC = "محمد 123 علي"
HEBREW = "דוד 42"


@pytest.mark.parametrize(
    "typed, stored",
    [
        (f"{RLO}Ali{PDF}", "Ali"),
        (f" {LRE}Li Lei{PDF} ", "Li Lei"),
        (f"{RLM}{ARABIC}{ALM}", ARABIC),
        (f"{FSI}{HEBREW}{PDI}", HEBREW),
        ("\u2066a\u2067b\u200ec", "abc"),
        ("王芳 Wang Fang", "王芳 Wang Fang"),
    ],
)
def test_clean_name_removes_direction_controls(typed, stored):
    assert clean_name(typed) == stored


@pytest.mark.parametrize("text", [ARABIC, HEBREW, "ܫܠܡܐ", "abc ﷲ"])
def test_right_to_left_letters_are_recognised(text):
    assert has_right_to_left(text)


@pytest.mark.parametrize("text", ["Li Lei", "王芳", "Ελένη", "Иван", "123", ""])
def test_left_to_right_text_is_not_taken_for_right_to_left(text):
    assert not has_right_to_left(text)


def test_bdi_escapes_and_isolates():
    assert bdi("<b>Ali</b>") == "<bdi>&lt;b&gt;Ali&lt;/b&gt;</bdi>"
    assert bdi("") == "" and isolate("") == ""
    assert isolate(ARABIC) == f"{FSI}{ARABIC}{PDI}"


def test_a_right_to_left_csv_cell_is_isolated_and_others_are_not():
    assert neutralise(ARABIC) == f"{FSI}{ARABIC}{PDI}"
    assert neutralise("Li Lei") == "Li Lei"
    assert neutralise(7) == 7


def test_a_right_to_left_formula_stays_neutralised_inside_its_isolate():
    cell = neutralise(f'=HYPERLINK("http://x","{ARABIC}")')
    assert cell.startswith(FSI + "'=") and cell.endswith(PDI)


def test_csv_file_reads_back_with_isolated_rtl_cells():
    data = safe_csv(("employee", "branch"), [(ARABIC, "Riverside")]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert rows[1] == [f"{FSI}{ARABIC}{PDI}", "Riverside"]


def test_add_employee_stores_the_name_without_direction_controls(app):
    branch = make_branch()
    db.session.commit()
    employee = add_employee(branch.id, f"{RLO}{ARABIC}{PDF}", title=f"{RLM}Teller")
    assert (employee.display_name, employee.title) == (ARABIC, "Teller")


def test_csv_import_stores_names_titles_and_branches_without_direction_controls(app):
    text = f"branch,display_name,title,staff_no\n{RLO}Riverside,{RLO}{HEBREW}{PDF},{LRE}Advisor,7\n"
    report = import_employees_csv(text, create_branches=True)
    assert report.ok, report.problems
    (employee,) = report.employees
    assert (employee.display_name, employee.title, employee.branch.name) == (
        HEBREW,
        "Advisor",
        "Riverside",
    )


def test_an_exported_isolated_name_imports_as_the_plain_name(app):
    exported = neutralise(ARABIC)
    report = import_employees_csv(
        f"branch,display_name\nRiverside,{exported}\n", create_branches=True
    )
    assert report.employees[0].display_name == ARABIC
