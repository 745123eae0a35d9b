package ingest

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/backstop-dev/backstop"
)

// Registry maps source ids to sources, and web domains to source ids. It is
// what gives "independent" and "from opposing sides" a meaning when reports
// are fused: two outlets of one media group share an affiliation, and a
// Ukrainian ministry and a Russian state agency have opposite sides.
//
// A Registry is safe for concurrent reads; Add must not race with reads.
type Registry struct {
	byID     map[string]backstop.Source
	order    []string
	byDomain map[string]string
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{byID: map[string]backstop.Source{}, byDomain: map[string]string{}}
}

// registryFile is the YAML form of a registry:
//
//	sources:
//	  - id: kpszsu
//	    name: Air Force of the Armed Forces of Ukraine
//	    reliability: B
//	    side: UA
//	    affiliation: ua-mod
//	    domains: [t.me/kpszsu]
type registryFile struct {
	Sources []registryEntry `yaml:"sources"`
}

type registryEntry struct {
	ID          string   `yaml:"id"`
	Name        string   `yaml:"name"`
	Reliability string   `yaml:"reliability"`
	Side        string   `yaml:"side"`
	Affiliation string   `yaml:"affiliation"`
	Domains     []string `yaml:"domains"`
}

// LoadRegistry reads a registry from YAML: a "sources:" list of entries with
// id, name, reliability (A–F), side (a party id such as "UA" or "RU", or
// "neutral"), affiliation and, optionally, the web domains whose links the
// source publishes. Errors name the file and line.
func LoadRegistry(r io.Reader, name string) (*Registry, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, backstop.Errorf(backstop.EINVALID, "%s: %v", name, err)
	}
	var f registryFile
	if err := doc.Decode(&f); err != nil {
		return nil, backstop.Errorf(backstop.EINVALID, "%s: %v", name, err)
	}
	// Line numbers of the entries, for messages.
	lines := entryLines(&doc)
	reg := NewRegistry()
	for i, e := range f.Sources {
		line := 0
		if i < len(lines) {
			line = lines[i]
		}
		if e.ID == "" {
			return nil, backstop.Errorf(backstop.EINVALID, "%s:%d: source %d has no id", name, line, i+1)
		}
		rel := backstop.Reliability('F')
		if e.Reliability != "" {
			rel, err = backstop.ParseReliability(e.Reliability)
			if err != nil {
				return nil, backstop.Errorf(backstop.EINVALID, "%s:%d: source %q: %s", name, line, e.ID, backstop.ErrorMessage(err))
			}
		}
		s := backstop.Source{ID: e.ID, Name: e.Name, Reliability: rel, Side: e.Side, Affiliation: e.Affiliation}
		if s.Affiliation == "" {
			s.Affiliation = s.ID
		}
		if err := reg.Add(s, e.Domains...); err != nil {
			return nil, backstop.Errorf(backstop.EINVALID, "%s:%d: %s", name, line, backstop.ErrorMessage(err))
		}
	}
	return reg, nil
}

func entryLines(doc *yaml.Node) []int {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "sources" && m.Content[i+1].Kind == yaml.SequenceNode {
			var lines []int
			for _, n := range m.Content[i+1].Content {
				lines = append(lines, n.Line)
			}
			return lines
		}
	}
	return nil
}

// Add registers a source and the domains whose links it publishes. A domain
// may carry a path prefix ("t.me/kpszsu") for an account on a platform.
func (reg *Registry) Add(s backstop.Source, domains ...string) error {
	if _, dup := reg.byID[s.ID]; dup {
		return backstop.Errorf(backstop.ECONFLICT, "source %q listed twice", s.ID)
	}
	reg.byID[s.ID] = s
	reg.order = append(reg.order, s.ID)
	for _, d := range domains {
		d = strings.ToLower(strings.TrimSpace(d))
		if other, dup := reg.byDomain[d]; dup {
			return backstop.Errorf(backstop.ECONFLICT, "domain %q belongs to %q and %q", d, other, s.ID)
		}
		reg.byDomain[d] = s.ID
	}
	return nil
}

// Lookup returns the source with the given id.
func (reg *Registry) Lookup(id string) (backstop.Source, bool) {
	s, ok := reg.byID[id]
	return s, ok
}

// Sources returns every source in the order they were added.
func (reg *Registry) Sources() []backstop.Source {
	out := make([]backstop.Source, 0, len(reg.order))
	for _, id := range reg.order {
		out = append(out, reg.byID[id])
	}
	return out
}

// Len is the number of sources.
func (reg *Registry) Len() int { return len(reg.order) }

// Domains returns the registered domains of each source id, sorted.
func (reg *Registry) Domains() map[string][]string {
	out := map[string][]string{}
	for d, id := range reg.byDomain {
		out[id] = append(out[id], d)
	}
	for _, ds := range out {
		sort.Strings(ds)
	}
	return out
}

// platforms are sites that host many independent voices; their links are
// attributed to an account ("t.me/kpszsu") when asked to.
var platforms = map[string]bool{
	"t.me": true, "twitter.com": true, "facebook.com": true, "youtube.com": true,
	"instagram.com": true, "tiktok.com": true, "vk.com": true, "ok.ru": true,
}

// hostAliases fold a site's alternative host names into one.
var hostAliases = map[string]string{
	"x.com": "twitter.com", "mobile.twitter.com": "twitter.com",
	"youtu.be": "youtube.com", "fb.watch": "facebook.com",
	"mbasic.facebook.com": "facebook.com", "m.facebook.com": "facebook.com",
	"telegram.me": "t.me",
}

// LinkSource returns the source of a link: the registered source of its
// domain (or of a parent domain, or of the platform account), or else the
// normalised domain itself with known set to false. A link without a host
// gives "".
func (reg *Registry) LinkSource(link string, splitAccounts bool) (id string, known bool) {
	host, first := linkHost(link)
	if host == "" {
		return "", false
	}
	if first != "" {
		if id, ok := reg.byDomain[host+"/"+strings.ToLower(first)]; ok {
			return id, true
		}
	}
	for h := host; h != ""; {
		if id, ok := reg.byDomain[h]; ok {
			return id, true
		}
		i := strings.IndexByte(h, '.')
		if i < 0 || !strings.Contains(h[i+1:], ".") {
			break
		}
		h = h[i+1:]
	}
	if splitAccounts && platforms[host] && first != "" {
		return host + "/" + strings.ToLower(first), false
	}
	return host, false
}

// linkHost returns the normalised host of a link ("www." and mobile
// prefixes dropped, aliases folded) and the first path segment.
func linkHost(link string) (host, first string) {
	link = strings.TrimSpace(link)
	if link == "" {
		return "", ""
	}
	if !strings.Contains(link, "://") {
		link = "https://" + link
	}
	u, err := url.Parse(link)
	if err != nil || u.Hostname() == "" {
		return "", ""
	}
	host = strings.ToLower(u.Hostname())
	if a, ok := hostAliases[host]; ok {
		host = a
	}
	for _, p := range []string{"www.", "m.", "mobile."} {
		if strings.HasPrefix(host, p) && strings.Count(host, ".") >= 2 {
			host = host[len(p):]
			break
		}
	}
	if a, ok := hostAliases[host]; ok {
		host = a
	}
	if !strings.Contains(host, ".") {
		return "", ""
	}
	segs := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	first = segs[0]
	if host == "t.me" && first == "s" && len(segs) > 1 { // t.me/s/<channel> is the web preview
		first = segs[1]
	}
	if strings.Contains(first, ".") { // profile.php, story.php: no account in the path
		first = ""
	}
	return host, first
}

//go:embed sources.yaml
var defaultRegistryYAML []byte

var (
	defaultRegistryOnce sync.Once
	defaultRegistry     *Registry
)

// DefaultRegistry returns the registry of the sources in the project's
// shared data (sources.yaml in this package): the Ukrainian Air Force, the
// air-raid alert feeds, the VIINA outlets, Bellingcat and the better-known
// domains of its links. Its reliability grades are illustrative defaults,
// not assessments; load your own with LoadRegistry. The returned registry is
// shared: do not Add to it.
func DefaultRegistry() *Registry {
	defaultRegistryOnce.Do(func() {
		reg, err := LoadRegistry(bytes.NewReader(defaultRegistryYAML), "sources.yaml")
		if err != nil {
			panic("ingest: built-in sources.yaml: " + err.Error())
		}
		defaultRegistry = reg
	})
	return defaultRegistry
}

// DefaultRegistryYAML returns the text of the default registry, to start
// one's own from.
func DefaultRegistryYAML() []byte { return bytes.Clone(defaultRegistryYAML) }
