"""Pedigrees: persons with a father, a mother and a sex; integers inside, labels at the edges.

A :class:`Pedigree` is a frozen list of :class:`Person` records. Founders have no parents;
persons not connected to each other form independent components (an "unrelated"
hypothesis is several one-person components). Internally each person has an index and
``fidx``/``midx`` arrays give the parents' indices, ``-1`` for none (pedtools' FIDX/MIDX).

:func:`validate_pedigree` collects every problem (duplicate ids, unknown parents, one
parent given, a female father or male mother, a person who is their own ancestor, a bad
sex) and raises one :class:`~reunite.errors.PedigreeError` listing them all, as pedtools'
``validatePed`` does. Builders return new pedigrees; nothing is mutated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from reunite.errors import PedigreeError, Problem

__all__ = [
    "SEXES",
    "Pedigree",
    "Person",
    "avuncular",
    "first_cousins",
    "full_siblings",
    "grandparent",
    "half_siblings",
    "nuclear_family",
    "parent_child",
    "singletons",
    "validate_pedigree",
]

SEXES = ("male", "female", "unknown")


@dataclass(frozen=True, slots=True)
class Person:
    """One person: ``id``, parents' ids (``None`` for a founder) and sex."""

    id: str
    father: str | None = None
    mother: str | None = None
    sex: str = "unknown"

    @property
    def is_founder(self) -> bool:
        """True when the person has no parents in the pedigree."""
        return self.father is None and self.mother is None


def validate_pedigree(persons: Sequence[Person], *, source: str | None = None) -> None:
    """Raise one :class:`PedigreeError` listing every problem in ``persons``; else None."""
    problems: list[Problem] = []
    by_id: dict[str, Person] = {}
    for p in persons:
        if not isinstance(p.id, str) or not p.id:
            problems.append(Problem("person id must be a non-empty string", source=source,
                                    field="id", value=p.id))
            continue
        if p.id in by_id:
            problems.append(Problem(f"duplicate person id {p.id!r}", source=source,
                                    sample=p.id, field="id", value=p.id))
        by_id[p.id] = p
        if p.sex not in SEXES:
            problems.append(Problem(f"sex must be one of {', '.join(SEXES)}", source=source,
                                    sample=p.id, field="sex", value=p.sex))
    for p in persons:
        if (p.father is None) != (p.mother is None):
            problems.append(Problem("only one parent given (give both or neither)",
                                    source=source, sample=p.id, field="father/mother",
                                    value=p.father if p.father is not None else p.mother))
        for role, parent_id, wrong_sex in (("father", p.father, "female"),
                                           ("mother", p.mother, "male")):
            if parent_id is None:
                continue
            if parent_id == p.id:
                problems.append(Problem(f"person is their own {role}", source=source,
                                        sample=p.id, field=role, value=parent_id))
                continue
            parent = by_id.get(parent_id)
            if parent is None:
                problems.append(Problem(f"unknown {role} {parent_id!r}", source=source,
                                        sample=p.id, field=role, value=parent_id))
            elif parent.sex == wrong_sex:
                problems.append(Problem(f"{role} {parent_id!r} is {wrong_sex}",
                                        source=source, sample=p.id, field=role,
                                        value=parent_id))
        if p.father is not None and p.father == p.mother:
            problems.append(Problem("father and mother are the same person", source=source,
                                    sample=p.id, field="mother", value=p.mother))
    for pid in sorted(_in_cycles(by_id)):
        problems.append(Problem("person is their own ancestor (a cycle)", source=source,
                                sample=pid, field="father/mother", value=pid))
    for pid, p in by_id.items():
        if p.sex == "unknown" and any(q.father == pid or q.mother == pid for q in persons):
            problems.append(Problem("a parent must have a known sex", source=source,
                                    sample=pid, field="sex", value=p.sex))
    if problems:
        raise PedigreeError("malformed pedigree", problems=problems, source=source)


def _in_cycles(by_id: dict[str, Person]) -> set[str]:
    """Ids of persons lying on a parent cycle (Kahn's algorithm leaves them unsorted)."""
    children: dict[str, list[str]] = {pid: [] for pid in by_id}
    indegree = dict.fromkeys(by_id, 0)
    for p in by_id.values():
        for parent in (p.father, p.mother):
            if parent is not None and parent in by_id and parent != p.id:
                children[parent].append(p.id)
                indegree[p.id] += 1
    queue = [pid for pid, d in indegree.items() if d == 0]
    seen = 0
    while queue:
        pid = queue.pop()
        seen += 1
        for child in children[pid]:
            indegree[child] -= 1
            if indegree[child] == 0:
                queue.append(child)
    return {pid for pid, d in indegree.items() if d > 0}


@dataclass(frozen=True)
class Pedigree:
    """A validated pedigree; persons are kept in the given order.

    ``index[id]`` is the integer index of a person; ``fidx``/``midx`` the parents'
    indices (``-1`` for founders).
    """

    persons: tuple[Person, ...]
    index: dict[str, int] = field(init=False, compare=False, repr=False)
    fidx: tuple[int, ...] = field(init=False, compare=False, repr=False)
    midx: tuple[int, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        persons = tuple(self.persons)
        object.__setattr__(self, "persons", persons)
        validate_pedigree(persons)
        index = {p.id: i for i, p in enumerate(persons)}
        object.__setattr__(self, "index", index)
        object.__setattr__(self, "fidx", tuple(
            index[p.father] if p.father is not None else -1 for p in persons))
        object.__setattr__(self, "midx", tuple(
            index[p.mother] if p.mother is not None else -1 for p in persons))

    @classmethod
    def from_records(cls, records: Iterable[tuple[str, str | None, str | None, str]]
                     ) -> Pedigree:
        """Build from ``(id, father, mother, sex)`` tuples."""
        return cls(tuple(Person(i, f, m, s) for i, f, m, s in records))

    def __len__(self) -> int:
        return len(self.persons)

    def __contains__(self, person_id: object) -> bool:
        return person_id in self.index

    @property
    def ids(self) -> tuple[str, ...]:
        """Person ids in order."""
        return tuple(p.id for p in self.persons)

    def person(self, person_id: str) -> Person:
        """The person with this id (KeyError when absent)."""
        return self.persons[self.index[person_id]]

    @property
    def founders(self) -> tuple[str, ...]:
        """Ids of founders."""
        return tuple(p.id for p in self.persons if p.is_founder)

    def children(self, person_id: str) -> tuple[str, ...]:
        """Ids of the children of ``person_id``."""
        return tuple(p.id for p in self.persons if person_id in (p.father, p.mother))

    def components(self) -> tuple[tuple[str, ...], ...]:
        """Connected components (by parent–child links), each in pedigree order."""
        parent = list(range(len(self.persons)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for i, (f, m) in enumerate(zip(self.fidx, self.midx, strict=True)):
            for j in (f, m):
                if j >= 0:
                    parent[find(i)] = find(j)
        groups: dict[int, list[str]] = {}
        for i, p in enumerate(self.persons):
            groups.setdefault(find(i), []).append(p.id)
        return tuple(tuple(g) for g in groups.values())

    # --- builders: each returns a new pedigree ---------------------------------------

    def add_person(self, person: Person) -> Pedigree:
        """A new pedigree with ``person`` appended."""
        return Pedigree((*self.persons, person))

    def add_child(self, child_id: str, father: str, mother: str, *, sex: str = "unknown"
                  ) -> Pedigree:
        """Add a child of two existing persons."""
        return self.add_person(Person(child_id, father, mother, sex))

    def add_parents(self, person_id: str, *, father: str | None = None,
                    mother: str | None = None) -> Pedigree:
        """Give a founder two new founder parents (ids default to ``<id>_F``/``<id>_M``)."""
        target = self.person(person_id)
        if not target.is_founder:
            raise PedigreeError("person already has parents", sample=person_id,
                                field="father/mother", value=person_id)
        fa = father or f"{person_id}_F"
        mo = mother or f"{person_id}_M"
        persons = []
        for p in self.persons:
            if p.id == person_id:
                persons.extend([Person(fa, None, None, "male"), Person(mo, None, None, "female"),
                                Person(p.id, fa, mo, p.sex)])
            else:
                persons.append(p)
        return Pedigree(tuple(persons))

    def add_sibling(self, person_id: str, sibling_id: str, *, sex: str = "unknown",
                    half: str | None = None) -> Pedigree:
        """Add a full sibling (``half=None``) or a paternal/maternal half sibling.

        ``half`` is ``"paternal"`` or ``"maternal"``; the other parent is a new founder.
        The person must have parents (use :meth:`add_parents` first).
        """
        target = self.person(person_id)
        if target.father is None or target.mother is None:
            raise PedigreeError("person has no parents to share", sample=person_id,
                                field="father/mother", value=person_id)
        ped = self
        father, mother = target.father, target.mother
        if half == "paternal":
            mother = f"{sibling_id}_M"
            ped = ped.add_person(Person(mother, None, None, "female"))
        elif half == "maternal":
            father = f"{sibling_id}_F"
            ped = ped.add_person(Person(father, None, None, "male"))
        elif half is not None:
            raise PedigreeError("half must be 'paternal', 'maternal' or None",
                                field="half", value=half)
        return ped.add_child(sibling_id, father, mother, sex=sex)

    def relabel(self, mapping: dict[str, str]) -> Pedigree:
        """The same pedigree with ids renamed by ``mapping`` (others kept)."""
        def r(x: str | None) -> str | None:
            return None if x is None else mapping.get(x, x)

        return Pedigree(tuple(Person(mapping.get(p.id, p.id), r(p.father), r(p.mother), p.sex)
                              for p in self.persons))

    def without(self, person_id: str) -> Pedigree:
        """The pedigree without ``person_id`` (must have no children)."""
        if self.children(person_id):
            raise PedigreeError("cannot remove a person who has children", sample=person_id,
                                field="id", value=person_id)
        return Pedigree(tuple(p for p in self.persons if p.id != person_id))

    def __or__(self, other: Pedigree) -> Pedigree:
        """Disjoint union: both pedigrees side by side (ids must not overlap)."""
        return Pedigree((*self.persons, *other.persons))


def singletons(*ids: str, sexes: Sequence[str] | None = None) -> Pedigree:
    """Unrelated founders, one component each."""
    sx = list(sexes) if sexes is not None else ["unknown"] * len(ids)
    return Pedigree(tuple(Person(i, None, None, s) for i, s in zip(ids, sx, strict=True)))


def nuclear_family(children: Sequence[str] = ("CH",), *, father: str = "FA",
                   mother: str = "MO", child_sexes: Sequence[str] | None = None) -> Pedigree:
    """Father, mother and their children."""
    sexes = list(child_sexes) if child_sexes is not None else ["unknown"] * len(children)
    return Pedigree((Person(father, None, None, "male"), Person(mother, None, None, "female"),
                     *(Person(c, father, mother, s)
                       for c, s in zip(children, sexes, strict=True))))


def parent_child(parent: str = "A", child: str = "B", *, parent_sex: str = "male",
                 child_sex: str = "unknown", other_parent: str | None = None) -> Pedigree:
    """``parent`` is a parent of ``child``; the other parent is an untyped founder."""
    other = other_parent or f"{child}_OP"
    if parent_sex == "male":
        fa, mo = Person(parent, None, None, "male"), Person(other, None, None, "female")
    else:
        fa, mo = Person(other, None, None, "male"), Person(parent, None, None, "female")
    return Pedigree((fa, mo, Person(child, fa.id, mo.id, child_sex)))


def full_siblings(a: str = "A", b: str = "B", *, sexes: tuple[str, str] = ("unknown",
                                                                           "unknown"),
                  father: str = "FA", mother: str = "MO") -> Pedigree:
    """Two full siblings with untyped parents."""
    return nuclear_family((a, b), father=father, mother=mother, child_sexes=sexes)


def half_siblings(a: str = "A", b: str = "B", *, shared: str = "father",
                  sexes: tuple[str, str] = ("unknown", "unknown")) -> Pedigree:
    """Paternal (``shared='father'``) or maternal half siblings; parents untyped."""
    if shared == "father":
        return Pedigree((Person("FA", None, None, "male"), Person("MO1", None, None, "female"),
                         Person("MO2", None, None, "female"),
                         Person(a, "FA", "MO1", sexes[0]), Person(b, "FA", "MO2", sexes[1])))
    return Pedigree((Person("MO", None, None, "female"), Person("FA1", None, None, "male"),
                     Person("FA2", None, None, "male"),
                     Person(a, "FA1", "MO", sexes[0]), Person(b, "FA2", "MO", sexes[1])))


def grandparent(grandparent_id: str = "A", grandchild: str = "B", *,
                grandparent_sex: str = "male", grandchild_sex: str = "unknown") -> Pedigree:
    """``grandparent_id`` is a grandparent of ``grandchild`` through a son."""
    gp_other = "GP2"
    if grandparent_sex == "male":
        gps = [Person(grandparent_id, None, None, "male"), Person(gp_other, None, None, "female")]
        fa, mo = grandparent_id, gp_other
    else:
        gps = [Person(gp_other, None, None, "male"), Person(grandparent_id, None, None, "female")]
        fa, mo = gp_other, grandparent_id
    return Pedigree((*gps, Person("P", fa, mo, "male"), Person("P_W", None, None, "female"),
                     Person(grandchild, "P", "P_W", grandchild_sex)))


def avuncular(uncle: str = "A", nephew: str = "B", *, uncle_sex: str = "male",
              nephew_sex: str = "unknown") -> Pedigree:
    """``uncle`` is a full sibling of a parent of ``nephew``."""
    return Pedigree((Person("GF", None, None, "male"), Person("GM", None, None, "female"),
                     Person(uncle, "GF", "GM", uncle_sex), Person("P", "GF", "GM", "male"),
                     Person("P_W", None, None, "female"),
                     Person(nephew, "P", "P_W", nephew_sex)))


def first_cousins(a: str = "A", b: str = "B", *, sexes: tuple[str, str] = ("unknown",
                                                                           "unknown")
                  ) -> Pedigree:
    """First cousins: children of two full brothers, with untyped wives."""
    return Pedigree((Person("GF", None, None, "male"), Person("GM", None, None, "female"),
                     Person("F1", "GF", "GM", "male"), Person("M1", None, None, "female"),
                     Person("F2", "GF", "GM", "male"), Person("M2", None, None, "female"),
                     Person(a, "F1", "M1", sexes[0]), Person(b, "F2", "M2", sexes[1])))
