package monitor

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/backstop-dev/backstop"
)

// Defaults of fusion. Six hours joins the reports of one attack night that
// are stamped at different hours; 25 km joins reports of one strike geocoded
// to a town centre and to a suburb, but not two towns of one oblast.
const (
	DefaultWindow   = 6 * time.Hour
	DefaultRadiusKm = 25.0
	// DefaultMaxSpan is the longest report interval treated as the
	// duration of the event (an attack night). Longer intervals — a report
	// dated only by its day — say when the event was reported, not how
	// long it lasted, and would otherwise chain consecutive nights together.
	DefaultMaxSpan = 18 * time.Hour
)

// SourceLookup finds a source by id. *ingest.Registry satisfies it.
type SourceLookup interface {
	Lookup(id string) (backstop.Source, bool)
}

// FuseOptions tune fusion. The zero value means the defaults and no source
// registry (every source is then unknown: reliability F, its own affiliation,
// no side).
type FuseOptions struct {
	// Sources gives the reliability, side and affiliation of each source.
	Sources SourceLookup
	// Window is the largest gap between two reports' time intervals for
	// them to be one incident; 0 means DefaultWindow.
	Window time.Duration
	// RadiusKm is the largest distance between two reports' points (plus
	// their precision) for them to be one incident; 0 means DefaultRadiusKm.
	RadiusKm float64
	// MaxSpan is the longest interval (End - Time) of a report that counts
	// as the event's duration; 0 means DefaultMaxSpan.
	MaxSpan time.Duration
	// Compatible lists groups of kinds whose reports may be fused together.
	// By default only reports of the same kind fuse: a combined attack of
	// missiles and drones stays two incidents, because agreements often
	// treat them differently.
	Compatible [][]backstop.Kind
}

func (o FuseOptions) window() time.Duration {
	if o.Window <= 0 {
		return DefaultWindow
	}
	return o.Window
}

func (o FuseOptions) maxSpan() time.Duration {
	if o.MaxSpan <= 0 {
		return DefaultMaxSpan
	}
	return o.MaxSpan
}

func (o FuseOptions) radius() float64 {
	if o.RadiusKm <= 0 {
		return DefaultRadiusKm
	}
	return o.RadiusKm
}

// Fuse groups reports into incidents and returns them ordered by (time, id).
// Two reports belong to one incident when their kinds are compatible, their
// actors do not differ (one may be unknown), they are near in time — their
// start times at most Window apart, or the later one starting within the
// earlier one's interval (an attack night, at most MaxSpan long) or Window
// after its end — and their places are near: within
// RadiusKm when both have a point, otherwise sharing an area ("UA" contains
// every "UA-xx"); reports with no place at all only join each other. The
// grouping is the transitive closure of that relation, so it does not depend
// on the order of reports: the result is the same for any permutation.
// Reports with a duplicate id are counted once.
func Fuse(reports []backstop.Report, opt FuseOptions) ([]backstop.Incident, error) {
	sorted := slices.Clone(reports)
	slices.SortFunc(sorted, compareReports)
	f := NewFuser(opt)
	for i := range sorted {
		if err := f.Add(sorted[i]); err != nil {
			return nil, err
		}
	}
	return f.Flush(time.Time{}), nil
}

// compareReports orders reports by (time, source, id): the canonical order
// that makes every derived value (sums, the first text) deterministic.
func compareReports(a, b backstop.Report) int {
	if c := a.Time.Compare(b.Time); c != 0 {
		return c
	}
	if c := strings.Compare(a.SourceID, b.SourceID); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// Fuser fuses a stream of reports incrementally. Reports must be added in
// order of Time (ties in any order); Flush returns the incidents that no
// later report can join any more. The incidents are exactly those Fuse gives
// for the same reports.
type Fuser struct {
	opt     FuseOptions
	window  time.Duration
	maxSpan time.Duration
	radius  float64
	class   map[backstop.Kind]int
	buckets map[bucketKey][]*member
	open    []*cluster
	areas   map[string]int32
	last    time.Time
	maxPrec float64
	nextID  int
}

// A cluster is a set of reports joined so far. Clusters merge with
// union-find when a report joins several.
type cluster struct {
	parent  *cluster
	members []*member
	actor   string    // the first known actor of its members
	start   time.Time // earliest time of any member
	end     time.Time // latest horizon of any member
	serial  int
}

func (c *cluster) root() *cluster {
	for c.parent != nil {
		if c.parent.parent != nil {
			c.parent = c.parent.parent
		}
		c = c.parent
	}
	return c
}

type member struct {
	r       backstop.Report
	horizon time.Time // the latest start of a report that can join it
	c       *cluster
}

// bucketKey indexes open members: by area (area, or "*"+parent for a
// child area), by grid cell for points, or as placeless.
type bucketKey struct {
	class  int32
	area   int32 // interned area; negative for "children of"
	ix, iy int32
	kind   uint8 // 0 area, 1 grid cell, 2 placeless
}

// NewFuser returns an empty Fuser.
func NewFuser(opt FuseOptions) *Fuser {
	f := &Fuser{
		opt:     opt,
		window:  opt.window(),
		maxSpan: opt.maxSpan(),
		radius:  opt.radius(),
		class:   map[backstop.Kind]int{},
		buckets: map[bucketKey][]*member{},
		areas:   map[string]int32{},
	}
	for i, g := range opt.Compatible {
		for _, k := range g {
			f.class[k] = -(i + 1)
		}
	}
	return f
}

func (f *Fuser) classOf(k backstop.Kind) int {
	if c, ok := f.class[k]; ok {
		return c
	}
	c := len(f.class) + 1
	f.class[k] = c
	return c
}

// cellDeg is the size of a grid cell in degrees of latitude: one radius.
func (f *Fuser) cellDeg() float64 { return f.radius / kmPerDegree }

const kmPerDegree = 111.195

// parentArea is the area containing a, or "" — "UA" for "UA-63".
func parentArea(a string) string {
	if i := strings.IndexByte(a, '-'); i > 0 {
		return a[:i]
	}
	return ""
}

// intern numbers an area (from 1), so that bucket keys hash no strings.
func (f *Fuser) intern(a string) int32 {
	if i, ok := f.areas[a]; ok {
		return i
	}
	i := int32(len(f.areas) + 1)
	f.areas[a] = i
	return i
}

// Add adds a report. It fails when the report has no id or no time, or when
// it is older than a report already added (the stream must be in time order).
func (f *Fuser) Add(r backstop.Report) error {
	if r.ID == "" {
		return backstop.Errorf(backstop.EINVALID, "report without an id (source %q, time %s)", r.SourceID, r.Time.Format(time.RFC3339))
	}
	if r.Time.IsZero() {
		return backstop.Errorf(backstop.EINVALID, "report %s: no time", r.ID)
	}
	if r.Time.Before(f.last) {
		return backstop.Errorf(backstop.EINVALID, "report %s at %s: older than a report already fused (%s); the stream must be in time order", r.ID, r.Time.Format(time.RFC3339), f.last.Format(time.RFC3339))
	}
	f.last = r.Time
	// Times in UTC: the same instant then prints and compares the same
	// whatever zone the importer used.
	r.Time = r.Time.UTC()
	if !r.End.IsZero() {
		r.End = r.End.UTC()
	}
	m := &member{r: r, horizon: r.Time.Add(f.window)}
	if span := r.End.Sub(r.Time); span > 0 && span <= f.maxSpan {
		m.horizon = r.End.Add(f.window)
	}
	cls := int32(f.classOf(r.Kind))
	var joined []*cluster
	consider := func(k bucketKey, both bool) {
		list := f.buckets[k]
		kept := list[:0]
		for _, o := range list {
			if o.horizon.Before(r.Time) {
				continue // expired: no later report can reach it
			}
			kept = append(kept, o)
			if o.r.Actor != "" && r.Actor != "" && o.r.Actor != r.Actor {
				continue
			}
			if !both && o.r.Place.HasPoint && r.Place.HasPoint {
				continue // two points: only distance decides
			}
			if both && haversineKm(o.r.Place.Lat, o.r.Place.Lon, r.Place.Lat, r.Place.Lon) > f.radius+o.r.Place.PrecisionKm+r.Place.PrecisionKm {
				continue
			}
			joined = append(joined, o.c.root())
		}
		for i := len(kept); i < len(list); i++ {
			list[i] = nil
		}
		if len(kept) == 0 {
			delete(f.buckets, k)
		} else {
			f.buckets[k] = kept
		}
	}
	var keys []bucketKey
	p := r.Place
	if p.HasPoint {
		if p.PrecisionKm > f.maxPrec {
			f.maxPrec = p.PrecisionKm
		}
		cd := f.cellDeg()
		search := f.radius + p.PrecisionKm + f.maxPrec
		dLat := search / kmPerDegree
		maxLat := math.Min(math.Abs(p.Lat)+dLat, 89)
		dLon := search / (kmPerDegree * math.Cos(maxLat*math.Pi/180))
		for iy := int32(math.Floor((p.Lat - dLat) / cd)); iy <= int32(math.Floor((p.Lat+dLat)/cd)); iy++ {
			for ix := int32(math.Floor((p.Lon - dLon) / cd)); ix <= int32(math.Floor((p.Lon+dLon)/cd)); ix++ {
				consider(bucketKey{class: cls, ix: ix, iy: iy, kind: 1}, true)
			}
		}
		keys = append(keys, bucketKey{class: cls, ix: int32(math.Floor(p.Lon / cd)), iy: int32(math.Floor(p.Lat / cd)), kind: 1})
	}
	for _, a := range p.Areas {
		ai := f.intern(a)
		consider(bucketKey{class: cls, area: ai}, false)
		consider(bucketKey{class: cls, area: -ai}, false)
		keys = append(keys, bucketKey{class: cls, area: ai})
		if pa := parentArea(a); pa != "" {
			pi := f.intern(pa)
			consider(bucketKey{class: cls, area: pi}, false)
			keys = append(keys, bucketKey{class: cls, area: -pi})
		}
	}
	if !p.HasPoint && len(p.Areas) == 0 {
		k := bucketKey{class: cls, kind: 2}
		consider(k, false)
		keys = append(keys, k)
	}
	// A cluster has one actor: a report attributed to one party does not
	// join a cluster attributed to another, and a report of unknown actor
	// does not bridge two clusters of different actors (the older cluster's
	// actor wins; the order is the canonical one, so this is deterministic).
	slices.SortFunc(joined, func(a, b *cluster) int { return cmp.Compare(a.root().serial, b.root().serial) })
	actor := r.Actor
	var c *cluster
	for _, j := range joined {
		j = j.root()
		if j.actor != "" {
			if actor == "" {
				actor = j.actor
			} else if j.actor != actor {
				continue
			}
		}
		switch {
		case c == nil:
			c = j
		case j != c:
			// Merge the younger into the older so roots stay stable.
			if j.serial < c.serial {
				c, j = j, c
			}
			j.parent = c
			c.members = append(c.members, j.members...)
			j.members = nil
			if j.end.After(c.end) {
				c.end = j.end
			}
			if j.start.Before(c.start) {
				c.start = j.start
			}
			if c.actor == "" {
				c.actor = j.actor
			}
		}
	}
	if c == nil {
		f.nextID++
		c = &cluster{serial: f.nextID, start: r.Time}
		f.open = append(f.open, c)
	}
	m.c = c
	if c.actor == "" {
		c.actor = actor
	}
	c.members = append(c.members, m)
	if m.horizon.After(c.end) {
		c.end = m.horizon
	}
	for _, k := range slices.Compact(keys) {
		f.buckets[k] = append(f.buckets[k], m)
	}
	return nil
}

// Flush returns, ordered by (time, id), the incidents that no report at or
// after now can join any more, and forgets them. A zero now flushes all.
func (f *Fuser) Flush(now time.Time) []backstop.Incident {
	var out []backstop.Incident
	kept := f.open[:0]
	for _, c := range f.open {
		if c.parent != nil {
			continue // merged into another
		}
		if !now.IsZero() && !c.end.Before(now) {
			kept = append(kept, c)
			continue
		}
		out = append(out, f.incident(c))
	}
	for i := len(kept); i < len(f.open); i++ {
		f.open[i] = nil
	}
	f.open = kept
	if now.IsZero() {
		f.buckets = map[bucketKey][]*member{}
	}
	slices.SortFunc(out, func(a, b backstop.Incident) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// OpenSince returns the earliest time of a report in a cluster not yet
// flushed: no incident flushed later can start before it.
func (f *Fuser) OpenSince() (time.Time, bool) {
	var t time.Time
	ok := false
	for _, c := range f.open {
		if c.parent == nil && (!ok || c.start.Before(t)) {
			t, ok = c.start, true
		}
	}
	return t, ok
}

// Pending is the number of clusters not yet flushed.
func (f *Fuser) Pending() int { return len(f.open) }

// incident builds the incident of a cluster. Every value is computed from
// the reports in canonical order, so it is the same whatever order they
// arrived in.
func (f *Fuser) incident(c *cluster) backstop.Incident {
	rs := make([]backstop.Report, len(c.members))
	for i, m := range c.members {
		rs[i] = m.r
	}
	slices.SortFunc(rs, compareReports)
	return Incident(rs, f.opt.Sources)
}

// Incident builds one incident from reports already known to be about one
// event, in canonical (time, source, id) order; see Fuse for the grouping
// and Grade for the grading.
func Incident(rs []backstop.Report, sources SourceLookup) backstop.Incident {
	// A report given twice counts once (the first in canonical order).
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	slices.Sort(ids)
	if n := len(slices.Compact(slices.Clone(ids))); n < len(ids) {
		seen := make(map[string]bool, n)
		rs = slices.DeleteFunc(slices.Clone(rs), func(r backstop.Report) bool {
			if seen[r.ID] {
				return true
			}
			seen[r.ID] = true
			return false
		})
		ids = slices.Compact(ids)
	}
	var inc backstop.Incident
	inc.Reports = make([]string, len(rs))
	kinds := map[backstop.Kind]int{}
	actors := map[string]int{}
	areas := map[string]bool{}
	perSource := map[string]map[string]float64{}
	var sumLon, sumLat float64
	var nPoint int
	bestCred := backstop.Credibility(0)
	for i, r := range rs {
		inc.Reports[i] = r.ID
		if i == 0 || r.Time.Before(inc.Time) {
			inc.Time = r.Time
		}
		if r.End.After(inc.End) {
			inc.End = r.End
		}
		kinds[r.Kind]++
		if r.Actor != "" {
			actors[r.Actor]++
		}
		for _, a := range r.Place.Areas {
			areas[a] = true
		}
		if r.Place.HasPoint {
			sumLon += r.Place.Lon
			sumLat += r.Place.Lat
			nPoint++
			inc.Place.PrecisionKm = math.Max(inc.Place.PrecisionKm, r.Place.PrecisionKm)
		}
		if inc.Place.Name == "" {
			inc.Place.Name = r.Place.Name
		}
		if inc.Text == "" {
			inc.Text = r.Text
		}
		if len(r.Counts) > 0 {
			m := perSource[r.SourceID]
			if m == nil {
				m = map[string]float64{}
				perSource[r.SourceID] = m
			}
			for k, v := range r.Counts {
				m[k] += v
			}
		}
		if r.Credibility >= 1 && r.Credibility <= 6 && (bestCred == 0 || r.Credibility < bestCred) {
			bestCred = r.Credibility
		}
	}
	if !inc.End.After(inc.Time) {
		inc.End = time.Time{}
	}
	inc.Kind = mostCommon(kinds, func(a, b backstop.Kind) int {
		return cmp.Compare(slices.Index(backstop.Kinds, a), slices.Index(backstop.Kinds, b))
	})
	inc.Actor = mostCommon(actors, strings.Compare)
	if nPoint > 0 {
		inc.Place.HasPoint = true
		inc.Place.Lon = sumLon / float64(nPoint)
		inc.Place.Lat = sumLat / float64(nPoint)
	}
	for a := range areas {
		inc.Place.Areas = append(inc.Place.Areas, a)
	}
	slices.Sort(inc.Place.Areas)
	// Counts: a source's reports add up (one row per weapon model); across
	// sources take the largest figure, since they report the same event.
	for _, m := range perSource {
		if inc.Counts == nil {
			inc.Counts = map[string]float64{}
		}
		for k, v := range m {
			if v > inc.Counts[k] {
				inc.Counts[k] = v
			}
		}
	}
	// Sources.
	srcIDs := make([]string, 0, len(rs))
	for _, r := range rs {
		srcIDs = append(srcIDs, r.SourceID)
	}
	slices.Sort(srcIDs)
	srcIDs = slices.Compact(srcIDs)
	inc.Sources = make([]backstop.Source, len(srcIDs))
	for i, id := range srcIDs {
		inc.Sources[i] = lookupSource(sources, id)
	}
	inc.IndependentSources, inc.OpposingSides = Independence(inc.Sources)
	inc.Grade = Grade(inc.Sources, inc.IndependentSources, inc.OpposingSides, bestCred)
	sum := sha256.Sum256([]byte(strings.Join(ids, "\n")))
	inc.ID = "inc-" + hex.EncodeToString(sum[:8])
	return inc
}

func lookupSource(sources SourceLookup, id string) backstop.Source {
	if sources != nil {
		if s, ok := sources.Lookup(id); ok {
			if s.ID == "" {
				s.ID = id
			}
			return s
		}
	}
	return backstop.Source{ID: id, Reliability: 'F'}
}

// Independence counts the independent sources among srcs — distinct
// affiliations, a source without one being its own — and tells whether two
// of them are aligned with different, non-neutral sides.
func Independence(srcs []backstop.Source) (independent int, opposing bool) {
	affs := make([]string, 0, len(srcs))
	side := ""
	for _, s := range srcs {
		a := s.Affiliation
		if a == "" {
			a = "\x00" + s.ID
		}
		affs = append(affs, a)
		if !s.Neutral() {
			if side == "" {
				side = s.Side
			} else if s.Side != side {
				opposing = true
			}
		}
	}
	slices.Sort(affs)
	return len(slices.Compact(affs)), opposing
}

// Grade computes an incident's Admiralty grade. Reliability is the best
// among its sources. Credibility is 1 (confirmed) when at least two
// independent sources, including sources of opposing sides, agree; 2
// (probably true) with two or more independent sources; 3 (possibly true)
// with one reliable (A or B) source; otherwise the best credibility its
// reports were given, or 6 (cannot be judged).
func Grade(srcs []backstop.Source, independent int, opposing bool, reported backstop.Credibility) backstop.Grade {
	g := backstop.Grade{Reliability: 'F'}
	for _, s := range srcs {
		if s.Reliability >= 'A' && s.Reliability <= 'F' && s.Reliability < g.Reliability {
			g.Reliability = s.Reliability
		}
	}
	switch {
	case independent >= 2 && opposing:
		g.Credibility = 1
	case independent >= 2:
		g.Credibility = 2
	case g.Reliability.AtLeast('B'):
		g.Credibility = 3
	case reported >= 1 && reported <= 6:
		g.Credibility = reported
	default:
		g.Credibility = 6
	}
	return g
}

// mostCommon returns the key with the highest count, ties broken by the
// smallest key under less; the zero value for an empty map.
func mostCommon[K comparable](m map[K]int, compare func(a, b K) int) K {
	var best K
	n := -1
	for k, c := range m {
		if c > n || (c == n && compare(k, best) < 0) {
			best, n = k, c
		}
	}
	return best
}

// haversineKm is the great-circle distance on a sphere of the Earth's mean
// radius; fusion needs tens of kilometres, not metres.
func haversineKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0088
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lon2-lon1)*math.Pi/180
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}
