"""Errors that name the input they concern, so a batch can report them and go on."""


class InputError(Exception):
    """An input file (or one record inside it) cannot be used."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
