package ingest

import (
	"encoding/json"
	"io"
	"math"
	"regexp"
	"strings"
	"sync"

	"github.com/backstop-dev/backstop"
)

// Oblast is one of Ukraine's 27 first-level units as the Natural Earth
// boundaries file names it (geo/ukraine_oblasts_ne10m.geojson).
type Oblast struct {
	ISO       string // ISO 3166-2 code, e.g. "UA-63"
	NameEn    string // "Kharkiv Oblast"
	NameShort string // "Kharkiv"
	// Adjective is the Ukrainian adjectival name in the national
	// romanisation, as the alert feeds write it ("Kharkivska").
	Adjective string
}

// Oblasts is the built-in table of first-level units, in the boundaries
// file's order except that Kyiv city (UA-30) comes first so that plain
// "Kyiv" means the city. A test checks it against the boundaries file.
var Oblasts = []Oblast{
	{"UA-30", "Kyiv", "Kyiv City", ""},
	{"UA-05", "Vinnytsia Oblast", "Vinnytsia", "Vinnytska"},
	{"UA-07", "Volyn Oblast", "Volyn", "Volynska"},
	{"UA-09", "Luhansk Oblast", "Luhansk", "Luhanska"},
	{"UA-12", "Dnipropetrovsk Oblast", "Dnipropetrovsk", "Dnipropetrovska"},
	{"UA-14", "Donetsk Oblast", "Donetsk", "Donetska"},
	{"UA-18", "Zhytomyr Oblast", "Zhytomyr", "Zhytomyrska"},
	{"UA-21", "Zakarpattia Oblast", "Zakarpattia", "Zakarpatska"},
	{"UA-23", "Zaporizhzhia Oblast", "Zaporizhzhia", "Zaporizka"},
	{"UA-26", "Ivano-Frankivsk Oblast", "Ivano-Frankivsk", "Ivano-Frankivska"},
	{"UA-32", "Kyiv Oblast", "Kyiv", "Kyivska"},
	{"UA-35", "Kirovohrad Oblast", "Kirovohrad", "Kirovohradska"},
	{"UA-40", "Sevastopol", "Sevastopol", ""},
	{"UA-43", "Autonomous Republic of Crimea", "Crimea", ""},
	{"UA-46", "Lviv Oblast", "Lviv", "Lvivska"},
	{"UA-48", "Mykolaiv Oblast", "Mykolaiv", "Mykolaivska"},
	{"UA-51", "Odesa Oblast", "Odesa", "Odeska"},
	{"UA-53", "Poltava Oblast", "Poltava", "Poltavska"},
	{"UA-56", "Rivne Oblast", "Rivne", "Rivnenska"},
	{"UA-59", "Sumy Oblast", "Sumy", "Sumska"},
	{"UA-61", "Ternopil Oblast", "Ternopil", "Ternopilska"},
	{"UA-63", "Kharkiv Oblast", "Kharkiv", "Kharkivska"},
	{"UA-65", "Kherson Oblast", "Kherson", "Khersonska"},
	{"UA-68", "Khmelnytskyi Oblast", "Khmelnytskyi", "Khmelnytska"},
	{"UA-71", "Cherkasy Oblast", "Cherkasy", "Cherkaska"},
	{"UA-74", "Chernihiv Oblast", "Chernihiv", "Chernihivska"},
	{"UA-77", "Chernivtsi Oblast", "Chernivtsi", "Chernivetska"},
}

// oblastVariants are other spellings of the units: Russian-era and GeoNames
// romanisations (as VIINA's ADM1_NAME writes them), and common English forms.
// They are matched after normalisation (lower case, apostrophes dropped).
var oblastVariants = map[string][]string{
	"UA-30": {"kiev", "kyiv city", "kiev city", "city of kyiv", "kyiv (city)", "m. kyiv"},
	"UA-05": {"vinnytsya", "vinnitsa", "vinnitsya"},
	"UA-07": {"volhynia", "volyn region"},
	"UA-09": {"lugansk", "luhansk region"},
	"UA-12": {"dnepropetrovsk", "dnipropetrovshchyna", "dnipro oblast", "dnipro region"},
	"UA-14": {"donetsk region"},
	"UA-18": {"zhitomir"},
	"UA-21": {"zakarpattya", "transcarpathia", "zakarpatia", "transcarpathian"},
	"UA-23": {"zaporizhzhya", "zaporozhye", "zaporizhia", "zaporozhzhia", "zaporozhia"},
	"UA-26": {"ivano frankivsk"},
	"UA-32": {"kiev oblast", "kyiv region", "kiev region", "kyivshchyna", "kyiv oblast", "kyiv province"},
	"UA-35": {"kirovograd", "kropyvnytskyi region"},
	"UA-40": {"sebastopol", "sevastopol city"},
	"UA-43": {"krym", "republic of crimea", "ar crimea", "crimean peninsula", "crimea republic"},
	"UA-46": {"lvov"},
	"UA-48": {"mykolayiv", "nikolaev", "nikolayev", "mikolaiv"},
	"UA-51": {"odessa"},
	"UA-56": {"rovno"},
	"UA-61": {"ternopol"},
	"UA-63": {"kharkov"},
	"UA-68": {"khmelnytskyy", "khmelnytsky", "khmelnitsky", "khmelnitskiy", "khmelnytskyi region"},
	"UA-71": {"cherkassy"},
	"UA-74": {"chernigov"},
	"UA-77": {"chernovtsy", "bukovyna"},
}

// settlements are towns, bases and landmarks named in the data sets'
// free-text places, with the unit they lie in. Cities that share their
// unit's name (Kharkiv, Sumy...) resolve through the unit.
var settlements = map[string]string{
	// Dnipropetrovsk
	"dnipro": "UA-12", "kryvyi rih": "UA-12", "kryvyi rig": "UA-12", "krivoy rog": "UA-12",
	"pavlohrad": "UA-12", "nikopol": "UA-12", "kamianske": "UA-12", "synelnykove": "UA-12",
	"novomoskovsk": "UA-12", "samarivskyi": "UA-12", "marhanets": "UA-12", "zhovti vody": "UA-12",
	// Donetsk
	"kramatorsk": "UA-14", "sloviansk": "UA-14", "bakhmut": "UA-14", "pokrovsk": "UA-14",
	"kostiantynivka": "UA-14", "mariupol": "UA-14", "horlivka": "UA-14", "makiivka": "UA-14",
	"volnovakha": "UA-14", "khartsyzk": "UA-14", "khartsyzsk": "UA-14", "avdiivka": "UA-14",
	"druzhkivka": "UA-14", "myrnohrad": "UA-14", "selydove": "UA-14", "lyman": "UA-14",
	"chasiv yar": "UA-14", "toretsk": "UA-14", "yenakiieve": "UA-14", "debaltseve": "UA-14",
	// Odesa
	"izmail": "UA-51", "bilhorod-dnistrovskyi": "UA-51", "chornomorsk": "UA-51",
	"pivdennyi": "UA-51", "zatoka": "UA-51", "snake island": "UA-51", "zmiinyi island": "UA-51",
	"reni": "UA-51", "podilsk": "UA-51",
	// Mykolaiv
	"ochakiv": "UA-48", "voznesensk": "UA-48", "yuzhnoukrainsk": "UA-48", "kinburn spit": "UA-48",
	// Kherson
	"nova kakhovka": "UA-65", "beryslav": "UA-65", "skadovsk": "UA-65", "henichesk": "UA-65",
	"kakhovka": "UA-65", "hola prystan": "UA-65", "oleshky": "UA-65", "chaplynka": "UA-65",
	// Kharkiv
	"izium": "UA-63", "kupiansk": "UA-63", "chuhuiv": "UA-63", "lozova": "UA-63",
	"balakliia": "UA-63", "vovchansk": "UA-63", "bohodukhiv": "UA-63", "zolochiv": "UA-63",
	// Sumy
	"shostka": "UA-59", "okhtyrka": "UA-59", "konotop": "UA-59", "romny": "UA-59",
	"lebedyn": "UA-59", "trostianets": "UA-59",
	// Zaporizhzhia
	"enerhodar": "UA-23", "melitopol": "UA-23", "berdiansk": "UA-23", "tokmak": "UA-23",
	"prymorsk": "UA-23", "huliaipole": "UA-23", "orikhiv": "UA-23", "vasylivka": "UA-23",
	"polohy": "UA-23",
	// Khmelnytskyi
	"starokostiantyniv": "UA-68", "shepetivka": "UA-68", "kamianets-podilskyi": "UA-68",
	"netishyn": "UA-68",
	// Ivano-Frankivsk
	"kolomyia": "UA-26", "kalush": "UA-26", "burshtyn": "UA-26",
	// Poltava
	"kremenchuk": "UA-53", "myrhorod": "UA-53", "lubny": "UA-53", "horishni plani": "UA-53",
	// Volyn, Rivne, Zakarpattia, Cherkasy, Chernihiv
	"lutsk": "UA-07", "kovel": "UA-07", "dubno": "UA-56", "varash": "UA-56",
	"uzhhorod": "UA-21", "mukachevo": "UA-21", "uman": "UA-71", "smila": "UA-71",
	"nizhyn": "UA-74", "pryluky": "UA-74",
	// Kyiv Oblast
	"bila tserkva": "UA-32", "brovary": "UA-32", "boryspil": "UA-32", "irpin": "UA-32",
	"bucha": "UA-32", "vasylkiv": "UA-32", "fastiv": "UA-32", "obukhiv": "UA-32",
	"vyshhorod": "UA-32", "hostomel": "UA-32",
	// Zhytomyr, Vinnytsia, Kirovohrad, Lviv
	"korosten": "UA-18", "berdychiv": "UA-18", "ovruch": "UA-18", "ozerne": "UA-18",
	"kalynivka": "UA-05", "khmilnyk": "UA-05", "zhmerynka": "UA-05",
	"kropyvnytskyi": "UA-35", "oleksandriia": "UA-35",
	"stryi": "UA-46", "drohobych": "UA-46", "yavoriv": "UA-46", "sambir": "UA-46",
	"chervonohrad": "UA-46", "sheptytskyi": "UA-46",
	// Luhansk
	"lysychansk": "UA-09", "sievierodonetsk": "UA-09", "alchevsk": "UA-09", "starobilsk": "UA-09",
	// Crimea and Sevastopol
	"simferopol": "UA-43", "yalta": "UA-43", "feodosia": "UA-43", "kerch": "UA-43",
	"dzhankoi": "UA-43", "yevpatoria": "UA-43", "saky": "UA-43", "chauda": "UA-43",
	"cape chauda": "UA-43", "hvardiiske": "UA-43", "cape tarkhankut": "UA-43",
	"tarkhankut": "UA-43", "crimean bridge": "UA-43", "kerch bridge": "UA-43",
	"belbek": "UA-40", "kacha": "UA-40", "balaklava": "UA-40", "inkerman": "UA-40",
	// raions named where an oblast is expected
	"lubenskyi raion": "UA-53",
}

// macroRegions are the parts of the country the Air Force's reports name
// ("south", "north and center"). The Air Force does not publish their
// extent; these unions of units are the conventional macro-regions and an
// approximation, which is why the text is always kept in Place.Name.
var macroRegions = map[string][]string{
	"north":  {"UA-30", "UA-32", "UA-74", "UA-59", "UA-18"},
	"south":  {"UA-51", "UA-48", "UA-65", "UA-23", "UA-43", "UA-40"},
	"east":   {"UA-63", "UA-14", "UA-09", "UA-12"},
	"west":   {"UA-46", "UA-07", "UA-56", "UA-61", "UA-26", "UA-21", "UA-77", "UA-68"},
	"center": {"UA-05", "UA-35", "UA-71", "UA-53"},
}

// regionAliases name unions of macro-regions.
var regionAliases = map[string][]string{
	"centre": {"center"}, "central": {"center"}, "centre of ukraine": {"center"},
	"south-east": {"south", "east"}, "southeast": {"south", "east"}, "south east": {"south", "east"},
	"north-east": {"north", "east"}, "northeast": {"north", "east"}, "north east": {"north", "east"},
	"north-west": {"north", "west"}, "northwest": {"north", "west"},
	"south-west": {"south", "west"}, "southwest": {"south", "west"},
	"southern": {"south"}, "northern": {"north"}, "eastern": {"east"}, "western": {"west"},
	"donbas": {"UA-14", "UA-09"}, "donbass": {"UA-14", "UA-09"},
}

// countries are whole countries named as places, as ISO 3166-1 codes.
var countries = map[string]string{
	"ukraine": "UA", "whole of ukraine": "UA", "all of ukraine": "UA", "across ukraine": "UA",
	"russia": "RU", "russian federation": "RU", "belarus": "BY",
}

// russianRegions are the Russian federal subjects named as launch places,
// with their ISO 3166-2 codes, and towns and air bases in them.
var russianRegions = map[string]string{
	"kursk": "RU-KRS", "bryansk": "RU-BRY", "oryol": "RU-ORL", "orel": "RU-ORL",
	"voronezh": "RU-VOR", "belgorod": "RU-BEL", "saratov": "RU-SAR", "rostov": "RU-ROS",
	"tambov": "RU-TAM", "lipetsk": "RU-LIP", "volgograd": "RU-VGG", "ryazan": "RU-RYA",
	"krasnodar": "RU-KDA", "krasnodar krai": "RU-KDA", "kuban": "RU-KDA", "tula": "RU-TUL",
	"astrakhan": "RU-AST", "smolensk": "RU-SMO", "kaluga": "RU-KLU", "moscow": "RU-MOS",
	"murmansk": "RU-MUR", "novgorod": "RU-NGR", "nizhny novgorod": "RU-NIZ", "pskov": "RU-PSK",
	"leningrad": "RU-LEN",
	// towns and air bases
	"primorsko-akhtarsk": "RU-KDA", "yeysk": "RU-KDA", "yeisk": "RU-KDA", "anapa": "RU-KDA",
	"novorossiysk": "RU-KDA", "millerovo": "RU-ROS", "volgodonsk": "RU-ROS", "taganrog": "RU-ROS",
	"morozovsk": "RU-ROS", "rostov-on-don": "RU-ROS", "shatalovo": "RU-SMO", "engels": "RU-SAR",
	"engels-2": "RU-SAR", "kapustin yar": "RU-AST", "seshcha": "RU-BRY", "olenya": "RU-MUR",
	"olenegorsk": "RU-MUR", "soltsy": "RU-NGR", "soltsy-2": "RU-NGR", "savasleyka": "RU-NIZ",
	"shaykovka": "RU-KLU",
}

// suffixes are dropped from a part that does not resolve as written
// ("Dnipro Raion" → "Dnipro").
var suffixes = []string{
	" oblast", " obl.", " obl", " region", " province", " raion", " rayon", " district",
	" krai", " kray", " city", " hromada", " terytorialna", " territorial community",
	" republic", " air base", " airbase", " airfield",
}

var prefixes = []string{"and ", "city of ", "m. ", "the ", "town of ", "village of ", "near ", "cape "}

// Gazetteer resolves free-text place names to ISO 3166-2 area codes, and,
// when it was loaded with boundaries, points to the unit they lie in.
type Gazetteer struct {
	names map[string][]string // normalised name → area codes
	units []unitShape
}

type unitShape struct {
	iso                    string
	minX, minY, maxX, maxY float64
	polys                  [][][][2]float64 // polygons → rings → points
}

// NewGazetteer returns a gazetteer of the built-in names: the units (with
// their variants, adjectival forms and "... oblast/region" forms), the
// settlements of the data sets, the macro-regions, countries and the
// Russian regions used as launch places.
func NewGazetteer() *Gazetteer {
	g := &Gazetteer{names: map[string][]string{}}
	for _, o := range Oblasts {
		g.addUnitNames(o.ISO, o.NameEn, o.NameShort, o.Adjective)
	}
	for iso, vs := range oblastVariants {
		for _, v := range vs {
			g.add(v, iso)
			if iso != "UA-30" {
				g.addForms(v, iso)
			}
		}
	}
	for name, iso := range settlements {
		g.add(name, iso)
	}
	for name, areas := range macroRegions {
		g.add(name, areas...)
	}
	for name, parts := range regionAliases {
		var areas []string
		for _, p := range parts {
			if a, ok := macroRegions[p]; ok {
				areas = append(areas, a...)
			} else {
				areas = append(areas, p)
			}
		}
		g.add(name, areas...)
	}
	for name, code := range countries {
		g.add(name, code)
	}
	for name, code := range russianRegions {
		g.add(name, code)
		g.addForms(name, code)
	}
	return g
}

func (g *Gazetteer) addUnitNames(iso, nameEn, short, adj string) {
	g.add(nameEn, iso)
	g.add(short, iso)
	if iso == "UA-30" {
		return // "Kyiv oblast" is UA-32
	}
	g.addForms(short, iso)
	if adj != "" {
		g.add(adj, iso)
		g.addForms(adj, iso)
	}
}

// addForms adds "<name> oblast", "<name> region" and "<name> province".
func (g *Gazetteer) addForms(name, iso string) {
	for _, s := range []string{" oblast", " region", " province"} {
		g.add(name+s, iso)
	}
}

// add registers name for areas unless the name is already taken: the first
// registration wins, which is how "Kyiv" stays the city.
func (g *Gazetteer) add(name string, areas ...string) {
	n := normPlace(name)
	if n == "" {
		return
	}
	if _, ok := g.names[n]; ok {
		return
	}
	g.names[n] = areas
}

// AddName registers an extra name for one or more areas; a name already
// known keeps its meaning.
func (g *Gazetteer) AddName(name string, areas ...string) { g.add(name, areas...) }

var (
	defaultGazOnce sync.Once
	defaultGaz     *Gazetteer
)

// DefaultGazetteer returns the shared built-in gazetteer (NewGazetteer).
// It has no boundaries, so Locate finds nothing; use LoadOblasts for that.
func DefaultGazetteer() *Gazetteer {
	defaultGazOnce.Do(func() { defaultGaz = NewGazetteer() })
	return defaultGaz
}

// Resolution is what a gazetteer made of one free-text place.
type Resolution struct {
	// Named is false when the text was empty.
	Named bool
	// Areas are the resolved area codes, without duplicates, in the order
	// the text named them.
	Areas []string
	// Unresolved are the parts of the text that named no known place.
	Unresolved []string
}

var (
	parenRE   = regexp.MustCompile(`\([^)]*\)`)
	splitRE   = regexp.MustCompile(`(?i)\s+and\s+|\s*[,;&+]\s*|\s+та\s+|\s+і\s+|\s+и\s+`)
	apostRepl = strings.NewReplacer("'", "", "’", "", "ʼ", "", "`", "", "‘", "", "ʹ", "", "\u00a0", " ")
)

// normPlace lower-cases a name, drops apostrophes and collapses spaces, so
// that "Donets'k" and "Donetsk", "Kharkiv  Oblast" and "kharkiv oblast" meet.
func normPlace(s string) string {
	s = strings.ToLower(apostRepl.Replace(s))
	s = strings.Join(strings.Fields(s), " ")
	return strings.Trim(s, " .:-")
}

// Resolve splits text into places (on "and", commas, semicolons) and
// resolves each to area codes. "Kyiv" is the city (UA-30) and "Kyiv oblast"
// the oblast (UA-32); "south", "north and center" resolve to the unions in
// macroRegions; "Ukraine" to the country code "UA".
func (g *Gazetteer) Resolve(text string) Resolution {
	text = strings.TrimSpace(text)
	if text == "" || strings.EqualFold(text, "nan") {
		return Resolution{}
	}
	res := Resolution{Named: true}
	seen := map[string]bool{}
	addAreas := func(areas []string) {
		for _, a := range areas {
			if !seen[a] {
				seen[a] = true
				res.Areas = append(res.Areas, a)
			}
		}
	}
	if areas, ok := g.lookup(text); ok {
		addAreas(areas)
		return res
	}
	for _, part := range splitRE.Split(text, -1) {
		if normPlace(part) == "" {
			continue
		}
		if areas, ok := g.lookup(part); ok {
			addAreas(areas)
		} else {
			res.Unresolved = append(res.Unresolved, normPlace(part))
		}
	}
	if len(res.Areas) == 0 && len(res.Unresolved) == 0 {
		res.Unresolved = []string{normPlace(text)}
	}
	return res
}

// lookup resolves one place: as written, then without a parenthesis, then
// without suffixes such as "oblast" or "raion" and prefixes such as "city
// of".
func (g *Gazetteer) lookup(s string) ([]string, bool) {
	n := normPlace(s)
	if a, ok := g.names[n]; ok {
		return a, true
	}
	if p := normPlace(parenRE.ReplaceAllString(n, " ")); p != n && p != "" {
		if a, ok := g.names[p]; ok {
			return a, true
		}
		n = p
	}
	for range 3 {
		changed := false
		for _, suf := range suffixes {
			if strings.HasSuffix(n, suf) && len(n) > len(suf) {
				n = strings.TrimSpace(strings.TrimSuffix(n, suf))
				changed = true
			}
		}
		for _, pre := range prefixes {
			if strings.HasPrefix(n, pre) && len(n) > len(pre) {
				n = strings.TrimSpace(strings.TrimPrefix(n, pre))
				changed = true
			}
		}
		if a, ok := g.names[n]; ok {
			return a, true
		}
		if !changed {
			break
		}
	}
	return nil, false
}

// Locate returns the code of the unit that contains the point, or "" when
// the gazetteer has no boundaries or no unit contains it.
func (g *Gazetteer) Locate(lon, lat float64) string {
	for _, u := range g.units {
		if lon < u.minX || lon > u.maxX || lat < u.minY || lat > u.maxY {
			continue
		}
		for _, poly := range u.polys {
			if inPolygon(poly, lon, lat) {
				return u.iso
			}
		}
	}
	return ""
}

// inPolygon applies the even-odd rule to the polygon's rings, so holes are
// outside.
func inPolygon(rings [][][2]float64, x, y float64) bool {
	in := false
	for _, ring := range rings {
		for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
			xi, yi, xj, yj := ring[i][0], ring[i][1], ring[j][0], ring[j][1]
			if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
				in = !in
			}
		}
	}
	return in
}

// LoadOblasts reads the oblast boundaries (a GeoJSON FeatureCollection with
// properties iso_3166_2, name_en and, optionally, name_short, as in
// geo/ukraine_oblasts_ne10m.geojson) and returns the built-in gazetteer
// extended with the file's names and able to Locate points.
func LoadOblasts(r io.Reader, name string) (*Gazetteer, error) {
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Properties map[string]any `json:"properties"`
			Geometry   *struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.NewDecoder(r).Decode(&fc); err != nil {
		return nil, backstop.Errorf(backstop.EINVALID, "%s: %v", name, err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, backstop.Errorf(backstop.EINVALID, "%s: type %q: want a FeatureCollection", name, fc.Type)
	}
	g := NewGazetteer()
	for i, f := range fc.Features {
		iso, _ := f.Properties["iso_3166_2"].(string)
		if iso == "" {
			return nil, backstop.Errorf(backstop.EINVALID, "%s: feature %d: no iso_3166_2 property", name, i)
		}
		nameEn, _ := f.Properties["name_en"].(string)
		short, _ := f.Properties["name_short"].(string)
		g.addUnitNames(iso, nameEn, short, "")
		if f.Geometry == nil {
			continue
		}
		u := unitShape{iso: iso, minX: math.Inf(1), minY: math.Inf(1), maxX: math.Inf(-1), maxY: math.Inf(-1)}
		switch f.Geometry.Type {
		case "Polygon":
			var p [][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
				return nil, backstop.Errorf(backstop.EINVALID, "%s: feature %d (%s): %v", name, i, iso, err)
			}
			u.polys = [][][][2]float64{p}
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &u.polys); err != nil {
				return nil, backstop.Errorf(backstop.EINVALID, "%s: feature %d (%s): %v", name, i, iso, err)
			}
		default:
			return nil, backstop.Errorf(backstop.EINVALID, "%s: feature %d (%s): geometry %q: want Polygon or MultiPolygon", name, i, iso, f.Geometry.Type)
		}
		for _, p := range u.polys {
			for _, ring := range p {
				for _, pt := range ring {
					u.minX, u.maxX = math.Min(u.minX, pt[0]), math.Max(u.maxX, pt[0])
					u.minY, u.maxY = math.Min(u.minY, pt[1]), math.Max(u.maxY, pt[1])
				}
			}
		}
		g.units = append(g.units, u)
	}
	if len(g.units) == 0 {
		return nil, backstop.Errorf(backstop.EINVALID, "%s: no features", name)
	}
	return g, nil
}

// HasBoundaries reports whether Locate can find anything.
func (g *Gazetteer) HasBoundaries() bool { return len(g.units) > 0 }
