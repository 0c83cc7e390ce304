"""Offline machine translation with Argos Translate packages, without argostranslate at run time.

- ``packages``: install (the zip checked before a byte is written; atomic), list and remove ``.argosmodel`` files.
- ``engine``, ``registry``: sentences (``service.text.sentences``) → batched CTranslate2 → text, pivots via en.
- ``protect``: URLs, e-mails, @handles, #hashtags and numbers come out of every model verbatim.
- ``memory``: the sentence memory; only sentences never seen with an engine reach it.
- ``fill``: filling stored machine translations (run by ``kakehashi worker``).

The CLI (``service/cli/``) drives these; its ``model_index`` is the only code that may touch the
network (``models install --from-index``), and nothing while serving imports it.
"""
