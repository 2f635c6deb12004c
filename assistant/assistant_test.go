package assistant

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sportello/sportello"
	"github.com/sportello/sportello/demo"
	"github.com/sportello/sportello/schede"
)

func demoSet(tb testing.TB) *schede.Set {
	tb.Helper()
	set, problems, err := schede.NewLoader(demo.Schede()).Load()
	if err != nil {
		tb.Fatal(err)
	}
	if schede.HasErrors(problems) {
		tb.Fatalf("demo schede have errors: %v", problems)
	}
	return set
}

func demoAssistant(tb testing.TB) (*Assistant, []Question) {
	tb.Helper()
	a := New(Options{Comune: demo.Comune})
	if err := a.Load(demoSet(tb)); err != nil {
		tb.Fatal(err)
	}
	qs, errs := ReadQuestions(bytes.NewReader(demo.Domande), "domande.tsv")
	if len(errs) > 0 {
		tb.Fatalf("question file: %v", errs)
	}
	return a, qs
}

// TestDemoQuestionSetMeetsTheBar keeps answer quality from regressing
// silently: it fails below the bars on the demo question set.
func TestDemoQuestionSetMeetsTheBar(t *testing.T) {
	a, qs := demoAssistant(t)
	if len(qs) < 300 {
		t.Fatalf("question set has %d questions, want at least 300", len(qs))
	}
	rep, err := Evaluate(context.Background(), a, qs)
	if err != nil {
		t.Fatal(err)
	}
	in, all, out := float64(rep.InScope), float64(rep.Total), float64(rep.OutOfScope)
	bars := []struct {
		name string
		got  float64
		ok   func(float64) bool
		bar  string
	}{
		{"in-scope answered right", float64(rep.AnsweredRight) / in, func(v float64) bool { return v >= 0.85 }, ">= 0.85"},
		{"in-scope answered or clarified right", float64(rep.AnsweredRight+rep.ClarifiedRight) / in, func(v float64) bool { return v >= 0.92 }, ">= 0.92"},
		{"answered wrong, of all", float64(rep.AnsweredWrong) / all, func(v float64) bool { return v <= 0.02 }, "<= 0.02"},
		{"out-of-scope handed off", float64(rep.HandoffRight) / out, func(v float64) bool { return v >= 0.90 }, ">= 0.90"},
	}
	for _, b := range bars {
		t.Logf("%s: %.3f (bar %s)", b.name, b.got, b.bar)
		if !b.ok(b.got) {
			t.Errorf("%s: %.3f, bar %s", b.name, b.got, b.bar)
		}
	}
	if t.Failed() {
		for _, r := range rep.Results {
			if !r.Right {
				t.Logf("%-8s got %-26s %v want %-26s %.2f %s", r.Outcome, r.Scheda, r.Options, r.Expected, r.Confidence, r.Question)
			}
		}
	}
}

// TestOtherComuni guards generalisation on comuni written apart from the
// demo, each by its own author who never saw the assistant at work:
// Montebello (terse, five cards without sinonimi or domande), San Vito al
// Lago (terser still, fifteen cards without them), Castelrosso (long
// bureaucratic cards, fourteen without them, near-miss questions),
// Pietrafonda (a coastal town, fifteen of twenty-five cards without
// them), Valdorso (a hill town, plain and legal cards, topics the demo
// does not have), Roccalba (a mountain town: firewood, snow, mushrooms),
// Fontebruna (a town of 45,000, formal cards, foreign residents),
// Torrebianca (a southern farming town, emigrants abroad), Vallenera (a
// northern industrial town, floods, foreign workers), Pratolungo (a
// plain town: theatre, truffles, the elderly), Castelmare (a Sicilian
// seaside town: beaches, moorings, tourist tax), Altavilla (a city of
// 90,000, formal cards: social housing, building permits, museums) and
// Nuraxi (an inland Sardinian town: grazing rights, cork, the Sardinian
// language desk), Monteverde (rebuilt after an earthquake) and
// Sassoleone (a suburb of a big city: dumping, parking, associations),
// Lagorosso (a Piedmont lake town: spa, moorings, mosquitoes) and
// Terranova (a Calabrian town: seasonal workers, citrus, young people
// coming back), Borgolino (a Veneto town of small factories and foreign
// families), Rocca Saracena (an inland Sicilian town: emigrants, houses
// for one euro, water by turns), Pianezza Alta (a Piedmont ski village:
// wood and pasture rights, snow, tourist tax) and Castel Sereno (an
// Emilian university city: students, bikes, online services),
// Borgonuovo Brianteo (a Lombard commuter town), Castelfiore d'Abruzzo
// (sheep, transhumance, an earthquake), Casalbianco (a Salento town:
// xylella, masserie, the taranta) and Punta Olivella (a Ligurian
// village on terraces: landslides, moorings, trails).
// Each was measured once, with the engine as it stood, before it joined
// the fit of the confidence model and the question bank (README,
// Quality); each is answered here with the bank of the others. The floors
// record where the assistant stands, so a change that loses ground on a
// comune it was not written for fails.
//
// Four more are kept out of the bank and the fit (they are not in
// otherComuni): Serralonga Irpina (an Irpinian hill town: emigrants,
// earthquake grants, chestnut woods), Rivadolce del Garda (a lake town:
// tourist tax, moorings, short lets), Campodoro (a Veneto industrial
// town: SUAP, foreign workers, bikes) and Scoglitti Marina (a Sicilian
// coastal town: greenhouses, water by tanker, the fishing port), and,
// written later, Borgo Tresana (a Tuscan hill town: wine, the palio,
// wild boars, foreign owners), Valfredda (an Alpine village: avalanches,
// malghe, the comune's power plant), Montecalvo Ionico (a Calabrian
// coastal town: Arbëreshë, emigrants, wildfires, refugees) and Porto
// Vescovo (an Adriatic port city: the fish market, students, the ZTL),
// and, written later still, Borgo Carsico (a Karst village on the
// Slovenian border: osmize, bora, the 1976 earthquake), Colleverde
// Laziale (a Castelli Romani commuter town: condono, the grape festival),
// Marina di Sorbello (a Campanian coast town: ferries, landslides, lemon
// terraces) and Corte Padana (a Po valley farming town: floods,
// mosquitoes, manure, Sikh workers), and last Roccanera Lucana (a
// Basilicata village: the oil-royalty fuel bonus, wolves, water by
// tanker), Prato all'Isarco (a bilingual South Tyrol village: a third of
// its questions in German), Montefalcone Umbro (olive mills, the 2016
// earthquake, pilgrims, truffles) and Sant'Elia a Mare (a Molise coast
// town: beaches, dunes, the Croatian-speaking minority), and after them
// Valbruna Ossolana (an Ossola mountain village: firewood, pastures,
// snow, ski passes, a Walser desk), Capo Ferrino (a Calabrian coast town:
// lidos, the small port, water shortages, emigrants), Borgo San Lauro (a
// Treviso industrial town: foreign workers, SUAP, bike incentives) and
// Acquaviva Termale (an Emilian spa town: tourist tax, the elderly,
// cremation).
// Their figures here are held-out figures, for as long as they stay out.
func TestOtherComuni(t *testing.T) {
	tests := []struct {
		name                 string
		right, clarified, ho float64
		wrong, top1          float64
	}{
		{name: "montebello", right: 0.81, clarified: 0.97, wrong: 0.02, ho: 0.96, top1: 0.99},
		{name: "sanvito", right: 0.71, clarified: 0.90, wrong: 0.02, ho: 0.94, top1: 0.93},
		{name: "castelrosso", right: 0.66, clarified: 0.92, wrong: 0.02, ho: 0.93, top1: 0.91},
		{name: "pietrafonda", right: 0.57, clarified: 0.87, wrong: 0.02, ho: 0.98, top1: 0.88},
		{name: "valdorso", right: 0.55, clarified: 0.78, wrong: 0.02, ho: 0.92, top1: 0.84},
		{name: "roccalba", right: 0.57, clarified: 0.87, wrong: 0.02, ho: 0.98, top1: 0.91},
		{name: "fontebruna", right: 0.53, clarified: 0.89, wrong: 0.02, ho: 0.96, top1: 0.93},
		{name: "torrebianca", right: 0.52, clarified: 0.81, wrong: 0.02, ho: 0.99, top1: 0.92},
		{name: "vallenera", right: 0.53, clarified: 0.89, wrong: 0.02, ho: 0.94, top1: 0.89},
		{name: "pratolungo", right: 0.63, clarified: 0.89, wrong: 0.02, ho: 0.99, top1: 0.88},
		{name: "castelmare", right: 0.50, clarified: 0.83, wrong: 0.02, ho: 0.98, top1: 0.90},
		{name: "altavilla", right: 0.44, clarified: 0.82, wrong: 0.02, ho: 0.99, top1: 0.87},
		{name: "monteverde", right: 0.44, clarified: 0.92, wrong: 0.02, ho: 0.92, top1: 0.93},
		{name: "sassoleone", right: 0.42, clarified: 0.86, wrong: 0.02, ho: 0.98, top1: 0.86},
		{name: "lagorosso", right: 0.51, clarified: 0.84, wrong: 0.02, ho: 0.92, top1: 0.92},
		{name: "terranova", right: 0.44, clarified: 0.80, wrong: 0.02, ho: 0.92, top1: 0.92},
		{name: "borgolino", right: 0.42, clarified: 0.82, wrong: 0.02, ho: 0.98, top1: 0.87},
		{name: "roccasaracena", right: 0.39, clarified: 0.73, wrong: 0.02, ho: 0.98, top1: 0.77},
		{name: "pianezzalta", right: 0.38, clarified: 0.76, wrong: 0.02, ho: 0.98, top1: 0.83},
		{name: "castelsereno", right: 0.39, clarified: 0.79, wrong: 0.02, ho: 0.98, top1: 0.79},
		{name: "borgonuovo", right: 0.42, clarified: 0.82, wrong: 0.02, ho: 0.98, top1: 0.81},
		{name: "castelfiore", right: 0.39, clarified: 0.86, wrong: 0.02, ho: 0.96, top1: 0.80},
		{name: "casalbianco", right: 0.44, clarified: 0.79, wrong: 0.02, ho: 0.96, top1: 0.83},
		{name: "puntaolivella", right: 0.44, clarified: 0.82, wrong: 0.02, ho: 0.92, top1: 0.81},
		{name: "serralonga", right: 0.44, clarified: 0.84, wrong: 0.02, ho: 0.94, top1: 0.83},
		{name: "rivadolce", right: 0.47, clarified: 0.87, wrong: 0.02, ho: 0.94, top1: 0.82},
		{name: "campodoro", right: 0.44, clarified: 0.81, wrong: 0.02, ho: 0.99, top1: 0.79},
		{name: "scoglitti", right: 0.59, clarified: 0.86, wrong: 0.02, ho: 0.96, top1: 0.84},
		{name: "nuraxi", right: 0.40, clarified: 0.78, wrong: 0.02, ho: 0.98, top1: 0.84},
		{name: "tresana", right: 0.47, clarified: 0.82, wrong: 0.02, ho: 0.90, top1: 0.87},
		{name: "valfredda", right: 0.44, clarified: 0.79, wrong: 0.02, ho: 0.96, top1: 0.86},
		{name: "montecalvo", right: 0.46, clarified: 0.80, wrong: 0.02, ho: 0.99, top1: 0.85},
		{name: "portovescovo", right: 0.51, clarified: 0.80, wrong: 0.02, ho: 0.94, top1: 0.80},
		{name: "borgocarsico", right: 0.49, clarified: 0.83, wrong: 0.02, ho: 0.89, top1: 0.89},
		{name: "colleverde", right: 0.47, clarified: 0.83, wrong: 0.02, ho: 0.98, top1: 0.86},
		// Marina di Sorbello gets 4 wrong answers of 175 (2.29%), over the
		// bar, as measured held out: its ceiling records that.
		{name: "sorbello", right: 0.37, clarified: 0.77, wrong: 0.023, ho: 0.86, top1: 0.80},
		{name: "cortepadana", right: 0.39, clarified: 0.80, wrong: 0.02, ho: 0.98, top1: 0.86},
		{name: "roccanera", right: 0.39, clarified: 0.70, wrong: 0.02, ho: 0.90, top1: 0.81},
		{name: "prato", right: 0.23, clarified: 0.64, wrong: 0.02, ho: 0.96, top1: 0.82},
		{name: "montefalcone", right: 0.46, clarified: 0.81, wrong: 0.02, ho: 0.88, top1: 0.86},
		{name: "santelia", right: 0.46, clarified: 0.82, wrong: 0.02, ho: 0.94, top1: 0.78},
		{name: "valbruna", right: 0.44, clarified: 0.78, wrong: 0.02, ho: 0.98, top1: 0.86},
		{name: "capoferrino", right: 0.49, clarified: 0.86, wrong: 0.02, ho: 0.92, top1: 0.83},
		{name: "borgolauro", right: 0.43, clarified: 0.81, wrong: 0.02, ho: 0.98, top1: 0.83},
		{name: "acquaviva", right: 0.56, clarified: 0.92, wrong: 0.02, ho: 0.98, top1: 0.86},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := "testdata/" + tt.name
			set, problems, err := schede.NewLoader(os.DirFS(dir + "/schede")).Load()
			if err != nil || schede.HasErrors(problems) {
				t.Fatalf("%s schede: %v %v", tt.name, err, problems)
			}
			a := New(Options{})
			if err := a.Load(set); err != nil {
				t.Fatal(err)
			}
			src, _ := os.ReadFile(dir + "/domande.tsv")
			qs, errs := ReadQuestions(bytes.NewReader(src), "domande.tsv")
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			rep, err := Evaluate(context.Background(), a, qs)
			if err != nil {
				t.Fatal(err)
			}
			in, all, out := float64(rep.InScope), float64(rep.Total), float64(rep.OutOfScope)
			right, wrong, ho := float64(rep.AnsweredRight)/in, float64(rep.AnsweredWrong)/all, float64(rep.HandoffRight)/out
			t.Logf("answered right %.3f, +clarified %.3f, wrong %.3f, out of scope handed off %.3f, top1 %.3f",
				right, float64(rep.AnsweredRight+rep.ClarifiedRight)/in, wrong, ho, rep.Top1)
			clarified := float64(rep.AnsweredRight+rep.ClarifiedRight) / in
			if right < tt.right || clarified < tt.clarified || wrong > tt.wrong || ho < tt.ho || rep.Top1 < tt.top1 {
				t.Errorf("regressed: answered right %.3f (floor %.2f), +clarified %.3f (floor %.2f), wrong %.3f (ceiling %.3f), handed off %.3f (floor %.2f), top1 %.3f (floor %.2f)",
					right, tt.right, clarified, tt.clarified, wrong, tt.wrong, ho, tt.ho, rep.Top1, tt.top1)
			}
		})
	}
}

func TestAskDecisions(t *testing.T) {
	a, _ := demoAssistant(t)
	tests := []struct {
		name     string
		question string
		ctx      Context
		decision Decision
		reason   Reason
		card     string // for answers
		aspect   Aspect
	}{
		{"greeting", "Buongiorno!", Context{}, DecisionSmallTalk, "", "", ""},
		{"thanks", "grazie mille, gentilissimi", Context{}, DecisionSmallTalk, "", "", ""},
		{"goodbye", "arrivederci", Context{}, DecisionSmallTalk, "", "", ""},
		{"asks for an operator", "voglio parlare con un operatore", Context{}, DecisionHandoff, ReasonAskedPerson, "", ""},
		{"asks for a real person", "mi passi una persona vera per favore", Context{}, DecisionHandoff, ReasonAskedPerson, "", ""},
		{"out of scope: passport", "come faccio a rinnovare il passaporto?", Context{}, DecisionHandoff, "", "", ""},
		{"out of scope: bus", "a che ora passa il 23 per firenze", Context{}, DecisionHandoff, "", "", ""},
		{"gibberish", "asdfgh qwerty", Context{}, DecisionHandoff, "", "", ""},
		{"only emoji", "😀😀 ???", Context{}, DecisionHandoff, ReasonNotUnderstood, "", ""},
		{"typo tarri", "come si paga la tarri", Context{}, DecisionAnswer, "", "tari-pagamento", ""},
		{"typo carabile", "passo carabile", Context{}, DecisionAnswer, "", "passo-carrabile", ""},
		{"typo residensa", "come faccio il cambio di residensa?", Context{}, DecisionAnswer, "", "cambio-residenza", ""},
		{"no accents", "quanto costa la carta di identita", Context{}, DecisionAnswer, "", "carta-identita-elettronica", AspectCost},
		{"follow-up cost", "e quanto costa?", Context{CardID: "carta-identita-elettronica"}, DecisionAnswer, "", "carta-identita-elettronica", AspectCost},
		{"follow-up documents", "che documenti servono?", Context{CardID: "cambio-residenza"}, DecisionAnswer, "", "cambio-residenza", AspectDocuments},
		{"follow-up deadline", "fino a quando?", Context{CardID: "albo-scrutatori"}, DecisionAnswer, "", "albo-scrutatori", AspectTime},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := a.Ask(context.Background(), tt.question, tt.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got.Decision != tt.decision {
				t.Fatalf("decision: got %s (%+v), want %s", got.Decision, got.Card, tt.decision)
			}
			if tt.reason != "" && got.Reason != tt.reason {
				t.Errorf("reason: got %s, want %s", got.Reason, tt.reason)
			}
			if tt.card != "" && (got.Card == nil || got.Card.ID != tt.card) {
				t.Errorf("card: got %+v, want %s", got.Card, tt.card)
			}
			if tt.aspect != "" {
				if got.Section == nil || headingAspect(schede.Fold(got.Section.Heading)) != tt.aspect {
					t.Errorf("section: got %+v, want aspect %s", got.Section, tt.aspect)
				}
			}
			if got.Confidence < 0 || got.Confidence > 1 {
				t.Errorf("confidence %v out of [0,1]", got.Confidence)
			}
			if got.Text == "" {
				t.Error("empty reply text")
			}
		})
	}
}

func TestAskClarifiesAmbiguousQuestions(t *testing.T) {
	a, _ := demoAssistant(t)
	got, err := a.Ask(context.Background(), "tari", Context{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Decision != DecisionClarify || len(got.Options) < 2 || len(got.Options) > 3 {
		t.Fatalf("got %s with %d options, want clarify with 2-3", got.Decision, len(got.Options))
	}
	for _, o := range got.Options {
		if !strings.HasPrefix(o.ID, "tari-") {
			t.Errorf("option %s is not a TARI card", o.ID)
		}
	}
}

func TestAskBadInput(t *testing.T) {
	a, _ := demoAssistant(t)
	tests := []struct {
		name     string
		question string
		invalid  bool
	}{
		{"empty", "", true},
		{"whitespace only", " \t\n ", true},
		{"100 KB", strings.Repeat("tassa rifiuti ", 8000), false},
		{"invalid utf-8", "tari \xff\xfe pagamento", false},
		{"punctuation only", "?!?!...", false},
		{"sql injection", "'; DROP TABLE schede; --", false},
		{"html injection", `<img src=x onerror=alert(1)>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := a.Ask(context.Background(), tt.question, Context{})
			if tt.invalid {
				if sportello.ErrorCode(err) != sportello.EINVALID {
					t.Fatalf("got err %v, want invalid", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Decision == DecisionAnswer && strings.Contains(tt.question, "<img") {
				t.Errorf("answered an injection string with %s", got.Card.ID)
			}
		})
	}
}

// TestAskWhileReloading runs questions while the index is rebuilt; the
// race detector checks the swap.
func TestAskWhileReloading(t *testing.T) {
	a, qs := demoAssistant(t)
	set := demoSet(t)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				if _, err := a.Ask(context.Background(), qs[(g*40+i)%len(qs)].Text, Context{}); err != nil {
					t.Error(err)
					return
				}
			}
		}(g)
	}
	for i := 0; i < 3; i++ {
		if err := a.Load(set); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
}

func TestTypoCorrectionLeavesRealWordsAlone(t *testing.T) {
	ti := newTypoIndex(map[string]int{"tar": 3, "carrabil": 2, "resident": 4, "pension": 1, "passaport": 0, "rett": 2, "pass": 2, "pat": 1})
	tests := []struct {
		stem string
		want string
	}{
		{"carabil", "carrabil"},
		{"residens", "resident"},
		{"resident", ""}, // known: never corrected
		{"rettt", "rett"},
		{"tor", ""},      // too short to correct
		{"bollett", ""},  // nothing near
		{"zesident", ""}, // first letter must agree
		{"pas", "pass"},  // a short stem only gets its double letter back
		{"pa", ""},
	}
	for _, tt := range tests {
		got := strings.Join(ti.correct(tt.stem), ",")
		if got != tt.want {
			t.Errorf("correct(%q): got %q, want %q", tt.stem, got, tt.want)
		}
	}
}

func FuzzAsk(f *testing.F) {
	for _, s := range []string{"tari", "e quanto costa?", "\xff", "😀", "voglio un operatore", strings.Repeat("a ", 3000), "l'l'l'l'"} {
		f.Add(s)
	}
	a, _ := demoAssistant(f)
	f.Fuzz(func(t *testing.T, q string) {
		ans, err := a.Ask(context.Background(), q, Context{CardID: "tari-pagamento"})
		if err != nil {
			if sportello.ErrorCode(err) != sportello.EINVALID {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if ans.Decision == DecisionAnswer && (ans.Card == nil || ans.Section == nil && ans.Text == "") {
			t.Fatalf("answer without card or text: %+v", ans)
		}
	})
}

func TestOfficeHoursComeFromTheCalendar(t *testing.T) {
	at := time.Date(2026, 11, 28, 21, 0, 0, 0, time.UTC)
	var asked time.Time
	a := New(Options{Hours: func(t time.Time) string { asked = t; return "Gli operatori rispondono dal lunedì al sabato." }, Now: func() time.Time { return at }})
	if err := a.Load(demoSet(t)); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"siete aperti sabato?", "A che ora aprite domani?", "ci sono operatori oggi?"} {
		got, err := a.Ask(context.Background(), q, Context{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Intent != IntentHours || got.Text != "Gli operatori rispondono dal lunedì al sabato." || !asked.Equal(at) {
			t.Errorf("%q: got %s/%s %q", q, got.Decision, got.Intent, got.Text)
		}
	}
	got, _ := a.Ask(context.Background(), "a che ora apre l'ufficio anagrafe?", Context{})
	if got.Intent == IntentHours {
		t.Errorf("a question about an office's hours was answered from the operators' calendar")
	}
}

func TestWordFamilies(t *testing.T) {
	ti := newTypoIndex(map[string]int{"compostagg": 2, "compost": 1, "carrabil": 3})
	tests := []struct{ stem, want string }{
		{"compostier", "compostagg"}, // compostiera ~ compostaggio
		{"carraio", ""},              // shares only five letters
		{"compo", ""},                // too short to say
	}
	for _, tt := range tests {
		if got := ti.family(tt.stem); got != tt.want {
			t.Errorf("family(%q): got %q, want %q", tt.stem, got, tt.want)
		}
	}
}

func TestDiminutivesAndSuperlativesFindTheirBase(t *testing.T) {
	ti := newTypoIndex(map[string]int{"barc": 1, "luc": 2, "sacc": 1, "can": 3, "alt": 1, "fogl": 1})
	tests := []struct{ stem, want string }{
		{"barchett", "barc"}, // barchetta
		{"lucin", "luc"},     // lucina
		{"sacchett", "sacc"}, // sacchetti
		{"cagnolin", ""},     // a different root: left to the thesaurus
		{"altissim", "alt"},  // altissima
		{"fogliett", "fogl"}, // foglietto
		{"bin", ""},          // too little left
		{"mattin", ""},       // no known base
	}
	for _, tt := range tests {
		if got := ti.unaltered(tt.stem); got != tt.want {
			t.Errorf("unaltered(%q): got %q, want %q", tt.stem, got, tt.want)
		}
	}
}

func TestJoinedArticlesAreSplitWhenTheWordIsKnown(t *testing.T) {
	a, _ := demoAssistant(t)
	ix := a.cur.Load()
	tests := []struct {
		question string
		want     string // a stem the question must carry
		not      string // one it must not
	}{
		{"dove si fa lanagrafe del cane", "anagraf", "lanagraf"},
		{"quanto si paga allanno di mensa", "anno", "allann"},
		{"il modulo dellaffitto", "affitt", "dellaffitt"},
		// A real word that starts like an article stays whole.
		{"allarme in via roma", "allarm", "arm"},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			var got []string
			for _, tm := range a.terms(ix, a.analyzer.Words(tt.question)) {
				got = append(got, tm.stem)
			}
			if !slices.Contains(got, tt.want) || slices.Contains(got, tt.not) {
				t.Errorf("terms %v, want %q and not %q", got, tt.want, tt.not)
			}
		})
	}
}

func TestSynonymPhrasesAreFoundThroughTypos(t *testing.T) {
	a, _ := demoAssistant(t)
	ix := a.cur.Load()
	// "paso" is "passo" misspelt; "passo carraio" is a name of the
	// passo carrabile.
	for _, tm := range a.terms(ix, a.analyzer.Words("quanto costa il paso carraio")) {
		if tm.stem != "carrai" {
			continue
		}
		for _, al := range tm.alts {
			if slices.Equal(al.stems, []string{"pass", "carrabil"}) {
				return
			}
		}
		t.Fatalf("carraio has no passo carrabile among %v", tm.alts)
	}
	t.Fatal("carraio is not among the terms")
}

func TestEverydayWordsNeitherCountNorGetCorrected(t *testing.T) {
	a, _ := demoAssistant(t)
	ix := a.cur.Load()
	terms := a.terms(ix, a.analyzer.Words("la gente vuole sapere da dove si comincia per sposarsi"))
	var got []string
	for _, tm := range terms {
		got = append(got, tm.stem)
		if tm.stem == "gent" && len(tm.alts) > 0 && tm.alts[0].stems[0] != "gent" {
			t.Errorf("gente was corrected into %v", tm.alts)
		}
	}
	if slices.Contains(got, "cominc") {
		t.Errorf("an everyday word no scheda uses is still part of the question: %v", got)
	}
	if !slices.Contains(got, "spos") {
		t.Errorf("the content word is gone: %v", got)
	}
}

func TestAskSuggestsOneLikelyCard(t *testing.T) {
	a, _ := demoAssistant(t)
	got, err := a.Ask(context.Background(), "ho trovato un cane abbandonato per strada", Context{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Decision != DecisionClarify || len(got.Options) != 1 || got.Options[0].ID != "anagrafe-canina" {
		t.Fatalf("got %s %.2f %+v, want one suggested card (anagrafe-canina)", got.Decision, got.Confidence, got.Options)
	}
	if got.Confidence >= answerThreshold {
		t.Errorf("confidence %.2f would answer, not suggest", got.Confidence)
	}
}

func TestAskDoesNotOfferCardsThatTieOnNothing(t *testing.T) {
	// Cards tie on a word these questions share with them ("vita",
	// "dichiarazione", "perso", "tempo"), but none answers: a person does.
	a, _ := demoAssistant(t)
	for _, q := range []string{"qual e il senso della vita", "come faccio la dichiarazione dei redditi", "ho perso la patente", "che tempo fa domani"} {
		t.Run(q, func(t *testing.T) {
			got, err := a.Ask(context.Background(), q, Context{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Decision != DecisionHandoff {
				t.Errorf("got %s %.2f %v, want handoff", got.Decision, got.Confidence, got.Options)
			}
		})
	}
}

func TestAskOffersNoCardWhenTheQuestionIsAboutNoService(t *testing.T) {
	// The suggestion of TestAskSuggestsOneLikelyCard, with an in-scope
	// model sure that the question is about no service of the comune:
	// a person answers it, and the confidence is kept.
	q := "ho trovato un cane abbandonato per strada"
	a, _ := demoAssistant(t)
	before, err := a.Ask(context.Background(), q, Context{})
	if err != nil {
		t.Fatal(err)
	}
	a.inScope = &boostedTrees{Rate: 1, Trees: [][]treeNode{{{Value: -5}}}}
	got, err := a.Ask(context.Background(), q, Context{})
	if err != nil {
		t.Fatal(err)
	}
	if before.Decision != DecisionClarify || got.Decision != DecisionHandoff || len(got.Options) > 0 {
		t.Errorf("got %s then %s %v, want clarify then handoff", before.Decision, got.Decision, got.Options)
	}
	if got.Confidence != before.Confidence {
		t.Errorf("confidence %.2f, want %.2f as before", got.Confidence, before.Confidence)
	}
}
