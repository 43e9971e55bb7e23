"""Signals that apps send for changes the model signals do not see (bulk writes)."""

from django.dispatch import Signal

# Sent with ``ids`` after rows of ``sender`` were written in bulk (bulk_create, update), e.g. by an import,
# so that derived data such as the search index can catch up.
rows_written = Signal()
