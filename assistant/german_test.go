package assistant

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/sportello/sportello/schede"
)

// germanSet returns three cards of a comune, with a German summary
// section ("Kurzinfo") when bilingual.
func germanSet(t *testing.T, bilingual bool) *schede.Set {
	t.Helper()
	kurz := map[string]string{
		"residenza.md": "Wer nach Wiesen zieht, muss das innerhalb von 20 Tagen in der Gemeinde angeben.",
		"tari.md":      "Die Gebühr wird jedes Jahr in zwei Raten bezahlt und hängt von der Fläche ab.",
		"nido.md":      "Die Anmeldung ist im Frühjahr und die Plätze sind für Kinder bis drei Jahre.",
	}
	cards := map[string]string{
		"residenza.md": "---\ntitolo: Cambio di residenza\ndescrizione: Trasferire la residenza da un altro comune.\n---\n\nSi dichiara all'anagrafe entro 20 giorni.\n\n## Come fare\n\nOnline con ANPR o allo sportello.\n",
		"tari.md":      "---\ntitolo: Tariffa rifiuti\ndescrizione: Quanto e come si paga la tariffa dei rifiuti.\n---\n\nSi paga in due rate.\n\n## Quanto costa\n\nDipende dai metri quadri e dalle persone.\n",
		"nido.md":      "---\ntitolo: Asilo nido\ndescrizione: Iscrizione all'asilo nido comunale.\n---\n\nPer i bambini da tre mesi a tre anni.\n\n## Come fare\n\nLa domanda si presenta in primavera.\n",
	}
	folder := fstest.MapFS{}
	for name, text := range cards {
		if bilingual {
			text += "\n## Kurzinfo auf Deutsch\n\n" + kurz[name] + "\n"
		}
		folder[name] = &fstest.MapFile{Data: []byte(text)}
	}
	set, problems, err := schede.NewLoader(folder).Load()
	if err != nil || schede.HasErrors(problems) {
		t.Fatalf("%v %v", err, problems)
	}
	return set
}

func TestGermanOnlyWhereTheSchedeAreBilingual(t *testing.T) {
	for _, tt := range []struct {
		name      string
		bilingual bool
	}{
		{"italian schede", false},
		{"schede with german summaries", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := New(Options{NoBank: true})
			if err := a.Load(germanSet(t, tt.bilingual)); err != nil {
				t.Fatal(err)
			}
			if got := a.cur.Load().german; got != tt.bilingual {
				t.Errorf("german %v, want %v", got, tt.bilingual)
			}
		})
	}
}

func TestAskGermanQuestionsInABilingualComune(t *testing.T) {
	// The German words of the question are not in the schede: the
	// lexicon brings the Italian ones, and the function words are left
	// out instead of weighing as unknown words.
	tests := []struct{ question, want string }{
		{"Wo melde ich meinen Wohnsitz an?", "residenza"},
		{"Wann muss ich die Müllgebühr zahlen?", "tari"},
		{"Wie kann ich mein Kind für die Kinderkrippe einschreiben?", "nido"},
	}
	a := New(Options{NoBank: true})
	if err := a.Load(germanSet(t, true)); err != nil {
		t.Fatal(err)
	}
	it := New(Options{NoBank: true})
	if err := it.Load(germanSet(t, false)); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			got, err := a.Ask(context.Background(), tt.question, Context{})
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Ranked) == 0 || got.Ranked[0].CardID != tt.want {
				t.Errorf("bilingual comune: got %+v, want %s first", got.Ranked, tt.want)
			}
			// Where the schede are Italian only, the German lexicon is
			// not used: a German message is no question about them.
			other, err := it.Ask(context.Background(), tt.question, Context{})
			if err != nil {
				t.Fatal(err)
			}
			if other.Decision == DecisionAnswer {
				t.Errorf("italian comune answered a German question from %s", other.Card.ID)
			}
		})
	}
}
