# Every target sets up what it needs first, so each works on a fresh clone.
# Python deps: .venv (line cdktf-aws5, pinned by constraints.txt); the other framework lines
# each in .venv-<line> (pinned by constraints-<line>.txt). cdktf CLI: node_modules (pinned
# by package-lock.json). checkov: .venv-checkov (its pins clash with ours).
SHELL := /bin/bash
.DEFAULT_GOAL := help
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CDKTF := node_modules/.bin/cdktf
CHECKOV_VENV := .venv-checkov
CHECKOV_VERSION := 3.3.30
# The framework line of `make synth` (cdktf-aws5, cdktf-aws6 or cdktn); `make test` runs the
# whole suite on cdktf-aws5 and the synth-level suite (no provider binary) on the other two.
LINE ?= cdktf-aws5
OTHER_LINES := cdktf-aws6 cdktn
SYNTH_LEVEL := not terraform and not e2e and not long_running

export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CHECKPOINT_DISABLE := 1
export CDKTF_DISABLE_PLUGIN_CACHE_ENV := 1
# Terraform CLI config for an offline provider mirror, when there is one
# ($$TF_PROVIDER_MIRROR, or found on this machine); empty otherwise.
TF_CONFIG = TF_CLI_CONFIG_FILE="$$($(PY) -m devtools.terraform configure)"

.PHONY: help setup synth test test-line test-long deploy-local destroy-local bench checkov clean

help:
	@echo "make synth          set up, then synthesize the example app (cdktf synth); LINE=cdktn or"
	@echo "                    LINE=cdktf-aws6 synthesizes it on that framework line instead"
	@echo "make test           set up, then run the whole test suite (line cdktf-aws5), and the"
	@echo "                    synth-level suite on lines cdktf-aws6 and cdktn"
	@echo "make test-line      LINE=cdktf-aws6|cdktn: the synth-level suite on that line only"
	@echo "make test-long      set up, then run the tests marked long_running (minutes each)"
	@echo "make deploy-local   deploy every environment to a local AWS endpoint (moto)"
	@echo "make destroy-local  destroy what deploy-local deployed"
	@echo "make bench          benchmark synth and plan; writes docs/benchmark.md"
	@echo "make checkov        security scan of the synthesized stacks"

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[cdktf-aws5,dev]'
	touch $@

# Another framework line's environment: .venv-cdktf-aws6, .venv-cdktn.
.venv-%/.installed: pyproject.toml constraints-%.txt
	test -x .venv-$*/bin/python || $(PYTHON) -m venv .venv-$*
	.venv-$*/bin/python -m pip install --quiet --upgrade pip
	.venv-$*/bin/python -m pip install --quiet -c constraints-$*.txt -e '.[$*,dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CHECKOV_VENV)/.installed:
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet 'checkov==$(CHECKOV_VERSION)'
	touch $@

ifeq ($(LINE),cdktf-aws5)
synth: setup
	$(TF_CONFIG) $(CDKTF) synth
else
# The app writes cdktf.out itself (what `cdktf synth` runs), with that line's Python.
synth: setup .venv-$(LINE)/.installed
	$(TF_CONFIG) .venv-$(LINE)/bin/python main.py
endif

# Line cdktf-aws5: the synth-level tests on two workers (each its own jsii process), then the
# tests that run terraform or deploy to the local endpoint, one at a time (they share it).
test: setup $(CHECKOV_VENV)/.installed $(OTHER_LINES:%=.venv-%/.installed)
	$(TF_CONFIG) $(PY) -m pytest -q -n 2 -m "$(SYNTH_LEVEL)"
	$(TF_CONFIG) $(PY) -m pytest -m "(terraform or e2e) and not long_running"
	for line in $(OTHER_LINES); do $(MAKE) --no-print-directory test-line LINE=$$line; done

test-line: setup .venv-$(LINE)/.installed
	@echo "== synth-level suite on the $(LINE) line =="
	$(TF_CONFIG) .venv-$(LINE)/bin/python -m pytest -q -n 2 -m "$(SYNTH_LEVEL)"

test-long: setup
	$(TF_CONFIG) $(PY) -m pytest -m long_running

deploy-local: setup
	$(TF_CONFIG) $(PY) -m devtools.rehearse deploy

destroy-local: setup
	$(TF_CONFIG) $(PY) -m devtools.rehearse destroy

# Every line side by side: line cdktf-aws5 is this repository's .venv.
bench: setup $(OTHER_LINES:%=.venv-%/.installed)
	$(TF_CONFIG) $(PY) -m devtools.bench --line cdktf-aws5=$(PY) \
	  --line cdktf-aws6=.venv-cdktf-aws6/bin/python \
	  --line cdktn=.venv-cdktn/bin/python,cdktn,cdktn_provider_aws

checkov: setup $(CHECKOV_VENV)/.installed
	$(TF_CONFIG) $(PY) -m devtools.security_scan

clean:
	rm -rf cdktf.out .cache/rehearsal
