// Package assistant answers citizens' questions from the schede: Italian
// analysis, a bleve index over card sections, confidence and the decision
// to answer, ask which card was meant, or hand the citizen to a person.
package assistant

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/it"
	bleveunicode "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/italian"
	"github.com/sportello/sportello/schede"
	"golang.org/x/text/unicode/norm"
)

// Stemmer reduces a word to its stem. It is an interface so that another
// Italian stemmer can be swapped in and compared on the evaluation set.
type Stemmer interface {
	Stem(word string) string
}

// SnowballItalian is the official Snowball Italian algorithm, in the Go
// code generated from it that bleve ships (the engine of bleve's
// stemmer_it_snowball filter).
type SnowballItalian struct{}

// Stem implements Stemmer.
func (SnowballItalian) Stem(word string) string {
	env := snowballstem.NewEnv(word)
	italian.Stem(env)
	return env.Current()
}

// AnalyzerName is the name under which the Italian analyzer is registered
// in bleve's registry, for index mappings.
const AnalyzerName = "sportello_it"

// maxWordLen drops longer "words": they are noise (hashes, pasted URLs)
// and would only cost time.
const maxWordLen = 40

// Analyzer is the Italian analysis shared by indexing and questions:
// Unicode NFC, word segmentation (UAX #29), lower case, elision
// ("dell'asilo" → "asilo"), accent folding ("perché", "perche'" and
// "perche" all become "perche"), stop words and stemming.
//
// Accents are folded before stemming so that citizens who type without
// them, or with an apostrophe in their place, meet the same stems as the
// schede; Snowball's rules for accented endings are the price.
type Analyzer struct {
	stemmer   Stemmer
	stop      map[string]bool
	tokenizer analysis.Tokenizer
	// generic holds the stems of genericWords; lexicon and elsewhere the
	// built-in synonym groups and other authorities' services as stems,
	// the same for every comune.
	generic   map[string]bool
	lexicon   []synGroup
	german    *german
	elsewhere [][]string

	// stems caches the stemmer: a comune's vocabulary is a few tens of
	// thousands of words, stemmed again and again. A plain map under a
	// read-write lock: sync.Map spent more promoting its dirty map while
	// a vocabulary filled it than the stemmer would have.
	stemMu sync.RWMutex
	stems  map[string]string
}

// maxCachedStems bounds the cache against floods of invented words.
const maxCachedStems = 200_000

// stemApart are words whose Snowball stem is that of an unrelated word a
// comune's schede use: "votiva" (the cemetery's lamp) stems like "vota"
// (the elections), "pasta" like "pasto" (school meals), "compagnia" (the
// phone company) like "compagno" (a partner), "ristorante" (a business)
// like "ristorazione" (the school's catering). They keep a stem of their
// own.
var stemApart = map[string]string{
	"votiva": "votiv", "votive": "votiv", "votivo": "votiv", "votivi": "votiv",
	"pasta": "pasta", "paste": "pasta",
	"compagnia": "compagnia", "compagnie": "compagnia",
	"ristorante": "ristorant", "ristoranti": "ristorant", "ristoratore": "ristorant", "ristoratori": "ristorant",
}

func (a *Analyzer) stem(w string) string {
	if s, ok := stemApart[w]; ok {
		return s
	}
	a.stemMu.RLock()
	s, ok := a.stems[w]
	a.stemMu.RUnlock()
	if ok {
		return s
	}
	s = a.stemmer.Stem(w)
	a.stemMu.Lock()
	if len(a.stems) < maxCachedStems {
		a.stems[w] = s
	}
	a.stemMu.Unlock()
	return s
}

// NewAnalyzer returns the Italian analyzer with the given stemmer.
func NewAnalyzer(s Stemmer) *Analyzer {
	stop := map[string]bool{}
	tm := analysis.NewTokenMap()
	if err := tm.LoadBytes(it.ItalianStopWords); err != nil {
		panic("assistant: bleve's Italian stop list does not load: " + err.Error())
	}
	for w := range tm {
		stop[schede.Fold(w)] = true
	}
	a := &Analyzer{stemmer: s, stop: stop, tokenizer: bleveunicode.NewUnicodeTokenizer(), generic: map[string]bool{}, stems: map[string]string{}}
	for _, w := range genericWords {
		for _, st := range a.Stems(w) {
			a.generic[st] = true
		}
	}
	a.lexicon = append(compileGroups(a, lexiconEquivalents(), equivalentWeight), compileGroups(a, append(slices.Clip(related), moreRelated...), relatedWeight)...)
	for _, p := range otherAuthorities {
		a.elsewhere = append(a.elsewhere, a.Stems(p))
	}
	a.german = newGerman(a)
	return a
}

// Word is one word of a text: its folded surface form and its stem
// (empty for stop words).
type Word struct {
	Surface string
	Stem    string
	Start   int
	End     int
}

// Words splits text into words. Invalid UTF-8 is replaced, never trusted.
func (a *Analyzer) Words(text string) []Word {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, " ")
	}
	text = norm.NFC.String(text)
	var out []Word
	for _, tok := range a.tokenizer.Tokenize([]byte(text)) {
		w := schede.Fold(string(tok.Term))
		w = stripElision(w)
		n := utf8.RuneCountInString(w)
		if w == "" || n > maxWordLen || !hasLetterOrDigit(w) {
			continue
		}
		word := Word{Surface: w, Start: tok.Start, End: tok.End}
		// A lone letter ("x" for "per", a stray "k") is not a word.
		if !a.stop[w] && (n > 1 || unicode.IsDigit([]rune(w)[0])) {
			word.Stem = a.stem(w)
		}
		out = append(out, word)
	}
	return out
}

// Stems returns the stems of text's content words, in order.
func (a *Analyzer) Stems(text string) []string {
	var out []string
	for _, w := range a.Words(text) {
		if w.Stem != "" {
			out = append(out, w.Stem)
		}
	}
	return out
}

// Analyze implements bleve's analysis.Analyzer, so the index and the
// questions go through exactly the same steps.
func (a *Analyzer) Analyze(input []byte) analysis.TokenStream {
	words := a.Words(string(input))
	out := make(analysis.TokenStream, 0, len(words))
	pos := 0
	for _, w := range words {
		pos++
		if w.Stem == "" {
			continue
		}
		out = append(out, &analysis.Token{Term: []byte(w.Stem), Start: w.Start, End: w.End, Position: pos, Type: analysis.AlphaNumeric})
	}
	return out
}

func init() {
	// Registration only builds values in memory; bleve looks analyzers up
	// by name when a mapping is used.
	registry.RegisterAnalyzer(AnalyzerName, func(map[string]interface{}, *registry.Cache) (analysis.Analyzer, error) {
		return NewAnalyzer(SnowballItalian{}), nil
	})
}

// elided are the Italian words that drop their last vowel before an
// apostrophe: articles, articulated prepositions, pronouns, adjectives.
var elided = map[string]bool{
	"l": true, "un": true, "d": true, "s": true, "m": true, "t": true, "v": true, "c": true, "n": true,
	"dell": true, "all": true, "dall": true, "nell": true, "sull": true, "coll": true, "pell": true, "tra": false,
	"quest": true, "quell": true, "nessun": true, "ciascun": true, "qualcun": true, "buon": true, "bell": true,
	"sant": true, "tutt": true, "anch": true, "com": true, "dov": true, "cos": true, "ch": true, "gl": true,
	"senz": true, "quant": true, "tant": true, "mezz": true, "null": true, "po": true, "qual": true, "d'": false,
}

// stripElision removes an elided prefix ("dell'asilo" → "asilo") and any
// apostrophes left (the "e'" typed for "è" loses its apostrophe).
func stripElision(w string) string {
	for {
		i := strings.IndexAny(w, "'’`")
		if i < 0 {
			return w
		}
		_, size := utf8.DecodeRuneInString(w[i:])
		if elided[w[:i]] || i == 0 {
			w = w[i+size:]
			continue
		}
		w = w[:i] + w[i+size:]
	}
}

func hasLetterOrDigit(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}
