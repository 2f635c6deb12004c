package insights

import (
	"sort"
	"strings"
	"time"

	"github.com/sportello/sportello/assistant"
	"github.com/sportello/sportello/handoff"
)

// Group is a set of unanswered questions that mean much the same: they
// share their main stems after the Italian analysis.
type Group struct {
	// Key is the stems the questions share, for display and links.
	Key       []string
	Questions []handoff.Question
	// Recent and Before count the last 7 days and the 7 before them.
	Recent, Before int
}

// Trend says whether the group grows: "in aumento", "in calo", "stabile".
func (g Group) Trend() string {
	switch {
	case g.Recent > g.Before+g.Before/5 && g.Recent > g.Before:
		return "in aumento"
	case g.Recent < g.Before-g.Before/5:
		return "in calo"
	}
	return "stabile"
}

// IDs are the questions' IDs.
func (g Group) IDs() []uint64 {
	out := make([]uint64, len(g.Questions))
	for i, q := range g.Questions {
		out[i] = q.ID
	}
	return out
}

// Grouper groups questions with the Italian analyzer.
type Grouper struct {
	Analyzer *assistant.Analyzer
	// generic are words that carry no topic in a citizen's question.
	generic map[string]bool
}

// NewGrouper returns a grouper with the project's analyzer.
func NewGrouper() *Grouper {
	a := assistant.NewAnalyzer(assistant.SnowballItalian{})
	g := &Grouper{Analyzer: a, generic: map[string]bool{}}
	for _, w := range []string{"vorrei", "sapere", "come", "posso", "devo", "fare", "cosa", "quando", "dove", "serve", "servono",
		"buongiorno", "salve", "grazie", "informazione", "informazioni", "chiedere", "domanda", "comune", "ciao", "bisogno", "quale",
		"quali", "perché", "perche", "mio", "mia", "miei", "fatto", "ho", "avere", "essere", "può", "puo", "potete", "dire", "sapete",
		"comunale", "comunali", "municipale", "ufficio", "uffici", "cittadino", "cittadini", "grazie", "mille"} {
		for _, s := range a.Stems(w) {
			g.generic[s] = true
		}
	}
	return g
}

// topic returns the stems of a question that say what it is about.
func (g *Grouper) topic(text string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range g.Analyzer.Stems(text) {
		if len(s) < 3 || g.generic[s] || seen[s] || strings.HasPrefix(s, "[") {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// Group puts each question with the group it shares most stems with
// (two, or the group's main one), most frequent groups first.
// Ignored questions are left out.
func (g *Grouper) Group(qs []handoff.Question, now time.Time) []Group {
	type acc struct {
		stems map[string]int
		group Group
	}
	var groups []*acc
	for _, q := range qs {
		if q.Ignored {
			continue
		}
		t := g.topic(q.Text)
		var best *acc
		bestScore := 0.0
		for _, a := range groups {
			shared := 0
			for _, s := range t {
				if a.stems[s] > 0 {
					shared++
				}
			}
			if shared == 0 {
				continue
			}
			// Two shared stems make a match; one does when it is what
			// the group is most about (its most frequent stem).
			if shared == 1 {
				top := 0
				for _, n := range a.stems {
					top = max(top, n)
				}
				one := false
				for _, s := range t {
					if a.stems[s] == top {
						one = true
					}
				}
				if !one {
					continue
				}
			}
			score := float64(shared) / float64(max(1, len(t)))
			if score > bestScore {
				best, bestScore = a, score
			}
		}
		if best == nil {
			best = &acc{stems: map[string]int{}, group: Group{Key: t}}
			groups = append(groups, best)
		}
		for _, s := range t {
			best.stems[s]++
		}
		best.group.Questions = append(best.group.Questions, q)
		switch age := now.Sub(q.At); {
		case age <= 7*24*time.Hour:
			best.group.Recent++
		case age <= 14*24*time.Hour:
			best.group.Before++
		}
	}
	out := make([]Group, 0, len(groups))
	for _, a := range groups {
		// The key becomes the stems most of the group shares.
		var key []string
		for s, n := range a.stems {
			if n*2 >= len(a.group.Questions) {
				key = append(key, s)
			}
		}
		sort.Slice(key, func(i, j int) bool {
			if a.stems[key[i]] != a.stems[key[j]] {
				return a.stems[key[i]] > a.stems[key[j]]
			}
			return key[i] < key[j]
		})
		a.group.Key = key
		sort.Slice(a.group.Questions, func(i, j int) bool { return a.group.Questions[i].At.After(a.group.Questions[j].At) })
		out = append(out, a.group)
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].Questions) > len(out[j].Questions) })
	return out
}
