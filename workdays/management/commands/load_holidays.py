from django.core.management.base import BaseCommand, CommandError

from workdays.services import calendar_year_load, package_years


class Command(BaseCommand):
    help = "Load public holidays and make-up working days from the chinese-calendar package."

    def add_arguments(self, parser):
        parser.add_argument(
            "years", nargs="*", type=int, help="Years to load (default: all the package knows)."
        )

    def handle(self, *args, years, **options):
        for year in years or package_years():
            try:
                count = calendar_year_load(year=year)
            except NotImplementedError as error:
                raise CommandError(
                    f"{year}: the chinese-calendar package has no data for this year."
                ) from error
            self.stdout.write(f"{year}: {count} holidays and make-up days")
