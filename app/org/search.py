"""Finding people by what someone types: "niccolo" finds "Niccolò", "oconnor" finds "O'Connor".

Names are compared folded (app.org.names.fold: no accents, no case, no apostrophes, single spaces). The
folded name is stored beside the name (Person.search_name, kept in step by the model whenever full_name
is set), so the database compares plain text with LIKE: the same on SQLite and PostgreSQL, with no
unaccent extension and no per-row function. What is typed is folded the same way.

What the searcher types is matched as text: % and _ are escaped, so "50%" looks for a per cent sign
instead of matching everyone."""

import sqlalchemy as sa

from app.core.text import squash_spaces
from app.org.models import Person
from app.org.names import fold


def name_matches(query_text: str) -> sa.ColumnElement[bool] | None:
    """People whose name contains `query_text`, folded; None when nothing is left to look for (the
    query was only apostrophes or marks)."""
    folded = fold(query_text)
    return Person.search_name.contains(folded, autoescape=True) if folded else None


def person_matches(query_text: str) -> sa.ColumnElement[bool]:
    """The people list's search box: a name (folded), an e-mail or an employee number containing
    `query_text`."""
    typed = squash_spaces(query_text).lower()
    clauses = [sa.func.lower(Person.email).contains(typed, autoescape=True),
               sa.func.lower(Person.employee_number).contains(typed, autoescape=True)]
    by_name = name_matches(query_text)
    if by_name is not None:
        clauses.insert(0, by_name)
    return sa.or_(*clauses)
