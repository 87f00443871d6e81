"""`flask --app wsgi push keys`: make the VAPID key pair once (it is also made on first use)."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.push import vapid

push_cli = AppGroup("push", help="Web push: VAPID keys.")


@push_cli.command("keys")
def keys_command():
    """Create the VAPID private key in the instance folder unless it exists; print the public key."""
    if current_app.config.get("VAPID_PRIVATE_KEY"):
        click.echo("Using VAPID_PRIVATE_KEY from the environment.")
    else:
        path = Path(current_app.config["VAPID_PRIVATE_KEY_FILE"])
        created = vapid.ensure_key_file(path)
        click.echo(f"{'Created' if created else 'Kept the existing'} private key {path} (keep it secret, "
                   "never commit it; every web and worker process needs the same one).")
    click.echo(f"Public key (applicationServerKey): {vapid.public_key()}")
