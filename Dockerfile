# mitwirken: one image for the migration job, web, worker and beat (see docker-compose.yml).

# --- front-end assets: node_modules is served under /vendor/ (VENDOR_PATH) ------
FROM node:22-bookworm-slim AS assets
WORKDIR /build
# package-lock.json is optional: `npm ci` when it exists, `npm install` otherwise.
COPY package.json package-lock.json* ./
RUN if [ -f package-lock.json ]; then npm ci --omit=dev; else npm install --omit=dev; fi \
    && npm cache clean --force

# --- the application -------------------------------------------------------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    FLASK_APP=app

WORKDIR /app

# pg_dump/pg_restore for `flask backup` (Debian bookworm: PostgreSQL 15, the server
# version in docker-compose.yml; the client must not be older than the server).
# WeasyPrint (the Auswertung as PDF) draws text with Pango; Liberation and DejaVu are the
# fonts the print stylesheet names.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation2 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, read from pyproject.toml, so code changes keep this layer cached.
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Only what the running app needs (no .venv, instance/, tests or host node_modules).
COPY app ./app
COPY worker ./worker
COPY migrations ./migrations
COPY translations ./translations
COPY babel.cfg ./
COPY --from=assets /build/node_modules ./node_modules

# Installed in place (editable, no further downloads): app/config.py finds
# migrations/, translations/, node_modules/ and instance/ next to the package,
# which a copy in site-packages would not have.
RUN pip install --no-deps -e . \
    && pybabel compile -d translations \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin mitwirken \
    && mkdir -p /app/instance /srv/exports \
    && chown mitwirken /app/instance /srv/exports

USER mitwirken
# Secret key file (unused when SECRET_KEY is set), mail files, beat schedule.
VOLUME ["/app/instance"]
# Finished export files (EXPORT_STORAGE), shared by web, worker and beat.
VOLUME ["/srv/exports"]
EXPOSE 8000

# Migrations are not run here: every web replica would race to run them as it starts.
# Run `flask db upgrade` once per release (the `migrate` service in docker-compose.yml).
# gunicorn writes no access log (it would hold client addresses and links with tokens);
# the app logs no addresses (app/core/security.py, docs/security.md).
CMD ["gunicorn", "--workers", "4", "--bind", "0.0.0.0:8000", "app:create_app()"]
