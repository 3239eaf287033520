from django.core.management.base import BaseCommand, CommandError

from curriculum.importer import CurriculumImportError, import_file


class Command(BaseCommand):
    help = "Import (or re-import) curriculum or reference fixtures from YAML/JSON files."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="e.g. fixtures/curricula/remote-unct-training.yaml")

    def handle(self, *args, **options):
        for path in options["paths"]:
            try:
                result = import_file(path)
            except CurriculumImportError as exc:
                raise CommandError(f"Nothing was imported from {path}:\n{exc}") from exc
            counts = ", ".join(f"{value} {name.replace('_', ' ')}" for name, value in result.counts.items())
            self.stdout.write(self.style.SUCCESS(
                f"Imported {result.kind} '{result.key}' from {path}: {counts} "
                f"({result.created} created, {result.updated} updated, {result.unchanged} unchanged, "
                f"{result.deleted} removed)"
            ))
