"""See the package docstring in tdg/__init__.py."""
