import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from intake.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = (
        "Load reference data, demo users (one per role) and the story's day. Idempotent; demo settings only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="Day of the story (YYYY-MM-DD); default: the last working day before today.",
        )

    def handle(self, *args, date=None, **options):
        if not getattr(settings, "DEMO_MODE", False):
            raise CommandError("seed_demo creates users with a published password: demo settings only.")
        users, day, created = seed_demo(day=date)
        self.stdout.write(self.style.SUCCESS(f"Demo users (password {DEMO_PASSWORD}):"))
        for username, role in users:
            self.stdout.write(f"  {username:<10} {role}")
        if created:
            self.stdout.write(
                f"The story's day is {day:%Y-%m-%d}: its tally is at /desk/tally/?date={day:%Y-%m-%d}"
            )
        else:
            self.stdout.write("The story's day was already loaded.")
