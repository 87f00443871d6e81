"""`flask --app wsgi org …`: first administrator, invites, imports, districts and stores from the shell."""

from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from app.auth.services import issue_invite
from app.config import SUPPORTED_LOCALES
from app.core.links import base_url, external_url, public_url_setting
from app.extensions import db
from app.org.company import localize_builtins
from app.org.importer import import_people
from app.org.models import Person, Role
from app.org.names import clean_name, name_problems
from app.org.structure import company_language
from app.org.structure_cli import district_cli, store_cli


@click.group("org")
def org_cli():
    """People and stores."""


def _person_or_fail(identifier: str) -> Person:
    person = db.session.scalar(sa.select(Person).where(
        sa.or_(Person.employee_number == identifier, sa.func.lower(Person.email) == identifier.lower())))
    if person is None:
        raise click.ClickException(f"No person with e-mail or employee number {identifier!r}.")
    return person


org_cli.add_command(district_cli)
org_cli.add_command(store_cli)


def _invite_url(token: str) -> str:
    """The invite link at the public address, saying which address that is: a link printed on the wrong
    host opens nothing on the person's phone."""
    if public_url_setting():
        click.echo(f"Links use PUBLIC_URL: {base_url()}", err=True)
    else:
        click.echo(f"Warning: PUBLIC_URL is not set, so links use {base_url()}, which only this machine opens. "
                   "Set PUBLIC_URL to the address people open Ascent at (see README, First real install).",
                   err=True)
    return external_url("auth.accept_invite", token=token)


@org_cli.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--employee-number", default="ADMIN-1", show_default=True)
@click.option("--language", type=click.Choice(SUPPORTED_LOCALES), default=None,
              help="The administrator's language (default: the company's, COMPANY_LANGUAGE).")
@with_appcontext
def create_admin(email: str, name: str, employee_number: str, language: str | None):
    """Create the first administrator and print their one-time invite link."""
    if db.session.scalar(sa.select(Person.id).where(sa.or_(
            sa.func.lower(Person.email) == email.lower(),
            sa.func.lower(Person.employee_number) == employee_number.lower()))):
        raise click.ClickException("A person with that e-mail or employee number already exists.")
    if problems := name_problems(name):
        raise click.ClickException(" ".join(problems))
    person = Person(email=email.lower(), full_name=clean_name(name), employee_number=employee_number,
                    role=Role.ADMIN, locale=language or company_language())
    db.session.add(person)
    db.session.flush()
    token = issue_invite(person, issued_by=None, valid_days=current_app.config["INVITE_VALID_DAYS"])
    # The built-in KPIs, badges, values and stages the migration seeded in English, in the company's language
    # (not the administrator's: --language is theirs alone).
    localized = localize_builtins(company_language())
    db.session.commit()
    if any(localized.values()):
        click.echo(f"Built-in KPIs, badges, values and stages written in {company_language()!r}.")
    click.echo(f"Administrator created. One-time link to set the password:\n{_invite_url(token)}")


@org_cli.command("localize-defaults")
@click.option("--language", type=click.Choice(SUPPORTED_LOCALES), default=None,
              help="Default: the company's, COMPANY_LANGUAGE.")
@with_appcontext
def localize_defaults(language: str | None):
    """Write the built-in KPIs, badges, values and stages HR hasn't edited in the company's language."""
    language = language or company_language()
    changed = localize_builtins(language)
    db.session.commit()
    click.echo(f"{sum(changed.values())} built-in texts written in {language!r} "
               f"(KPIs {changed['kpis']}, badges {changed['badges']}, values {changed['values']}, "
               f"stages {changed['stages']}); texts HR edited were left as they are.")


@org_cli.command("invite")
@click.argument("identifier")
@with_appcontext
def invite(identifier: str):
    """Print a fresh one-time invite link for a person (e-mail or employee number)."""
    person = _person_or_fail(identifier)
    try:
        token = issue_invite(person, issued_by=None, valid_days=current_app.config["INVITE_VALID_DAYS"])
    except Exception as error:  # a ServiceError's message is meant for people
        raise click.ClickException(getattr(error, "message", str(error))) from error
    db.session.commit()
    click.echo(_invite_url(token))


@org_cli.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "actor_identifier", required=True, help="E-mail or employee number of the HR person importing.")
@with_appcontext
def import_command(csv_file: Path, actor_identifier: str):
    """Import people from a CSV file: all lines or none."""
    actor = _person_or_fail(actor_identifier)
    if actor.role not in (Role.HR, Role.ADMIN):
        raise click.ClickException("Only HR or an administrator can import people.")
    report = import_people(actor, csv_file.read_bytes(), max_rows=current_app.config["IMPORT_MAX_ROWS"])
    if not report.ok:
        db.session.rollback()
        if report.fatal:
            raise click.ClickException(report.fatal)
        for problem in report.problems:
            click.echo(f"line {problem.line}: {' '.join(problem.messages)}", err=True)
        raise click.ClickException(f"Nothing imported: {len(report.problems)} line(s) need fixing.")
    db.session.commit()
    click.echo(f"Imported {len(report.created)} people.")
