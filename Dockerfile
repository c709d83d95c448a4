FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng \
      tesseract-ocr-osd poppler-utils fonts-noto-cjk postgresql-client \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY core core
COPY records records
COPY access access
COPY storage storage
COPY ingest ingest
COPY search search
COPY custody custody
COPY retention retention
COPY api api
RUN pip install --no-cache-dir .
RUN useradd --system --home /var/lib/dangan dangan && mkdir -p /var/lib/dangan && chown dangan /var/lib/dangan
USER dangan
ENV DANGAN_HOME=/var/lib/dangan
EXPOSE 8000
