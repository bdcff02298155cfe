"""Moving named migrations back and forward on a test database, and only them.

`MigrationExecutor.migrate(target)` unapplies every migration that depends on the target and,
backward or forward, first renders the project state of the whole graph (over a hundred
migrations): about a minute and a half of CPU for a test whose subject is one data migration.
Here each migration is applied or unapplied by the executor itself (its own transaction, its
record in django_migrations), with the state of just that migration's own dependencies; the
migrations that come later in the graph stay where they are, which is sound only when they do
not touch what is moved (the caller names every migration whose tables or columns change)."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import ProjectState

Node = tuple[str, str]


class MigrationSteps:
    def __init__(self, *nodes: Node):
        self.executor = MigrationExecutor(connection)
        graph = self.executor.loader.graph
        order: list[Node] = []
        for node in nodes:
            for step in graph.forwards_plan(node):
                if step not in order:
                    order.append(step)
        # In the order a full migrate applies them (run_before included).
        self.nodes = [step for step in order if step in nodes]
        self._before: dict[Node, ProjectState] = {}

    def state_before(self, node: Node) -> ProjectState:
        # Rendered once per node; applying or unapplying changes the state it is given, so each
        # caller gets a copy (cheaper than rendering it again).
        if node not in self._before:
            self._before[node] = self.executor.loader.project_state(node, at_end=False)
        return self._before[node].clone()

    def state_after(self) -> ProjectState:
        return self.executor.loader.project_state(self.nodes)

    def _applied(self) -> set[Node]:
        return set(self.executor.recorder.applied_migrations())

    def back(self) -> ProjectState:
        """Unapply the named migrations, last first; the state before the first of them."""
        applied = self._applied()
        for node in reversed(self.nodes):
            if node in applied:
                migration = self.executor.loader.graph.nodes[node]
                self.executor.unapply_migration(self.state_before(node), migration)
        return self.state_before(self.nodes[0])

    def forward(self) -> ProjectState:
        """Apply those of the named migrations not applied, first first; the state after them."""
        applied = self._applied()
        for node in self.nodes:
            if node not in applied:
                migration = self.executor.loader.graph.nodes[node]
                self.executor.apply_migration(self.state_before(node), migration)
        return self.state_after()
