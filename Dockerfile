# Production image: gunicorn serving Django with production settings; static files are
# collected at build time and served by whitenoise with hashed names.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    PORT=8000

RUN useradd --create-home --uid 1000 agora
WORKDIR /app

# Dependencies first, from the pinned lock, so code changes do not reinstall them.
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock

COPY --chown=agora:agora . .
# A throwaway key for collectstatic only (production settings refuse weak ones); never kept.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" ALLOWED_HOSTS=build.invalid DATABASE_URL=sqlite:////tmp/build.db \
    python manage.py collectstatic --no-input --verbosity 0 \
    && mkdir -p /app/media && chown agora:agora /app/media

# The release the memo keys its values by (pagecache/memo.py): the commit being built, so a new
# image never reads what the last one kept. `docker compose build` passes `git rev-parse HEAD`.
ARG RELEASE_ID=""
ENV RELEASE_ID=${RELEASE_ID}

USER agora
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=4)"

CMD ["sh", "-c", "gunicorn config.wsgi:application --bind 0.0.0.0:${PORT} --workers ${WEB_WORKERS:-2} --access-logfile -"]
