"""What every API serializer of the project shares."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import translation
from drf_spectacular.plumbing import get_lib_doc_excludes
from rest_framework import serializers

from .validators import validate_record_date


class FieldsBuiltOnce:
    """A ModelSerializer builds its fields from the model on every instantiation, and every
    serializer deep-copies its declared fields. Serializers are instantiated on every request,
    nested ones once per nesting and those of a method field once per row; for registration that
    building was a third of the request's time, and for a petitioner look-up a sixth. Their fields
    depend on nothing but the class, so each class builds them once and every instance gets
    copies. So are the validators DRF derives from the model's unique constraints, which it also
    looked for on every instantiation.

    The copies are shallow: DRF's deep copy constructs the field anew from deep copies of its
    arguments, which cost a tenth of a registration, while binding and validating a field only sets
    attributes of its own and reads the rest (choices, validators, messages), which the copies may
    share. A nested serializer builds its own fields when first asked, so a shallow copy of it is
    as fresh as a deep one; a list of them (many=True) gets a copy of its child of its own, which
    validating each item sets attributes on.

    Only for serializers whose fields do not depend on the instance, the data or the context.
    Nor on the language, but for one thing: DRF words the messages of a field's limits (max_length,
    max_value) once, in the language of the first request that shows them, so the fields are
    built once per language."""

    def get_fields(self):
        by_language = type(self).__dict__.get("_built_fields")
        if by_language is None:
            by_language = type(self)._built_fields = {}
        language = translation.get_language()
        built = by_language.get(language)
        if built is None:
            built = by_language[language] = super().get_fields()
        return {name: _copy(field) for name, field in built.items()}

    def get_validators(self):
        # DRF's validators take the serializer as an argument (requires_context) and keep no state.
        built = type(self).__dict__.get("_built_validators")
        if built is None:
            built = type(self)._built_validators = tuple(super().get_validators())
        return list(built)


def _copy(field: serializers.Field) -> serializers.Field:
    # What copy.copy does for a field (DRF defines no __copy__), without its detour through
    # __reduce_ex__: a registration copies about forty fields.
    copied = object.__new__(type(field))
    copied.__dict__.update(field.__dict__)
    if isinstance(field, serializers.ListSerializer):
        # Bound to the list as its child, as ListSerializer's __init__ binds it: the rest of what
        # binding sets (name, source) is the same for every copy.
        copied.child = _copy(field.child)
        copied.child.parent = copied
    return copied


def schema_doc_excludes() -> list[type]:
    """drf-spectacular describes a serializer or a view by the first docstring up its classes, up
    to the first of these: DRF's own and our mixins, whose docstrings tell how they work, not what
    a case or a department is (SPECTACULAR_SETTINGS["GET_LIB_DOC_EXCLUDES"])."""
    # Imported here: the case API's serializers import this module.
    from cases.api.actions import CaseActionsMixin

    return [*get_lib_doc_excludes(), FieldsBuiltOnce, CaseActionsMixin]


class RecordDateTimeField(serializers.DateTimeField):
    """A time the bureau records (a visit's): between 2000 and 2099, refused with the forms'
    message outside. Checked before DRF moves it to the bureau's zone: a day near the ends of the
    calendar (0001-01-01T00:00, in Beijing) has no UTC, and its OverflowError in DRF's check of
    the result was a server error."""

    def __init__(self, **kwargs):
        super().__init__(validators=[validate_record_date], **kwargs)

    def enforce_timezone(self, value):
        try:
            validate_record_date(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return super().enforce_timezone(value)
