"""Every app of ours with tests is in pytest's ``testpaths``: a plain
``pytest`` (``make test``, CI) runs them all, a new app's too."""

import configparser
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]


def test_every_app_with_tests_is_collected():
    config = configparser.ConfigParser()
    config.read(ROOT / "pytest.ini")
    collected = set(config["pytest"]["testpaths"].split())
    ours = {
        app.name
        for app in apps.get_app_configs()
        if Path(app.path).parent == ROOT and (Path(app.path) / "tests").is_dir()
    }

    assert ours  # the guard reads our apps
    assert ours <= collected, sorted(ours - collected)
