"""tdg: certify a training corpus before a model sees it.

The package installs under one import name; `tdg.pipelines`, `tdg.transforms`,
`tdg.expectations` and `tdg.configs` map to the top-level folders of the repository.
"""

__version__ = "0.1.0"
