# dossiers — task runner. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
YEAR ?= 2023
# Debian packages the pipeline and its tests need: LibreOffice (DOCX -> PDF), the Times New Roman
# metric-compatible fonts, pdftotext/pdftoppm, and LibreOffice's Python bridge for the unoconv backend.
SYSTEM_PACKAGES := libreoffice-writer-nogui fonts-liberation2 poppler-utils python3-uno unoconv

.PHONY: help setup system dossiers test lint bench clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

setup: system $(STAMP) ## install system packages (as root) and the pinned Python package in .venv

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

system: ## install LibreOffice, fonts and poppler with apt-get when missing
	@missing=""; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-writer-nogui"; \
	fc-list 2>/dev/null | grep -q LiberationSerif || missing="$$missing fonts-liberation2"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v unoconv >/dev/null || missing="$$missing python3-uno unoconv"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Cài gói hệ thống:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "Thiếu gói hệ thống. Chạy: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

dossiers: setup ## build the dossiers of the sample year into output/
	$(BIN)/dossiers build --input input/$(YEAR) --out output

test: setup ## run the test suite (real LibreOffice, real .xlsx)
	$(BIN)/pytest -q

lint: setup ## ruff
	$(BIN)/ruff check pipeline tests tools

bench: setup ## time the pipeline against bare LibreOffice conversion
	$(BIN)/python tools/bench.py

clean: ## remove generated output and caches
	rm -rf output .pytest_cache .ruff_cache
