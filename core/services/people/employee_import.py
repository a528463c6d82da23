"""CSV import of employees: every row is checked first, then all are imported or none."""

import csv
import io
from dataclasses import dataclass, field

from flask_babel import gettext as _

from core.database import begin_write
from core.extensions import db
from core.models import Branch, Employee, EmployeeIdentity, User
from core.services.audit import record_audit
from core.services.people.employee_checks import (
    BRANCH_NAME_MAX,
    InvalidEmployee,
    branch_named,
    check_employee_fields,
    clean,
    duplicate_message,
    find_existing_employee,
    flush_refusing_duplicates,
)
from core.services.people.employee_identities import (
    contact_hints,
    contact_problems,
    taken_contact,
    taken_message,
)
from core.services.tokens import card_token
from core.text import clean_name

CSV_COLUMNS = ("branch", "display_name", "title", "staff_no")
# Optional: the employee's own work emails and mobiles, several separated by ";".
CONTACT_COLUMNS = ("emails", "phones")
IMPORT_COLUMNS = CSV_COLUMNS + CONTACT_COLUMNS
CSV_REQUIRED = ("branch", "display_name")
# Shown to customers: direction controls are removed from them (core.text.clean_name).
NAME_COLUMNS = ("branch", "display_name", "title")


@dataclass
class ImportProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return _("Line %(line)d: %(message)s", line=self.line, message=self.message)


@dataclass
class ImportReport:
    """What an import did; when problems is not empty, nothing was imported."""

    employees: list[Employee] = field(default_factory=list)
    branches_created: list[str] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Row:
    line: int
    branch: str
    display_name: str
    title: str
    staff_no: str
    emails: str = ""
    phones: str = ""
    contacts: list[EmployeeIdentity] = field(default_factory=list)

    @property
    def branch_key(self) -> str:
        return self.branch.lower()


def decode_csv(data: bytes) -> str:
    """The text of an uploaded CSV file: UTF-8, with or without a byte order mark."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidEmployee(_("The file is not UTF-8 text. Save it as CSV UTF-8.")) from error


def _read_rows(text: str, report: ImportReport) -> list[_Row]:
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = [clean(name).lower() for name in reader.fieldnames or []]
    missing = [name for name in CSV_REQUIRED if name not in header]
    unknown = [name for name in header if name not in IMPORT_COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        expected = ",".join(CSV_COLUMNS)
        report.problems.append(
            ImportProblem(
                1, _("The header row must name the columns %(columns)s.", columns=expected)
            )
        )
        return []
    reader.fieldnames = header
    rows = []
    for record in reader:
        if None in record:
            report.problems.append(
                ImportProblem(reader.line_num, _("This row has too many values."))
            )
            continue
        values = {name: clean(record.get(name)) for name in IMPORT_COLUMNS}
        values.update({name: clean_name(values[name]) for name in NAME_COLUMNS})
        if any(values.values()):
            rows.append(_Row(reader.line_num, **values))
    if not rows and not report.problems:
        report.problems.append(ImportProblem(1, _("The file lists no employees.")))
    return rows


def _branch_problem(row: _Row, branches: dict, create_branches: bool) -> str | None:
    """Why the row's branch is unusable, if it is; remembers looked-up branches."""
    if not row.branch:
        return _("The branch is missing.")
    if len(row.branch) > BRANCH_NAME_MAX:
        return _("The branch name is too long.")
    if row.branch_key not in branches:
        branches[row.branch_key] = branch_named(row.branch)
    if branches[row.branch_key] is None and not create_branches:
        return _("There is no branch named %(branch)s.", branch=row.branch)
    return None


class _SeenRows:
    """The rows read so far, to find an earlier row for the same person.

    Same rule as find_existing_employee: equal staff numbers, or equal names where at
    least one of the two rows has no staff number.
    """

    def __init__(self) -> None:
        self.line_of_staff_no: dict[tuple, int] = {}
        self.lines_of_name: dict[tuple, list[tuple[int, bool]]] = {}

    def earlier_line(self, row: _Row) -> int | None:
        if row.staff_no and (row.branch_key, row.staff_no) in self.line_of_staff_no:
            return self.line_of_staff_no[(row.branch_key, row.staff_no)]
        for line, has_staff_no in self.lines_of_name.get(self._name_key(row), []):
            if not (row.staff_no and has_staff_no):
                return line
        return None

    def add(self, row: _Row) -> None:
        if row.staff_no:
            self.line_of_staff_no.setdefault((row.branch_key, row.staff_no), row.line)
        self.lines_of_name.setdefault(self._name_key(row), []).append(
            (row.line, bool(row.staff_no))
        )

    @staticmethod
    def _name_key(row: _Row) -> tuple:
        return (row.branch_key, row.display_name.lower())


def _contact_problems(row: _Row, contact_lines: dict[str, int]) -> list[str]:
    """The row's unusable contacts, and those of another row or employee; keeps the good ones."""
    problems = []
    for kind, text in (("email", row.emails), ("phone", row.phones)):
        identities, kind_problems = contact_problems(kind, text)
        problems.extend(kind_problems)
        row.contacts.extend(identities)
    for identity in row.contacts:
        earlier = contact_lines.setdefault(identity.identity_hash, row.line)
        if earlier != row.line:
            problems.append(
                _("%(contact)s is already on line %(line)d.", contact=identity.hint, line=earlier)
            )
    taken = taken_contact(sorted({i.identity_hash for i in row.contacts}), None)
    if taken is not None:
        problems.append(taken_message(taken.hint))
    return problems


def _check_rows(rows: list[_Row], create_branches: bool, report: ImportReport) -> dict[str, Branch]:
    """Report every bad row; return the existing branches the rows name."""
    branches: dict[str, Branch | None] = {}
    seen = _SeenRows()
    contact_lines: dict[str, int] = {}
    for row in rows:
        problems = check_employee_fields(row.display_name, row.title, row.staff_no)
        problems.append(_branch_problem(row, branches, create_branches))
        earlier = seen.earlier_line(row) if row.display_name else None
        if earlier is not None:
            problems.append(_("This employee is already on line %(line)d.", line=earlier))
        seen.add(row)
        branch = branches.get(row.branch_key)
        if branch is not None and row.display_name:
            existing = find_existing_employee(branch.id, row.display_name, row.staff_no)
            problems.append(existing and duplicate_message(existing))
        problems.extend(_contact_problems(row, contact_lines))
        report.problems.extend(ImportProblem(row.line, m) for m in problems if m)
    return {name: branch for name, branch in branches.items() if branch is not None}


def import_employees_csv(
    text: str, create_branches: bool = False, actor: User | None = None
) -> ImportReport:
    """Import employees from CSV (branch,display_name,title,staff_no[,emails,phones]), all or none.

    Every row is checked first; any problem (each reported with its line number)
    means nothing is written. Missing branches are created only when asked to.
    """
    report = ImportReport()
    begin_write()
    rows = _read_rows(text, report)
    branches = _check_rows(rows, create_branches, report) if rows else {}
    if report.problems:
        db.session.rollback()
        return report
    for row in rows:
        if row.branch_key not in branches:
            branches[row.branch_key] = Branch(name=row.branch)
            db.session.add(branches[row.branch_key])
            report.branches_created.append(row.branch)
        employee = Employee(
            branch=branches[row.branch_key],
            display_name=row.display_name,
            title=row.title,
            staff_no=row.staff_no or None,
            card_token=card_token(),
            identities=row.contacts,
        )
        db.session.add(employee)
        report.employees.append(employee)
    flush_refusing_duplicates()
    record_audit(
        "employee.import",
        "employee",
        None,
        after={
            "employees": [e.id for e in report.employees],
            "branches": report.branches_created,
            "contacts": {str(e.id): contact_hints(e) for e in report.employees if e.identities},
        },
        user=actor,
    )
    db.session.commit()
    return report
