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
	$(PY) -m compileall -q archiver  # bytecode up front: an editable install leaves none, and some shells forbid writing it
	touch $@

demo: $(VENV)/.installed
	@echo "== archiver clean $(SEED)"
	$(BIN)/archiver clean $(SEED)
	@echo
	@echo "== archiver clean --format json samples/ (text shortened here)"
	$(BIN)/archiver clean --format json samples/ | $(PY) -c 'import json,sys; [print(json.dumps({**r, "text": r["text"][:60] + "…"}, ensure_ascii=False, indent=1)) for r in map(json.loads, sys.stdin)]'
	@echo
	@echo "== archiver ingest samples/ into build/demo-archive, then list, verify, export"
	$(BIN)/archiver ingest --archive build/demo-archive samples/
	$(BIN)/archiver list --archive build/demo-archive
	$(BIN)/archiver verify --archive build/demo-archive
	$(BIN)/archiver export --archive build/demo-archive --format warc build/demo.warc.gz

test: $(VENV)/.installed
	$(BIN)/ruff check archiver tests benchmarks
	$(PY) -m pytest -q

bench: $(VENV)/.installed
	$(PY) benchmarks/throughput.py --repeat 3
	$(PY) benchmarks/ingest.py

model: $(VENV)/.installed
	$(PY) -m archiver.lm.build

clean-venv:
	rm -rf $(VENV)
