"""Named exceptions with messages a user can act on.

Every error the library raises on purpose derives from :class:`FactcheckError`.
The CLI and the app turn one into a single readable line; nothing else is shown.
"""


class FactcheckError(Exception):
    """Base class: ``str(error)`` is the message shown to the user."""


class ConfigError(FactcheckError):
    """A setting (option or environment variable) has an invalid value."""


class InputError(FactcheckError):
    """Input that cannot be used: empty, binary, too large, undecodable, no text."""


class FetchError(InputError):
    """A URL could not be fetched (status, timeout, size, redirects, refused address)."""


class DatabaseError(FactcheckError):
    """The database cannot be opened, migrated or reached, or refused a statement."""


class IntegrityError(DatabaseError):
    """A write broke a rule of the schema: a unique key, a check, a foreign key, or the
    append-only audit log. The same exception on SQLite and PostgreSQL."""


class NotFoundError(FactcheckError):
    """A requested row (article, claim, ...) does not exist."""


class ModelError(FactcheckError):
    """A model cannot be loaded or does not match what the database holds."""


class LLMError(FactcheckError):
    """The optional LLM backend is misconfigured or returned unusable output."""


class ConflictError(FactcheckError):
    """A write lost a compare-and-set race: someone else changed the row first."""


class ResourceError(FactcheckError):
    """A file that ships with factcheck (migrations, prompts, demo, app) cannot be found."""


class PermissionDeniedError(FactcheckError):
    """The signed-in account's role (or a disabled account) does not allow the action."""


class AuthenticationError(FactcheckError):
    """A sign-in failed: unknown name, wrong password, disabled account, too many tries."""
