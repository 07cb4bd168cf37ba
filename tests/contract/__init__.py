"""The store contract, run on every configured backend (a package so its conftest and helpers have their own names)."""
