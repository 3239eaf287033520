# Production image: gunicorn serves Django; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/var/lib/unct
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      nodejs npm make libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-dejavu-core fonts-noto-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml package.json package-lock.json Makefile ./
RUN python -m venv /app/.venv && /app/.venv/bin/pip install --no-cache-dir '.' \
 && npm ci --no-audit --no-fund
COPY . .
RUN make static/vendor/.copied \
 && DJANGO_SETTINGS_MODULE=config.production DJANGO_CHECK_ONLY=1 \
    /app/.venv/bin/python manage.py collectstatic --noinput

ENV PATH="/app/.venv/bin:$PATH" DJANGO_SETTINGS_MODULE=config.production
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
