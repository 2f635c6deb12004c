package assistant

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/sportello/sportello/schede"
)

func TestDebugQuestion(t *testing.T) {
	qs := os.Getenv("Q")
	if qs == "" {
		t.Skip()
	}
	set, _, _ := schede.NewLoader(os.DirFS(os.Getenv("SCH"))).Load()
	a := New(Options{})
	a.Load(set)
	ix := a.cur.Load()
	for _, q := range strings.Split(qs, ";") {
		ans, _ := a.Ask(context.Background(), q, Context{})
		words := a.analyzer.Words(q)
		var surf []string
		for _, w := range words {
			surf = append(surf, w.Surface)
		}
		asp, _ := detectAspect(strings.Join(surf, " "))
		terms := a.terms(ix, words)
		fmt.Printf("\nQ: %s\n  decision=%s conf=%.2f aspect=%s feats=%.2f\n", q, ans.Decision, ans.Confidence, asp, ans.features)
		for _, tm := range terms {
			fmt.Printf("  term %-12s w=%.2f idf=%.2f df=%d alts=%v\n", tm.stem, tm.weight, tm.idf, ix.df[tm.stem], tm.alts)
		}
		for i, r := range ans.Ranked {
			if i > 4 {
				break
			}
			ci := ix.cards[ix.byID[r.CardID]]
			var st []string
			for _, tm := range terms {
				st = append(st, fmt.Sprintf("%s:%.2f", tm.stem, ci.terms[tm.stem]))
			}
			fmt.Printf("  %d %-28s score=%.2f cov=%.2f %v\n", i, r.CardID, r.Score, r.Coverage, st)
		}
	}
}
