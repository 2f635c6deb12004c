package assistant

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/sportello/sportello/demo"
	"github.com/sportello/sportello/schede"
)

// TestCalibrate refits the confidence model on the demo question set:
// CALIBRATE=1 go test ./assistant -run TestCalibrate -v
// It fits on each half (the two independently written sets) and reports
// on the other, then fits on all and prints the weights to paste into
// confidence.go.
func TestCalibrate(t *testing.T) {
	if os.Getenv("CALIBRATE") == "" {
		t.Skip("set CALIBRATE=1 to refit the confidence model")
	}
	a, qs := demoAssistant(t)
	split := bytes.Count(demo.Domande[:bytes.Index(demo.Domande, []byte("# second set"))], []byte("\n")) + 1
	type row struct {
		x   [nFeatures]float64
		y   float64
		set int
	}
	var rows []row
	// collect asks every question and keeps its features, labelled by
	// whether the top card is a right one; set says which set it is from.
	collect := func(a *Assistant, qs []Question, set func(Question) int) {
		for _, q := range qs {
			ans, err := a.Ask(context.Background(), q.Text, Context{})
			if err != nil || len(ans.Ranked) == 0 || ans.Intent != IntentNone {
				continue
			}
			y := 0.0
			if slices.Contains(q.Expected, ans.Ranked[0].CardID) {
				y = 1
			}
			rows = append(rows, row{ans.features, y, set(q)})
		}
	}
	collect(a, qs, func(q Question) int {
		if q.Line > split {
			return 1
		}
		return 0
	})
	// The seven comuni of testdata were written apart, in other styles.
	// Each is answered with the question bank of the others (bank.go
	// leaves a comune's own questions out). EXTRA=schede-dir:questions.tsv
	// [,dir:file...] replaces them.
	extra := os.Getenv("EXTRA")
	if extra == "" {
		for _, c := range []string{"montebello", "sanvito", "castelrosso", "pietrafonda", "valdorso", "roccalba", "fontebruna", "torrebianca", "vallenera"} {
			extra += ",testdata/" + c + "/schede:testdata/" + c + "/domande.tsv"
		}
		extra = extra[1:]
	}
	for _, e := range strings.Split(extra, ",") {
		dir, file, _ := strings.Cut(e, ":")
		set, _, err := schede.NewLoader(os.DirFS(dir)).Load()
		if err != nil {
			t.Fatal(err)
		}
		other := New(Options{})
		if err := other.Load(set); err != nil {
			t.Fatal(err)
		}
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		eqs, _ := ReadQuestions(bytes.NewReader(src), file)
		collect(other, eqs, func(Question) int { return 2 })
	}
	fit := func(use func(row) bool) ([nFeatures]float64, float64) {
		var w [nFeatures]float64
		b := 0.0
		for it := 0; it < 20000; it++ {
			var gw [nFeatures]float64
			gb, n := 0.0, 0.0
			for _, r := range rows {
				if !use(r) {
					continue
				}
				z := b
				for i := range w {
					z += w[i] * r.x[i]
				}
				p := 1 / (1 + math.Exp(-z))
				for i := range w {
					gw[i] += (p - r.y) * r.x[i]
				}
				gb += p - r.y
				n++
			}
			for i := range w {
				w[i] -= 1.0 * (gw[i]/n + 0.001*w[i])
			}
			b -= 1.0 * gb / n
		}
		return w, b
	}
	report := func(name string, w [nFeatures]float64, b float64, use func(row) bool) {
		for _, th := range []float64{0.5, 0.6, 0.7, 0.8} {
			right, wrong, pos, n := 0, 0, 0, 0
			for _, r := range rows {
				if !use(r) {
					continue
				}
				n++
				z := b
				for i := range w {
					z += w[i] * r.x[i]
				}
				if r.y == 1 {
					pos++
				}
				if 1/(1+math.Exp(-z)) >= th {
					if r.y == 1 {
						right++
					} else {
						wrong++
					}
				}
			}
			t.Logf("%s threshold %.2f: answered right %d/%d correct-top, wrong %d of %d", name, th, right, pos, wrong, n)
		}
	}
	w0, b0 := fit(func(r row) bool { return r.set == 0 })
	report("fit on set 1, test on set 2", w0, b0, func(r row) bool { return r.set == 1 })
	w1, b1 := fit(func(r row) bool { return r.set == 1 })
	report("fit on set 2, test on set 1", w1, b1, func(r row) bool { return r.set == 0 })
	w2, b2 := fit(func(r row) bool { return r.set != 2 })
	report("fit on demo, test on extra", w2, b2, func(r row) bool { return r.set == 2 })
	w3, b3 := fit(func(r row) bool { return r.set == 2 })
	report("fit on extra, test on demo", w3, b3, func(r row) bool { return r.set != 2 })
	w, b := fit(func(row) bool { return true })
	report("fit on all, in sample", w, b, func(row) bool { return true })
	fmt.Printf("confWeights = [nFeatures]float64{%s}\nconfBias = %.3f\n", joinFloats(w[:]), b)
}

func joinFloats(fs []float64) string {
	out := ""
	for i, f := range fs {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%.3f", f)
	}
	return out
}
