"""What every API serializer of the project shares."""

import copy

from rest_framework import serializers


class FieldsBuiltOnce:
    """A ModelSerializer builds its fields from the model on every instantiation, and every
    serializer deep-copies its declared fields. Serializers are instantiated on every request,
    nested ones once per nesting and those of a method field once per row; for registration that
    building was a third of the request's time, and for a petitioner look-up a sixth. Their fields
    depend on nothing but the class, so each class builds them once and every instance gets
    copies. So are the validators DRF derives from the model's unique constraints, which it also
    looked for on every instantiation.

    A nested serializer is deep-copied, as DRF copies declared fields. Any other field is copied
    shallowly: DRF's deep copy constructs the field anew from deep copies of its arguments, which
    cost a tenth of a registration, while binding and validating a field only sets attributes of
    its own and reads the rest (choices, validators, messages), which the copies may share.

    Only for serializers whose fields do not depend on the instance, the data or the context."""

    def get_fields(self):
        built = type(self).__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            type(self)._built_fields = built
        return {
            name: copy.deepcopy(field) if isinstance(field, serializers.BaseSerializer) else copy.copy(field)
            for name, field in built.items()
        }

    def get_validators(self):
        # DRF's validators take the serializer as an argument (requires_context) and keep no state.
        built = type(self).__dict__.get("_built_validators")
        if built is None:
            built = type(self)._built_validators = tuple(super().get_validators())
        return list(built)
