"""Expected trouble while fetching and extracting, with messages written for the user."""


class IngestError(Exception):
    """Base of every expected ingest problem; str() is a message for the user: what happened, what to do."""


class BadUrl(IngestError):
    """Not an http(s) URL, or not a URL at all."""


class FetchError(IngestError):
    """The server could not be reached or answered with an error."""

    def __init__(self, message: str, *, url: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class RobotsDisallowed(FetchError):
    pass


class TooLarge(FetchError):
    pass


class NotABlog(IngestError):
    """The address answered, but no posts could be found there."""
