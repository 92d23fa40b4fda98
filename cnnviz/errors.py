"""Problems a person can fix, each with a stable code and the values it names.

The engine, the teaching code and input parsing raise ``CnnvizError`` (or a
subclass) with a code such as ``"image.too_many_pixels"`` and parameters such as
``limit=40``; the web layer alone maps a code to an HTTP status
(``cnnviz.web.errors``), and the page translates the code with its parameters,
so a Chinese page never shows an English message.
"""


class CnnvizError(ValueError):
    """message: English, for logs, scripts and the API; code: stable, for the page's catalogs."""

    code = "error"

    def __init__(self, message, code=None, **params):
        super().__init__(message)
        if code:
            self.code = code
        self.params = params

    @property
    def message(self):
        return str(self)


class InputError(CnnvizError):
    """The request's input is missing, malformed or out of range."""

    code = "input.invalid"


class ImageError(InputError):
    """An upload cannot be used as an image."""

    code = "image.corrupt"


class NeuronError(InputError):
    """An unknown layer, or a neuron or channel that does not fit the layer."""

    code = "neuron.invalid"
