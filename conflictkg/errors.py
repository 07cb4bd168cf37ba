"""One base error per package, so callers can catch the project's expected failures only."""


class KGError(Exception):
    """Base of every expected failure; its message is shown to the user as one line."""


class StoreError(KGError):
    """The graph store is unreachable, locked or refused an operation."""


class ReadOnlyViolation(StoreError):
    """A query through a read-only path tried to write."""


class APIError(KGError):
    """A bad argument to the API or a refused request; its message reaches the client unmasked."""


class StoreBusy(StoreError):
    """The store is working but cannot take this request now (its queue is full, or it did not answer in time):
    asking again later may succeed."""
