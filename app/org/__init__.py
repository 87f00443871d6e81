"""The chain's structure and people: districts, stores, people, imports, invites and the audit log."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.features import Checklist, Feature, Link, Place
from app.core.navigation import TabLight, tab
from app.org.models import ORG_WIDE_ROLES, Role

bp = Blueprint("org", __name__)

ORG_ADMINS = frozenset(ORG_WIDE_ROLES)

feature = Feature(
    name="org",
    blueprints=(bp,),
    models=("app.core.audit",),  # the audit log sits in core; org shows it
    modules=("app.org.import_routes", "app.org.structure_routes"),
    tabs=(tab("org.people", _l("People"), "people", ORG_ADMINS, order=10),),
    lights=(TabLight("home.settings", ORG_ADMINS,
                     ("org.new_store", "org.edit_store", "org.new_district", "org.edit_district")),),
    links=(
        Link(Place.SETTINGS, "org.districts", _l("Districts"), "globe", ORG_ADMINS,
             _l("The districts stores belong to: codes, names, closing."), order=10),
        Link(Place.SETTINGS, "org.stores", _l("Stores"), "store", ORG_ADMINS,
             _l("Stores, districts and how many people have signed in."), order=20),
        Link(Place.SETTINGS, "org.audit_log", _l("Audit log"), "audit", ORG_ADMINS,
             _l("Every admin action and award, newest first."), order=100),
        Link(Place.SHORTCUT, "org.import_people_page", _l("Import people"), "upload", ORG_ADMINS, order=10,
             primary=True),
        Link(Place.SHORTCUT, "org.new_person", _l("Add a person"), "plus", ORG_ADMINS, order=20),
        Link(Place.SHORTCUT, "org.new_person", _l("Add a team member"), "people",
             frozenset({Role.STORE_MANAGER}), order=30),
        Link(Place.SHORTCUT, "org.people", _l("Team"), "people", frozenset({Role.DISTRICT_MANAGER}), order=10),
    ),
    checklist=(Checklist(order=10, items="app.org.shell:setup_items"),),
    scripts=("people.js",),
    cli=("app.org.cli:org_cli",),
)
