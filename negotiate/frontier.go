package negotiate

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
)

// Point is a deal together with every party's utility for it.
type Point struct {
	Outcome   Outcome
	Utilities []float64
}

// dominates reports whether a dominates b: a_i >= b_i for all i and a_j > b_j
// for some j (exact float comparison).
func dominates(a, b []float64) bool {
	strict := false
	for i := range a {
		if a[i] < b[i] {
			return false
		}
		if a[i] > b[i] {
			strict = true
		}
	}
	return strict
}

func equalVec(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// paretoIndices returns the indices of the non-dominated points among np
// points whose utilities are u[i*n:(i+1)*n]; points with equal utility
// vectors are all kept. less breaks ties between equal vectors (the result
// is ordered by utilities descending, then less).
func paretoIndices(n, np int, u []float64, less func(a, b int) bool) []int {
	idx := make([]int, np)
	for i := range idx {
		idx[i] = i
	}
	vec := func(i int) []float64 { return u[i*n : (i+1)*n] }
	sort.Slice(idx, func(x, y int) bool {
		a, b := vec(idx[x]), vec(idx[y])
		for k := range a {
			if a[k] != b[k] {
				return a[k] > b[k]
			}
		}
		return less(idx[x], idx[y])
	})
	var out []int
	if n == 1 {
		for _, i := range idx {
			if u[i] == u[idx[0]] {
				out = append(out, i)
			}
		}
		return out
	}
	if n == 2 {
		maxPrev := math.Inf(-1)
		for g := 0; g < len(idx); {
			h := g + 1
			for h < len(idx) && equalVec(vec(idx[h]), vec(idx[g])) {
				h++
			}
			u2 := u[idx[g]*2+1]
			if !(maxPrev >= u2) {
				out = append(out, idx[g:h]...)
			}
			maxPrev = max(maxPrev, u2)
			g = h
		}
		return out
	}
	var kept [][]float64
	for g := 0; g < len(idx); {
		h := g + 1
		for h < len(idx) && equalVec(vec(idx[h]), vec(idx[g])) {
			h++
		}
		v := vec(idx[g])
		dom := false
		for _, k := range kept {
			if dominates(k, v) {
				dom = true
				break
			}
		}
		if !dom {
			kept = append(kept, v)
			out = append(out, idx[g:h]...)
		}
		g = h
	}
	return out
}

// Method names the frontier algorithm used.
const (
	MethodEnumerate = "enumeration"
	MethodAdditive  = "additive dynamic programme (exact)"
)

// EnumerateLimit is the largest domain Analyze enumerates when a faster exact
// method is not available.
const EnumerateLimit = 50_000_000

// frontierResult is what a frontier algorithm hands to the analysis.
type frontierResult struct {
	frontier []Point
	lo, hi   []float64
	rational int64 // -1 when not counted
	method   string
}

// Enumerate computes the frontier by visiting every outcome. It is the
// reference path: simple, and correct for any utility. progress, if not nil,
// is called now and then with the number of outcomes visited.
func Enumerate(ctx context.Context, p *Problem, progress func(done uint64)) (*frontierResult, error) {
	d := p.Domain
	size, ok := d.SizeUint64()
	if !ok {
		return nil, fmt.Errorf("domain has %.3g outcomes; too many to enumerate", d.SizeFloat())
	}
	n := len(p.Parties)
	ni := len(d.Issues)
	adds := p.additives()
	lo := make([]float64, n)
	hi := make([]float64, n)
	for i := range lo {
		lo[i], hi[i] = math.Inf(1), math.Inf(-1)
	}
	reserved := make([]float64, n)
	for i, pt := range p.Parties {
		reserved[i] = pt.Reserved
	}
	// prefix[k*n+i]: party i's sum over issues < k (additive parties only).
	prefix := make([]float64, (ni+1)*n)
	o := make(Outcome, ni)
	uvec := make([]float64, n)
	var utils []float64
	var outs []Outcome
	var rational int64
	last := ni - 1
	recompute := func(from int) {
		if adds == nil {
			return
		}
		for k := from; k < last; k++ {
			for i, a := range adds {
				prefix[(k+1)*n+i] = prefix[k*n+i] + a.Contrib[k][o[k]]
			}
		}
	}
	recompute(0)
	var visited uint64
	for {
		// innermost loop over the last issue's values
		for v := range d.Issues[last].Values {
			o[last] = v
			if adds != nil {
				for i, a := range adds {
					uvec[i] = prefix[last*n+i] + a.Contrib[last][v]
				}
			} else {
				for i, pt := range p.Parties {
					uvec[i] = pt.U.Utility(o)
				}
			}
			ok := true
			for i, x := range uvec {
				lo[i] = min(lo[i], x)
				hi[i] = max(hi[i], x)
				if x < reserved[i] {
					ok = false
				}
			}
			if ok && p.Feasible != nil && !p.Feasible(o) {
				ok = false
			}
			if ok {
				rational++
				utils = append(utils, uvec...)
				outs = append(outs, slices.Clone(o))
			}
		}
		visited += uint64(len(d.Issues[last].Values))
		if visited&(1<<20-1) < uint64(len(d.Issues[last].Values)) {
			if progress != nil {
				progress(visited)
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		// advance the odometer over issues 0..last-1
		k := last - 1
		for k >= 0 {
			o[k]++
			if o[k] < len(d.Issues[k].Values) {
				break
			}
			o[k] = 0
			k--
		}
		if k < 0 {
			break
		}
		recompute(k)
	}
	_ = size
	if progress != nil {
		progress(visited)
	}
	fr := &frontierResult{lo: lo, hi: hi, rational: rational, method: MethodEnumerate}
	keep := paretoIndices(n, len(outs), utils, func(a, b int) bool { return slices.Compare(outs[a], outs[b]) < 0 })
	for _, i := range keep {
		fr.frontier = append(fr.frontier, Point{Outcome: outs[i], Utilities: slices.Clone(utils[i*n : (i+1)*n])})
	}
	return fr, nil
}

// dpLayer is the set of partial deals kept after some issues.
type dpLayer struct {
	u      []float64 // n per state
	parent []int32
	val    []int32
}

// AdditiveFrontier computes the exact frontier of a problem whose parties
// all have additive utilities, without enumerating the outcomes. It adds
// one issue at a time to a set of partial deals and drops a partial deal
// when another beats it for every party by more than float rounding in the
// remaining additions could undo, or when it can no longer reach every
// party's reserved value. What survives is a superset of the frontier, which
// a final exact pass reduces to the frontier itself, ties included.
func AdditiveFrontier(ctx context.Context, p *Problem) (*frontierResult, error) {
	adds := p.additives()
	if adds == nil {
		return nil, fmt.Errorf("additive frontier needs every party's utility to be additive")
	}
	if p.Feasible != nil {
		return nil, fmt.Errorf("additive frontier cannot apply a feasibility filter")
	}
	d := p.Domain
	n := len(adds)
	ni := len(d.Issues)
	lo := make([]float64, n)
	hi := make([]float64, n)
	scale := 1.0
	for i, a := range adds {
		lo[i], hi[i] = a.Bounds()
		scale = max(scale, math.Abs(lo[i]), math.Abs(hi[i]))
	}
	// Each addition rounds by at most half an ulp of a number no larger
	// than scale; tol covers every addition still to come, many times over.
	tol := 1e-12 * scale * float64(1+ni/8)
	// remMax[k*n+i]: the largest total party i can still add from issues ≥ k.
	remMax := make([]float64, (ni+1)*n)
	for k := ni - 1; k >= 0; k-- {
		for i, a := range adds {
			remMax[k*n+i] = remMax[(k+1)*n+i] + slices.Max(a.Contrib[k])
		}
	}
	reserved := make([]float64, n)
	for i, pt := range p.Parties {
		reserved[i] = pt.Reserved
	}
	layers := make([]dpLayer, ni)
	cur := dpLayer{u: make([]float64, n)} // one empty partial deal
	curParent := []int32{-1}
	_ = curParent
	for k := 0; k < ni; k++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		nv := len(d.Issues[k].Values)
		ns := len(cur.u) / n
		next := dpLayer{
			u:      make([]float64, 0, ns*nv*n),
			parent: make([]int32, 0, ns*nv),
			val:    make([]int32, 0, ns*nv),
		}
		for s := 0; s < ns; s++ {
			base := cur.u[s*n : (s+1)*n]
		values:
			for v := 0; v < nv; v++ {
				for i, a := range adds {
					x := base[i] + a.Contrib[k][v]
					if x+remMax[(k+1)*n+i] < reserved[i]-tol {
						continue values
					}
				}
				for i, a := range adds {
					next.u = append(next.u, base[i]+a.Contrib[k][v])
				}
				next.parent = append(next.parent, int32(s))
				next.val = append(next.val, int32(v))
			}
		}
		if k < ni-1 {
			next = prune(n, next, tol)
		}
		layers[k] = next
		cur = next
		if len(next.val) > 1<<27 {
			return nil, fmt.Errorf("additive frontier: %d partial deals after issue %d; too many", len(next.val), k+1)
		}
	}
	final := layers[ni-1]
	ns := len(final.val)
	outs := make([]Outcome, 0, ns)
	utils := make([]float64, 0, ns*n)
	for s := 0; s < ns; s++ {
		uv := final.u[s*n : (s+1)*n]
		ok := true
		for i, x := range uv {
			if x < reserved[i] {
				ok = false
			}
		}
		if !ok {
			continue
		}
		o := make(Outcome, ni)
		idx := int32(s)
		for k := ni - 1; k >= 0; k-- {
			o[k] = int(layers[k].val[idx])
			idx = layers[k].parent[idx]
		}
		outs = append(outs, o)
		utils = append(utils, uv...)
	}
	fr := &frontierResult{lo: lo, hi: hi, rational: -1, method: MethodAdditive}
	keep := paretoIndices(n, len(outs), utils, func(a, b int) bool { return slices.Compare(outs[a], outs[b]) < 0 })
	for _, i := range keep {
		fr.frontier = append(fr.frontier, Point{Outcome: outs[i], Utilities: slices.Clone(utils[i*n : (i+1)*n])})
	}
	return fr, nil
}

// prune drops the partial deals that another partial deal beats for every
// party, by more than tol for at least one.
func prune(n int, l dpLayer, tol float64) dpLayer {
	ns := len(l.val)
	idx := make([]int32, ns)
	for i := range idx {
		idx[i] = int32(i)
	}
	keep := make([]bool, ns)
	if n == 2 {
		// Sort by u1 descending, u2 descending.
		sort.Slice(idx, func(a, b int) bool {
			x, y := idx[a], idx[b]
			if l.u[2*x] != l.u[2*y] {
				return l.u[2*x] > l.u[2*y]
			}
			return l.u[2*x+1] > l.u[2*y+1]
		})
		// q is dropped when some p has p1 > q1+tol and p2 >= q2, or
		// p1 >= q1 and p2 > q2+tol.
		strictMax := math.Inf(-1) // max u2 over p with p1 > q1+tol
		allMax := math.Inf(-1)    // max u2 over p with p1 >= q1 (earlier groups)
		j := 0
		for g := 0; g < ns; {
			u1 := l.u[2*idx[g]]
			h := g
			groupMax := math.Inf(-1)
			for h < ns && l.u[2*idx[h]] == u1 {
				groupMax = max(groupMax, l.u[2*idx[h]+1])
				h++
			}
			for j < g && l.u[2*idx[j]] > u1+tol {
				strictMax = max(strictMax, l.u[2*idx[j]+1])
				j++
			}
			m := max(allMax, groupMax)
			for _, q := range idx[g:h] {
				u2 := l.u[2*q+1]
				if strictMax >= u2 || m > u2+tol {
					continue
				}
				keep[q] = true
			}
			allMax = m
			g = h
		}
	} else {
		sums := make([]float64, ns)
		for s := range ns {
			for i := range n {
				sums[s] += l.u[s*n+i]
			}
		}
		sort.Slice(idx, func(a, b int) bool { return sums[idx[a]] > sums[idx[b]] })
		var kept []int32
		for _, q := range idx {
			qv := l.u[int(q)*n : int(q+1)*n]
			dom := false
			for _, p := range kept {
				pv := l.u[int(p)*n : int(p+1)*n]
				ge, strict := true, false
				for i := range n {
					if pv[i] < qv[i] {
						ge = false
						break
					}
					if pv[i] > qv[i]+tol {
						strict = true
					}
				}
				if ge && strict {
					dom = true
					break
				}
			}
			if !dom {
				kept = append(kept, q)
				keep[q] = true
			}
		}
	}
	out := dpLayer{}
	for s := 0; s < ns; s++ {
		if keep[s] {
			out.u = append(out.u, l.u[s*n:(s+1)*n]...)
			out.parent = append(out.parent, l.parent[s])
			out.val = append(out.val, l.val[s])
		}
	}
	return out
}
