"""tdg: certify a training corpus before a model sees it.

The package installs under one import name; `tdg.pipelines`, `tdg.transforms`,
`tdg.expectations` and `tdg.configs` map to the top-level folders of the repository.

For training orchestrators::

    import tdg
    tdg.require_certified("out/sample-corpus/2026.11.1")   # raises NotCertifiedError
"""

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "NotCertifiedError",
    "VerificationResult",
    "__version__",
    "require_certified",
    "verify_certificate",
]

if TYPE_CHECKING:
    from tdg.pipelines.verify import (
        NotCertifiedError,
        VerificationResult,
        require_certified,
        verify_certificate,
    )


def __getattr__(name: str) -> Any:
    # Lazy, so `import tdg` (and reading __version__ at build time) stays cheap.
    if name in __all__:
        from tdg.pipelines import verify

        return getattr(verify, name)
    raise AttributeError(name)
