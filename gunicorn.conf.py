"""gunicorn settings, one copy for `make serve`, the end-to-end tests and benchmarks/serve.py.

Two worker processes (one per core here; WEB_CONCURRENCY overrides) with four threads each:
requests mostly wait on the store, and translation runs in a background thread per worker.
"""
import os

wsgi_app = "service:create_app()"
bind = f"{os.environ.get('KAKEHASHI_HOST', '127.0.0.1')}:{os.environ.get('KAKEHASHI_PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = 4
accesslog = "-"
# gunicorn's control socket is one fixed path per user: several servers on one machine
# (tests, benchmarks, a developer's `make serve`) would fight over it, and we do not use it.
control_socket_disable = True


def post_worker_init(worker):
    """Each worker watches the translators' catalogs from a background thread, never inside a
    request (service/catalogs/watcher.py); CLI runs and create_app() never start it."""
    from service.catalogs.watcher import start_catalog_watcher

    start_catalog_watcher(worker.wsgi)
