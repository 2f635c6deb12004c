package assistant

import (
	"cmp"
	"math"
	"slices"
	"sync"
)

// The bank's questions one by one: a citizen's question that another
// comune's citizen already asked, nearly word for word, about the same
// service is a strong sign that the card of that service is the answer.
// The bank field of the index (bank.go) holds a service's questions as a
// bag of words; here each question keeps its own words together, so that
// "quanto costa la carta d'identità" meets its twin, not a card that
// happens to share "costa" with one question and "carta" with another.

// neighbours indexes the bank questions matched to the cards of a comune.
type neighbours struct {
	card []int // the card each question was asked about
	norm []float64
	post map[string][]int32
	idf  map[string]float64
	// maxIDF weighs a question's words that no bank question uses.
	maxIDF  float64
	scratch sync.Pool
}

// nearScratch holds one question's sums by bank question, reused: a
// fresh map per question costs more than the search itself.
type nearScratch struct {
	sims, got           []float64
	touched, gotTouched []int32
}

func (sc *nearScratch) reset(n int) {
	if len(sc.sims) != n {
		sc.sims, sc.got = make([]float64, n), make([]float64, n)
	}
	for _, q := range sc.touched {
		sc.sims[q] = 0
	}
	sc.touched = sc.touched[:0]
}

// nearK is how many nearest questions vote.
const nearK = 5

// nearLift raises a card's score by this much times its share of the
// nearest questions: a tie-breaker, not a ranking of its own.
const nearLift = 0.4

// newNeighbours indexes the questions asked about each card (asked[i]
// about card i) and those of services no card here resembles (rest).
func newNeighbours(a *Analyzer, asked [][]string, rest []string) *neighbours {
	nb := &neighbours{post: map[string][]int32{}, idf: map[string]float64{}}
	nb.scratch.New = func() any { return new(nearScratch) }
	var stems [][]string
	add := func(card int, q string) {
		var ss []string
		for _, w := range a.Words(q) {
			if w.Stem == "" || fillers[w.Surface] || a.generic[w.Stem] || slices.Contains(ss, w.Stem) {
				continue
			}
			ss = append(ss, w.Stem)
		}
		if len(ss) == 0 {
			return
		}
		for _, s := range ss {
			nb.post[s] = append(nb.post[s], int32(len(nb.card)))
		}
		nb.card = append(nb.card, card)
		stems = append(stems, ss)
	}
	for card, qs := range asked {
		for _, q := range qs {
			add(card, q)
		}
	}
	for _, q := range rest {
		add(-1, q)
	}
	n := float64(len(nb.card))
	for s, p := range nb.post {
		nb.idf[s] = math.Log(1 + n/float64(len(p)))
		nb.maxIDF = max(nb.maxIDF, nb.idf[s])
	}
	nb.norm = make([]float64, len(stems))
	for i, ss := range stems {
		var sum float64
		for _, s := range ss {
			sum += nb.idf[s] * nb.idf[s]
		}
		nb.norm[i] = math.Sqrt(sum)
	}
	return nb
}

// nearby is what the bank's questions say of one citizen's question.
type nearby struct {
	// nearest are the nearK bank questions most like it, most alike
	// first.
	nearest []near
	// best is, by card, the similarity of its most alike question.
	best map[int]float64
	all  float64
}

type near struct {
	q   int32
	sim float64
}

// find returns the bank questions nearest to terms, by the cosine of
// their idf-weighted stems.
func (nb *neighbours) find(terms []qterm) nearby {
	var out nearby
	if nb == nil || len(nb.card) == 0 {
		return out
	}
	sc := nb.scratch.Get().(*nearScratch)
	defer nb.scratch.Put(sc)
	sc.reset(len(nb.card))
	var qnorm float64
	for _, t := range terms {
		// Each word counts once per bank question, by its best spelling
		// or synonym found there.
		idfT := 0.0
		try := func(s string, w float64) {
			idf, ok := nb.idf[s]
			if !ok {
				return
			}
			idfT = max(idfT, idf)
			for _, q := range nb.post[s] {
				if sc.got[q] == 0 {
					sc.gotTouched = append(sc.gotTouched, q)
				}
				sc.got[q] = max(sc.got[q], w*idf*idf)
			}
		}
		try(t.stem, 1)
		for _, al := range t.alts {
			for _, s := range al.stems {
				if s != t.stem {
					try(s, al.weight)
				}
			}
		}
		if idfT == 0 {
			idfT = nb.maxIDF
		}
		qnorm += (t.weight * idfT) * (t.weight * idfT)
		for _, q := range sc.gotTouched {
			if sc.sims[q] == 0 {
				sc.touched = append(sc.touched, q)
			}
			sc.sims[q] += t.weight * sc.got[q]
			sc.got[q] = 0
		}
		sc.gotTouched = sc.gotTouched[:0]
	}
	if qnorm == 0 || len(sc.touched) == 0 {
		return out
	}
	qnorm = math.Sqrt(qnorm)
	out.best = map[int]float64{}
	out.nearest = make([]near, 0, nearK+1)
	for _, q := range sc.touched {
		s := sc.sims[q] / (qnorm * nb.norm[q])
		c := nb.card[q]
		out.best[c] = max(out.best[c], s)
		if len(out.nearest) == nearK && s < out.nearest[nearK-1].sim {
			continue
		}
		// Ties go to the question asked first.
		x := near{q, s}
		i, _ := slices.BinarySearchFunc(out.nearest, x, func(n, x near) int {
			if n.sim != x.sim {
				return cmp.Compare(x.sim, n.sim)
			}
			return cmp.Compare(n.q, x.q)
		})
		out.nearest = slices.Insert(out.nearest, i, x)
		if len(out.nearest) > nearK {
			out.nearest = out.nearest[:nearK]
		}
	}
	for _, n := range out.nearest {
		out.all += n.sim
	}
	return out
}

// share is the part of the nearest questions' similarity that belongs to
// questions about card c.
func (nb *neighbours) share(n nearby, c int) float64 {
	if n.all == 0 {
		return 0
	}
	var mine float64
	for _, x := range n.nearest {
		if nb.card[x.q] == c {
			mine += x.sim
		}
	}
	return mine / n.all
}
