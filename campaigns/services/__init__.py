"""Domain logic, callable without HTTP: one module per area."""
