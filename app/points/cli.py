"""`flask --app wsgi points …`: award from the shell and check the ledger."""

import uuid

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.core.errors import ServiceError
from app.extensions import db
from app.org.models import Person
from app.points import ledger


@click.group("points")
def points_cli():
    """The points ledger."""


@points_cli.command("award")
@click.option("--to", "identifier", required=True, help="E-mail or employee number.")
@click.option("--points", type=int, required=True)
@click.option("--reason", required=True)
@click.option("--key", default=None, help="Idempotency key: the same key never pays twice.")
@with_appcontext
def award_command(identifier: str, points: int, reason: str, key: str | None):
    """Award points (an operator correction or a one-off)."""
    person = db.session.scalar(sa.select(Person).where(sa.or_(
        Person.employee_number == identifier, sa.func.lower(Person.email) == identifier.lower())))
    if person is None:
        raise click.ClickException(f"No person with e-mail or employee number {identifier!r}.")
    try:
        result = ledger.award(person, points, source_type="manual", reason=reason,
                              idempotency_key=key or f"cli:{uuid.uuid4().hex}")
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    if result.created:
        click.echo(f"Awarded {points} points to {person.full_name} (entry {result.entry.id}).")
    else:
        click.echo(f"Key already used: entry {result.entry.id} stands, nothing paid twice.")


@points_cli.command("verify")
@with_appcontext
def verify_command():
    """Recompute every balance from the ledger; exit 1 on any mismatch."""
    mismatches = ledger.verify()
    for m in mismatches:
        click.echo(f"person {m.person_id}: lifetime cached {m.cached_lifetime} ledger {m.ledger_lifetime}; "
                   f"balance cached {m.cached_balance} ledger {m.ledger_balance}", err=True)
    if mismatches:
        raise SystemExit(1)
    click.echo("Ledger and balances agree.")
