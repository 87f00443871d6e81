"""`flask --app wsgi demo`: a realistic Italian retail chain to explore. Safe to run again."""

import click
from flask.cli import with_appcontext

from app.demo.challenges import load_challenges
from app.demo.feedback import load_feedback
from app.demo.journey import load_journey
from app.demo.kpis import load_kpis
from app.demo.leaderboards import load_leaderboards
from app.demo.leagues import load_leagues
from app.demo.missions import load_missions
from app.demo.okrs import load_okrs
from app.demo.oneonones import load_oneonones
from app.demo.org import DEMO_PASSWORD, load_org
from app.demo.points import load_points_history
from app.demo.reviews import load_reviews
from app.demo.rewards import load_rewards
from app.extensions import db


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds people.")
@with_appcontext
def demo_command(if_empty: bool):
    """Load the demo chain (3 districts, 12 stores, ~150 people)."""
    try:
        created = load_org(skip_if_populated=if_empty)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    if created:
        # Order matters: journeys read the points history; missions' completions feed streaks; KPI
        # measurements come before the goals and challenges that read them; the boards are rebuilt last,
        # once every loader that pays points has run.
        for load in (load_points_history, load_journey, load_missions, load_rewards, load_kpis, load_okrs,
                     load_challenges, load_leagues, load_feedback, load_oneonones, load_reviews,
                     load_leaderboards):
            load()
            db.session.commit()
        click.echo(f"Demo data loaded: {created} people. Sign in as admin@, hr@, dm@, sm@ or "
                   f"staff@demo.ascent with password {DEMO_PASSWORD!r}.")
    else:
        click.echo("Demo data already present; nothing changed.")
