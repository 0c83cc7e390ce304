"""The worker tier: ``kakehashi worker`` runs the queue's consumer with the translation models.

Only this package (through ``service.translate.engine``) loads ctranslate2 and sentencepiece;
web processes never import it.
"""
