# Threadlab in a container: `docker build -t threadlab . && docker run -p 8000:8000 threadlab`
# Build stage: turn the checkout into a wheel (static/ and templates/ go inside it).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
COPY static ./static
COPY templates ./templates
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

# Run stage: only the installed wheel, run by an unprivileged user.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    THREADLAB_DATA_DIR=/home/threadlab/data
COPY --from=build /wheels /wheels
# bubblewrap: the sandbox every run's program runs in (README, "The sandbox"); Debian's
# current one, as a pinned version breaks once the archive moves on.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends bubblewrap \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels \
    && useradd --create-home --uid 10001 threadlab
USER 10001
WORKDIR /home/threadlab
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
# Inside the container the server must listen on every interface to be reachable.
CMD ["threadlab", "--host", "0.0.0.0", "--port", "8000"]
