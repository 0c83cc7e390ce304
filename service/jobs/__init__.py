"""Translation as durable jobs on Huey: web processes enqueue, ``kakehashi worker`` runs them.

- ``queue``: the Huey instance built from settings (SQLite in the instance folder, or Redis).
- ``tasks``: the task definitions, thin; their bodies call the worker runtime's handlers.
- ``client``: what writers use: enqueue after commit, never wait, never fail the write.
- ``status``: queue depth, oldest job, scheduled retries, failures, for ``/healthz`` and the CLI.

Nothing here imports ctranslate2 or sentencepiece: web processes load this package.
"""
