"""Re-encrypt and re-hash every petitioner's ID number under the current keys, so that an old
(or leaked) key can be removed: README, "Rotating the keys"."""

from django.core.management.base import BaseCommand, CommandError

from intake.key_rotation import IdKeysBatch, IdKeysRotation, petitioner_id_keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every petitioner's ID number under the first of FIELD_ENCRYPTION_KEYS and re-hash "
        "it under ID_NUMBER_HASH_KEY. Safe to run again, or while the desk is in use. With --check, "
        "only count the rows that still need an old key."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; report how many rows still need an old key, and fail if any do.",
        )
        parser.add_argument(
            "--batch-size", type=int, default=1000, help="Rows per transaction (default 1000)."
        )

    def handle(self, *args, check=False, batch_size=1000, verbosity=1, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        self.check_only = check
        self.verbosity = verbosity
        total = petitioner_id_keys_rotate(check=check, batch_size=batch_size, on_batch=self.progress)
        self.summary(total)

    def progress(self, batch: IdKeysBatch) -> None:
        if batch.unreadable_ids:
            ids = ", ".join(map(str, batch.unreadable_ids))
            self.stderr.write(f"No configured key decrypts the ID number of petitioners {ids}.")
        if batch.duplicate_ids:
            ids = ", ".join(map(str, batch.duplicate_ids))
            self.stderr.write(
                f"Petitioners {ids}: another petitioner has the same ID number; their hash is left as it was."
            )
        if self.verbosity >= 1:
            self.stdout.write(
                f"Up to id {batch.last_id}: {batch.examined} examined, {batch.old_key} under an old key,"
                f" {batch.old_hash} with an old hash, {batch.written} written."
            )

    def summary(self, total: IdKeysRotation) -> None:
        self.stdout.write(
            f"{total.examined} ID numbers examined: {total.old_key} under an old encryption key,"
            f" {total.old_hash} with a hash under an old hash key."
        )
        if not self.check_only:
            self.stdout.write(f"{total.written} rows re-encrypted or re-hashed.")
            if total.changed_meanwhile:
                self.stdout.write(
                    f"{total.changed_meanwhile} rows changed at the desk during the run were left as the desk"
                    " wrote them: run again with --check."
                )
        problems = []
        if total.unreadable:
            problems.append(f"{total.unreadable} ID numbers no configured key decrypts (ids above)")
        if total.duplicates:
            problems.append(
                f"{total.duplicates} petitioners registered twice under the same ID number (ids above)"
            )
        if self.check_only and total.pending:
            problems.append(f"{total.pending} rows still need an old key: run rotate_id_keys")
        if problems:
            raise CommandError("; ".join(problems) + ". Keep the old keys until none is left.")
        if self.check_only:
            self.stdout.write(self.style.SUCCESS("No row needs an old key: the old keys can be removed."))
        else:
            self.stdout.write(self.style.SUCCESS("Done. Run it with --check before removing the old keys."))
