# Production image: gunicorn for the web, the same image runs the Celery worker and beat (docker-compose.yml).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORTAL_VAR_DIR=/var/lib/portal STATIC_ROOT=/app/staticfiles
RUN apt-get update && apt-get install -y --no-install-recommends \
      fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext postgresql-client texlive-lang-chinese \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /usr/local/share/fonts \
    && ln -s /usr/share/texlive/texmf-dist/fonts/opentype/public/fandol /usr/local/share/fonts/fandol && fc-cache -f
WORKDIR /app
COPY requirements.lock pyproject.toml ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN pip install --no-cache-dir --no-deps -e . \
    && python -m django compilemessages --ignore='.venv/*' \
    && SECRET_KEY=build-only python manage.py collectstatic --no-input
RUN useradd --system --home /var/lib/portal portal && mkdir -p /var/lib/portal && chown portal /var/lib/portal
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
