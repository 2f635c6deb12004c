package assistant

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/sportello/sportello/schede"
)

// The question bank: the cards of other comuni, each with the questions
// citizens asked about it in their own words. A comune's card that is
// plainly the same service as a bank card (their titles, descriptions
// and synonyms say the same) is also searched through those questions:
// "monnezza", "ho un ristorante" or "ho ospitato mia cugina" reach the
// TARI or the ospitalità card of a comune whose staff never wrote them.
// The bank comes from the comuni Sportello is tested on (bank_test.go
// builds it); a comune's own questions are never used for itself, so
// measuring a comune's question set stays honest.

//go:embed bank.json
var bankJSON []byte

// bankCard is a card of the bank.
type bankCard struct {
	Source      string   `json:"source"`
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Synonyms    []string `json:"synonyms,omitempty"`
	Questions   []string `json:"questions"`
	// OutOfScope marks the questions a comune's citizens asked about no
	// card of theirs (other authorities, chit-chat, gibberish): ID and
	// Title are empty. Their nearest-question vote goes to no card.
	OutOfScope bool `json:"out_of_scope,omitempty"`

	vec map[string]float64
}

// bankMinSimilarity is the cosine of the two cards' names (title,
// description, synonyms) below which they are not the same service.
const bankMinSimilarity = 0.4

// bankShareRatio lets a bank card serve more than one card here when it
// is nearly as like each: "cambio di residenza e di indirizzo" of one
// comune is both "cambio di residenza" and "cambio di indirizzo" of
// another.
const bankShareRatio = 0.8

// questionBank holds the bank, analysed once.
type questionBank struct {
	cards []*bankCard
	// stems holds, by source comune, the stems its citizens used.
	stems map[string]map[string]bool
}

// spokenMinSources is in how many comuni citizens must have used a word
// for it to be a word of everyday speech ("soldi", "moglie", "adesso"),
// not a misspelling of a word of the schede ("saldo", "meglio",
// "adesione"): misspellings recur, but in few comuni.
const spokenMinSources = 5

func loadBank(a *Analyzer, src []byte) (*questionBank, error) {
	var cards []*bankCard
	if err := json.Unmarshal(src, &cards); err != nil {
		return nil, fmt.Errorf("question bank: %w", err)
	}
	b := &questionBank{cards: cards, stems: map[string]map[string]bool{}}
	for _, c := range cards {
		c.vec = nameVector(a, c.Title, c.Description, c.Synonyms)
		if c.OutOfScope {
			continue
		}
		if b.stems[c.Source] == nil {
			b.stems[c.Source] = map[string]bool{}
		}
		for _, q := range c.Questions {
			for _, s := range a.Stems(q) {
				b.stems[c.Source][s] = true
			}
		}
	}
	return b, nil
}

// nameVector counts the stems that name a service: the title's thrice.
func nameVector(a *Analyzer, title, description string, synonyms []string) map[string]float64 {
	v := map[string]float64{}
	for _, s := range a.Stems(title) {
		v[s] += 3
	}
	for _, s := range a.Stems(description) {
		v[s]++
	}
	for _, s := range a.Stems(strings.Join(synonyms, " ")) {
		v[s]++
	}
	return v
}

// match returns, for each card of cards, the bank's questions of the
// same service: from each source comune, the bank card most like it
// when no card here is much more like that bank card (bankShareRatio),
// and the questions of the bank cards like no card here (rest), and
// those asked about no card at all (none). A
// source that is the comune itself (half of its cards have the same id
// and title as cards here: the comune is measuring its own questions)
// is left out.
func (b *questionBank) match(a *Analyzer, cards []*schede.Card) (out [][]string, rest, none []string) {
	out = make([][]string, len(cards))
	if b == nil || len(cards) == 0 {
		return out, nil, nil
	}
	own := b.ownSources(cards)
	bySource := map[string][]*bankCard{}
	var order []string
	for _, bc := range b.cards {
		if _, ok := bySource[bc.Source]; !ok {
			order = append(order, bc.Source)
		}
		bySource[bc.Source] = append(bySource[bc.Source], bc)
	}
	// Inverse document frequency over both sides: a word every card
	// shares ("servizio", "comunale") names nothing.
	vecs := make([]map[string]float64, len(cards))
	df := map[string]float64{}
	for i, c := range cards {
		vecs[i] = nameVector(a, c.Title, c.Description, c.Synonyms)
		for s := range vecs[i] {
			df[s]++
		}
	}
	for _, bc := range b.cards {
		for s := range bc.vec {
			df[s]++
		}
	}
	n := float64(len(cards) + len(b.cards))
	weigh := func(v map[string]float64) map[string]float64 {
		w := make(map[string]float64, len(v))
		var norm float64
		for s, x := range v {
			w[s] = x * math.Log(n/df[s])
			norm += w[s] * w[s]
		}
		if norm = math.Sqrt(norm); norm > 0 {
			for s := range w {
				w[s] /= norm
			}
		}
		return w
	}
	local := make([]map[string]float64, len(cards))
	for i := range vecs {
		local[i] = weigh(vecs[i])
	}
	for _, src := range order {
		if own[src] {
			continue
		}
		bank := bySource[src]
		bw := make([]map[string]float64, len(bank))
		for j, bc := range bank {
			bw[j] = weigh(bc.vec)
		}
		// sim[i][j] of local card i and bank card j.
		sim := make([][]float64, len(cards))
		for i := range cards {
			sim[i] = make([]float64, len(bank))
			for j := range bank {
				sim[i][j] = cosine(local[i], bw[j])
			}
		}
		// A bank card like some card here, even if not taken, is kin to
		// a service here (one more TARI card): not a service missing.
		used := make([]bool, len(bank))
		for j := range bank {
			for k := range cards {
				used[j] = used[j] || sim[k][j] >= bankMinSimilarity
			}
		}
		for i := range cards {
			bj := argmax(sim[i])
			if bj < 0 || sim[i][bj] < bankMinSimilarity {
				continue
			}
			best := 0.0
			for k := range cards {
				best = max(best, sim[k][bj])
			}
			if sim[i][bj] >= bankShareRatio*best {
				out[i] = append(out[i], bank[bj].Questions...)
			}
		}
		for j, bc := range bank {
			switch {
			case bc.OutOfScope:
				none = append(none, bc.Questions...)
			case !used[j]:
				rest = append(rest, bc.Questions...)
			}
		}
	}
	return out, rest, none
}

// bankMinQuestions is how many of a service's questions must use a word
// for it to be a word of the service, not of one citizen's story.
const bankMinQuestions = 2

// recurring keeps, of each question, the words that at least
// bankMinQuestions questions use, everyday words aside ("comincia",
// "sapere"): they are how people ask, not what about.
func recurring(a *Analyzer, questions []string) []string {
	if len(questions) == 0 {
		return nil
	}
	words := make([][]Word, len(questions))
	seen := map[string]int{}
	for i, q := range questions {
		words[i] = a.Words(q)
		once := map[string]bool{}
		for _, w := range words[i] {
			if w.Stem != "" && !a.generic[w.Stem] && !once[w.Stem] {
				once[w.Stem] = true
				seen[w.Stem]++
			}
		}
	}
	var out []string
	for _, ws := range words {
		var kept []string
		for _, w := range ws {
			if w.Stem != "" && seen[w.Stem] >= bankMinQuestions {
				kept = append(kept, w.Surface)
			}
		}
		if len(kept) > 0 {
			out = append(out, strings.Join(kept, " "))
		}
	}
	return out
}

// spoken returns the stems that citizens of at least spokenMinSources
// comuni used, the comune of cards itself left out.
func (b *questionBank) spoken(cards []*schede.Card) map[string]bool {
	out := map[string]bool{}
	if b == nil {
		return out
	}
	own := b.ownSources(cards)
	n := map[string]int{}
	for src, stems := range b.stems {
		if own[src] {
			continue
		}
		for s := range stems {
			if n[s]++; n[s] == spokenMinSources {
				out[s] = true
			}
		}
	}
	return out
}

// ownSources returns the sources of the bank that are the comune of cards
// itself: half of their cards have the same id and title as cards here.
func (b *questionBank) ownSources(cards []*schede.Card) map[string]bool {
	here := map[string]bool{}
	for _, c := range cards {
		here[c.ID+"\x00"+c.Title] = true
	}
	same, all := map[string]int{}, map[string]int{}
	for _, bc := range b.cards {
		if bc.OutOfScope {
			continue
		}
		all[bc.Source]++
		if here[bc.ID+"\x00"+bc.Title] {
			same[bc.Source]++
		}
	}
	own := map[string]bool{}
	for src, n := range all {
		if same[src]*2 >= n {
			own[src] = true
		}
	}
	return own
}

func cosine(a, b map[string]float64) float64 {
	if len(b) < len(a) {
		a, b = b, a
	}
	var s float64
	for k, x := range a {
		s += x * b[k]
	}
	return s
}

func argmax(xs []float64) int {
	best := -1
	for i, x := range xs {
		if best < 0 || x > xs[best] {
			best = i
		}
	}
	return best
}
