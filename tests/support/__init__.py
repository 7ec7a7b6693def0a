"""Test support: helper classes and pure functions behind the fixtures in tests/conftest.py."""
