package assistant

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sportello/sportello/demo"
	"github.com/sportello/sportello/schede"
)

// bankSources are the comuni whose cards and questions make the bank.
var bankSources = append([]string{"demo"}, otherComuni...)

// buildBankJSON makes bank.json from the demo comune and the comuni in
// testdata: each card with its own example questions and those of the
// comune's question set that it answers.
func buildBankJSON(t *testing.T) []byte {
	t.Helper()
	var out []*bankCard
	for _, src := range bankSources {
		var folder fs.FS
		var tsv []byte
		if src == "demo" {
			folder, tsv = demo.Schede(), demo.Domande
		} else {
			folder = os.DirFS("testdata/" + src + "/schede")
			b, err := os.ReadFile("testdata/" + src + "/domande.tsv")
			if err != nil {
				t.Fatal(err)
			}
			tsv = b
		}
		set, problems, err := schede.NewLoader(folder).Load()
		if err != nil || schede.HasErrors(problems) {
			t.Fatalf("%s: %v %v", src, err, problems)
		}
		qs, errs := ReadQuestions(bytes.NewReader(tsv), src+"/domande.tsv")
		if len(errs) > 0 {
			t.Fatalf("%s: %v", src, errs)
		}
		asked := map[string][]string{}
		var none []string
		for _, q := range qs {
			if !q.InScope() {
				none = append(none, q.Text)
			}
			for _, e := range q.Expected {
				asked[e] = append(asked[e], q.Text)
			}
		}
		cards := set.Published()
		slices.SortFunc(cards, func(a, b *schede.Card) int { return strings.Compare(a.ID, b.ID) })
		for _, c := range cards {
			questions := append(slices.Clone(c.Questions), asked[c.ID]...)
			if len(questions) == 0 {
				continue
			}
			out = append(out, &bankCard{Source: src, ID: c.ID, Title: c.Title, Description: c.Description,
				Synonyms: c.Synonyms, Questions: questions})
		}
		if len(none) > 0 {
			out = append(out, &bankCard{Source: src, Questions: none, OutOfScope: true})
		}
	}
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// TestBankIsCurrent keeps bank.json in step with the question sets it
// is made of. UPDATE_BANK=1 rewrites it.
func TestBankIsCurrent(t *testing.T) {
	got := buildBankJSON(t)
	if os.Getenv("UPDATE_BANK") != "" {
		if err := os.WriteFile("bank.json", got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(got, bankJSON) {
		t.Fatal("bank.json is stale: run UPDATE_BANK=1 go test ./assistant -run TestBankIsCurrent")
	}
}

// miniSet is a comune of two cards whose staff wrote little.
func miniSet(t *testing.T) *schede.Set {
	t.Helper()
	folder := fstest.MapFS{
		"tari.md":    {Data: []byte("---\ntitolo: TARI - tassa sui rifiuti\ndescrizione: La tassa comunale sui rifiuti urbani.\n---\n\nLa TARI si versa in due rate.\n\n## Quanto costa\n\nLa tariffa dipende dai metri quadri e dalle persone del nucleo.\n")},
		"giostre.md": {Data: []byte("---\ntitolo: Spettacolo viaggiante\ndescrizione: Concessione delle aree per le giostre.\n---\n\nLe giostre si installano nell'area fiere.\n\n## Come fare\n\nSi presenta istanza al SUAP.\n")},
	}
	set, problems, err := schede.NewLoader(folder).Load()
	if err != nil || schede.HasErrors(problems) {
		t.Fatalf("%v %v", err, problems)
	}
	return set
}

func TestBankMatchesTheSameServiceOnly(t *testing.T) {
	a := New(Options{})
	cards := miniSet(t).Published()
	got, _, _ := a.bank.match(a.analyzer, cards)
	for i, c := range cards {
		switch c.ID {
		case "tari":
			if len(got[i]) < 10 {
				t.Errorf("the TARI card got %d questions of other comuni, want many", len(got[i]))
			}
		case "giostre":
			if len(got[i]) != 0 {
				t.Errorf("a service no comune of the bank has got %d questions: %q", len(got[i]), got[i])
			}
		}
	}
}

func TestBankFindsWordsTheStaffNeverWrote(t *testing.T) {
	// The TARI card never says "bollettino"; citizens of other comuni
	// asked about their TARI with it.
	q := "non mi è arrivato il bollettino"
	for _, tt := range []struct {
		name   string
		noBank bool
		want   string
	}{
		{"with the bank", false, "tari"},
		{"without the bank", true, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := New(Options{NoBank: tt.noBank})
			if err := a.Load(miniSet(t)); err != nil {
				t.Fatal(err)
			}
			ans, err := a.Ask(context.Background(), q, Context{})
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if len(ans.Ranked) > 0 {
				got = ans.Ranked[0].CardID
			}
			if got != tt.want {
				t.Errorf("got %q first, want %q", got, tt.want)
			}
		})
	}
}

func TestBankLeavesOutTheComuneItself(t *testing.T) {
	a := New(Options{NoBank: true})
	cards := miniSet(t).Published()
	var tari *schede.Card
	for _, c := range cards {
		if c.ID == "tari" {
			tari = c
		}
	}
	// "self" is this very comune (its cards, same id and title), asking
	// with "zebra"; "other" is another comune asking with "giraffa".
	bank := &questionBank{}
	for _, bc := range []*bankCard{
		{Source: "self", ID: "tari", Title: tari.Title, Questions: []string{"zebra tari", "zebra rifiuti"}},
		{Source: "self", ID: "giostre", Title: "Spettacolo viaggiante", Questions: []string{"giostre"}},
		{Source: "other", ID: "tassa-rifiuti", Title: "Tassa sui rifiuti (TARI)", Questions: []string{"giraffa tari", "giraffa rifiuti"}},
		{Source: "self", Questions: []string{"zebra passaporto"}, OutOfScope: true},
		{Source: "other", Questions: []string{"giraffa passaporto"}, OutOfScope: true},
	} {
		bc.vec = nameVector(a.analyzer, bc.Title, bc.Description, bc.Synonyms)
		bank.cards = append(bank.cards, bc)
	}
	got, _, none := bank.match(a.analyzer, cards)
	all := strings.Join(none, " ") + " "
	for _, qs := range got {
		all += strings.Join(qs, " ") + " "
	}
	if !slices.Equal(none, []string{"giraffa passaporto"}) {
		t.Errorf("questions asked of no card: got %q, want another comune's only", none)
	}
	if strings.Contains(all, "zebra") {
		t.Errorf("the comune's own questions were used for it: %q", all)
	}
	if !strings.Contains(all, "giraffa") {
		t.Errorf("another comune's questions were not used: %q", all)
	}
}

func TestEverydaySpeechIsNotMisspelling(t *testing.T) {
	// "soldi" and "moglie" are one letter from "saldo" and "meglio",
	// words of the demo's schede; citizens of many comuni wrote them, so
	// they are words, not typos. "residensa" is a typo all the same.
	a, _ := demoAssistant(t)
	ix := a.cur.Load()
	tests := []struct {
		word, notInto string
		corrected     bool
	}{
		{"soldi", "sald", false},
		{"moglie", "megl", false},
		{"residensa", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			terms := a.terms(ix, a.analyzer.Words(tt.word))
			if len(terms) != 1 {
				t.Fatalf("got %d terms", len(terms))
			}
			var alts []string
			for _, al := range terms[0].alts {
				alts = append(alts, al.stems...)
			}
			if tt.notInto != "" && slices.Contains(alts, tt.notInto) {
				t.Errorf("%s was corrected into %s: %v", tt.word, tt.notInto, alts)
			}
			if got := terms[0].spoken; got == tt.corrected {
				t.Errorf("spoken %v, want %v (alternatives %v)", got, !tt.corrected, alts)
			}
		})
	}
}
