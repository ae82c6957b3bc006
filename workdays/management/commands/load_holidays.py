from django.core.management.base import BaseCommand, CommandError

from workdays.services import calendar_year_load, new_package_years


class Command(BaseCommand):
    help = (
        "Load public holidays and make-up working days from the chinese-calendar package. "
        "Without years, loads only the years newer than any in the table, so the administrator's "
        "corrections stay; a year named here is replaced by the package's calendar."
    )

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="*", type=int, help="Years to load again from the package.")

    def handle(self, *args, years, **options):
        years = years or new_package_years()
        if not years:
            self.stdout.write("No new year in the package; name a year to load it again.")
        for year in years:
            try:
                count = calendar_year_load(year=year)
            except NotImplementedError as error:
                raise CommandError(
                    f"{year}: the chinese-calendar package has no data for this year."
                ) from error
            self.stdout.write(f"{year}: {count} holidays and make-up days")
