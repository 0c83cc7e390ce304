"""What readers, editors and tools can do, over the store: write stories, read them localized, coverage, search."""
