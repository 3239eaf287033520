# Two commands do everything on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: setup fonts run test bench lint clean

setup: $(VENV)/.installed static/vendor/.copied fonts

# WeasyPrint needs fonts covering Latin, Cyrillic and Arabic (Debian packages).
fonts:
	@fc-list 2>/dev/null | grep -q NotoSansArabic || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-core fonts-dejavu-core >/dev/null; \
	  else echo "Install the Debian packages fonts-noto-core fonts-dejavu-core for the PDFs (sudo apt-get install fonts-noto-core fonts-dejavu-core)."; fi; }

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q '.[dev]'
	touch $@

static/vendor/.copied: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	cp node_modules/bootstrap/dist/css/bootstrap.min.css static/vendor/bootstrap.min.css
	cp node_modules/bootstrap/dist/css/bootstrap.rtl.min.css static/vendor/bootstrap.rtl.min.css
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js static/vendor/bootstrap.bundle.min.js
	cp node_modules/sortablejs/Sortable.min.js static/vendor/Sortable.min.js
	touch $@

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) scripts/devserver.py

# pytest on both cores (pytest-xdist; PYTEST_WORKERS=0 runs it in one process).
PYTEST_WORKERS ?= 2
test: setup
	node --test tests/js/*.test.js
	npx --no-install eslint
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

bench: setup
	$(PY) bench/run.py

lint: setup
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) node_modules static/vendor var
