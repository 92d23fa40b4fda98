# cnnviz with waitress (python app.py), two processes for two cores, as a non-root user,
# one BLAS thread per process. waitress reads each request whole before a thread sees it,
# so slow or idle clients cannot hold the threads (cnnviz/web/serving.py).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    OPENBLAS_NUM_THREADS=1 \
    OMP_NUM_THREADS=1 \
    MKL_NUM_THREADS=1

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY app.py ./
COPY cnnviz ./cnnviz
COPY templates ./templates
COPY static ./static

RUN useradd --create-home --uid 10001 cnnviz && mkdir -p /instance && chown cnnviz /instance
USER cnnviz
# Jobs and trained models: set CNNVIZ_REDIS_URL and run workers (docker-compose.yml does both);
# the instance folder holds the trained models, shared by the app and the workers.
ENV CNNVIZ_INSTANCE=/instance

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/models', timeout=4)"

CMD ["python", "app.py", "--host", "0.0.0.0", "--port", "8000", "--workers", "2", "--threads", "8"]
