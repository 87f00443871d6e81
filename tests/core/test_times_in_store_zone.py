"""Times: every place a person reads a stored time shows it in the reader's store zone (Europe/Rome here),
never in UTC unlabelled; and no template formats a stored datetime by hand, so that can't creep back."""

import re
from datetime import datetime
from pathlib import Path

from app.extensions import db
from app.okrs.models import Confidence
from app.screens import services as screens
from tests.okrs.conftest import make_check_in, make_kr, make_objective
from tests.reviews.factories import make_cycle, review_of

# 14:51 UTC is 16:51 in Rome in summer (UTC+2) and 15:51 in winter (UTC+1): a known instant of each.
SUMMER = datetime(2026, 7, 20, 14, 51)
WINTER = datetime(2026, 1, 20, 14, 51)


def _rome(org):
    for store in (org.store, org.sibling_store, org.other_store):
        store.timezone = "Europe/Rome"


def test_times_last_sign_in_shows_store_local_time(client, sign_in, org):
    _rome(org)
    org.staff.last_login_at = SUMMER
    db.session.commit()
    sign_in(org.sm)
    page = client.get(f"/people/{org.staff.id}").get_data(as_text=True)
    assert "16:51" in page or "4:51" in page
    assert "14:51" not in page and "2:51" not in page


def test_times_screens_list_shows_store_local_time(client, sign_in, org):
    _rome(org)
    created = screens.create_screen(org.sm, org.store.id, "Back office TV")
    created.screen.last_seen_at = WINTER
    db.session.commit()
    sign_in(org.sm)
    page = client.get("/tv/screens").get_data(as_text=True)
    assert "3:51" in page or "15:51" in page
    assert "2:51" not in page and "14:51" not in page


def test_times_okr_check_ins_show_store_local_time(client, sign_in, org):
    _rome(org)
    objective = make_objective("store", store=org.store, owner=org.sm)
    kr = make_kr(objective)
    entry = make_check_in(kr, Confidence.ON_TRACK, person=org.sm)
    entry.created_at = SUMMER
    db.session.commit()
    sign_in(org.sm)
    page = client.get(f"/goals/{objective.id}").get_data(as_text=True)
    assert "16:51" in page and "14:51" not in page


def test_times_in_the_readers_zone_when_stores_differ(client, sign_in, org):
    """The same instant reads as each reader's wall clock: the manager of a New York store sees 10:51."""
    org.store.timezone = "America/New_York"
    org.staff.last_login_at = SUMMER
    db.session.commit()
    sign_in(org.sm)
    page = client.get(f"/people/{org.staff.id}").get_data(as_text=True)
    assert "10:51" in page and "14:51" not in page


def test_times_review_csv_export_is_store_local_and_says_the_zone(client, sign_in, org):
    _rome(org)
    cycle = make_cycle("sign_off", [org.staff])
    review_of(cycle, org.staff).signed_off_at = SUMMER
    db.session.commit()
    sign_in(org.hr)
    lines = client.get(f"/reviews/cycles/{cycle.id}/export.csv").get_data().decode("utf-8-sig").split("\r\n")
    assert lines[0].endswith("Signed off at (Europe/Rome)")
    assert lines[1].endswith(",2026-07-20 16:51")


# -- No hand-made time formatting in templates ---------------------------------------------------------

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Stored times are the `*_at` columns. Printed raw, through strftime or isoformat they show UTC: they go
# through Babel's filters (datetimeformat, timeformat, dateformat), which speak the reader's zone.
RAW_TIME = re.compile(r"_at\s*(\}\}|\.strftime\(|\.isoformat\(\)(?!\s*\}\}Z))|strftime\([^)]*%[HIM]")
# Known exceptions, each with its reason.
ALLOWED = {
    # TvBoard.updated_at is already the screen's store wall clock (app/screens/queries.py `_store_now`),
    # and a TV has no signed-in reader whose zone the filters could use.
    ("screens/_board.html", 'board.updated_at.strftime("%H:%M")'),
}


def _raw_time_formatting() -> list[str]:
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if RAW_TIME.search(line) and not any(name == allowed and text in line for allowed, text in ALLOWED):
                found.append(f"{name}:{number}: {line.strip()[:120]}")
    return found


def test_times_no_template_formats_a_stored_time_by_hand():
    assert _raw_time_formatting() == []


def test_times_the_template_scan_catches_raw_formatting():
    for line in ('{{ person.last_login_at }}', '{{ entry.created_at.strftime("%d %b") }}',
                 '{{ row.updated_at.isoformat() }}', '{{ moment.strftime("%H:%M") }}'):
        assert RAW_TIME.search(line), line
    for line in ('{{ entry.created_at|datetimeformat("short") }}',
                 '<time datetime="{{ item.created_at.isoformat() }}Z">', '{{ day.isoformat() }}',
                 "{{ month.strftime('%Y-%m') }}", '{% if review.signed_off_at %}'):
        assert not RAW_TIME.search(line), line
