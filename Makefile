# The two commands of the README: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-requirements
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install migrate lint format messages clean bench site-card app-icons

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

# Links in e-mails and calendars follow the address served, unless
# DJANGO_SITE_URL is set in the environment or in .env.
SITE_URL := $(or $(DJANGO_SITE_URL),$(if $(shell grep -s '^DJANGO_SITE_URL=' .env),,http://$(HOST):$(PORT)))
RUN_ENV := $(if $(SITE_URL),DJANGO_SITE_URL=$(SITE_URL))

## Set up, fill the demo once, and serve the site at http://$(HOST):$(PORT);
## the server's process also runs beat's periodic jobs (community/periodic.py)
run: migrate
	@$(RUN_ENV) $(PY) manage.py seed_demo
	@$(RUN_ENV) DJANGO_EMBEDDED_PERIODIC=1 $(PY) manage.py runserver $(HOST):$(PORT)

## The whole suite (browser tests are skipped, with the reason, where Chromium is absent)
test: install
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

## Benchmarks (not in CI): pages under load and search, against the
## PostgreSQL and Redis of DATABASE_URL / REDIS_URL; results in bench/results/
bench: install
	$(PY) bench/pages.py
	$(PY) bench/search.py

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

## Refresh locale/*/django.po from the code and compile them
messages: install
	$(PY) manage.py makemessages -l ru -l en --no-obsolete --ignore=.venv --ignore=static/vendor
	$(PY) manage.py compilemessages --ignore=.venv

## Draw static/img/site-card.png, the link previews' default picture
site-card: install
	$(PY) -m community.site_card

## Draw static/icons/, the installed site's icons (the manifest, Apple's)
app-icons: install
	$(PY) -m community.app_icons

clean:
	rm -rf $(VENV) staticfiles .test-media
