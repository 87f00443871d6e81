import pytest


@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path):
    """Photos go to a folder of the test's own, never into the project's instance folder."""
    folder = tmp_path / "uploads"
    app.config["MISSION_UPLOAD_DIR"] = str(folder)
    return folder
