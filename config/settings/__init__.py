"""Settings modules: ``dev`` (default for manage.py), ``test`` and ``production``."""
