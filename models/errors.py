"""The project's exception hierarchy starts here, at the bottom of the data flow, so every layer can extend it.

`proofs.errors` and `zkaigc.errors` add their own subclasses; `zkaigc.errors` re-exports all of them, so an
application catches `ZkaigcError` for anything the project raises on purpose.
"""


class ZkaigcError(Exception):
    """Base class of every error zkaigc raises on purpose (a user mistake, missing files, a failed proof)."""


class UnknownModelError(ZkaigcError, LookupError):
    """A name that the registry does not describe as a model of the kind asked for (`models.registry.get`)."""

    #: What the registry's entries of this kind are called in the message.
    what = "model"

    def __init__(self, name: str, known: list[str]):
        super().__init__(f"unknown {self.what} {name!r}; known: {', '.join(known)}")
        self.name, self.known = name, known


class CheckpointMissingError(ZkaigcError, FileNotFoundError):
    """A registered model that has no trained checkpoint yet."""


class NounsDataMissingError(ZkaigcError, FileNotFoundError):
    """The Nouns art (`@nouns/assets`' image data) is not installed: run `npm ci`."""
