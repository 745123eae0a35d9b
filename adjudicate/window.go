package adjudicate

import "time"

// window is one group's sliding window: a queue of the matching incidents
// still inside it, oldest first, with their running sum. Pushing and
// evicting are amortised O(1): the queue is a slice with a moving head that
// is compacted when half of it is dead.
type window struct {
	items []item
	head  int
	sum   float64
}

type item struct {
	t    time.Time
	v    float64
	area float64
	id   string
}

func (w *window) len() int { return len(w.items) - w.head }

func (w *window) push(t time.Time, v float64, id string, area float64) {
	w.items = append(w.items, item{t: t, v: v, id: id, area: area})
	w.sum += v
}

// evict drops the incidents before from: the window is [from, now], so an
// incident exactly one window old still counts.
func (w *window) evict(from time.Time) {
	for w.head < len(w.items) && w.items[w.head].t.Before(from) {
		w.sum -= w.items[w.head].v
		w.items[w.head] = item{}
		w.head++
	}
	if w.head == len(w.items) {
		w.items, w.head, w.sum = w.items[:0], 0, 0 // also resets float drift
	} else if w.head > 32 && w.head*2 > len(w.items) {
		n := copy(w.items, w.items[w.head:])
		clear(w.items[n:])
		w.items, w.head = w.items[:n], 0
	}
}

func (w *window) clear() {
	clear(w.items)
	w.items, w.head, w.sum = w.items[:0], 0, 0
}

func (w *window) ids() []string {
	out := make([]string, 0, w.len())
	for _, it := range w.items[w.head:] {
		out = append(out, it.id)
	}
	return out
}

func (w *window) area() float64 {
	a := 0.0
	for _, it := range w.items[w.head:] {
		a += it.area
	}
	return a
}
