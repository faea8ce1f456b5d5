"""The Learning Portal's pages, one module per sub-area: items, the cascade, the checks."""
