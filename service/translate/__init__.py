"""Offline machine translation with Argos Translate packages, without argostranslate at run time.

- ``packages``/``archive``: install (validated, atomic), list and remove ``.argosmodel`` files.
- ``index``: ``--from-index`` for online machines (the only module that touches the network).
- ``splitter``, ``engine``, ``registry``: sentences → batched CTranslate2 → text, pivots via en.
- ``lookup``, ``fill``, ``background``: stored translations for the resolver, and filling them.
- ``synthetic``: real packages with random weights for tests and benchmarks.
- ``cli``: the ``models`` group and the ``translate`` command.
"""
