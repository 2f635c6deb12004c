package assistant

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/sportello/sportello/schede"
)

// field is one indexed field of a section document. Boost weighs it in
// bleve's BM25 ranking; strength says how much a match in it shows that a
// card is about the word (a title word, yes; a word deep in the body,
// much less: a CIE card may mention the passport only to say it is the
// Questura's job).
type field struct {
	name     string
	boost    float64
	strength float64
}

var fields = []field{
	{"title", 3.0, 1.0},
	{"syn", 2.5, 1.0},
	{"questions", 1.6, 0.9},
	{"summary", 1.0, 0.8},
	{"heading", 0.8, 0.45},
	{"body", 0.7, 0.45},
	// Questions of the same service in other comuni (bank.go): the
	// words of citizens, but not this comune's staff's.
	{"bank", bankBoost, bankStrength},
}

// The bank field's weights: a match there counts, but less than in the
// card's own words.
const (
	bankBoost    = 1.0
	bankStrength = 0.5
)

const (
	fTitle = iota
	fSyn
	fQuestions
	fSummary
	fHeading
	fBody
	fBank
)

// docRef points a bleve document back at its card and section.
type docRef struct {
	card    int
	section int
}

// cardInfo is what the index knows about one published card.
type cardInfo struct {
	card *schede.Card
	// terms maps each stem of the card to its strongest field strength.
	terms map[string]float64
	// title holds the stems of the title.
	title map[string]bool
	// sections holds the stems of each section (heading and body).
	sections []map[string]int
	aspects  []Aspect
	// views hold the card's stems by kind of field: its name (title,
	// synonyms, example questions, summary), its sections, and the bank.
	views [3]map[string]bool
}

// index is one immutable generation of the searchable schede. A new one
// is built on every change and swapped in whole.
type index struct {
	bleve    bleve.Index
	analyzer *Analyzer
	cards    []*cardInfo
	byID     map[string]int
	docs     []docRef
	df       map[string]int
	// bankDF counts the cards that have a stem only through the
	// question bank.
	bankDF     map[string]int
	fieldTerms []map[string]bool
	typos      *typoIndex
	groups     []synGroup
	// phraseStart finds the synonym phrases that begin with a stem, in
	// groups with a phrase the schede use; known holds those phrases.
	phraseStart map[string][]phraseRef
	known       [][][]string
	elsewhere   [][]string
	near        *neighbours
	// mixed holds the same questions and also those asked about no card
	// in their own comune (other authorities, chit-chat): for the scope
	// model, which judges whether a question is about any service here.
	// Ranking and the confidence keep to near: a question like one asked
	// elsewhere about a passport is not less about the card it names.
	mixed *neighbours
	// spoken holds the words of everyday speech (bank.go), never taken
	// for misspellings.
	spoken map[string]bool
	// german is set when the schede are also in German (german.go).
	german bool
	// offices group the cards by the office responsible (offices.go);
	// officeFree holds the stems a question about an office may use
	// besides the office's name.
	offices    []office
	officeFree map[string]bool
	// urpFree holds the stems a question about the URP's roles may use
	// besides those (urp.go).
	urpFree map[string]bool
	// directories are the cards that list the offices' contacts.
	directories []int
	// home answers for the comune as a whole: its one directory of
	// offices, else its one URP card; -1 when there is none (offices.go).
	home int
	// complaints is the comune's one card of complaints, or -1; urpNeeds
	// holds the stem each of urpRoles needs in the answering card (urp.go).
	complaints int
	urpNeeds   []string
}

func newIndexMapping() *mapping.IndexMappingImpl {
	m := bleve.NewIndexMapping()
	m.ScoringModel = bleveindex.BM25Scoring
	m.DefaultAnalyzer = AnalyzerName
	dm := bleve.NewDocumentStaticMapping()
	for _, f := range fields {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = AnalyzerName
		fm.Store = false
		fm.IncludeInAll = false
		fm.IncludeTermVectors = false
		fm.DocValues = false
		dm.AddFieldMappingsAt(f.name, fm)
	}
	m.DefaultMapping = dm
	return m
}

// buildIndex indexes the published cards of a set.
func buildIndex(a *Analyzer, set *schede.Set, bank *questionBank) (*index, error) {
	idx, err := bleve.NewUsing("", newIndexMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create bleve index: %w", err)
	}
	ix := &index{
		bleve:      idx,
		analyzer:   a,
		byID:       map[string]int{},
		df:         map[string]int{},
		bankDF:     map[string]int{},
		fieldTerms: make([]map[string]bool, len(fields)),
	}
	for i := range ix.fieldTerms {
		ix.fieldTerms[i] = map[string]bool{}
	}
	batch := idx.NewBatch()
	published := set.Published()
	matched, rest, none := bank.match(a, published)
	ix.near = newNeighbours(a, matched, rest)
	// Concat, not append: rest must not share its array with mixed's.
	ix.mixed = newNeighbours(a, matched, slices.Concat(rest, none))
	ix.spoken = bank.spoken(published)
	asked := make([][]string, len(matched))
	for i, qs := range matched {
		asked[i] = recurring(a, qs)
	}
	for n, c := range published {
		ci := &cardInfo{card: c, terms: map[string]float64{}, title: map[string]bool{}}
		for v := range ci.views {
			ci.views[v] = map[string]bool{}
		}
		cardIdx := len(ix.cards)
		ix.byID[c.ID] = cardIdx
		ix.cards = append(ix.cards, ci)
		cardFields := map[int]string{
			fTitle:     c.Title,
			fSyn:       joinLines(c.Synonyms),
			fQuestions: joinLines(c.Questions),
			fSummary:   c.Description + "\n" + c.Summary,
			fBank:      joinLines(asked[n]),
		}
		for f, text := range cardFields {
			if f != fBank {
				ix.note(ci, f, text)
			}
		}
		// One document holds the card's own fields, one each section's:
		// the card's words are indexed once, not once per section.
		cardDoc := map[string]any{}
		for f, text := range cardFields {
			cardDoc[fields[f].name] = text
		}
		if err := batch.Index(strconv.Itoa(len(ix.docs)), cardDoc); err != nil {
			return nil, fmt.Errorf("index %s: %w", c.Path, err)
		}
		ix.docs = append(ix.docs, docRef{card: cardIdx, section: -1})
		for s, sec := range c.Sections {
			doc := map[string]any{"heading": sec.Heading, "body": sec.Text}
			hs, bs := a.Stems(sec.Heading), a.Stems(sec.Text)
			ix.noteStems(ci, fHeading, hs)
			ix.noteStems(ci, fBody, bs)
			counts := map[string]int{}
			for _, t := range append(hs, bs...) {
				counts[t]++
			}
			ci.sections = append(ci.sections, counts)
			ci.aspects = append(ci.aspects, headingAspect(schede.Fold(sec.Heading)))
			id := strconv.Itoa(len(ix.docs))
			ix.docs = append(ix.docs, docRef{card: cardIdx, section: s})
			if err := batch.Index(id, doc); err != nil {
				return nil, fmt.Errorf("index %s: %w", c.Path, err)
			}
		}
		for t := range ci.terms {
			ix.df[t]++
		}
		// The bank's words come last and apart: citizens' misspellings
		// there ("residensa") must not become words the schede know,
		// which the assistant would no longer correct.
		for _, t := range a.Stems(cardFields[fBank]) {
			ci.views[2][t] = true
			ix.fieldTerms[fBank][t] = true
			if _, ok := ci.terms[t]; !ok {
				ci.terms[t] = fields[fBank].strength
				ix.bankDF[t]++
			}
		}
	}
	if err := idx.Batch(batch); err != nil {
		return nil, fmt.Errorf("index batch: %w", err)
	}
	ix.typos = newTypoIndex(ix.df)
	ix.offices = buildOffices(a, ix.cards)
	ix.directories = buildDirectories(a, ix.cards)
	ix.home = only(ix.directories)
	if len(ix.directories) == 0 {
		ix.home = only(buildURP(ix.cards))
	}
	ix.complaints = only(titled(ix, firstStem(a, "reclamo")))
	for _, r := range urpRoles {
		ix.urpNeeds = append(ix.urpNeeds, firstStem(a, r.needs))
	}
	ix.urpFree = map[string]bool{}
	for _, st := range a.Stems(urpWords) {
		ix.urpFree[st] = true
	}
	ix.officeFree = map[string]bool{}
	for _, st := range a.Stems(officeWords + " " + officeContactWords) {
		ix.officeFree[st] = true
	}
	ix.groups = append(slices.Clip(a.lexicon), compileGroups(a, set.Synonyms, 0.8)...)
	if ix.german = a.german.bilingual(ix.cards); ix.german {
		ix.groups = append(ix.groups, a.german.groups...)
	}
	ix.elsewhere = a.elsewhere
	ix.indexPhrases()
	return ix, nil
}

// note records the stems of one field of a card.
func (ix *index) note(ci *cardInfo, f int, text string) {
	ix.noteStems(ci, f, ix.analyzer.Stems(text))
}

func (ix *index) noteStems(ci *cardInfo, f int, stems []string) {
	view := 0 // the card's name
	if f == fHeading || f == fBody {
		view = 1
	}
	for _, t := range stems {
		ci.views[view][t] = true
		ix.fieldTerms[f][t] = true
		if f == fTitle {
			ci.title[t] = true
		}
		if fields[f].strength > ci.terms[t] {
			ci.terms[t] = fields[f].strength
		}
	}
}

func joinLines(ss []string) string { return strings.Join(ss, "\n") }

// idf is the inverse card frequency of a stem (BM25's form). A stem no
// card has gets the value of a word in one card: unknown words are often
// names of places and people, which say little about the service.
func (ix *index) idf(t string) float64 {
	n := float64(len(ix.cards))
	df := float64(max(ix.df[t], 1))
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

// weighted is a stem to search with its weight in the question.
type weighted struct {
	term   string
	weight float64
}

// search runs the BM25 query and returns the score of each card that
// matched.
func (ix *index) search(ctx context.Context, terms []weighted) (map[int]float64, error) {
	dq := bleve.NewDisjunctionQuery()
	for _, t := range terms {
		// A word in more than a third of the cards says little in long
		// text and its postings there are the costliest to walk: it is
		// searched in titles, synonyms and example questions only.
		// In a handful of cards every word is common, and every
		// posting list short.
		common := ix.df[t.term]*3 > len(ix.cards) && len(ix.cards) >= 10
		for f, fd := range fields {
			if !ix.fieldTerms[f][t.term] || common && f > fQuestions {
				continue
			}
			tq := bleve.NewTermQuery(t.term)
			tq.SetField(fd.name)
			tq.SetBoost(fd.boost * t.weight)
			dq.AddQuery(tq)
		}
	}
	if len(dq.Disjuncts) == 0 {
		return nil, nil
	}
	req := bleve.NewSearchRequestOptions(query.Query(dq), 100, 0, false)
	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("bleve search: %w", err)
	}
	// A card scores its own document plus its best section.
	own := map[int]float64{}
	sec := map[int]float64{}
	for _, h := range res.Hits {
		n, err := strconv.Atoi(h.ID)
		if err != nil || n >= len(ix.docs) {
			continue
		}
		ref := ix.docs[n]
		if ref.section < 0 {
			own[ref.card] = h.Score
		} else if h.Score > sec[ref.card] {
			sec[ref.card] = h.Score
		}
	}
	best := make(map[int]float64, len(own)+len(sec))
	for c, s := range own {
		best[c] = s + sec[c]
	}
	for c, s := range sec {
		if _, ok := own[c]; !ok {
			best[c] = s
		}
	}
	return best, nil
}

// phraseRef is phrase p of group g.
type phraseRef struct{ g, p int }

// indexPhrases lets a question's words find the synonym phrases they
// start, instead of every phrase of the lexicon being tried on every
// question.
func (ix *index) indexPhrases() {
	ix.phraseStart = map[string][]phraseRef{}
	ix.known = make([][][]string, len(ix.groups))
	for g, grp := range ix.groups {
		for _, p := range grp.phrases {
			if ix.knows(p) {
				ix.known[g] = append(ix.known[g], p)
			}
		}
		if len(ix.known[g]) == 0 {
			continue
		}
		for p, phrase := range grp.phrases {
			ix.phraseStart[phrase[0]] = append(ix.phraseStart[phrase[0]], phraseRef{g, p})
		}
	}
}
