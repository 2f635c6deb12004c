package assistant

import (
	"regexp"
	"strings"
)

// The URP is where any comune takes complaints about its service, books
// a meeting with the mayor and gives its certified email (PEC): roles the
// law gives it, not services a scheda of its own describes. "Voglio fare
// un reclamo per come sono stato trattato allo sportello" shares one word
// with the URP's card and was handed to a person. When the services
// leave the assistant unsure and a question is only about one of these
// roles, the comune's directory of offices, or the URP's card, answers,
// provided its own words speak of that role.

// urpRole is one role of the URP, as a question names it.
type urpRole struct {
	cue *regexp.Regexp
	// needs is a word the answering card must use itself: a card that
	// never mentions the mayor does not say how to meet him.
	needs string
	// aspect is the section that answers (none: the words decide).
	aspect Aspect
}

var urpRoles = []urpRole{
	{regexp.MustCompile(`\b(reclam\w*|lament\w*|maleducat\w*|scortes\w*|trattat[oai] male)\b`), "reclamo", AspectNone},
	{regexp.MustCompile(`\b(sindac[oa]|assessor[ei])\b`), "sindaco", AspectContacts},
	{regexp.MustCompile(`\b(pec|posta (elettronica )?certificata)\b`), "pec", AspectContacts},
}

// urpWords may stand in such a question besides the ways to reach an
// office: who was rude, to whom one writes, how.
const urpWords = `reclamo reclami reclamare lamentarmi lamentare lamentela lamentele protestare protesta maleducato
maleducata maleducati scortese scortesi trattato trattata trattati male impiegato impiegata impiegati dipendente
dipendenti personale sindaco sindaca assessore assessori riceve ricevere ricevimento appuntamento incontrare parlare
pec posta certificata elettronica mandare inviare spedire scrivere documento raccomandata date datemi dammi`

// urpAnswer answers a question about one of the URP's roles, or reports
// that it is not one.
func (a *Assistant) urpAnswer(ix *index, folded string, terms []qterm, ranked []Ranked) (Answer, bool) {
	if ix.home < 0 {
		return Answer{}, false
	}
	text := strings.ReplaceAll(folded, "'", " ")
	aspect, asked := AspectContacts, false
	ci := ix.cards[ix.home]
	for i, r := range urpRoles {
		if !r.cue.MatchString(text) {
			continue
		}
		if need := ix.urpNeeds[i]; need == "" || !ci.views[0][need] && !ci.views[1][need] {
			return Answer{}, false
		}
		asked = true
		if r.aspect == AspectNone {
			aspect = AspectNone
		}
	}
	if !asked {
		return Answer{}, false
	}
	for _, t := range terms {
		if !ix.officeFree[t.stem] && !ix.urpFree[t.stem] {
			return Answer{}, false
		}
	}
	card := ix.home
	// A comune with a card of its own for complaints ("Segnalazioni,
	// reclami e suggerimenti") answers them there.
	if aspect == AspectNone && ix.complaints >= 0 {
		card = ix.complaints
	}
	ans := a.answer(ix, card, aspect, terms, officeConfidence, false)
	ans.Ranked = ranked
	return ans, true
}

// titled returns the cards whose title has the stem.
func titled(ix *index, stem string) []int {
	if stem == "" {
		return nil
	}
	var out []int
	for i, ci := range ix.cards {
		if ci.title[stem] {
			out = append(out, i)
		}
	}
	return out
}

// firstStem is the stem of a word ("" for a stop word): a swapped-in
// stemmer may stem differently, never into nothing for these words.
func firstStem(a *Analyzer, w string) string {
	if st := a.Stems(w); len(st) > 0 {
		return st[0]
	}
	return ""
}
