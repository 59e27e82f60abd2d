"""Exact maximum-weight matching on a general graph (Edmonds' blossom algorithm, pure Python).

This is the O(n³) primal-dual method described by Galil ("Efficient algorithms for finding maximum
matching in graphs", ACM Computing Surveys, 1986), with the usual data structures (least-slack edge
per blossom, nested blossoms, integer duals stored doubled so integer weights stay exact).

Two speed-ups that keep the result exact:

* at the start of a stage, every edge that joins two free single vertices and has zero slack is
  matched directly (each is an augmenting path of length one, so the invariants hold) instead of
  paying one full stage per edge;
* the dual-update step only visits the vertices and blossoms that carry a label in this stage.

Only the matching algorithm lives here: vertices are ``0..n-1``, weights are positive ``int``.
"""

from __future__ import annotations

from collections.abc import Sequence


def max_weight_matching(n: int, edges: Sequence[tuple[int, int, int]]) -> list[int]:
    """Return ``mate`` where ``mate[v]`` is v's partner or -1, for a maximum-weight matching.

    ``edges`` holds ``(i, j, weight)`` with ``i != j``, integer ``weight > 0`` and at most one edge
    per vertex pair. The result is deterministic for a given vertex numbering and edge order.
    """
    return max_weight_matching_with_duals(n, edges)[0]


def max_weight_matching_with_duals(n: int, edges: Sequence[tuple[int, int, int]]) -> tuple[list[int], list[int]]:
    """Like :func:`max_weight_matching`, also returning the doubled vertex duals ``2·u(v)``.

    At the optimum every edge (i, j, w) of the graph satisfies ``dual[i] + dual[j] >= 2w`` unless
    both ends lie in one blossom; unmatched vertices have dual 0. An edge *outside* the graph that
    also satisfies the inequality cannot improve the matching (LP duality), which lets a caller
    solve on a sparse subgraph and then check the edges it left out.
    """
    nedge = len(edges)
    if n == 0 or nedge == 0:
        return [-1] * n, [0] * n

    # endpoint[p] is the vertex at endpoint p; edge k has endpoints 2k and 2k+1.
    endpoint: list[int] = []
    wt2: list[int] = []  # doubled weights, matching the doubled duals
    for i, j, w in edges:
        endpoint.append(i)
        endpoint.append(j)
        wt2.append(2 * w)
    # neighbend[v]: the remote endpoints p of the edges at v (endpoint[p] is the neighbour).
    neighbend: list[list[int]] = [[] for _ in range(n)]
    for k, (i, j, _w) in enumerate(edges):
        neighbend[i].append(2 * k + 1)
        neighbend[j].append(2 * k)
    maxweight = max(w for _i, _j, w in edges)

    two_n = 2 * n
    mate = [-1] * n  # remote endpoint of the matched edge, or -1
    label = [0] * two_n  # 0 free, 1 S (outer), 2 T (inner); top-level blossoms and vertices
    labelend = [-1] * two_n
    inblossom = list(range(n))
    blossomparent = [-1] * two_n
    blossomchilds: list[list[int] | None] = [None] * two_n
    blossombase = list(range(n)) + [-1] * n
    blossomendps: list[list[int] | None] = [None] * two_n
    bestedge = [-1] * two_n
    blossombestedges: list[list[int] | None] = [None] * two_n
    unusedblossoms = list(range(two_n - 1, n - 1, -1))
    live_blossoms: set[int] = set()
    dualvar = [maxweight] * n + [0] * n
    allowedge = [False] * nedge
    queue: list[int] = []
    labelled: list[int] = []  # vertices whose top-level blossom got a label this stage
    bestedge_vertices: list[int] = []  # non-S vertices that got a bestedge this stage
    bestedge_blossoms: list[int] = []  # S-blossoms that got a bestedge this stage

    def slack(k: int) -> int:
        return dualvar[endpoint[2 * k]] + dualvar[endpoint[2 * k + 1]] - wt2[k]

    def leaves(b: int) -> list[int]:
        """The vertices inside blossom b (b itself for a single vertex)."""
        if b < n:
            return [b]
        out: list[int] = []
        stack = [b]
        while stack:
            for t in blossomchilds[stack.pop()]:  # type: ignore[union-attr]
                if t < n:
                    out.append(t)
                else:
                    stack.append(t)
        return out

    def assign_label(w: int, t: int, p: int) -> None:
        while True:
            b = inblossom[w]
            label[w] = label[b] = t
            labelend[w] = labelend[b] = p
            bestedge[w] = bestedge[b] = -1
            if b < n:
                labelled.append(b)
                if t == 1:
                    queue.append(b)
            else:
                lv = leaves(b)
                labelled.extend(lv)
                if t == 1:
                    queue.extend(lv)
            if t == 1:
                return
            # T-blossom: its base is matched; label the mate S.
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
        live_blossoms.add(b)
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
        dualvar[b] = 0
        for v in leaves(b):
            if label[inblossom[v]] == 2:
                # former T-vertices become S-vertices and must be scanned
                queue.append(v)
            inblossom[v] = b
        # least-slack edges from the new blossom to each neighbouring S-blossom
        bestedgeto: dict[int, int] = {}
        for bv in path:
            nblist = blossombestedges[bv]
            if nblist is None:
                nblist = [p >> 1 for v in leaves(bv) for p in neighbend[v]]
            for kk in nblist:
                i = endpoint[2 * kk]
                j = endpoint[2 * kk + 1]
                if inblossom[j] == b:
                    i, j = j, i
                bj = inblossom[j]
                if bj != b and label[bj] == 1:
                    cur = bestedgeto.get(bj, -1)
                    if cur == -1 or slack(kk) < slack(cur):
                        bestedgeto[bj] = kk
            blossombestedges[bv] = None
            bestedge[bv] = -1
        best_list = list(bestedgeto.values())
        blossombestedges[b] = best_list
        be = -1
        best_slack = 0
        for kk in best_list:
            s = slack(kk)
            if be == -1 or s < best_slack:
                be = kk
                best_slack = s
        bestedge[b] = be
        if be != -1:
            bestedge_blossoms.append(b)

    def expand_blossom(b: int, endstage: bool) -> None:
        childs = blossomchilds[b]
        assert childs is not None
        for s in childs:
            blossomparent[s] = -1
            if s < n:
                inblossom[s] = s
            elif endstage and dualvar[s] == 0:
                expand_blossom(s, endstage)
            else:
                for v in leaves(s):
                    inblossom[v] = s
        if not endstage and label[b] == 2:
            # The expanded blossom was a T-blossom: relabel the path through it.
            endps = blossomendps[b]
            assert endps is not None
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
                label[endpoint[p ^ 1]] = 0
                label[endpoint[endps[j - endptrick] ^ endptrick ^ 1]] = 0
                assign_label(endpoint[p ^ 1], 2, p)
                allowedge[endps[j - endptrick] >> 1] = True
                j += jstep
                p = endps[j - endptrick] ^ endptrick
                allowedge[p >> 1] = True
                j += jstep
            bv = childs[j]
            label[endpoint[p ^ 1]] = label[bv] = 2
            labelend[endpoint[p ^ 1]] = labelend[bv] = p
            bestedge[bv] = -1
            labelled.extend(leaves(bv))
            j += jstep
            while childs[j] != entrychild:
                bv = childs[j]
                if label[bv] == 1:
                    j += jstep
                    continue
                found = -1
                for v in leaves(bv):
                    if label[v] != 0:
                        found = v
                        break
                if found != -1:
                    v = found
                    label[v] = 0
                    label[endpoint[mate[blossombase[bv]]]] = 0
                    assign_label(v, 2, labelend[v])
                j += jstep
        label[b] = labelend[b] = -1
        blossomchilds[b] = blossomendps[b] = None
        blossombase[b] = -1
        blossombestedges[b] = None
        bestedge[b] = -1
        live_blossoms.discard(b)
        unusedblossoms.append(b)

    def augment_blossom(b: int, v: int) -> None:
        t = v
        while blossomparent[t] != b:
            t = blossomparent[t]
        if t >= n:
            augment_blossom(t, v)
        childs = blossomchilds[b]
        endps = blossomendps[b]
        assert childs is not None and endps is not None
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
                augment_blossom(t, endpoint[p])
            j += jstep
            t = childs[j]
            if t >= n:
                augment_blossom(t, endpoint[p ^ 1])
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

    need_prepass = True
    while True:
        # ---- start of a stage
        label[:] = [0] * two_n
        bestedge[:] = [-1] * two_n
        blossombestedges[n:] = [None] * n
        allowedge[:] = [False] * nedge
        queue.clear()
        labelled.clear()
        bestedge_vertices.clear()
        bestedge_blossoms.clear()

        free = [v for v in range(n) if mate[v] == -1]
        if need_prepass:
            # Match zero-slack edges between free single vertices right away.
            for v in free:
                if mate[v] != -1 or inblossom[v] != v:
                    continue
                dv = dualvar[v]
                for p in neighbend[v]:
                    w = endpoint[p]
                    if mate[w] == -1 and inblossom[w] == w and dv + dualvar[w] == wt2[p >> 1]:
                        mate[v] = p
                        mate[w] = p ^ 1
                        break
            need_prepass = False
        for v in free:
            if mate[v] == -1 and label[inblossom[v]] == 0:
                assign_label(v, 1, -1)

        augmented = False
        while True:
            while queue and not augmented:
                v = queue.pop()
                bv_ = inblossom[v]
                dv = dualvar[v]
                for p in neighbend[v]:
                    k = p >> 1
                    w = endpoint[p]
                    bw = inblossom[w]
                    if bv_ == bw:
                        continue
                    kslack = 0
                    if not allowedge[k]:
                        kslack = dv + dualvar[w] - wt2[k]
                        if kslack <= 0:
                            allowedge[k] = True
                    if allowedge[k]:
                        lw = label[bw]
                        if lw == 0:
                            assign_label(w, 2, p ^ 1)
                        elif lw == 1:
                            base = scan_blossom(v, w)
                            if base >= 0:
                                add_blossom(base, k)
                                bv_ = inblossom[v]
                            else:
                                augment_matching(k)
                                augmented = True
                                break
                        elif label[w] == 0:
                            label[w] = 2
                            labelend[w] = p ^ 1
                    elif label[bw] == 1:
                        be = bestedge[bv_]
                        if be == -1:
                            bestedge[bv_] = k
                            bestedge_blossoms.append(bv_)
                        elif kslack < dualvar[endpoint[2 * be]] + dualvar[endpoint[2 * be + 1]] - wt2[be]:
                            bestedge[bv_] = k
                    elif label[w] == 0:
                        be = bestedge[w]
                        if be == -1:
                            bestedge[w] = k
                            bestedge_vertices.append(w)
                        elif kslack < dualvar[endpoint[2 * be]] + dualvar[endpoint[2 * be + 1]] - wt2[be]:
                            bestedge[w] = k
            if augmented:
                break

            # ---- dual update
            deltatype = 1
            delta = min(dualvar[:n])
            deltaedge = -1
            deltablossom = -1
            for v in bestedge_vertices:
                k = bestedge[v]
                if k != -1 and label[inblossom[v]] == 0:
                    d = slack(k)
                    if d < delta:
                        delta = d
                        deltatype = 2
                        deltaedge = k
            for b in bestedge_blossoms:
                k = bestedge[b]
                if k != -1 and blossomparent[b] == -1 and label[b] == 1:
                    d = slack(k) >> 1
                    if d < delta:
                        delta = d
                        deltatype = 3
                        deltaedge = k
            for b in live_blossoms:
                if blossomparent[b] == -1 and label[b] == 2 and dualvar[b] < delta:
                    delta = dualvar[b]
                    deltatype = 4
                    deltablossom = b
            if delta:
                seen: set[int] = set()
                for v in labelled:
                    if v in seen:
                        continue
                    seen.add(v)
                    lb = label[inblossom[v]]
                    if lb == 1:
                        dualvar[v] -= delta
                    elif lb == 2:
                        dualvar[v] += delta
                for b in live_blossoms:
                    if blossomparent[b] == -1:
                        if label[b] == 1:
                            dualvar[b] += delta
                        elif label[b] == 2:
                            dualvar[b] -= delta
                need_prepass = True
            if deltatype == 1:
                break
            if deltatype == 2:
                allowedge[deltaedge] = True
                i = endpoint[2 * deltaedge]
                if label[inblossom[i]] == 0:
                    i = endpoint[2 * deltaedge + 1]
                queue.append(i)
            elif deltatype == 3:
                allowedge[deltaedge] = True
                queue.append(endpoint[2 * deltaedge])
            else:
                expand_blossom(deltablossom, False)

        if not augmented:
            break
        # ---- end of stage: expand S-blossoms whose dual dropped to zero
        for b in list(live_blossoms):
            if b in live_blossoms and blossomparent[b] == -1 and label[b] == 1 and dualvar[b] == 0:
                expand_blossom(b, True)

    return [endpoint[p] if p != -1 else -1 for p in mate], dualvar[:n]
