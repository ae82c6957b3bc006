"""REST API of cases and the reference lists a registration needs."""
