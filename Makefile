# Everything a fresh machine needs, from nothing but python3 and make.
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
SEED := samples/000_61d1a242538ca415.txt

.PHONY: demo test lint bench model clean-venv

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

demo: $(VENV)/.installed
	@echo "== archiver clean $(SEED)"
	$(BIN)/archiver clean $(SEED)
	@echo
	@echo "== archiver clean --format json samples/ (text shortened here)"
	$(BIN)/archiver clean --format json samples/ | $(PY) -c 'import json,sys; [print(json.dumps({**r, "text": r["text"][:60] + "…"}, ensure_ascii=False, indent=1)) for r in map(json.loads, sys.stdin)]'

test: $(VENV)/.installed
	$(BIN)/ruff check archiver tests benchmarks
	$(PY) -m pytest -q

bench: $(VENV)/.installed
	$(PY) benchmarks/throughput.py

model: $(VENV)/.installed
	$(PY) -m archiver.lm.build

clean-venv:
	rm -rf $(VENV)
