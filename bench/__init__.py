"""The benchmark: load client, data seeding and the runner (`make bench`)."""
