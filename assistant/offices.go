package assistant

import (
	"regexp"
	"strings"

	"github.com/sportello/sportello/schede"
)

// Offices: "orari anagrafe", "telefono ufficio tributi", "dove si trova
// la polizia locale" ask for an office, not for a service. Every card of
// that office answers them in its Contatti section, so the ranking of
// services, which sees only "anagrafe" spread over seven cards, hands
// them to a person or offers three cards. The `ufficio` key of the
// schede says which cards belong to which office.

// office is one office named by the schede, with its cards that have a
// Contatti section.
type office struct {
	// stems are the words that tell this office from the others
	// ("anagraf", "demograf"), not "ufficio" or "servizi".
	stems map[string]bool
	cards []int
}

// officeWords name any office ("ufficio", "servizi", "comunale"): they
// tell none from another.
const officeWords = `ufficio uffici servizio servizi sportello sportelli settore area comune comunale comunali
municipale unità unita operativa operativo gestione`

// officeContactWords ask where, when and how to reach an office.
const officeContactWords = `orari orario ora ore apre aprono aperto aperta aperti apertura chiude chiudono chiuso chiusa
chiusura telefono telefonare numero cellulare email mail pec indirizzo dove trova trovo sta sede contatti contatto
contattare chiamare recapito recapiti raggiungere oggi domani lunedì martedì mercoledì giovedì venerdì sabato
domenica mattina pomeriggio sera quando`

// officeCue finds a question about reaching an office, on folded text.
var officeCue = regexp.MustCompile(`\b(orari\w*|a che ora|telefon\w*|numero|cellulare|e-?mail|pec|indirizzo|dove si trova|dove sta|dov e|sede|contatt\w*|recapit\w*|apre|aprono|aperto|aperti|chiude|chiudono)\b`)

// directoryWords in a card's title make it the comune's directory of
// offices ("URP - orari e contatti degli uffici comunali").
const directoryWords = `contatti orari recapiti`

// buildDirectories returns the cards whose title says they list the
// offices' contacts and that have a Contatti section.
func buildDirectories(a *Analyzer, cards []*cardInfo) []int {
	words := map[string]bool{}
	for _, s := range a.Stems(directoryWords) {
		words[s] = true
	}
	var out []int
	for i, ci := range cards {
		for s := range ci.title {
			if words[s] && hasContacts(ci) {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// urpCue finds the URP in a card's title: where a comune with no
// directory of offices tells its own opening hours.
var urpCue = regexp.MustCompile(`\b(urp|relazioni con il pubblico)\b`)

// buildURP returns the cards whose title names the URP and that have a
// Contatti section.
func buildURP(cards []*cardInfo) []int {
	var out []int
	for i, ci := range cards {
		if urpCue.MatchString(schede.Fold(ci.card.Title)) && hasContacts(ci) {
			out = append(out, i)
		}
	}
	return out
}

// buildOffices groups the published cards by office.
func buildOffices(a *Analyzer, cards []*cardInfo) []office {
	generic := map[string]bool{}
	for _, s := range a.Stems(officeWords) {
		generic[s] = true
	}
	var out []office
	at := map[string]int{}
	for i, ci := range cards {
		name := schede.Fold(strings.TrimSpace(ci.card.Office))
		if name == "" || !hasContacts(ci) {
			continue
		}
		o, ok := at[name]
		if !ok {
			stems := map[string]bool{}
			for _, s := range a.Stems(ci.card.Office) {
				if !generic[s] {
					stems[s] = true
				}
			}
			if len(stems) == 0 {
				continue
			}
			o = len(out)
			at[name] = o
			out = append(out, office{stems: stems})
		}
		out[o].cards = append(out[o].cards, i)
	}
	return out
}

func hasContacts(ci *cardInfo) bool {
	for _, a := range ci.aspects {
		if a == AspectContacts {
			return true
		}
	}
	return false
}

// maxOfficeOptions is how many offices a question may name at once for
// a choice among them ("polizia locale": its permits and its fines
// office); more, and it names none.
const maxOfficeOptions = 3

// officeAnswer answers a question that asks only how to reach an office:
// from the Contatti section of one of its cards, or, when it names two
// or three offices whose contacts differ, with a choice among them. ok
// is false when the question is not such a question.
func (a *Assistant) officeAnswer(ix *index, folded string, terms []qterm, ranked []Ranked) (Answer, bool) {
	if len(ix.offices) == 0 || !officeCue.MatchString(strings.ReplaceAll(folded, "'", " ")) {
		return Answer{}, false
	}
	// Every word of the question other than how to reach an office must
	// be a word of the office's name, or have one among its synonyms
	// and corrections.
	var named []qterm
	for _, t := range terms {
		if !ix.officeFree[t.stem] {
			named = append(named, t)
		}
	}
	if len(named) == 0 {
		// "a che ora apre il comune", "orari degli uffici": the comune
		// as a whole, which its own directory of offices answers, or,
		// without one, the card of the URP.
		if ix.home < 0 || !comuneCue.MatchString(folded) {
			return Answer{}, false
		}
		ans := a.answer(ix, ix.home, AspectContacts, terms, officeConfidence, false)
		ans.Ranked = ranked
		return ans, true
	}
	var matched []int
	var said map[string]bool
	for o, of := range ix.offices {
		all := true
		for _, t := range named {
			all = all && officeNames(of, t) != nil
		}
		if all {
			matched = append(matched, o)
			if said == nil {
				said = map[string]bool{}
				for _, t := range named {
					for _, s := range officeNames(of, t) {
						said[s] = true
					}
				}
			}
		}
	}
	if len(matched) == 0 || len(matched) > maxOfficeOptions {
		return Answer{}, false
	}
	// The comune's own directory of offices, when it names this one,
	// answers for all of them.
	for _, d := range ix.directories {
		all := true
		// Its own words: the bank's questions about it name every office.
		for s := range said {
			all = all && (ix.cards[d].views[0][s] || ix.cards[d].views[1][s])
		}
		if all {
			ans := a.answer(ix, d, AspectContacts, terms, officeConfidence, false)
			ans.Ranked = ranked
			return ans, true
		}
	}
	// Offices whose cards give the same contacts are one office to the
	// citizen.
	var cards []int
	seen := map[string]bool{}
	for _, o := range matched {
		c := preferred(ix, ix.offices[o].cards, ranked)
		text := contactsText(ix.cards[c])
		if !seen[text] {
			seen[text] = true
			cards = append(cards, c)
		}
	}
	if len(cards) == 1 {
		ans := a.answer(ix, cards[0], AspectContacts, terms, officeConfidence, false)
		ans.Ranked = ranked
		return ans, true
	}
	ans := Answer{Decision: DecisionClarify, Confidence: officeConfidence, Aspect: AspectContacts, Ranked: ranked,
		Text: "Più uffici corrispondono alla domanda: quale ti interessa?"}
	for _, c := range cards {
		ans.Options = append(ans.Options, cardRef(ix.cards[c].card))
	}
	return ans, true
}

// officeConfidence is the confidence of an answer about an office: it
// rests on the office's own name, not on a guess among services.
const officeConfidence = 0.95

// officeNames tells whether the question word t is a word of the
// office's name, as written or through a correction or a synonym all of
// whose words are in the name ("vigili" for "polizia locale", not
// "concorsi" for "lavoro comunale" in "lavori pubblici").
// It returns the stems of the name the word stands for, or nil.
func officeNames(of office, t qterm) []string {
	if of.stems[t.stem] {
		return []string{t.stem}
	}
	for _, al := range t.alts {
		all := true
		for _, s := range al.stems {
			all = all && of.stems[s]
		}
		if all {
			return al.stems
		}
	}
	return nil
}

// preferred returns, of an office's cards, the one ranked highest for
// the question, or its first.
func preferred(ix *index, cards []int, ranked []Ranked) int {
	for _, r := range ranked {
		for _, c := range cards {
			if ix.cards[c].card.ID == r.CardID {
				return c
			}
		}
	}
	return cards[0]
}

// contactsText is the text of a card's first Contatti section.
func contactsText(ci *cardInfo) string {
	for s, a := range ci.aspects {
		if a == AspectContacts {
			return strings.Join(strings.Fields(ci.card.Sections[s].Text), " ")
		}
	}
	return ""
}

// comuneCue names the comune's offices as a whole ("il comune", "gli
// uffici"), on folded text: "comune" itself is no query term.
var comuneCue = regexp.MustCompile(`\b(comune|municipio|uffici|ufficio)\b`)

// only returns the one element of xs, or -1 when there are none or more.
func only(xs []int) int {
	if len(xs) != 1 {
		return -1
	}
	return xs[0]
}
