# The production image: gunicorn by default; the live chat (Daphne), the worker and beat run
# the same image with another command (docker-compose.yml). Settings come from the environment (.env.example).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=housing_contact.settings.base \
    PYTHONPATH=/app

RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, in their own layer, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import subprocess, sys, tomllib; \
deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; \
subprocess.check_call([sys.executable, '-m', 'pip', 'install', *deps])"

COPY . .
# The project itself; PYTHONPATH=/app makes /app the copy that runs, so BASE_DIR finds
# templates/, static/ and locale/ beside it.
RUN pip install --no-deps . && rm -rf build ./*.egg-info

# Translations and static files are built into the image. Settings need values to load;
# these dummies are never used at run time (no database or Redis is contacted here).
RUN DEBUG=false \
    SECRET_KEY=image-build-only-not-a-secret-signs-nothing-0123456789abcdef \
    DATABASE_URL=postgres://build@localhost:5432/build \
    REDIS_URL=redis://localhost:6379/0 \
    sh -c "python manage.py compiletranslations && python manage.py collectstatic --noinput --verbosity 0" \
 && mkdir -p var/media var/celerybeat \
 && chown -R app:app var

USER app
EXPOSE 8000 8001
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-m", "housing_contact.healthcheck", "web"]
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
