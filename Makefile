# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PORT ?= 8000
export PORT
# The links in QR codes and SMS: honcho gives each process its own PORT (web PORT, worker PORT+100, beat
# PORT+200), so the public address is fixed here for all three. Set SITE_URL yourself to override it.
SITE_URL ?= http://127.0.0.1:$(PORT)
export SITE_URL

.PHONY: run test setup browser zbar lint messages docs clean-embedded

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

setup: $(STAMP)
	$(BIN)/python -m backend.i18n

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py bootstrap
	@echo "Serving http://127.0.0.1:$(PORT)/ (API docs /api/docs/, admin /admin/) with a Celery worker and beat. Ctrl-C stops all."
	exec $(BIN)/honcho start --procfile Procfile --port $(PORT) --env /dev/null

test: setup browser zbar
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Browser tests drive Debian's chromium (never a downloaded browser). Installed when we are root with
# apt; elsewhere those tests skip and say why.
browser:
	@if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "installing Debian's chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) \
		|| echo "could not install chromium: browser tests will be skipped"; \
	fi

# The QR decoding tests read every printed QR code with zbar (pyzbar needs Debian's libzbar0) beside OpenCV.
# Installed when we are root with apt; as root without it those tests fail, elsewhere they skip and say why.
zbar:
	@if ! ldconfig -p 2>/dev/null | grep -q 'libzbar\.so\.0' && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "installing Debian's libzbar0 for the QR decoding tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libzbar0) \
		|| echo "could not install libzbar0: the QR decoding tests will fail"; \
	fi

lint: setup
	$(BIN)/python -m ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

# Developers: extract new strings into the catalogues (needs GNU gettext), then translate them.
messages: setup
	$(BIN)/python manage.py makemessages -l nl -l fr -l ar --no-obsolete --ignore '.venv/*' --ignore 'var/*' --ignore 'benchmarks/*' --ignore 'tests/*' --ignore 'deploy/*' --ignore 'docs/*'
	$(BIN)/python -m backend.i18n --arabic-scope
	$(BIN)/python manage.py makemessages -d djangojs -l nl -l fr --no-obsolete --ignore '.venv/*' --ignore 'var/*' --ignore 'benchmarks/*' --ignore 'tests/*' --ignore 'deploy/*' --ignore 'docs/*' --ignore '*/vendor/*'

# The manual: docs/ and mkdocs.yml, built into var/site; any MkDocs warning fails it (--strict).
# NO_MKDOCS_2_WARNING silences Material's notice about its own end of life, printed on every build.
DOCS_STAMP := $(VENV)/.docs-installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
$(DOCS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,docs]'
	@rm -f $(VENV)/.docs-installed-*
	@touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

clean-embedded:
	rm -rf var/db.sqlite3* var/broker var/static
