"""The first day of a real chain: "180.000" typed as a monthly target by an Italian district manager is a
hundred and eighty thousand, never €180, and "4.250" from a store manager is 4250. Every KPI number a
person types (the targets grid, today's entry form, the copy uplift, a CSV, the KPI library's form) is read
in their locale, and what can't be read is refused, never guessed."""

from datetime import timedelta
from io import BytesIO

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.kpis import display
from app.kpis.aggregation import aggregate
from app.kpis.measurements import store_today
from app.kpis.models import KpiDefinition, KpiMeasurement, KpiTarget

PERIOD = "2026-12"


def _speaking(person, locale):
    person.locale = locale
    db.session.commit()
    return person


def _target(lib, store):
    return db.session.scalar(sa.select(KpiTarget.value).where(KpiTarget.kpi_id == lib["sales"].id,
                                                              KpiTarget.store_id == store.id))


def _post_target(client, lib, store, text):
    name = f"t-{lib['sales'].id}-{store.id}"
    return client.post(f"/kpis/targets/{lib['sales'].id}/{store.id}?period={PERIOD}", data={name: text},
                       headers={"HX-Request": "true"})


@pytest.mark.parametrize(("locale", "typed", "shown"), [("it", "180.000", "180.000"), ("en", "180,000", "180,000"),
                                                        ("it", "180000", "180.000"), ("it", "€ 180.000", "180.000")])
def test_a_monthly_target_is_read_in_the_managers_locale(client, sign_in, org, lib, locale, typed, shown):
    sign_in(_speaking(org.dm, locale))
    response = _post_target(client, lib, org.store, typed)
    assert response.status_code == 200
    assert _target(lib, org.store) == 180000
    assert f'value="{shown}"' in response.get_data(as_text=True)  # and shown so it reads back
    page = client.get(f"/kpis/targets?period={PERIOD}").get_data(as_text=True)
    assert f'value="{shown}"' in page


@pytest.mark.parametrize(("locale", "typed", "hint"), [("it", "60.5", "60,5"), ("it", "1,234.5", "1.234,5"),
                                                       ("en", "60,5", "60.5"), ("it", "1.2.3", "1.234.567,5")])
def test_a_target_that_isnt_a_number_here_is_refused_with_the_way_to_write_it(client, sign_in, org, lib, locale,
                                                                             typed, hint):
    sign_in(_speaking(org.dm, locale))
    response = _post_target(client, lib, org.store, typed)
    assert response.status_code == 422
    assert hint in response.get_data(as_text=True)
    assert _target(lib, org.store) is None


def test_the_grid_saves_italian_cells_together(client, sign_in, org, lib):
    sign_in(_speaking(org.dm, "it"))
    sales, footfall = lib["sales"], lib["footfall"]
    response = client.post(f"/kpis/targets?period={PERIOD}", data={
        f"t-{sales.id}-{org.store.id}": "180.000", f"t-{sales.id}-{org.sibling_store.id}": "95.500,5",
        f"t-{footfall.id}-{org.store.id}": "4.250"})
    assert response.status_code == 303
    values = {(row.kpi_id, row.store_id): row.value for row in db.session.scalars(sa.select(KpiTarget))}
    assert values == {(sales.id, org.store.id): 180000, (sales.id, org.sibling_store.id): 95500.5,
                      (footfall.id, org.store.id): 4250}


def test_the_copy_uplift_is_read_in_the_managers_locale(client, sign_in, org, lib):
    from datetime import date

    from tests.kpis.conftest import target

    target(lib["sales"], org.store, date(2026, 11, 1), 100000)
    db.session.commit()
    sign_in(_speaking(org.dm, "it"))
    client.post("/kpis/targets/copy", data={"period": PERIOD, "uplift": "2,5"})
    assert db.session.scalar(sa.select(KpiTarget.value).where(KpiTarget.period_start == date(2026, 12, 1))) \
        == 102500


@pytest.mark.parametrize(("locale", "footfall", "sales"), [("it", "4.250", "1.234,5"), ("en", "4,250", "1,234.5")])
def test_todays_entry_is_read_in_the_store_managers_locale(client, sign_in, org, lib, locale, footfall, sales):
    sign_in(_speaking(org.sm, locale))
    response = client.post("/kpis/entry", data={"footfall": footfall, "sales": sales})
    assert response.status_code == 303
    today = store_today(org.store)
    assert aggregate(lib["footfall"], [org.store.id], today, today) == 4250
    assert aggregate(lib["sales"], [org.store.id], today, today) == 1234.5
    page = client.get("/kpis/entry").get_data(as_text=True)
    assert f'value="{footfall}"' in page and f'value="{sales}"' in page  # what was saved reads back


def test_an_entry_that_isnt_a_number_here_saves_nothing(client, sign_in, org, lib):
    sign_in(_speaking(org.sm, "en"))
    # "4.250" in English is four and a quarter: a footfall is a count, so it is refused, not rounded.
    response = client.post("/kpis/entry", data={"footfall": "4.250", "sales": "1.234,5"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "1,234.5" in page and 'value="1.234,5"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KpiMeasurement)) == 0


def _upload(client, body: str):
    return client.post("/kpis/upload", data={"file": (BytesIO(body.encode()), "kpis.csv")},
                       content_type="multipart/form-data")


def test_an_italian_csv_is_read_in_the_uploaders_locale(client, sign_in, org, lib):
    sign_in(_speaking(org.sm, "it"))
    day = (store_today(org.store) - timedelta(days=1)).isoformat()
    response = _upload(client, f"negozio;data;kpi;valore\n{org.store.code};{day};sales;1.234,50\n"
                               f"{org.store.code};{day};footfall;4.250\n")
    assert response.status_code == 303
    yesterday = store_today(org.store) - timedelta(days=1)
    assert aggregate(lib["sales"], [org.store.id], yesterday, yesterday) == 1234.5
    assert aggregate(lib["footfall"], [org.store.id], yesterday, yesterday) == 4250


def test_a_machine_written_decimal_in_an_italian_csv_is_refused_not_guessed(client, sign_in, org, lib):
    sign_in(_speaking(org.sm, "it"))
    day = (store_today(org.store) - timedelta(days=1)).isoformat()
    response = _upload(client, f"store;date;kpi;value\n{org.store.code};{day};sales;1234.5\n")
    assert response.status_code == 422 and "1.234,5" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KpiMeasurement)) == 0


def test_the_kpi_library_form_reads_and_shows_italian_numbers(client, sign_in, org, lib):
    sign_in(_speaking(org.hr, "it"))
    response = client.post("/kpis/library/new", data={
        "code": "nps", "name": "NPS", "unit": "score", "direction": "higher", "aggregation": "average",
        "decimals": "1", "position": "1.000", "min_value": "-100", "max_value": "1.000,5"})
    assert response.status_code == 303
    nps = db.session.scalar(sa.select(KpiDefinition).where(KpiDefinition.code == "nps"))
    assert (nps.position, nps.min_value, nps.max_value) == (1000, -100, 1000.5)
    page = client.get(f"/kpis/library/{nps.id}/edit").get_data(as_text=True)
    assert 'value="1.000"' in page and 'value="1.000,5"' in page and 'inputmode="decimal"' in page
    response = client.post(f"/kpis/library/{nps.id}/edit", data={
        "name": "NPS", "unit": "score", "direction": "higher", "aggregation": "average", "decimals": "1",
        "position": "1.000", "min_value": "-100", "max_value": "99.5"})
    assert response.status_code == 422 and "99,5" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(KpiDefinition, nps.id).max_value == 1000.5


@pytest.mark.parametrize(("locale", "sample"), [("it", "sales;18.250,5"), ("en", "sales;18,250.5")])
def test_the_upload_page_shows_a_sample_in_the_readers_locale(client, sign_in, org, lib, locale, sample):
    sign_in(_speaking(org.sm, locale))
    assert sample in client.get("/kpis/upload").get_data(as_text=True)


def test_a_unit_symbol_is_read_only_on_a_kpi_of_that_unit(app, kpi_library):
    """"5 %" typed as a sales target was once stored as €5, and "€ 1.840" as 1840 transactions."""
    from app.core.numbers import NumberError
    from app.kpis import measurements, targets
    from app.kpis.models import KpiDefinition

    by_code = {kpi.code: kpi for kpi in db.session.scalars(sa.select(KpiDefinition))}
    sales, transactions = by_code["sales"], by_code["transactions"]
    assert targets.parse_value(sales, "€ 180.000", "it") == 180000
    with pytest.raises(NumberError, match="“%”"):
        targets.parse_value(sales, "5 %", "it")
    with pytest.raises(ValueError, match="“€”"):
        measurements.parse_value("€ 1.840", text_locale="it", symbols=display.unit_symbol(transactions))
    assert measurements.parse_value("1.840", text_locale="it", symbols=display.unit_symbol(transactions)) == 1840
