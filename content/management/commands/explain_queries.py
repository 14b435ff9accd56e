"""`manage.py explain_queries`: the plan of each query the pages run (content/hot_queries.py)."""

from django.core.management.base import BaseCommand

from content.hot_queries import explain, hot_queries


class Command(BaseCommand):
    help = "Print the database's plan for each query the pages run."

    def handle(self, **options):
        queries = hot_queries()
        if not queries:
            self.stdout.write("No published article: nothing to explain.")
        for name, queryset in queries:
            self.stdout.write(f"== {name}\n{explain(queryset)}\n")
