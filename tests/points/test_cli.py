from app.extensions import db
from app.points import ledger


def test_award_command_with_key_pays_once(runner, org):
    args = ["points", "award", "--to", org.staff.email, "--points", "25", "--reason", "Fixed a sale", "--key", "ops-1"]
    first = runner.invoke(args=args)
    second = runner.invoke(args=args)
    assert first.exit_code == 0 and "Awarded 25" in first.output
    assert second.exit_code == 0 and "nothing paid twice" in second.output
    assert ledger.balances(org.staff.id) == (25, 25)


def test_award_command_by_employee_number_and_errors(runner, org):
    assert runner.invoke(args=["points", "award", "--to", "E1001", "--points", "5", "--reason", "x"]).exit_code == 0
    unknown = runner.invoke(args=["points", "award", "--to", "nobody", "--points", "5", "--reason", "x"])
    assert unknown.exit_code != 0 and "No person" in unknown.output
    zero = runner.invoke(args=["points", "award", "--to", "E1001", "--points", "0", "--reason", "x"])
    assert zero.exit_code != 0
    assert ledger.balances(org.staff.id) == (5, 5)


def test_verify_command_exit_codes(runner, org):
    ledger.award(org.staff, 10, source_type="mission", reason="x", idempotency_key="v")
    db.session.commit()
    ok = runner.invoke(args=["points", "verify"])
    assert ok.exit_code == 0 and "agree" in ok.output
    db.session.execute(db.text("UPDATE point_balances SET lifetime = 99"))
    db.session.commit()
    bad = runner.invoke(args=["points", "verify"])
    assert bad.exit_code == 1 and f"person {org.staff.id}" in bad.output
