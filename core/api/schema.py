"""The OpenAPI schema documents the error answers every operation can give, in their one shape.

Without this, drf-spectacular lists only the success code, and a client (or Schemathesis) meets 400,
401, 403, 404, 409 and 429 answers the schema never mentioned.
"""

import re

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorSerializer(serializers.Serializer):
    """{"detail", "code", "fields"}: what core.api.errors.exception_handler answers for every 4xx."""

    detail = serializers.CharField()
    code = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


# The API reference is in English (like the rest of the schema), so these are not translated.
_ERRORS = {
    "400": "Invalid input: `fields` names each field and what is wrong with it.",
    "401": "Not logged in, or the token is unknown.",
    "403": "Your role does not allow this.",
    "404": "Not found, or it belongs to another organisation.",
    "409": "A business rule refuses this (see `code`).",
    "429": "Too many requests: wait and try again.",
}


class LendwiseAutoSchema(AutoSchema):
    def _error_codes(self) -> list[str]:
        view = self.view
        public = any(
            isinstance(permission, type) and issubclass(permission, AllowAny)
            for permission in getattr(view, "permission_classes", [])
        )
        codes = ["400", "404"]
        if not public:
            codes += ["401", "403"]
        if self.method != "GET":
            codes.append("409")
        if getattr(view, "throttle_classes", None):
            codes.append("429")
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(response=ErrorSerializer, description=_ERRORS[code]), code, direction=direction
                )
        # A 4xx a view documents by its description only still has the one error shape: say so, or a client
        # (and Schemathesis' response check) has no schema to hold the body to.
        for code, response in responses.items():
            if str(code).startswith("4") and not response.get("content"):
                described = OpenApiResponse(response=ErrorSerializer, description=response.get("description", ""))
                responses[code] = self._get_response_for_code(described, code, direction=direction)
        return responses


def collapse_blank_alternatives(result, generator, request, public):
    """drf-spectacular writes a blank-allowed field with a pattern as `oneOf: [pattern, maxLength 0]`; when the
    pattern already matches "", a blank value matches both and `oneOf` (exactly one) rejects it."""

    def walk(node):
        if isinstance(node, dict):
            alternatives = node.get("oneOf")
            if (
                isinstance(alternatives, list)
                and len(alternatives) == 2
                and alternatives[1] == {"type": "string", "maxLength": 0}
                and "pattern" in alternatives[0]
                and re.search(alternatives[0]["pattern"], "")
            ):
                node.pop("oneOf")
                node.update(alternatives[0])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result
