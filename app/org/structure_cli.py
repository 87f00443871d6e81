"""`flask --app wsgi org district|store …`: the chain's structure from the shell, through the same rules as
the screens (app/org/structure.py). Changes are audited with no actor (the audit log shows "System")."""

import click
from flask.cli import with_appcontext

from app.config import FALLBACK_STORE_TIMEZONE
from app.core.errors import ServiceError
from app.extensions import db
from app.org import structure


def _commit(change, done: str) -> None:
    """Run a structure change; a refusal prints its reason, exits 1 and changes nothing."""
    try:
        change()
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(done)


def _district(code: str):
    district = structure.district_by_code(code)
    if district is None:
        raise click.ClickException(f"No district with code {code!r}.")
    return district


def _store(code: str):
    store = structure.store_by_code(code)
    if store is None:
        raise click.ClickException(f"No store with code {code!r}.")
    return store


@click.group("district")
def district_cli():
    """Districts: every store belongs to one."""


@district_cli.command("create")
@click.argument("code")
@click.argument("name")
@with_appcontext
def create_district(code: str, name: str):
    """Create a district, e.g. `org district create NORD "Nord Italia"`."""
    _commit(lambda: structure.create_district(None, code=code, name=name),
            f"District {code.strip().upper()} created.")


@district_cli.command("rename")
@click.argument("code")
@click.argument("name")
@with_appcontext
def rename_district(code: str, name: str):
    """Give a district a new name (its code stays: imports name it)."""
    district = _district(code)
    _commit(lambda: structure.rename_district(None, district, name=name),
            f"District {district.code} is now called {district.name}.")


@district_cli.command("close")
@click.argument("code")
@with_appcontext
def close_district(code: str):
    """Close a district that has no open store left."""
    district = _district(code)
    _commit(lambda: structure.close_district(None, district), f"District {district.code} closed.")


@district_cli.command("list")
@with_appcontext
def list_districts():
    """Every district with its code and open stores."""
    from app.org.structure_queries import district_rows

    for row in district_rows():
        state = " (closed)" if row.district.closed_at else ""
        click.echo(f"{row.district.code:<12} {row.district.name}{state} · {row.open_stores} open store(s)")


@click.group("store")
def store_cli():
    """Stores: code, name, city, time zone and district."""


@store_cli.command("create")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--district", "district_code", required=True, help="The district's code.")
@click.option("--city", default="")
@click.option("--timezone", default=None, help=f"e.g. {FALLBACK_STORE_TIMEZONE} (default: DEFAULT_STORE_TIMEZONE).")
@with_appcontext
def create_store(code: str, name: str, district_code: str, city: str, timezone: str | None):
    """Create a store in a district."""
    district = _district(district_code)
    _commit(lambda: structure.create_store(None, code=code, name=name, city=city, district_id=district.id,
                                           timezone=timezone),
            f"Store {code.strip().upper()} created in {district.code}.")


@store_cli.command("update")
@click.argument("code")
@click.option("--code", "new_code", default=None, help="A new code.")
@click.option("--name", default=None)
@click.option("--city", default=None)
@click.option("--timezone", default=None)
@with_appcontext
def update_store(code: str, new_code: str | None, name: str | None, city: str | None, timezone: str | None):
    """Change a store's code, name, city or time zone (what is not given stays)."""
    store = _store(code)
    _commit(lambda: structure.update_store(None, store, code=new_code, name=name, city=city, timezone=timezone),
            f"Store {store.code} saved.")


@store_cli.command("move")
@click.argument("code")
@click.option("--district", "district_code", required=True, help="The new district's code.")
@with_appcontext
def move_store(code: str, district_code: str):
    """Move a store (its people and boards follow) to another district."""
    store, district = _store(code), _district(district_code)
    _commit(lambda: structure.move_store(None, store, district_id=district.id),
            f"Store {store.code} moved to {district.code}.")


@store_cli.command("close")
@click.argument("code")
@with_appcontext
def close_store(code: str):
    """Close a store nobody active works at any more."""
    store = _store(code)
    _commit(lambda: structure.close_store(None, store), f"Store {store.code} closed.")


@store_cli.command("list")
@with_appcontext
def list_stores():
    """Every store with its code, district, city and time zone."""
    import sqlalchemy as sa

    from app.org.models import Store

    for store in db.session.scalars(sa.select(Store).order_by(Store.code)):
        state = " (closed)" if store.closed_at else ""
        click.echo(f"{store.code:<12} {store.name}{state} · {store.district.code} · {store.city or '—'} · "
                   f"{store.timezone}")
