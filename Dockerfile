# Koppelkansen service. Build: docker compose build; run: docker compose up
FROM node:20-slim AS assets
WORKDIR /src
COPY scripts/vendor-assets scripts/vendor-assets
RUN apt-get update && apt-get install -y --no-install-recommends bash && rm -rf /var/lib/apt/lists/*
RUN bash scripts/vendor-assets

FROM python:3.11-slim AS app
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY app app
COPY geo geo
COPY data data
COPY frontend frontend
COPY alembic alembic
COPY --from=assets /src/frontend/static/vendor frontend/static/vendor
# Editable, so the CLI finds alembic/ and the app its static files beside the code in /app.
RUN pip install --no-cache-dir -e . && useradd --create-home koppelkansen
USER koppelkansen
EXPOSE 8000
CMD ["sh", "-c", "koppelkansen db upgrade && koppelkansen serve --host 0.0.0.0 --port 8000"]
