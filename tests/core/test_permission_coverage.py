"""Every registered permission has a row in a role matrix test (STYLE.md rule 6).

A new ``rules.add_perm`` without a matrix fails here. Matrix tests live in files named
``test_*permissions*.py`` or ``test_*matrix*.py`` and name each permission as a string literal.
"""

from pathlib import Path

from rules.permissions import permissions

TESTS = Path(__file__).resolve().parent.parent


def _matrix_sources() -> str:
    files = [*TESTS.rglob("test_*permissions*.py"), *TESTS.rglob("test_*matrix*.py")]
    return "\n".join(path.read_text(encoding="utf-8") for path in files if path != Path(__file__))


def test_every_registered_permission_is_in_a_matrix_test():
    sources = _matrix_sources()
    missing = sorted(name for name in permissions if f'"{name}"' not in sources)
    assert missing == []


def test_the_permission_registry_is_not_empty():
    # Guards the test above against passing vacuously if autodiscovery of rules.py ever stopped.
    assert "accounts.access_admin" in permissions
    assert "network.change_municipality" in permissions
