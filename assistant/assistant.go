package assistant

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/sportello/sportello"
	"github.com/sportello/sportello/schede"
)

// Thresholds of the decision, on the confidence in [0,1]. An answer
// needs the lowest confidence at which no comune left out of the model's
// fit gets more than 2% of its questions answered wrong (calibrate_test.go).
//
// Below the answer threshold, the scope model decides: cards are offered
// from scopeThreshold, the lowest at which no comune left out of the fit
// hands off fewer than 90% of its out-of-scope questions; one card alone
// needs suggestMargin more, as it is a guess, not a choice. The in-scope
// model must also reach inScopeThreshold, the lowest at which no comune
// left out hands off fewer than 92%: comuni written after the 90% rule
// was set fell under 90% when measured held out, so the rule keeps a
// margin of two points.
const (
	answerThreshold  = 0.92
	scopeThreshold   = 0.60
	inScopeThreshold = 0.80
	suggestMargin    = 0.05
	// ambiguousCoverage is the coverage below which two close cards are
	// not a choice to offer but a sign that neither answers.
	ambiguousCoverage = 0.5
	// offerMinConfidence is the confidence below which no card is
	// offered, however close or likely: "qual è il senso della vita"
	// ties the cards that say "vita", and none is about it.
	offerMinConfidence = 0.2
	// maxQuestionBytes bounds the text analysed: the web layer limits
	// messages, but Ask must stay fast on anything.
	maxQuestionBytes = 4096
	maxTerms         = 24
	// maxRanked bounds the cards whose coverage is weighed: the best by
	// BM25 alone, which keeps Ask fast on a thousand schede; a card that
	// accounts for the question is among them.
	maxRanked = 40
	// scoreBM25Exp and scoreCoverageExp mix the two measures of a card
	// into its rank: how much of the question it accounts for leads, and
	// BM25, which rewards a card that repeats one word, only refines.
	scoreBM25Exp     = 0.25
	scoreCoverageExp = 2
	cueWeight        = 0.35
	genericWeight    = 0.4
	typoWeight       = 0.9
	familyWeight     = 0.7
	closeGrace       = 30 * time.Second
)

// Options configure an Assistant.
type Options struct {
	// Comune is the name used in replies, e.g. "Comune di Valdoria".
	Comune string
	// Stemmer defaults to SnowballItalian.
	Stemmer Stemmer
	// Hours, when set, tells when operators answer, as seen at an
	// instant: "siete aperti sabato?" is answered from the office
	// calendar, not from a scheda.
	Hours func(time.Time) string
	// Now is the clock for Hours (default time.Now).
	Now func() time.Time
	// NoBank leaves out the question bank of other comuni (bank.go).
	NoBank bool
}

// Assistant answers questions from the published schede of a Set. It is
// safe for concurrent use, also while Load swaps in a new index.
type Assistant struct {
	analyzer *Analyzer
	comune   string
	hours    func(time.Time) string
	now      func() time.Time
	bank     *questionBank
	model    *boostedTrees
	scope    *boostedTrees
	inScope  *boostedTrees
	cur      atomic.Pointer[index]
}

// New returns an Assistant with no schede; call Load before Ask.
func New(opts Options) *Assistant {
	if opts.Stemmer == nil {
		opts.Stemmer = SnowballItalian{}
	}
	if opts.Comune == "" {
		opts.Comune = "Comune"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	a := &Assistant{analyzer: NewAnalyzer(opts.Stemmer), comune: opts.Comune, hours: opts.Hours, now: opts.Now}
	model, err := loadTrees(confidenceJSON, nFeatures)
	if err != nil {
		// The model is compiled in and checked by the tests.
		panic("assistant: " + err.Error())
	}
	a.model = model
	if a.scope, err = loadTrees(scopeJSON, nFeatures); err != nil {
		panic("assistant: scope " + err.Error())
	}
	if a.inScope, err = loadTrees(inScopeJSON, nFeatures); err != nil {
		panic("assistant: in-scope " + err.Error())
	}
	if !opts.NoBank {
		bank, err := loadBank(a.analyzer, bankJSON)
		if err != nil {
			// The bank is compiled in and checked by the tests.
			panic("assistant: " + err.Error())
		}
		a.bank = bank
	}
	return a
}

// Load builds the index of a set and swaps it in; questions in flight
// finish on the previous one.
func (a *Assistant) Load(set *schede.Set) error {
	ix, err := buildIndex(a.analyzer, set, a.bank)
	if err != nil {
		return err
	}
	if old := a.cur.Swap(ix); old != nil {
		// Questions in flight may still be searching the old index.
		time.AfterFunc(closeGrace, func() { old.bleve.Close() })
	}
	return nil
}

// qterm is one content word of a question with the stems that may stand
// for it in the schede: itself, typo corrections, synonyms.
type qterm struct {
	stem   string
	weight float64
	idf    float64
	cue    bool
	// generic marks an everyday word the schede do not use.
	generic bool
	// spoken marks a word of everyday speech left as it is, where it
	// would once have been corrected.
	spoken bool
	alts   []alt
}

type alt struct {
	stems  []string
	weight float64
}

// addAlt adds an alternative, or raises the weight of the same one.
func (t *qterm) addAlt(stems []string, weight float64) {
	for i := range t.alts {
		if slices.Equal(t.alts[i].stems, stems) {
			t.alts[i].weight = max(t.alts[i].weight, weight)
			return
		}
	}
	t.alts = append(t.alts, alt{stems: stems, weight: weight})
}

// Ask answers one question in the context of its conversation.
func (a *Assistant) Ask(ctx context.Context, question string, cc Context) (Answer, error) {
	ix := a.cur.Load()
	if ix == nil {
		return Answer{}, errors.New("assistant: no schede loaded")
	}
	q := strings.TrimSpace(strings.ToValidUTF8(question, " "))
	if q == "" {
		return Answer{}, sportello.Errorf(sportello.EINVALID, "Scrivi la tua domanda nel riquadro.")
	}
	if len(q) > maxQuestionBytes {
		cut := maxQuestionBytes
		for cut > 0 && !utf8.RuneStart(q[cut]) {
			cut--
		}
		q = q[:cut]
	}
	words := a.analyzer.Words(q)
	surfaces := make([]string, len(words))
	for i, w := range words {
		surfaces[i] = w.Surface
	}
	folded := strings.Join(surfaces, " ")

	if a.hours != nil && hoursRe.MatchString(strings.ReplaceAll(folded, "'", " ")) {
		return Answer{Decision: DecisionSmallTalk, Intent: IntentHours, Confidence: 1, Text: a.hours(a.now())}, nil
	}
	switch intent := a.analyzer.detectIntent(folded, words); intent {
	case IntentPerson:
		return Answer{Decision: DecisionHandoff, Reason: ReasonAskedPerson, Intent: intent, Confidence: 1,
			Text: "Certo: la tua richiesta va a una persona dell'ufficio."}, nil
	case IntentGreeting, IntentThanks, IntentGoodbye:
		return Answer{Decision: DecisionSmallTalk, Intent: intent, Confidence: 1, Text: a.smallTalk(intent)}, nil
	}

	aspect, _ := detectAspect(folded)
	ctxCard := -1
	if i, ok := ix.byID[cc.CardID]; ok {
		ctxCard = i
	}
	terms := a.terms(ix, words)
	content := 0
	for _, t := range terms {
		if !t.cue {
			content++
		}
	}
	if aspect == AspectNone && content <= 2 && ctxCard >= 0 {
		aspect = cc.Aspect
	}
	if content == 0 && ctxCard >= 0 && aspect != AspectNone {
		return a.answer(ix, ctxCard, aspect, terms, 0.9, true), nil
	}
	if len(terms) == 0 {
		return Answer{Decision: DecisionHandoff, Reason: ReasonNotUnderstood,
			Text: "Non ho capito la domanda: puoi scriverla con altre parole?"}, nil
	}

	// One clause per stem, its weights summed: a stem several words
	// bring in ("tari" from "tassa" and from "rifiuti") scores the same
	// as before and is looked up once.
	var search []weighted
	at := map[string]int{}
	for _, t := range terms {
		for _, al := range t.alts {
			w := t.weight * al.weight / math.Sqrt(float64(len(al.stems)))
			for _, s := range al.stems {
				if i, ok := at[s]; ok {
					search[i].weight += w
					continue
				}
				at[s] = len(search)
				search = append(search, weighted{s, w})
			}
		}
	}
	best, err := ix.search(ctx, search)
	if err != nil {
		return Answer{}, fmt.Errorf("ask %q: %w", q, err)
	}
	near := ix.near.find(terms)
	ranked := make([]Ranked, 0, min(len(best), maxRanked))
	for c, s := range topScores(best, maxRanked) {
		cov := ix.coverage(c, terms)
		plain := math.Pow(s, scoreBM25Exp) * math.Pow(0.1+cov, scoreCoverageExp)
		ranked = append(ranked, Ranked{CardID: ix.cards[c].card.ID, Coverage: cov, plain: plain,
			Score: plain * (1 + nearLift*ix.near.share(near, c))})
	}
	sort.Slice(ranked, func(i, j int) bool {
		if ranked[i].Score != ranked[j].Score {
			return ranked[i].Score > ranked[j].Score
		}
		return ranked[i].CardID < ranked[j].CardID
	})
	if len(ranked) == 0 {
		if ctxCard >= 0 && aspect != AspectNone {
			return a.answer(ix, ctxCard, aspect, terms, 0.6, true), nil
		}
		if ans, ok := a.officeAnswer(ix, folded, terms, nil); ok {
			return ans, nil
		}
		return Answer{Decision: DecisionHandoff, Reason: ReasonNoMatch, Text: handoffText}, nil
	}
	top := ranked[0]
	feats := ix.features(terms, ranked, near)
	conf := a.model.probability(feats[:])
	scope := a.scope.probability(feats[:])
	// A question most likely about no service of this comune is offered
	// no card, not even two that tie: "che tempo fa domani" ties the
	// cards that say "tempo".
	inScope := a.inScope.probability(feats[:]) >= inScopeThreshold

	// A follow-up that names an aspect, and no better card: stay on the
	// card under discussion.
	if ctxCard >= 0 && aspect != AspectNone && conf < answerThreshold {
		if cov := ix.coverage(ctxCard, terms); cov >= top.Coverage*0.8 || content <= 1 {
			ans := a.answer(ix, ctxCard, aspect, terms, math.Max(conf, 0.6), true)
			ans.Ranked = ranked
			return ans, nil
		}
	}

	var ans Answer
	switch {
	case conf >= answerThreshold && !ambiguous(ranked, content):
		ans = a.answer(ix, ix.byID[top.CardID], aspect, terms, conf, false)
	case conf >= offerMinConfidence && inScope && (scope >= scopeThreshold || ambiguous(ranked, content)):
		opts := clarifyOptions(ranked)
		if len(opts) == 0 || len(opts) == 1 && scope < scopeThreshold+suggestMargin {
			ans = Answer{Decision: DecisionHandoff, Reason: ReasonLowConfidence, Confidence: conf, Text: handoffText}
			break
		}
		ans = Answer{Decision: DecisionClarify, Confidence: conf, Aspect: aspect,
			Text: "La domanda può riguardare più servizi: quale ti interessa?"}
		if len(opts) == 1 {
			// Likely but not sure: the citizen confirms the card (or
			// asks for a person) rather than being told something that
			// may not apply.
			ans.Text = "Non sono sicuro di aver capito: cerchi questa scheda? Se non è quella giusta, puoi parlare con un operatore."
		}
		for _, r := range opts {
			ans.Options = append(ans.Options, cardRef(ix.cards[ix.byID[r.CardID]].card))
		}
	default:
		reason := ReasonLowConfidence
		if top.Coverage < 0.2 {
			reason = ReasonNoMatch
		}
		ans = Answer{Decision: DecisionHandoff, Reason: reason, Confidence: conf, Text: handoffText}
	}
	if ans.Decision != DecisionAnswer {
		// Not sure which service: the question may be about an office.
		if oa, ok := a.officeAnswer(ix, folded, terms, ranked); ok {
			ans = oa
		} else if ua, ok := a.urpAnswer(ix, folded, terms, ranked); ok {
			ans = ua
		}
	}
	ans.Ranked = ranked
	ans.features = feats
	ans.Confidence = round2(ans.Confidence)
	return ans, nil
}

const handoffText = "Non ho trovato una risposta sicura nelle schede del Comune e preferisco non darti un'informazione sbagliata: questa domanda va posta a una persona dell'ufficio."

// ambiguous reports whether the first two cards are too close to choose:
// nearly the same score, or, for a question of one or two words ("tari",
// "certificato"), the same coverage and a score not far behind. The
// scores compared are the schede's own: which of two TARI cards other
// comuni's citizens asked about more often does not make "tari" mean one.
func ambiguous(r []Ranked, content int) bool {
	if len(r) < 2 || r[0].Coverage < ambiguousCoverage {
		return false
	}
	if r[1].plain >= 0.97*r[0].plain && r[1].Coverage >= 0.9*r[0].Coverage {
		return true
	}
	return content <= 2 && r[1].Coverage >= 0.95*r[0].Coverage && r[1].plain >= 0.8*r[0].plain
}

// clarifyOptions returns the cards worth offering: up to three, each
// within 40% of the top card's score. A wider choice costs the citizen a
// glance; a right card left out of it costs a wait for an operator (left
// out of the fit, 2,980 of 3,409 right cards answered or offered at a
// scope of 0.60, against 2,855 when only cards within 60% were offered).
func clarifyOptions(r []Ranked) []Ranked {
	var out []Ranked
	for i, x := range r {
		if i >= 3 || x.Score < 0.4*r[0].Score || x.Coverage < 0.2 {
			break
		}
		out = append(out, x)
	}
	return out
}

// terms turns a question's words into weighted query terms with their
// alternatives. Aspect words weigh less: "quanto costa" says which
// section, not which card.
func (a *Assistant) terms(ix *index, words []Word) []qterm {
	var out []qterm
	seen := map[string]int{}
	var owners []int
	places := placeNames(words)
	for i, w := range words {
		if w.Stem == "" || fillers[w.Surface] || places[i] || ix.german && a.analyzer.german.function[w.Surface] {
			continue
		}
		if ix.df[w.Stem] == 0 && !a.analyzer.generic[w.Stem] {
			if st := a.unjoin(ix, w.Surface); st != "" {
				w.Stem = st
			}
		}
		if i, ok := seen[w.Stem]; ok {
			if !aspectWords[w.Surface] {
				out[i].cue, out[i].weight = false, 1
			}
			owners = append(owners, i)
			continue
		}
		t := qterm{stem: w.Stem, weight: 1, idf: ix.idf(w.Stem)}
		if aspectWords[w.Surface] {
			t.cue, t.weight = true, cueWeight
		}
		if a.analyzer.generic[w.Stem] && !t.cue {
			// Everyday words say little about the service even where
			// a scheda uses them.
			t.weight = genericWeight
		}
		if ix.df[w.Stem] > 0 {
			t.alts = append(t.alts, alt{stems: []string{w.Stem}, weight: 1})
		} else if a.analyzer.generic[w.Stem] {
			// A real everyday word, not a misspelling.
			t.generic = true
		} else if ix.german && a.analyzer.german.words[w.Stem] {
			// A German word: the lexicon below brings its Italian.
		} else if u := ix.typos.unaltered(w.Stem); u != "" {
			t.alts = append(t.alts, alt{stems: []string{u}, weight: familyWeight})
			t.idf = ix.idf(u)
		} else if ix.spoken[w.Stem] {
			// Everyday speech, not a misspelling: "soldi" is not "saldo".
			t.spoken = true
			if ix.bankDF[w.Stem] > 0 {
				t.alts = append(t.alts, alt{stems: []string{w.Stem}, weight: 1})
			}
		} else if fixes := ix.typos.correct(w.Stem); len(fixes) > 0 {
			// A misspelt word means what its correction means.
			t.idf = 0
			for _, c := range fixes {
				t.alts = append(t.alts, alt{stems: []string{c}, weight: typoWeight})
				t.idf = max(t.idf, ix.idf(c))
			}
		} else if f := ix.typos.family(w.Stem); f != "" {
			t.alts = append(t.alts, alt{stems: []string{f}, weight: familyWeight})
			t.idf = ix.idf(f)
		} else if ix.bankDF[w.Stem] > 0 {
			// Only citizens of other comuni used it, for a service
			// this comune has.
			t.alts = append(t.alts, alt{stems: []string{w.Stem}, weight: 1})
		}
		seen[w.Stem] = len(out)
		owners = append(owners, len(out))
		out = append(out, t)
	}
	// Synonym phrases found in the question, as written or as corrected
	// ("paso carraio"), bring in the group's others.
	spelled := make([][]string, len(out))
	for i, t := range out {
		spelled[i] = []string{t.stem}
		for _, al := range t.alts {
			if len(al.stems) == 1 && al.stems[0] != t.stem {
				spelled[i] = append(spelled[i], al.stems[0])
			}
		}
	}
	for at, owner := range owners {
		for _, first := range spelled[owner] {
			for _, ref := range ix.phraseStart[first] {
				p := ix.groups[ref.g].phrases[ref.p]
				if !spelledAt(owners, spelled, p, at) {
					continue
				}
				for _, other := range ix.known[ref.g] {
					for k := at; k < at+len(p); k++ {
						out[owners[k]].addAlt(other, ix.groups[ref.g].weight)
					}
				}
			}
		}
	}
	// An everyday word that no card uses, and that no synonym phrase
	// explained, is left out of the question's meaning.
	out = slices.DeleteFunc(out, func(t qterm) bool { return t.generic && len(t.alts) == 0 })
	if len(out) > maxTerms {
		sort.SliceStable(out, func(i, j int) bool { return out[i].idf > out[j].idf })
		out = out[:maxTerms]
	}
	return out
}

// topScores returns the n cards with the highest scores.
func topScores(best map[int]float64, n int) map[int]float64 {
	if len(best) <= n {
		return best
	}
	type cs struct {
		card  int
		score float64
	}
	all := make([]cs, 0, len(best))
	for c, s := range best {
		all = append(all, cs{c, s})
	}
	slices.SortFunc(all, func(a, b cs) int {
		if a.score != b.score {
			return cmp.Compare(b.score, a.score)
		}
		return cmp.Compare(a.card, b.card)
	})
	out := make(map[int]float64, n)
	for _, x := range all[:n] {
		out[x.card] = x.score
	}
	return out
}

// knows reports whether every stem of a phrase is in the index.
func (ix *index) knows(stems []string) bool {
	for _, s := range stems {
		if ix.df[s] == 0 {
			return false
		}
	}
	return true
}

// spelledAt reports whether phrase p is said from position at of a
// question whose words may each be spelt in more than one way: position
// k holds the word owners[k].
func spelledAt(owners []int, spelled [][]string, p []string, at int) bool {
	if at+len(p) > len(owners) {
		return false
	}
	for j := range p {
		if !slices.Contains(spelled[owners[at+j]], p[j]) {
			return false
		}
	}
	return true
}

// joinedArticles are elided articles and prepositions that citizens
// write joined to the next word, without the apostrophe: "allanno",
// "lanagrafe", "dellaffitto".
var joinedArticles = []string{"dell", "dall", "nell", "sull", "coll", "all", "quell", "quest", "un", "l"}

// unjoin returns the stem of the word inside a joined article and word,
// when the whole is unknown to the index and the word alone is a word of
// the schede or an everyday one.
func (a *Assistant) unjoin(ix *index, surface string) string {
	for _, p := range joinedArticles {
		rest, ok := strings.CutPrefix(surface, p)
		if !ok || utf8.RuneCountInString(rest) < 4 || !strings.ContainsRune("aeiouh", rune(rest[0])) {
			continue
		}
		st := a.analyzer.Stems(rest)
		if len(st) == 1 && (ix.df[st[0]] > 0 || a.analyzer.generic[st[0]]) {
			return st[0]
		}
	}
	return ""
}

func findPhrase(stems, p []string) int {
outer:
	for i := 0; i+len(p) <= len(stems); i++ {
		for j := range p {
			if stems[i+j] != p[j] {
				continue outer
			}
		}
		return i
	}
	return -1
}

// coverage is the share of the question's meaning (idf-weighted) that a
// card accounts for, each word counted by the strongest field it, a typo
// correction or a synonym appears in.
func (ix *index) coverage(card int, terms []qterm) float64 {
	ci := ix.cards[card]
	var got, total float64
	for _, t := range terms {
		w := t.weight * t.idf
		total += w
		got += w * bestStrength(ci, t)
	}
	if total == 0 {
		return 0
	}
	return got / total
}

// answer builds the reply with the section of card that fits aspect and
// the question's words.
func (a *Assistant) answer(ix *index, card int, aspect Aspect, terms []qterm, conf float64, followUp bool) Answer {
	ci := ix.cards[card]
	c := ci.card
	ref := cardRef(c)
	ans := Answer{Decision: DecisionAnswer, Card: &ref, Summary: c.Summary, Confidence: round2(conf), Aspect: aspect, FollowUp: followUp}
	if len(c.Sections) == 0 {
		ans.Text = c.Summary
		return ans
	}
	best, bestScore := 0, math.Inf(-1)
	for s := range c.Sections {
		score := 0.0
		var total float64
		for _, t := range terms {
			if t.cue {
				continue
			}
			total += t.idf
			for _, al := range t.alts {
				if ci.sections[s][al.stems[0]] > 0 {
					score += t.idf
					break
				}
			}
		}
		if total > 0 {
			score /= total
		}
		switch {
		case aspect != AspectNone && ci.aspects[s] == aspect:
			score += 1
		case aspect == AspectNone && ci.aspects[s] == AspectHow:
			score += 0.35
		case aspect == AspectNone && ci.aspects[s] == AspectAbout:
			score += 0.25
		}
		if score > bestScore {
			best, bestScore = s, score
		}
	}
	sec := c.Sections[best]
	ans.Section = &SectionRef{Heading: sec.Heading, Slug: sec.Slug, HTML: sec.HTML, Text: sec.Text}
	ans.Text = sec.Text
	return ans
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

func (a *Assistant) smallTalk(i Intent) string {
	switch i {
	case IntentGreeting:
		return fmt.Sprintf("Buongiorno! Sono l'assistente virtuale del %s. Scrivimi pure la tua domanda, ad esempio: «come pago la TARI?»", a.comune)
	case IntentThanks:
		return "Prego! Se hai altre domande, sono qui."
	default:
		return "Arrivederci e buona giornata!"
	}
}

// FromCard answers from a given card: the citizen picked it among the
// options of a clarify. The section follows the question's aspect, or the
// one asked about before.
func (a *Assistant) FromCard(ctx context.Context, cardID, question string, cc Context) (Answer, error) {
	ix := a.cur.Load()
	if ix == nil {
		return Answer{}, errors.New("assistant: no schede loaded")
	}
	card, ok := ix.byID[cardID]
	if !ok {
		return Answer{}, sportello.Errorf(sportello.ENOTFOUND, "Questa scheda non è più disponibile.")
	}
	words := a.analyzer.Words(question)
	var surfaces []string
	for _, w := range words {
		surfaces = append(surfaces, w.Surface)
	}
	aspect, _ := detectAspect(strings.Join(surfaces, " "))
	if aspect == AspectNone {
		aspect = cc.Aspect
	}
	return a.answer(ix, card, aspect, a.terms(ix, words), 1, false), nil
}

// Card returns a published card of the current schede by ID, or nil.
func (a *Assistant) Card(id string) *schede.Card {
	ix := a.cur.Load()
	if ix == nil {
		return nil
	}
	i, ok := ix.byID[id]
	if !ok {
		return nil
	}
	return ix.cards[i].card
}
