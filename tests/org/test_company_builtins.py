"""The built-in KPIs, badges, company values and journey stages (seeded in English) rewritten into the
company's language: only the texts still reading as their English default, once, audited."""

import pytest
import sqlalchemy as sa
from flask_babel import Domain, force_locale, gettext

from app.badges.catalogue import BUILTIN_BADGES, TRANSLATED, seed_builtin_badges
from app.badges.models import BadgeDefinition
from app.core.audit import AuditEntry
from app.extensions import db
from app.feedback.models import DEFAULT_VALUES, CompanyValue
from app.feedback.values import TRANSLATED_DESCRIPTIONS
from app.feedback.values import ensure_defaults as seed_values
from app.journey.defaults import DEFAULT_STAGES, seed_default_stages
from app.journey.models import DEFAULT_STAGE_DESCRIPTIONS, Stage
from app.kpis import defaults as kpi_defaults
from app.kpis.models import KpiDefinition
from app.org.company import localize_builtins

MODELS = (KpiDefinition, BadgeDefinition, CompanyValue, Stage)


@pytest.fixture
def builtins(app):
    kpi_defaults.ensure_defaults()
    seed_builtin_badges()
    seed_values()
    seed_default_stages()
    db.session.commit()


@pytest.fixture
def marked(monkeypatch):
    """A stand-in catalogue: every translated text comes back marked, whatever the language."""
    monkeypatch.setattr(Domain, "gettext", lambda self, string, **variables: f"[it] {string}")


def _texts() -> dict:
    return {(model.__name__, row.id): (row.name, row.description)
            for model in MODELS for row in db.session.scalars(sa.select(model))}


def _audits() -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "org.builtins_localized")))


def test_every_built_in_text_is_marked_for_translation():
    kpi_texts = {text for row in kpi_defaults.rows() for text in (row["name"], row["description"])}
    assert kpi_texts <= set(kpi_defaults.TRANSLATED)
    assert {text for row in BUILTIN_BADGES for text in row[1:3]} <= set(TRANSLATED)
    assert {row[3] for row in DEFAULT_VALUES} <= set(TRANSLATED_DESCRIPTIONS)
    assert {row[2] for row in DEFAULT_STAGES} <= set(DEFAULT_STAGE_DESCRIPTIONS)


def test_english_changes_nothing_and_records_nothing(builtins):
    before = _texts()
    assert localize_builtins("en") == {"kpis": 0, "badges": 0, "values": 0, "stages": 0}
    assert _texts() == before and _audits() == []


def test_unedited_texts_are_rewritten_and_edited_ones_left_alone(builtins, marked):
    sales = db.session.scalar(sa.select(KpiDefinition).where(KpiDefinition.code == "sales"))
    sales.name = "Fatturato"  # HR renamed it; its description is still the default
    mentor = db.session.scalar(sa.select(BadgeDefinition).where(BadgeDefinition.key == "mentor"))
    mentor.description = "Ha seguito un nuovo collega."
    db.session.commit()

    changed = localize_builtins("it")
    assert changed == {"kpis": 23, "badges": 35, "values": 10, "stages": 8}
    assert (sales.name, sales.description) == ("Fatturato", "[it] Net sales, taxes excluded.")
    assert (mentor.name, mentor.description) == ("[it] Mentor", "Ha seguito un nuovo collega.")
    leader = db.session.scalar(sa.select(Stage).where(Stage.key == "leader"))
    assert leader.name == "[it] Leader"
    teamwork = db.session.scalar(sa.select(CompanyValue).where(CompanyValue.key == "teamwork"))
    assert (teamwork.name, teamwork.description) == ("[it] Teamwork", "[it] We win as a store, not alone.")
    [entry] = _audits()
    assert entry.details == {"language": "it", **changed} and entry.actor_id is None

    # Idempotent: what was rewritten no longer reads as the English default.
    after = _texts()
    assert localize_builtins("it") == {"kpis": 0, "badges": 0, "values": 0, "stages": 0}
    assert _texts() == after and len(_audits()) == 1


def test_a_value_name_already_taken_stays_english(builtins, marked):
    db.session.add(CompanyValue(name="[it] Ownership", position=99))
    db.session.commit()
    localize_builtins("it")
    ownership = db.session.scalar(sa.select(CompanyValue).where(CompanyValue.key == "ownership"))
    assert ownership.name == "Ownership"
    assert ownership.description == "[it] See it, own it, fix it."


def test_the_company_s_catalogue_is_what_gets_written(builtins):
    """With the real Italian catalogue: every rewritten text is its Italian translation."""
    localize_builtins("it")
    with force_locale("it"):
        expected = {("kpi", row["code"]): gettext(row["name"]) for row in kpi_defaults.rows()}
        expected.update({("badge", row[0]): gettext(row[1]) for row in BUILTIN_BADGES})
        expected.update({("stage", row[0]): gettext(row[1]) for row in DEFAULT_STAGES})
    found = {("kpi", kpi.code): kpi.name for kpi in db.session.scalars(sa.select(KpiDefinition))}
    found.update({("badge", badge.key): badge.name for badge in db.session.scalars(sa.select(BadgeDefinition))})
    found.update({("stage", stage.key): stage.name for stage in db.session.scalars(sa.select(Stage))})
    assert found == expected


def test_seeding_in_a_language_writes_the_new_rows_in_it(app, marked):
    seed_default_stages(language="it")
    seed_builtin_badges()
    names = dict(db.session.execute(sa.select(Stage.key, Stage.name)).all())
    assert names["onboarding"] == "[it] Onboarding"
    # Seeding without a language (demo data, tests) stays English.
    assert db.session.scalar(sa.select(BadgeDefinition.name).where(BadgeDefinition.key == "mentor")) == "Mentor"


def test_cli_localizes_the_defaults(app, runner, builtins, marked):
    result = runner.invoke(args=["org", "localize-defaults", "--language", "it"])
    assert result.exit_code == 0, result.output
    assert "78 built-in texts written in 'it'" in result.output
    assert db.session.scalar(sa.select(KpiDefinition.name).where(KpiDefinition.code == "footfall")) \
        == "[it] Footfall"
    again = runner.invoke(args=["org", "localize-defaults", "--language", "it"])
    assert "0 built-in texts" in again.output


def test_create_admin_writes_the_defaults_in_the_company_language(app, runner, builtins, marked):
    app.config["COMPANY_LANGUAGE"] = "it"
    result = runner.invoke(args=["org", "create-admin", "--email", "ada@chain.example", "--name", "Ada Rossi",
                                 "--language", "en"])
    assert result.exit_code == 0, result.output
    # The company's language, not the administrator's own English.
    assert db.session.scalar(sa.select(Stage.name).where(Stage.key == "engagement")) == "[it] Engagement"
    assert _audits()[0].details["language"] == "it"
