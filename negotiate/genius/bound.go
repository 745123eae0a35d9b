package genius

import (
	"math"

	"github.com/backstop-dev/backstop/negotiate"
)

var _ negotiate.Bounded = (*Constraint)(nil)

// flatRect is a rectangle with its effective value (utility × weight ×
// the weights of the ufuns it is nested in).
type flatRect struct {
	val            float64
	exclusive, all bool
	nBounds        int
}

type touch struct {
	rect     int
	min, max float64
}

// constraintBounder bounds a hyper-rectangle utility over partial deals.
// It supports sum aggregation (the only kind in the ANAC files); for max or
// min aggregation it gives the trivial bounds [−∞, +∞] (no pruning).
type constraintBounder struct {
	c       *Constraint
	rects   []flatRect
	byIssue [][]touch
	viol    []int // violated assigned bounds per rectangle
	rem     []int // unassigned bounded issues per rectangle
	value   []int // assigned value per issue
	// sure: rectangles certainly counted; pos/neg: undecided ones by sign.
	sure, pos, neg float64
	trivial        bool
}

// NewBounder implements negotiate.Bounded.
func (c *Constraint) NewBounder() negotiate.Bounder {
	b := &constraintBounder{c: c}
	var walk func(f *ufun, w float64, top bool)
	nIssues := 0
	walk = func(f *ufun, w float64, top bool) {
		if f.agg != "sum" || w < 0 {
			b.trivial = true
		}
		for _, r := range f.rects {
			// A bound covering every value of its issue decides nothing:
			// drop it, so that the rectangle is decided earlier.
			var bounds []bound
			for _, bd := range r.bounds {
				if bd.pos < len(c.sizes) && bd.min <= 0 && bd.max >= float64(c.sizes[bd.pos]-1) {
					continue
				}
				bounds = append(bounds, bd)
			}
			fr := flatRect{val: r.utility * r.weight * w, exclusive: r.exclusive, all: r.all, nBounds: len(bounds)}
			if len(bounds) == 0 && !r.exclusive {
				fr.all = true // INCLUDES everything
			}
			idx := len(b.rects)
			b.rects = append(b.rects, fr)
			if len(bounds) == 0 && r.exclusive && !r.all {
				b.rects[idx].val = 0 // EXCLUDES nothing: never counts
			}
			for _, bd := range bounds {
				for len(b.byIssue) <= bd.pos {
					b.byIssue = append(b.byIssue, nil)
				}
				b.byIssue[bd.pos] = append(b.byIssue[bd.pos], touch{idx, bd.min, bd.max})
				nIssues = max(nIssues, bd.pos+1)
			}
		}
		for i := range f.inner {
			walk(&f.inner[i], w*f.inner[i].weight, false)
		}
	}
	walk(&c.Funcs, 1, true)
	b.viol = make([]int, len(b.rects))
	b.rem = make([]int, len(b.rects))
	for i, r := range b.rects {
		b.rem[i] = r.nBounds
		switch st := b.status(i); st {
		case 1:
			b.sure += r.val
		case 0:
			b.addUndecided(r.val, 1)
		}
	}
	return b
}

func (b *constraintBounder) addUndecided(v, sign float64) {
	if v >= 0 {
		b.pos += sign * v
	} else {
		b.neg += sign * v
	}
}

// status: 1 counted for sure, -1 certainly not, 0 undecided.
func (b *constraintBounder) status(i int) int {
	r := b.rects[i]
	switch {
	case r.all:
		return 1
	case !r.exclusive && b.viol[i] > 0:
		return -1
	case !r.exclusive && b.rem[i] == 0:
		return 1
	case r.exclusive && b.viol[i] > 0:
		return 1
	case r.exclusive && b.rem[i] == 0:
		return -1
	}
	return 0
}

func (b *constraintBounder) update(issue, v int, delta int) {
	if issue >= len(b.byIssue) {
		return
	}
	x := float64(v)
	for _, t := range b.byIssue[issue] {
		before := b.status(t.rect)
		if x < t.min || x > t.max {
			b.viol[t.rect] += delta
		}
		b.rem[t.rect] -= delta
		after := b.status(t.rect)
		if before == after {
			continue
		}
		val := b.rects[t.rect].val
		switch before {
		case 1:
			b.sure -= val
		case 0:
			b.addUndecided(val, -1)
		}
		switch after {
		case 1:
			b.sure += val
		case 0:
			b.addUndecided(val, 1)
		}
	}
}

// Assign implements negotiate.Bounder.
func (b *constraintBounder) Assign(issue, value int) {
	for len(b.value) <= issue {
		b.value = append(b.value, -1)
	}
	b.value[issue] = value
	b.update(issue, value, 1)
}

// Unassign implements negotiate.Bounder.
func (b *constraintBounder) Unassign(issue int) {
	b.update(issue, b.value[issue], -1)
	b.value[issue] = -1
}

func (b *constraintBounder) norm(x float64) float64 {
	// A little slack absorbs the rounding of the incremental sums.
	r := x / b.c.Max
	return min(r, 1)
}

// Upper implements negotiate.Bounder.
func (b *constraintBounder) Upper() float64 {
	if b.trivial {
		return math.Inf(1)
	}
	return b.norm(b.sure+b.pos) + 1e-9
}

// Lower implements negotiate.Bounder.
func (b *constraintBounder) Lower() float64 {
	if b.trivial {
		return math.Inf(-1)
	}
	return b.norm(b.sure+b.neg) - 1e-9
}

// Weight implements negotiate.Bounder.
func (b *constraintBounder) Weight(issue int) float64 {
	w := 0.0
	if issue < len(b.byIssue) {
		for _, t := range b.byIssue[issue] {
			w += math.Abs(b.rects[t.rect].val)
		}
	}
	return w
}
