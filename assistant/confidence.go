package assistant

import (
	"cmp"
	"math"
	"slices"
)

// The confidence that the top card answers a question is the boosted
// trees of trees.go over features that do not depend on the size or
// wording of a comune's schede: how much of the question the card accounts
// for, how much of it in the card's own title, synonyms and example
// questions, how far ahead of the next card it is, how much of the
// question the index does not know at all, how much of the card's name
// the question says, which of its words only the top card holds in its
// name, and in how many views of a card (its name, its sections, the
// questions of the bank) the top card leads the next four: cards that
// agree from several sides are right more often; and how much of the
// vote of the nearest bank questions (neighbours.go) goes to it, and how
// alike its nearest one is. None is tied to any card.

const (
	fCoverage = iota
	fStrong
	fMargin
	fUnknown
	fTopTerm
	fSecond
	fLength
	fKey
	fElsewhere
	fKnown
	fTitleShare
	fAnchor
	fViews
	fNameView
	fBankView
	fNameMargin
	fNearShare
	fNearBest
	fSpoken
	fMixedShare
	fNearNone
	nFeatures
)

// scopeOnly are the features the confidence model is fitted without:
// with them, left out of the fit one comune at a time, it answered more
// but let one comune's wrong answers over 2% at 0.92-0.93.
var scopeOnly = [...]int{fMixedShare, fNearNone}

// features describes a question against its top card (ranked[0]).
func (ix *index) features(terms []qterm, ranked []Ranked, near nearby) [nFeatures]float64 {
	var f [nFeatures]float64
	if len(ranked) == 0 {
		return f
	}
	topAt := ix.byID[ranked[0].CardID]
	top := ix.cards[topAt]
	f[fCoverage] = ranked[0].Coverage
	if len(ranked) > 1 {
		f[fMargin] = 1 - ranked[1].Score/ranked[0].Score
		f[fSecond] = ranked[1].Coverage
	} else {
		f[fMargin] = 1
	}
	var total, strong, unknown, spoken, bestIDF float64
	content := 0
	for _, t := range terms {
		w := t.weight * t.idf
		total += w
		if !t.cue {
			content++
		}
		if t.spoken {
			spoken += w
		}
		if len(t.alts) == 0 {
			unknown += w
			continue
		}
		s := bestStrength(top, t)
		if s >= 0.9 {
			strong += w * s
		}
		if !t.cue && t.idf > bestIDF {
			bestIDF = t.idf
			f[fTopTerm] = s
		}
	}
	if total > 0 {
		f[fStrong] = strong / total
		f[fUnknown] = unknown / total
		f[fSpoken] = spoken / total
	}
	f[fLength] = float64(content) / float64(content+3)
	f[fKey] = keyMatch(top, terms, ix.idf(""))
	f[fElsewhere] = ix.elsewhereMentioned(top, terms)
	if known := total - unknown; known > 0 {
		f[fKnown] = f[fCoverage] * total / known
	}
	f[fTitleShare] = titleShare(top, terms)
	if len(ranked) > 1 {
		f[fAnchor] = anchor(top, ix.cards[ix.byID[ranked[1].CardID]], terms)
	} else {
		f[fAnchor] = anchor(top, nil, terms)
	}
	// How the top card and the next four account for the question in
	// each view of a card: its name, its sections, the bank's questions.
	var shares [3][]float64
	for v := range shares {
		for i := 0; i < len(ranked) && i < 5; i++ {
			shares[v] = append(shares[v], viewShare(ix.cards[ix.byID[ranked[i].CardID]].views[v], terms))
		}
	}
	f[fViews] = viewsWon(shares)
	f[fNameView], f[fBankView] = shares[0][0], shares[2][0]
	f[fNameMargin] = shares[0][0] - maxOf(shares[0][1:])
	f[fNearShare], f[fNearBest] = ix.near.share(near, topAt), near.best[topAt]
	// For the scope model only (scopeOnly): the top card's share when
	// the questions asked about no card vote too, and how alike the
	// nearest question about no card here is. A question very like one
	// that other comuni's citizens asked about no service of theirs (a
	// passport, a bus, a joke) is likely about none here either.
	mixed := ix.mixed.find(terms)
	f[fMixedShare], f[fNearNone] = ix.mixed.share(mixed, topAt), mixed.best[-1]
	return f
}

// viewsWon is the share of the views in which the top card accounts for
// some of the question and for no less than any of the next cards.
func viewsWon(shares [3][]float64) float64 {
	won := 0
	for _, s := range shares {
		if s[0] > 0 && s[0] >= maxOf(s[1:]) {
			won++
		}
	}
	return float64(won) / float64(len(shares))
}

func maxOf(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// viewShare is the share of the question (weighted) that a set of stems
// holds, each word by its best alternative there.
func viewShare(set map[string]bool, terms []qterm) float64 {
	var got, total float64
	for _, t := range terms {
		w := t.weight * t.idf
		total += w
		best := 0.0
		for _, al := range t.alts {
			ok := true
			for _, s := range al.stems {
				ok = ok && set[s]
			}
			if ok {
				best = max(best, al.weight)
			}
		}
		got += w * best
	}
	if total == 0 {
		return 0
	}
	return got / total
}

// bestStrength is how strongly a card contains a term or one of its
// alternatives, discounted by the alternative's weight.
func bestStrength(ci *cardInfo, t qterm) float64 {
	best := 0.0
	for _, al := range t.alts {
		s := 0.0
		for _, st := range al.stems {
			s += ci.terms[st]
		}
		best = math.Max(best, s/float64(len(al.stems))*al.weight)
	}
	return best
}

// keyMatch is how well the card matches the question's two most specific
// words (highest idf; a word the index does not know counts as the most
// specific and unmatched): "passaporto per neonato" must not be answered
// by a card that only knows the newborn.
func keyMatch(ci *cardInfo, terms []qterm, maxIDF float64) float64 {
	type kv struct{ idf, s float64 }
	var keys []kv
	for _, t := range terms {
		if t.cue {
			continue
		}
		k := kv{idf: t.idf, s: 0}
		if len(t.alts) == 0 {
			k.idf = maxIDF
		} else {
			k.s = bestStrength(ci, t)
		}
		keys = append(keys, k)
	}
	slices.SortStableFunc(keys, func(a, b kv) int { return cmp.Compare(b.idf, a.idf) })
	var got, total float64
	for i, k := range keys {
		if i == 2 {
			break
		}
		got += k.idf * k.s
		total += k.idf
	}
	if total == 0 {
		return 0
	}
	return got / total
}

// elsewhereMentioned is 1 when the question names another authority's
// service that the card's title does not name.
func (ix *index) elsewhereMentioned(ci *cardInfo, terms []qterm) float64 {
	var stems []string
	for _, t := range terms {
		stems = append(stems, t.stem)
	}
	for _, p := range ix.elsewhere {
		if len(p) == 0 || findPhrase(stems, p) < 0 {
			continue
		}
		inTitle := true
		for _, st := range p {
			inTitle = inTitle && ci.title[st]
		}
		if !inTitle {
			return 1
		}
	}
	return 0
}

// titleShare is the share of the card's title that the question names,
// itself or through a synonym: a question that names the service.
func titleShare(ci *cardInfo, terms []qterm) float64 {
	if len(ci.title) == 0 {
		return 0
	}
	named := map[string]bool{}
	for _, t := range terms {
		for _, al := range t.alts {
			if al.weight < 0.6 {
				continue
			}
			for _, st := range al.stems {
				if ci.title[st] {
					named[st] = true
				}
			}
		}
	}
	return float64(len(named)) / float64(len(ci.title))
}

// anchor is the weight of the question's words that the card holds in
// its title, synonyms or example questions and the runner-up does not,
// over the weight of all the question's words.
func anchor(top, second *cardInfo, terms []qterm) float64 {
	var got, total float64
	for _, t := range terms {
		w := t.weight * t.idf
		total += w
		if bestStrength(top, t) < 0.6 {
			continue
		}
		if second != nil && bestStrength(second, t) >= 0.6 {
			continue
		}
		got += w
	}
	if total == 0 {
		return 0
	}
	return got / total
}
