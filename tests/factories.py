import factory
from django.utils import timezone

from accounts.models import User
from cases.models import Case, Category, Department, Place, SubjectArea
from cases.services import case_registration
from intake.models import ContactPoint, Petitioner, Window


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    role = "receptionist"
    password = factory.django.Password("demo12345!")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"部门{n}")
    code = factory.Sequence(lambda n: f"dept{n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"类别{n}")
    code = factory.Sequence(lambda n: f"cat{n}")


class SubjectAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubjectArea
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"领域{n}")
    code = factory.Sequence(lambda n: f"area{n}")


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"第{n}街道")


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Window
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"{n}号窗口")


class PetitionerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Petitioner

    name = factory.Sequence(lambda n: f"信访人{n}")
    created_by = factory.SubFactory(UserFactory)


class ContactPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPoint

    petitioner = factory.SubFactory(PetitionerFactory)
    kind = "mobile"
    value = factory.Sequence(lambda n: f"139{n:08d}")
    lookup_key = factory.SelfAttribute("value")
    created_by = factory.SelfAttribute("petitioner.created_by")
    created_at = factory.LazyFunction(timezone.now)


def resident_id_number(n: int, *, region: str = "320509") -> str:
    """A valid resident ID (GB 11643) for the n-th test person: born on a different day for each
    thousand, sequence n % 1000, with its check character."""
    import datetime

    from intake.validators import id_check_char

    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=n // 1000)
    first17 = f"{region}{born:%Y%m%d}{n % 1000:03d}"
    return first17 + id_check_char(first17)


def case_create(**registration) -> Case:
    """A case without a visit, inside the caller's transaction: cases.services.case_registration
    with nothing else to write (see there for the arguments)."""
    with case_registration(**registration) as case:
        pass
    return case
