"""Build the optional native core (``scrubber/engine/_block.pyx``, ``_scan.pyx``,
``_automaton.pyx``, ``_native.pyx``, ``_lines.pyx``, ``_passes.pyx``, ``_dedup.pyx``); metadata
is in pyproject.toml.

The extension is optional: when it cannot be compiled (no C compiler, no Cython) the install
goes on and scrubber runs its pure-Python path, which gives identical results, only slower.
"""

from __future__ import annotations

import os
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """A failed compile is a warning, not a failed install (unless SCRUBBER_REQUIRE_NATIVE=1)."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # any compiler or toolchain failure
            self._fallback(exc)

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            self._fallback(exc)

    @staticmethod
    def _fallback(exc: Exception) -> None:
        if os.environ.get("SCRUBBER_REQUIRE_NATIVE") == "1":
            raise exc
        print(f"warning: scrubber's native core was not built ({exc}); the pure-Python path "
              "will be used (same results, slower)", file=sys.stderr)


def extensions() -> list[Extension]:
    try:
        from Cython.Build import cythonize
    except ImportError:
        print("warning: Cython is not installed; scrubber's native core is not built", file=sys.stderr)
        return []
    exts = [Extension(f"scrubber.engine.{name}", [f"scrubber/engine/{name}.pyx"])
            for name in ("_block", "_scan", "_automaton", "_native", "_lines", "_passes", "_dedup")]
    return cythonize(exts, language_level=3, quiet=True)


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
