"""`make run` serves where it is asked to, and the site's links follow."""

import os
import shutil
import subprocess

from django.conf import settings


def _planned(*arguments: str, **environment: str) -> list[str]:
    """The commands `make run` would run (make -n: nothing is run)."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SITE_URL"}
    env.update(environment)
    make = shutil.which("make")
    assert make, "make is one of the README's two commands"
    result = subprocess.run(  # noqa: S603 - the project's own Makefile
        [make, "-n", "run", *arguments],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return [
        line
        for line in result.stdout.splitlines()
        if "seed_demo" in line or "runserver" in line
    ]


def test_make_run_on_another_port_gives_links_on_that_port():
    seed, serve = _planned("PORT=8123", "HOST=0.0.0.0")

    assert seed.startswith("DJANGO_SITE_URL=http://0.0.0.0:8123 ")
    assert serve.startswith("DJANGO_SITE_URL=http://0.0.0.0:8123 ")
    assert serve.endswith("runserver 0.0.0.0:8123")


def test_make_run_keeps_a_site_url_set_in_the_environment():
    seed, serve = _planned("PORT=8123", DJANGO_SITE_URL="https://kollegi.example")

    assert "DJANGO_SITE_URL=https://kollegi.example " in seed
    assert "DJANGO_SITE_URL=https://kollegi.example " in serve
