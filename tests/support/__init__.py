"""Test support: helpers shared by several test packages (a throwaway PostgreSQL server)."""
