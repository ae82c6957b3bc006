# syntax=docker/dockerfile:1
# One image for web (gunicorn), worker and beat (celery); docker-compose.yml picks the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=petition_desk.settings.production

RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home app
WORKDIR /app

# The PDF letters: WeasyPrint's Pango and HarfBuzz, and a CJK font for real Chinese typesetting.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt

# The code stays owned by root (the app cannot rewrite it); only var/ is the app's.
COPY . .
# collectstatic needs importable settings, not real secrets: these throw-away values exist only
# for this one command and are not kept in the image.
RUN DJANGO_SECRET_KEY=collectstatic-only \
    FIELD_ENCRYPTION_KEYS=Y29sbGVjdHN0YXRpYy1vbmx5LWtleS0zMi1ieXRlcyE= \
    ID_NUMBER_HASH_KEY=collectstatic-only \
    python manage.py collectstatic --noinput \
    && mkdir -p var/media var/celery \
    && chown -R app:app var

USER app
EXPOSE 8000
CMD ["gunicorn", "petition_desk.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
