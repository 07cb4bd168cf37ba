"""A query cost limit: the depth, alias and token limits do not bound fan-out, this does.

A query's cost is the number of fields it may resolve: each field counts once for
every item of the lists around it. A list counts as many items as its `first`
argument, or the `first` of the connection holding it, asks for (the argument's
default when it is left out, a full page when it is a variable), and a list without
`first` as a full page, as if every hub had that many relations. Like graphql-armor's
cost limit, it is a validation rule: a query over the limit is refused before any
resolver runs, with an error that names the limit.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
)

MAX_COST = 200_000
_MAX_WALK_DEPTH = 64  # deeper queries are refused by the depth limit; the walk stops there


def cost_limit(max_cost: int = MAX_COST, page: int = 100) -> type[ValidationRule]:
    """The validation rule refusing operations that cost more than `max_cost`; `page` is the largest page."""

    class CostLimit(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            root = self.context.schema.get_root_type(node.operation)
            if root is None:
                return
            cost = _Walk(self.context, page, max_cost).cost(node.selection_set, root, 1, paged=False, depth=0)
            if cost > max_cost:
                self.report_error(GraphQLError(
                    f"the query costs more than the cost limit of {max_cost:,} (each field counts once per item of "
                    f"the lists around it; a list counts as its `first`, or {page} items without it): ask for "
                    "fewer nested lists, or smaller pages with `first`", node))

    return CostLimit


class _Walk:
    """Sums a selection set's cost, stopping once over the limit (so a huge query costs little to refuse)."""

    def __init__(self, context: ValidationContext, page: int, max_cost: int) -> None:
        self.context = context
        self.page = page
        self.max_cost = max_cost
        self.spreading: set[str] = set()  # fragments on the current path (a cycle is another rule's error)

    def cost(self, selections: SelectionSetNode | None, parent: GraphQLNamedType, items: int, *, paged: bool,
             depth: int) -> int:
        """The cost of `selections` on `parent`, resolved `items` times; `paged`: the parent took `first`, so its
        list (a connection's edges) is that page, already counted."""
        if selections is None or depth > _MAX_WALK_DEPTH:
            return 0
        total = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, items, paged=paged, depth=depth)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                named = self.context.schema.get_type(condition.name.value) if condition else parent
                total += self.cost(selection.selection_set, named or parent, items, paged=paged, depth=depth + 1)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.context.get_fragment(name)
                if fragment is None or name in self.spreading:
                    continue
                named = self.context.schema.get_type(fragment.type_condition.name.value)
                self.spreading.add(name)
                total += self.cost(fragment.selection_set, named or parent, items, paged=paged, depth=depth + 1)
                self.spreading.discard(name)
            if total > self.max_cost:
                break
        return total

    def _field(self, node: FieldNode, parent: GraphQLNamedType, items: int, *, paged: bool, depth: int) -> int:
        field = self._definition(parent, node.name.value)
        if field is None:  # __typename, or an unknown field (another rule's error)
            return items
        named = get_named_type(field.type)
        is_list = isinstance(get_nullable_type(field.type), GraphQLList)
        size = 1
        if "first" in field.args:
            size = self._first(node, field)
        elif is_list and not is_leaf_type(named) and not paged:
            size = self.page
        count = items * size
        # `first` on a connection pages the list inside it; on a list (`provisions(first: 40)`), that list itself
        below = self.cost(node.selection_set, named, count, paged="first" in field.args and not is_list,
                          depth=depth + 1)
        return count + below

    def _first(self, node: FieldNode, field: GraphQLField) -> int:
        """The page a `first` argument asks for: its literal, else its default, else (a variable) a full page."""
        given = next((a.value for a in node.arguments or () if a.name.value == "first"), None)
        if isinstance(given, IntValueNode):
            return max(1, min(int(given.value), self.page))  # (0 counts as 1: every field costs, so the walk ends)
        default = field.args["first"].default_value
        if given is None and isinstance(default, int):
            return max(1, min(default, self.page))
        return self.page

    @staticmethod
    def _definition(parent: GraphQLNamedType, name: str) -> GraphQLField | None:
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return parent.fields.get(name)
        return None
