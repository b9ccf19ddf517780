# John's Umbrella Mart - local tooling.  `make help` lists the targets.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
VENV_STAMP := $(VENV)/.requirements.stamp
REQUIREMENTS := infra/requirements.txt
# checkov gets a virtualenv of its own: its pins clash with aws-sam-cli's.
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.requirements.stamp
CHECKOV_REQUIREMENTS := infra/requirements-checkov.txt
# The venv's tools (sam, cfn-lint, moto_server, cargo-lambda, zig) come first.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export SAM_CLI_TELEMETRY := 0
AWS_REGION ?= us-east-1

.PHONY: help venv venv-checkov dev doctor test chaos lint cfn-lint checkov sam-validate sam-build clean distclean

help:
	@echo "make venv        create/refresh .venv from $(REQUIREMENTS) (only when it changed)"
	@echo "make venv-checkov  create/refresh .venv-checkov from $(CHECKOV_REQUIREMENTS)"
	@echo "make dev         moto + cargo lambda watch + SQS poller on 127.0.0.1 (Ctrl-C stops all)"
	@echo "make doctor      the integration review against the local stack (STACK=<name>: a deployed one); exit 1 on critical"
	@echo "make test        cargo tests against a private moto, then cfn-lint, checkov and sam validate"
	@echo "                 TEST_ARGS='--test inbound signature' runs only cargo test with those arguments"
	@echo "make chaos       the chaos run (issue #7): 10,000 messages through faults; CHAOS_ARGS='--seed 8' to vary"
	@echo "make lint        cargo fmt --check, clippy -D warnings, cfn-lint, checkov, sam validate --lint"
	@echo "make sam-build   sam build (arm64, cargo-lambda) into .aws-sam/"
	@echo "make clean       remove .aws-sam/ and .local/  (distclean: also .venv/ and target/)"

venv: $(VENV_STAMP)

# Re-runs only when the stamp is missing or older than the requirements file.
$(VENV_STAMP): $(REQUIREMENTS)
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r $(REQUIREMENTS)
	@touch $@

venv-checkov: $(CHECKOV_STAMP)

$(CHECKOV_STAMP): $(CHECKOV_REQUIREMENTS)
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r $(CHECKOV_REQUIREMENTS)
	@touch $@

dev: venv
	infra/local/dev.sh

# The integration review (docs/review.md): `make doctor`, or `make doctor STACK=<name>`.
doctor:
	cargo run -q -p jum -- $(if $(STACK),--stack $(STACK)) doctor

test: venv venv-checkov
	infra/local/test.sh $(TEST_ARGS)

# Not part of `make test` (a small run is: tests/tests/reliability/chaos.rs).
chaos: venv
	infra/local/chaos.sh $(CHAOS_ARGS)

lint: venv
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	$(MAKE) --no-print-directory cfn-lint checkov sam-validate

cfn-lint: venv
	cfn-lint template.yaml

# --skip-download: no call to the Bridgecrew/Prisma platform, so it runs offline.
checkov: venv-checkov
	$(CHECKOV_VENV)/bin/checkov -f template.yaml --framework cloudformation --skip-download --quiet --compact

sam-validate: venv
	sam validate --lint --region $(AWS_REGION)

sam-build: venv
	rustup target add aarch64-unknown-linux-gnu
	sam build --beta-features

clean:
	rm -rf .aws-sam .local

distclean: clean
	rm -rf $(VENV) $(CHECKOV_VENV)
	cargo clean

# Benchmarks (not part of `make test`): figures and commands are in BENCHMARKS.md.
.PHONY: bench
bench: venv $(VENV)/.bench-requirements.stamp
	cargo bench -p integration-tests --bench sender_throughput 2>/dev/null | grep '^|'
	cargo bench -p shared --bench intake
	@# The processor prints its EMF metric lines on every iteration; keep criterion's report only.
	bash -o pipefail -c "cargo bench -p processor --bench batch | grep -v '^{\"'"
	$(VENV)/bin/python infra/bench/pywa_compare.py
	infra/bench/package_size.sh
	infra/bench/coldstart/run.sh
	infra/bench/aws_cost.sh

# pywa, for the peer comparison only: kept out of infra/requirements.txt so
# that `make test` does not install it.
$(VENV)/.bench-requirements.stamp: infra/requirements-bench.txt $(VENV_STAMP)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r $<
	@touch $@
