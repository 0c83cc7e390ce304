"""The baseline for benchmarks/serve.py: a bare Flask app under the same server settings."""
from flask import Flask


def create_app():
    app = Flask(__name__)

    @app.get("/")
    def hello():
        return "hello"

    return app
