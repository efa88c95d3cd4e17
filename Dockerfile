# The Lunar Race server in a container: `docker compose up` (compose.yaml) puts Caddy with
# TLS in front of it. Settings come from LUNAR_RACE_<NAME> variables (docs/hosting.md), the
# store lives in the volume at /var/lib/lunar-race.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY assets ./assets
COPY game ./game
COPY server ./server
RUN python -m venv /opt/lunar-race \
    && /opt/lunar-race/bin/pip install --no-cache-dir --upgrade pip \
    && /opt/lunar-race/bin/pip install --no-cache-dir .

FROM python:3.11-slim
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/lunar-race lunar \
    && install -d -o lunar -g lunar -m 0700 /var/lib/lunar-race
COPY --from=build /opt/lunar-race /opt/lunar-race
ENV PATH=/opt/lunar-race/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    LUNAR_RACE_HOST=0.0.0.0 \
    LUNAR_RACE_PORT=8765 \
    LUNAR_RACE_DATA=/var/lib/lunar-race
USER lunar
VOLUME /var/lib/lunar-race
EXPOSE 8765
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ['LUNAR_RACE_PORT'], timeout=4)"]
ENTRYPOINT ["lunar-race", "serve"]
