"""Offline machine translation with Argos Translate packages, without argostranslate at run time.

- ``packages``/``archive``: install (validated, atomic), list and remove ``.argosmodel`` files.
- (``service/cli/model_index.py``: ``--from-index`` for online machines, the only code that touches the network, and CLI-only.)
- ``splitter``, ``engine``, ``registry``: sentences → batched CTranslate2 → text, pivots via en.
- ``lookup``, ``fill``, ``background``: stored translations for the resolver, and filling them.
- ``synthetic``: real packages with random weights for tests and benchmarks.

"""
