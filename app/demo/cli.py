"""`flask --app wsgi demo`: a realistic Italian retail chain to explore. Safe to run again.
`flask --app wsgi demo remove` takes it out again (app/demo/remove.py)."""

import click
from flask.cli import with_appcontext

from app.core import features
from app.extensions import db
from app.org.demo import DEMO_PASSWORD, load_org


@click.group("demo", invoke_without_command=True)
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds people.")
@click.pass_context
@with_appcontext
def demo_command(context: click.Context, if_empty: bool):
    """Load the demo chain (3 districts, 12 stores, ~150 people). `demo remove` deletes it."""
    if context.invoked_subcommand is not None:
        return
    try:
        created = load_org(skip_if_populated=if_empty)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    if created:
        # Each feature's loader, in its record's `demo_order`: journeys read the points history; missions'
        # completions feed streaks; KPI measurements come before the goals and challenges that read them; the
        # boards are rebuilt last, once every loader that pays points has run.
        for load in features.demo_loaders():
            load()
            db.session.commit()
        click.echo(f"Demo data loaded: {created} people. Sign in as admin@, hr@, dm@, sm@ or "
                   f"staff@demo.ascent with password {DEMO_PASSWORD!r}.")
    else:
        click.echo("Demo data already present; nothing changed.")


@demo_command.command("remove")
@click.option("--yes", is_flag=True, help="Don't ask for confirmation.")
@with_appcontext
def remove_command(yes: bool):
    """Delete the demo chain and everything its people did; refused if anything else is in the database."""
    from app.demo.remove import census, remove_demo

    found = census()
    if not found.present:
        click.echo("No demo chain in this database; nothing changed.")
        return
    if found.not_demo:
        raise click.ClickException(
            "This database holds more than the demo chain, so nothing was deleted (the demo can't be told "
            "apart from real work safely). Not the demo's:\n  " + "\n  ".join(found.not_demo)
            + "\nStart from an empty database instead (README, First real install).")
    click.echo(f"The demo chain: {found.districts} districts, {found.stores} stores, {found.people} people, "
               "with their points, missions, feedback, reviews and audit entries.")
    if not yes:
        click.confirm("Delete all of it?", abort=True)
    deleted = remove_demo()
    db.session.commit()
    click.echo(f"Demo removed: {sum(deleted.values())} rows deleted.")
    for table, count in sorted(deleted.items()):
        click.echo(f"  {table}: {count}")
    click.echo("Next: flask --app wsgi org create-admin --email you@company --name \"Your Name\"")
