"""Loader stages: read, normalise, metadata, recognise, resolve, extract, write."""
