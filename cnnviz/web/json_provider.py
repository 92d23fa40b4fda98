"""Flask's JSON through orjson: a stroke's responses hold thousands of numbers, and the
standard library's encoder spent more time on them than the network's forward pass.

Output is compact UTF-8 JSON with keys in insertion order; floats are written as the
shortest text that reads back to the same value, as json.dumps does.
"""
import json

import orjson
from flask.json.provider import JSONProvider

OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def _default(value):
    if hasattr(value, "__html__"):  # markupsafe.Markup, as Flask's own provider allows
        return str(value.__html__())
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class OrjsonProvider(JSONProvider):
    def dumps(self, obj, **kwargs):
        return orjson.dumps(obj, default=_default, option=OPTIONS).decode()

    def loads(self, s, **kwargs):
        return json.loads(s, **kwargs)  # request bodies are parsed by web.inputs.parse_json

    def response(self, *args, **kwargs):
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(orjson.dumps(obj, default=_default, option=OPTIONS),
                                        mimetype="application/json")
