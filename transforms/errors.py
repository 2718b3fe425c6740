"""Error types: what a user can fix (exit 2, one line) versus a bug (exit 1, traceback)."""


class UserError(Exception):
    """A mistake the user can fix: bad config, missing input, existing version, missing key.

    The CLI prints `error: <message>` on one line and exits 2, with no traceback.
    """


class CorruptInputError(Exception):
    """An input file could not be read (corrupt gzip, truncated Parquet).

    Raised inside a worker; the message always starts with MARKER and names the file so the
    driver can find it in the runner's wrapped exception and print it on one line.
    """

    MARKER = "tdg-corrupt-input-file:"

    def __init__(self, uri: str, detail: str) -> None:
        super().__init__(f"{self.MARKER} {uri}: {detail}")
        self.uri = uri
        self.detail = detail


class InvariantError(Exception):
    """Counts did not reconcile (read != accepted + quarantined): the run fails loudly."""


class PipelineFailure(Exception):
    """The pipeline failed for a reason that can be said in one line (exit 1, no traceback)."""
