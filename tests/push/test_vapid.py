"""The VAPID key pair: made once in the instance folder (or given by the environment), never in git."""

import stat
import subprocess
import threading
from pathlib import Path

from py_vapid import Vapid

from app import PROJECT_ROOT
from app.config import settings_from_environment
from app.push import vapid


def create_app_defaults() -> dict:
    from flask import current_app

    return settings_from_environment(current_app.instance_path)


def test_the_key_is_made_on_first_use_in_the_instance_folder_and_then_kept(app):
    # By default the key sits in the instance folder (tests point that at their own tmp folder).
    assert Path(create_app_defaults()["VAPID_PRIVATE_KEY_FILE"]).parent == Path(app.instance_path)
    path = Path(app.config["VAPID_PRIVATE_KEY_FILE"])
    assert not path.exists()
    first = vapid.public_key()
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert vapid.public_key() == first
    assert len(first) == 87  # an uncompressed P-256 point, base64url without padding


def test_the_cli_makes_the_key_once_and_prints_the_public_key(app, runner):
    result = runner.invoke(args=["push", "keys"])
    assert result.exit_code == 0, result.output
    assert "Created private key" in result.output
    assert vapid.public_key() in result.output
    again = runner.invoke(args=["push", "keys"])
    assert "Kept the existing private key" in again.output
    assert vapid.public_key() in again.output


def test_processes_starting_together_end_up_with_one_key(tmp_path):
    path = tmp_path / "vapid_private.pem"
    created = []
    threads = [threading.Thread(target=lambda: created.append(vapid.ensure_key_file(path))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert created.count(True) == 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".vapid-")]  # no temporary files left


def test_a_key_from_the_environment_wins(app):
    key = Vapid()
    key.generate_keys()
    app.config["VAPID_PRIVATE_KEY"] = key.private_pem().decode()
    expected = Vapid.from_pem(key.private_pem())
    assert vapid.signing_key().private_key.private_numbers() == expected.private_key.private_numbers()
    assert not Path(app.config["VAPID_PRIVATE_KEY_FILE"]).exists()


def test_instance_keys_are_never_committed():
    ignored = subprocess.run(["git", "check-ignore", "-q", "instance/vapid_private.pem"], cwd=PROJECT_ROOT,
                             check=False)
    assert ignored.returncode == 0
