import pytest


@pytest.fixture(autouse=True)
def picture_folder(app, tmp_path):
    """Uploaded pictures go to a temporary folder, never the project's instance folder."""
    folder = tmp_path / "reward-pictures"
    app.config["REWARD_PICTURE_FOLDER"] = str(folder)
    return folder
