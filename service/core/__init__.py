"""Plain data, errors, settings and the text rules: what every layer shares. Knows no Flask and no store."""
