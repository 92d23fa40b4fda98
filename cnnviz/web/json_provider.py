"""Flask's JSON through orjson: a stroke's responses hold thousands of numbers, and the
standard library's encoder spent more time on them than the network's forward pass.

Output is compact UTF-8 JSON with keys in insertion order; floats are written as the
shortest text that reads back to the same value, as json.dumps does. What orjson
refuses (an integer beyond 64 bits) goes through the standard library instead.
"""
import json

import orjson
from flask.json.provider import JSONProvider

OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def _default(value):
    if hasattr(value, "tolist"):  # a NumPy array orjson does not write itself (0-d, strided, other dtypes)
        return value.tolist()
    if hasattr(value, "__html__"):  # markupsafe.Markup, as Flask's own provider allows
        return str(value.__html__())
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _encode(obj):
    try:
        return orjson.dumps(obj, default=_default, option=OPTIONS)
    except TypeError:
        return json.dumps(obj, default=_default, ensure_ascii=False, separators=(",", ":")).encode()


class OrjsonProvider(JSONProvider):
    def dumps(self, obj, **kwargs):
        return _encode(obj).decode()

    def loads(self, s, **kwargs):
        return json.loads(s, **kwargs)  # request bodies are parsed by web.inputs.parse_json

    def response(self, *args, **kwargs):
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(_encode(obj), mimetype="application/json")
