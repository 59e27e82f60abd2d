"""Exact maximum-weight matching on a general graph (Edmonds' blossom algorithm), pure Python.

The primal-dual method is Galil's O(n³) formulation ("Efficient algorithms for finding maximum
matching in graphs", ACM Computing Surveys 18(1), 1986); the blossom bookkeeping (nested blossoms
stored as child lists with the connecting endpoints, doubled integer duals so integer weights stay
exact) follows the layout popularised by J. van Rantwijk's reference implementation.

What differs from the textbook loop, for speed on graphs with thousands of vertices:

* **No stage restarts.** After an augmentation only the two alternating trees that met are
  dissolved; every other tree keeps its labels and keeps growing. The state stays a valid primal-dual
  state (a forest of alternating trees rooted at every free vertex, tight tree and matched edges,
  equal duals on free vertices), so the result is still exact.
* **Lazy duals.** ``dual(v) = off[v] + sign[v]·D`` where D is the total dual step so far and the sign
  says whether v sits in an outer (S, −1), inner (T, +1) or unlabelled (0) blossom. A dual step is
  therefore O(1) instead of a pass over the forest.
* **Event queues.** Candidate edges (outer–unlabelled, outer–outer) wait in bucket queues (a heap of
  distinct keys, a list of edges per key) and inner blossoms in a heap, keyed by a quantity that does
  not change while the labels stay the same; stale entries are recognised when they come up (their
  key no longer matches) and dropped.
* **No recursion.** Since trees live long, blossoms can nest thousands deep; expanding and augmenting
  through them uses explicit stacks.

Vertices are ``0..n-1``; weights must be positive integers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from heapq import heapify, heappop, heappush


def max_weight_matching(n: int, edges: Sequence[tuple[int, int, int]]) -> list[int]:
    """Return ``mate`` where ``mate[v]`` is v's partner or -1, for a maximum-weight matching.

    ``edges`` holds ``(i, j, weight)`` with ``i != j``, integer ``weight > 0`` and at most one edge
    per vertex pair. The result is deterministic for a given vertex numbering and edge order.
    """
    return max_weight_matching_with_duals(n, edges)[0]


def max_weight_matching_with_duals(n: int, edges: Sequence[tuple[int, int, int]]) -> tuple[list[int], list[int]]:
    """Like :func:`max_weight_matching`, also returning the doubled vertex duals ``2·u(v)``.

    At the optimum every edge (i, j, w) of the graph satisfies ``dual[i] + dual[j] >= 2w`` unless
    both ends lie in one blossom, and unmatched vertices have dual 0. An edge *outside* the graph
    that satisfies the inequality cannot improve the matching (LP duality), which lets a caller
    solve on a sparse subgraph and then check the edges it left out.
    """
    nedge = len(edges)
    if n == 0 or nedge == 0:
        return [-1] * n, [0] * n

    # endpoint[p] is the vertex at endpoint p; edge k has endpoints 2k and 2k+1.
    endpoint: list[int] = []
    wt2: list[int] = []  # doubled weights, to match the doubled duals
    for i, j, w in edges:
        endpoint.append(i)
        endpoint.append(j)
        wt2.append(2 * w)
    # neighbend[v]: remote endpoints p of the edges at v (endpoint[p] is the neighbour).
    neighbend: list[list[int]] = [[] for _ in range(n)]
    for k, (i, j, _w) in enumerate(edges):
        neighbend[i].append(2 * k + 1)
        neighbend[j].append(2 * k)
    maxweight = max(w for _i, _j, w in edges)

    two_n = 2 * n
    mate = [-1] * n  # remote endpoint of the matched edge, or -1
    # Labels of top-level blossoms (and of single vertices): 0 none, 1 outer (S), 2 inner (T).
    label = [1] * n + [0] * n
    labelend = [-1] * two_n  # endpoint of the tree edge through which the blossom got its label
    inblossom = list(range(n))  # top-level blossom of each vertex
    blossomparent = [-1] * two_n
    blossomchilds: list[list[int]] = [[] for _ in range(two_n)]
    blossomendps: list[list[int]] = [[] for _ in range(two_n)]
    blossombase = list(range(n)) + [-1] * n
    unusedblossoms = list(range(two_n - 1, n - 1, -1))
    # Lazy duals (doubled): dual(v) = voff[v] + vsign[v] * D ; z(b) = boff[b] + bsign[b] * D.
    D = 0
    voff = [maxweight] * n
    vsign = [-1] * n  # every vertex starts free, hence outer
    boff = [0] * two_n
    bsign = [0] * two_n
    # Alternating-tree membership, so that a tree can be dissolved after an augmentation.
    tree = list(range(n))
    members: list[list[int]] = [[v] for v in range(n)]
    nfree = n
    # Bucket queues of edges, key -> [edge, ...] plus a heap of the keys: queue 2 holds
    # outer–unlabelled edges (slack = key − D), queue 3 outer–outer edges (slack = key − 2D).
    # heap4 holds (key, blossom) for inner blossoms (z = key − D).
    keys2: list[int] = []
    b2: dict[int, list[int]] = {}
    keys3: list[int] = []
    b3: dict[int, list[int]] = {}
    heap4: list[tuple[int, int]] = []
    # Every vertex starts as the root of its own tree, so every edge joins two outer vertices.
    for k in range(nedge):
        key = 2 * maxweight - wt2[k]
        lst = b3.get(key)
        if lst is None:
            b3[key] = [k]
        else:
            lst.append(k)
    keys3 = list(b3)
    heapify(keys3)

    def leaves(b: int) -> list[int]:
        """The vertices inside blossom b (b itself for a single vertex)."""
        if b < n:
            return [b]
        out: list[int] = []
        stack = [b]
        while stack:
            for t in blossomchilds[stack.pop()]:
                if t < n:
                    out.append(t)
                else:
                    stack.append(t)
        return out

    def set_vsign(v: int, s: int) -> None:
        voff[v] += (vsign[v] - s) * D
        vsign[v] = s

    def set_bsign(b: int, s: int) -> None:
        boff[b] += (bsign[b] - s) * D
        bsign[b] = s

    def push_outer_edges(vs: list[int]) -> None:
        """vs just became outer vertices: queue their edges to outer and unlabelled blossoms."""
        endpoint_, inblossom_, label_, voff_, wt2_ = endpoint, inblossom, label, voff, wt2
        b2_get = b2.get
        b3_get = b3.get
        for v in vs:
            bv = inblossom_[v]
            ov = voff_[v]
            for p in neighbend[v]:
                w = endpoint_[p]
                bw = inblossom_[w]
                if bw == bv:
                    continue
                lw = label_[bw]
                if lw == 2:
                    continue
                k = p >> 1
                key = ov + voff_[w] - wt2_[k]
                if lw == 1:
                    lst = b3_get(key)
                    if lst is None:
                        b3[key] = [k]
                        heappush(keys3, key)
                    else:
                        lst.append(k)
                else:
                    lst = b2_get(key)
                    if lst is None:
                        b2[key] = [k]
                        heappush(keys2, key)
                    else:
                        lst.append(k)

    def push_unlabelled_edges(vs: list[int]) -> None:
        """vs just lost their label: queue their edges to outer blossoms."""
        endpoint_, inblossom_, label_, voff_, wt2_ = endpoint, inblossom, label, voff, wt2
        b2_get = b2.get
        for v in vs:
            bv = inblossom_[v]
            ov = voff_[v]
            for p in neighbend[v]:
                w = endpoint_[p]
                bw = inblossom_[w]
                if bw != bv and label_[bw] == 1:
                    k = p >> 1
                    key = ov + voff_[w] - wt2_[k]
                    lst = b2_get(key)
                    if lst is None:
                        b2[key] = [k]
                        heappush(keys2, key)
                    else:
                        lst.append(k)

    def valid2(k: int, key: int) -> bool:
        """Is queue-2 entry (key, k) current: one end outer, the other unlabelled, key unchanged?"""
        i = endpoint[2 * k]
        j = endpoint[2 * k + 1]
        li = label[inblossom[i]]
        lj = label[inblossom[j]]
        return li + lj == 1 and li * lj == 0 and key == voff[i] + voff[j] - wt2[k]

    def valid3(k: int, key: int) -> bool:
        """Is queue-3 entry (key, k) current: ends in two distinct outer blossoms, key unchanged?"""
        i = endpoint[2 * k]
        j = endpoint[2 * k + 1]
        bi = inblossom[i]
        bj = inblossom[j]
        return bi != bj and label[bi] == 1 and label[bj] == 1 and key == voff[i] + voff[j] - wt2[k]

    def valid4(b: int, key: int) -> bool:
        """Is heap-4 entry (key, b) current: b still a top-level inner blossom, key unchanged?"""
        return blossomparent[b] == -1 and label[b] == 2 and bsign[b] == -1 and key == boff[b]

    def assign_label(w: int, t: int, p: int) -> None:
        """Label w's top-level blossom t via endpoint p (-1 for a root); an inner blossom's mate
        becomes outer in turn."""
        while True:
            b = inblossom[w]
            root = w if p == -1 else tree[endpoint[p]]
            label[w] = label[b] = t
            labelend[w] = labelend[b] = p
            lv = [b] if b < n else leaves(b)
            sign = -1 if t == 1 else 1
            for v in lv:
                tree[v] = root
                voff[v] += (vsign[v] - sign) * D
                vsign[v] = sign
            members[root].extend(lv)
            if b >= n:
                set_bsign(b, -sign)
                if t == 2:
                    heappush(heap4, (boff[b], b))
            if t == 1:
                push_outer_edges(lv)
                return
            base = blossombase[b]
            mp = mate[base]
            w, t, p = endpoint[mp], 1, mp ^ 1

    def scan_blossom(v: int, w: int) -> int:
        """Trace back from v and w; return the base of a new blossom, or -1 (augmenting path)."""
        path = []
        base = -1
        while v != -1 or w != -1:
            b = inblossom[v]
            if label[b] & 4:
                base = blossombase[b]
                break
            path.append(b)
            label[b] = 5
            if labelend[b] == -1:
                v = -1
            else:
                v = endpoint[labelend[b]]
                b = inblossom[v]
                v = endpoint[labelend[b]]
            if w != -1:
                v, w = w, v
        for b in path:
            label[b] = 1
        return base

    def add_blossom(base: int, k: int) -> None:
        v = endpoint[2 * k]
        w = endpoint[2 * k + 1]
        bb = inblossom[base]
        bv = inblossom[v]
        bw = inblossom[w]
        b = unusedblossoms.pop()
        blossombase[b] = base
        blossomparent[b] = -1
        blossomparent[bb] = b
        path: list[int] = []
        endps: list[int] = []
        while bv != bb:
            blossomparent[bv] = b
            path.append(bv)
            endps.append(labelend[bv])
            v = endpoint[labelend[bv]]
            bv = inblossom[v]
        path.append(bb)
        path.reverse()
        endps.reverse()
        endps.append(2 * k)
        while bw != bb:
            blossomparent[bw] = b
            path.append(bw)
            endps.append(labelend[bw] ^ 1)
            w = endpoint[labelend[bw]]
            bw = inblossom[w]
        blossomchilds[b] = path
        blossomendps[b] = endps
        label[b] = 1
        labelend[b] = labelend[bb]
        boff[b] = -D  # z = 0, growing while the blossom is outer
        bsign[b] = 1
        newly_outer: list[int] = []
        for child in path:
            if child >= n:
                set_bsign(child, 0)  # no longer top-level: its dual freezes
            was_inner = label[child] == 2
            for x in leaves(child):
                inblossom[x] = b
                if was_inner:
                    set_vsign(x, -1)
                    newly_outer.append(x)
        push_outer_edges(newly_outer)

    def release_blossom(b: int) -> None:
        label[b] = labelend[b] = -1
        blossomchilds[b] = []
        blossomendps[b] = []
        blossombase[b] = -1
        bsign[b] = 0
        boff[b] = 0
        unusedblossoms.append(b)

    def make_children_top_level(b: int, expand_zero: bool) -> list[int]:
        """Detach b's children; return those that are zero-dual blossoms if ``expand_zero``."""
        zero: list[int] = []
        for s in blossomchilds[b]:
            blossomparent[s] = -1
            label[s] = 0  # children carry stale labels from when they were top-level
            labelend[s] = -1
            if s < n:
                inblossom[s] = s
            elif expand_zero and boff[s] + bsign[s] * D == 0:
                zero.append(s)
            else:
                for v in leaves(s):
                    inblossom[v] = s
        return zero

    def expand_unlabelled_blossom(b: int) -> None:
        """Dissolve an unlabelled zero-dual blossom, and its zero-dual sub-blossoms."""
        todo = [b]
        while todo:  # iterative: blossoms can nest thousands deep
            b = todo.pop()
            todo.extend(make_children_top_level(b, True))
            release_blossom(b)

    def expand_inner_blossom(b: int) -> None:
        """Dissolve an inner blossom whose dual reached zero and relabel its children: the
        even-length path from the entry child to the base stays in the tree, the rest leaves it."""
        make_children_top_level(b, False)
        childs = blossomchilds[b]
        endps = blossomendps[b]
        entrychild = inblossom[endpoint[labelend[b] ^ 1]]
        j = childs.index(entrychild)
        if j & 1:
            j -= len(childs)
            jstep = 1
            endptrick = 0
        else:
            jstep = -1
            endptrick = 1
        p = labelend[b]
        while j != 0:
            assign_label(endpoint[p ^ 1], 2, p)
            j += jstep
            p = endps[j - endptrick] ^ endptrick
            j += jstep
        bv = childs[j]
        label[endpoint[p ^ 1]] = label[bv] = 2
        labelend[endpoint[p ^ 1]] = labelend[bv] = p
        if bv >= n:
            set_bsign(bv, -1)
            heappush(heap4, (boff[bv], bv))
        j += jstep
        unlabelled: list[int] = []
        while childs[j] != entrychild:
            for x in leaves(childs[j]):
                set_vsign(x, 0)
                label[x] = 0
                labelend[x] = -1
                tree[x] = -1
                unlabelled.append(x)
            j += jstep
        push_unlabelled_edges(unlabelled)
        release_blossom(b)

    def augment_blossom(b: int, v: int) -> None:
        """Rotate blossom b so that its base becomes v, flipping the matching along the even path
        inside it (and inside the sub-blossoms on that path)."""
        stack = [augment_steps(b, v)]
        while stack:  # iterative: blossoms can nest thousands deep
            sub = next(stack[-1], None)
            if sub is None:
                stack.pop()
            else:
                stack.append(augment_steps(*sub))

    def augment_steps(b: int, v: int) -> Iterator[tuple[int, int]]:
        """augment_blossom's body; yields (sub-blossom, vertex) pairs to augment first."""
        t = v
        while blossomparent[t] != b:
            t = blossomparent[t]
        if t >= n:
            yield t, v
        childs = blossomchilds[b]
        endps = blossomendps[b]
        i = j = childs.index(t)
        if i & 1:
            j -= len(childs)
            jstep = 1
            endptrick = 0
        else:
            jstep = -1
            endptrick = 1
        while j != 0:
            j += jstep
            t = childs[j]
            p = endps[j - endptrick] ^ endptrick
            if t >= n:
                yield t, endpoint[p]
            j += jstep
            t = childs[j]
            if t >= n:
                yield t, endpoint[p ^ 1]
            mate[endpoint[p]] = p ^ 1
            mate[endpoint[p ^ 1]] = p
        blossomchilds[b] = childs[i:] + childs[:i]
        blossomendps[b] = endps[i:] + endps[:i]
        blossombase[b] = blossombase[childs[i]]

    def augment_matching(k: int) -> None:
        for s, p in ((endpoint[2 * k], 2 * k + 1), (endpoint[2 * k + 1], 2 * k)):
            while True:
                bs = inblossom[s]
                if bs >= n:
                    augment_blossom(bs, s)
                mate[s] = p
                if labelend[bs] == -1:
                    break
                t = endpoint[labelend[bs]]
                bt = inblossom[t]
                s = endpoint[labelend[bt]]
                j = endpoint[labelend[bt] ^ 1]
                if bt >= n:
                    augment_blossom(bt, j)
                mate[j] = labelend[bt]
                p = labelend[bt] ^ 1

    def dissolve_tree(root: int) -> list[int]:
        """Unlabel every vertex of the tree rooted at ``root``; return them."""
        gone: list[int] = []
        tops: list[int] = []
        for v in members[root]:
            if tree[v] != root:
                continue
            tree[v] = -1
            set_vsign(v, 0)
            label[v] = 0
            labelend[v] = -1
            gone.append(v)
            b = inblossom[v]
            if b >= n and label[b] != 0:
                label[b] = 0
                labelend[b] = -1
                set_bsign(b, 0)
                tops.append(b)
        members[root] = []
        for b in tops:
            if blossomparent[b] == -1 and blossombase[b] >= 0 and boff[b] == 0:
                expand_unlabelled_blossom(b)
        return gone

    while nfree > 0:
        # ---- act on every tight edge / zero-dual inner blossom
        if keys2 and keys2[0] <= D:
            key = heappop(keys2)
            for k in b2.pop(key):
                if not valid2(k, key):
                    continue
                i = endpoint[2 * k]
                if label[inblossom[i]] == 1:
                    assign_label(endpoint[2 * k + 1], 2, 2 * k)
                else:
                    assign_label(i, 2, 2 * k + 1)
            continue
        if keys3 and keys3[0] <= 2 * D:
            key = heappop(keys3)
            for k in b3.pop(key):
                if not valid3(k, key):
                    continue
                i = endpoint[2 * k]
                j = endpoint[2 * k + 1]
                base = scan_blossom(i, j)
                if base >= 0:
                    add_blossom(base, k)
                else:
                    ri = tree[i]
                    rj = tree[j]
                    augment_matching(k)
                    nfree -= 2
                    gone = dissolve_tree(ri) + dissolve_tree(rj)
                    push_unlabelled_edges(gone)
            continue
        if heap4 and heap4[0][0] <= D:
            key, b = heappop(heap4)
            if valid4(b, key):
                expand_inner_blossom(b)
            continue

        # ---- no tight edge left: dual step
        delta = maxweight - D  # free vertices' dual reaches zero: optimum
        while keys2:
            key = keys2[0]
            lst = b2[key]
            idx = next((x for x, k in enumerate(lst) if valid2(k, key)), -1)
            if idx >= 0:
                del lst[:idx]
                delta = min(delta, key - D)
                break
            heappop(keys2)
            del b2[key]
        while keys3:
            key = keys3[0]
            lst = b3[key]
            idx = next((x for x, k in enumerate(lst) if valid3(k, key)), -1)
            if idx >= 0:
                del lst[:idx]
                delta = min(delta, (key - 2 * D) >> 1)
                break
            heappop(keys3)
            del b3[key]
        while heap4:
            key, b = heap4[0]
            if valid4(b, key):
                delta = min(delta, key - D)
                break
            heappop(heap4)
        if delta == maxweight - D:
            D = maxweight
            break
        D += delta

    duals = [voff[v] + vsign[v] * D for v in range(n)]
    return [endpoint[p] if p != -1 else -1 for p in mate], duals
