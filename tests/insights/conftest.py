from ..program.conftest import domain, make_measure, program, strategy  # noqa: F401  (fixtures)
