"""Pure text processing: sentence boundaries and the summarizer."""
