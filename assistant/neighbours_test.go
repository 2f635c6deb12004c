package assistant

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/sportello/sportello/schede"
)

func TestNearestBankQuestionsVoteForTheirCard(t *testing.T) {
	a := New(Options{NoBank: true})
	nb := newNeighbours(a.analyzer, [][]string{
		{"quanto costa la carta d'identità", "la carta d'identità è scaduta"},
		{"quanto costa il bollettino della tari", "il bollettino della tari non arriva"},
	}, []string{"quanto costa il passaporto"})
	terms := func(q string) []qterm {
		var out []qterm
		for _, s := range a.analyzer.Stems(q) {
			out = append(out, qterm{stem: s, weight: 1})
		}
		return out
	}
	tests := []struct {
		name      string
		question  string
		card      int
		wantShare float64 // at least
		wantBest  float64 // at least
	}{
		{"a twin question votes for its card", "quanto costa la carta d'identita", 0, 0.5, 0.9},
		{"another service's questions vote for theirs", "non arriva il bollettino", 1, 0.5, 0.3},
		{"a service no card has takes the vote away", "quanto costa il passaporto", 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := nb.find(terms(tt.question))
			share, best := nb.share(n, tt.card), n.best[tt.card]
			if share < tt.wantShare || best < tt.wantBest {
				t.Errorf("share %.2f, best %.2f; want at least %.2f and %.2f", share, best, tt.wantShare, tt.wantBest)
			}
			if tt.wantShare == 0 && share >= 0.5 {
				t.Errorf("share %.2f for a card the question is not about", share)
			}
			// The scratch space is reused: the same question, the same answer.
			again := nb.find(terms(tt.question))
			if got := nb.share(again, tt.card); got != share {
				t.Errorf("asked again: share %.4f, first %.4f", got, share)
			}
		})
	}
	if n := nb.find(terms("giraffa")); len(n.nearest) != 0 {
		t.Errorf("a question of unknown words has neighbours: %+v", n.nearest)
	}
}

func TestBankCardServesBothHalvesOfASplitService(t *testing.T) {
	a := New(Options{NoBank: true})
	folder := fstest.MapFS{
		"residenza.md": {Data: []byte("---\ntitolo: Cambio di residenza\ndescrizione: Trasferire la residenza da un altro comune.\n---\n\nSi dichiara all'anagrafe.\n\n## Come fare\n\nOnline con ANPR.\n")},
		"indirizzo.md": {Data: []byte("---\ntitolo: Cambio di indirizzo\ndescrizione: Comunicare il nuovo indirizzo se cambi casa nel comune.\n---\n\nSi comunica all'anagrafe.\n\n## Come fare\n\nOnline con ANPR.\n")},
		"tari.md":      {Data: []byte("---\ntitolo: TARI\ndescrizione: La tassa sui rifiuti.\n---\n\nSi paga in due rate.\n\n## Quanto costa\n\nDipende dai metri quadri.\n")},
	}
	set, problems, err := schede.NewLoader(folder).Load()
	if err != nil || schede.HasErrors(problems) {
		t.Fatalf("%v %v", err, problems)
	}
	bank := &questionBank{}
	for _, bc := range []*bankCard{
		{Source: "other", ID: "residenza", Title: "Cambio di residenza e di indirizzo",
			Description: "Trasferire la residenza da un altro comune o comunicare il nuovo indirizzo.",
			Questions:   []string{"mi trasferisco qui, come prendo la residenza"}},
		{Source: "other", ID: "tari", Title: "TARI tassa rifiuti", Questions: []string{"bolletta della monnezza"}},
		{Source: "other", ID: "nido", Title: "Asilo nido", Questions: []string{"iscrizione al nido"}},
	} {
		bc.vec = nameVector(a.analyzer, bc.Title, bc.Description, bc.Synonyms)
		bank.cards = append(bank.cards, bc)
	}
	cards := set.Published()
	got, rest, _ := bank.match(a.analyzer, cards)
	for i, c := range cards {
		want := 1
		if len(got[i]) != want {
			t.Errorf("%s got %d questions of the bank, want %d: %q", c.ID, len(got[i]), want, got[i])
		}
	}
	if len(rest) != 1 || rest[0] != "iscrizione al nido" {
		t.Errorf("questions of a service no card has: got %q, want the nido's", rest)
	}
}

func TestAskedTwinQuestionLiftsItsCard(t *testing.T) {
	// With the bank, the nearest questions other comuni asked about the
	// TARI put the TARI card first for words the schede never use.
	a := New(Options{})
	if err := a.Load(miniSet(t)); err != nil {
		t.Fatal(err)
	}
	ans, err := a.Ask(context.Background(), "non mi è arrivato il bollettino della spazzatura", Context{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Ranked) == 0 || ans.Ranked[0].CardID != "tari" {
		t.Fatalf("got %+v, want the TARI card first", ans.Ranked)
	}
	if ans.features[fNearShare] == 0 {
		t.Errorf("no nearest bank question voted for the TARI card")
	}
}
