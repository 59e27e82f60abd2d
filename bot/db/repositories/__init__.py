"""Database access, one module per aggregate. Repositories take a session; callers own the unit of work."""
