"""`flask --app wsgi api-token …`: create, list and revoke integration API tokens from the shell."""

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.api import tokens
from app.api.models import ApiToken
from app.core.errors import ServiceError
from app.extensions import db
from app.org.models import Store


@click.group("api-token")
def api_token_cli():
    """Tokens for the integration API (/api/v1)."""


@api_token_cli.command("create")
@click.argument("name")
@click.option("--store", "store_codes", multiple=True, metavar="CODE",
              help="Limit the token to this store (repeat for several). Without it: all stores.")
@with_appcontext
def create(name: str, store_codes: tuple[str, ...]):
    """Create a token and print its secret, once."""
    codes = sorted({code.strip().upper() for code in store_codes})
    stores = dict(db.session.execute(sa.select(Store.code, Store.id).where(Store.code.in_(codes))).all()) \
        if codes else {}
    unknown = [code for code in codes if code not in stores]
    if unknown:
        raise click.ClickException(f"No store with code {', '.join(unknown)}.")
    try:
        created = tokens.create_token(None, name, all_stores=not codes, store_ids=list(stores.values()))
    except ServiceError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    scope = "all stores" if not codes else ", ".join(codes)
    click.echo(f"Token {created.token.id} ({created.token.name}, {scope}). Store this secret now: "
               "it is not shown again.", err=True)
    click.echo(created.secret)


@api_token_cli.command("list")
@with_appcontext
def list_tokens():
    """Every token: id, prefix, name, scope, last use, status."""
    rows = tokens.tokens()
    if not rows:
        click.echo("No API tokens.")
        return
    for token in rows:
        scope = "all stores" if token.all_stores else ",".join(store.code for store in token.stores)
        used = token.last_used_at.strftime("%Y-%m-%d %H:%M") if token.last_used_at else "never used"
        status = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
        click.echo(f"{token.id}\t{token.prefix}…\t{token.name}\t{scope}\t{used}\t{status}")


@api_token_cli.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
def revoke(token_id: int):
    """Revoke a token by id: the next request that presents it gets a 401."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"No API token with id {token_id}.")
    if not tokens.revoke_token(None, token):
        click.echo(f"Token {token_id} was already revoked.")
        return
    db.session.commit()
    click.echo(f"Token {token_id} ({token.name}) revoked.")
