"""Benchmark scripts that print figures (STYLE.md rule 12); a package so that bench.settings imports."""
