package assistant

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sportello/sportello/schede"
)

func TestAskAnswersHowToReachAnOffice(t *testing.T) {
	a, _ := demoAssistant(t)
	set := demoSet(t)
	tests := []struct{ question, office string }{
		{"orari anagrafe", "Servizi Demografici - Ufficio Anagrafe"},
		{"a che ora apre l'ufficio anagrafe", "Servizi Demografici - Ufficio Anagrafe"},
		{"numero di telefono dell'anagrafe", "Servizi Demografici - Ufficio Anagrafe"},
		{"orari servizi demografici", "Servizi Demografici - Ufficio Anagrafe"},
		{"telefono ufficio tributi", "Ufficio Tributi"},
		{"orari ufficio tributi", "Ufficio Tributi"},
		{"quando è aperto lo stato civile", "Ufficio Stato civile"},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			got, err := a.Ask(context.Background(), tt.question, Context{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Decision != DecisionAnswer || got.Card == nil {
				t.Fatalf("got %s %v, want an answer from %s", got.Decision, got.Options, tt.office)
			}
			if office := set.Card(got.Card.ID).Office; office != tt.office {
				t.Errorf("office: got %q (%s), want %q", office, got.Card.ID, tt.office)
			}
			if got.Section == nil || headingAspect(schede.Fold(got.Section.Heading)) != AspectContacts {
				t.Errorf("section: got %+v, want the Contatti section", got.Section)
			}
		})
	}

	t.Run("the comune as a whole, without a directory: the URP", func(t *testing.T) {
		for _, q := range []string{"il comune è aperto il sabato?", "pec del comune", "a che ora apre il comune il pomeriggio"} {
			got, err := a.Ask(context.Background(), q, Context{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Decision != DecisionAnswer || got.Card == nil || got.Card.ID != "urp-orari-contatti" {
				t.Errorf("%q: got %s %v %v, want the URP's card", q, got.Decision, got.Card, got.Options)
			}
		}
	})

	t.Run("the mayor, where the URP's card never mentions him", func(t *testing.T) {
		got, err := a.Ask(context.Background(), "voglio parlare col sindaco", Context{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Decision == DecisionAnswer {
			t.Errorf("got an answer from %v, want none: no card says how to meet the mayor", got.Card)
		}
	})

	t.Run("two offices of one name are offered", func(t *testing.T) {
		got, err := a.Ask(context.Background(), "dove si trova la polizia locale", Context{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Decision != DecisionClarify || len(got.Options) != 2 {
			t.Fatalf("got %s %v, want a choice of the two Polizia Locale offices", got.Decision, got.Options)
		}
		for _, o := range got.Options {
			if office := set.Card(o.ID).Office; !strings.HasPrefix(office, "Polizia Locale") {
				t.Errorf("option %s is of %q", o.ID, office)
			}
			// The citizen's pick is answered from its Contatti.
			picked, err := a.FromCard(context.Background(), o.ID, "dove si trova la polizia locale", Context{})
			if err != nil {
				t.Fatal(err)
			}
			if picked.Section == nil || headingAspect(schede.Fold(picked.Section.Heading)) != AspectContacts {
				t.Errorf("picking %s: got section %+v, want its Contatti", o.ID, picked.Section)
			}
		}
	})
}

func TestOfficeQuestionsUseTheDirectoryAndOnlyTheOfficeName(t *testing.T) {
	card := func(id, title, office, contacts string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\nid: " + id + "\ntitolo: " + title + "\nufficio: " + office +
			"\n---\n\n" + title + ".\n\n## Come fare\n\nSi presenta la domanda allo sportello.\n\n## Contatti\n\n" + contacts + "\n")}
	}
	fsys := fstest.MapFS{
		"strade.md":      card("manutenzione-strade", "Manutenzione delle strade", "Ufficio tecnico - Lavori pubblici", "Ufficio tecnico, via Roma 3, telefono 0123 456 100, lunedì 9-12."),
		"sepolture.md":   card("sepolture", "Sepolture e loculi", "Ufficio servizi cimiteriali", "Ufficio cimiteri, piazza Verdi 1, telefono 0123 456 200."),
		"residenza.md":   card("residenza", "Cambio di residenza", "Ufficio anagrafe", "Anagrafe, piazza Verdi 1, telefono 0123 456 300, dal lunedì al sabato 8:30-12:30."),
		"contatti.md":    card("urp", "URP, orari e contatti degli uffici", "URP", "URP, piazza Verdi 1, telefono 0123 456 000, PEC comune@pec.example.it.\n\nUfficio tecnico: telefono 0123 456 100.\n\nUfficio cimiteri: telefono 0123 456 200.\n\nIl sindaco riceve il martedì su appuntamento.\n\nReclami e suggerimenti si consegnano all'URP, che risponde entro 30 giorni."),
		"nido.md":        card("nido", "Iscrizione al nido", "Servizi educativi", "Servizi educativi, telefono 0123 456 400."),
		"_sinonimi.yaml": {Data: []byte("- [cimitero, cimiteri, camposanto]\n")},
	}
	set, problems, err := schede.NewLoader(fsys).Load()
	if err != nil || schede.HasErrors(problems) {
		t.Fatal(err, problems)
	}
	a := New(Options{})
	if err := a.Load(set); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, question string
		want           string // the card answered; "" when no office answer is due
	}{
		{"the directory names the office", "numero di telefono dell'ufficio tecnico", "urp"},
		{"the directory does not name it", "orari anagrafe", "residenza"},
		{"the comune as a whole", "il comune è aperto il sabato?", "urp"},
		{"the comune's certified email", "pec del comune", "urp"},
		{"a word besides the office's name", "ci sono concorsi aperti per lavorare in comune", ""},
		{"no word of how to reach it", "ufficio anagrafe", ""},
		{"a complaint about the service", "voglio fare un reclamo per come mi hanno trattato allo sportello", "urp"},
		{"the mayor", "come faccio a parlare col sindaco", "urp"},
		{"the certified email", "mi date la pec del comune per mandare un documento", "urp"},
		{"a complaint about a service", "reclamo per la tari sbagliata", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := a.Ask(context.Background(), tt.question, Context{})
			if err != nil {
				t.Fatal(err)
			}
			office := got.Confidence == officeConfidence && got.Aspect == AspectContacts
			switch {
			case tt.want == "" && office:
				t.Errorf("got an office answer (%s %v), want none", got.Decision, got.Card)
			case tt.want != "" && (got.Decision != DecisionAnswer || got.Card == nil || got.Card.ID != tt.want):
				t.Errorf("got %s %v %v, want the Contatti of %s", got.Decision, got.Card, got.Options, tt.want)
			}
		})
	}
}
