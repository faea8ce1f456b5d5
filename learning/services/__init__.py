"""Every change to the Learning Portal, one module per sub-area: items (and their actions and ladder),
the cascade, the checks."""
