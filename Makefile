# The two commands a newcomer needs: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench install messages clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make run: the app with demo data, web + Celery worker + beat; Ctrl-C stops all of them.
run: $(STAMP)
	$(PY) -m housing_contact.devenv run

## make test: lint, then the whole suite on PostgreSQL and Redis (embedded ones if no URLs).
test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m housing_contact.devenv exec -- $(PY) -m tests.run

lint: $(STAMP)
	$(VENV)/bin/ruff check .

## make bench: the benchmarks in bench/ (slow; never part of make test). BENCH=name runs one.
bench: $(STAMP)
	$(PY) -m housing_contact.devenv exec -- $(PY) -m bench.run $(BENCH)

## make messages: refresh the Arabic and English catalogues after changing strings.
## (makemessages reads no database: placeholder URLs satisfy the settings when none are set.)
MESSAGES_ENV = DEBUG=true DATABASE_URL=$${DATABASE_URL:-postgres://unused@localhost/unused} \
	REDIS_URL=$${REDIS_URL:-redis://localhost:6379/0}
messages: $(STAMP)
	$(MESSAGES_ENV) $(PY) manage.py makemessages -l ar -l en --no-location --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(MESSAGES_ENV) $(PY) manage.py makemessages -d djangojs -l ar -l en --no-location --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	# No POT-Creation-Date: it changes in every catalogue on every run and makes parallel
	# branches conflict on a line nobody reads.
	find locale apps -name '*.po' -path '*LC_MESSAGES*' -exec sed -i '/^"POT-Creation-Date:/d' {} +

clean:
	rm -rf var/staticfiles tests/artifacts bench/results
