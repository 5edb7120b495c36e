# syntax=docker/dockerfile:1
# KAM production image: gunicorn serving kam.wsgi, static files collected at build time and served
# by WhiteNoise. The same image runs the Celery worker and beat (see docker-compose.yml).

# --- Front-end assets: Bootstrap and Bootstrap Icons, pinned with hashes in package-lock.json ---
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error


# --- The application --------------------------------------------------------------------------
FROM python:3.12-slim AS app

# gunicorn.conf.py reads its worker count from WEB_CONCURRENCY; override it per deployment.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=kam.settings \
    WEB_CONCURRENCY=3

# pg_dump, pg_restore and psql for `manage.py backup` and `restore` (Debian 12's are version 15,
# like the compose stack's PostgreSQL).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

# An unprivileged user; its home holds nothing but what gunicorn may create there. Celery beat
# keeps its schedule in /var/lib/kam/beat (a volume in docker-compose.yml).
RUN groupadd --system --gid 10001 kam \
    && useradd --system --uid 10001 --gid kam --home-dir /home/kam --create-home \
        --shell /usr/sbin/nologin kam \
    && install -d -o kam -g kam /var/lib/kam /var/lib/kam/beat

WORKDIR /app

# Dependencies first, exactly as pinned in pyproject.toml, in a layer of their own so that a code
# change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install --requirement /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The project itself (.dockerignore keeps local environments, databases and secrets out).
COPY . .
# Installed in place (editable): the settings find templates/, static/, locale/ and staticfiles/
# next to the kam package, so the code must run from /app, not from a copy in site-packages.
# setuptools' find (include kam*, accounts*, planning*, scoring*) picks up whichever apps exist.
RUN pip install --no-deps --editable . \
    && cd / && python -c "import accounts.apps, kam.celery"

COPY --from=assets /build/node_modules ./node_modules

# Hashed, compressed static files into /app/staticfiles. Settings refuse to load without a
# SECRET_KEY when DEBUG is off; this throwaway one exists only during this build step.
RUN DEBUG=0 SECRET_KEY=collectstatic-at-build-time-only-not-a-real-secret \
    python manage.py collectstatic --no-input --verbosity 1

USER kam
EXPOSE 8000

# slim has no curl: probe with the standard library. The Host header must be one Django accepts,
# so use the first concrete name in ALLOWED_HOSTS. /healthz is exempt from the HTTPS redirect.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; hosts = [h.strip().lstrip('.') for h in os.environ.get('ALLOWED_HOSTS', '').split(',')]; host = next((h for h in hosts if h and h != '*'), 'localhost'); urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:8000/healthz', headers={'Host': host}), timeout=4)"]

# Every gunicorn setting (workers, timeouts, request limits, the access log that masks tokens) is
# in gunicorn.conf.py; GUNICORN_CMD_ARGS overrides one for a deployment (README.md, "Web server
# limits").
CMD ["gunicorn", "--config", "gunicorn.conf.py", "kam.wsgi"]
