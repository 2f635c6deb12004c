package assistant

import (
	"context"
	"fmt"
	"math/rand"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/schede"
)

// synthWords makes a vocabulary of n pseudo-Italian words from syllables,
// so a generated knowledge base has as many distinct words as a real one.
func synthWords(r *rand.Rand, n int) []string {
	syl := strings.Fields("ca ri to la ne mi so pa re di ta vo lu ce ga te po si na mo fi zio ne spe ran tri bu sto gli cia ra scu pri ma ve")
	ends := strings.Fields("a e i o zione mento ore ale ità are ente")
	seen := map[string]bool{}
	out := make([]string, 0, n)
	for len(out) < n {
		var b strings.Builder
		for k := 2 + r.Intn(3); k > 0; k-- {
			b.WriteString(syl[r.Intn(len(syl))])
		}
		b.WriteString(ends[r.Intn(len(ends))])
		if w := b.String(); !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

var synthHeadings = []string{"A chi è rivolto", "Descrizione", "Come fare", "Cosa serve", "Tempi e scadenze", "Quanto costa", "Contatti"}

// synthSet generates n published cards with seven sections of about 60
// words each, Zipf-distributed over a 30,000-word vocabulary.
func synthSet(n int) *schede.Set {
	r := rand.New(rand.NewSource(1))
	vocab := synthWords(r, 30000)
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(vocab)-1))
	words := func(k int) string {
		ws := make([]string, k)
		for i := range ws {
			ws[i] = vocab[zipf.Uint64()]
		}
		return strings.Join(ws, " ")
	}
	cards := make([]*schede.Card, n)
	for i := range cards {
		c := &schede.Card{
			ID:        fmt.Sprintf("scheda-%04d", i),
			Title:     words(4),
			Synonyms:  []string{words(1), words(2), words(1)},
			Questions: []string{"come " + words(4) + "?", "quanto costa " + words(3) + "?"},
			Summary:   words(25),
			Status:    schede.Published,
		}
		for _, h := range synthHeadings {
			c.Sections = append(c.Sections, schede.Section{Heading: h, Slug: h, Text: words(60), HTML: "<p>x</p>"})
		}
		cards[i] = c
	}
	return schede.NewSet(cards, nil)
}

// synthQuestions takes words from random cards' titles and bodies, with a
// typo in some, and adds the fillers citizens use.
func synthQuestions(set *schede.Set, n int) []string {
	r := rand.New(rand.NewSource(2))
	qs := make([]string, n)
	for i := range qs {
		c := set.Cards[r.Intn(len(set.Cards))]
		tw := strings.Fields(c.Title)
		bw := strings.Fields(c.Sections[r.Intn(len(c.Sections))].Text)
		q := []string{"buongiorno volevo sapere come fare per", tw[r.Intn(len(tw))], bw[r.Intn(len(bw))], tw[r.Intn(len(tw))]}
		if r.Intn(3) == 0 {
			w := []rune(q[1])
			if len(w) > 4 {
				w[2], w[3] = w[3], w[2]
				q[1] = string(w)
			}
		}
		qs[i] = strings.Join(q, " ") + "?"
	}
	return qs
}

func benchAsk(b *testing.B, a *Assistant, qs []string) {
	ctx := context.Background()
	durs := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := a.Ask(ctx, qs[i%len(qs)], Context{}); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(durs, func(i, j int) bool { return durs[i] < durs[j] })
	b.ReportMetric(float64(durs[len(durs)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(durs[len(durs)*99/100].Microseconds()), "p99-µs")
}

func BenchmarkAskDemo(b *testing.B) {
	a, qs := demoAssistant(b)
	texts := make([]string, len(qs))
	for i, q := range qs {
		texts[i] = q.Text
	}
	benchAsk(b, a, texts)
}

func BenchmarkAsk1000Schede(b *testing.B) {
	set := synthSet(1000)
	a := New(Options{})
	if err := a.Load(set); err != nil {
		b.Fatal(err)
	}
	benchAsk(b, a, synthQuestions(set, 2000))
	reportHeap(b)
	runtime.KeepAlive(a)
}

func BenchmarkBuildIndex1000Schede(b *testing.B) {
	set := synthSet(1000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := New(Options{}) // a cold stem cache, as at start-up
		ix, err := buildIndex(a.analyzer, set, a.bank)
		if err != nil {
			b.Fatal(err)
		}
		ix.bleve.Close()
	}
}

// reportHeap reports the live heap with the index loaded.
func reportHeap(b *testing.B) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
}
